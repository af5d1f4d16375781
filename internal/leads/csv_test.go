package leads_test

import (
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/lead"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/leads"
)

// goodFile is a lead file as an office writes it: a title row, then the header (columns in
// another order, with marks), a quoted line break, an industry code with its section letter.
func goodFile(now time.Time) string {
	d := func(days int) string { return now.AddDate(0, 0, -days).Format("2006-01-02") }
	return "宁阳县市场监管线索登记表（2026年）,,,,,,,,,,,\n" +
		"序号,来源（必填）,来源编号,接收时间*,线索摘要,详细情况,行业代码,行政区划,统一社会信用代码,抽查事项编码,承办部门编码,来电人\n" +
		"1,投诉举报,12315-001," + d(3) + " 09:30,游泳馆水质浑浊,\"顾客反映池水浑浊，\n有异味\",C1391,370921," + usccA + ",WJ-001,WJ,张某\n" +
		"2,转办交办,ZB-002," + strings.ReplaceAll(d(2), "-", "/") + ",浴室卫生差,,1391,,,WJ-001,,\n" +
		"3,数据监测,,\t" + d(1) + "\t,美容店无健康证,,1391,370921,,WJ-001,,\n"
}

func TestImportCSV_Encodings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, file, encoding string
		bom, gbk             bool
	}{
		{"UTF-8", "leads.csv", importer.EncodingUTF8, false, false},
		{"UTF-8 with BOM", "leads-bom.csv", importer.EncodingUTF8BOM, true, false},
		{"GBK", "leads-gbk.csv", importer.EncodingGB18030, false, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := newHub(t)
			now := time.Now()
			content := goodFile(now)
			if tc.bom {
				content = "\ufeff" + content
			}
			rep, err := importFile(t, h, h.sys, writeFile(t, tc.file, content, tc.gbk))
			must(t, err)
			if !rep.OK() || rep.Encoding != tc.encoding || rep.HeaderLine != 2 || rep.Rows != 3 || rep.Imported != 3 ||
				len(rep.LeadIDs) != 3 || !strings.Contains(rep.Summary(), "全部导入") || !slices.Equal(rep.Ignored, []string{"来电人"}) {
				t.Fatalf("report = %+v", rep)
			}
			// Three leads about WJ-001 in industry 1391 and division 370921 reach the threshold.
			if len(rep.Clusters) != 2 || rep.Clusters[0].LeadCount != 3 {
				t.Fatalf("clusters = %+v", rep.Clusters)
			}
			ls, err := h.client.Lead.Query().Order(ent.Asc(lead.FieldID)).All(h.sys)
			must(t, err)
			first := ls[0]
			y, m, d := now.AddDate(0, 0, -3).Date()
			if first.Source != lead.SourceCOMPLAINT || first.ReferenceNo != "12315-001" || first.Summary != "游泳馆水质浑浊" ||
				first.Description != "顾客反映池水浑浊，\n有异味" || first.IndustryCode != "1391" ||
				*first.TargetID != h.targetA.ID || *first.ItemID != h.item.ID || *first.DepartmentID != h.wj.ID ||
				first.Status != lead.StatusASSIGNED || !first.ReceivedAt.Equal(time.Date(y, m, d, 9, 30, 0, 0, clock.CST)) {
				t.Fatalf("first lead = %+v", first)
			}
			if ls[1].Source != lead.SourceTRANSFER || ls[1].Status != lead.StatusRECEIVED || ls[2].Source != lead.SourceMONITORING {
				t.Fatalf("leads = %+v, %+v", ls[1], ls[2])
			}
		})
	}
}

