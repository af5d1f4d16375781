package library_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/auditevent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/importjob"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/codes/division"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/settings"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/uscc"
	"github.com/ssgk/ssgk/internal/viewer"
)

// officeUSCC is a valid USCC of a 宁阳县 enterprise, distinct per n.
func officeUSCC(n int) string {
	org := fmt.Sprintf("MA%06d", 300000+n)
	first17 := "91370921" + org + string(uscc.OrgCodeCheckChar(org))
	return first17 + string(uscc.CheckChar(first17))
}

// officeRegNo is a valid legacy 15-digit registration number, distinct per n.
func officeRegNo(n int) string {
	first14 := fmt.Sprintf("37092100%06d", n)
	return first14 + string(uscc.RegNoCheckDigit(first14))
}

// sheetXLSX writes rows (row 1 first) into a workbook, the first row merged across the
// table as offices do with a title.
func sheetXLSX(t *testing.T, rows [][]string) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	width := 0
	for i, r := range rows {
		cells := make([]any, len(r))
		for j, v := range r {
			cells[j] = v
		}
		width = max(width, len(r))
		if err := f.SetSheetRow("Sheet1", fmt.Sprintf("A%d", i+1), &cells); err != nil {
			t.Fatal(err)
		}
	}
	last, _ := excelize.CoordinatesToCellName(width, 1)
	if err := f.MergeCell("Sheet1", "A1", last); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// officeTargets is a county register as clerks keep it: two title rows, slash and bracket
// headers in their own order, a column the hub does not keep, industries and divisions by
// name, a legacy registration number in the USCC column, a blank row and a row holding only
// its number in the middle, a totals row, notes and signatures underneath. bad adds a row with
// a wrong USCC check character. It returns the file and the number of valid data rows.
func officeTargets(t *testing.T, bad bool, rename map[int]string) ([]byte, int) {
	rows := [][]string{
		{"宁阳县市场监督管理局检查对象名录（2026年）"},
		{"填报单位：宁阳县市场监督管理局", "", "", "", "", "", "填报日期：2026年11月"},
		{"序号", "企业名称", "统一社会信用代码/注册号", "法定代表人（负责人）", "行业类别", "所属区域", "成立日期", "信用风险等级", "注册资本（万元）", "备注"},
	}
	industries := []string{"制造业", "正餐服务", "餐饮业", "1391", "超级市场零售", "C1391 淀粉及淀粉制品制造", "零售业", "F"}
	towns := []string{"磁窑镇", "文庙街道", "370921", "宁阳县八仙桥街道", "乡饮乡", "370921102000", "华丰镇", "伏山镇"}
	valid := 0
	for i := range 8 {
		id := officeUSCC(i)
		if i == 3 {
			id = officeRegNo(i) // an old entity: its registration number in the same column
		}
		name := fmt.Sprintf("宁阳县鑫泰商贸%d有限公司", i)
		if n, ok := rename[i]; ok {
			name = n
		}
		rows = append(rows, []string{fmt.Sprint(i + 1), name, id, "王" + fmt.Sprint(i), industries[i], towns[i],
			"2019-05-0" + fmt.Sprint(i+1), []string{"A类", "B", "低风险", "C"}[i%4], "100", ""})
		valid++
		if i == 3 {
			rows = append(rows, []string{}, []string{"5"}) // a blank row; a row holding only its number
		}
	}
	if bad {
		wrong := officeUSCC(99)
		wrong = wrong[:17] + map[bool]string{true: "1", false: "2"}[wrong[17] != '1']
		rows = append(rows, []string{"9", "宁阳县错码商店", wrong, "李九", "零售业", "磁窑镇", "2020-01-01", "B", "", ""})
	}
	rows = append(rows,
		[]string{"合计", "", "", "", "", "", "", "", "800", ""},
		[]string{"填表说明：1.统一社会信用代码为18位；2.行业类别填写国民经济行业分类名称"},
		[]string{"制表人：张三", "", "", "审核人：李四"},
	)
	return sheetXLSX(t, rows), valid
}

