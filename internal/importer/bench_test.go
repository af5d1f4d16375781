package importer_test

import (
	"bufio"
	"encoding/csv"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/importer/synth"
)

// writeTargetsCSV writes n synthetic targets (UTF-8) to a file in dir.
func writeTargetsCSV(tb testing.TB, dir string, n int) string {
	tb.Helper()
	path := filepath.Join(dir, "targets.csv")
	f, err := os.Create(path)
	if err != nil {
		tb.Fatal(err)
	}
	bw := bufio.NewWriterSize(f, 1<<20)
	cw := csv.NewWriter(bw)
	_ = cw.Write(importer.Columns(importer.KindTargets))
	g := synth.NewTargets(1, 0)
	for range n {
		cells, _ := g.Next()
		_ = cw.Write(cells)
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		tb.Fatal(err)
	}
	if err := bw.Flush(); err != nil {
		tb.Fatal(err)
	}
	if err := f.Close(); err != nil {
		tb.Fatal(err)
	}
	return path
}

// BenchmarkReadTargetsCSV reads a generated 100,000-row file of targets, validating every row.
// It reports rows/s, allocations, and the peak live heap sampled every 10,000 rows — the memory
// check of the streaming reader (a million rows must stay well under 300 MB), measured rather
// than asserted on a clock.
func BenchmarkReadTargetsCSV(b *testing.B) {
	const rows = 100000
	path := writeTargetsCSV(b, b.TempDir(), rows)
	var peak uint64
	var ms runtime.MemStats
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		f, err := os.Open(path)
		if err != nil {
			b.Fatal(err)
		}
		r, err := importer.Open(f, importer.KindTargets)
		if err != nil {
			b.Fatal(err)
		}
		n := 0
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				b.Fatal(err)
			}
			if !row.OK() {
				b.Fatalf("row %d rejected: %v", row.Line, row.Errors)
			}
			_ = row.Digest()
			n++
			if n%10000 == 0 {
				runtime.ReadMemStats(&ms)
				peak = max(peak, ms.HeapAlloc)
			}
		}
		if n != rows {
			b.Fatalf("read %d rows, want %d", n, rows)
		}
		_ = r.Close()
		_ = f.Close()
	}
	b.ReportMetric(float64(rows)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

func TestGeneratedTargets_AllValidAndUnique(t *testing.T) {
	path := writeTargetsCSV(t, t.TempDir(), 20000)
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rep, err := importer.Check(f, importer.KindTargets, importer.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 20000 || !rep.OK() {
		t.Fatalf("%s %v", rep.Summary(), rep.Errors[:min(5, len(rep.Errors))])
	}
}
