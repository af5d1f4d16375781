package importer

import (
	"bytes"
	"errors"
	"github.com/ssgk/ssgk/internal/clock"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ssgk/ssgk/internal/uscc"
)

// testNow is "today" in every test, so that date checks do not depend on the clock.
var testNow = time.Date(2026, 11, 1, 10, 0, 0, 0, clock.CST)

func testOpts() Options { return Options{Now: testNow} }

func sample(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("..", "..", "testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// readAll opens data and returns the reader (closed) and every row.
func readAll(t *testing.T, data []byte, kind Kind) (*Reader, []Row) {
	t.Helper()
	r, err := OpenWithOptions(bytes.NewReader(data), kind, testOpts())
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer r.Close()
	var rows []Row
	for {
		row, err := r.Next()
		if err == io.EOF {
			return r, rows
		}
		if err != nil {
			t.Fatalf("Next: %v", err)
		}
		rows = append(rows, row)
	}
}

func gbk(t *testing.T, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// A valid USCC of each kind, for hand-written rows.
const (
	usccEnterprise = "91350200776049653A"
	usccOther      = "91440101MA5CJQ4N59"
	usccThird      = "913502000728319549"
)

func TestOpen_DetectsEncoding(t *testing.T) {
	const csvText = "企业名称,统一社会信用代码\n厦门某某有限公司," + usccEnterprise + "\n"
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte("企业名称,统一社会信用代码\n𠮷祥商行," + usccEnterprise + "\n"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name     string
		data     []byte
		kind     Kind
		encoding string
		wantName string
	}{
		{"GBK sample", sample(t, "targets_gbk.csv"), KindTargets, EncodingGB18030, "宁阳县华丰和阳家政服务部"},
		{"UTF-8 BOM sample", sample(t, "targets_utf8_bom.csv"), KindTargets, EncodingUTF8BOM, "宁阳县东庄鑫诚糕点坊"},
		{"UTF-8 sample", sample(t, "items.csv"), KindItems, EncodingUTF8, "食品生产企业监督检查"},
		{"XLSX sample", sample(t, "targets_merged_title.xlsx"), KindTargets, EncodingXLSX, "宁阳县东疏润润豆腐坊"},
		{"GBK in memory", gbk(t, csvText), KindTargets, EncodingGB18030, "厦门某某有限公司"},
		{"GB18030 four-byte character", gb18030, KindTargets, EncodingGB18030, "𠮷祥商行"},
		{"UTF-8 in memory", []byte(csvText), KindTargets, EncodingUTF8, "厦门某某有限公司"},
		{"UTF-8 BOM in memory", append([]byte{0xEF, 0xBB, 0xBF}, csvText...), KindTargets, EncodingUTF8BOM, "厦门某某有限公司"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, rows := readAll(t, c.data, c.kind)
			if r.Encoding() != c.encoding {
				t.Errorf("Encoding = %q, want %q", r.Encoding(), c.encoding)
			}
			if len(rows) == 0 || !rows[0].OK() {
				t.Fatalf("first row not valid: %+v", rows)
			}
			var got string
			switch {
			case rows[0].Target != nil:
				got = rows[0].Target.Name
			case rows[0].Item != nil:
				got = rows[0].Item.Name
			}
			if got != c.wantName {
				t.Errorf("first name = %q, want %q", got, c.wantName)
			}
		})
	}
}

func TestOpen_XLSXDetectedByContentNotName(t *testing.T) {
	// The reader never sees a file name: an XLSX is recognised by its ZIP magic bytes.
	r, err := OpenWithOptions(bytes.NewReader(sample(t, "inspectors.xlsx")), KindInspectors, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.Encoding() != EncodingXLSX {
		t.Fatalf("Encoding = %q", r.Encoding())
	}
}

func TestOpen_RejectsUnsupportedFiles(t *testing.T) {
	cases := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "文件为空"},
		{"xls", []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0}, "Excel 97-2003"},
		{"UTF-16", []byte{0xFF, 0xFE, 'a', 0}, "UTF-16"},
		{"zip that is not a workbook", []byte("PK\x03\x04garbage"), "不是有效的 XLSX"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(bytes.NewReader(c.data), KindTargets)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want it to contain %q", err, c.want)
			}
		})
	}
}

func TestHeader_SynonymsAndFreeColumnOrder(t *testing.T) {
	r, rows := readAll(t, sample(t, "targets_utf8_bom.csv"), KindTargets)
	want := map[string]string{
		"name": "市场主体名称", "uscc": "信用代码", "kind": "主体类型", "legal_representative": "负责人",
		"address": "经营场所", "division_code": "区划代码", "industry_code": "国民经济行业分类",
		"registered_on": "登记日期", "status": "经营状态", "credit_risk_class": "风险等级",
		"abnormal_list": "是否列入经营异常名录", "licences": "许可证件", "tags": "对象标签",
		"contact_person": "联系人", "contact_phone": "联系人电话", "reg_no": "注册号", "object_code": "对象编码",
	}
	got := r.Mapping()
	if len(got) != len(want) {
		t.Errorf("Mapping has %d fields, want %d: %v", len(got), len(want), got)
	}
	for f, h := range want {
		if got[f] != h {
			t.Errorf("Mapping[%s] = %q, want %q", f, got[f], h)
		}
	}
	if rows[0].Target == nil || rows[0].Target.Name != "宁阳县东庄鑫诚糕点坊" {
		t.Fatalf("first row = %+v", rows[0])
	}
}

func TestHeader_WrittenVariantsAreRecognised(t *testing.T) {
	cases := []struct {
		header string
		field  string
	}{
		{"*企业名称", "name"},
		{"企业名称（必填）", "name"},
		{"统一社会\n信用代码", "uscc"},
		{"ＵＳＣＣ", "uscc"},
		{"usc c", "uscc"},
		{"住所(经营场所)", "address"},
		{"法定代表人（负责人）", "legal_representative"},
		{"成立日期（格式：2026-01-05）", "registered_on"},
		{" 行业门类代码 ", "industry_code"},
		{"【信用风险等级】", "credit_risk_class"},
	}
	for _, c := range cases {
		t.Run(c.header, func(t *testing.T) {
			csv := "\"" + c.header + "\",单位名称,信用代码\n"
			switch c.field {
			case "name":
				csv = "\"" + c.header + "\",法定代表人,注册号\n"
			case "uscc":
				csv = "\"" + c.header + "\",法定代表人,单位名称\n"
			}
			r, err := Open(strings.NewReader(csv), KindTargets)
			if err != nil {
				t.Fatal(err)
			}
			defer r.Close()
			if _, ok := r.Mapping()[c.field]; !ok {
				t.Fatalf("header %q not mapped to %s: %v", c.header, c.field, r.Mapping())
			}
		})
	}
}