func TestImport_OfficeRegisterOnTheFirstTry(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	ctx := context.Background()

	// All or nothing refuses the file for its one genuinely bad row, and for nothing else.
	withBad, valid := officeTargets(t, true, nil)
	res := f.run(t, importer.KindTargets, bytesOpener(withBad), false)
	if res.Job.Status != importjob.StatusREJECTED || res.Report.Rejected != 1 || res.Report.Errors[0].Line != 14 ||
		!strings.Contains(res.Report.Errors[0].Reason, "校验位错误") {
		t.Fatalf("all or nothing: %s; errors %v", res.Report.Summary(), res.Report.Errors)
	}
	if n := f.count(t); n != 0 {
		t.Fatalf("rejected import wrote %d targets", n)
	}

	// --partial imports the valid rows with exactly the expected counts.
	res = f.run(t, importer.KindTargets, bytesOpener(withBad), true)
	rep := res.Report
	if res.Job.Status != importjob.StatusPARTIAL || rep.HeaderLine != 3 || rep.Rows != valid+1 || rep.Accepted != valid ||
		rep.Rejected != 1 || rep.Blank != 1 || rep.Footer != 4 || res.Job.Created != valid || res.Job.RowsSkipped != 5 {
		t.Fatalf("partial: %s (job %+v)", rep.Summary(), res.Job)
	}
	if ig := rep.IgnoredColumns(); strings.Join(ig, ",") != "序号,注册资本（万元）,备注" {
		t.Errorf("ignored columns = %v", ig)
	}
	want := "检查对象名录（XLSX）：表头在第 3 行；读取 14 行，跳过 5 行（空行 1 行，合计或说明行 4 行），数据 9 行：有效 8 行，拒绝 1 行（共 1 处错误）。" +
		"已导入有效行：新增 8，更新 0，未变化 0，已有对象加入分库 0；被拒绝的 1 行未导入。未导入的列 3 列：序号、注册资本（万元）、备注。"
	if got := rep.Summary(); got != want {
		t.Errorf("summary =\n%s\nwant\n%s", got, want)
	}
	// The job, the downloadable report and (through the job) GraphQL say the same.
	if res.Job.Summary != rep.Summary() {
		t.Errorf("job summary %q", res.Job.Summary)
	}
	book, err := excelize.OpenReader(bytes.NewReader(res.Job.Report))
	if err != nil {
		t.Fatal(err)
	}
	sum, _ := book.GetRows(importer.ReportSheetSummary)
	if last := sum[len(sum)-1]; last[0] != "结论" || last[1] != rep.Summary() {
		t.Errorf("report conclusion = %v", last)
	}
	book.Close()

	// Names became codes; the registration number was read as one.
	byName := map[string]*ent.Target{}
	all, err := f.db.Client.Target.Query().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, tg := range all {
		byName[tg.Name] = tg
	}
	for i, want := range []string{"C", "6210", "62", "1391", "5212", "1391", "52", "F"} {
		tg := byName[fmt.Sprintf("宁阳县鑫泰商贸%d有限公司", i)]
		if tg == nil || tg.IndustryCode != want || tg.DivisionCode != "370921" {
			t.Errorf("target %d: %+v, want industry %s", i, tg, want)
		}
	}
	if tg := byName["宁阳县鑫泰商贸3有限公司"]; tg == nil || tg.RegNo == nil || tg.Uscc != nil {
		t.Errorf("registration number in the USCC column: %+v", tg)
	}
	// The audit events of the import carry the department.
	n, err := f.db.Client.AuditEvent.Query().Where(auditevent.EntityType(ent.TypeTarget), auditevent.DepartmentCode("SCJG")).Count(testutil.System())
	if err != nil || n != valid {
		t.Errorf("audit events with the department: %d, %v", n, err)
	}

	// Re-importing the unchanged file changes nothing and writes no change record.
	clean, _ := officeTargets(t, false, nil)
	res = f.run(t, importer.KindTargets, bytesOpener(clean), false)
	if res.Job.Status != importjob.StatusSUCCEEDED || res.Job.Unchanged != valid || res.Job.Updated != 0 || res.Job.Created != 0 {
		t.Fatalf("re-import: %s", res.Report.Summary())
	}
	if n, _ := f.db.Client.TargetChange.Query().Count(ctx); n != 0 {
		t.Fatalf("re-import wrote %d change records", n)
	}

	// Adding the stored targets to another sub-library says so, beside "unchanged".
	var food *ent.TargetLibrary
	if err := txn.Run(testutil.System(), f.db.Client, func(tx *ent.Tx) (err error) {
		food, err = tx.TargetLibrary.Create().SetCode("FOOD").SetName("食品生产经营者库").SetDepartmentID(f.dep.ID).Save(testutil.System())
		return err
	}); err != nil {
		t.Fatal(err)
	}
	res, err = library.Import(testutil.System(), f.db.Client, bytesOpener(clean), library.ImportOptions{
		Kind: importer.KindTargets, DepartmentID: f.dep.ID, LibraryID: food.ID, FileName: "名录.xlsx"})
	if err != nil || res.Job.Unchanged != valid || res.Job.AddedToLibrary != valid ||
		!strings.Contains(res.Report.Summary(), fmt.Sprintf("全部导入：新增 0，更新 0，未变化 %d，已有对象加入分库 %d。", valid, valid)) {
		t.Fatalf("added to a sub-library: %v %s", err, res.Report.Summary())
	}

	// Renaming three enterprises writes exactly three change records, of one field each.
	renamed, _ := officeTargets(t, false, map[int]string{0: "宁阳县鑫泰商贸甲有限公司", 3: "宁阳县鑫泰商贸乙有限公司", 6: "宁阳县鑫泰商贸丙有限公司"})
	res = f.run(t, importer.KindTargets, bytesOpener(renamed), false)
	if res.Job.Updated != 3 || res.Job.Unchanged != valid-3 {
		t.Fatalf("rename: %s", res.Report.Summary())
	}
	changes, err := f.db.Client.TargetChange.Query().All(ctx)
	if err != nil || len(changes) != 3 {
		t.Fatalf("change records: %d, %v", len(changes), err)
	}
	for _, c := range changes {
		if _, ok := c.Changes["name"]; len(c.Changes) != 1 || !ok || c.DepartmentCode != "SCJG" {
			t.Errorf("change record %v by %q", c.Changes, c.DepartmentCode)
		}
	}
}

