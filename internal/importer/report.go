package importer

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"
)

// DefaultMaxReportErrors bounds the errors a Report keeps in detail, so that a million bad rows
// do not fill memory; the counts stay exact.
const DefaultMaxReportErrors = 100000

// Report is the outcome of validating a file: counts, and the errors of every rejected row.
type Report struct {
	Kind       Kind
	Encoding   string
	HeaderLine int
	Rows       int // data rows read
	Accepted   int // rows without error
	Rejected   int // rows with at least one error
	ErrorCount int // errors in all rows (≥ Rejected; a row may have several)
	Errors     []CellError
	Warnings   []CellError
	// MaxErrors bounds len(Errors) and len(Warnings); 0 means DefaultMaxReportErrors.
	MaxErrors int
	Omitted   int // errors and warnings not kept because of MaxErrors
}

// NewReport starts a report for the file of r.
func NewReport(r *Reader) *Report {
	return &Report{Kind: r.Kind(), Encoding: r.Encoding(), HeaderLine: r.HeaderLine()}
}

// Add counts a row and keeps its errors and warnings.
func (rep *Report) Add(row Row) {
	limit := rep.MaxErrors
	if limit <= 0 {
		limit = DefaultMaxReportErrors
	}
	rep.Rows++
	if row.OK() {
		rep.Accepted++
	} else {
		rep.Rejected++
	}
	rep.ErrorCount += len(row.Errors)
	for _, e := range row.Errors {
		if len(rep.Errors) < limit {
			rep.Errors = append(rep.Errors, e)
		} else {
			rep.Omitted++
		}
	}
	for _, w := range row.Warnings {
		if len(rep.Warnings) < limit {
			rep.Warnings = append(rep.Warnings, w)
		} else {
			rep.Omitted++
		}
	}
}

// OK reports whether every row passed.
func (rep *Report) OK() bool { return rep.Rejected == 0 }

// Summary is a short Chinese summary for the screen, e.g.
// "检查对象名录（GB18030 编码）：共 30 行数据，26 行通过，4 行有错误（共 5 处）。"
func (rep *Report) Summary() string {
	var b strings.Builder
	enc := rep.Encoding
	if enc != EncodingXLSX {
		enc += " 编码"
	}
	fmt.Fprintf(&b, "%s（%s）：", rep.Kind.Title(), enc)
	switch {
	case rep.Rows == 0:
		b.WriteString("没有数据行。")
	case rep.Rejected == 0:
		fmt.Fprintf(&b, "共 %d 行数据，全部通过校验。", rep.Rows)
	default:
		fmt.Fprintf(&b, "共 %d 行数据，%d 行通过，%d 行有错误（共 %d 处），请按错误报告修改后重新导入；本次不导入任何数据。",
			rep.Rows, rep.Accepted, rep.Rejected, rep.ErrorCount)
	}
	if n := len(rep.Warnings); n > 0 {
		fmt.Fprintf(&b, "另有 %d 条提示。", n)
	}
	if rep.Omitted > 0 {
		fmt.Fprintf(&b, "错误过多，报告只列出前 %d 处。", len(rep.Errors))
	}
	return b.String()
}

// Check reads a whole file and returns its report. It holds only the report, never the records.
func Check(r io.Reader, kind Kind, opts Options) (*Report, error) {
	rd, err := OpenWithOptions(r, kind, opts)
	if err != nil {
		return nil, err
	}
	defer rd.Close()
	rep := NewReport(rd)
	for {
		row, err := rd.Next()
		if err == io.EOF {
			return rep, nil
		}
		if err != nil {
			return rep, err
		}
		rep.Add(row)
	}
}

// Report sheet names and header.
const (
	ReportSheetErrors   = "错误"
	ReportSheetWarnings = "提示"
	ReportSheetSummary  = "汇总"
)

// ReportHeader is the header row of the report sheets.
var ReportHeader = []string{"行号", "列", "原值", "原因"}

// WriteReportXLSX writes the report as a downloadable workbook: sheet “错误” with one row per
// error (行号, 列, 原值, 原因), sheet “提示” with the warnings if any, and sheet “汇总” with the
// summary. It streams, so a large report does not have to fit in a worksheet in memory.
func WriteReportXLSX(w io.Writer, rep *Report) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", ReportSheetErrors); err != nil {
		return err
	}
	bold, err := headerStyle(f)
	if err != nil {
		return err
	}
	widths := []float64{8, 22, 30, 70}
	if err := writeCellErrors(f, ReportSheetErrors, rep.Errors, bold, widths); err != nil {
		return err
	}
	if len(rep.Warnings) > 0 {
		if _, err := f.NewSheet(ReportSheetWarnings); err != nil {
			return err
		}
		if err := writeCellErrors(f, ReportSheetWarnings, rep.Warnings, bold, widths); err != nil {
			return err
		}
	}
	if _, err := f.NewSheet(ReportSheetSummary); err != nil {
		return err
	}
	sum := [][]any{
		{"文件类型", rep.Kind.Title()},
		{"编码", rep.Encoding},
		{"表头所在行", rep.HeaderLine},
		{"数据行数", rep.Rows},
		{"通过行数", rep.Accepted},
		{"错误行数", rep.Rejected},
		{"错误处数", rep.ErrorCount},
		{"提示条数", len(rep.Warnings)},
		{"结论", rep.Summary()},
	}
	for i, r := range sum {
		if err := f.SetSheetRow(ReportSheetSummary, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	_ = f.SetColWidth(ReportSheetSummary, "A", "A", 14)
	_ = f.SetColWidth(ReportSheetSummary, "B", "B", 80)
	f.SetActiveSheet(0)
	return f.Write(w)
}

func writeCellErrors(f *excelize.File, sheet string, errs []CellError, style int, widths []float64) error {
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	head := make([]any, len(ReportHeader))
	for i, h := range ReportHeader {
		head[i] = excelize.Cell{StyleID: style, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, e := range errs {
		col := e.Column
		if col == "" {
			col = "（整行）"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, []any{e.Line, col, e.Value, e.Reason}); err != nil {
			return err
		}
	}
	return sw.Flush()
}

func headerStyle(f *excelize.File) (int, error) {
	return f.NewStyle(&excelize.Style{
		Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1},
	})
}
