package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/backup"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// TestBackupRestore_RunningHub backs up a hub while it serves and publishes, restores the backup
// into a new data directory (and, on PostgreSQL, a new database, following the documented
// pg_dump/pg_restore procedure), and checks the restored hub with `ssgk audit verify` and
// `ssgk ledger audit` — the checkpoint signatures verify with the restored ledger.key.
func TestBackupRestore_RunningHub(t *testing.T) {
	h := newLedgerHub(t)
	h.publish(5)
	h.download(t.TempDir(), "cp.json", "/ledger/checkpoint") // signs a checkpoint: ledger.key exists
	sessionKey := make([]byte, 32)
	_, _ = rand.Read(sessionKey)
	if err := os.WriteFile(filepath.Join(h.data, "session.key"), sessionKey, 0o600); err != nil {
		t.Fatal(err)
	}
	evidence := []byte("现场检查照片（测试）")
	sum := sha256.Sum256(evidence)
	sha := hex.EncodeToString(sum[:])
	evPath := filepath.Join(h.data, "evidence", sha[:2], sha)
	if err := os.MkdirAll(filepath.Dir(evPath), 0o750); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(evPath, evidence, 0o640); err != nil {
		t.Fatal(err)
	}

	postgres := h.dbURL != ""
	src := []string{"--data-dir", h.data}
	if postgres {
		src = append(src, "--database-url", h.dbURL)
	}
	out := filepath.Join(t.TempDir(), "backup")

	// The hub keeps publishing while the backup runs: the copy must be consistent anyway.
	var wg sync.WaitGroup
	var writeErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		ctx := testutil.System()
		for i := range 20 {
			err := txn.Run(ctx, h.db.Client, func(tx *ent.Tx) error {
				_, err := publish.Record(ctx, tx, publish.Act{Kind: publication.KindRESULT, Title: fmt.Sprintf("备份期间的公示 %d", i),
					SubjectType: ent.TypeResult, SubjectID: 900 + i, Payload: map[string]any{"seq": i}})
				return err
			})
			if err != nil {
				writeErr = err
				return
			}
		}
	}()
	msg, code := h.cli(append([]string{"backup", "--out", out}, src...)...)
	wg.Wait()
	if writeErr != nil {
		t.Fatalf("publishing during the backup: %v", writeErr)
	}
	if code != "" || !strings.Contains(msg, "已备份到") {
		t.Fatalf("ssgk backup: %s %s", code, msg)
	}
	t.Logf("ssgk backup:\n%s", msg)
	for _, f := range []string{backup.ManifestFile, backup.LedgerKey, backup.SessionKey, backup.InstructionsFile, "evidence/" + sha[:2] + "/" + sha} {
		if _, err := os.Stat(filepath.Join(out, f)); err != nil {
			t.Errorf("the backup lacks %s", f)
		}
	}
	if fi, err := os.Stat(filepath.Join(out, backup.LedgerKey)); err == nil && fi.Mode().Perm() != 0o600 {
		t.Errorf("ledger.key in the backup has mode %v", fi.Mode().Perm())
	}
	if _, code := h.cli(append([]string{"backup", "--out", out}, src...)...); code != apperr.Conflict {
		t.Errorf("a backup into a non-empty directory: %q", code)
	}

	newData := filepath.Join(t.TempDir(), "restored")
	dst := []string{"--data-dir", newData}
	if postgres {
		// The documented procedure: pg_dump into the backup, a new database, pg_restore.
		instr, _ := os.ReadFile(filepath.Join(out, backup.InstructionsFile))
		if !strings.Contains(string(instr), "pg_dump --format=custom --no-owner") || !strings.Contains(msg, "pg_dump") {
			t.Fatalf("no pg_dump instructions:\n%s\n%s", msg, instr)
		}
		dump := filepath.Join(out, backup.PostgresDump)
		sh(t, "pg_dump", "--format=custom", "--no-owner", "--file", dump, h.dbURL)
		newURL := testutil.DatabaseURL(t)
		sh(t, "pg_restore", "--no-owner", "--exit-on-error", "--dbname", newURL, dump)
		dst = append(dst, "--database-url", newURL)
	} else if _, err := os.Stat(filepath.Join(out, backup.DatabaseFile)); err != nil {
		t.Fatal("the SQLite backup has no database")
	}

	msg, code = h.cli(append([]string{"restore", "--from", out}, dst...)...)
	if code != "" || !strings.Contains(msg, "已从") {
		t.Fatalf("ssgk restore: %s %s", code, msg)
	}
	if b, _ := os.ReadFile(filepath.Join(newData, "session.key")); !bytes.Equal(b, sessionKey) {
		t.Error("session.key not restored")
	}
	if b, _ := os.ReadFile(filepath.Join(newData, "evidence", sha[:2], sha)); !bytes.Equal(b, evidence) {
		t.Error("the evidence file is not restored")
	}
	if msg, code := h.cli(append([]string{"audit", "verify"}, dst...)...); code != "" || !strings.Contains(msg, "审计日志校验通过") {
		t.Fatalf("ssgk audit verify on the restored hub: %s %s", code, msg)
	}
	msg, code = h.cli(append([]string{"ledger", "audit"}, dst...)...)
	if code != "" || !strings.Contains(msg, "透明日志校验通过") || !strings.Contains(msg, "1 个签名有效") {
		t.Fatalf("ssgk ledger audit on the restored hub: %s %s", code, msg)
	}
	t.Logf("restored: %s", msg)

	// A restore never overwrites, and refuses a damaged backup.
	if _, code := h.cli(append([]string{"restore", "--from", out}, dst...)...); code != apperr.Conflict {
		t.Errorf("a restore over the restored hub: %q", code)
	}
	if err := os.WriteFile(filepath.Join(out, "evidence", sha[:2], sha), []byte("改过的照片"), 0o640); err != nil {
		t.Fatal(err)
	}
	other := []string{"--data-dir", filepath.Join(t.TempDir(), "again")}
	if postgres {
		other = append(other, "--database-url", dst[len(dst)-1])
	}
	if msg, code := h.cli(append([]string{"restore", "--from", out}, other...)...); code != apperr.Invalid || !strings.Contains(msg, "已损坏") {
		t.Errorf("a damaged backup: %q %s", code, msg)
	}
}

func sh(t *testing.T, name string, args ...string) {
	t.Helper()
	cmd := exec.CommandContext(context.Background(), name, args...)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("%s %v: %v\n%s", name, args, err, out)
	}
}
