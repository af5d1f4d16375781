package main

import (
	"bytes"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/importer/synth"
	"github.com/ssgk/ssgk/internal/uscc"
)

// The sample files of testdata/. Their invalid rows are listed in testdata/README.md and asserted
// by the importer's tests; change all three together.

// col pairs a header as the sample file writes it with the canonical column it fills.
type col struct{ header, canonical string }

// sampleRow is one data row keyed by canonical column name.
type sampleRow map[string]string

func writeSamples(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for _, s := range []struct {
		name  string
		write func(string) error
	}{
		{"targets_gbk.csv", writeTargetsGBK},
		{"targets_utf8_bom.csv", writeTargetsUTF8BOM},
		{"targets_merged_title.xlsx", writeTargetsMergedTitle},
		{"inspectors.xlsx", writeInspectorsXLSX},
		{"items.csv", writeItemsCSV},
	} {
		if err := s.write(filepath.Join(dir, s.name)); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		if err := os.Chmod(filepath.Join(dir, s.name), 0o644); err != nil {
			return err
		}
		fmt.Fprintln(os.Stderr, "已写入", filepath.Join(dir, s.name))
	}
	return nil
}

// baseTargets returns n valid target rows from the synthetic generator, keyed by canonical name.
func baseTargets(seed uint64, n int) []sampleRow {
	g := synth.NewTargets(seed, 0)
	names := importer.Columns(importer.KindTargets)
	rows := make([]sampleRow, n)
	for i := range rows {
		cells, _ := g.Next()
		rows[i] = sampleRow{}
		for j, name := range names {
			rows[i][name] = cells[j]
		}
	}
	return rows
}

// wrongCheck replaces the check character of a valid USCC by another one.
func wrongCheck(code string) string {
	cs := uscc.Charset()
	right := strings.IndexByte(cs, code[17])
	return code[:17] + string(cs[(right+7)%len(cs)])
}

// reformatDate writes an ISO date in another accepted form, in turn.
func reformatDate(iso string, i int) string {
	t, err := time.ParseInLocation("2006-01-02", iso, clock.CST)
	if err != nil {
		return iso
	}
	switch i % 4 {
	case 1:
		return t.Format("2006/1/2")
	case 2:
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	case 3:
		return t.Format("20060102")
	}
	return iso
}

var classWords = map[string][]string{"A": {"A", "A类", "低"}, "B": {"B", "一般", "B类"}, "C": {"较高", "C"}, "D": {"高", "D类"}}

// asObject turns a row into a product, project or behaviour: no registry identifiers, no legal
// representative, no industry.
func asObject(r sampleRow, kind, name, code string) {
	for _, k := range []string{"统一社会信用代码", "注册号", "法定代表人", "法定代表人电话", "行业代码", "许可证", "联系人", "联系电话"} {
		r[k] = ""
	}
	r["对象类型"], r["企业名称"], r["对象编码"] = kind, name, code
}

func cellsOf(cols []col, r sampleRow) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = r[c.canonical]
	}
	return out
}

func headersOf(cols []col) []string {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.header
	}
	return out
}

// ---- targets_gbk.csv ----

func writeTargetsGBK(path string) error {
	cols := []col{
		{"序号", "序号"}, {"统一社会信用代码", "统一社会信用代码"}, {"企业名称", "企业名称"}, {"对象类型", "对象类型"},
		{"法定代表人", "法定代表人"}, {"法定代表人电话", "法定代表人电话"}, {"住所", "住所"},
		{"行政区划代码", "行政区划代码"}, {"行业代码", "行业代码"}, {"成立日期", "成立日期"},
		{"登记状态", "登记状态"}, {"信用风险分类", "信用风险分类"}, {"经营异常名录", "经营异常名录"},
		{"许可证", "许可证"}, {"标签", "标签"}, {"联系人", "联系人"}, {"联系电话", "联系电话"},
	}
	rows := baseTargets(101, 30)
	for i, r := range rows {
		line := i + 2
		r["序号"] = fmt.Sprint(i + 1)
		r["成立日期"] = reformatDate(r["成立日期"], i)
		r["信用风险分类"] = classWords[r["信用风险分类"]][i%len(classWords[r["信用风险分类"]])]
		if r["登记状态"] == "存续" && i%2 == 1 {
			r["登记状态"] = "在业"
		}
		if r["登记状态"] == "吊销" {
			r["登记状态"] = "吊销，未注销"
		}
		if i%5 == 4 {
			r["对象类型"] = "" // inferred from the USCC
		}
		switch line {
		case 6:
			r["统一社会信用代码"] = wrongCheck(r["统一社会信用代码"])
		case 11:
			r["成立日期"] = "2019-02-30"
		case 15:
			r["信用风险分类"] = "E"
		case 20:
			r["统一社会信用代码"] = rows[1]["统一社会信用代码"] // the code of line 3
		case 25:
			r["企业名称"] = ""
		case 28:
			// An old enterprise whose 15-digit registration number stands in the USCC column.
			r["统一社会信用代码"] = synth.RegNo(900028, '0')
			r["对象类型"] = "企业"
		}
	}
	var buf bytes.Buffer
	i := 0
	next := func() ([]string, bool) { i++; return cellsOf(cols, rows[i-1]), true }
	if err := writeCSV(&buf, "gbk", headersOf(cols), len(rows), next); err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}

