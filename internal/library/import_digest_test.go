package library_test

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/importjob"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/bulk"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// The bulk path computes each new target's audit digest from the values it writes instead of
// reading the row back; audit.Verify re-digests the stored rows, so a single byte of difference
// (time precision, booleans, JSON spacing or escaping, NULL versus empty) fails it.
func TestImport_GoDigestsMatchStoredRows(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	sys := testutil.System()
	ctx := audit.WithBatch(sys)
	str := func(s string) *string { return &s }
	day := time.Date(1999, 12, 31, 0, 0, 0, 0, clock.CST)
	tricky := "引号\"反斜杠\\制表\t换行\n回车\r响铃\x07 <b>&amp; \u2028 😀 'single' %s"
	recs := []*importer.TargetRecord{
		{USCC: str("91370921MA3C5X8B2C"), Kind: "ENTERPRISE", Name: tricky, LegalRepresentative: "张三", Address: tricky,
			DivisionCode: "370921", IndustryCode: "5251", RegisteredOn: &day, Status: "EXISTING", CreditRiskClass: "A",
			AbnormalList: true, Licences: []string{tricky, "食品经营许可证：JY13709210000001", ""}, Tags: []string{"<>&", "\x01\x1f\x7f"}},
		{ObjectCode: str("OBJ-001"), Kind: "PRODUCT", Name: "产品 1", DivisionCode: "370921", Status: "CANCELLED", CreditRiskClass: "D",
			Licences: []string{}, Tags: nil},
		{RegNo: str("370921200012341"), Kind: "INDIVIDUAL", Name: "个体户", DivisionCode: "370921", Status: "EXISTING", CreditRiskClass: "B",
			ContactPerson: "李四", ContactPhone: "0538-5621234"},
	}
	var ids []int
	err := txn.Run(ctx, f.db.Client, func(tx *ent.Tx) error {
		if f.db.Dialect == dialect.Postgres && bulk.SQLTx(tx) == nil {
			t.Error("no *sql.Tx found in the ent transaction: the PostgreSQL import cannot use COPY")
		}
		lib, err := tx.TargetLibrary.Query().Where(targetlibrary.DepartmentID(f.dep.ID)).Only(ctx)
		if err != nil {
			return err
		}
		ids, err = library.CreateTargetsBulk(ctx, tx, f.dep, lib.ID, recs)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := audit.Verify(sys, f.db.Client, nil); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
	// ent reads the rows back as written.
	got, err := f.db.Client.Target.Get(context.Background(), ids[0])
	if err != nil {
		t.Fatal(err)
	}
	if got.Name != tricky || len(got.Licences) != 3 || got.Licences[0] != tricky || got.Tags[1] != "\x01\x1f\x7f" ||
		!got.AbnormalList || got.RegisteredOn == nil || !got.RegisteredOn.Equal(day) {
		t.Fatalf("stored target differs: %+v", got)
	}
	if n, err := f.db.Client.TargetLibrary.Query().QueryTargets().Count(context.Background()); err != nil || n != len(recs) {
		t.Fatalf("library members = %d, %v", n, err)
	}
}

func TestJSONStringsIsJSON(t *testing.T) {
	t.Parallel()
	for _, list := range [][]string{nil, {}, {"a"}, {"引号\"\\\t\n\r\x00\x1f\x7f<>&\u2028", "b"}} {
		var back []string
		if err := json.Unmarshal([]byte(library.JSONStrings(list)), &back); err != nil {
			t.Fatalf("%q: %v", list, err)
		}
		if len(back) != len(list) {
			t.Fatalf("%q → %q", list, back)
		}
		for i := range list {
			if back[i] != list[i] {
				t.Fatalf("%q → %q", list, back)
			}
		}
	}
}

// A file whose only bad row comes after the first written batches changes nothing: the single
// pass has written those batches and rolls them back.
func TestImport_LateRejectedRowRollsBackWrittenBatches(t *testing.T) {
	t.Parallel()
	file := filepath.Join(t.TempDir(), "targets.csv")
	gen := exec.Command("go", "run", "./tools/officegen", "-kind", "targets", "-rows", "12000", "-out", file)
	gen.Dir = filepath.Join("..", "..")
	if out, err := gen.CombinedOutput(); err != nil {
		t.Fatalf("gen: %v\n%s", err, out)
	}
	fh, err := os.OpenFile(file, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintln(fh, "91370921MA3C5X8B2X,,,坏行,企业,,,,370921,5251,2020-01-01,存续,B,否,,,,")
	fh.Close()
	f := newImportFixture(t)
	events, _ := f.db.Client.AuditEvent.Query().Count(testutil.System())
	var progress []int
	res, err := library.Import(testutil.System(), f.db.Client, fileOpener(file), library.ImportOptions{
		Kind: importer.KindTargets, DepartmentID: f.dep.ID,
		Progress: func(_ string, rows int) { progress = append(progress, rows) }})
	if err != nil {
		t.Fatal(err)
	}
	if res.Job.Status != importjob.StatusREJECTED || res.Report.Rejected != 1 || res.Report.Rows != 12001 {
		t.Fatalf("job %+v, report rows %d rejected %d", res.Job, res.Report.Rows, res.Report.Rejected)
	}
	if n := f.count(t); n != 0 {
		t.Fatalf("rejected import left %d targets", n)
	}
	// The rejected attempt itself is recorded (one job, one event).
	if n, _ := f.db.Client.AuditEvent.Query().Count(testutil.System()); n != events+1 {
		t.Fatalf("audit events %d → %d", events, n)
	}
	if len(progress) < 2 || progress[len(progress)-1] != 12001 {
		t.Fatalf("progress = %v", progress)
	}
	if rep, err := audit.Verify(testutil.System(), f.db.Client, nil); err != nil || !rep.OK() {
		t.Fatalf("verify: %v %v", err, rep.Problems)
	}
}
