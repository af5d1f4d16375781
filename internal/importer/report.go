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

// Report is the outcome of reading a file: its columns, the rows skipped, the counts, the
// errors of every rejected row and — once the caller has written the valid rows — the Outcome.
// Its Summary is the one account of an import that the command line, the downloadable report
// and GraphQL all give.
type Report struct {
	Kind       Kind
	Encoding   string
	HeaderLine int
	Columns    []ColumnInfo // every non-empty column of the header: imported, or why not
	Rows       int          // data rows read (validated)
	Accepted   int          // rows without error
	Rejected   int          // rows with at least one error
	ErrorCount int          // errors in all rows (≥ Rejected; a row may have several)
	Blank      int          // blank rows skipped (below the header)
	Footer     int          // totals and notes rows skipped
	Skipped    []SkippedRow // the skipped rows (blank ones only when few), at most MaxErrors
	Errors     []CellError
	Warnings   []CellError
	// MaxErrors bounds len(Errors), len(Warnings) and len(Skipped); 0 means
	// DefaultMaxReportErrors.
	MaxErrors int
	Omitted   int // errors and warnings not kept because of MaxErrors
	// Outcome is what was written, set by the caller that writes (nil for a check only).
	Outcome *Outcome
}

// Outcome is what an import wrote.
type Outcome struct {
	Status    string // SUCCEEDED (全部导入), PARTIAL (已导入有效行) or REJECTED (未写入任何数据)
	Created   int
	Updated   int
	Unchanged int
	// AddedToLibrary counts the targets already stored that joined the sub-library (new
	// targets join it too, and are counted in Created only).
	AddedToLibrary int
	// NotOwned counts the targets already stored whose row differs but which only other
	// departments held: they joined the sub-library with their stored values (only the
	// departments holding a target change it; contact details only their recorder).
	NotOwned int
}

// The outcome statuses (the values of ent's ImportJob status).
const (
	StatusSucceeded = "SUCCEEDED"
	StatusPartial   = "PARTIAL"
	StatusRejected  = "REJECTED"
)

// NewReport starts a report for the file of r; r reports the rows it skips to it.
func NewReport(r *Reader) *Report {
	rep := &Report{Kind: r.Kind(), Encoding: r.Encoding(), HeaderLine: r.HeaderLine(), Columns: r.Columns()}
	r.rep = rep
	return rep
}

func (rep *Report) limit() int {
	if rep.MaxErrors <= 0 {
		return DefaultMaxReportErrors
	}
	return rep.MaxErrors
}