// ---- targets_utf8_bom.csv ----

func writeTargetsUTF8BOM(path string) error {
	cols := []col{
		{"市场主体名称", "企业名称"}, {"信用代码", "统一社会信用代码"}, {"主体类型", "对象类型"},
		{"负责人", "法定代表人"}, {"经营场所", "住所"}, {"区划代码", "行政区划代码"},
		{"国民经济行业分类", "行业代码"}, {"登记日期", "成立日期"}, {"经营状态", "登记状态"},
		{"风险等级", "信用风险分类"}, {"是否列入经营异常名录", "经营异常名录"}, {"许可证件", "许可证"},
		{"对象标签", "标签"}, {"联系人", "联系人"}, {"联系人电话", "联系电话"}, {"注册号", "注册号"},
		{"对象编码", "对象编码"},
	}
	rows := baseTargets(202, 15)
	for i, r := range rows {
		r["成立日期"] = reformatDate(r["成立日期"], i+1)
		if r["经营异常名录"] == "否" && i%3 == 0 {
			r["经营异常名录"] = "未列入"
		}
		switch i + 1 { // record number; see lines below
		case 2:
			r["行业代码"] = "Z99"
		case 3:
			r["住所"] = "山东省泰安市宁阳县文庙街道\n八仙桥路18号"
		case 4:
			r["行业代码"] = "C"
		case 5:
			code := []byte(r["统一社会信用代码"])
			code[10] = 'I'
			r["统一社会信用代码"] = string(code)
			r["成立日期"] = "2020-13-01"
		case 8:
			r["登记状态"] = "歇业"
		case 10:
			r["联系电话"] = "1380013800"
		case 12:
			r["行政区划代码"] = "990921"
		case 13:
			r["行业代码"] = "C1391淀粉及淀粉制品制造"
		case 14:
			asObject(r, "产品", "宁阳县散装白酒（抽检批次）", "")
		case 15:
			asObject(r, "产品", "宁阳县小磨香油（抽检批次）", "CP-370921-0001")
		}
	}
	var buf bytes.Buffer
	i := 0
	next := func() ([]string, bool) { i++; return cellsOf(cols, rows[i-1]), true }
	if err := writeCSV(&buf, "utf8bom", headersOf(cols), len(rows), next); err != nil {
		return err
	}
	// An empty line after record 6: a spreadsheet shows it as row 8, so record 7 is row 9.
	lines := strings.SplitAfter(buf.String(), "\r\n")
	var out strings.Builder
	for n, l := range lines {
		out.WriteString(l)
		if n == 7 { // header + records 1–6, one of them spanning two lines
			out.WriteString("\r\n")
		}
	}
	return os.WriteFile(path, []byte(out.String()), 0o644)
}

// ---- targets_merged_title.xlsx ----

