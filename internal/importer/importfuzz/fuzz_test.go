// Package importfuzz holds the fuzz targets of the importer's readers. It is a package of its
// own so that the fuzzing binary links the importer alone: the importer's own tests link the
// code tables and with them ent, whose instrumented code slows fuzzing a hundredfold.
package importfuzz

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssgk/ssgk/internal/importer"
)

func codeOf(err error) string {
	var se *importer.SourceError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

// fuzzRead opens data as every kind and reads every row: a file may be refused, never panic,
// and a refusal of the file as a whole carries a code or is a header problem.
func fuzzRead(t *testing.T, data []byte) {
	for _, k := range importer.Kinds() {
		r, err := importer.Open(bytes.NewReader(data), k)
		if err != nil {
			continue
		}
		for {
			row, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if codeOf(err) == "" {
					t.Fatalf("%s: a read error without a code: %v", k, err)
				}
				break
			}
			if row.OK() && row.Target == nil && row.Inspector == nil && row.Item == nil {
				t.Fatalf("%s: a valid row with no record (line %d)", k, row.Line)
			}
		}
		_ = r.Close()
	}
}

func FuzzReadCSV(f *testing.F) {
	for _, name := range []string{"targets_gbk.csv", "targets_utf8_bom.csv", "items.csv"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("统一社会信用代码,企业名称\n91350200776049653A,\"某\"\"公司\n"))
	f.Add([]byte("\xff\xfe"))
	f.Fuzz(fuzzRead)
}

func FuzzReadXLSX(f *testing.F) {
	for _, name := range []string{"inspectors.xlsx", "targets_merged_title.xlsx"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "..", "testdata", name)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte("PK\x03\x04"))
	f.Fuzz(fuzzRead)
}
