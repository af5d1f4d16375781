package library_test

import (
	"context"
	"encoding/csv"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/importjob"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// genTargets writes a generated CSV of rows targets (seeded) and returns its path.
func genTargets(t *testing.T, rows int, seed int) string {
	t.Helper()
	file := filepath.Join(t.TempDir(), fmt.Sprintf("targets_%d_%d.csv", rows, seed))
	gen := exec.Command("go", "run", "./tools/officegen", "-kind", "targets", "-rows", strconv.Itoa(rows),
		"-seed", strconv.Itoa(seed), "-out", file)
	gen.Dir = filepath.Join("..", "..")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	return file
}

// schemaSnapshot lists every index, trigger and constraint of the database with its definition.
func schemaSnapshot(t *testing.T, f *importFixture) []string {
	t.Helper()
	var query string
	if f.db.Dialect == dialect.Postgres {
		query = `SELECT 'index ' || c.relname || ': ' || pg_get_indexdef(c.oid) FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid
			JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = current_schema()
			UNION ALL SELECT 'constraint ' || conrelid::regclass::text || '.' || conname || ': ' || pg_get_constraintdef(oid)
			FROM pg_constraint WHERE connamespace = current_schema()::regnamespace
			UNION ALL SELECT 'trigger ' || tgrelid::regclass::text || '.' || tgname || ': ' || pg_get_triggerdef(oid)
			FROM pg_trigger WHERE NOT tgisinternal ORDER BY 1`
	} else {
		query = `SELECT type || ' ' || name || ' on ' || tbl_name || ': ' || coalesce(sql, '') FROM sqlite_master
			WHERE type IN ('index', 'trigger') ORDER BY 1`
		var n int
		if err := f.db.SQL.QueryRow(`SELECT count(*) FROM sqlite_master WHERE name = 'sqlite_stat1'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 { // the planner's statistics, which DROP INDEX deletes
			query = strings.Replace(query, "ORDER BY 1", `UNION ALL SELECT 'stat ' || tbl || '.' || coalesce(idx, '') || ': ' || stat FROM sqlite_stat1 ORDER BY 1`, 1)
		}
	}
	rows, err := f.db.SQL.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func sameSchema(t *testing.T, when string, before, after []string) {
	t.Helper()
	if !slices.ContainsFunc(before, func(s string) bool { return strings.Contains(s, "targets_uscc_key") }) {
		t.Fatalf("schema snapshot without the indexes of targets: %v", before)
	}
	if !slices.Equal(before, after) {
		t.Fatalf("%s: schema changed\nbefore:\n%s\nafter:\n%s", when, strings.Join(before, "\n"), strings.Join(after, "\n"))
	}
}

// largeImport lowers the large-import size to 3,000 rows (the second batch of 5,000) and
// records what the import drops.
func largeImport(t *testing.T) *[]string {
	t.Helper()
	t.Cleanup(library.SetLargeImportRows(3000))
	var dropped []string
	t.Cleanup(library.OnSchemaDeferred(func(names []string) { dropped = append(dropped, names...) }))
	return &dropped
}

func wantDropped(t *testing.T, f *importFixture, dropped []string) {
	t.Helper()
	want := []string{"target_name", "targets_uscc_key"}
	if f.db.Dialect == dialect.Postgres {
		want = []string{"public.target_name", "public.targets_uscc_key", "target_library_targets_target_id"}
	}
	for _, w := range want {
		if !slices.Contains(dropped, w) {
			t.Fatalf("large import dropped %v, want %s among them", dropped, w)
		}
	}
}

// A large import drops the secondary indexes of targets (and on PostgreSQL the membership
// table's foreign keys) and leaves exactly the original schema behind, whether it commits or
// rolls back.
// Not parallel: largeImport changes the package's large-import size and schema hook.
func TestImport_LargeImportRestoresSchema(t *testing.T) {
	file := genTargets(t, 12000, 7)
	t.Run("commit", func(t *testing.T) {
		f := newImportFixture(t)
		dropped := largeImport(t)
		// With the planner's statistics present (SQLite keeps them per index).
		f.run(t, importer.KindTargets, fileOpener(sample("targets_utf8_bom.csv")), true)
		if _, err := f.db.SQL.Exec(`ANALYZE`); err != nil {
			t.Fatal(err)
		}
		stored := f.count(t)
		before := schemaSnapshot(t, f)
		if f.db.Dialect == dialect.SQLite && !slices.ContainsFunc(before, func(s string) bool { return strings.HasPrefix(s, "stat targets.target_name") }) {
			t.Fatalf("no statistics after ANALYZE: %v", before)
		}
		res := f.run(t, importer.KindTargets, fileOpener(file), false)
		if res.Job.Status != importjob.StatusSUCCEEDED || res.Job.Created != 12000 {
			t.Fatalf("job %+v", res.Job)
		}
		wantDropped(t, f, *dropped)
		sameSchema(t, "after a committed large import", before, schemaSnapshot(t, f))
		if n := f.count(t); n != stored+12000 {
			t.Fatalf("targets = %d, want %d", n, stored+12000)
		}
		if rep, err := audit.Verify(testutil.System(), f.db.Client, nil); err != nil || !rep.OK() || rep.Rows < 12000 {
			t.Fatalf("verify: %v %+v", err, rep)
		}
		// The recreated unique index still rejects a duplicate.
		dup, err := f.db.Client.Target.Query().Order(target.ByID()).Offset(11000).First(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		err = txn.Run(testutil.System(), f.db.Client, func(tx *ent.Tx) error {
			return tx.Target.Create().SetName("重复").SetNillableUscc(dup.Uscc).Exec(testutil.System())
		})
		if !ent.IsConstraintError(err) {
			t.Fatalf("duplicate USCC after the import: err = %v", err)
		}
		// Re-import: nothing changes.
		*dropped = nil
		again := f.run(t, importer.KindTargets, fileOpener(file), false)
		if again.Job.Created != 0 || again.Job.Updated != 0 || again.Job.Unchanged != 12000 {
			t.Fatalf("re-import: %+v", again.Job)
		}
		sameSchema(t, "after the re-import", before, schemaSnapshot(t, f))
	})
	t.Run("rollback", func(t *testing.T) {
		bad := filepath.Join(t.TempDir(), "bad.csv")
		b, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		b = append(b, "91370921MA3C5X8B2X,,,坏行,企业,,,,370921,5251,2020-01-01,存续,B,否,,,,\n"...)
		if err := os.WriteFile(bad, b, 0o644); err != nil {
			t.Fatal(err)
		}
		f := newImportFixture(t)
		dropped := largeImport(t)
		before := schemaSnapshot(t, f)
		res := f.run(t, importer.KindTargets, fileOpener(bad), false)
		if res.Job.Status != importjob.StatusREJECTED || res.Report.Rejected != 1 {
			t.Fatalf("job %+v", res.Job)
		}
		if f.db.Dialect == dialect.SQLite {
			// SQLite validates the whole file before the write pass (the writer is the hub's
			// bottleneck): a rejected file never reaches it, so nothing was dropped.
			if len(*dropped) != 0 {
				t.Fatalf("a rejected file reached the write pass on SQLite: dropped %v", *dropped)
			}
		} else {
			wantDropped(t, f, *dropped)
		}
		sameSchema(t, "after a rolled-back large import", before, schemaSnapshot(t, f))
		if n := f.count(t); n != 0 {
			t.Fatalf("rolled-back import left %d targets", n)
		}
		if rep, err := audit.Verify(testutil.System(), f.db.Client, nil); err != nil || !rep.OK() {
			t.Fatalf("verify: %v %+v", err, rep)
		}
	})
}

// In a large import into a table that already holds targets, stored targets are found through
// the key map, also once the unique indexes are dropped: unchanged rows stay, a changed one is
// updated with its history.
// Not parallel: largeImport changes the package's large-import size and schema hook.
func TestImport_LargeImportFindsStoredTargets(t *testing.T) {
	old, fresh := genTargets(t, 12000, 11), genTargets(t, 12000, 12)
	f := newImportFixture(t)
	f.run(t, importer.KindTargets, fileOpener(old), false)

	// The new file: the 12,000 new rows, then the stored ones, one of them renamed late in the
	// file, after the indexes are dropped.
	read := func(path string) [][]string {
		fh, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		defer fh.Close()
		recs, err := csv.NewReader(fh).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		return recs
	}
	oldRecs, freshRecs := read(old), read(fresh)
	renamed := oldRecs[11000]
	renamed[3] += "（更名）"
	mixed := filepath.Join(t.TempDir(), "mixed.csv")
	fh, err := os.Create(mixed)
	if err != nil {
		t.Fatal(err)
	}
	cw := csv.NewWriter(fh)
	_ = cw.WriteAll(append(freshRecs, oldRecs[1:]...))
	if err := fh.Close(); err != nil {
		t.Fatal(err)
	}

	dropped := largeImport(t)
	before := schemaSnapshot(t, f)
	res := f.run(t, importer.KindTargets, fileOpener(mixed), false)
	if res.Job.Created != 12000 || res.Job.Updated != 1 || res.Job.Unchanged != 11999 {
		t.Fatalf("job %+v, errors %v", res.Job, res.Report.Errors)
	}
	wantDropped(t, f, *dropped)
	sameSchema(t, "after the import", before, schemaSnapshot(t, f))
	if n := f.count(t); n != 24000 {
		t.Fatalf("targets = %d", n)
	}
	got, err := f.db.Client.Target.Query().Where(target.Uscc(renamed[0])).Only(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != renamed[3] {
		t.Fatalf("name = %q, want %q", got.Name, renamed[3])
	}
	h, err := f.db.Client.Target.QueryHistory(got).Only(context.Background())
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	if c, ok := h.Changes["name"].(map[string]any); !ok || c["new"] != renamed[3] {
		t.Fatalf("history = %v", h.Changes)
	}
	if rep, err := audit.Verify(testutil.System(), f.db.Client, nil); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}

// On PostgreSQL, when a reader holds targets, the large import does not queue for the exclusive
// lock beyond a short wait: it keeps its indexes and completes.
// Not parallel: largeImport changes the package's large-import size and schema hook.
func TestImport_LargeImportBehindReaderKeepsIndexes(t *testing.T) {
	if os.Getenv(testutil.PostgresEnv) == "" {
		t.Skip("PostgreSQL only (SQLite readers never block the writer)")
	}
	file := genTargets(t, 12000, 13)
	f := newImportFixture(t)
	dropped := largeImport(t)
	before := schemaSnapshot(t, f)
	reader, err := f.db.SQL.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Rollback() //nolint:errcheck
	if _, err := reader.Exec(`SELECT count(*) FROM targets`); err != nil {
		t.Fatal(err)
	}
	res := f.run(t, importer.KindTargets, fileOpener(file), false)
	if res.Job.Status != importjob.StatusSUCCEEDED || res.Job.Created != 12000 {
		t.Fatalf("job %+v", res.Job)
	}
	if len(*dropped) != 0 {
		t.Fatalf("dropped %v behind a reader", *dropped)
	}
	_ = reader.Rollback()
	sameSchema(t, "after the import", before, schemaSnapshot(t, f))
	if rep, err := audit.Verify(testutil.System(), f.db.Client, nil); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %+v", err, rep)
	}
}

// With the unique indexes dropped, a new row whose registration number belongs to a stored
// target is caught when the index is recreated: the import fails as a conflict and writes
// nothing.
// Not parallel: largeImport changes the package's large-import size and schema hook.
func TestImport_LargeImportDuplicateFailsAtRestore(t *testing.T) {
	f := newImportFixture(t)
	header := "统一社会信用代码,注册号,对象编码,企业名称,对象类型,法定代表人,法定代表人电话,住所,行政区划代码,行业代码,成立日期,登记状态,信用风险分类,经营异常名录,许可证,标签,联系人,联系电话\n"
	stored := header + "91370921MA3C5X8B2C,370921200012341,,甲公司,企业,,,,370921,5251,2020-01-01,存续,B,否,,,,\n"
	f.run(t, importer.KindTargets, bytesOpener([]byte(stored)), false)

	other := genTargets(t, 2, 21)
	b, err := os.ReadFile(other)
	if err != nil {
		t.Fatal(err)
	}
	freshUSCC := strings.SplitN(strings.Split(string(b), "\n")[1], ",", 2)[0]
	b, err = os.ReadFile(genTargets(t, 12000, 22))
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, freshUSCC+",370921200012341,,乙公司,企业,,,,370921,5251,2020-01-01,存续,B,否,,,,\n"...)

	dropped := largeImport(t)
	before := schemaSnapshot(t, f)
	_, err = library.Import(testutil.System(), f.db.Client, bytesOpener(b), library.ImportOptions{
		Kind: importer.KindTargets, DepartmentID: f.dep.ID})
	if apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("err = %v (%s), want a conflict", err, apperr.CodeOf(err))
	}
	wantDropped(t, f, *dropped)
	sameSchema(t, "after the failed import", before, schemaSnapshot(t, f))
	if n := f.count(t); n != 1 {
		t.Fatalf("targets = %d, want 1", n)
	}
}
