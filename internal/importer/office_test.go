package importer

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestHeader_AlternativesBracketsAndFullWidthForms(t *testing.T) {
	cases := []struct {
		kind   Kind
		header string
		field  string // "" when the column is not imported
		reason string // part of the reason when not imported
	}{
		{KindTargets, "统一社会信用代码/注册号", "uscc", ""},
		{KindTargets, "统一社会信用代码（注册号）", "uscc", ""},
		{KindTargets, "统一社会信用代码或注册号", "uscc", ""},
		{KindTargets, "统一社会信用代码／注册号", "uscc", ""},
		{KindTargets, "信用代码【注册号】", "uscc", ""},
		{KindTargets, "法定代表人／负责人／经营者", "legal_representative", ""},
		{KindTargets, "住所、经营场所", "address", ""},
		{KindTargets, "企 业 名 称", "name", ""},
		{KindTargets, "企业名称　", "name", ""},
		{KindTargets, "“行业类别”", "industry_code", ""},
		{KindTargets, "所属区域", "division_code", ""},
		{KindTargets, "所属乡镇（街道）", "division_code", ""},
		{KindTargets, "成立日期（格式：2026-01-05）", "registered_on", ""},
		{KindTargets, "联系人/联系电话", "", "“联系人”和“联系电话”"},
		{KindTargets, "所属部门", "", "分库"},
		{KindTargets, "注册资本（万元）", "", reasonUnstored},
		{KindTargets, "经办人", "", reasonUnknown},
		{KindInspectors, "所属部门", "department", ""},
		{KindInspectors, "专业领域", "specialties", ""},
		{KindInspectors, "性别", "", reasonUnstored},
		{KindInspectors, "执法证号/身份证号", "", "“执法证号”和“身份证号”"},
		{KindItems, "抽查比例（%）", "ratio", ""},
	}
	for _, c := range cases {
		m := matchHeader(c.kind, c.header)
		field := ""
		if m.Index >= 0 {
			field = columnsOf(c.kind)[m.Index].Field
		}
		if field != c.field || (c.field == "" && !strings.Contains(m.Reason, c.reason)) {
			t.Errorf("%s %q: field %q reason %q; want field %q reason containing %q", c.kind, c.header, field, m.Reason, c.field, c.reason)
		}
	}
}

func TestOpen_MissingColumnNamesTheHeadersSeenAndTheClosest(t *testing.T) {
	_, err := Open(strings.NewReader("序号,企业全名,统一社会信用代码/注册号,性质\n"), KindTargets)
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v", err)
	}
	if !slices.Equal(he.Missing, []string{"企业名称"}) || he.Closest["企业名称"] != "企业全名" {
		t.Fatalf("Missing %v Closest %v", he.Missing, he.Closest)
	}
	for _, part := range []string{"缺少必填列：“企业名称”", "表头中的列为“序号”、“企业全名”、“统一社会信用代码/注册号”、“性质”", "最接近的是“企业全名”"} {
		if !strings.Contains(he.Error(), part) {
			t.Errorf("message %q lacks %q", he.Error(), part)
		}
	}
	// Nothing close: said so.
	_, err = Open(strings.NewReader("序号,统一社会信用代码,住所\n"), KindTargets)
	if !errors.As(err, &he) || !strings.Contains(he.Error(), "没有与“企业名称”相近的列") {
		t.Fatalf("err = %v", err)
	}
}

