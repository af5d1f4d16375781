package stats_test

import (
	"bytes"
	"context"
	"strconv"
	"testing"

	"github.com/xuri/excelize/v2"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/stats"
	"github.com/ssgk/ssgk/internal/viewer"
)

// dutyRow is a duty record without ids and names of departments, for comparison.
type dutyRow struct {
	cert                                     string
	tasks, targets, inWindow, items, entered int
	onTime, late, overdue                    int
}

func rowOf(r stats.DutyRecord) dutyRow {
	return dutyRow{r.CertificateNo, r.Tasks, r.Targets, r.InspectedInWindow, r.ItemsChecked, r.ResultsEntered,
		r.PublishedOnTime, r.PublishedLate, r.OverdueUnpublished}
}

// wantDuty is the fixture's 2025 duty record of every inspector (see hub).
var wantDuty = []dutyRow{
	// 张三: T1 A (on time), T1 B (inspected after the window, published late), T2 A (the
	// corrected result counts once, its first version on time), T2 D (draft, no end date: due
	// 20 working days after T2's window, so overdue).
	{"SC001", 2, 4, 2, 3, 5, 2, 1, 1},
	// 李四: his recused team (T1 C), the superseded draw (T2 A, E) and the 2024 task do not
	// count; T2 D is overdue as for 张三.
	{"SC002", 3, 4, 3, 3, 0, 2, 0, 1},
	// 王五: T1 C is overdue; T3 A is pending review and not yet due.
	{"SC003", 3, 4, 4, 4, 0, 2, 0, 1},
	// 钱九: active, nothing drawn — listed with zeros. 赵六 (inactive, idle) is left out.
	{"SC005", 0, 0, 0, 0, 0, 0, 0, 0},
	// 孙七: T1 A in two standing draws counts once; B and C have no 卫健 result at all and are
	// overdue unpublished since 20 working days after T1's window; the cancelled task does not
	// count.
	{"WJ001", 1, 3, 1, 1, 1, 1, 0, 2},
	// 周八: only the second draw of T1 counts, not the recused team nor the cancelled task.
	{"WJ002", 1, 1, 1, 1, 0, 1, 0, 0},
}