func writeTargetsMergedTitle(path string) error {
	cols := []col{
		{"序号", "序号"}, {"统一社会信用代码", "统一社会信用代码"}, {"名称", "企业名称"}, {"对象类型", "对象类型"},
		{"法定代表人（负责人）", "法定代表人"}, {"法定代表人电话", "法定代表人电话"}, {"住所（经营场所）", "住所"},
		{"行政区划", "行政区划代码"}, {"行业", "行业代码"}, {"成立日期", "成立日期"}, {"登记状态", "登记状态"},
		{"信用风险分类", "信用风险分类"}, {"经营异常名录", "经营异常名录"}, {"标签", "标签"},
		{"对象编码", "对象编码"}, {"注册号", "注册号"}, {"备注", "备注"},
	}
	rows := baseTargets(303, 30)
	f := excelize.NewFile()
	defer f.Close()
	sheet := "检查对象名录"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	title := "宁阳县市场监管局检查对象名录（2026年）"
	if err := f.SetCellValue(sheet, "A1", title); err != nil {
		return err
	}
	last, _ := excelize.CoordinatesToCellName(len(cols), 1)
	if err := f.MergeCell(sheet, "A1", last); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, "A3", ptrTo(anySlice(headersOf(cols)))); err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	for i, r := range rows {
		line := i + 4
		r["序号"] = fmt.Sprint(i + 1)
		switch line {
		case 8:
			r["统一社会信用代码"] = wrongCheck(r["统一社会信用代码"])
		case 12:
			r["成立日期"] = "2099-01-01"
		case 16:
			asObject(r, "产品", "宁阳县桶装饮用水（抽检批次）", "")
		case 17:
			asObject(r, "项目", "宁阳县城区燃气管网改造工程", "XM-2026-0007")
		case 20:
			r["信用风险分类"] = "特高"
		case 25:
			r["统一社会信用代码"] = rows[1]["统一社会信用代码"] // the code of line 5
		case 30:
			r["行业代码"] = "A1391"
		case 31:
			r["备注"] = "已核实"
		}
		cells := anySlice(cellsOf(cols, r))
		dateCol := 9 // 成立日期
		if iso := r["成立日期"]; line != 12 {
			t, _ := time.ParseInLocation("2006-01-02", iso, clock.CST)
			switch i % 3 {
			case 0: // a real Excel date: a serial number with a date format
				cells[dateCol] = t
			case 1:
				cells[dateCol] = fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
			case 2:
				cells[dateCol] = t.Format("20060102")
			}
		}
		switch line {
		case 9:
			cells[7] = 370921 // a numeric division code
		case 10:
			cells[5] = 13853800010 // a telephone number typed as a number
		}
		cell, _ := excelize.CoordinatesToCellName(1, line)
		if err := f.SetSheetRow(sheet, cell, &cells); err != nil {
			return err
		}
		if _, ok := cells[dateCol].(time.Time); ok {
			dc, _ := excelize.CoordinatesToCellName(dateCol+1, line)
			if err := f.SetCellStyle(sheet, dc, dc, dateStyle); err != nil {
				return err
			}
		}
	}
	return f.SaveAs(path)
}

func ptrTo[T any](v T) *T { return &v }

// ---- inspectors.xlsx ----

func writeInspectorsXLSX(path string) error {
	header := []string{"姓名", "公民身份号码", "手机", "人员类别", "执法证件号", "执法证有效期", "执法领域", "专长", "专家", "状态"}
	type p struct {
		name   string
		birth  string
		phone  string
		kind   string
		cert   string
		expiry any
		quals  string
		specs  string
		expert string
		state  string
	}
	d := func(y, m, dd int) time.Time { return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, clock.CST) }
	people := []p{
		{"王建国", "19760312", "13853812345", "行政执法类公务员", "37092120000101", d(2028, 12, 31), "市场监管、食品安全", "食品生产", "否", "在岗"},
		{"李秀英", "19820705", "13905381234", "具有执法资格的工作人员", "37092120000102", "2021-01-01至2027-12-31", "特种设备", "电梯", "否", "在岗"},
		{"张伟", "19880120", "15853800001", "日常监管人员", "37092120000103", "2028/6/30", "市场监管", "", "否", "在岗"},
		{"刘洋", "19900918", "18753800002", "综合执法队伍人员", "37092120000104", "2029年3月31日", "综合执法", "", "否", "在岗"},
		{"陈静", "19790228", "0538-5621234", "行政执法类公务员", "37092120000105", "2025-06-30", "价格监督；广告监管", "", "否", "在岗"},
		{"杨磊", "19850611", "13805380003", "行政执法类公务员", "37092120000106", "20281231", "知识产权", "商标", "否", "离岗"},
		{"赵敏", "19921103", "13605380004", "具有执法资格的工作人员", "37092120000107", "2026-02-30", "产品质量", "", "否", "在岗"},
		{"黄志强", "19700808", "13705380005", "行政执法类公务员", "37092120000108", "2027-09-30", "食品安全", "餐饮服务", "否", "在岗"},
		{"周芳", "19830415", "15053800006", "日常监管人员", "37092120000102", "2027-12-31", "市场监管", "", "否", "在岗"},
		{"吴海波", "19680101", "13953800007", "", "", "", "", "特种设备检验", "是", "在岗"},
		{"徐丽", "19870722", "18653800008", "临时工", "37092120000110", "2028-12-31", "市场监管", "", "否", "在岗"},
		{"孙涛", "19910530", "13853800009", "综合执法", "37092120000111", "2028-12-31", "综合执法/市场监管", "", "否", "正常"},
	}
	f := excelize.NewFile()
	defer f.Close()
	sheet := "执法检查人员名录"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return err
	}
	if err := f.SetSheetRow(sheet, "A1", ptrTo(anySlice(header))); err != nil {
		return err
	}
	dateStyle, err := f.NewStyle(&excelize.Style{NumFmt: 14})
	if err != nil {
		return err
	}
	for i, x := range people {
		line := i + 2
		birth, _ := time.ParseInLocation("20060102", x.birth, clock.CST)
		id := synth.IDNumber(birth, 100+i)
		if line == 4 {
			id = id[:17] + wrongIDCheck(id)
		}
		row := []any{x.name, id, x.phone, x.kind, x.cert, x.expiry, x.quals, x.specs, x.expert, x.state}
		cell, _ := excelize.CoordinatesToCellName(1, line)
		if err := f.SetSheetRow(sheet, cell, &row); err != nil {
			return err
		}
		if _, ok := x.expiry.(time.Time); ok {
			dc, _ := excelize.CoordinatesToCellName(6, line)
			if err := f.SetCellStyle(sheet, dc, dc, dateStyle); err != nil {
				return err
			}
		}
	}
	return f.SaveAs(path)
}

