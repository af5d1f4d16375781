package stats

import (
	"fmt"
	"io"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// dutyColumns are the columns of the duty-record workbook, in order.
var dutyColumns = []struct {
	header string
	width  float64
	value  func(*DutyRecord) any
}{
	{"执法证号", 20, func(r *DutyRecord) any { return r.CertificateNo }},
	{"姓名", 12, func(r *DutyRecord) any { return r.Name }},
	{"所属部门", 30, func(r *DutyRecord) any { return r.DepartmentName }},
	{"参与任务数", 0, func(r *DutyRecord) any { return r.Tasks }},
	{"分派对象数", 0, func(r *DutyRecord) any { return r.Targets }},
	{"期限内完成检查数", 0, func(r *DutyRecord) any { return r.InspectedInWindow }},
	{"检查事项数", 0, func(r *DutyRecord) any { return r.ItemsChecked }},
	{"录入结果数", 0, func(r *DutyRecord) any { return r.ResultsEntered }},
	{"按时公示数", 0, func(r *DutyRecord) any { return r.PublishedOnTime }},
	{"逾期公示数", 0, func(r *DutyRecord) any { return r.PublishedLate }},
	{"逾期未公示数", 0, func(r *DutyRecord) any { return r.OverdueUnpublished }},
}

// DutyRecordsSheet is the name of the worksheet WriteDutyRecordsXLSX writes.
const DutyRecordsSheet = "履职记录"

// WriteDutyRecordsXLSX writes the duty records of year as an XLSX workbook: a title row, a
// frozen header row and one row per inspector, counts as numbers.
func WriteDutyRecordsXLSX(w io.Writer, year int, recs []DutyRecord) error {
	f := excelize.NewFile()
	defer f.Close()
	if err := f.SetSheetName("Sheet1", DutyRecordsSheet); err != nil {
		return err
	}
	titleStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true, Size: 14},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center"},
	})
	if err != nil {
		return err
	}
	headStyle, err := f.NewStyle(&excelize.Style{
		Font:      &excelize.Font{Bold: true},
		Fill:      excelize.Fill{Type: "pattern", Color: []string{"DDEBF7"}, Pattern: 1},
		Alignment: &excelize.Alignment{Horizontal: "center", Vertical: "center", WrapText: true},
		Border: []excelize.Border{{Type: "left", Color: "9BC2E6", Style: 1}, {Type: "right", Color: "9BC2E6", Style: 1},
			{Type: "top", Color: "9BC2E6", Style: 1}, {Type: "bottom", Color: "9BC2E6", Style: 1}},
	})
	if err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(DutyRecordsSheet)
	if err != nil {
		return err
	}
	for i, c := range dutyColumns {
		width := c.width
		if width == 0 { // count columns: wide enough for the header (a CJK character is ~2 units)
			width = float64(utf8.RuneCountInString(c.header))*2 + 2
		}
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 2, TopLeftCell: "A3", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	last, err := excelize.CoordinatesToCellName(len(dutyColumns), 1)
	if err != nil {
		return err
	}
	if err := sw.MergeCell("A1", last); err != nil {
		return err
	}
	title := fmt.Sprintf("%d年度执法检查人员履职记录", year)
	if err := sw.SetRow("A1", []any{excelize.Cell{StyleID: titleStyle, Value: title}}, excelize.RowOpts{Height: 28}); err != nil {
		return err
	}
	head := make([]any, len(dutyColumns))
	for i, c := range dutyColumns {
		head[i] = excelize.Cell{StyleID: headStyle, Value: c.header}
	}
	if err := sw.SetRow("A2", head, excelize.RowOpts{Height: 20}); err != nil {
		return err
	}
	values := make([]any, len(dutyColumns))
	for n := range recs {
		for i, c := range dutyColumns {
			values[i] = c.value(&recs[n])
		}
		cell, err := excelize.CoordinatesToCellName(1, n+3)
		if err != nil {
			return err
		}
		if err := sw.SetRow(cell, values); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.Write(w)
}