func TestImportCSV_AllOrNothing(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	now := time.Now()
	content := "来源,来源编号,接收时间,线索摘要,详细情况,行业代码,行政区划,统一社会信用代码,抽查事项编码,承办部门编码\n" +
		"投诉举报,A-1,2026-01-05 10:00,食堂卫生差,\"两行\n说明\",1391,370921,,WJ-001,WJ\n" + // row 2: fine
		"电话,A-2,2026-01-05,,,,,,,\n" + // row 3 (a spreadsheet shows one row per record): source, summary
		"投诉举报,A-3,2026-02-30,浴室卫生差,,食品,37092,91350200776049653B,,\n" + // row 4: date, industry, division, USCC
		"投诉举报,A-1,2026-01-06,重复编号,,,,,WJ-999,XX\n" + // row 5: duplicate number, item, department
		"数据监测,,2026-01-07,监测发现,,,,913502000728319549,,\n" + // row 6: USCC not in the library
		",,,,,,,,,\n" + // row 7: blank rows are skipped
		"转办交办,Z-1," + now.AddDate(0, 0, 2).Format("2006-01-02") + ",未来的线索,,,,,,\n" // row 8: future
	rep, err := importFile(t, h, h.sys, writeFile(t, "bad.csv", content, true))
	wantCode(t, "file with bad rows", err, leads.CodeImportRejected)
	want := []struct {
		line   int
		column string
		reason string
	}{
		{3, "来源", "来源应为投诉举报、转办交办或数据监测"},
		{3, "线索摘要", "线索摘要不能为空"},
		{4, "接收时间", "接收时间不存在：2026年2月30日"},
		{4, "行业代码", "行业代码应为"},
		{4, "行政区划", "行政区划代码应为 6 位数字"},
		{4, "统一社会信用代码", "校验位错误"},
		{5, "承办部门编码", "部门编码“XX”不存在"},
		{5, "抽查事项编码", "抽查事项编码“WJ-999”不在任何已公示的现行抽查事项清单中"},
		{5, "来源编号", "来源编号与第 2 行重复"},
		{6, "统一社会信用代码", "名录库中没有统一社会信用代码为“913502000728319549”的对象"},
		{8, "接收时间", "接收时间不能晚于当前时间"},
	}
	var got []string
	for _, e := range rep.Errors {
		got = append(got, e.Error())
	}
	if len(rep.Errors) != len(want) {
		t.Fatalf("errors:\n%s", strings.Join(got, "\n"))
	}
	for i, w := range want {
		e := rep.Errors[i]
		if e.Line != w.line || e.Column != w.column || !strings.Contains(e.Reason, w.reason) {
			t.Fatalf("error %d = %s, want line %d column %s reason %q\nall:\n%s", i, e.Error(), w.line, w.column, w.reason, strings.Join(got, "\n"))
		}
	}
	if rep.Rows != 6 || rep.Rejected != 5 || rep.Imported != 0 || rep.OK() || len(rep.LeadIDs) != 0 ||
		rep.Encoding != importer.EncodingGB18030 || !strings.Contains(rep.Summary(), "本次不导入任何数据") {
		t.Fatalf("report = %+v\n%s", rep, rep.Summary())
	}
	if n, _ := h.client.Lead.Query().Count(h.sys); n != 0 {
		t.Fatalf("%d leads written from a rejected file", n)
	}
}

func TestImportCSV_FileProblems(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	for _, tc := range []struct {
		name, content string
		line          int
		column        string
		reason        string
	}{
		{"missing mandatory column", "来源,线索摘要,行业代码\n投诉举报,卫生差,1391\n", 1, "接收时间", "表头缺少必填列“接收时间”"},
		{"no header", "a,b,c\n1,2,3\n", 1, "", "没有找到表头"},
		{"workbook", "PK\x03\x04rest of a zip", 1, "", "只接受 CSV 文件"},
		{"empty", "", 1, "", "文件为空"},
		{"two columns for one field", "来源,线索来源,接收时间,线索摘要\n", 1, "线索来源", "都对应“来源”"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rep, err := importFile(t, h, h.sys, writeFile(t, "f.csv", tc.content, false))
			wantCode(t, tc.name, err, leads.CodeImportRejected)
			if len(rep.Errors) != 1 || rep.Errors[0].Line != tc.line || rep.Errors[0].Column != tc.column ||
				!strings.Contains(rep.Errors[0].Reason, tc.reason) {
				t.Fatalf("errors = %+v", rep.Errors)
			}
		})
	}
}

func TestImportCSV_NoDoubleImport(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	path := writeFile(t, "leads.csv", goodFile(time.Now()), false)
	_, err := importFile(t, h, h.sys, path)
	must(t, err)
	rep, err := importFile(t, h, h.sys, path)
	wantCode(t, "the same file twice", err, leads.CodeImportRejected)
	// The two rows with a reference number are refused; nothing of the third is written either.
	if rep.Rejected != 2 || !strings.Contains(rep.Errors[0].Reason, "不能重复登记") {
		t.Fatalf("report = %+v", rep)
	}
	if n, _ := h.client.Lead.Query().Count(h.sys); n != 3 {
		t.Fatalf("leads = %d", n)
	}
}

func TestImportCSV_DepartmentImportsForItselfOnly(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	day := time.Now().AddDate(0, 0, -1).Format("2006-01-02")
	content := fmt.Sprintf("来源,接收时间,线索摘要,承办部门编码\n投诉举报,%s,卫生差,WJ\n投诉举报,%s,卫生差,SCJG\n", day, day)
	rep, err := importFile(t, h, h.dept, writeFile(t, "wj.csv", content, false))
	wantCode(t, "a department importing for another", err, leads.CodeImportRejected)
	if len(rep.Errors) != 1 || rep.Errors[0].Line != 3 || rep.Errors[0].Column != "承办部门编码" {
		t.Fatalf("errors = %+v", rep.Errors)
	}
	rep, err = importFile(t, h, h.office, writeFile(t, "office.csv", content, false))
	if err != nil || rep.Imported != 2 {
		t.Fatalf("office import: %+v, %v", rep, err)
	}
}