func TestHeader_UnknownColumnsAreIgnoredAndListed(t *testing.T) {
	r, err := Open(strings.NewReader("序号,企业名称,统一社会信用代码,经办人,备注\n"), KindTargets)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// Every column is either imported or listed as not imported, with the reason.
	if got := r.Ignored(); !slices.Equal(got, []string{"序号", "经办人", "备注"}) {
		t.Fatalf("Ignored = %v, want [序号 经办人 备注]", got)
	}
	var got []string
	for _, c := range r.Columns() {
		got = append(got, c.String())
	}
	want := []string{
		"A 列“序号”：" + reasonIgnoredHeader,
		"B 列“企业名称” → 企业名称",
		"C 列“统一社会信用代码” → 统一社会信用代码",
		"D 列“经办人”：" + reasonUnknown,
		"E 列“备注”：" + reasonIgnoredHeader,
	}
	if !slices.Equal(got, want) {
		t.Fatalf("Columns =\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestOpen_MergedTitleRowsTolerated(t *testing.T) {
	data := sample(t, "targets_merged_title.xlsx")
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	merged, _ := f.GetMergeCells(f.GetSheetList()[0])
	_ = f.Close()
	if len(merged) != 1 || merged[0].GetStartAxis() != "A1" {
		t.Fatalf("sample has no merged title: %v", merged)
	}
	r, rows := readAll(t, data, KindTargets)
	if r.HeaderLine() != 3 {
		t.Errorf("HeaderLine = %d, want 3", r.HeaderLine())
	}
	if rows[0].Line != 4 {
		t.Errorf("first data row = %d, want 4", rows[0].Line)
	}
	if len(rows) != 30 {
		t.Errorf("rows = %d, want 30", len(rows))
	}
	// The same in CSV: a title line and a blank line above the header.
	csv := "宁阳县市场监管局检查对象名录（2026年）,,\n,,\n企业名称,统一社会信用代码,成立日期\n甲公司," + usccEnterprise + ",2020-01-01\n"
	r, rows = readAll(t, []byte(csv), KindTargets)
	if r.HeaderLine() != 3 || len(rows) != 1 || rows[0].Line != 4 || !rows[0].OK() {
		t.Fatalf("CSV with title: header %d, rows %+v", r.HeaderLine(), rows)
	}
}

func TestOpen_MissingMandatoryColumnsAreListed(t *testing.T) {
	cases := []struct {
		name    string
		kind    Kind
		csv     string
		missing []string
	}{
		{"targets without name and identifiers", KindTargets, "法定代表人,住所,成立日期\n",
			[]string{"企业名称", "统一社会信用代码或注册号或对象编码"}},
		{"targets without name", KindTargets, "统一社会信用代码,住所\n", []string{"企业名称"}},
		{"inspectors without certificate and ID", KindInspectors, "姓名,手机,人员类别\n",
			[]string{"执法证号或身份证号"}},
		{"items with only code and name", KindItems, "事项编码,事项名称\n",
			[]string{"事项类别", "检查依据", "检查主体", "检查对象", "检查内容", "检查方式", "抽查比例", "抽查频次"}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Open(strings.NewReader(c.csv), c.kind)
			var he *HeaderError
			if !errors.As(err, &he) {
				t.Fatalf("err = %v, want *HeaderError", err)
			}
			if !slices.Equal(he.Missing, c.missing) {
				t.Errorf("Missing = %v, want %v", he.Missing, c.missing)
			}
			for _, m := range c.missing {
				if !strings.Contains(he.Error(), m) {
					t.Errorf("message %q does not name %q", he.Error(), m)
				}
			}
			if he.Line != 1 || !strings.Contains(he.Error(), "缺少必填列") {
				t.Errorf("message = %q, line %d", he.Error(), he.Line)
			}
		})
	}
}

func TestOpen_NoHeaderNamesTheLikelyKind(t *testing.T) {
	_, err := Open(bytes.NewReader(sample(t, "items.csv")), KindTargets)
	var he *HeaderError
	if !errors.As(err, &he) {
		t.Fatalf("err = %v", err)
	}
	if !strings.Contains(he.Error(), "未找到检查对象名录的表头") || !strings.Contains(he.Error(), "抽查事项清单") {
		t.Fatalf("message = %q", he.Error())
	}
}

func TestOpen_HeaderBelowScanWindowIsNotFound(t *testing.T) {
	csv := strings.Repeat("说明文字\n", 10) + "企业名称,统一社会信用代码\n"
	if _, err := Open(strings.NewReader(csv), KindTargets); err == nil {
		t.Fatal("header on row 11 accepted")
	}
	r, err := OpenWithOptions(strings.NewReader(csv), KindTargets, Options{HeaderScanRows: 11})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if r.HeaderLine() != 11 {
		t.Fatalf("HeaderLine = %d", r.HeaderLine())
	}
}

func TestOpen_TwoColumnsForOneFieldRejected(t *testing.T) {
	_, err := Open(strings.NewReader("企业名称,名称,统一社会信用代码\n"), KindTargets)
	if err == nil || !strings.Contains(err.Error(), "“企业名称”和“名称”都表示“企业名称”") {
		t.Fatalf("err = %v", err)
	}
}

// rejection is an expected error: row, column as written, and part of the reason.
type rejection struct {
	line   int
	column string
	reason string
}

func TestSamples_EveryRejectionHasRowColumnAndReason(t *testing.T) {
	cases := []struct {
		file     string
		kind     Kind
		rows     int
		want     []rejection
		warnings []rejection
	}{
		{"targets_gbk.csv", KindTargets, 30, []rejection{
			{6, "统一社会信用代码", "统一社会信用代码校验位错误：应为“C”"},
			{11, "成立日期", "成立日期不存在：2019年2月30日"},
			{15, "信用风险分类", "信用风险分类“E”无效"},
			{20, "统一社会信用代码", "统一社会信用代码与第 3 行重复"},
			{25, "企业名称", "企业名称不能为空"},
		}, nil},
		{"targets_utf8_bom.csv", KindTargets, 15, []rejection{
			{3, "国民经济行业分类", "行业大类“99”不存在"},
			{6, "信用代码", "第 11 位字符“I”不是统一社会信用代码允许的字符"},
			{6, "登记日期", "成立日期不存在：2020年13月1日"},
			{10, "经营状态", "登记状态无法识别"},
			{12, "联系人电话", "手机号码“1380013800”应为 11 位"},
			{14, "区划代码", "行政区划代码前两位“99”不是省级代码"},
			{16, "对象编码", "产品类检查对象须填写对象编码"},
		}, nil},
		{"targets_merged_title.xlsx", KindTargets, 30, []rejection{
			{8, "统一社会信用代码", "统一社会信用代码校验位错误：应为“1”"},
			{12, "成立日期", "成立日期不能晚于今天"},
			{16, "对象编码", "产品类检查对象须填写对象编码"},
			{20, "信用风险分类", "信用风险分类“特高”无效"},
			{25, "统一社会信用代码", "统一社会信用代码与第 5 行重复"},
			{30, "行业", "行业代码门类与大类不符：大类 13 属于门类 C"},
		}, nil},
		{"inspectors.xlsx", KindInspectors, 12, []rejection{
			{4, "公民身份号码", "公民身份号码校验位错误"},
			{8, "执法证有效期", "执法证有效期不存在：2026年2月30日"},
			{10, "执法证件号", "执法证号与第 3 行重复"},
			{12, "人员类别", "人员类别无法识别"},
		}, []rejection{
			{6, "执法证有效期", "执法证已于 2025-06-30 过期"},
		}},
		{"items.csv", KindItems, 9, []rejection{
			{4, "抽查比例", "一般检查事项的抽查比例必须有上限"},
			{6, "抽查方式", "检查方式“飞行检查”无法识别"},
			{7, "事项编码", "事项编码与第 2 行重复"},
			{8, "抽查比例", "抽查比例“5”缺少百分号"},
		}, nil},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			_, rows := readAll(t, sample(t, c.file), c.kind)
			if len(rows) != c.rows {
				t.Errorf("rows = %d, want %d", len(rows), c.rows)
			}
			var errs, warns []CellError
			rejected := map[int]bool{}
			for _, r := range rows {
				errs = append(errs, r.Errors...)
				warns = append(warns, r.Warnings...)
				if !r.OK() {
					rejected[r.Line] = true
					if r.Target != nil || r.Inspector != nil || r.Item != nil {
						t.Errorf("row %d rejected but carries a record", r.Line)
					}
				} else if r.Target == nil && r.Inspector == nil && r.Item == nil {
					t.Errorf("row %d valid but has no record", r.Line)
				}
			}
			checkRejections(t, "error", errs, c.want)
			checkRejections(t, "warning", warns, c.warnings)
		})
	}
}

