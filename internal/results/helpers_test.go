package results_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/followupoption"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	hubpkg "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

const headPassword = "负责人口令-2026"

// hub is a joint task of 县市场监管局 (SCJG, initiator, two items) and 县卫健局 (WJ, one item)
// with targets A and B drawn and C not drawn.
type hub struct {
	t       *testing.T
	db      *hubpkg.Hub
	client  *ent.Client
	dataDir string
	sys     context.Context

	scjg, wj, yj        *ent.Department
	task                *ent.Task
	scjgItems, wjItems  []*ent.InspectionItem
	a, b, c             *ent.Target
	inspector, approver *ent.Account
	dual, head, wjInsp  *ent.Account
	asInspector         context.Context
	asApprover, asDual  context.Context
	asHead, asWJ        context.Context
	codes               map[string]int
	followUps           map[string]int
}

func newHub(t *testing.T) *hub {
	t.Helper()
	db := testutil.Open(t)
	ctx := context.Background()
	db.Client.Use(results.Hooks()...)
	if err := results.InstallTriggers(ctx, db.SQL, db.Dialect); err != nil {
		t.Fatal(err)
	}
	if err := results.InstallTriggers(ctx, db.SQL, db.Dialect); err != nil { // idempotent
		t.Fatalf("second InstallTriggers: %v", err)
	}
	h := &hub{t: t, db: db, client: db.Client, dataDir: t.TempDir(), sys: testutil.System(), codes: map[string]int{}, followUps: map[string]int{}}
	sys := h.sys
	for _, rc := range db.Client.ResultCode.Query().AllX(sys) {
		h.codes[rc.Code] = rc.ID
	}
	for _, fo := range db.Client.FollowUpOption.Query().Order(ent.Asc(followupoption.FieldSortOrder)).AllX(sys) {
		h.followUps[fo.Code] = fo.ID
	}
	w := world.Build(t, db)
	h.scjg, h.wj, h.yj = w.SCJG, w.WJ, w.YJ
	ls, items := w.RawLists(
		world.List{Dep: h.scjg, Version: 1, Items: []world.Item{{Code: "SCJG-01", Name: "企业公示信息抽查"}, {Code: "SCJG-02", Name: "食品经营许可检查"}}},
		world.List{Dep: h.wj, Version: 1, Items: []world.Item{{Code: "WJ-01", Name: "公共场所卫生监督检查"}}})
	h.scjgItems, h.wjItems = items[0], items[1]
	w.SetListStatus(itemlist.StatusPUBLISHED, ls[0].ID, ls[1].ID)
	err := txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		plan := tx.Plan.Create().SetNumber("37092120260001").SetYear(2026).SetName("2026年度宁阳县部门联合抽查计划").SetDepartmentID(h.scjg.ID).SaveX(sys)
		batch := tx.PlanBatch.Create().SetSeq(1).SetName("第三批").SetPlanID(plan.ID).SetInitiatorID(h.scjg.ID).
			SetStartDate(calendar.Date(2026, 9, 1)).SetEndDate(calendar.Date(2026, 10, 31)).SaveX(sys)
		h.task = tx.Task.Create().SetNumber("37092120260007").SetName("食品经营企业联合抽查").SetInitiatorID(h.scjg.ID).
			AddParticipantIDs(h.wj.ID).SetBatchID(batch.ID).
			SetWindowStart(calendar.Date(2024, 12, 1)).SetWindowEnd(calendar.Date(2026, 10, 31)).SaveX(sys)
		for _, it := range h.scjgItems {
			tx.TaskItem.Create().SetTaskID(h.task.ID).SetDepartmentID(h.scjg.ID).SetItemID(it.ID).ExecX(sys)
		}
		for _, it := range h.wjItems {
			tx.TaskItem.Create().SetTaskID(h.task.ID).SetDepartmentID(h.wj.ID).SetItemID(it.ID).ExecX(sys)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tgs := w.Targets(world.Target{Name: "宁阳县甲食品有限公司", USCC: "91370921FFCB13446B"},
		world.Target{Name: "宁阳县乙餐饮有限公司", USCC: "9137092153C38F0B93"}, world.Target{Name: "宁阳县丙商贸有限公司", USCC: "913709212798398800"})
	h.a, h.b, h.c = tgs[0], tgs[1], tgs[2]
	err = txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		d := tx.Draw.Create().SetTaskID(h.task.ID).SetSeq(1).SetStatus(draw.StatusDRAWN).SaveX(sys)
		for i, tg := range []*ent.Target{h.a, h.b} {
			tx.InspectionTeam.Create().SetDrawID(d.ID).SetTargetID(tg.ID).SetStratum("B").SetTicket(strings.Repeat("0", 64)).
				SetPosition(i).SetStatus(inspectionteam.StatusACTIVE).ExecX(sys)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	accs := w.Accounts(headPassword, world.Account{Username: "zhang", Dep: h.scjg, Roles: []string{viewer.RoleInspector}},
		world.Account{Username: "li", Dep: h.scjg, Roles: []string{viewer.RoleApprover}},
		world.Account{Username: "wang", Dep: h.scjg, Roles: []string{viewer.RoleInspector, viewer.RoleApprover}},
		world.Account{Username: "zhao", Dep: h.scjg, Roles: []string{viewer.RoleHead}},
		world.Account{Username: "sun", Dep: h.wj, Roles: []string{viewer.RoleInspector}})
	h.inspector, h.approver, h.dual, h.head, h.wjInsp = accs[0], accs[1], accs[2], accs[3], accs[4]
	h.asInspector, h.asApprover, h.asDual = w.As(h.inspector, h.scjg), w.As(h.approver, h.scjg), w.As(h.dual, h.scjg)
	h.asHead, h.asWJ = w.As(h.head, h.scjg), w.As(h.wjInsp, h.wj)
	return h
}

// input is a valid "no problem found" result of SCJG for target.
func (h *hub) input(target *ent.Target, end time.Time) results.ResultInput {
	return results.ResultInput{
		TaskID: h.task.ID, TargetID: target.ID, InspectionEndDate: end, Summary: "现场检查，未发现问题",
		Codes: []string{"NO_PROBLEM"}, MethodCodes: []string{"ON_SITE"},
		Items: []results.ItemInput{{ItemID: h.scjgItems[0].ID, Checked: true}, {ItemID: h.scjgItems[1].ID, Checked: true}},
	}
}

// problemInput is SCJG's result for target with a problem found and a follow-up.
func (h *hub) problemInput(target *ent.Target, end time.Time, followUp string) results.ResultInput {
	in := h.input(target, end)
	in.Codes = []string{"NOT_DISCLOSED", "CORRECTED"}
	in.Items[0] = results.ItemInput{ItemID: h.scjgItems[0].ID, Checked: true, ProblemFound: true, Problem: "未按时公示年度报告", Handling: "责令限期改正"}
	in.FollowUpOptionID = h.followUps[followUp]
	return in
}

// published enters, submits, approves and publishes a result.
func (h *hub) published(in results.ResultInput, opt results.PublishOptions) *ent.Result {
	h.t.Helper()
	r, err := results.Save(h.asInspector, h.client, in)
	if err != nil {
		h.t.Fatalf("save: %v", err)
	}
	if _, err := results.Submit(h.asInspector, h.client, r.ID); err != nil {
		h.t.Fatalf("submit: %v", err)
	}
	if _, err := results.Approve(h.asApprover, h.client, r.ID); err != nil {
		h.t.Fatalf("approve: %v", err)
	}
	r, err = results.Publish(h.asApprover, h.client, r.ID, opt)
	if err != nil {
		h.t.Fatalf("publish: %v", err)
	}
	return r
}

// exec runs raw SQL through the hub's connection.
func (h *hub) exec(q string) error {
	_, err := h.db.SQL.Exec(q)
	return err
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("%s: code = %q, want %q (err = %v)", what, got, code, err)
	}
}

func day(s string) time.Time {
	d, err := calendar.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}