// A thin file — identifiers and names only — updates what it holds and leaves the rest.
func TestImport_ColumnsAbsentFromTheFileKeepTheirValues(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	ctx := context.Background()
	full, _ := officeTargets(t, false, nil)
	f.run(t, importer.KindTargets, bytesOpener(full), false)
	thin := fmt.Sprintf("企业名称,统一社会信用代码\n宁阳县鑫泰商贸0有限公司（更名）,%s\n宁阳县鑫泰商贸1有限公司,%s\n", officeUSCC(0), officeUSCC(1))
	res := f.run(t, importer.KindTargets, bytesOpener([]byte(thin)), false)
	if res.Job.Updated != 1 || res.Job.Unchanged != 1 {
		t.Fatalf("thin file: %s", res.Report.Summary())
	}
	tg, err := f.db.Client.Target.Query().Where(target.Uscc(officeUSCC(0))).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if tg.IndustryCode != "C" || tg.CreditRiskClass != target.CreditRiskClassA || tg.LegalRepresentative != "王0" || tg.RegisteredOn == nil {
		t.Fatalf("a thin file reset stored fields: %+v", tg)
	}
	h, err := f.db.Client.TargetChange.Query().Only(ctx)
	if err != nil || len(h.Changes) != 1 || h.Changes["name"] == nil {
		t.Fatalf("history = %+v, %v", h, err)
	}
}

func TestImport_HeadersOnlyFileIsNotASuccess(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	_, err := library.Import(testutil.System(), f.db.Client, bytesOpener([]byte("企业名称,统一社会信用代码\n,\n合计,0\n")), library.ImportOptions{
		Kind: importer.KindTargets, DepartmentID: f.dep.ID, FileName: "empty.csv"})
	if apperr.CodeOf(err) != library.CodeNoData || !strings.Contains(err.Error(), "表头以下没有数据行") {
		t.Fatalf("err = %v", err)
	}
	if n, _ := f.db.Client.ImportJob.Query().Count(context.Background()); n != 0 {
		t.Fatalf("%d jobs recorded", n)
	}
}