func checkRejections(t *testing.T, what string, got []CellError, want []rejection) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d %ss, want %d:", len(got), what, len(want))
		for _, e := range got {
			t.Logf("  %v", e)
		}
	}
	for i := range min(len(got), len(want)) {
		g, w := got[i], want[i]
		if g.Line != w.line || g.Column != w.column || !strings.Contains(g.Reason, w.reason) {
			t.Errorf("%s %d = row %d “%s”: %s; want row %d “%s”: …%s…", what, i, g.Line, g.Column, g.Reason, w.line, w.column, w.reason)
		}
	}
}

func TestSamples_ValidRowsAreNormalised(t *testing.T) {
	_, rows := readAll(t, sample(t, "targets_gbk.csv"), KindTargets)
	byLine := map[int]*TargetRecord{}
	for _, r := range rows {
		byLine[r.Line] = r.Target
	}
	// Line 28 has a 15-digit registration number in the USCC column.
	if r := byLine[28]; r == nil || r.USCC != nil || r.RegNo == nil || *r.RegNo != "370921009000289" || r.Kind != "ENTERPRISE" {
		t.Errorf("line 28 = %+v", r)
	}
	for line, r := range byLine {
		if r == nil {
			continue
		}
		if r.DivisionCode != "370921" || !isEnum(creditClasses, r.CreditRiskClass) || !isEnum(targetStatuses, r.Status) || !isEnum(targetKinds, r.Kind) {
			t.Errorf("line %d not normalised: %+v", line, r)
		}
	}

	_, rows = readAll(t, sample(t, "inspectors.xlsx"), KindInspectors)
	p := map[int]*InspectorRecord{}
	for _, r := range rows {
		p[r.Line] = r.Inspector
	}
	d := func(y, m, dd int) string {
		return time.Date(y, time.Month(m), dd, 0, 0, 0, 0, clock.CST).Format("2006-01-02")
	}
	checks := []struct {
		line              int
		expiry, kind      string
		active, expert    bool
		qualificationsLen int
	}{
		{2, d(2028, 12, 31), "CIVIL_SERVANT", true, false, 2},     // Excel date cell
		{3, d(2027, 12, 31), "QUALIFIED_STAFF", true, false, 1},   // "2021-01-01至2027-12-31"
		{5, d(2029, 3, 31), "ENFORCEMENT_TEAM", true, false, 1},   // 2029年3月31日
		{6, d(2025, 6, 30), "CIVIL_SERVANT", true, false, 2},      // expired: valid, with a warning
		{7, d(2028, 12, 31), "CIVIL_SERVANT", false, false, 1},    // 离岗
		{11, "", "CIVIL_SERVANT", true, true, 0},                  // expert without certificate
		{13, d(2028, 12, 31), "ENFORCEMENT_TEAM", true, false, 2}, // 综合执法, 正常
	}
	for _, c := range checks {
		r := p[c.line]
		if r == nil {
			t.Errorf("line %d rejected", c.line)
			continue
		}
		if formatDate(r.CertificateExpiresOn) != c.expiry || r.Kind != c.kind || r.Active != c.active ||
			r.IsExpert != c.expert || len(r.Qualifications) != c.qualificationsLen {
			t.Errorf("line %d = %+v (expiry %s)", c.line, r, formatDate(r.CertificateExpiresOn))
		}
	}

	_, rows = readAll(t, sample(t, "items.csv"), KindItems)
	items := map[int]*ItemRecord{}
	for _, r := range rows {
		items[r.Line] = r.Item
	}
	ratio := func(f *float64) string {
		if f == nil {
			return "nil"
		}
		return formatPercent(*f)
	}
	itemChecks := []struct {
		line     int
		category string
		methods  []string
		lo, hi   string
	}{
		{2, "KEY", []string{"ON_SITE", "TESTING"}, "10%", "nil"},
		{3, "GENERAL", []string{"WRITTEN", "ONLINE"}, "5%", "10%"},
		{5, "GENERAL", []string{"ON_SITE", "ADOPTED"}, "nil", "3%"},
		{9, "GENERAL", []string{"WRITTEN", "ONLINE", "ON_SITE"}, "5%", "5%"},
		{10, "KEY", []string{"ON_SITE"}, "nil", "nil"},
	}
	for _, c := range itemChecks {
		it := items[c.line]
		if it == nil {
			t.Errorf("item line %d rejected", c.line)
			continue
		}
		if it.Category != c.category || !slices.Equal(it.Methods, c.methods) || ratio(it.RatioMin) != c.lo || ratio(it.RatioMax) != c.hi {
			t.Errorf("item line %d = %+v, ratio %s–%s", c.line, it, ratio(it.RatioMin), ratio(it.RatioMax))
		}
	}
}

func TestNext_DuplicateKeyRejectsTheLaterRow(t *testing.T) {
	cases := []struct {
		name   string
		kind   Kind
		csv    string
		line   int
		column string
		reason string
	}{
		{"USCC", KindTargets, "企业名称,统一社会信用代码\n甲," + usccEnterprise + "\n乙," + usccOther + "\n丙," + usccEnterprise + "\n",
			4, "统一社会信用代码", "统一社会信用代码与第 2 行重复"},
		{"USCC lower case repeats upper case", KindTargets, "企业名称,统一社会信用代码\n甲,91440101MA5CJQ4N59\n乙,91440101ma5cjq4n59\n",
			3, "统一社会信用代码", "与第 2 行重复"},
		{"registration number", KindTargets, "企业名称,注册号\n甲,110108000000016\n乙,110108000000016\n",
			3, "注册号", "注册号与第 2 行重复"},
		{"object code", KindTargets, "名称,对象类型,对象编码\n甲,产品,CP-1\n乙,产品,CP-1\n",
			3, "对象编码", "对象编码与第 2 行重复"},
		{"certificate number", KindInspectors, "姓名,执法证号\n甲,A001\n乙,A002\n丙,A001\n",
			4, "执法证号", "执法证号与第 2 行重复"},
		{"identity number", KindInspectors, "姓名,身份证号\n甲,34052419800101001X\n乙,34052419800101001x\n",
			3, "身份证号", "公民身份号码与第 2 行重复"},
		{"item code", KindItems, itemsHeader + "\nA-1," + itemTail + "\nA-1," + itemTail + "\n",
			3, "事项编码", "事项编码与第 2 行重复"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, rows := readAll(t, []byte(c.csv), c.kind)
			var errs []CellError
			for _, r := range rows {
				errs = append(errs, r.Errors...)
			}
			checkRejections(t, "error", errs, []rejection{{c.line, c.column, c.reason}})
		})
	}
}

const (
	itemsHeader = "事项编码,事项名称,事项类别,检查依据,检查主体,检查对象,检查内容,检查方式,抽查比例,抽查频次"
	itemTail    = "食品检查,一般,食品安全法,县市场监管局,食品生产企业,许可,实地核查,5%-10%,每年1次"
)