func wrongIDCheck(id string) string {
	const checks = "10X98765432"
	i := strings.IndexByte(checks, id[17])
	return string(checks[(i+3)%len(checks)])
}

// ---- items.csv ----

func writeItemsCSV(path string) error {
	header := []string{"事项编码", "抽查事项", "事项类别", "抽查依据", "抽查主体", "抽查对象", "抽查内容", "抽查方式", "抽查比例", "抽查频次", "检查人员要求", "执法资格要求"}
	basis := "《中华人民共和国食品安全法》第一百一十条；《市场监督管理行政处罚程序规定》"
	body := "宁阳县市场监督管理局"
	rows := [][]string{
		{"SCJG-SP-001", "食品生产企业监督检查", "重点检查事项", basis, body, "食品生产企业", "生产许可、原料进货查验、出厂检验", "实地核查、检验检测", "不低于10%", "每年不少于1次", "持有执法证的食品安全执法人员", "食品安全"},
		{"SCJG-GG-002", "广告发布行为检查", "一般检查事项", "《中华人民共和国广告法》第四十九条", body, "广告发布者", "广告内容合法性", "书面检查，网络监测", "5%-10%", "每年1次", "", "广告监管"},
		{"SCJG-JG-003", "明码标价检查", "一般", "《明码标价和禁止价格欺诈规定》", body, "商品经营者", "明码标价执行情况", "实地核查", "不低于5%", "每年1次", "", "价格监督"},
		{"SCJG-TS-004", "电梯使用单位检查", "一般检查事项", "《中华人民共和国特种设备安全法》第五十七条", body, "特种设备使用单位", "使用登记、定期检验、维护保养", "现场检查/采信其他部门检查结论、司法机关法律文书或专业机构意见", "≤3%", "每年1次", "", "特种设备"},
		{"SCJG-CP-005", "产品质量监督抽查", "重点", "《中华人民共和国产品质量法》第十五条", body, "产品生产企业", "产品质量", "飞行检查、检验检测", "不低于5%", "每年1次", "", "产品质量"},
		{"SCJG-SP-001", "食品经营者监督检查", "重点检查事项", basis, body, "食品经营者", "经营许可、进货查验", "实地核查", "不低于10%", "每年不少于1次", "", "食品安全"},
		{"SCJG-ZS-007", "知识产权代理机构检查", "一般检查事项", "《专利代理条例》第二十九条", body, "专利代理机构", "执业许可、代理行为", "书面检查", "5", "每年1次", "", "知识产权"},
		{"SCJG-GS-008", "企业公示信息抽查", "一般检查事项", "《企业信息公示暂行条例》第十四条", body, "企业", "年度报告等公示信息", "书面检查、网络监测、实地核查", "0.05", "每年1次", "", "市场监管"},
		{"SCJG-TZ-009", "特种设备生产单位检查", "重点检查事项", "《中华人民共和国特种设备安全法》第五十七条", body, "特种设备生产单位", "生产许可条件", "实地核查", "", "每年1次", "", "特种设备"},
	}
	var buf bytes.Buffer
	i := 0
	err := writeCSV(&buf, "utf8", header, len(rows), func() ([]string, bool) { i++; return rows[i-1], true })
	if err != nil {
		return err
	}
	return os.WriteFile(path, buf.Bytes(), 0o644)
}
