package importer_test

import (
	"bytes"
	"errors"
	"io"
	"runtime"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/testutil/xlsxbomb"
)

// openAll opens data and reads every row, returning the first error.
func openAll(data []byte) error {
	r, err := importer.Open(bytes.NewReader(data), importer.KindTargets)
	if err != nil {
		return err
	}
	defer r.Close()
	for {
		if _, err := r.Next(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

func codeOf(err error) string {
	var se *importer.SourceError
	if errors.As(err, &se) {
		return se.Code
	}
	return ""
}

const bombRow = `<row><c t="inlineStr"><is><t>AAAAAAAAAAAAAAAA</t></is></c></row>`

// TestLimits_DecompressionBombsRefusedWithFlatMemory: an XLSX of a few MB that unpacks to 1 GiB
// (issue 19: 60–130 s and 4–6 GB of memory) is refused from its ZIP directory; one that lies
// about its size, one with a single endless cell, and one compressed far beyond any real
// workbook are refused too — each with a code and without reading what it expands to.
func TestLimits_DecompressionBombsRefusedWithFlatMemory(t *testing.T) {
	cells := strings.Repeat("A", 64<<10) // one endless text node
	cases := []struct {
		name             string
		size, declared   int64
		unit, code, want string
	}{
		{"honest 1 GiB", 1 << 30, 1 << 30, bombRow, importer.CodeFileTooLarge, "压缩炸弹"},
		{"declares 100 MiB, holds 1 GiB", 1 << 30, 100 << 20, bombRow, importer.CodeCorruptFile, "声明的大小"},
		{"declares 1 MiB, holds 1 GiB", 1 << 30, 1 << 20, bombRow, importer.CodeCorruptFile, "声明的大小"},
		{"one 10 MiB cell", 10 << 20, 10 << 20, cells, importer.CodeCellTooLarge, "连续内容"},
		{"one 200 MiB cell", 200 << 20, 200 << 20, cells, importer.CodeFileTooLarge, "压缩比"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			data := xlsxbomb.New(c.size, c.declared, c.unit)
			var before, after runtime.MemStats
			runtime.GC()
			runtime.ReadMemStats(&before)
			err := openAll(data)
			runtime.ReadMemStats(&after)
			if codeOf(err) != c.code || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v (code %q), want %s containing %q", err, codeOf(err), c.code, c.want)
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
				t.Fatalf("refusing a %d MB bomb allocated %d MB", len(data)>>20, alloc>>20)
			}
		})
	}
}

func TestLimits_RowsColumnsAndCells(t *testing.T) {
	defer importer.SetLimits(importer.Limits{})
	header := "统一社会信用代码,企业名称\n"
	importer.SetLimits(importer.Limits{MaxRows: 5})
	if err := openAll([]byte(header + strings.Repeat("91370921MA3C000000,某公司\n", 10))); codeOf(err) != importer.CodeTooManyRows {
		t.Fatalf("10 rows under a 5-row limit: %v", err)
	}
	importer.SetLimits(importer.Limits{})
	if err := openAll([]byte(header + "91370921MA3C000000," + strings.Repeat("名", 40_000) + "\n")); codeOf(err) != importer.CodeCellTooLarge {
		t.Fatalf("a 40,000-character cell: %v", err)
	}
	if err := openAll([]byte(header + strings.Repeat("x,", 2000) + "\n")); codeOf(err) != importer.CodeCellTooLarge {
		t.Fatalf("a 2,000-column row: %v", err)
	}
}

func TestLimits_UnreadableFilesHaveCodes(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		code string
	}{
		{"empty", nil, importer.CodeEmptyFile},
		{"xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, importer.CodeUnsupportedFormat},
		{"UTF-16", []byte{0xFF, 0xFE, 'a', 0}, importer.CodeUnsupportedFormat},
		{"corrupt xlsx", []byte("PK\x03\x04garbage"), importer.CodeCorruptFile},
	} {
		if err := openAll(c.data); codeOf(err) != c.code {
			t.Errorf("%s: %v (code %q), want %s", c.name, err, codeOf(err), c.code)
		}
	}
}