func TestNext_RejectionReasons(t *testing.T) {
	const th = "企业名称,统一社会信用代码,注册号,对象类型,对象编码,成立日期,行政区划代码,行业代码,登记状态,信用风险分类,经营异常名录,联系电话\n"
	cases := []struct {
		name   string
		kind   Kind
		csv    string
		column string
		reason string
	}{
		{"USCC wrong check character", KindTargets, th + "甲,91350200776049653B,,,,,,,,,,", "统一社会信用代码", "统一社会信用代码校验位错误：应为“A”"},
		{"USCC too short", KindTargets, th + "甲,9135020077604965,,,,,,,,,,", "统一社会信用代码", "统一社会信用代码应为 18 位"},
		{"USCC with Chinese", KindTargets, th + "甲,9135020077604965号A,,,,,,,,,,", "统一社会信用代码", "含有非法字符"},
		{"registration number check digit", KindTargets, th + "甲,,110108000000017,,,,,,,,,", "注册号", "注册号校验位错误：应为 6"},
		{"15 digits in USCC column differ from 注册号", KindTargets, th + "甲,110108000000016,370921009000289,,,,,,,,,", "统一社会信用代码", "与注册号列不一致"},
		{"enterprise without identifier", KindTargets, th + "甲,,,企业,,,,,,,,", "统一社会信用代码", "企业须填写统一社会信用代码或注册号"},
		{"no identifier at all", KindTargets, th + "甲,,,,,,,,,,,", "统一社会信用代码", "至少填写一项"},
		{"object without kind", KindTargets, th + "甲,,,,CP-1,,,,,,,", "对象类型", "对象类型不能为空"},
		{"unknown kind", KindTargets, th + "甲," + usccEnterprise + ",,社会团体,,,,,,,,", "对象类型", "对象类型无法识别"},
		{"product without object code", KindTargets, th + "甲,,,产品,,,,,,,,", "对象编码", "产品类检查对象须填写对象编码"},
		{"name too long", KindTargets, th + strings.Repeat("长", 201) + "," + usccEnterprise + ",,,,,,,,,,", "企业名称", "不能超过 200 个字"},
		{"date format", KindTargets, th + "甲," + usccEnterprise + ",,,,2020年1月,,,,,,", "成立日期", "成立日期格式无法识别"},
		{"date does not exist", KindTargets, th + "甲," + usccEnterprise + ",,,,2023-02-29,,,,,,", "成立日期", "成立日期不存在：2023年2月29日"},
		{"date year out of range", KindTargets, th + "甲," + usccEnterprise + ",,,,1850-01-01,,,,,,", "成立日期", "年份 1850 超出范围"},
		{"registration in the future", KindTargets, th + "甲," + usccEnterprise + ",,,,2026-11-02,,,,,,", "成立日期", "不能晚于今天"},
		{"Excel serial in CSV", KindTargets, th + "甲," + usccEnterprise + ",,,,45000,,,,,,", "成立日期", "格式无法识别"},
		{"division not 6 digits", KindTargets, th + "甲," + usccEnterprise + ",,,,,37092,,,,,", "行政区划代码", "应为 6 位数字"},
		{"division province", KindTargets, th + "甲," + usccEnterprise + ",,,,,990921,,,,,", "行政区划代码", "不是省级代码"},
		{"industry letter only unknown", KindTargets, th + "甲," + usccEnterprise + ",,,,,,Z,,,,", "行业代码", "行业门类“Z”不存在"},
		{"industry digits", KindTargets, th + "甲," + usccEnterprise + ",,,,,,13912,,,,", "行业代码", "2–4 位"},
		{"industry division 98", KindTargets, th + "甲," + usccEnterprise + ",,,,,,9811,,,,", "行业代码", "行业大类“98”不存在"},
		{"industry section mismatch", KindTargets, th + "甲," + usccEnterprise + ",,,,,,F1391,,,,", "行业代码", "大类 13 属于门类 C"},
		{"industry garbage", KindTargets, th + "甲," + usccEnterprise + ",,,,,,食品,,,,", "行业代码", "行业“食品”无法识别"},
		{"industry code garbage", KindTargets, th + "甲," + usccEnterprise + ",,,,,,1X,,,,", "行业代码", "行业代码应为门类字母"},
		{"division name unknown", KindTargets, th + "甲," + usccEnterprise + ",,,,,城区,,,,,", "行政区划代码", "行政区划“城区”无法识别"},
		{"status", KindTargets, th + "甲," + usccEnterprise + ",,,,,,,停业,,,", "登记状态", "登记状态无法识别"},
		{"credit class", KindTargets, th + "甲," + usccEnterprise + ",,,,,,,,E类,,", "信用风险分类", "信用风险分类“E类”无效"},
		{"abnormal flag", KindTargets, th + "甲," + usccEnterprise + ",,,,,,,,,也许,", "经营异常名录", "经营异常名录应填“是”或“否”"},
		{"phone", KindTargets, th + "甲," + usccEnterprise + ",,,,,,,,,,5621", "联系电话", "位数不正确"},
		{"mobile", KindTargets, th + "甲," + usccEnterprise + ",,,,,,,,,,1380013800", "联系电话", "应为 11 位"},
		{"phone letters", KindTargets, th + "甲," + usccEnterprise + ",,,,,,,,,,138abc", "联系电话", "含有非数字字符"},
		{"formula error", KindTargets, th + "#REF!," + usccEnterprise + ",,,,,,,,,,", "企业名称", "公式错误值“#REF!”"},

		{"inspector name empty", KindInspectors, "姓名,执法证号\n,A001", "姓名", "姓名不能为空"},
		{"inspector ID check", KindInspectors, "姓名,身份证号\n甲,340524198001010011", "身份证号", "公民身份号码校验位错误"},
		{"inspector ID length", KindInspectors, "姓名,身份证号\n甲,340524800101001", "身份证号", "公民身份号码应为 18 位"},
		{"inspector ID birth date", KindInspectors, "姓名,身份证号\n甲," + idWithBirth("19801301"), "身份证号", "出生日期无效"},
		{"inspector without identifiers", KindInspectors, "姓名,执法证号,身份证号\n甲,,", "执法证号", "至少填写一项"},
		{"expiry without certificate", KindInspectors, "姓名,执法证号,身份证号,有效期至\n甲,,34052419800101001X,2027-01-01", "执法证号", "执法证号为空"},
		{"expiry date", KindInspectors, "姓名,执法证号,有效期至\n甲,A1,2027-02-29", "有效期至", "执法证有效期不存在"},
		{"expert flag", KindInspectors, "姓名,执法证号,是否专家\n甲,A1,可能", "是否专家", "应填“是”或“否”"},
		{"active flag", KindInspectors, "姓名,执法证号,状态\n甲,A1,出差", "状态", "是否在岗应填“是”或“否”"},
		{"inspector kind", KindInspectors, "姓名,执法证号,人员类别\n甲,A1,协管员", "人员类别", "人员类别无法识别"},

		{"item required empty", KindItems, itemsHeader + "\nA-1,食品检查,一般,,县局,企业,许可,实地核查,5%,每年1次", "检查依据", "检查依据不能为空"},
		{"item category", KindItems, itemsHeader + "\nA-1,食品检查,专项,依据,县局,企业,许可,实地核查,5%,每年1次", "事项类别", "事项类别无法识别"},
		{"item code too long", KindItems, itemsHeader + "\n" + strings.Repeat("A", 41) + ",食品检查,重点,依据,县局,企业,许可,实地核查,5%,每年1次", "事项编码", "不能超过 40 个字"},
		{"general without ratio", KindItems, itemsHeader + "\nA-1,食品检查,一般,依据,县局,企业,许可,实地核查,,每年1次", "抽查比例", "必须有上限"},
		{"general with lower bound only", KindItems, itemsHeader + "\nA-1,食品检查,一般检查事项,依据,县局,企业,许可,实地核查,≥3%,每年1次", "抽查比例", "必须有上限"},
		{"ratio above 100%", KindItems, itemsHeader + "\nA-1,食品检查,重点,依据,县局,企业,许可,实地核查,120%,每年1次", "抽查比例", "0% 到 100%"},
		{"ratio range reversed", KindItems, itemsHeader + "\nA-1,食品检查,重点,依据,县局,企业,许可,实地核查,10%-5%,每年1次", "抽查比例", "下限大于上限"},
		{"ratio text", KindItems, itemsHeader + "\nA-1,食品检查,重点,依据,县局,企业,许可,实地核查,适当比例,每年1次", "抽查比例", "格式无法识别"},
		{"method unknown", KindItems, itemsHeader + "\nA-1,食品检查,重点,依据,县局,企业,许可,暗访,5%,每年1次", "检查方式", "检查方式“暗访”无法识别"},
		{"method empty", KindItems, itemsHeader + "\nA-1,食品检查,重点,依据,县局,企业,许可,,5%,每年1次", "检查方式", "检查方式不能为空"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, rows := readAll(t, []byte(c.csv), c.kind)
			if len(rows) != 1 {
				t.Fatalf("rows = %d", len(rows))
			}
			checkRejections(t, "error", rows[0].Errors, []rejection{{2, c.column, c.reason}})
		})
	}
}

