package demo

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/meetingmember"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/uscc"
	"github.com/ssgk/ssgk/internal/viewer"
)

// newTestClient opens a fresh hub database (SQLite, or PostgreSQL under SSGK_TEST_POSTGRES)
// with the audit hook installed and the code tables seeded, as the hub runs it.
func newTestClient(t *testing.T) *ent.Client {
	t.Helper()
	return testutil.Open(t).Client
}

func systemCtx() context.Context {
	return viewer.NewContext(context.Background(), viewer.NewSystem("ssgk demo"))
}

// The member units as written in the attachment of 宁政字〔2020〕2号 (checked independently
// of data.go).
var attachmentUnits = []string{
	"县发改局", "县教体局", "县科技局", "县工信局", "县公安局", "县民政局", "县司法局", "县财政局",
	"县人社局", "县自然资源和规划局", "市生态环境局宁阳分局", "县住建局", "县综合行政执法局",
	"县交通运输局", "县水利局", "县农业农村局", "县电子商务服务中心", "县文旅局", "县卫健局",
	"县应急管理局", "县审计局", "县市场监管局", "县统计局", "县医疗保障局", "县金融发展服务中心",
	"县能源发展服务中心", "县生态林业发展中心", "县税务局", "县烟草专卖局", "人民银行宁阳支行",
	"泰安银保监分局宁阳监管组", "县消防救援大队", "县群众利益服务中心",
}

// 4 conveners (总召集人 1, 召集人 1, 副召集人 2) and 32 成员.
const attachmentPeople = 36

// seedMethods is a no-op kept for readability: testutil.Open seeds the code tables.
func seedMethods(t *testing.T, _ context.Context, _ *ent.Client) { t.Helper() }

