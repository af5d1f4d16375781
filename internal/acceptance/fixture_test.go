package acceptance

import (
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/testutil/world"
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
	w := world.FromHub(t, h.db, world.Operator("acceptance test"))
	scjg, itemS := w.SCJG, w.ItemS
	b, err := c.PlanBatch.Query().Where(planbatch.HasPlanWith(plan.StatusEQ(plan.StatusPUBLISHED))).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tk := w.JointTask(world.Joint{BatchID: &b.ID, Name: "验收测试：进行中的部门联合抽查",
		Start: day(2026, 9, 1), End: day(2026, 9, 25), Strata: [4]int{2, 2, 1, 1}})
	w.Announce(tk.ID)
	w.Confirm("验收测试")
	_, dr := w.Draw(draws.New(c).WithKeyDir(h.db.DataDir), tk.ID, "3 1 4 1 5 9 2 6")
	h.clock.Move(day(2026, 9, 1).Add(10 * time.Hour))
	w.StartInspection(tk.ID)
	teams := w.Teams(dr.ID)
	if len(teams) < 2 {
		t.Fatalf("teams: %d", len(teams))
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
