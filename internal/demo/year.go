package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/library"
	itemlists "github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/plans"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/tasks"
)

// SampleEntropy is the dice string of the demo's public draw.
const SampleEntropy = "4 1 6 6 2 3 5 1 2 4"

// SampleYear is what RunSampleYear published.
type SampleYear struct {
	PlanNumber, TaskNumber string
	DrawID                 int
	CommitmentDigest       string
	Results                int
	CorrectedUSCC          string
}

// RunSampleYear runs one year of the regime on the demo data with the domain packages, so that
// the portal, the open data and the transparency log have something to show on first start: a
// county-wide plan filed and published in January; a joint task of the market regulator and
// the health commission announced in August, committed and drawn with SampleEntropy; results
// entered after inspections ending 25 September, approved and published on 20 October (within 20
// working days across National Day); the task closed and the draw revealed; one result corrected
// on 5 November, signed by the head (headAccountID with headPassword). It runs on its own
// business clock, set to those dates, in its context (clock.With); the hub's clock is untouched.
// drawer is the hub's draw service (over client).
func RunSampleYear(ctx context.Context, client *ent.Client, drawer *draws.Drawer, headAccountID int, headPassword string) (*SampleYear, error) {
	fixed := clock.NewFixed(day(2026, 1, 20).Add(10 * time.Hour))
	ctx = clock.With(ctx, fixed.Now)
	at := func(y, m, d int) { fixed.Move(day(y, m, d).Add(10 * time.Hour)) }
	out := &SampleYear{}
	scjg, err := client.Department.Query().Where(department.Code("SCJG")).Only(ctx)
	if err != nil {
		return nil, err
	}
	wj, err := client.Department.Query().Where(department.Code("WJ")).Only(ctx)
	if err != nil {
		return nil, err
	}
	item := func(dep *ent.Department, name string) (*ent.InspectionItem, error) {
		cur, err := itemlists.CurrentVersions(ctx, client, clock.Now(ctx), dep.ID)
		if err != nil {
			return nil, err
		}
		return client.InspectionItem.Query().Where(inspectionitem.Name(name), inspectionitem.ItemListID(cur[dep.ID].ID)).Only(ctx)
	}
	itemS, err := item(scjg, "企业公示信息的检查")
	if err != nil {
		return nil, err
	}
	itemW, err := item(wj, "公共场所卫生监督检查")
	if err != nil {
		return nil, err
	}

	// January: the county-wide plan.
	p, err := plans.Create(ctx, client, scjg.ID, 2026, "2026年度部门联合双随机抽查计划", true)
	if err != nil {
		return nil, fmt.Errorf("计划: %w", err)
	}
	out.PlanNumber = p.Number
	b, err := plans.AddBatch(ctx, client, p.ID, plans.BatchInput{Seq: 1, Name: "第三季度联合抽查", Scope: "县域内市场主体",
		Start: day(2026, 7, 1), End: day(2026, 9, 30), InitiatorID: scjg.ID, ParticipantIDs: []int{wj.ID}, ItemIDs: []int{itemS.ID, itemW.ID}})
	if err != nil {
		return nil, fmt.Errorf("计划批次: %w", err)
	}
	f, err := plans.Submit(ctx, client, p.ID)
	if err == nil {
		_, err = plans.Decide(ctx, client, f.ID, true, "")
	}
	if err == nil {
		_, err = plans.Publish(ctx, client, p.ID)
	}
	if err != nil {
		return nil, fmt.Errorf("计划备案与公示: %w", err)
	}

	// August: the joint task and its draw.
	at(2026, 8, 20)
	lib, err := client.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(scjg.ID)).OnlyID(ctx)
	if err != nil {
		return nil, err
	}
	tk, err := tasks.Create(ctx, client, tasks.Input{BatchID: &b.ID, InitiatorID: scjg.ID, ParticipantIDs: []int{wj.ID},
		Name:        "2026年第三季度企业公示信息与公共场所卫生部门联合抽查",
		WindowStart: day(2026, 9, 1), WindowEnd: day(2026, 9, 25),
		Items:      []tasks.ItemRef{{DepartmentID: scjg.ID, ItemID: itemS.ID}, {DepartmentID: wj.ID, ItemID: itemW.ID}},
		LibraryIDs: []int{lib},
		Strata:     []tasks.Stratum{{Name: "A", Count: 3}, {Name: "B", Count: 3}, {Name: "C", Count: 2}, {Name: "D", Count: 2}}})
	if err != nil {
		return nil, fmt.Errorf("任务: %w", err)
	}
	out.TaskNumber = tk.Number
	if _, err := tasks.Announce(ctx, client, tk.ID); err != nil {
		return nil, err
	}
	for _, d := range []int{scjg.ID, wj.ID} {
		if _, err := library.Confirm(ctx, client, d, "演示：抽取前两库更新确认", 0); err != nil {
			return nil, err
		}
	}
	dr, err := drawer.Freeze(ctx, tk.ID, "")
	if err == nil {
		dr, err = drawer.Commit(ctx, dr.ID)
	}
	if err == nil {
		out.DrawID, out.CommitmentDigest = dr.ID, dr.CommitmentDigest
		_, err = drawer.Execute(ctx, dr.ID, SampleEntropy)
	}
	if err != nil {
		return nil, fmt.Errorf("抽取: %w", err)
	}

	// September–October: inspections and results.
	at(2026, 9, 1)
	if _, err := tasks.StartInspection(ctx, client, tk.ID); err != nil {
		return nil, err
	}
	at(2026, 9, 28)
	teams, err := client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		WithTarget().Order(ent.Asc(inspectionteam.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	input := func(tg *ent.Target, dep *ent.Department, it *ent.InspectionItem, problem bool) results.ResultInput {
		in := results.ResultInput{TaskID: tk.ID, TargetID: tg.ID, DepartmentID: dep.ID, InspectionEndDate: day(2026, 9, 25),
			Summary: "实地核查", Codes: []string{"NO_PROBLEM"}, MethodCodes: []string{"ON_SITE"},
			Items: []results.ItemInput{{ItemID: it.ID, Checked: true}}}
		if problem {
			in.Codes = []string{"NOT_DISCLOSED"}
			in.Items[0].ProblemFound, in.Items[0].Problem = true, "未按规定公示年度报告"
		}
		return in
	}
	var ids []int
	problemResult := 0
	var problemTarget *ent.Target
	for i, tm := range teams {
		for _, in := range []results.ResultInput{input(tm.Edges.Target, scjg, itemS, i == 1), input(tm.Edges.Target, wj, itemW, false)} {
			r, err := results.Save(ctx, client, in)
			if err == nil {
				_, err = results.Submit(ctx, client, r.ID)
			}
			if err != nil {
				return nil, fmt.Errorf("检查结果: %w", err)
			}
			ids = append(ids, r.ID)
			if i == 1 && in.DepartmentID == scjg.ID {
				problemResult, problemTarget = r.ID, tm.Edges.Target
			}
		}
	}
	at(2026, 10, 20)
	for _, id := range ids {
		if _, err := results.Approve(ctx, client, id); err != nil {
			return nil, err
		}
		if _, err := results.Publish(ctx, client, id, results.PublishOptions{}); err != nil {
			return nil, err
		}
	}
	out.Results = len(ids)
	if _, err := drawer.CloseTask(ctx, tk.ID); err != nil {
		return nil, err
	}
	if _, err := drawer.Reveal(ctx, dr.ID); err != nil {
		return nil, err
	}

	// November: a correction signed by the head.
	at(2026, 11, 5)
	if problemTarget != nil && headAccountID != 0 {
		corr := input(problemTarget, scjg, itemS, false)
		if _, _, err := results.Correct(ctx, client, problemResult, results.CorrectionInput{
			Reason: "企业提交了已按时公示年度报告的证明，原结论有误，予以更正", ResultInput: corr}, headAccountID, headPassword); err != nil {
			return nil, fmt.Errorf("更正: %w", err)
		}
		if problemTarget.Uscc != nil {
			out.CorrectedUSCC = *problemTarget.Uscc
		}
	}
	return out, nil
}
