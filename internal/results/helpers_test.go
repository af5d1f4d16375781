package results_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/followupoption"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/calendar"
	hubpkg "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/testutil"
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
	hash, err := auth.HashPassword(headPassword)
	if err != nil {
		t.Fatal(err)
	}
	var listIDs []int
	err = txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		h.scjg = tx.Department.Create().SetCode("SCJG").SetName("宁阳县市场监督管理局").SaveX(sys)
		h.wj = tx.Department.Create().SetCode("WJ").SetName("宁阳县卫生健康局").SaveX(sys)
		h.yj = tx.Department.Create().SetCode("YJ").SetName("宁阳县应急管理局").SaveX(sys)
		item := func(dep *ent.Department, code, name string) *ent.InspectionItem {
			return tx.InspectionItem.Create().SetItemListID(listIDs[len(listIDs)-1]).SetCode(code).SetName(name).
				SetCategory(inspectionitem.CategoryKEY).SetLegalBasis("《企业信息公示暂行条例》").SetResponsibleBody(dep.Name).
				SetTargetType("企业").SetContent(name).SetFrequency("每年不少于1次").SaveX(sys)
		}
		for _, dep := range []*ent.Department{h.scjg, h.wj} {
			l := tx.ItemList.Create().SetDepartmentID(dep.ID).SetName(dep.Name + "随机抽查事项清单").SetVersion(1).SaveX(sys)
			listIDs = append(listIDs, l.ID)
			if dep == h.scjg {
				h.scjgItems = append(h.scjgItems, item(dep, "SCJG-01", "企业公示信息抽查"), item(dep, "SCJG-02", "食品经营许可检查"))
			} else {
				h.wjItems = append(h.wjItems, item(dep, "WJ-01", "公共场所卫生监督检查"))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Publishing a list is the lists workflow's business; here the fixture just marks them.
	for _, id := range listIDs {
		if _, err := db.SQL.Exec(fmt.Sprintf("UPDATE item_lists SET status = 'PUBLISHED' WHERE id = %d", id)); err != nil {
			t.Fatal(err)
		}
	}
	err = txn.Run(sys, db.Client, func(tx *ent.Tx) error {
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
		h.a = tx.Target.Create().SetName("宁阳县甲食品有限公司").SetUscc("91370921FFCB13446B").SaveX(sys)
		h.b = tx.Target.Create().SetName("宁阳县乙餐饮有限公司").SetUscc("9137092153C38F0B93").SaveX(sys)
		h.c = tx.Target.Create().SetName("宁阳县丙商贸有限公司").SetUscc("913709212798398800").SaveX(sys)
		d := tx.Draw.Create().SetTaskID(h.task.ID).SetSeq(1).SetStatus(draw.StatusDRAWN).SaveX(sys)
		for i, tg := range []*ent.Target{h.a, h.b} {
			tx.InspectionTeam.Create().SetDrawID(d.ID).SetTargetID(tg.ID).SetStratum("B").SetTicket(strings.Repeat("0", 64)).
				SetPosition(i).SetStatus(inspectionteam.StatusACTIVE).ExecX(sys)
		}
		acc := func(name string, dep *ent.Department, roles ...string) *ent.Account {
			return tx.Account.Create().SetUsername(name).SetDisplayName(name).SetPasswordHash(hash).SetRoles(roles).SetDepartmentID(dep.ID).SaveX(sys)
		}
		h.inspector = acc("zhang", h.scjg, viewer.RoleInspector)
		h.approver = acc("li", h.scjg, viewer.RoleApprover)
		h.dual = acc("wang", h.scjg, viewer.RoleInspector, viewer.RoleApprover)
		h.head = acc("zhao", h.scjg, viewer.RoleHead)
		h.wjInsp = acc("sun", h.wj, viewer.RoleInspector)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	as := func(a *ent.Account, dep *ent.Department) context.Context {
		return testutil.As(&viewer.Viewer{Kind: viewer.Account, Name: a.Username, AccountID: a.ID, DepartmentID: dep.ID,
			DepartmentCode: dep.Code, Roles: a.Roles})
	}
	h.asInspector, h.asApprover, h.asDual = as(h.inspector, h.scjg), as(h.approver, h.scjg), as(h.dual, h.scjg)
	h.asHead, h.asWJ = as(h.head, h.scjg), as(h.wjInsp, h.wj)
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
