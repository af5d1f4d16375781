package acceptance

import (
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/tasks"
)

// ongoing is a joint task of SCJG (initiator) and WJ (participant) whose inspection is under
// way: drawn, nothing published. SCJG has a draft result for the first drawn target (whose
// summary is DraftSummary) and a result waiting for review for the second.
type ongoing struct {
	TaskID, DrawID int
	Targets        []*ent.Target // drawn, in team order
	DraftID        int
	PendingID      int
}

// DraftSummary is the summary of the ongoing task's draft result: no outsider may learn it.
const DraftSummary = "草稿：发现消防通道堵塞待复查"

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 0, 0, 0, 0, clock.CST) }

// ongoingTask builds the ongoing joint task on the demo hub, moving the business clock to
// 2026-09-26 (after the inspection window) and back to where it stood.
func (h *hub) ongoingTask() *ongoing {
	t := h.t
	t.Helper()
	ctx, c := h.sys, h.db.Client
	back := h.clock.Now()
	defer h.clock.Move(back)
	h.clock.Move(day(2026, 8, 25).Add(10 * time.Hour))
	scjg, wj := h.deps["SCJG"], h.deps["WJ"]
	item := func(dep *ent.Department, name string) *ent.InspectionItem {
		it, err := c.InspectionItem.Query().Where(inspectionitem.Name(name),
			inspectionitem.HasItemListWith(itemlist.DepartmentID(dep.ID), itemlist.StatusEQ(itemlist.StatusPUBLISHED))).Only(ctx)
		if err != nil {
			t.Fatal(err)
		}
		return it
	}
	itemS, itemW := item(scjg, "企业公示信息的检查"), item(wj, "公共场所卫生监督检查")
	b, err := c.PlanBatch.Query().Where(planbatch.HasPlanWith(plan.StatusEQ(plan.StatusPUBLISHED))).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := c.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(scjg.ID)).OnlyID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := tasks.Create(ctx, c, tasks.Input{BatchID: &b.ID, InitiatorID: scjg.ID, ParticipantIDs: []int{wj.ID},
		Name: "验收测试：进行中的部门联合抽查", WindowStart: day(2026, 9, 1), WindowEnd: day(2026, 9, 25),
		Items:      []tasks.ItemRef{{DepartmentID: scjg.ID, ItemID: itemS.ID}, {DepartmentID: wj.ID, ItemID: itemW.ID}},
		LibraryIDs: []int{lib}, Strata: []tasks.Stratum{{Name: "A", Count: 2}, {Name: "B", Count: 2}, {Name: "C", Count: 1}, {Name: "D", Count: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tasks.Announce(ctx, c, tk.ID); err != nil {
		t.Fatal(err)
	}
	for _, d := range []int{scjg.ID, wj.ID} {
		if _, err := library.Confirm(ctx, c, d, "验收测试", 0); err != nil {
			t.Fatal(err)
		}
	}
	drawer := draws.New(c).WithKeyDir(h.db.DataDir)
	dr, err := drawer.Freeze(ctx, tk.ID, "")
	if err == nil {
		dr, err = drawer.Commit(ctx, dr.ID)
	}
	if err == nil {
		dr, err = drawer.Execute(ctx, dr.ID, "3 1 4 1 5 9 2 6")
	}
	if err != nil {
		t.Fatal(err)
	}
	h.clock.Move(day(2026, 9, 1).Add(10 * time.Hour))
	if _, err := tasks.StartInspection(ctx, c, tk.ID); err != nil {
		t.Fatal(err)
	}
	teams, err := c.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		WithTarget().Order(ent.Asc(inspectionteam.FieldID)).All(ctx)
	if err != nil || len(teams) < 2 {
		t.Fatalf("teams: %d, %v", len(teams), err)
	}
	out := &ongoing{TaskID: tk.ID, DrawID: dr.ID}
	for _, tm := range teams {
		out.Targets = append(out.Targets, tm.Edges.Target)
	}
	h.clock.Move(day(2026, 9, 26).Add(10 * time.Hour))
	save := func(tg *ent.Target, summary string) *ent.Result {
		r, err := results.Save(ctx, c, results.ResultInput{TaskID: tk.ID, TargetID: tg.ID, DepartmentID: scjg.ID,
			InspectionEndDate: day(2026, 9, 25), Summary: summary, Codes: []string{"NO_PROBLEM"}, MethodCodes: []string{"ON_SITE"},
			Items: []results.ItemInput{{ItemID: itemS.ID, Checked: true}}})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	out.DraftID = save(out.Targets[0], DraftSummary).ID
	pending := save(out.Targets[1], "待审核：未发现问题")
	if _, err := results.Submit(ctx, c, pending.ID); err != nil {
		t.Fatal(err)
	}
	out.PendingID = pending.ID
	return out
}
