package main

import (
	"bytes"
	"testing"

	"github.com/ssgk/ssgk/internal/importer"
)

func TestGenerate_InvalidEveryNRowsAreTheRejectedOnes(t *testing.T) {
	for _, enc := range []struct{ flag, want string }{
		{"utf8", importer.EncodingUTF8}, {"utf8bom", importer.EncodingUTF8BOM}, {"gbk", importer.EncodingGB18030},
	} {
		t.Run(enc.flag, func(t *testing.T) {
			var buf bytes.Buffer
			next := rowSource(importer.KindTargets, 3, 10)
			var defects []int
			line := 1
			err := writeCSV(&buf, enc.flag, importer.Columns(importer.KindTargets), 600, func() ([]string, bool) {
				line++
				cells, d := next()
				if d != "" {
					defects = append(defects, line)
				}
				return cells, true
			})
			if err != nil {
				t.Fatal(err)
			}
			r, err := importer.Open(&buf, importer.KindTargets)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if r.Encoding() != enc.want {
				t.Errorf("Encoding = %s, want %s", r.Encoding(), enc.want)
			}
			var rejected []int
			for {
				row, err := r.Next()
				if err != nil {
					break
				}
				if !row.OK() {
					rejected = append(rejected, row.Line)
				}
			}
			if len(defects) != 60 || len(rejected) != len(defects) {
				t.Fatalf("defects on %d rows, rejected %d", len(defects), len(rejected))
			}
			for i := range defects {
				if defects[i] != rejected[i] {
					t.Fatalf("defect on row %d, rejected row %d", defects[i], rejected[i])
				}
			}
		})
	}
}

func TestGenerate_InspectorsAndItemsImportCleanly(t *testing.T) {
	for _, kind := range []importer.Kind{importer.KindInspectors, importer.KindItems} {
		var buf bytes.Buffer
		next := rowSource(kind, 5, 0)
		if err := writeCSV(&buf, "utf8", importer.Columns(kind), 200, func() ([]string, bool) { c, _ := next(); return c, true }); err != nil {
			t.Fatal(err)
		}
		rep, err := importer.Check(&buf, kind, importer.Options{})
		if err != nil {
			t.Fatal(err)
		}
		if rep.Rows != 200 || !rep.OK() {
			t.Errorf("%s: %s %v", kind, rep.Summary(), rep.Errors)
		}
	}
}
