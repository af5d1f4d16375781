package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/xlsxbomb"
	"github.com/ssgk/ssgk/internal/txn"
)

// TestConfig_FailsClosed: a secret file that is missing or empty, and an unknown log level or
// format, stop the command instead of starting it on defaults (issue 19: a broken
// DATABASE_URL_FILE mount started production on an empty local SQLite database).
func TestConfig_FailsClosed(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	if err := os.WriteFile(empty, []byte("\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"missing DATABASE_URL_FILE", map[string]string{"DATABASE_URL_FILE": filepath.Join(dir, "nope")}, []string{"migrate"}, "DATABASE_URL_FILE"},
		{"empty DATABASE_URL_FILE", map[string]string{"DATABASE_URL_FILE": empty}, []string{"serve", "--listen", "127.0.0.1:0"}, "为空"},
		{"missing METRICS_TOKEN_FILE", map[string]string{"METRICS_TOKEN_FILE": filepath.Join(dir, "nope")}, []string{"serve", "--listen", "127.0.0.1:0"}, "METRICS_TOKEN_FILE"},
		{"unknown LOG_LEVEL", map[string]string{"LOG_LEVEL": "verbose"}, []string{"serve", "--listen", "127.0.0.1:0"}, "LOG_LEVEL"},
		{"unknown LOG_FORMAT", map[string]string{"LOG_FORMAT": "xml"}, []string{"migrate"}, "LOG_FORMAT"},
		{"unknown --log-level", nil, []string{"migrate", "--log-level", "loud"}, "LOG_LEVEL"},
		{"body limit that is no size", map[string]string{"GRAPHQL_MAX_BODY": "lots"}, []string{"serve", "--listen", "127.0.0.1:0"}, "GRAPHQL_MAX_BODY"},
		{"import row limit that is no number", map[string]string{"IMPORT_MAX_ROWS": "-3"}, []string{"import", "targets", empty, "--department", "SCJG"}, "IMPORT_MAX_ROWS"},
	} {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("DATABASE_URL", "")
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			var out, errOut bytes.Buffer
			args := append(append([]string{}, c.args...), "--data-dir", filepath.Join(dir, c.name))
			ctx, cancel := context.WithCancel(context.Background())
			cancel() // should the command start after all, let it stop at once
			err := run(ctx, args, &out, &errOut)
			if apperr.CodeOf(err) != "CONFIG_INVALID" || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want CONFIG_INVALID naming %s", err, c.want)
			}
			if _, serr := os.Stat(filepath.Join(dir, c.name, "ssgk.db")); serr == nil {
				t.Fatal("the command created a database before refusing its configuration")
			}
		})
	}
}

// TestImportCommand_SameLimitsAsUploads: ssgk import refuses a decompression bomb and a file
// past IMPORT_MAX_ROWS with the codes a GraphQL upload gets.
func TestImportCommand_SameLimitsAsUploads(t *testing.T) {
	dir := t.TempDir()
	url := testutil.DatabaseURL(t)
	t.Setenv("DATABASE_URL", url)
	ctx := testutil.System()
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: url, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	err = txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		dep, err := tx.Department.Create().SetCode("SCJG").SetName("宁阳县市场监督管理局").Save(ctx)
		if err != nil {
			return err
		}
		return tx.TargetLibrary.Create().SetCode("MAIN").SetName("市场主体库").SetDepartmentID(dep.ID).Exec(ctx)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	bomb := filepath.Join(dir, "bomb.xlsx")
	if err := os.WriteFile(bomb, xlsxbomb.New(1<<30, 1<<30, `<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAA</t></is></c></row>`), 0o600); err != nil {
		t.Fatal(err)
	}
	rows := filepath.Join(dir, "rows.csv")
	if err := os.WriteFile(rows, []byte("统一社会信用代码,企业名称\n"+strings.Repeat("91370921MA3C000000,某公司\n", 5)), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"import", "targets", bomb, "--department", "SCJG", "--data-dir", dir}, &out, &errOut)
	if apperr.CodeOf(err) != "IMPORT_FILE_TOO_LARGE" {
		t.Fatalf("bomb: %v", err)
	}
	t.Setenv("IMPORT_MAX_ROWS", "3")
	err = run(context.Background(), []string{"import", "targets", rows, "--department", "SCJG", "--data-dir", dir}, &out, &errOut)
	if apperr.CodeOf(err) != "IMPORT_TOO_MANY_ROWS" {
		t.Fatalf("rows over IMPORT_MAX_ROWS: %v", err)
	}
}
