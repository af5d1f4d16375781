// Package demo loads a realistic, deterministic demo data set of 宁阳县 into an empty database:
// the joint meeting and its member departments from the seed document (宁政字〔2020〕2号), the
// departments' item lists with implementation rules, the target library with its department
// sub-libraries, the inspector library and a few declared conflicts (回避).
package demo

import (
	"context"
	"errors"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/settings"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/conflict"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/meetingmember"
	"github.com/ssgk/ssgk/ent/target"
	itemlists "github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/uscc"
)

// Options control the size of the demo data set.
type Options struct {
	Targets    int   // default 5000
	Inspectors int   // default 150
	Seed       int64 // default 20260101
	// Progress, when not nil, is told how far each step has got.
	Progress func(step string, done, total int)
}

// Summary says what was loaded.
type Summary struct {
	Departments, Members, Items, Targets, Libraries, Inspectors, ExpiredCertificates, Conflicts int
	OfficeDepartmentCode                                                                        string
	DepartmentCodes                                                                             []string
}

// Defaults and batch sizes. Bulk inserts stay at ≤ 500 rows per statement and each
// transaction holds at most targetsPerTx targets, so that one load never holds the
// database for long and the audit trail stays in reasonable chunks.
const (
	DefaultTargets    = 5000
	DefaultInspectors = 150
	DefaultSeed       = 20260101

	bulkSize      = 500
	targetsPerTx  = 1000
	edgeChunk     = 1000
	conflictCount = 20
)

// Progress step names.
const (
	StepOrganisation = "部门、联席会议与抽查事项清单"
	StepTargets      = "检查对象名录库"
	StepInspectors   = "执法检查人员名录库"
	StepConflicts    = "回避关系"
)

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, clock.CST) }

// CertificateReferenceDate is the day against which Summary.ExpiredCertificates counts an
// enforcement certificate as expired.
var CertificateReferenceDate = day(2026, 11, 1)

// ErrNotEmpty is returned when the database already holds departments.
var ErrNotEmpty = errors.New("数据库中已有数据（部门），演示数据只能载入空数据库")

// Load inserts the demo data. ctx must carry the acting viewer; every write runs inside a
// transaction opened here with client.Tx. The data depend only on opt (not on the clock).
func Load(ctx context.Context, client *ent.Client, opt Options) (*Summary, error) {
	if opt.Targets <= 0 {
		opt.Targets = DefaultTargets
	}
	if opt.Inspectors <= 0 {
		opt.Inspectors = DefaultInspectors
	}
	if opt.Seed == 0 {
		opt.Seed = DefaultSeed
	}
	n, err := client.Department.Query().Count(ctx)
	if err != nil {
		return nil, fmt.Errorf("查询部门失败：%w", err)
	}
	if n > 0 {
		return nil, fmt.Errorf("%w：已有 %d 个部门", ErrNotEmpty, n)
	}
	l := &loader{
		client: client,
		opt:    opt,
		g:      newGen(opt.Seed),
		sum:    &Summary{OfficeDepartmentCode: OfficeDepartmentCode},
		deptID: map[string]int{},
	}
	if err := l.organisation(ctx); err != nil {
		return nil, err
	}
	if err := l.targets(ctx); err != nil {
		return nil, err
	}
	if err := l.inspectors(ctx); err != nil {
		return nil, err
	}
	// The portal's site identity, marked as demo values: a real county sets its own with
	// `ssgk site set` (its 网站标识码 and ICP number are assigned to it).
	site := settings.Site{County: "宁阳县", Sponsor: "宁阳县市场监督管理局（演示）", SiteCode: "3709210000（演示）",
		ICP: "鲁ICP备00000000号（演示）", Contact: "0538-5600000（演示）"}
	if err := settings.SaveSite(ctx, client, site, "演示数据"); err != nil {
		return nil, fmt.Errorf("保存网站信息失败：%w", err)
	}
	return l.sum, nil
}

type loader struct {
	client *ent.Client
	opt    Options
	g      *gen
	sum    *Summary

	deptID    map[string]int
	libID     []int // by index of librarySpecs
	targetIDs []int
	existing  []int // ids of targets whose status is EXISTING
}

func (l *loader) progress(step string, done, total int) {
	if l.opt.Progress != nil {
		l.opt.Progress(step, done, total)
	}
}

