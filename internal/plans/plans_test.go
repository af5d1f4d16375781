package plans_test

import (
	"context"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/plans"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

func at(year int, month time.Month, day, hour, min int) time.Time {
	return time.Date(year, month, day, hour, min, 0, 0, clock.CST)
}

type fixture struct {
	w                 *world.World
	client            *ent.Client
	office, wj, yj    *ent.Department
	items             []*ent.InspectionItem // WJ-001, WJ-002 of the published list version 1
	draftList         *ent.ItemList         // version 2 of the list, a draft copy
	draftItem         *ent.InspectionItem   // WJ-001 of the draft version
	sys               context.Context
	dept, other, offc context.Context // 卫健局, 应急管理局, the office
	clock             *clock.Fixed    // the hub's business clock: the wall clock at setup until moved
}

// setup opens a store with the plan hooks (installed as hub.Open will install them), three
// departments and a published item list of 卫健局 with a draft version 2 beside it.
func setup(t *testing.T) *fixture {
	t.Helper()
	fixed := clock.NewFixed(time.Now())
	w := world.Build(t, testutil.Open(t, testutil.Options{Clock: fixed.Now}))
	f := &fixture{w: w, client: w.Client, sys: w.Sys, office: w.SCJG, wj: w.WJ, yj: w.YJ, clock: fixed}
	f.dept, f.other, f.offc = w.Token(f.wj, viewer.RoleDeptAdmin), w.Token(f.yj, viewer.RoleDeptAdmin), w.Token(f.office, viewer.RoleOffice)
	_, f.items = w.PublishedList(f.wj, at(2026, 1, 1, 0, 0), world.Item{Code: "WJ-001", Name: "公共场所卫生监督检查 WJ-001"},
		world.Item{Code: "WJ-002", Name: "公共场所卫生监督检查 WJ-002"})
	var err error
	if f.draftList, err = lists.NewVersion(f.dept, f.client, f.wj.ID, "", "调整比例"); err != nil {
		t.Fatal(err)
	}
	f.draftItem = f.client.InspectionItem.Query().Where(inspectionitem.ItemListID(f.draftList.ID), inspectionitem.Code("WJ-001")).OnlyX(f.sys)
	return f
}

func (f *fixture) publishList(t *testing.T, listID int) {
	t.Helper()
	f.w.PublishList(f.wj, listID, at(2026, 1, 1, 0, 0))
}

// batch is a batch of 卫健局 joined by 应急管理局, March to June 2026.
func (f *fixture) batch(seq int, items ...*ent.InspectionItem) plans.BatchInput {
	count, ratio := 30, 0.05
	in := plans.BatchInput{Seq: seq, Name: fmt.Sprintf("第%d批次", seq), Scope: "全县公共场所经营者", PlannedCount: &count,
		PlannedRatio: &ratio, Start: at(2026, 3, 1, 0, 0), End: at(2026, 6, 30, 0, 0), InitiatorID: f.wj.ID,
		ParticipantIDs: []int{f.yj.ID}}
	for _, it := range items {
		in.ItemIDs = append(in.ItemIDs, it.ID)
	}
	return in
}

// draftPlan creates a 2026 plan of 卫健局 with one batch.
func (f *fixture) draftPlan(t *testing.T, name string) (*ent.Plan, *ent.PlanBatch) {
	t.Helper()
	p, err := plans.Create(f.dept, f.client, f.wj.ID, 2026, name, false)
	if err != nil {
		t.Fatal(err)
	}
	b, err := plans.AddBatch(f.dept, f.client, p.ID, f.batch(1, f.items...))
	if err != nil {
		t.Fatal(err)
	}
	return p, b
}

// file submits the plan and has the office acknowledge it.
func (f *fixture) file(t *testing.T, planID int) {
	t.Helper()
	fl, err := plans.Submit(f.dept, f.client, planID)
	if err == nil {
		_, err = plans.Decide(f.offc, f.client, fl.ID, true, "予以备案")
	}
	if err != nil {
		t.Fatal(err)
	}
}

func (f *fixture) plan(t *testing.T, id int) *ent.Plan {
	t.Helper()
	p, err := f.client.Plan.Get(f.sys, id)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// state renders everything a plan operation may write, to show that a refusal wrote nothing.
func (f *fixture) state(t *testing.T) string {
	t.Helper()
	ts := func(p *time.Time) string {
		if p == nil {
			return "-"
		}
		return p.UTC().Format(time.RFC3339Nano)
	}
	var b strings.Builder
	for _, p := range f.client.Plan.Query().Order(ent.Asc(plan.FieldID)).AllX(f.sys) {
		fmt.Fprintf(&b, "plan %d %s v%d %s %q %q filed=%s late=%v published=%s updated=%s\n", p.ID, p.Number, p.Version,
			p.Status, p.Name, p.AdjustmentReason, ts(p.FiledAt), p.LateFiling, ts(p.PublishedAt), ts(&p.UpdatedAt))
	}
	batches := f.client.PlanBatch.Query().Order(ent.Asc(planbatch.FieldID)).WithParticipants().WithItems().AllX(f.sys)
	for _, x := range batches {
		var parts, items []int
		for _, d := range x.Edges.Participants {
			parts = append(parts, d.ID)
		}
		for _, it := range x.Edges.Items {
			items = append(items, it.ID)
		}
		slices.Sort(parts)
		slices.Sort(items)
		fmt.Fprintf(&b, "batch %d plan=%d seq=%d %q %q %s..%s initiator=%d participants=%v items=%v updated=%s\n", x.ID, x.PlanID,
			x.Seq, x.Name, x.Scope, ts(&x.StartDate), ts(&x.EndDate), x.InitiatorID, parts, items, ts(&x.UpdatedAt))
	}
	for _, fl := range f.client.Filing.Query().AllX(f.sys) {
		fmt.Fprintf(&b, "filing %d %s %s late=%v decided=%s %q\n", fl.ID, fl.Kind, fl.Status, fl.Late, ts(fl.DecidedAt), fl.AcknowledgementNo)
	}
	fmt.Fprintf(&b, "publications %d tasks %d\n", f.client.Publication.Query().CountX(f.sys), f.client.Task.Query().CountX(f.sys))
	return b.String()
}

// refused runs fn and requires the error code and that nothing was written.
func (f *fixture) refused(t *testing.T, what, code string, fn func() error) {
	t.Helper()
	before := f.state(t)
	err := fn()
	if apperr.CodeOf(err) != code {
		t.Fatalf("%s: err = %v, want code %s", what, err, code)
	}
	if msg := apperr.From(err).Message; !strings.ContainsFunc(msg, func(r rune) bool { return r >= 0x4e00 && r <= 0x9fff }) {
		t.Fatalf("%s: message %q is not in Chinese", what, msg)
	}
	if after := f.state(t); after != before {
		t.Fatalf("%s: refused, but the store changed:\nbefore:\n%s\nafter:\n%s", what, before, after)
	}
}

// write runs fn in a transaction as ctx's viewer.
func (f *fixture) write(ctx context.Context, fn func(tx *ent.Tx) error) error {
	return txn.Run(ctx, f.client, fn)
}

func TestPlans_NumbersVersionsPublicationAndAdjustment(t *testing.T) {
	f := setup(t)
	f.clock.Move(at(2026, 1, 15, 10, 0))
	p1, b1 := f.draftPlan(t, "宁阳县卫生健康局2026年度双随机抽查计划")
	p2, err := plans.Create(f.dept, f.client, f.wj.ID, 2026, "宁阳县卫生健康局2026年度专项抽查计划", false)
	if err != nil {
		t.Fatal(err)
	}
	p3, err := plans.Create(f.dept, f.client, f.wj.ID, 2027, "宁阳县卫生健康局2027年度双随机抽查计划", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		p    *ent.Plan
		want string
	}{{p1, "37092120260001"}, {p2, "37092120260002"}, {p3, "37092120270001"}} {
		if c.p.Number != c.want || c.p.Version != 1 || c.p.Status != plan.StatusDRAFT {
			t.Fatalf("plan %q: number %s version %d status %s, want %s v1 DRAFT", c.p.Name, c.p.Number, c.p.Version, c.p.Status, c.want)
		}
	}
	f.refused(t, "empty name", apperr.Invalid, func() error {
		_, err := plans.Create(f.dept, f.client, f.wj.ID, 2026, " ", false)
		return err
	})
	f.refused(t, "publish a draft", plans.CodeBadState, func() error { _, err := plans.Publish(f.dept, f.client, p1.ID); return err })

	fl, err := plans.Submit(f.dept, f.client, p1.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.refused(t, "submit twice", plans.CodeBadState, func() error { _, err := plans.Submit(f.dept, f.client, p1.ID); return err })
	f.refused(t, "publish before acknowledgement", plans.CodeBadState, func() error { _, err := plans.Publish(f.dept, f.client, p1.ID); return err })
	if fl, err = plans.Decide(f.offc, f.client, fl.ID, true, "予以备案"); err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(fl.AcknowledgementNo, "备字〔2026〕第") {
		t.Fatalf("acknowledgement no = %q", fl.AcknowledgementNo)
	}
	if p := f.plan(t, p1.ID); p.Status != plan.StatusFILED || p.FiledAt == nil || p.LateFiling {
		t.Fatalf("acknowledged plan: %+v", p)
	}
	if _, err := plans.Publish(f.dept, f.client, p1.ID); err != nil {
		t.Fatal(err)
	}
	pub := f.client.Publication.Query().Where(publication.KindEQ(publication.KindPLAN), publication.SubjectID(p1.ID)).OnlyX(f.sys)
	if pub.Digest == "" || pub.SubjectType != ent.TypePlan || pub.Payload["number"] != "37092120260001" || pub.Payload["lateFiling"] != false {
		t.Fatalf("publication = %+v", pub)
	}
	batch := pub.Payload["batches"].([]any)[0].(map[string]any)
	item := batch["items"].([]any)[0].(map[string]any)
	if batch["initiator"] != "宁阳县卫生健康局" || batch["participants"].([]any)[0] != "宁阳县应急管理局" ||
		batch["startDate"] != "2026-03-01" || batch["plannedCount"] != float64(30) || item["code"] != "WJ-001" {
		t.Fatalf("published batch = %v", batch)
	}

	// Adjustment: a reason is required, only of the published version, one open version at a time.
	f.refused(t, "adjust without reason", apperr.Invalid, func() error { _, err := plans.Adjust(f.dept, f.client, p1.ID, " "); return err })
	f.refused(t, "adjust a draft", plans.CodeBadState, func() error { _, err := plans.Adjust(f.dept, f.client, p2.ID, "调整"); return err })
	// The list is revised meanwhile; the adjustment takes the current items of the same codes.
	f.publishList(t, f.draftList.ID)
	f.clock.Move(at(2026, 7, 1, 9, 0))
	v2, err := plans.Adjust(f.dept, f.client, p1.ID, "根据上半年风险监测情况增加第二批次")
	if err != nil {
		t.Fatal(err)
	}
	if v2.Number != p1.Number || v2.Version != 2 || v2.PreviousID == nil || *v2.PreviousID != p1.ID || v2.Status != plan.StatusDRAFT {
		t.Fatalf("adjusted version: %+v", v2)
	}
	copied := f.client.PlanBatch.Query().Where(planbatch.PlanID(v2.ID)).WithParticipants().
		WithItems(func(q *ent.InspectionItemQuery) { q.WithItemList().Order(ent.Asc(inspectionitem.FieldCode)) }).OnlyX(f.sys)
	if copied.Seq != b1.Seq || copied.Name != b1.Name || !copied.StartDate.Equal(b1.StartDate) || *copied.PlannedCount != 30 ||
		len(copied.Edges.Participants) != 1 || copied.Edges.Participants[0].ID != f.yj.ID || len(copied.Edges.Items) != 2 {
		t.Fatalf("copied batch: %+v", copied)
	}
	for _, it := range copied.Edges.Items {
		if it.ItemListID != f.draftList.ID {
			t.Fatalf("copied item %s is of list %d, want the current list %d", it.Code, it.ItemListID, f.draftList.ID)
		}
	}
	f.refused(t, "second open adjustment", apperr.Conflict, func() error { _, err := plans.Adjust(f.dept, f.client, p1.ID, "再调整"); return err })
	b2 := f.batch(2, f.draftItem)
	b2.Start, b2.End = at(2026, 8, 1, 0, 0), at(2026, 11, 30, 0, 0)
	if _, err := plans.AddBatch(f.dept, f.client, v2.ID, b2); err != nil {
		t.Fatal(err)
	}
	f.file(t, v2.ID)
	if _, err := plans.Publish(f.dept, f.client, v2.ID); err != nil {
		t.Fatal(err)
	}
	if p := f.plan(t, p1.ID); p.Status != plan.StatusSUPERSEDED {
		t.Fatalf("version 1 status = %s", p.Status)
	}
	if p := f.plan(t, v2.ID); p.Status != plan.StatusPUBLISHED || p.LateFiling {
		t.Fatalf("version 2: %+v", p)
	}
	pubs := f.client.Publication.Query().Where(publication.KindEQ(publication.KindPLAN)).Order(ent.Asc(publication.FieldID)).AllX(f.sys)
	if len(pubs) != 2 || pubs[1].Payload["adjustmentReason"] != "根据上半年风险监测情况增加第二批次" ||
		pubs[1].Payload["version"] != float64(2) || len(pubs[1].Payload["batches"].([]any)) != 2 {
		t.Fatalf("publications: %+v", pubs)
	}
}

func TestPlans_LateFilingAfterJanuary(t *testing.T) {
	f := setup(t)
	onTime, _ := f.draftPlan(t, "按时报送的计划")
	late, _ := f.draftPlan(t, "逾期报送的计划")
	f.draftPlan(t, "未报送的计划")
	numbers := func(ps []*ent.Plan) []string {
		out := []string{}
		for _, p := range ps {
			out = append(out, p.Number)
		}
		return out
	}

	f.clock.Move(at(2026, 1, 31, 23, 59))
	fl, err := plans.Submit(f.dept, f.client, onTime.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p := f.plan(t, onTime.ID); p.LateFiling || fl.Late {
		t.Fatalf("filed 2026-01-31 23:59 CST: plan late %v, filing late %v", p.LateFiling, fl.Late)
	}
	if got, _ := plans.LateFilings(f.sys, f.client, 2026); len(got) != 0 {
		t.Fatalf("before the deadline: late = %v", numbers(got))
	}

	f.clock.Move(at(2026, 2, 1, 0, 0))
	lateFiling, err := plans.Submit(f.dept, f.client, late.ID)
	if err != nil {
		t.Fatal(err)
	}
	if p := f.plan(t, late.ID); !p.LateFiling || !lateFiling.Late {
		t.Fatalf("filed 2026-02-01 00:00 CST: plan late %v, filing late %v", p.LateFiling, lateFiling.Late)
	}
	got, err := plans.LateFilings(f.sys, f.client, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"37092120260002", "37092120260003"}; !slices.Equal(numbers(got), want) {
		t.Fatalf("late filings = %v, want %v", numbers(got), want)
	}

	// A returned filing does not count: the plan is unfiled again, and late when filed anew.
	f.clock.Move(at(2026, 2, 3, 9, 0))
	if _, err := plans.Decide(f.offc, f.client, fl.ID, false, "批次未列明参与部门职责"); err != nil {
		t.Fatal(err)
	}
	got, _ = plans.LateFilings(f.sys, f.client, 2026)
	if want := []string{"37092120260001", "37092120260002", "37092120260003"}; !slices.Equal(numbers(got), want) {
		t.Fatalf("late filings after a return = %v, want %v", numbers(got), want)
	}
	if _, err := plans.Submit(f.dept, f.client, onTime.ID); err != nil {
		t.Fatal(err)
	}
	if p := f.plan(t, onTime.ID); !p.LateFiling {
		t.Fatal("refiled in February after a return: not flagged late")
	}
	if got, _ := plans.LateFilings(f.sys, f.client, 2027); len(got) != 0 {
		t.Fatalf("2027 late filings = %v", numbers(got))
	}
}

func TestPlans_BatchRules(t *testing.T) {
	f := setup(t)
	p, err := plans.Create(f.dept, f.client, f.wj.ID, 2026, "宁阳县卫生健康局2026年度双随机抽查计划", false)
	if err != nil {
		t.Fatal(err)
	}
	add := func(ctx context.Context, planID int, in plans.BatchInput) func() error {
		return func() error { _, err := plans.AddBatch(ctx, f.client, planID, in); return err }
	}
	reversed := f.batch(1, f.items[0])
	reversed.Start, reversed.End = reversed.End, reversed.Start
	nextYear := f.batch(1, f.items[0])
	nextYear.End = at(2027, 1, 15, 0, 0)
	newYearsDay := f.batch(1, f.items[0]) // 2026-01-01 00:00 CST is in the plan year, though 2025 in UTC
	newYearsDay.Start = time.Date(2025, 12, 31, 16, 0, 0, 0, time.UTC)
	foreignInitiator := f.batch(1, f.items[0])
	foreignInitiator.InitiatorID, foreignInitiator.ParticipantIDs = f.yj.ID, nil
	selfParticipant := f.batch(1, f.items[0])
	selfParticipant.ParticipantIDs = []int{f.wj.ID}
	newYearCST := f.batch(1, f.items[0]) // 2026 in UTC, 2027-01-01 in China
	newYearCST.End = time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC)
	unknownItem := f.batch(1)
	unknownItem.ItemIDs = []int{f.items[0].ID + 999999}

	for _, c := range []struct {
		name, code string
		fn         func() error
	}{
		{"item of a draft list version", lists.CodeNotPublished, add(f.dept, p.ID, f.batch(1, f.items[0], f.draftItem))},
		{"unknown item", apperr.NotFound, add(f.dept, p.ID, unknownItem)},
		{"no items", apperr.Invalid, add(f.dept, p.ID, f.batch(1))},
		{"end before start", apperr.Invalid, add(f.dept, p.ID, reversed)},
		{"outside the plan year", apperr.Invalid, add(f.dept, p.ID, nextYear)},
		{"ending on New Year's Day, China time", apperr.Invalid, add(f.dept, p.ID, newYearCST)},
		{"initiator of another department", apperr.Invalid, add(f.dept, p.ID, foreignInitiator)},
		{"initiator also participant", apperr.Invalid, add(f.dept, p.ID, selfParticipant)},
		{"another department's plan", apperr.Forbidden, add(f.other, p.ID, f.batch(1, f.items[0]))},
	} {
		f.refused(t, c.name, c.code, c.fn)
	}
	if err := add(f.dept, p.ID, newYearsDay)(); err != nil {
		t.Fatalf("batch starting 2026-01-01 CST: %v", err)
	}
	f.refused(t, "duplicate batch number", apperr.Conflict, add(f.dept, p.ID, f.batch(1, f.items[1])))
	// The list is revised after the batch was drafted: its items may no longer be filed.
	f.publishList(t, f.draftList.ID)
	f.refused(t, "submit with items of a superseded list", lists.CodeNotPublished, func() error {
		_, err := plans.Submit(f.dept, f.client, p.ID)
		return err
	})
}

func TestPlans_CountyWidePlan(t *testing.T) {
	f := setup(t)
	f.refused(t, "county-wide plan of a department", apperr.Invalid, func() error {
		_, err := plans.Create(f.dept, f.client, f.wj.ID, 2026, "全县统一抽查计划", true)
		return err
	})
	p, err := plans.Create(f.offc, f.client, f.office.ID, 2026, "宁阳县2026年度部门联合抽查计划", true)
	if err != nil {
		t.Fatal(err)
	}
	joint := f.batch(1, f.items...)
	joint.InitiatorID, joint.ParticipantIDs = f.yj.ID, []int{f.wj.ID, f.office.ID}
	if _, err := plans.AddBatch(f.offc, f.client, p.ID, joint); err != nil {
		t.Fatalf("county-wide batch initiated by another department: %v", err)
	}
}

func TestPlans_ReturnedFilingGoesBackToDraft(t *testing.T) {
	f := setup(t)
	p, b := f.draftPlan(t, "宁阳县卫生健康局2026年度双随机抽查计划")
	fl, err := plans.Submit(f.dept, f.client, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.refused(t, "add a batch while the filing is pending", plans.CodeNotEditable, func() error {
		_, err := plans.AddBatch(f.dept, f.client, p.ID, f.batch(2, f.items[0]))
		return err
	})
	f.refused(t, "rename while the filing is pending", plans.CodeNotEditable, func() error {
		return f.write(f.dept, func(tx *ent.Tx) error { return tx.Plan.UpdateOneID(p.ID).SetName("改名").Exec(f.dept) })
	})
	for name, ctx := range map[string]context.Context{"the department itself": f.dept, "another department": f.other} {
		f.refused(t, "decision by "+name, apperr.Forbidden, func() error { _, err := plans.Decide(ctx, f.client, fl.ID, true, ""); return err })
	}
	f.refused(t, "return without a reason", apperr.Invalid, func() error { _, err := plans.Decide(f.offc, f.client, fl.ID, false, " "); return err })
	if _, err := plans.Decide(f.offc, f.client, fl.ID, false, "第1批次抽查比例与事项清单不一致"); err != nil {
		t.Fatal(err)
	}
	if got := f.plan(t, p.ID); got.Status != plan.StatusDRAFT || got.FiledAt != nil {
		t.Fatalf("returned plan: status %s filed_at %v", got.Status, got.FiledAt)
	}
	f.refused(t, "decide a decided filing", plans.CodeBadState, func() error { _, err := plans.Decide(f.offc, f.client, fl.ID, true, ""); return err })
	f.refused(t, "publish a returned plan", plans.CodeBadState, func() error { _, err := plans.Publish(f.dept, f.client, p.ID); return err })

	// Returned: editable again, then filed anew and acknowledged.
	err = f.write(f.dept, func(tx *ent.Tx) error {
		if err := tx.Plan.UpdateOneID(p.ID).SetName("宁阳县卫生健康局2026年度双随机抽查计划（修改稿）").Exec(f.dept); err != nil {
			return err
		}
		return tx.PlanBatch.UpdateOneID(b.ID).SetPlannedRatio(0.03).SetEndDate(at(2026, 5, 31, 0, 0)).Exec(f.dept)
	})
	if err != nil {
		t.Fatalf("editing a returned plan: %v", err)
	}
	f.refused(t, "edited batch ending before it starts", apperr.Invalid, func() error {
		return f.write(f.dept, func(tx *ent.Tx) error {
			return tx.PlanBatch.UpdateOneID(b.ID).SetEndDate(at(2026, 2, 1, 0, 0)).Exec(f.dept)
		})
	})
	f.file(t, p.ID)
	if got := f.plan(t, p.ID); got.Status != plan.StatusFILED {
		t.Fatalf("refiled plan status = %s", got.Status)
	}
	if n := f.client.Filing.Query().CountX(f.sys); n != 3 { // the list's and the plan's two
		t.Fatalf("filings = %d", n)
	}
}

func TestPlans_FiledVersionsAreImmutable(t *testing.T) {
	f := setup(t)
	superseded, _ := f.draftPlan(t, "将被取代的计划")
	f.file(t, superseded.ID)
	if _, err := plans.Publish(f.dept, f.client, superseded.ID); err != nil {
		t.Fatal(err)
	}
	published, err := plans.Adjust(f.dept, f.client, superseded.ID, "调整抽查比例")
	if err != nil {
		t.Fatal(err)
	}
	f.file(t, published.ID)
	if _, err := plans.Publish(f.dept, f.client, published.ID); err != nil {
		t.Fatal(err)
	}
	filed, _ := f.draftPlan(t, "已备案未公示的计划")
	f.file(t, filed.ID)
	draft, _ := f.draftPlan(t, "草稿计划")

	for _, id := range []int{superseded.ID, published.ID, filed.ID} {
		p := f.plan(t, id)
		b := f.client.PlanBatch.Query().Where(planbatch.PlanID(id)).FirstX(f.sys)
		// The operator (system viewer) passes the department rules; the plan rules still hold.
		in := func(fn func(tx *ent.Tx) error) func() error { return func() error { return f.write(f.sys, fn) } }
		for _, c := range []struct {
			name string
			fn   func() error
		}{
			{"rename the plan", in(func(tx *ent.Tx) error { return tx.Plan.UpdateOneID(id).SetName("改名").Exec(f.sys) })},
			{"bulk-update plans", in(func(tx *ent.Tx) error {
				return tx.Plan.Update().Where(plan.Number(p.Number)).SetName("改名").Exec(f.sys)
			})},
			{"delete the plan", in(func(tx *ent.Tx) error { return tx.Plan.DeleteOneID(id).Exec(f.sys) })},
			{"rename a batch", in(func(tx *ent.Tx) error { return tx.PlanBatch.UpdateOneID(b.ID).SetName("改名").Exec(f.sys) })},
			{"move a batch's dates", in(func(tx *ent.Tx) error {
				return tx.PlanBatch.UpdateOneID(b.ID).SetEndDate(at(2026, 12, 1, 0, 0)).Exec(f.sys)
			})},
			{"bulk-update batches", in(func(tx *ent.Tx) error {
				return tx.PlanBatch.Update().Where(planbatch.PlanID(id)).SetScope("全部").Exec(f.sys)
			})},
			{"delete a batch", in(func(tx *ent.Tx) error { return tx.PlanBatch.DeleteOneID(b.ID).Exec(f.sys) })},
			{"add a participant", in(func(tx *ent.Tx) error {
				return tx.PlanBatch.UpdateOneID(b.ID).AddParticipantIDs(f.office.ID).Exec(f.sys)
			})},
			{"remove an item", in(func(tx *ent.Tx) error {
				return tx.PlanBatch.UpdateOneID(b.ID).RemoveItemIDs(f.items[0].ID).Exec(f.sys)
			})},
			{"add an item from the item's side", in(func(tx *ent.Tx) error {
				return tx.InspectionItem.UpdateOneID(f.draftItem.ID).AddPlanBatchIDs(b.ID).Exec(f.sys)
			})},
			{"join a batch from the department's side", in(func(tx *ent.Tx) error {
				return tx.Department.UpdateOneID(f.office.ID).AddParticipatedBatchIDs(b.ID).Exec(f.sys)
			})},
			{"delete a participating department", in(func(tx *ent.Tx) error { return tx.Department.DeleteOneID(f.yj.ID).Exec(f.sys) })},
			{"add a batch", func() error {
				_, err := plans.AddBatch(f.sys, f.client, id, f.batch(9, f.items[0]))
				return err
			}},
		} {
			f.refused(t, fmt.Sprintf("%s of a %s plan", c.name, p.Status), plans.CodeNotEditable, c.fn)
		}
	}

	// The workflow alone sets status, filing and publication fields, even of a draft.
	for _, c := range []struct {
		name string
		fn   func(tx *ent.Tx) error
	}{
		{"set the status", func(tx *ent.Tx) error {
			return tx.Plan.UpdateOneID(draft.ID).SetStatus(plan.StatusPUBLISHED).Exec(f.sys)
		}},
		{"clear the late flag", func(tx *ent.Tx) error { return tx.Plan.UpdateOneID(draft.ID).SetLateFiling(false).Exec(f.sys) }},
		{"change the number", func(tx *ent.Tx) error {
			return tx.Plan.UpdateOneID(draft.ID).SetNumber("37092120269999").Exec(f.sys)
		}},
		{"hand the plan to another department", func(tx *ent.Tx) error {
			return tx.Department.UpdateOneID(f.yj.ID).AddPlanIDs(draft.ID).Exec(f.sys)
		}},
		{"create a published plan", func(tx *ent.Tx) error {
			return tx.Plan.Create().SetNumber("37092120269999").SetYear(2026).SetName("直接公示").SetDepartmentID(f.wj.ID).
				SetStatus(plan.StatusPUBLISHED).Exec(f.sys)
		}},
	} {
		f.refused(t, c.name, plans.CodeBadState, func() error { return f.write(f.sys, c.fn) })
	}
	v3, err := plans.Adjust(f.dept, f.client, published.ID, "再次调整")
	if err != nil {
		t.Fatal(err)
	}
	f.refused(t, "clear the reason of an adjustment", apperr.Invalid, func() error {
		return f.write(f.sys, func(tx *ent.Tx) error { return tx.Plan.UpdateOneID(v3.ID).ClearAdjustmentReason().Exec(f.sys) })
	})

	// Tasks are attached to the batches of published plans; that is allowed.
	b := f.client.PlanBatch.Query().Where(planbatch.PlanID(published.ID)).FirstX(f.sys)
	err = f.write(f.sys, func(tx *ent.Tx) error {
		task, err := tx.Task.Create().SetNumber("37092120260101").SetName("公共场所卫生抽查").SetInitiatorID(f.wj.ID).
			SetWindowStart(at(2026, 3, 1, 0, 0)).SetWindowEnd(at(2026, 4, 1, 0, 0)).Save(f.sys)
		if err != nil {
			return err
		}
		return tx.PlanBatch.UpdateOneID(b.ID).AddTaskIDs(task.ID).Exec(f.sys)
	})
	if err != nil {
		t.Fatalf("attaching a task to a published batch: %v", err)
	}

	// A list filing is decided by lists.Decide, not here.
	lf, err := lists.Submit(f.dept, f.client, f.draftList.ID)
	if err != nil {
		t.Fatal(err)
	}
	f.refused(t, "decide a list filing", apperr.Invalid, func() error { _, err := plans.Decide(f.offc, f.client, lf.ID, true, ""); return err })
}
