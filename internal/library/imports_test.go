package library_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/importjob"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

type importFixture struct {
	db  *hub.Hub
	dep *ent.Department
}

func newImportFixture(t testing.TB) *importFixture {
	t.Helper()
	db := testutil.Open(t)
	sys := testutil.System()
	f := &importFixture{db: db}
	err := txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		var err error
		if f.dep, err = tx.Department.Create().SetCode("SCJG").SetName("宁阳县市场监督管理局").SetShortName("县市场监管局").Save(sys); err != nil {
			return err
		}
		return tx.TargetLibrary.Create().SetCode("MAIN").SetName("市场主体库").SetDepartmentID(f.dep.ID).Exec(sys)
	})
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func fileOpener(path string) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return os.Open(path) }
}

func bytesOpener(b []byte) func() (io.ReadCloser, error) {
	return func() (io.ReadCloser, error) { return io.NopCloser(bytes.NewReader(b)), nil }
}

func (f *importFixture) run(t *testing.T, kind importer.Kind, open func() (io.ReadCloser, error), partial bool) *library.ImportResult {
	t.Helper()
	res, err := library.Import(testutil.System(), f.db.Client, open, library.ImportOptions{
		Kind: kind, DepartmentID: f.dep.ID, Partial: partial, FileName: "test"})
	if err != nil {
		t.Fatalf("import: %v", err)
	}
	return res
}

func (f *importFixture) count(t *testing.T) int {
	t.Helper()
	n, err := f.db.Client.Target.Query().Count(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func sample(name string) string { return filepath.Join("..", "..", "testdata", name) }

func TestImport_AllOrNothingThenPartialThenIdempotent(t *testing.T) {
	t.Parallel()
	for _, file := range []string{"targets_gbk.csv", "targets_utf8_bom.csv", "targets_merged_title.xlsx"} {
		t.Run(file, func(t *testing.T) {
			f := newImportFixture(t)
			res := f.run(t, importer.KindTargets, fileOpener(sample(file)), false)
			if res.Job.Status != importjob.StatusREJECTED || res.Report.Rejected == 0 || len(res.Job.Report) == 0 {
				t.Fatalf("sample with invalid rows: status %s, rejected %d", res.Job.Status, res.Report.Rejected)
			}
			if n := f.count(t); n != 0 {
				t.Fatalf("rejected import wrote %d targets", n)
			}
			for _, e := range res.Report.Errors {
				if e.Line <= 0 || e.Reason == "" {
					t.Fatalf("error without row or reason: %+v", e)
				}
			}
			res = f.run(t, importer.KindTargets, fileOpener(sample(file)), true)
			if res.Job.Status != importjob.StatusPARTIAL || res.Job.Created != res.Report.Accepted || res.Job.Created == 0 {
				t.Fatalf("partial: status %s created %d accepted %d", res.Job.Status, res.Job.Created, res.Report.Accepted)
			}
			if n := f.count(t); n != res.Report.Accepted {
				t.Fatalf("targets = %d, want %d", n, res.Report.Accepted)
			}
			again := f.run(t, importer.KindTargets, fileOpener(sample(file)), true)
			if again.Job.Created != 0 || again.Job.Updated != 0 || again.Job.Unchanged != res.Report.Accepted {
				t.Fatalf("re-import not idempotent: %+v", again.Job)
			}
			if rep, err := audit.Verify(testutil.System(), f.db.Client, nil); err != nil || !rep.OK() {
				t.Fatalf("audit after import: %v %v", err, rep.Problems)
			}
		})
	}
}

func TestImport_NewerFileUpdatesAndRecordsHistory(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	f.run(t, importer.KindTargets, fileOpener(sample("targets_utf8_bom.csv")), true)
	// Export what is stored, change one name, import it back.
	var buf bytes.Buffer
	if err := library.ExportTargets(testutil.System(), f.db.Client, f.dep.ID, 0, &buf); err != nil {
		t.Fatal(err)
	}
	round := f.run(t, importer.KindTargets, bytesOpener(buf.Bytes()), false)
	if round.Job.Status != importjob.StatusSUCCEEDED || round.Job.Created != 0 || round.Job.Updated != 0 {
		t.Fatalf("export → import round trip changed data: %+v; errors %v", round.Job, round.Report.Errors)
	}
	first, err := f.db.Client.Target.Query().Order(ent.Asc(target.FieldID)).First(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	var edited []importer.TargetRecord
	rd, err := importer.Open(bytes.NewReader(buf.Bytes()), importer.KindTargets)
	if err != nil {
		t.Fatal(err)
	}
	for {
		row, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		rec := *row.Target
		if rec.USCC != nil && first.Uscc != nil && *rec.USCC == *first.Uscc {
			rec.Name += "（更名）"
		}
		edited = append(edited, rec)
	}
	rd.Close()
	var out bytes.Buffer
	if err := importer.WriteTargetsXLSX(&out, importer.Records(edited)); err != nil {
		t.Fatal(err)
	}
	res := f.run(t, importer.KindTargets, bytesOpener(out.Bytes()), false)
	if res.Job.Updated != 1 || res.Job.Created != 0 {
		t.Fatalf("newer file: %+v", res.Job)
	}
	h, err := f.db.Client.Target.QueryHistory(first).Only(context.Background())
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	if c, ok := h.Changes["name"].(map[string]any); !ok || !strings.HasSuffix(c["new"].(string), "（更名）") {
		t.Fatalf("history = %v", h.Changes)
	}
}

func TestImport_InspectorsAndItems(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	res := f.run(t, importer.KindInspectors, fileOpener(sample("inspectors.xlsx")), true)
	if res.Job.Created == 0 || res.Report.Rejected == 0 {
		t.Fatalf("inspectors: %+v, rejected %d", res.Job, res.Report.Rejected)
	}
	// Items go into the department's draft version only.
	if _, err := library.Import(testutil.System(), f.db.Client, fileOpener(sample("items.csv")), library.ImportOptions{
		Kind: importer.KindItems, DepartmentID: f.dep.ID, Partial: true}); apperr.CodeOf(err) != lists.CodeNotEditable {
		t.Fatalf("items without a draft: err = %v", err)
	}
	if _, err := lists.NewVersion(testutil.System(), f.db.Client, f.dep.ID, "宁阳县市场监管局随机抽查事项清单", "导入"); err != nil {
		t.Fatal(err)
	}
	res = f.run(t, importer.KindItems, fileOpener(sample("items.csv")), true)
	if res.Job.Created == 0 || res.Report.Rejected == 0 {
		t.Fatalf("items: %+v rejected %d", res.Job, res.Report.Rejected)
	}
}
