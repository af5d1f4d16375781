// Command officegen writes synthetic import files for load tests and the sample files of testdata/.
//
//	go run ./tools/officegen -kind targets -rows 1000000 -out targets.csv [-encoding utf8|utf8bom|gbk] [-invalid-every N] [-seed S]
//	go run ./tools/officegen -kind targets -rows 100000 -out targets.xlsx
//	go run ./tools/officegen -samples testdata
//
// Targets are in division 370921 with valid, unique unified social credit codes; every N-th row
// (-invalid-every) carries one defect, in turn: wrong check character, impossible date, unknown
// credit class, repeated code, empty name, invalid division code. Rows are streamed to disk.
package main

import (
	"bufio"
	"encoding/csv"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"

	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/importer/synth"
)

func main() {
	kindFlag := flag.String("kind", "targets", "targets、inspectors 或 items")
	rows := flag.Int("rows", 1000, "数据行数")
	out := flag.String("out", "", "输出文件（.csv 或 .xlsx）")
	encoding := flag.String("encoding", "utf8", "CSV 编码：utf8、utf8bom 或 gbk")
	invalidEvery := flag.Int("invalid-every", 0, "每 N 行放入一行错误数据（仅 targets；0 表示不放）")
	seed := flag.Uint64("seed", 2026, "随机种子（相同种子生成相同文件）")
	samples := flag.String("samples", "", "在该目录下重新生成 testdata 样例文件")
	flag.Parse()

	if *samples != "" {
		if err := writeSamples(*samples); err != nil {
			fail(err)
		}
		return
	}
	kind, err := importer.ParseKind(*kindFlag)
	if err != nil {
		fail(err)
	}
	if *out == "" {
		fail(fmt.Errorf("请用 -out 指定输出文件"))
	}
	if *rows < 0 {
		fail(fmt.Errorf("-rows 不能为负数"))
	}
	next := rowSource(kind, *seed, *invalidEvery)
	var bad int
	count := func() ([]string, bool) {
		cells, defect := next()
		if defect != "" {
			bad++
		}
		return cells, true
	}
	if strings.EqualFold(filepath.Ext(*out), ".xlsx") {
		err = writeXLSXFile(*out, kind, *rows, count)
	} else {
		err = writeCSVFile(*out, *encoding, kind, *rows, count)
	}
	if err != nil {
		fail(err)
	}
	fmt.Fprintf(os.Stderr, "已生成 %s：%d 行数据（其中 %d 行有意写错），写入 %s\n", kind.Title(), *rows, bad, *out)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "gen:", err)
	os.Exit(1)
}

// rowSource returns the generator of a kind: cells in canonical column order and the defect of
// the row ("" for a valid row).
func rowSource(kind importer.Kind, seed uint64, invalidEvery int) func() ([]string, string) {
	switch kind {
	case importer.KindInspectors:
		g := synth.NewInspectors(seed)
		return func() ([]string, string) { return g.Next(), "" }
	case importer.KindItems:
		g := synth.NewItems(seed)
		return func() ([]string, string) { return g.Next(), "" }
	default:
		g := synth.NewTargets(seed, invalidEvery)
		return g.Next
	}
}

// writeCSVFile streams rows to a CSV file in the chosen encoding, with CRLF line ends as Excel
// writes them.
func writeCSVFile(path, encoding string, kind importer.Kind, n int, next func() ([]string, bool)) (err error) {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	bw := bufio.NewWriterSize(f, 1<<20)
	if err := writeCSV(bw, encoding, importer.Columns(kind), n, next); err != nil {
		return err
	}
	return bw.Flush()
}

// writeCSV writes the header and n rows from next in the encoding.
func writeCSV(w io.Writer, encoding string, header []string, n int, next func() ([]string, bool)) error {
	var tw io.WriteCloser
	switch encoding {
	case "utf8":
	case "utf8bom":
		if _, err := w.Write([]byte{0xEF, 0xBB, 0xBF}); err != nil {
			return err
		}
	case "gbk":
		tw = transform.NewWriter(w, simplifiedchinese.GBK.NewEncoder())
		w = tw
	default:
		return fmt.Errorf("未知编码“%s”：应为 utf8、utf8bom 或 gbk", encoding)
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(header); err != nil {
		return err
	}
	for range n {
		cells, _ := next()
		if err := cw.Write(cells); err != nil {
			return err
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	if tw != nil {
		return tw.Close()
	}
	return nil
}

// writeXLSXFile streams rows to an XLSX file through excelize's StreamWriter.
func writeXLSXFile(path string, kind importer.Kind, n int, next func() ([]string, bool)) error {
	f := excelize.NewFile()
	defer f.Close()
	sheet := kind.Title()
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetRow("A1", anySlice(importer.Columns(kind))); err != nil {
		return err
	}
	for i := range n {
		cells, _ := next()
		if err := sw.SetRow(fmt.Sprintf("A%d", i+2), anySlice(cells)); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

func anySlice(s []string) []any {
	out := make([]any, len(s))
	for i, v := range s {
		out[i] = v
	}
	return out
}