// inTx runs fn in a transaction of its own and commits it, or rolls it back on error.
func (l *loader) inTx(ctx context.Context, what string, fn func(tx *ent.Tx) error) error {
	tx, err := l.client.Tx(ctx)
	if err != nil {
		return fmt.Errorf("%s：开启事务失败：%w", what, err)
	}
	if err := fn(tx); err != nil {
		if rerr := tx.Rollback(); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return fmt.Errorf("%s失败：%w", what, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s：提交事务失败：%w", what, err)
	}
	return nil
}

// organisation creates the departments, the joint meeting with its members, the sub-libraries
// and the item lists with their items and implementation rules, in one transaction.
func (l *loader) organisation(ctx context.Context) error {
	total := len(departments) + len(meetingMembers) + len(librarySpecs) + len(itemLists)
	l.progress(StepOrganisation, 0, total)
	err := l.inTx(ctx, "载入部门与联席会议", func(tx *ent.Tx) error {
		// Departments, in list order.
		dc := make([]*ent.DepartmentCreate, len(departments))
		for i, d := range departments {
			dc[i] = tx.Department.Create().
				SetCode(d.Code).SetName(d.Name).SetShortName(d.ShortName).
				SetIsOffice(d.Code == OfficeDepartmentCode).SetSortOrder(i + 1).
				SetDivisionCode(DivisionCode)
		}
		depts, err := tx.Department.CreateBulk(dc...).Save(ctx)
		if err != nil {
			return err
		}
		for _, d := range depts {
			l.deptID[d.Code] = d.ID
			l.sum.DepartmentCodes = append(l.sum.DepartmentCodes, d.Code)
		}
		l.sum.Departments = len(depts)

		// The joint meeting; its office sits in the market regulator.
		meeting, err := tx.JointMeeting.Create().
			SetName(MeetingName).SetBasis(MeetingBasis).SetDivisionCode(DivisionCode).
			SetOfficeID(l.deptID[OfficeDepartmentCode]).Save(ctx)
		if err != nil {
			return err
		}
		mc := make([]*ent.MeetingMemberCreate, len(meetingMembers))
		for i, m := range meetingMembers {
			c := tx.MeetingMember.Create().
				SetName(m.Name).SetRole(meetingmember.Role(m.Role)).SetTitle(m.Title).
				SetOfficeDirector(m.OfficeDirector).SetSortOrder(i + 1).
				SetMeetingID(meeting.ID).SetDivisionCode(DivisionCode)
			if m.DepartmentCode != "" {
				id, ok := l.deptID[m.DepartmentCode]
				if !ok {
					return fmt.Errorf("成员 %s 的部门编码 %s 不存在", m.Name, m.DepartmentCode)
				}
				c.SetDepartmentID(id)
			}
			mc[i] = c
		}
		members, err := tx.MeetingMember.CreateBulk(mc...).Save(ctx)
		if err != nil {
			return err
		}
		l.sum.Members = len(members)

		// Sub-libraries (分库).
		lc := make([]*ent.TargetLibraryCreate, len(librarySpecs))
		for i, s := range librarySpecs {
			lc[i] = tx.TargetLibrary.Create().
				SetCode(s.Code).SetName(s.Name).SetDomain(s.Domain).
				SetDepartmentID(l.deptID[s.Dept]).SetDivisionCode(DivisionCode)
		}
		libs, err := tx.TargetLibrary.CreateBulk(lc...).Save(ctx)
		if err != nil {
			return err
		}
		for _, lib := range libs {
			l.libID = append(l.libID, lib.ID)
		}
		l.sum.Libraries = len(libs)
		l.progress(StepOrganisation, len(departments)+len(meetingMembers)+len(librarySpecs), total)

		return l.itemLists(ctx, tx)
	})
	if err != nil {
		return err
	}
	l.progress(StepOrganisation, total, total)
	return nil
}

// itemLists creates version 1 of each department's item list, published for 2026.
func (l *loader) itemLists(ctx context.Context, tx *ent.Tx) error {
	// Methods are a code table seeded elsewhere; without it the items carry no methods.
	methodID := map[string]int{}
	methods, err := tx.InspectionMethod.Query().All(ctx)
	if err != nil {
		return err
	}
	for _, m := range methods {
		methodID[m.Code] = m.ID
	}
	deptByCode := map[string]DepartmentName{}
	for _, d := range departments {
		deptByCode[d.Code] = d
	}

	effective := day(2026, 1, 1)
	lc := make([]*ent.ItemListCreate, len(itemLists))
	for i, il := range itemLists {
		lc[i] = tx.ItemList.Create().
			SetName(deptByCode[il.Dept].Name + "随机抽查事项清单（2026年版）").
			SetVersion(1).
			SetChangeReason("依据全省市场监管领域随机抽查事项清单制定，首次发布").
			SetDepartmentID(l.deptID[il.Dept]).SetDivisionCode(DivisionCode)
	}
	lists, err := tx.ItemList.CreateBulk(lc...).Save(ctx)
	if err != nil {
		return err
	}

	var ic []*ent.InspectionItemCreate
	var specs []itemSpec
	var owners []DepartmentName
	for i, il := range itemLists {
		dept := deptByCode[il.Dept]
		for j, it := range il.Items {
			c := tx.InspectionItem.Create().
				SetCode(fmt.Sprintf("%s-%03d", il.Dept, j+1)).
				SetName(it.Name).SetCategory(inspectionitem.Category(it.Category)).
				SetLegalBasis(it.LegalBasis).SetResponsibleBody(dept.Name).
				SetTargetType(it.TargetType).SetContent(it.Content).
				SetFrequency(it.Frequency).SetInspectorRequirements(it.Requirements).
				SetRequiredQualifications(it.Quals).
				SetItemListID(lists[i].ID).SetDivisionCode(DivisionCode)
			if it.RatioMin > 0 {
				c.SetRatioMin(it.RatioMin)
			}
			if it.RatioMax > 0 {
				c.SetRatioMax(it.RatioMax)
			}
			for _, code := range it.Methods {
				if id, ok := methodID[code]; ok {
					c.AddMethodIDs(id)
				}
			}
			ic = append(ic, c)
			specs = append(specs, it)
			owners = append(owners, dept)
		}
	}
	items, err := tx.InspectionItem.CreateBulk(ic...).Save(ctx)
	if err != nil {
		return err
	}
	l.sum.Items = len(items)

	rc := make([]*ent.ImplementationRuleCreate, len(items))
	for i, it := range items {
		rc[i] = tx.ImplementationRule.Create().
			SetBasis(specs[i].LegalBasis).
			SetContent(specs[i].Content).
			SetProcedure(ruleProcedure(specs[i])).
			SetApprovalAuthority(owners[i].Name + "分管负责人审批抽查工作方案；检查结果由科室负责人审核").
			SetPublicationProcedure("检查结束之日起20个工作日内，经" + owners[i].ShortName + "审核后，通过国家企业信用信息公示系统（山东）和“信用中国（山东）”网站向社会公示，并记于企业名下").
			SetArchiving("检查记录、证据材料和处理结果按“一户一档”电子归档，纸质材料按年度装订归档，保存期限不少于5年").
			SetItemID(it.ID).SetDivisionCode(DivisionCode)
	}
	if _, err = tx.ImplementationRule.CreateBulk(rc...).Save(ctx); err != nil {
		return err
	}
	// Each list goes the way a real one does: filed with the office, acknowledged, published.
	wctx := ent.NewTxContext(ctx, tx)
	for _, v := range lists {
		f, err := itemlists.Submit(wctx, tx.Client(), v.ID)
		if err != nil {
			return err
		}
		if _, err := itemlists.Decide(wctx, tx.Client(), f.ID, true, "符合全省随机抽查事项清单要求，予以备案"); err != nil {
			return err
		}
		if _, err := itemlists.Publish(wctx, tx.Client(), v.ID, effective); err != nil {
			return err
		}
	}
	return nil
}

// methodNames are the Chinese names of the method codes, for rule texts.
var methodNames = map[string]string{"ON_SITE": "实地核查", "WRITTEN": "书面检查", "ONLINE": "网络监测", "TESTING": "检验检测", "ADOPTED": "采信其他结论"}

func ruleProcedure(it itemSpec) string {
	var ms []string
	for _, m := range it.Methods {
		ms = append(ms, methodNames[m])
	}
	how := "实地核查"
	if len(ms) > 0 {
		how = ms[0]
		for _, m := range ms[1:] {
			how += "、" + m
		}
	}
	return "1.随机抽取：通过“双随机、一公开”监管工作平台从检查对象名录库、执法检查人员名录库中随机抽取检查对象和检查人员；" +
		"2.检查准备：制定检查方案，核实回避情况，检查人员不少于2名；" +
		"3.实施检查：出示执法证件，采取" + how + "等方式逐项检查，如实记录并由被检查对象签字确认；" +
		"4.结果处理：形成检查结果，发现违法行为的依法处置，涉嫌犯罪的移送司法机关；" +
		"5.录入公示：检查结束后20个工作日内录入检查结果，审核后向社会公示"
}

// targetRow is a generated target before insertion.
type targetRow struct {
	kind          target.Kind
	uscc, regNo   string
	name          string
	rep, repPhone string
	address       string
	industry      string
	registered    time.Time
	status        target.Status
	risk          target.CreditRiskClass
	abnormal      bool
	licences      []string
	tags          []string
	lastInspected *time.Time
	contact       string
	contactPhone  string
	libs          []int // indexes into librarySpecs
}

func (l *loader) targets(ctx context.Context) error {
	total := l.opt.Targets
	l.progress(StepTargets, 0, total)
	for start := 0; start < total; start += targetsPerTx {
		end := min(start+targetsPerTx, total)
		rows := make([]targetRow, 0, end-start)
		for i := start; i < end; i++ {
			rows = append(rows, l.g.target())
		}
		err := l.inTx(ctx, fmt.Sprintf("载入检查对象（第 %d–%d 个）", start+1, end), func(tx *ent.Tx) error {
			ids := make([]int, 0, len(rows))
			for b := 0; b < len(rows); b += bulkSize {
				chunk := rows[b:min(b+bulkSize, len(rows))]
				bulk := make([]*ent.TargetCreate, len(chunk))
				for i, r := range chunk {
					c := tx.Target.Create().
						SetKind(r.kind).SetUscc(r.uscc).SetName(r.name).
						SetLegalRepresentative(r.rep).SetLegalRepPhone(r.repPhone).
						SetAddress(r.address).SetIndustryCode(r.industry).
						SetRegisteredOn(r.registered).SetStatus(r.status).
						SetCreditRiskClass(r.risk).SetAbnormalList(r.abnormal).
						SetLicences(r.licences).SetTags(r.tags).
						SetContactPerson(r.contact).SetContactPhone(r.contactPhone).
						SetDivisionCode(DivisionCode)
					if len(r.libs) > 0 {
						// The contact details are recorded by the department of the most
						// specialised sub-library that holds the target (the last: the market
						// regulator's general library comes first); authz: they belong to it.
						c.SetContactDepartmentID(l.deptID[librarySpecs[r.libs[len(r.libs)-1]].Dept])
					}
					if r.regNo != "" {
						c.SetRegNo(r.regNo)
					}
					if r.lastInspected != nil {
						c.SetLastInspectedOn(*r.lastInspected)
					}
					bulk[i] = c
				}
				saved, err := tx.Target.CreateBulk(bulk...).Save(ctx)
				if err != nil {
					return err
				}
				for _, t := range saved {
					ids = append(ids, t.ID)
				}
			}
			// Sub-library membership (M2M), one library at a time, in chunks.
			members := make([][]int, len(librarySpecs))
			for i, r := range rows {
				for _, li := range r.libs {
					members[li] = append(members[li], ids[i])
				}
			}
			for li, tids := range members {
				for c := 0; c < len(tids); c += edgeChunk {
					if err := tx.TargetLibrary.UpdateOneID(l.libID[li]).
						AddTargetIDs(tids[c:min(c+edgeChunk, len(tids))]...).Exec(ctx); err != nil {
						return err
					}
				}
			}
			l.targetIDs = append(l.targetIDs, ids...)
			for i, r := range rows {
				if r.status == target.StatusEXISTING {
					l.existing = append(l.existing, ids[i])
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
		l.sum.Targets = len(l.targetIDs)
		l.progress(StepTargets, end, total)
	}
	return nil
}

// inspectorRow is a generated inspector before insertion.
type inspectorRow struct {
	dept       string
	name       string
	idNumber   string
	phone      string
	kind       inspector.Kind
	certNo     string
	certExpiry *time.Time
	quals      []string
	specs      []string
	expert     bool
	active     bool
}

func (l *loader) inspectors(ctx context.Context) error {
	rows := l.g.inspectors(l.opt.Inspectors)
	l.progress(StepInspectors, 0, len(rows))
	var ids []int
	err := l.inTx(ctx, "载入执法检查人员", func(tx *ent.Tx) error {
		for b := 0; b < len(rows); b += bulkSize {
			chunk := rows[b:min(b+bulkSize, len(rows))]
			bulk := make([]*ent.InspectorCreate, len(chunk))
			for i, r := range chunk {
				c := tx.Inspector.Create().
					SetName(r.name).SetIDNumber(r.idNumber).SetPhone(r.phone).
					SetKind(r.kind).SetQualifications(r.quals).SetSpecialties(r.specs).
					SetIsExpert(r.expert).SetActive(r.active).
					SetDepartmentID(l.deptID[r.dept]).SetDivisionCode(DivisionCode)
				if r.certNo != "" {
					c.SetCertificateNo(r.certNo)
				}
				if r.certExpiry != nil {
					c.SetCertificateExpiresOn(*r.certExpiry)
				}
				bulk[i] = c
			}
			saved, err := tx.Inspector.CreateBulk(bulk...).Save(ctx)
			if err != nil {
				return err
			}
			for _, s := range saved {
				ids = append(ids, s.ID)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	l.sum.Inspectors = len(ids)
	for _, r := range rows {
		if r.certExpiry != nil && r.certExpiry.Before(CertificateReferenceDate) {
			l.sum.ExpiredCertificates++
		}
	}
	l.progress(StepInspectors, len(rows), len(rows))

	// Declared conflicts (回避) between active, non-expert inspectors and existing targets.
	var eligible []int
	for i, r := range rows {
		if r.active && !r.expert {
			eligible = append(eligible, ids[i])
		}
	}
	want := conflictCount
	if len(eligible) == 0 || len(l.existing) == 0 {
		want = 0
	}
	want = min(want, len(eligible)*len(l.existing))
	l.progress(StepConflicts, 0, want)
	if want == 0 {
		return nil
	}
	err = l.inTx(ctx, "载入回避关系", func(tx *ent.Tx) error {
		seen := map[[2]int]bool{}
		bulk := make([]*ent.ConflictCreate, 0, want)
		for len(bulk) < want {
			ins := eligible[l.g.intn(len(eligible))]
			tgt := l.existing[l.g.intn(len(l.existing))]
			if seen[[2]int{ins, tgt}] {
				continue
			}
			seen[[2]int{ins, tgt}] = true
			cr := conflictReasons[l.g.intn(len(conflictReasons))]
			declared := l.g.dateBetween(day(2026, 1, 5), day(2026, 10, 30)).
				Add(time.Duration(8+l.g.intn(9))*time.Hour + time.Duration(l.g.intn(60))*time.Minute)
			bulk = append(bulk, tx.Conflict.Create().
				SetInspectorID(ins).SetTargetID(tgt).
				SetRelation(conflict.Relation(cr.Relation)).
				SetReason(l.g.pick(cr.Reasons)).
				SetDeclaredAt(declared).SetDivisionCode(DivisionCode))
		}
		saved, err := tx.Conflict.CreateBulk(bulk...).Save(ctx)
		if err != nil {
			return err
		}
		l.sum.Conflicts = len(saved)
		return nil
	})
	if err != nil {
		return err
	}
	l.progress(StepConflicts, want, want)
	return nil
}

// gen produces the demo rows from one seeded random source, so a seed always gives the same data.
type gen struct {
	r       *rand.Rand
	usccs   map[string]bool
	names   map[string]bool
	regSeq  int
	certSeq int
	indCum  map[target.Kind][]int // cumulative industry weights per kind
	townCum []int
	rural   []int // indexes of rural towns
}

func newGen(seed int64) *gen {
	g := &gen{
		r:       rand.New(rand.NewPCG(uint64(seed), 0x5353474b2d64656d)), // "SSGK-dem"
		usccs:   map[string]bool{},
		names:   map[string]bool{},
		regSeq:  100000 + int(uint64(seed)%50000),
		certSeq: 100 + int(uint64(seed)%200),
		indCum:  map[target.Kind][]int{},
	}
	for _, k := range []target.Kind{target.KindENTERPRISE, target.KindINDIVIDUAL, target.KindCOOPERATIVE} {
		cum, sum := make([]int, len(industries)), 0
		for i, ind := range industries {
			switch k {
			case target.KindENTERPRISE:
				sum += ind.E
			case target.KindINDIVIDUAL:
				sum += ind.I
			default:
				sum += ind.C
			}
			cum[i] = sum
		}
		g.indCum[k] = cum
	}
	sum := 0
	for i, t := range towns {
		sum += t.Weight
		g.townCum = append(g.townCum, sum)
		if !t.Urban {
			g.rural = append(g.rural, i)
		}
	}
	return g
}

func (g *gen) intn(n int) int           { return g.r.IntN(n) }
func (g *gen) chance(p float64) bool    { return g.r.Float64() < p }
func (g *gen) pick(s []string) string   { return s[g.r.IntN(len(s))] }
func (g *gen) pickRune(s []rune) string { return string(s[g.r.IntN(len(s))]) }
func (g *gen) digits(n int) string      { return g.digitsFrom(n, "0123456789") }
func (g *gen) weighted(cum []int) int   { return searchCum(cum, g.r.IntN(cum[len(cum)-1])) }
func (g *gen) year(from, to int) int    { return from + g.r.IntN(to-from+1) }
func (g *gen) seq(width int) string {
	return fmt.Sprintf("%0*d", width, g.r.IntN(int(math.Pow10(width))))
}
func searchCum(cum []int, v int) int { i, _ := slices.BinarySearch(cum, v+1); return i }
func (g *gen) digitsFrom(n int, cs string) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = cs[g.r.IntN(len(cs))]
	}
	return string(b)
}

// dateBetween returns a day in [from, to].
func (g *gen) dateBetween(from, to time.Time) time.Time {
	days := int(to.Sub(from).Hours()/24) + 1
	return from.AddDate(0, 0, g.r.IntN(days))
}

// person returns a plausible name and whether it is a man's.
func (g *gen) person() (string, bool) {
	male := g.chance(0.55)
	pool := femaleGiven
	if male {
		pool = maleGiven
	}
	name := g.pickRune(surnames) + g.pickRune(pool)
	if g.chance(0.65) {
		name += g.pickRune(pool)
	}
	return name, male
}

func (g *gen) mobile() string { return g.pick(mobilePrefixes) + g.digits(8) }

func (g *gen) trade(n int) string {
	s := ""
	for range n {
		s += g.pickRune(tradeChars)
	}
	return s
}

// address returns an address in town ti, in the forms used by the local registry.
func (g *gen) address(ti int, village bool, park bool) string {
	t := towns[ti]
	base := "山东省泰安市宁阳县" + t.Name
	switch {
	case park:
		return base + "化工产业园" + g.pick([]string{"纬一路", "纬二路", "经三路", "经五路"}) + fmt.Sprint(1+g.intn(60)) + "号"
	case t.Urban:
		return base + g.pick(urbanRoads) + fmt.Sprint(1+g.intn(300)) + "号"
	case village:
		return base + g.pick(villages) + "村"
	default:
		return base + "驻地" + g.pick(townRoads) + fmt.Sprint(1+g.intn(120)) + "号"
	}
}

// newUSCC returns a fresh, valid unified social credit code (GB 32100): 9 (市场监管) + type +
// division + organisation code + check character. Entities registered before the reform of
// October 2015 keep their old 9-character organisation code (GB 11714); later ones get an
// "MA…" code.
func (g *gen) newUSCC(typ byte, oldOrgCode bool) string {
	for {
		var org string
		if oldOrgCode {
			body := g.digits(8)
			org = body + string(uscc.OrgCodeCheckChar(body))
		} else {
			org = "MA" + g.digitsFrom(7, uscc.Charset())
		}
		first := "9" + string(typ) + DivisionCode + org
		code := first + string(uscc.CheckChar(first))
		if !g.usccs[code] {
			g.usccs[code] = true
			return code
		}
	}
}

// newRegNo returns a fresh legacy 15-digit registration number (注册号) with its GB/T 17710
// (ISO 7064 MOD 11,10) check digit; typ is '0'–'3' for enterprises and '6' for individuals.
func (g *gen) newRegNo(typ byte) string {
	g.regSeq += 1 + g.intn(37)
	body := DivisionCode + string(typ) + fmt.Sprintf("%07d", g.regSeq%10000000)
	return body + string(uscc.RegNoCheckDigit(body))
}

func (g *gen) unique(name string) bool {
	if g.names[name] {
		return false
	}
	g.names[name] = true
	return true
}

// target generates one market entity.
func (g *gen) target() targetRow {
	var r targetRow
	switch u := g.r.Float64(); {
	case u < 0.70:
		r.kind = target.KindENTERPRISE
	case u < 0.95:
		r.kind = target.KindINDIVIDUAL
	default:
		r.kind = target.KindCOOPERATIVE
	}
	ind := industries[g.weighted(g.indCum[r.kind])]
	r.industry = ind.Code

	// Registration date: more entities were registered in recent years.
	var y int
	switch r.kind {
	case target.KindENTERPRISE:
		y = 1995 + int(31*math.Sqrt(g.r.Float64()))
	case target.KindINDIVIDUAL:
		y = 2000 + int(26*math.Sqrt(g.r.Float64()))
	default:
		y = 2008 + g.intn(18) // 农民专业合作社法 took effect in July 2007
	}
	r.registered = g.dateBetween(day(y, 1, 1), day(y, 12, 31))
	reform := r.registered.Before(day(2015, 10, 1))

	// Town and address.
	var ti int
	park := false
	switch {
	case ind.Town != "" && g.chance(0.8):
		ti = slices.IndexFunc(towns, func(t town) bool { return t.Name == ind.Town })
		park = ind.Town == "磁窑镇" && r.kind == target.KindENTERPRISE
	case r.kind == target.KindCOOPERATIVE || ind.Code[0] == '0': // farming (GB/T 4754 section A) is rural
		ti = g.rural[g.intn(len(g.rural))]
	default:
		ti = g.weighted(g.townCum)
	}
	village := r.kind == target.KindCOOPERATIVE || ind.Code[0] == '0' || (!towns[ti].Urban && g.chance(0.4))
	r.address = g.address(ti, village, park)

	r.rep, _ = g.person()
	r.repPhone = g.mobile()

	// Name, USCC and, for entities registered before the reform, the old registration number.
	switch r.kind {
	case target.KindENTERPRISE:
		for n := 2; ; n++ {
			prefix := "宁阳县"
			if u := g.r.Float64(); u < 0.12 {
				prefix = "山东"
			} else if u < 0.18 {
				prefix = "泰安"
			}
			suffix := "有限公司"
			if u := g.r.Float64(); ind.Mfg && u < 0.05 {
				suffix = "股份有限公司"
			} else if u < 0.12 {
				suffix = "有限责任公司"
			}
			if r.name = prefix + g.trade(n/2+1) + ind.Word + suffix; g.unique(r.name) {
				break
			}
		}
		r.uscc = g.newUSCC('1', reform)
		if reform {
			r.regNo = g.newRegNo(byte('0' + g.intn(4)))
		}
	case target.KindINDIVIDUAL:
		for n := 2; ; n++ {
			if g.chance(0.5) {
				r.name = "宁阳县" + g.trade(n/2+1) + ind.Shop
			} else {
				r.name = "宁阳县" + towns[ti].Name + r.rep + ind.Shop
			}
			if g.unique(r.name) {
				break
			}
		}
		r.uscc = g.newUSCC('2', false)
		if reform {
			r.regNo = g.newRegNo('6')
		}
	default:
		for n := 2; ; n++ {
			place := g.pick(villages)
			if n > 4 || g.chance(0.3) {
				place = g.trade(n/2 + 1)
			}
			if r.name = "宁阳县" + place + ind.Coop + "专业合作社"; g.unique(r.name) {
				break
			}
		}
		r.uscc = g.newUSCC('3', false)
	}

	// Registration status: about 3% are no longer active.
	switch u := g.r.Float64(); {
	case u < 0.015:
		r.status = target.StatusCANCELLED
	case u < 0.025:
		r.status = target.StatusREVOKED
	case u < 0.03:
		r.status = target.StatusMOVED_OUT
	default:
		r.status = target.StatusEXISTING
	}
	// Credit-risk class A 30%, B 50%, C 15%, D 5%; the abnormal list (≈2%) follows risk.
	switch u := g.r.Float64(); {
	case u < 0.30:
		r.risk = target.CreditRiskClassA
	case u < 0.80:
		r.risk = target.CreditRiskClassB
	case u < 0.95:
		r.risk = target.CreditRiskClassC
	default:
		r.risk = target.CreditRiskClassD
	}
	switch r.risk {
	case target.CreditRiskClassD:
		r.abnormal = g.chance(0.20)
	case target.CreditRiskClassC:
		r.abnormal = g.chance(0.05)
	case target.CreditRiskClassB:
		r.abnormal = g.chance(0.005)
	}

	r.licences = []string{}
	for _, k := range ind.Licences {
		if lic := g.licence(k, ind.Code, r.uscc, r.registered.Year()); lic != "" {
			r.licences = append(r.licences, lic)
		}
	}
	r.tags = g.tags(r, ind)

	if r.status == target.StatusEXISTING && g.chance(0.25) {
		d := g.dateBetween(maxTime(r.registered, day(2024, 1, 1)), day(2026, 10, 30))
		r.lastInspected = &d
	}
	if g.chance(0.6) {
		r.contact, r.contactPhone = r.rep, r.repPhone
	} else {
		r.contact, _ = g.person()
		r.contactPhone = g.mobile()
	}

	// Sub-libraries: every market entity is in the market regulator's main library
	// (谁审批谁监管); active ones also in each department sub-library of their industry.
	for li, s := range librarySpecs {
		if s.Takes == "" || (r.status == target.StatusEXISTING && slices.Contains(ind.Domains, s.Takes)) {
			r.libs = append(r.libs, li)
		}
	}
	return r
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

func (g *gen) tags(r targetRow, ind industry) []string {
	tags := []string{}
	add := func(p float64, tag string) {
		if g.chance(p) {
			tags = append(tags, tag)
		}
	}
	if ind.Mfg && r.kind == target.KindENTERPRISE {
		add(0.15, "规模以上工业企业")
		add(0.04, "高新技术企业")
	}
	if slices.Contains(ind.Domains, domHazchem) && ind.Mfg {
		add(0.30, "重大危险源")
	}
	if slices.Contains(ind.Domains, domPollution) {
		add(0.30, "重点排污单位")
	}
	if slices.Contains(ind.Domains, domFood) && !ind.Mfg {
		add(0.08, "校园周边")
	}
	switch ind.Code {
	case "5211", "5212", "5251":
		add(0.20, "连锁经营")
	case "5292":
		tags = append(tags, "网络经营")
	}
	if r.risk == target.CreditRiskClassD {
		tags = append(tags, "重点监管对象")
	}
	return tags
}

// licence returns one licence, "名称：编号", in the number formats used in 山东.
func (g *gen) licence(kind, industry, code string, regYear int) string {
	y := fmt.Sprint(g.year(max(regYear, 2020), 2025))
	switch kind {
	case licFoodProd:
		return "食品生产许可证：SC" + foodCategory[industry] + DivisionCode + g.seq(4) + g.digits(1)
	case licFoodSale:
		return "食品经营许可证：JY1" + DivisionCode + g.seq(6) + g.digits(1)
	case licCatering:
		return "食品经营许可证：JY2" + DivisionCode + g.seq(6) + g.digits(1)
	case licDrug:
		if industry == "5151" {
			return "药品经营许可证：鲁AA538" + g.seq(4)
		}
		return "药品经营许可证：鲁DA538" + g.seq(4)
	case licMedDevice:
		return "第二类医疗器械经营备案凭证：鲁泰药监械经营备" + y + g.seq(4) + "号"
	case licHygiene:
		return "公共场所卫生许可证：鲁卫公证字〔" + y + "〕第" + DivisionCode + g.seq(6) + "号"
	case licClinic:
		return "诊所备案凭证：宁卫医备字〔" + y + "〕第" + g.seq(3) + "号"
	case licHazProd:
		return "安全生产许可证：（鲁）WH安许证字〔" + y + "〕09" + g.seq(4) + "号"
	case licHazSale:
		return "危险化学品经营许可证：鲁泰安危化经字〔" + y + "〕" + g.seq(6) + "号"
	case licOil:
		return "成品油零售经营批准证书：油零售证书第3709" + g.seq(5) + "号"
	case licPollution:
		if !g.chance(0.6) {
			return "" // registration (排污登记) rather than a permit
		}
		return "排污许可证：" + code + "001" + g.pick([]string{"P", "Q", "U", "V", "W", "X", "Y"})
	case licBuild:
		return "建筑业企业资质证书：D337" + g.seq(6)
	case licEstate:
		return "房地产开发企业资质证书：泰房开资字第" + g.seq(4) + "号"
	case licTransport:
		return "道路运输经营许可证：鲁交运管许可泰字" + DivisionCode + g.seq(6) + "号"
	case licRepair:
		return "机动车维修经营备案：宁交维备字〔" + y + "〕第" + g.seq(3) + "号"
	case licInternet:
		return "网络文化经营许可证：鲁网文〔" + y + "〕" + g.seq(4) + "-" + g.seq(3) + "号"
	case licEntertain:
		return "娱乐经营许可证：" + DivisionCode + g.seq(6)
	case licTravel:
		return "旅行社业务经营许可证：L-SD-" + g.seq(5)
	case licPesticide:
		return "农药经营许可证：农药经" + DivisionCode + y + g.seq(4)
	case licVetDrug:
		return "兽药经营许可证：（" + y + "）兽药经营证字15" + g.seq(6) + "号"
	case licFeed:
		return "饲料生产许可证：鲁饲证（" + y + "）09" + g.seq(3)
	case licSlaughter:
		return "生猪定点屠宰证：A" + DivisionCode + g.seq(2)
	case licTobacco:
		if !g.chance(0.5) {
			return ""
		}
		return "烟草专卖零售许可证：3709210" + g.seq(5)
	case licMiningSafe:
		return "安全生产许可证：（鲁）MK安许证字〔" + y + "〕" + g.seq(4) + "号"
	}
	return ""
}

// inspectors generates n inspectors across the departments that keep libraries and items,
// weighted towards the market regulator. About 5% are experts, 5% hold an expired
// certificate and 3% are not on duty; the three groups are disjoint.
func (g *gen) inspectors(n int) []inspectorRow {
	// Largest-remainder allocation of n over the department weights.
	total := 0
	for _, d := range inspectorDepts {
		total += d.Weight
	}
	counts := make([]int, len(inspectorDepts))
	rem := make([]float64, len(inspectorDepts))
	given := 0
	for i, d := range inspectorDepts {
		exact := float64(n) * float64(d.Weight) / float64(total)
		counts[i] = int(exact)
		rem[i] = exact - float64(counts[i])
		given += counts[i]
	}
	for ; given < n; given++ {
		best := 0
		for i := range rem {
			if rem[i] > rem[best] {
				best = i
			}
		}
		counts[best]++
		rem[best] = -1
	}

	perm := g.r.Perm(n)
	nExpert := int(math.Round(float64(n) * 0.05))
	nExpired := max(1, int(math.Round(float64(n)*0.05)))
	nInactive := int(math.Round(float64(n) * 0.03))
	role := make([]byte, n) // 'E' expert, 'X' expired, 'I' inactive
	for i, p := range perm {
		switch {
		case i < nExpert:
			role[p] = 'E'
		case i < nExpert+nExpired:
			role[p] = 'X'
		case i < nExpert+nExpired+nInactive:
			role[p] = 'I'
		}
	}

	rows := make([]inspectorRow, 0, n)
	idx := 0
	for di, d := range inspectorDepts {
		for k := range counts[di] {
			rows = append(rows, g.inspector(d, k, role[idx]))
			idx++
		}
	}
	return rows
}

func (g *gen) inspector(d inspectorDept, k int, role byte) inspectorRow {
	name, male := g.person()
	r := inspectorRow{dept: d.Dept, name: name, phone: g.mobile(), active: role != 'I', expert: role == 'E'}

	birth := g.dateBetween(day(1965, 1, 1), day(1998, 12, 31))
	gender := 2 * g.intn(5) // even: female
	if male {
		gender++
	}
	first := DivisionCode + birth.Format("20060102") + g.seq(2) + fmt.Sprint(gender)
	r.idNumber = first + string(uscc.IDCheckChar(first))

	switch u := g.r.Float64(); {
	case r.expert:
		r.kind = inspector.KindQUALIFIED_STAFF
	case u < 0.45:
		r.kind = inspector.KindCIVIL_SERVANT
	case u < 0.65:
		r.kind = inspector.KindQUALIFIED_STAFF
	case u < 0.80:
		r.kind = inspector.KindROUTINE_STAFF
	default:
		r.kind = inspector.KindENFORCEMENT_TEAM
	}

	// Experts may hold no enforcement certificate at all.
	if !r.expert || g.chance(0.4) {
		g.certSeq += 1 + g.intn(5)
		r.certNo = DivisionCode + fmt.Sprintf("%05d", g.certSeq)
		var exp time.Time
		if role == 'X' {
			exp = g.dateBetween(day(2025, 3, 1), day(2026, 10, 31))
		} else {
			exp = g.dateBetween(day(2027, 1, 1), day(2029, 12, 31))
		}
		r.certExpiry = &exp
	}

	// Qualifications: the department's field, plus (for the market regulator) one or two
	// of its special fields, handed out in turn so every special field is covered.
	r.quals = []string{d.Base}
	if len(d.Extra) > 0 {
		first := d.Extra[k%len(d.Extra)]
		r.quals = append(r.quals, first)
		if g.chance(0.5) {
			if second := d.Extra[g.intn(len(d.Extra))]; second != first {
				r.quals = append(r.quals, second)
			}
		}
	}
	r.specs = []string{}
	if r.expert && len(d.ExpertSpec) > 0 {
		r.specs = append(r.specs, g.pick(d.ExpertSpec))
	}
	for range 1 + g.intn(2) {
		if s := g.pick(d.Specialties); !slices.Contains(r.specs, s) {
			r.specs = append(r.specs, s)
		}
	}
	return r
}