func TestDutyRecords_CountsAssignedAndDoneWork(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	recs, err := stats.DutyRecords(h.sys, h.client, year, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != len(wantDuty) {
		t.Fatalf("got %d records, want %d: %+v", len(recs), len(wantDuty), recs)
	}
	for i, r := range recs {
		if got := rowOf(r); got != wantDuty[i] {
			t.Errorf("record %d (%s):\n got %+v\nwant %+v", i, r.Name, got, wantDuty[i])
		}
	}
	if r := recs[0]; r.Name != "张三" || r.DepartmentName != "宁阳县市场监督管理局" || r.InspectorID != h.insp["i1"].ID || r.DepartmentID != h.scjg.ID {
		t.Errorf("first record = %+v", r)
	}
	if r := recs[4]; r.Name != "孙七" || r.DepartmentName != "宁阳县卫生健康局" {
		t.Errorf("fifth record = %+v", r)
	}
}

func TestDutyRecords_OneDepartment(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	recs, err := stats.DutyRecords(h.sys, h.client, year, h.wj.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 || rowOf(recs[0]) != wantDuty[4] || rowOf(recs[1]) != wantDuty[5] {
		t.Fatalf("WJ records = %+v", recs)
	}
	// Another year has other work: 2024 has T5 only (its window starts 2024-12-31 20:00 China
	// time); 张三 and 李四 drew B, which was inspected in the window and published late.
	recs, err = stats.DutyRecords(h.sys, h.client, 2024, h.scjg.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []dutyRow{{"SC001", 1, 1, 1, 1, 1, 0, 1, 0}, {"SC002", 1, 1, 1, 1, 0, 0, 1, 0}, {"SC003", 0, 0, 0, 0, 0, 0, 0, 0}, {"SC005", 0, 0, 0, 0, 0, 0, 0, 0}}
	if len(recs) != len(want) {
		t.Fatalf("2024 records = %+v", recs)
	}
	for i, r := range recs {
		if rowOf(r) != want[i] {
			t.Errorf("2024 record %d: got %+v, want %+v", i, rowOf(r), want[i])
		}
	}
}

func TestDutyRecords_WhoMaySee(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	cases := []struct {
		name     string
		ctx      context.Context
		dep      int
		wantCode string
		wantN    int
	}{
		{"anonymous", context.Background(), 0, apperr.Unauthenticated, 0},
		{"office sees all", as(h.scjg, viewer.RoleOffice), 0, "", 6},
		{"head sees own department by default", as(h.wj, viewer.RoleHead), 0, "", 2},
		{"head asks for own department", as(h.wj, viewer.RoleHead), h.wj.ID, "", 2},
		{"head may not see another department", as(h.wj, viewer.RoleHead), h.scjg.ID, apperr.Forbidden, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			recs, err := stats.DutyRecords(c.ctx, h.client, year, c.dep)
			if got := apperr.CodeOf(err); got != c.wantCode {
				t.Fatalf("code = %q, want %q (err = %v)", got, c.wantCode, err)
			}
			if len(recs) != c.wantN {
				t.Fatalf("got %d records, want %d", len(recs), c.wantN)
			}
		})
	}
}

func TestWriteDutyRecordsXLSX_ReadsBack(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	recs, err := stats.DutyRecords(h.sys, h.client, year, 0)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := stats.WriteDutyRecordsXLSX(&buf, year, recs); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sheet := stats.DutyRecordsSheet
	if got := f.GetSheetList(); len(got) != 1 || got[0] != sheet {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := f.GetRows(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2+len(recs) {
		t.Fatalf("got %d rows, want %d", len(rows), 2+len(recs))
	}
	if rows[0][0] != "2025年度执法检查人员履职记录" {
		t.Errorf("title = %q", rows[0][0])
	}
	header := []string{"执法证号", "姓名", "所属部门", "参与任务数", "分派对象数", "期限内完成检查数", "检查事项数", "录入结果数", "按时公示数", "逾期公示数", "逾期未公示数"}
	if len(rows[1]) != len(header) {
		t.Fatalf("header = %v", rows[1])
	}
	for i, h := range header {
		if rows[1][i] != h {
			t.Errorf("header %d = %q, want %q", i, rows[1][i], h)
		}
	}
	for n, w := range wantDuty {
		row := rows[n+2]
		want := []string{w.cert, recs[n].Name, recs[n].DepartmentName}
		for _, v := range []int{w.tasks, w.targets, w.inWindow, w.items, w.entered, w.onTime, w.late, w.overdue} {
			want = append(want, strconv.Itoa(v))
		}
		for i := range want {
			if i >= len(row) || row[i] != want[i] {
				t.Errorf("row %d = %v, want %v", n+3, row, want)
				break
			}
		}
	}
	if r := rows[2]; r[1] != "张三" || r[2] != "宁阳县市场监督管理局" {
		t.Errorf("first data row = %v", r)
	}
	// Counts are numbers, not text.
	if typ, err := f.GetCellType(sheet, "D3"); err != nil || typ == excelize.CellTypeSharedString || typ == excelize.CellTypeInlineString {
		t.Errorf("D3 type = %v, %v; want a number", typ, err)
	}
	panes, err := f.GetPanes(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if !panes.Freeze || panes.YSplit != 2 || panes.TopLeftCell != "A3" {
		t.Errorf("panes = %+v, want the two top rows frozen", panes)
	}
	merged, err := f.GetMergeCells(sheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(merged) != 1 || merged[0].GetStartAxis() != "A1" || merged[0].GetEndAxis() != "K1" {
		t.Errorf("merged cells = %v, want the title over A1:K1", merged)
	}
	for col, want := range map[string]float64{"A": 20, "C": 30, "F": 18} {
		if w, err := f.GetColWidth(sheet, col); err != nil || w != want {
			t.Errorf("width of %s = %v (%v), want %v", col, w, err, want)
		}
	}
}

func TestWriteDutyRecordsXLSX_Empty(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	if err := stats.WriteDutyRecordsXLSX(&buf, 2030, nil); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := f.GetRows(stats.DutyRecordsSheet)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 2 || rows[0][0] != "2030年度执法检查人员履职记录" || rows[1][0] != "执法证号" {
		t.Fatalf("rows = %v", rows)
	}
}