func TestLoad_SmallDataSet(t *testing.T) {
	ctx := systemCtx()
	client := newTestClient(t)
	seedMethods(t, ctx, client)

	var steps []string
	opt := Options{Targets: 600, Inspectors: 60, Seed: 7, Progress: func(step string, done, total int) {
		if len(steps) == 0 || steps[len(steps)-1] != step {
			steps = append(steps, step)
		}
		if done > total {
			t.Errorf("progress %s: done %d > total %d", step, done, total)
		}
	}}
	sum, err := Load(ctx, client, opt)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("summary: %+v; steps: %v", *sum, steps)

	t.Run("departments of the attachment", func(t *testing.T) {
		listed := map[string]DepartmentName{}
		for _, d := range DepartmentNames() {
			listed[d.Listed] = d
		}
		for _, unit := range attachmentUnits {
			d, ok := listed[unit]
			if !ok {
				t.Errorf("member unit %s missing from DepartmentNames()", unit)
				continue
			}
			got, err := client.Department.Query().Where(department.Code(d.Code)).Only(ctx)
			if err != nil {
				t.Errorf("department %s (%s): %v", d.Code, unit, err)
				continue
			}
			if got.Name != d.Name || got.ShortName != d.ShortName || got.DivisionCode != "370921" {
				t.Errorf("department %s = %q/%q/%s", d.Code, got.Name, got.ShortName, got.DivisionCode)
			}
		}
		n := client.Department.Query().CountX(ctx)
		if n != len(attachmentUnits) || sum.Departments != n || len(sum.DepartmentCodes) != n {
			t.Errorf("departments: db %d, summary %d/%d, want %d", n, sum.Departments, len(sum.DepartmentCodes), len(attachmentUnits))
		}
		codeRe := regexp.MustCompile(`^[A-Z0-9_-]{1,32}$`)
		for _, c := range sum.DepartmentCodes {
			if !codeRe.MatchString(c) {
				t.Errorf("code %q does not match %s", c, codeRe)
			}
		}
		office := client.Department.Query().Where(department.IsOffice(true)).OnlyX(ctx)
		if office.Code != "SCJG" || sum.OfficeDepartmentCode != "SCJG" || office.ShortName != "县市场监管局" {
			t.Errorf("office = %s %s, summary %s", office.Code, office.ShortName, sum.OfficeDepartmentCode)
		}
		m := client.JointMeeting.Query().WithOffice().OnlyX(ctx)
		if m.Edges.Office == nil || m.Edges.Office.ID != office.ID || !strings.Contains(m.Basis, "宁政字〔2020〕2号") || m.DivisionCode != "370921" {
			t.Errorf("meeting = %+v", m)
		}
	})

	t.Run("meeting members", func(t *testing.T) {
		n := client.MeetingMember.Query().CountX(ctx)
		if n != attachmentPeople || sum.Members != attachmentPeople {
			t.Errorf("members: db %d, summary %d, want %d", n, sum.Members, attachmentPeople)
		}
		roles := map[meetingmember.Role]int{}
		for _, m := range client.MeetingMember.Query().WithDepartment().AllX(ctx) {
			roles[m.Role]++
			if strings.ContainsAny(m.Name, " 　") {
				t.Errorf("member name %q has a space", m.Name)
			}
			if m.Role == meetingmember.RoleMEMBER && m.Edges.Department == nil {
				t.Errorf("member %s has no department", m.Name)
			}
		}
		want := map[meetingmember.Role]int{meetingmember.RoleCHIEF_CONVENER: 1, meetingmember.RoleCONVENER: 1, meetingmember.RoleDEPUTY_CONVENER: 2, meetingmember.RoleMEMBER: 32}
		for r, c := range want {
			if roles[r] != c {
				t.Errorf("role %s: %d, want %d", r, roles[r], c)
			}
		}
		dir := client.MeetingMember.Query().Where(meetingmember.OfficeDirector(true)).WithDepartment().OnlyX(ctx)
		if dir.Name != "桑晨锋" || dir.Edges.Department.Code != "SCJG" {
			t.Errorf("office director = %s", dir.Name)
		}
		xu := client.MeetingMember.Query().Where(meetingmember.Name("徐庆华")).OnlyX(ctx)
		if xu.Title != "县人社局党组成员、县劳动人事争议仲裁院院长、县人力资源社会保障行政执法大队队长" {
			t.Errorf("wrapped title not joined: %q", xu.Title)
		}
	})

	t.Run("item lists", func(t *testing.T) {
		lists := client.ItemList.Query().WithDepartment().AllX(ctx)
		if len(lists) < 6 {
			t.Errorf("%d item lists, want ≥ 6", len(lists))
		}
		items := client.InspectionItem.Query().WithMethods().WithRule().AllX(ctx)
		if len(items) != sum.Items {
			t.Errorf("items: db %d, summary %d", len(items), sum.Items)
		}
		cats := map[inspectionitem.Category]int{}
		for _, it := range items {
			cats[it.Category]++
			if it.Category == inspectionitem.CategoryGENERAL && it.RatioMax == nil {
				t.Errorf("general item %s has no ratio_max", it.Code)
			}
			if it.Category == inspectionitem.CategoryKEY && it.RatioMax != nil {
				t.Errorf("key item %s has ratio_max %v", it.Code, *it.RatioMax)
			}
			if it.Edges.Rule == nil {
				t.Errorf("item %s has no implementation rule", it.Code)
			}
			if len(it.Edges.Methods) == 0 {
				t.Errorf("item %s has no methods", it.Code)
			}
			if len(it.RequiredQualifications) == 0 {
				t.Errorf("item %s has no required qualifications", it.Code)
			}
		}
		if cats[inspectionitem.CategoryKEY] == 0 || cats[inspectionitem.CategoryGENERAL] == 0 {
			t.Errorf("categories = %v", cats)
		}
		if n := client.InspectionItem.Query().Where(inspectionitem.Code("SCJG-001")).CountX(ctx); n != 1 {
			t.Errorf("SCJG-001: %d", n)
		}
	})

	t.Run("targets", func(t *testing.T) {
		all := client.Target.Query().WithLibraries().AllX(ctx)
		if len(all) != opt.Targets || sum.Targets != opt.Targets {
			t.Fatalf("targets: db %d, summary %d, want %d", len(all), sum.Targets, opt.Targets)
		}
		kinds := map[target.Kind]int{}
		multi := 0
		for _, tg := range all {
			kinds[tg.Kind]++
			if tg.Uscc == nil {
				t.Errorf("target %s has no USCC", tg.Name)
				continue
			}
			if err := uscc.Validate(*tg.Uscc); err != nil {
				t.Errorf("target %s: %v", tg.Name, err)
			}
			if (*tg.Uscc)[2:8] != "370921" {
				t.Errorf("USCC %s not from 370921", *tg.Uscc)
			}
			if tg.RegNo != nil {
				if err := uscc.ValidateRegNo(*tg.RegNo); err != nil {
					t.Errorf("target %s: %v", tg.Name, err)
				}
			}
			if len(tg.Edges.Libraries) >= 2 {
				multi++
			}
			if len(tg.LegalRepPhone) != 11 {
				t.Errorf("phone %q", tg.LegalRepPhone)
			}
		}
		if kinds[target.KindENTERPRISE] < len(all)/2 || kinds[target.KindINDIVIDUAL] == 0 || kinds[target.KindCOOPERATIVE] == 0 {
			t.Errorf("kinds = %v", kinds)
		}
		if multi == 0 {
			t.Error("no target is in two or more libraries")
		}
		t.Logf("targets in ≥2 libraries: %d of %d; kinds %v", multi, len(all), kinds)
		main := client.TargetLibrary.Query().Where(targetlibrary.Code("MAIN")).OnlyX(ctx)
		if n := main.QueryTargets().CountX(ctx); n != opt.Targets {
			t.Errorf("main library holds %d targets, want %d", n, opt.Targets)
		}
		if n := client.TargetLibrary.Query().CountX(ctx); n != sum.Libraries || n < 8 {
			t.Errorf("libraries: db %d, summary %d", n, sum.Libraries)
		}
	})

	t.Run("inspectors", func(t *testing.T) {
		all := client.Inspector.Query().AllX(ctx)
		if len(all) != opt.Inspectors || sum.Inspectors != opt.Inspectors {
			t.Fatalf("inspectors: db %d, summary %d", len(all), sum.Inspectors)
		}
		expired := client.Inspector.Query().Where(inspector.CertificateExpiresOnLT(CertificateReferenceDate)).CountX(ctx)
		if expired == 0 || expired != sum.ExpiredCertificates {
			t.Errorf("expired certificates: db %d, summary %d", expired, sum.ExpiredCertificates)
		}
		for _, in := range all {
			if err := uscc.ValidateIDNumber(in.IDNumber); err != nil {
				t.Errorf("inspector %s: %v", in.Name, err)
			}
			if len(in.Qualifications) == 0 {
				t.Errorf("inspector %s has no qualification", in.Name)
			}
			if !in.IsExpert && in.CertificateNo == nil {
				t.Errorf("inspector %s has no certificate", in.Name)
			}
		}
		scjg := client.Inspector.Query().Where(inspector.HasDepartmentWith(department.Code("SCJG"))).CountX(ctx)
		if scjg*4 < len(all) {
			t.Errorf("market regulator has %d of %d inspectors", scjg, len(all))
		}
		if n := client.Conflict.Query().CountX(ctx); n != sum.Conflicts || n == 0 {
			t.Errorf("conflicts: db %d, summary %d", n, sum.Conflicts)
		}
	})

	t.Run("second load refused", func(t *testing.T) {
		_, err := Load(ctx, client, opt)
		if err == nil || !strings.Contains(err.Error(), "已有数据") {
			t.Fatalf("second Load: %v, want an error mentioning 已有数据", err)
		}
	})
}

func TestLoad_SameSeedSameData(t *testing.T) {
	ctx := systemCtx()
	snapshot := func() []string {
		client := newTestClient(t)
		if _, err := Load(ctx, client, Options{Targets: 120, Inspectors: 20, Seed: 42}); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, tg := range client.Target.Query().Order(target.ByID()).AllX(ctx) {
			out = append(out, *tg.Uscc+tg.Name+tg.Address)
		}
		for _, in := range client.Inspector.Query().Order(inspector.ByID()).AllX(ctx) {
			out = append(out, in.Name+in.IDNumber)
		}
		return out
	}
	if a, b := snapshot(), snapshot(); !slices.Equal(a, b) {
		t.Error("two loads with the same seed differ")
	}
}

func TestLoad_Default(t *testing.T) {
	if testing.Short() {
		t.Skip("loads 5000 targets")
	}
	ctx := systemCtx()
	client := newTestClient(t)
	start := time.Now()
	sum, err := Load(ctx, client, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("loaded in %s: %+v", time.Since(start), *sum)
	if sum.Targets != DefaultTargets || sum.Inspectors != DefaultInspectors {
		t.Errorf("summary = %+v", *sum)
	}
}