// An office register: titles, blank rows in the middle, a totals row, a row holding only a
// count, notes and signatures under the table.
func TestNext_TotalsNotesAndBlankRowsAreSkippedWithAReason(t *testing.T) {
	csv := "宁阳县检查对象名录,,,\n" +
		"填报单位：宁阳县市场监督管理局,,,\n" +
		"序号,企业名称,统一社会信用代码/注册号,所属区域\n" +
		"1,甲公司," + usccEnterprise + ",磁窑镇\n" +
		",,,\n" +
		"2,乙公司," + usccOther + ",文庙街道\n" +
		"3,,,\n" +
		"4,丙公司," + usccThird + ",370921\n" +
		"合计,,3户,\n" +
		",,3,\n" +
		"填表说明：1. 统一社会信用代码为18位,,,\n" +
		"制表人：张三,,审核人：李四,\n"
	r, err := OpenWithOptions(strings.NewReader(csv), KindTargets, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	rep := NewReport(r)
	for {
		row, err := r.Next()
		if err != nil {
			break
		}
		rep.Add(row)
	}
	if rep.HeaderLine != 3 || rep.Rows != 3 || rep.Accepted != 3 || rep.Blank != 1 || rep.Footer != 5 || rep.Read() != 9 {
		t.Fatalf("header %d rows %d accepted %d blank %d footer %d read %d; skipped %+v", rep.HeaderLine, rep.Rows, rep.Accepted,
			rep.Blank, rep.Footer, rep.Read(), rep.Skipped)
	}
	want := []struct {
		line   int
		reason string
	}{{5, "空行"}, {7, "除数字（“3”）外为空"}, {9, "合计或说明行（“合计”）"}, {10, "除数字（“3”）外为空"}, {11, "填表说明"}, {12, "制表人：张三"}}
	for i, w := range want {
		if i >= len(rep.Skipped) || rep.Skipped[i].Line != w.line || !strings.Contains(rep.Skipped[i].Reason, w.reason) {
			t.Errorf("skipped %d = %+v, want line %d %q", i, rep.Skipped, w.line, w.reason)
		}
	}
	if s := rep.Summary(); !strings.Contains(s, "跳过 6 行（空行 1 行，合计或说明行 5 行）") || !strings.Contains(s, "数据 3 行：全部有效") {
		t.Errorf("summary = %q", s)
	}
}

func TestNext_IndustryAndDivisionWrittenAsNames(t *testing.T) {
	csv := "企业名称,统一社会信用代码,行业类别,所属区域\n" +
		"甲," + usccEnterprise + ",制造业,磁窑镇\n" +
		"乙," + usccOther + ",正餐服务,宁阳县文庙街道\n" +
		"丙," + usccThird + ",餐饮业,370921102000\n" +
		"丁," + withCheck("91370921MA3C0001X") + ",1391 淀粉及淀粉制品制造,370921\n"
	_, rows := readAll(t, []byte(csv), KindTargets)
	want := [][2]string{{"C", "370921"}, {"6210", "370921"}, {"62", "370921"}, {"1391", "370921"}}
	if len(rows) != len(want) {
		t.Fatalf("rows = %d", len(rows))
	}
	for i, w := range want {
		if !rows[i].OK() || rows[i].Target.IndustryCode != w[0] || rows[i].Target.DivisionCode != w[1] {
			t.Errorf("row %d: %+v %v", i, rows[i].Target, rows[i].Errors)
		}
	}
}

func TestNext_InspectorDepartmentsThroughTheCodeTable(t *testing.T) {
	deps := []Department{
		{Code: "SCJG", Name: "宁阳县市场监督管理局", ShortName: "县市场监管局"},
		{Code: "WJ", Name: "宁阳县卫生健康局", ShortName: "县卫健局"},
		{Code: "YJ", Name: "宁阳县应急管理局", ShortName: "县应急局"},
	}
	csv := "姓名,执法证号,所属部门,性别\n" +
		"张一,37092100001,县市场监管局,男\n" +
		"张二,37092100002,县卫健局,男\n" +
		"张三,37092100003,宁阳县应急管理局,女\n" +
		"张四,37092100004,wj,女\n" +
		"张五,37092100005,卫健局,男\n" +
		"张六,37092100006,县教育局,男\n" +
		"张七,37092100007,,男\n"
	read := func(all bool) []Row {
		opts := testOpts()
		opts.Departments, opts.Department, opts.AllDepartments = deps, "SCJG", all
		r, err := OpenWithOptions(strings.NewReader(csv), KindInspectors, opts)
		if err != nil {
			t.Fatal(err)
		}
		defer r.Close()
		if got := r.Ignored(); !slices.Equal(got, []string{"性别"}) {
			t.Errorf("ignored = %v", got)
		}
		var rows []Row
		for {
			row, err := r.Next()
			if err != nil {
				return rows
			}
			rows = append(rows, row)
		}
	}
	// The office imports each row into its department.
	rows := read(true)
	for i, want := range []string{"SCJG", "WJ", "YJ", "WJ", "WJ", "", ""} {
		got := ""
		if rows[i].Inspector != nil {
			got = rows[i].Inspector.Department
		}
		if got != want {
			t.Errorf("office: row %d department %q, want %q (%v)", i+2, got, want, rows[i].Errors)
		}
	}
	if rows[5].OK() || !strings.Contains(rows[5].Errors[0].Reason, "所属部门“县教育局”不是联席会议成员单位") {
		t.Errorf("unknown department: %v", rows[5].Errors)
	}
	// A department imports its own rows; the others' are rejected with the reason, never moved.
	rows = read(false)
	for i, ok := range []bool{true, false, false, false, false, false, true} {
		if rows[i].OK() != ok {
			t.Errorf("department: row %d OK = %v (%v)", i+2, rows[i].OK(), rows[i].Errors)
		}
	}
	if r := rows[1].Errors[0].Reason; !strings.Contains(r, "该人员属于县卫健局，本次导入的是县市场监管局的名录") {
		t.Errorf("reason = %q", r)
	}
}

func TestReport_ColumnsAndSkippedRowsInTheWorkbook(t *testing.T) {
	csv := "企业名称,统一社会信用代码,性质\n甲," + usccEnterprise + ",x\n合计,1,\n"
	rep, err := Check(strings.NewReader(csv), KindTargets, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := WriteReportXLSX(&buf, rep); err != nil {
		t.Fatal(err)
	}
	f := openXLSXBytes(t, buf.Bytes())
	cols, _ := f.GetRows(ReportSheetColumns)
	if len(cols) != 4 || cols[3][1] != "性质" || cols[3][2] != "（不导入）" {
		t.Errorf("columns sheet = %v", cols)
	}
	sk, _ := f.GetRows(ReportSheetSkipped)
	if len(sk) != 2 || sk[1][0] != "3" {
		t.Errorf("skipped sheet = %v", sk)
	}
}

func openXLSXBytes(t *testing.T, b []byte) *excelize.File {
	t.Helper()
	f, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { f.Close() })
	return f
}