// idWithBirth returns an ID number with a valid check character around the given birth date.
func idWithBirth(birth string) string {
	first := "370921" + birth + "001"
	sum := 0
	w := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	for i := range 17 {
		sum += int(first[i]-'0') * w[i]
	}
	return first + string("10X98765432"[sum%11])
}

func TestNext_ARowMayHaveSeveralErrors(t *testing.T) {
	csv := "企业名称,统一社会信用代码,成立日期,信用风险分类\n,91350200776049653B,2020-02-30,Z\n"
	_, rows := readAll(t, []byte(csv), KindTargets)
	checkRejections(t, "error", rows[0].Errors, []rejection{
		{2, "统一社会信用代码", "校验位错误"},
		{2, "企业名称", "不能为空"},
		{2, "成立日期", "不存在"},
		{2, "信用风险分类", "无效"},
	})
}

func TestNext_GeneralRatioCapIsConfigurable(t *testing.T) {
	csv := itemsHeader + "\nA-1,食品检查,一般,依据,县局,企业,许可,实地核查,5%-20%,每年1次\n"
	r, err := OpenWithOptions(strings.NewReader(csv), KindItems, Options{GeneralRatioMax: 0.10})
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	row, _ := r.Next()
	checkRejections(t, "error", row.Errors, []rejection{{2, "抽查比例", "上限不得高于 10%"}})
}

func TestNext_LineNumbersAsASpreadsheetShowsThem(t *testing.T) {
	// Line 3 holds a quoted line break (one spreadsheet row), line 5 is empty, line 6 is blank
	// cells only; the bad row is the spreadsheet's row 7.
	csv := "企业名称,统一社会信用代码,住所\r\n" +
		"甲," + usccEnterprise + ",一号\r\n" +
		"乙," + usccOther + ",\"二号\r\n楼下\"\r\n" +
		"丙," + usccThird + ",三号\r\n" +
		"\r\n" +
		",,\r\n" +
		"丁,91350200776049653B,四号\r\n"
	_, rows := readAll(t, []byte(csv), KindTargets)
	lines := make([]int, len(rows))
	for i, r := range rows {
		lines[i] = r.Line
	}
	if !slices.Equal(lines, []int{2, 3, 4, 7}) {
		t.Fatalf("lines = %v, want [2 3 4 7]", lines)
	}
	if rows[1].Target.Address != "二号\n楼下" {
		t.Errorf("address = %q", rows[1].Target.Address)
	}
	checkRejections(t, "error", rows[3].Errors, []rejection{{7, "统一社会信用代码", "校验位错误"}})
}

func TestNext_NonUTF8BytesAfterTheSampleAreRejected(t *testing.T) {
	var b strings.Builder
	b.WriteString("企业名称,统一社会信用代码,住所\n")
	for b.Len() < sniffSize+100 {
		b.WriteString("甲," + usccEnterprise + ",一号\n")
	}
	data := append([]byte(b.String()), gbk(t, "乙,"+usccOther+",宁阳县\n")...)
	r, rows := readAll(t, data, KindTargets)
	if r.Encoding() != EncodingUTF8 {
		t.Fatalf("Encoding = %s", r.Encoding())
	}
	last := rows[len(rows)-1]
	if last.OK() || !strings.Contains(last.Errors[0].Reason, "不是 UTF-8 编码") {
		t.Fatalf("last row = %+v", last)
	}
}

func TestNext_UnclosedQuoteStopsWithALineNumber(t *testing.T) {
	var b strings.Builder
	b.WriteString("企业名称,统一社会信用代码\n甲," + usccEnterprise + "\n\"乙," + usccOther + "\n")
	for b.Len() < maxRecordBytes+2*sniffSize {
		b.WriteString("丙,91350200776049653A\n")
	}
	r, err := Open(strings.NewReader(b.String()), KindTargets)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if _, err := r.Next(); err != nil {
		t.Fatal(err)
	}
	_, err = r.Next()
	if err == nil || !strings.Contains(err.Error(), "第 3 行") || !strings.Contains(err.Error(), "双引号") {
		t.Fatalf("err = %v", err)
	}
}

func TestNext_TabSeparatedText(t *testing.T) {
	_, rows := readAll(t, []byte("企业名称\t统一社会信用代码\n甲\t"+usccEnterprise+"\n"), KindTargets)
	if len(rows) != 1 || !rows[0].OK() || *rows[0].Target.USCC != usccEnterprise {
		t.Fatalf("rows = %+v", rows)
	}
}

func TestNext_KindInferredFromUSCC(t *testing.T) {
	csv := "企业名称,统一社会信用代码\n甲,91350200776049653A\n乙," + withCheck("92370921MA0000001") + "\n丙," + withCheck("93370921MA0000002") + "\n丁," + withCheck("51370921MA0000003") + "\n"
	_, rows := readAll(t, []byte(csv), KindTargets)
	var kinds []string
	for _, r := range rows {
		if !r.OK() {
			t.Fatalf("row %d: %v", r.Line, r.Errors)
		}
		kinds = append(kinds, r.Target.Kind)
	}
	if want := []string{"ENTERPRISE", "INDIVIDUAL", "COOPERATIVE", "ENTERPRISE"}; !slices.Equal(kinds, want) {
		t.Fatalf("kinds = %v, want %v", kinds, want)
	}
}

func withCheck(first17 string) string {
	return first17 + string(uscc.CheckChar(first17))
}