// Add counts a row and keeps its errors and warnings.
func (rep *Report) Add(row Row) {
	limit := rep.limit()
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

func (rep *Report) addSkipped(s SkippedRow) {
	if s.Kind == SkipBlank {
		rep.Blank++
	} else {
		rep.Footer++
	}
	if len(rep.Skipped) < rep.limit() {
		rep.Skipped = append(rep.Skipped, s)
	}
}

// Read is the number of rows read below the header: data rows and skipped rows.
func (rep *Report) Read() int { return rep.Rows + rep.Blank + rep.Footer }

// OK reports whether every row passed.
func (rep *Report) OK() bool { return rep.Rejected == 0 }

// IgnoredColumns are the headers of the columns not imported.
func (rep *Report) IgnoredColumns() []string {
	var out []string
	for _, c := range rep.Columns {
		if !c.Imported() {
			out = append(out, c.Header)
		}
	}
	return out
}

// StatusName is the Chinese name of an outcome status.
func StatusName(status string) string {
	switch status {
	case StatusSucceeded:
		return "全部导入"
	case StatusPartial:
		return "已导入有效行"
	case StatusRejected:
		return "已拒绝，未写入任何数据"
	}
	return status
}

// Summary is the Chinese account of the file and of what was written, e.g.
// "检查对象名录（XLSX）：表头在第 3 行；读取 2013 行，跳过 3 行（空行 1 行，合计或说明行 2 行），
// 数据 2010 行：有效 1982 行，拒绝 28 行（共 31 处错误）。已导入有效行：新增 1928，更新 40，未变化 14，
// 已有对象加入分库 54；被拒绝的 28 行未导入。未导入的列 2 列：性别、民族。"
func (rep *Report) Summary() string {
	var b strings.Builder
	enc := rep.Encoding
	if enc != EncodingXLSX {
		enc += " 编码"
	}
	fmt.Fprintf(&b, "%s（%s）：表头在第 %d 行；读取 %d 行", rep.Kind.Title(), enc, rep.HeaderLine, rep.Read())
	if n := rep.Blank + rep.Footer; n > 0 {
		var parts []string
		if rep.Blank > 0 {
			parts = append(parts, fmt.Sprintf("空行 %d 行", rep.Blank))
		}
		if rep.Footer > 0 {
			parts = append(parts, fmt.Sprintf("合计或说明行 %d 行", rep.Footer))
		}
		fmt.Fprintf(&b, "，跳过 %d 行（%s）", n, strings.Join(parts, "，"))
	}
	switch {
	case rep.Rows == 0:
		b.WriteString("，没有数据行。")
	case rep.Rejected == 0:
		fmt.Fprintf(&b, "，数据 %d 行：全部有效。", rep.Rows)
	default:
		fmt.Fprintf(&b, "，数据 %d 行：有效 %d 行，拒绝 %d 行（共 %d 处错误）。", rep.Rows, rep.Accepted, rep.Rejected, rep.ErrorCount)
	}
	if o := rep.Outcome; o != nil {
		written := fmt.Sprintf("新增 %d，更新 %d，未变化 %d", o.Created, o.Updated, o.Unchanged)
		if rep.Kind == KindTargets {
			written += fmt.Sprintf("，已有对象加入分库 %d", o.AddedToLibrary)
			if o.NotOwned > 0 {
				written += fmt.Sprintf("（其中 %d 个由其他部门收录、与文件不同的内容未写入：只有原收录部门可以修改）", o.NotOwned)
			}
		}
		switch o.Status {
		case StatusSucceeded:
			fmt.Fprintf(&b, "全部导入：%s。", written)
		case StatusPartial:
			fmt.Fprintf(&b, "已导入有效行：%s；被拒绝的 %d 行未导入。", written, rep.Rejected)
		case StatusRejected:
			fmt.Fprintf(&b, "未写入任何数据：默认全部或全不，有被拒绝的行时整个文件不导入；请按错误报告修改后重新导入，或选择只导入有效行（命令行 --partial）。")
		}
	} else if rep.Rejected > 0 {
		b.WriteString("请按错误报告修改。")
	}
	if ig := rep.IgnoredColumns(); len(ig) > 0 {
		fmt.Fprintf(&b, "未导入的列 %d 列：%s。", len(ig), strings.Join(ig, "、"))
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
	ReportSheetSkipped  = "跳过的行"
	ReportSheetColumns  = "列"
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
	if len(rep.Skipped) > 0 {
		rows := make([][]any, len(rep.Skipped))
		for i, sk := range rep.Skipped {
			rows[i] = []any{sk.Line, sk.Reason}
		}
		if err := writeSheet(f, ReportSheetSkipped, []string{"行号", "原因"}, []float64{8, 70}, rows, bold); err != nil {
			return err
		}
	}
	cols := make([][]any, len(rep.Columns))
	for i, c := range rep.Columns {
		to, note := c.Name, c.Note
		if !c.Imported() {
			to, note = "（不导入）", c.Reason
		}
		cols[i] = []any{c.Letter, c.Header, to, note}
	}
	if err := writeSheet(f, ReportSheetColumns, []string{"列号", "文件中的列名", "导入为", "说明"}, []float64{8, 30, 22, 70}, cols, bold); err != nil {
		return err
	}
	if _, err := f.NewSheet(ReportSheetSummary); err != nil {
		return err
	}
	sum := [][]any{
		{"文件类型", rep.Kind.Title()},
		{"编码", rep.Encoding},
		{"表头所在行", rep.HeaderLine},
		{"读取行数（表头以下）", rep.Read()},
		{"跳过的空行", rep.Blank},
		{"跳过的合计或说明行", rep.Footer},
		{"数据行数", rep.Rows},
		{"有效行数", rep.Accepted},
		{"拒绝行数", rep.Rejected},
		{"错误处数", rep.ErrorCount},
		{"提示条数", len(rep.Warnings)},
	}
	if o := rep.Outcome; o != nil {
		sum = append(sum, []any{"结果", StatusName(o.Status)}, []any{"新增", o.Created}, []any{"更新", o.Updated},
			[]any{"未变化", o.Unchanged})
		if rep.Kind == KindTargets {
			sum = append(sum, []any{"已有对象加入分库", o.AddedToLibrary}, []any{"其中由其他部门收录、未修改", o.NotOwned})
		}
	}
	sum = append(sum, []any{"未导入的列", strings.Join(rep.IgnoredColumns(), "、")}, []any{"结论", rep.Summary()})
	for i, r := range sum {
		if err := f.SetSheetRow(ReportSheetSummary, fmt.Sprintf("A%d", i+1), &r); err != nil {
			return err
		}
	}
	_ = f.SetColWidth(ReportSheetSummary, "A", "A", 22)
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

// writeSheet adds a sheet with a bold header row and the rows.
func writeSheet(f *excelize.File, sheet string, header []string, widths []float64, rows [][]any, style int) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	head := make([]any, len(header))
	for i, h := range header {
		head[i] = excelize.Cell{StyleID: style, Value: h}
	}
	if err := sw.SetRow("A1", head); err != nil {
		return err
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, r); err != nil {
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