// officeDepartments adds 卫健 and 应急 to the fixture and makes 市场监管局 the office.
func officeDepartments(t *testing.T, f *importFixture) map[string]*ent.Department {
	t.Helper()
	sys := testutil.System()
	out := map[string]*ent.Department{"SCJG": f.dep}
	err := txn.Run(sys, f.db.Client, func(tx *ent.Tx) error {
		if err := tx.Department.UpdateOneID(f.dep.ID).SetIsOffice(true).Exec(sys); err != nil {
			return err
		}
		for _, d := range [][3]string{{"WJ", "宁阳县卫生健康局", "县卫健局"}, {"YJ", "宁阳县应急管理局", "县应急局"}} {
			dep, err := tx.Department.Create().SetCode(d[0]).SetName(d[1]).SetShortName(d[2]).Save(sys)
			if err != nil {
				return err
			}
			out[d[0]] = dep
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// officeInspectors is a county register of several departments' inspectors (GBK CSV): a
// title, a column the hub does not keep (性别), departments by short name, full name and code.
func officeInspectors(t *testing.T) []byte {
	var b strings.Builder
	b.WriteString("宁阳县执法检查人员名录,,,,,\n序号,姓名,性别,所属部门,执法证号,专业领域\n")
	deps := []string{"县市场监管局", "县卫健局", "宁阳县应急管理局", "WJ", "县市场监管局", "卫健局"}
	for i, d := range deps {
		fmt.Fprintf(&b, "%d,检查员%d,男,%s,3709210%05d,食品安全\n", i+1, i, d, i)
	}
	b.WriteString("合计,6人,,,,\n")
	out, err := simplifiedchinese.GBK.NewEncoder().Bytes([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestImport_MultiDepartmentInspectorRegister(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	deps := officeDepartments(t, f)
	ctx := context.Background()
	count := func(code string) int {
		n, err := f.db.Client.Inspector.Query().Where(inspector.HasDepartmentWith(department.Code(code))).Count(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	// 卫健 imports its own rows only; the other departments' rows are rejected with the reason,
	// never moved into 卫健.
	wj := viewer.NewContext(ctx, &viewer.Viewer{Kind: viewer.Token, Name: "卫健业务系统", DepartmentID: deps["WJ"].ID,
		DepartmentCode: "WJ", Roles: []string{viewer.RoleDeptAdmin}})
	res, err := library.Import(wj, f.db.Client, bytesOpener(officeInspectors(t)), library.ImportOptions{
		Kind: importer.KindInspectors, DepartmentID: deps["WJ"].ID, Partial: true, FileName: "人员.csv"})
	if err != nil {
		t.Fatal(err)
	}
	if res.Job.Created != 3 || res.Report.Rejected != 3 || res.Report.Footer != 1 || res.Report.Encoding != importer.EncodingGB18030 ||
		count("WJ") != 3 || count("SCJG") != 0 {
		t.Fatalf("卫健: %s", res.Report.Summary())
	}
	if r := res.Report.Errors[0].Reason; !strings.Contains(r, "该人员属于县市场监管局，本次导入的是县卫健局的名录") {
		t.Errorf("reason = %q", r)
	}
	if ig := res.Report.IgnoredColumns(); strings.Join(ig, ",") != "序号,性别" {
		t.Errorf("ignored = %v", ig)
	}
	// The office imports every row into its department (the 卫健 rows are unchanged).
	res = f.run(t, importer.KindInspectors, bytesOpener(officeInspectors(t)), false)
	if res.Job.Status != importjob.StatusSUCCEEDED || res.Job.Created != 3 || res.Job.Unchanged != 3 {
		t.Fatalf("office: %s", res.Report.Summary())
	}
	if count("SCJG") != 2 || count("WJ") != 3 || count("YJ") != 1 {
		t.Fatalf("by department: SCJG %d WJ %d YJ %d", count("SCJG"), count("WJ"), count("YJ"))
	}
	in, err := f.db.Client.Inspector.Query().Where(inspector.CertificateNo("370921000000")).Only(ctx)
	if err != nil || len(in.Specialties) != 1 || in.Specialties[0] != "食品安全" {
		t.Fatalf("专业领域 → 业务专长: %+v %v", in, err)
	}
}

// Townships of other counties come from the setting import.divisions.
func TestImport_DivisionNamesFromTheSetting(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	if err := settings.Set(testutil.System(), f.db.Client, library.ImportDivisionsKey,
		[]division.Entry{{Code: "370902", Name: "泰山区"}, {Code: "370902", Name: "岱庙街道"}}, "测试"); err != nil {
		t.Fatal(err)
	}
	csv := fmt.Sprintf("企业名称,统一社会信用代码,所属区域\n甲,%s,岱庙街道\n乙,%s,磁窑镇\n丙,%s,泰山区上高街道\n", officeUSCC(1), officeUSCC(2), officeUSCC(3))
	res := f.run(t, importer.KindTargets, bytesOpener([]byte(csv)), true)
	if res.Job.Created != 2 || res.Report.Rejected != 1 || !strings.Contains(res.Report.Errors[0].Reason, "行政区划“泰山区上高街道”无法识别") {
		t.Fatalf("%s %v", res.Report.Summary(), res.Report.Errors)
	}
	for uscc, want := range map[string]string{officeUSCC(1): "370902", officeUSCC(2): "370921"} {
		if tg, err := f.db.Client.Target.Query().Where(target.Uscc(uscc)).Only(context.Background()); err != nil || tg.DivisionCode != want {
			t.Errorf("%s: %+v %v", uscc, tg, err)
		}
	}
}