func TestNext_ValueForms(t *testing.T) {
	const th = "企业名称,统一社会信用代码,对象类型,登记状态,信用风险分类,经营异常名录,许可证,标签,行业代码,行政区划代码,联系电话\n"
	cases := []struct {
		name  string
		row   string
		check func(*TargetRecord) bool
	}{
		{"registry entity type", "甲," + usccEnterprise + ",有限责任公司（自然人投资或控股）,,,,,,,,", func(r *TargetRecord) bool { return r.Kind == "ENTERPRISE" }},
		{"individual", "甲," + usccEnterprise + ",个体户,,,,,,,,", func(r *TargetRecord) bool { return r.Kind == "INDIVIDUAL" }},
		{"status 存续（在营、开业、在册）", "甲," + usccEnterprise + ",,存续（在营、开业、在册）,,,,,,,", func(r *TargetRecord) bool { return r.Status == "EXISTING" }},
		{"status 吊销，未注销", "甲," + usccEnterprise + ",,\"吊销，未注销\",,,,,,,", func(r *TargetRecord) bool { return r.Status == "REVOKED" }},
		{"status 已注销", "甲," + usccEnterprise + ",,已注销,,,,,,,", func(r *TargetRecord) bool { return r.Status == "CANCELLED" }},
		{"status 迁出", "甲," + usccEnterprise + ",,迁出,,,,,,,", func(r *TargetRecord) bool { return r.Status == "MOVED_OUT" }},
		{"class A类", "甲," + usccEnterprise + ",,,A类,,,,,,", func(r *TargetRecord) bool { return r.CreditRiskClass == "A" }},
		{"class 较高", "甲," + usccEnterprise + ",,,较高,,,,,,", func(r *TargetRecord) bool { return r.CreditRiskClass == "C" }},
		{"class 高风险", "甲," + usccEnterprise + ",,,高风险,,,,,,", func(r *TargetRecord) bool { return r.CreditRiskClass == "D" }},
		{"class lower case", "甲," + usccEnterprise + ",,,b,,,,,,", func(r *TargetRecord) bool { return r.CreditRiskClass == "B" }},
		{"defaults", "甲," + usccEnterprise + ",,,,,,,,,", func(r *TargetRecord) bool {
			return r.Status == "EXISTING" && r.CreditRiskClass == "B" && !r.AbnormalList && len(r.Licences) == 0 && r.Licences != nil
		}},
		{"abnormal 已列入", "甲," + usccEnterprise + ",,,,已列入,,,,,", func(r *TargetRecord) bool { return r.AbnormalList }},
		{"abnormal 无 is empty", "甲," + usccEnterprise + ",,,,无,,,,,", func(r *TargetRecord) bool { return !r.AbnormalList }},
		{"licences keep their colon", "甲," + usccEnterprise + ",,,,,食品经营许可证：JY1370921000001；排污许可证：9137,,,,", func(r *TargetRecord) bool {
			return slices.Equal(r.Licences, []string{"食品经营许可证：JY1370921000001", "排污许可证：9137"})
		}},
		{"tags split and deduplicated", "甲," + usccEnterprise + ",,,,,,\"网络经营、小微企业，网络经营\",,,", func(r *TargetRecord) bool {
			return slices.Equal(r.Tags, []string{"网络经营", "小微企业"})
		}},
		{"industry with letter", "甲," + usccEnterprise + ",,,,,,,C1391,,", func(r *TargetRecord) bool { return r.IndustryCode == "1391" }},
		{"industry with name", "甲," + usccEnterprise + ",,,,,,,1391 淀粉及淀粉制品制造,,", func(r *TargetRecord) bool { return r.IndustryCode == "1391" }},
		{"industry section", "甲," + usccEnterprise + ",,,,,,,f,,", func(r *TargetRecord) bool { return r.IndustryCode == "F" }},
		{"industry full-width", "甲," + usccEnterprise + ",,,,,,,Ｃ１３,,", func(r *TargetRecord) bool { return r.IndustryCode == "13" }},
		{"division 12 digits", "甲," + usccEnterprise + ",,,,,,,,370921000000,", func(r *TargetRecord) bool { return r.DivisionCode == "370921" }},
		{"USCC full-width and spaced", "甲,９１３５ ０２００７７６０４９６５３Ａ,,,,,,,,,", func(r *TargetRecord) bool { return *r.USCC == usccEnterprise }},
		{"USCC with =\"\" wrapper", "甲,\"=\"\"" + usccEnterprise + "\"\"\",,,,,,,,,", func(r *TargetRecord) bool { return *r.USCC == usccEnterprise }},
		{"phones", "甲," + usccEnterprise + ",,,,,,,,,0538-5621234/13800138000", func(r *TargetRecord) bool { return r.ContactPhone == "0538-5621234/13800138000" }},
		{"phone +86", "甲," + usccEnterprise + ",,,,,,,,,+86 138 0013 8000", func(r *TargetRecord) bool { return r.ContactPhone == "+86 138 0013 8000" }},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, rows := readAll(t, []byte(th+c.row+"\n"), KindTargets)
			if len(rows) != 1 || !rows[0].OK() {
				t.Fatalf("rows = %+v", rows)
			}
			if !c.check(rows[0].Target) {
				t.Fatalf("record = %+v", rows[0].Target)
			}
		})
	}
}

func TestParseDate_AcceptedForms(t *testing.T) {
	want := time.Date(2026, 1, 5, 0, 0, 0, 0, clock.CST)
	for _, s := range []string{"2026-01-05", "2026-1-5", "2026/1/5", "2026/01/05", "2026.1.5", "2026年1月5日", "2026年01月05日",
		"2026 年 1 月 5 日", "20260105", "2026-01-05 00:00:00", "2026-01-05T08:30:00", "２０２６－０１－０５"} {
		got, reason := parseDate(s, false, false)
		if reason != "" || !got.Equal(want) {
			t.Errorf("parseDate(%q) = %v, %q", s, got, reason)
		}
	}
	// Excel serial numbers, only for XLSX cells.
	for _, c := range []struct {
		serial   string
		date1904 bool
		want     time.Time
	}{
		{"46027", false, want},
		{"46027.75", false, want},
		{"44565", true, want},
		{"1", false, time.Date(1900, 1, 1, 0, 0, 0, 0, clock.CST)},
		{"61", false, time.Date(1900, 3, 1, 0, 0, 0, 0, clock.CST)},
	} {
		got, reason := parseDate(c.serial, true, c.date1904)
		if reason != "" || !got.Equal(c.want) {
			t.Errorf("parseDate(%q, serial, 1904=%v) = %v, %q; want %v", c.serial, c.date1904, got, reason, c.want)
		}
	}
	for _, s := range []string{"46027", "2026-01", "5/1/2026", "01-05-26", "2026年1月", "明天", "2026-02-29", "0"} {
		if _, reason := parseDate(s, false, false); reason == "" {
			t.Errorf("parseDate(%q) accepted", s)
		}
	}
}

func TestXLSX_DatesFromSerialAndTextCells(t *testing.T) {
	f := excelize.NewFile()
	defer f.Close()
	style, _ := f.NewStyle(&excelize.Style{NumFmt: 14})
	day := time.Date(2026, 1, 5, 0, 0, 0, 0, time.UTC)
	rows := [][]any{
		{"企业名称", "统一社会信用代码", "成立日期"},
		{"甲", usccEnterprise, day},
		{"乙", usccOther, 46027},
		{"丙", usccThird, "2026年1月5日"},
	}
	for i, r := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		_ = f.SetSheetRow("Sheet1", cell, &r)
	}
	_ = f.SetCellStyle("Sheet1", "C2", "C2", style)
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	_, got := readAll(t, buf.Bytes(), KindTargets)
	for _, r := range got {
		if !r.OK() || formatDate(r.Target.RegisteredOn) != "2026-01-05" {
			t.Errorf("row %d: %+v %v", r.Line, r.Target, r.Errors)
		}
	}
}

