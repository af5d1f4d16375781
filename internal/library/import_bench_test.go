package library_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/testutil"
)

// BenchmarkImportTargets imports a generated CSV of 20,000 targets (SSGK_BENCH_ROWS to change
// it) into a fresh database per iteration (SQLite, or PostgreSQL under SSGK_TEST_POSTGRES).
// bench/import/run.sh measures the 1,000,000-row case against PostgreSQL's COPY.
func BenchmarkImportTargets(b *testing.B) {
	rows := 20000
	if s := os.Getenv("SSGK_BENCH_ROWS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("SSGK_BENCH_ROWS=%q", s)
		}
		rows = n
	}
	file := filepath.Join(b.TempDir(), "targets.csv")
	gen := exec.Command("go", "run", "./tools/officegen", "-kind", "targets", "-rows", strconv.Itoa(rows), "-out", file)
	gen.Dir = filepath.Join("..", "..")
	if out, err := gen.CombinedOutput(); err != nil {
		b.Fatalf("gen: %v\n%s", err, out)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		b.StopTimer()
		f := newImportFixture(b)
		b.StartTimer()
		res, err := library.Import(testutil.System(), f.db.Client, fileOpener(file), library.ImportOptions{
			Kind: importer.KindTargets, DepartmentID: f.dep.ID})
		if err != nil || res.Job.Created != rows {
			b.Fatalf("import: %v %+v", err, res)
		}
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