func TestParseRatio_Forms(t *testing.T) {
	cases := []struct {
		in     string
		lo, hi string // formatPercent or "nil"
	}{
		{"5%", "5%", "5%"},
		{"5％", "5%", "5%"},
		{"按5%比例抽取", "5%", "5%"},
		{"不低于5%", "5%", "nil"},
		{"不少于3%", "3%", "nil"},
		{"≥3%", "3%", "nil"},
		{">=3%", "3%", "nil"},
		{"3%以上", "3%", "nil"},
		{"≤10%", "nil", "10%"},
		{"不超过10%", "nil", "10%"},
		{"10%以内", "nil", "10%"},
		{"5%-10%", "5%", "10%"},
		{"5%～10%", "5%", "10%"},
		{"5%至10%", "5%", "10%"},
		{"5-10%", "5%", "10%"},
		{"不低于5%，不高于10%", "5%", "10%"},
		{"0.05", "5%", "5%"},
		{"12.5%", "12.5%", "12.5%"},
		{"0.1%", "0.1%", "0.1%"},
		{"100%", "100%", "100%"},
	}
	f := func(p *float64) string {
		if p == nil {
			return "nil"
		}
		return formatPercent(*p)
	}
	for _, c := range cases {
		lo, hi, reason := parseRatio(c.in)
		if reason != "" || f(lo) != c.lo || f(hi) != c.hi {
			t.Errorf("parseRatio(%q) = %s, %s, %q; want %s, %s", c.in, f(lo), f(hi), reason, c.lo, c.hi)
		}
	}
	// Exact decimals: the float nearest to the decimal written.
	if lo, _, _ := parseRatio("5%"); *lo != 0.05 {
		t.Errorf("5%% = %v, want 0.05", *lo)
	}
	if lo, _, _ := parseRatio("0.1%"); *lo != 0.001 {
		t.Errorf("0.1%% = %v, want 0.001", *lo)
	}
	for _, bad := range []string{"5", "1", "适当", "5%-10%-20%", "150%", "10%-5%", "不低于5%不高于"} {
		if _, _, reason := parseRatio(bad); reason == "" {
			t.Errorf("parseRatio(%q) accepted", bad)
		}
	}
}

func TestFormatRatio_InverseOfParse(t *testing.T) {
	for _, s := range []string{"5%", "不低于10%", "不高于3%", "5%-10%", "12.5%", "0.1%", "33.333%"} {
		lo, hi, reason := parseRatio(s)
		if reason != "" {
			t.Fatalf("%s: %s", s, reason)
		}
		if got := formatRatio(lo, hi); got != s {
			t.Errorf("formatRatio(parseRatio(%q)) = %q", s, got)
		}
	}
}

func TestReportXLSX_ReadableWithExcelize(t *testing.T) {
	rep, err := Check(bytes.NewReader(sample(t, "inspectors.xlsx")), KindInspectors, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Rows != 12 || rep.Rejected != 4 || rep.Accepted != 8 || rep.ErrorCount != 4 || len(rep.Warnings) != 1 {
		t.Fatalf("report counts = %+v", rep)
	}
	var buf bytes.Buffer
	if err := WriteReportXLSX(&buf, rep); err != nil {
		t.Fatal(err)
	}
	f, err := excelize.OpenReader(&buf)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if got := f.GetSheetList(); !slices.Equal(got, []string{ReportSheetErrors, ReportSheetWarnings, ReportSheetColumns, ReportSheetSummary}) {
		t.Fatalf("sheets = %v", got)
	}
	rows, err := f.GetRows(ReportSheetErrors)
	if err != nil {
		t.Fatal(err)
	}
	want := [][]string{
		{"行号", "列", "原值", "原因"},
		{"4", "公民身份号码", "", "公民身份号码校验位错误"},
		{"8", "执法证有效期", "2026-02-30", "执法证有效期不存在：2026年2月30日"},
		{"10", "执法证件号", "37092120000102", "执法证号与第 3 行重复（同一文件内不得重复）"},
		{"12", "人员类别", "临时工", "人员类别无法识别：应为行政执法类公务员、具有执法资格的工作人员、日常监管人员或综合执法队伍人员"},
	}
	if len(rows) != len(want) {
		t.Fatalf("rows = %v", rows)
	}
	cols, _ := f.GetRows(ReportSheetColumns)
	if len(cols) != len(rep.Columns)+1 || len(rep.Columns) == 0 {
		t.Errorf("columns sheet = %v", cols)
	}
	for i := range want {
		for j := range want[i] {
			if i == 1 && j == 2 {
				// A personal identifier is masked in the report.
				if !strings.Contains(rows[i][j], "**********") {
					t.Errorf("ID number not masked: %q", rows[i][j])
				}
				continue
			}
			if rows[i][j] != want[i][j] {
				t.Errorf("cell %d,%d = %q, want %q", i+1, j+1, rows[i][j], want[i][j])
			}
		}
	}
	warn, _ := f.GetRows(ReportSheetWarnings)
	if len(warn) != 2 || warn[1][0] != "6" || !strings.Contains(warn[1][3], "过期") {
		t.Errorf("warnings sheet = %v", warn)
	}
	sum, _ := f.GetRows(ReportSheetSummary)
	if len(sum) == 0 || sum[len(sum)-1][1] != rep.Summary() || !strings.Contains(rep.Summary(), "拒绝 4 行") {
		t.Errorf("summary sheet = %v", sum)
	}
}

func TestReport_Summary(t *testing.T) {
	rep, err := Check(bytes.NewReader(sample(t, "targets_gbk.csv")), KindTargets, testOpts())
	if err != nil {
		t.Fatal(err)
	}
	want := "检查对象名录（GB18030 编码）：表头在第 1 行；读取 30 行，数据 30 行：有效 25 行，拒绝 5 行（共 5 处错误）。请按错误报告修改。未导入的列 1 列：序号。"
	if got := rep.Summary(); got != want {
		t.Errorf("Summary = %q\nwant      %q", got, want)
	}
	// What was written is part of the summary, and never contradicts it.
	for _, c := range []struct {
		out  Outcome
		want string
	}{
		{Outcome{Status: StatusRejected}, "未写入任何数据"},
		{Outcome{Status: StatusPartial, Created: 20, Updated: 3, Unchanged: 2, AddedToLibrary: 5}, "已导入有效行：新增 20，更新 3，未变化 2，已有对象加入分库 5；被拒绝的 5 行未导入。"},
	} {
		out := c.out
		rep.Outcome = &out
		if got := rep.Summary(); !strings.Contains(got, c.want) || strings.Contains(got, "请按错误报告修改。") && c.out.Status == StatusPartial {
			t.Errorf("Summary(%s) = %q, want it to say %q", c.out.Status, got, c.want)
		}
	}
	ok := &Report{Kind: KindItems, Encoding: EncodingXLSX, HeaderLine: 2, Rows: 3, Accepted: 3, Blank: 1, Footer: 1,
		Outcome: &Outcome{Status: StatusSucceeded, Created: 3}}
	if got := ok.Summary(); got != "抽查事项清单（XLSX）：表头在第 2 行；读取 5 行，跳过 2 行（空行 1 行，合计或说明行 1 行），数据 3 行：全部有效。全部导入：新增 3，更新 0，未变化 0。" {
		t.Errorf("Summary = %q", got)
	}
}

func TestReport_KeepsAtMostMaxErrors(t *testing.T) {
	rep := &Report{MaxErrors: 2}
	for i := range 3 {
		rep.Add(Row{Line: i + 2, Errors: []CellError{{Line: i + 2, Reason: "x"}, {Line: i + 2, Reason: "y"}}})
	}
	if len(rep.Errors) != 2 || rep.Omitted != 4 || rep.ErrorCount != 6 || rep.Rejected != 3 {
		t.Fatalf("report = %+v", rep)
	}
	if !strings.Contains(rep.Summary(), "只列出前 2 处") {
		t.Errorf("Summary = %q", rep.Summary())
	}
}

func TestExport_RoundTrip(t *testing.T) {
	t.Run("targets", func(t *testing.T) {
		var recs []TargetRecord
		for _, name := range []string{"targets_gbk.csv", "targets_utf8_bom.csv", "targets_merged_title.xlsx"} {
			_, rows := readAll(t, sample(t, name), KindTargets)
			for _, r := range rows {
				if r.Target != nil {
					recs = append(recs, *r.Target)
				}
			}
		}
		var buf bytes.Buffer
		if err := WriteTargetsXLSX(&buf, Records(recs)); err != nil {
			t.Fatal(err)
		}
		r, rows := readAll(t, buf.Bytes(), KindTargets)
		if !slices.Equal(r.Header(), Columns(KindTargets)) {
			t.Errorf("header = %v", r.Header())
		}
		compareRoundTrip(t, len(recs), rows, func(i int, row Row) (string, string, bool) {
			if row.Target == nil {
				return "", "", false
			}
			return recs[i].Digest(), row.Target.Digest(), true
		})
	})
	t.Run("inspectors", func(t *testing.T) {
		var recs []InspectorRecord
		_, rows := readAll(t, sample(t, "inspectors.xlsx"), KindInspectors)
		for _, r := range rows {
			if r.Inspector != nil {
				recs = append(recs, *r.Inspector)
			}
		}
		var buf bytes.Buffer
		if err := WriteInspectorsXLSX(&buf, Records(recs)); err != nil {
			t.Fatal(err)
		}
		_, rows = readAll(t, buf.Bytes(), KindInspectors)
		compareRoundTrip(t, len(recs), rows, func(i int, row Row) (string, string, bool) {
			if row.Inspector == nil {
				return "", "", false
			}
			return recs[i].Digest(), row.Inspector.Digest(), true
		})
	})
	t.Run("items", func(t *testing.T) {
		var recs []ItemRecord
		_, rows := readAll(t, sample(t, "items.csv"), KindItems)
		for _, r := range rows {
			if r.Item != nil {
				recs = append(recs, *r.Item)
			}
		}
		var buf bytes.Buffer
		if err := WriteItemsXLSX(&buf, Records(recs)); err != nil {
			t.Fatal(err)
		}
		_, rows = readAll(t, buf.Bytes(), KindItems)
		compareRoundTrip(t, len(recs), rows, func(i int, row Row) (string, string, bool) {
			if row.Item == nil {
				return "", "", false
			}
			return recs[i].Digest(), row.Item.Digest(), true
		})
	})
}

func compareRoundTrip(t *testing.T, n int, rows []Row, digests func(int, Row) (string, string, bool)) {
	t.Helper()
	if len(rows) != n {
		t.Fatalf("re-imported %d rows, exported %d", len(rows), n)
	}
	for i, row := range rows {
		if !row.OK() || len(row.Warnings) > 1 {
			t.Errorf("row %d: %v", row.Line, row.Errors)
			continue
		}
		want, got, ok := digests(i, row)
		if !ok || want != got {
			t.Errorf("row %d changed in the round trip", row.Line)
		}
		if row.Line != i+2 {
			t.Errorf("row %d at index %d", row.Line, i)
		}
	}
}

func TestExport_IteratorErrorStopsTheExport(t *testing.T) {
	boom := errors.New("数据库连接中断")
	rows := func(yield func(*TargetRecord, error) bool) {
		if !yield(&TargetRecord{Name: "甲"}, nil) {
			return
		}
		yield(nil, boom)
	}
	if err := WriteTargetsXLSX(io.Discard, rows); !errors.Is(err, boom) {
		t.Fatalf("err = %v", err)
	}
}

func TestDigest_StableForEqualRecordsAndSensitiveToEveryField(t *testing.T) {
	_, rows := readAll(t, sample(t, "targets_gbk.csv"), KindTargets)
	base := *rows[0].Target
	d := base.Digest()
	if len(d) != 64 || d != rows[0].Digest() {
		t.Fatalf("digest = %q", d)
	}
	// Re-reading the same file gives the same digests (idempotent re-import).
	_, again := readAll(t, sample(t, "targets_gbk.csv"), KindTargets)
	for i := range rows {
		if rows[i].Digest() != again[i].Digest() {
			t.Fatalf("row %d digest differs between reads", rows[i].Line)
		}
	}
	s := "x"
	day := time.Date(2001, 1, 1, 0, 0, 0, 0, clock.CST)
	changes := map[string]func(*TargetRecord){
		"USCC nil":     func(r *TargetRecord) { r.USCC = nil },
		"reg no":       func(r *TargetRecord) { r.RegNo = &s },
		"object code":  func(r *TargetRecord) { r.ObjectCode = &s },
		"kind":         func(r *TargetRecord) { r.Kind = "PRODUCT" },
		"name":         func(r *TargetRecord) { r.Name += "x" },
		"address":      func(r *TargetRecord) { r.Address += "x" },
		"registered":   func(r *TargetRecord) { r.RegisteredOn = &day },
		"abnormal":     func(r *TargetRecord) { r.AbnormalList = !r.AbnormalList },
		"tags":         func(r *TargetRecord) { r.Tags = append(slices.Clone(r.Tags), "x") },
		"licence text": func(r *TargetRecord) { r.Licences = []string{"a;b"} },
		"contact":      func(r *TargetRecord) { r.ContactPhone += "1" },
	}
	for name, change := range changes {
		r := base
		change(&r)
		if r.Digest() == d {
			t.Errorf("%s: digest unchanged", name)
		}
	}
	// Empty and nil identifiers differ; list boundaries count.
	a, b := base, base
	empty := ""
	a.USCC, b.USCC = nil, &empty
	if a.Digest() == b.Digest() {
		t.Error("nil and empty USCC share a digest")
	}
	a.Tags, b.Tags = []string{"ab"}, []string{"a", "b"}
	if a.Digest() == b.Digest() {
		t.Error("list boundaries ignored")
	}
}

func TestColumns_SynonymsAreUniquePerKind(t *testing.T) {
	// init panics on a clash; here also check that every canonical name maps to its own column.
	for _, k := range Kinds() {
		for i, c := range columnsOf(k) {
			if got := lookupHeader(k, c.Name); got != i {
				t.Errorf("%s: %s maps to %d, want %d", k, c.Name, got, i)
			}
			for _, s := range c.Synonyms {
				if got := lookupHeader(k, s); got != i {
					t.Errorf("%s: synonym %s maps to %d, want %d", k, s, got, i)
				}
			}
		}
	}
}

func TestNext_PersonNamesLoseTypesettingSpaces(t *testing.T) {
	_, rows := readAll(t, []byte("姓名,执法证号\n董　骞,A1\n\"王 伟\",A2\nMaria Chen,A3\n"), KindInspectors)
	var names []string
	for _, r := range rows {
		names = append(names, r.Inspector.Name)
	}
	if want := []string{"董骞", "王伟", "Maria Chen"}; !slices.Equal(names, want) {
		t.Fatalf("names = %q, want %q", names, want)
	}
}
