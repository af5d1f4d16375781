package plans

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/filing"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/numbering"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/txn"
)

// Deadline is the filing deadline of the plans of year: the end of January, China time
// (domain.md §2.4). A first version filed at or after this instant is filed late.
func Deadline(year int) time.Time { return time.Date(year, time.February, 1, 0, 0, 0, 0, clock.CST) }

// BatchInput describes one batch of a plan (计划批次).
type BatchInput struct {
	Seq            int
	Name           string
	Scope          string
	PlannedCount   *int
	PlannedRatio   *float64
	Start, End     time.Time
	InitiatorID    int
	ParticipantIDs []int
	ItemIDs        []int
}

// Create starts version 1 of a new annual plan of a department, as a draft with a new number.
// A county-wide plan (全县统一计划) is the joint-meeting office's.
func Create(ctx context.Context, client *ent.Client, departmentID, year int, name string, countyWide bool) (*ent.Plan, error) {
	if strings.TrimSpace(name) == "" {
		return nil, apperr.New(apperr.Invalid, "计划名称不能为空")
	}
	if year < 2000 || year > 2100 {
		return nil, apperr.New(apperr.Invalid, "计划年度 %d 不在 2000 至 2100 年之间", year)
	}
	ctx, err := authz.Require(ctx, authz.EditPlans, departmentID)
	if err != nil {
		return nil, err
	}
	var out *ent.Plan
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		dep, err := tx.Department.Get(ctx, departmentID)
		if err != nil {
			return err
		}
		if countyWide && !dep.IsOffice {
			return apperr.New(apperr.Invalid, "全县统一计划由联席会议办公室制定，%s不能制定", dep.Name)
		}
		number, err := numbering.NextPlan(ctx, tx, dep.DivisionCode, year)
		if err != nil {
			return err
		}
		out, err = tx.Plan.Create().SetNumber(number).SetVersion(1).SetYear(year).SetName(strings.TrimSpace(name)).
			SetCountyWide(countyWide).SetDepartmentID(departmentID).SetDivisionCode(dep.DivisionCode).Save(withWorkflow(ctx))
		return err
	})
	return out, err
}

// AddBatch adds a batch to a draft plan. The rules on batches (editable plan, dates within the
// plan year, initiator, items of published lists) are the hooks', so they hold on every path.
func AddBatch(ctx context.Context, client *ent.Client, planID int, in BatchInput) (*ent.PlanBatch, error) {
	if len(in.ItemIDs) == 0 {
		return nil, apperr.New(apperr.Invalid, "批次“%s”至少须列明一项抽查事项", in.Name)
	}
	var out *ent.PlanBatch
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		p, err := tx.Plan.Get(ctx, planID)
		if err != nil {
			return err
		}
		if ctx, err = authz.Require(ctx, authz.EditPlans, p.DepartmentID); err != nil {
			return err
		}
		out, err = tx.PlanBatch.Create().SetPlanID(planID).SetDivisionCode(p.DivisionCode).
			SetSeq(in.Seq).SetName(strings.TrimSpace(in.Name)).SetScope(in.Scope).
			SetNillablePlannedCount(in.PlannedCount).SetNillablePlannedRatio(in.PlannedRatio).
			SetStartDate(in.Start).SetEndDate(in.End).SetInitiatorID(in.InitiatorID).
			AddParticipantIDs(unique(in.ParticipantIDs)...).AddItemIDs(unique(in.ItemIDs)...).Save(ctx)
		return err
	})
	return out, err
}

// Submit files a draft (or returned) plan version with the joint-meeting office (备案). The
// first version is late when filed after the end of January of the plan year; an adjustment
// keeps the flag of the version it adjusts, because adjustments during the year are expected.
func Submit(ctx context.Context, client *ent.Client, planID int) (*ent.Filing, error) {
	var out *ent.Filing
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		p, err := tx.Plan.Query().Where(plan.ID(planID)).
			WithBatches(func(q *ent.PlanBatchQuery) { q.WithItems().Order(ent.Asc(planbatch.FieldSeq)) }).Only(ctx)
		if err != nil {
			return err
		}
		if ctx, err = authz.Require(ctx, authz.SubmitFiling, p.DepartmentID); err != nil {
			return err
		}
		if p.Status != plan.StatusDRAFT {
			return apperr.New(CodeBadState, "计划第 %d 版状态为%s，只有草稿或被退回的版本可以报送备案", p.Version, StatusName(p.Status))
		}
		if pending, err := hasPendingFiling(ctx, tx.Client(), p.ID); err != nil {
			return err
		} else if pending {
			return apperr.New(CodeBadState, "计划第 %d 版已报送备案，正在等待联席会议办公室办理", p.Version)
		}
		if len(p.Edges.Batches) == 0 {
			return apperr.New(apperr.Invalid, "计划第 %d 版没有批次，不能报送备案", p.Version)
		}
		var itemIDs []int
		for _, b := range p.Edges.Batches {
			if len(b.Edges.Items) == 0 {
				return apperr.New(apperr.Invalid, "批次“%s”没有抽查事项，不能报送备案", b.Name)
			}
			for _, it := range b.Edges.Items {
				itemIDs = append(itemIDs, it.ID)
			}
		}
		// A list may have been superseded since the batch was drafted.
		if err := lists.CheckUsable(ctx, tx.Client(), unique(itemIDs)...); err != nil {
			return err
		}
		now := clock.Now(ctx)
		late := p.LateFiling
		if p.Version == 1 {
			late = !now.Before(Deadline(p.Year))
		}
		if err := tx.Plan.UpdateOneID(planID).SetFiledAt(now).SetLateFiling(late).Exec(withWorkflow(ctx)); err != nil {
			return err
		}
		out, err = lists.RecordFiling(ctx, tx.Filing.Create().SetKind(filing.KindPLAN).SetLate(p.Version == 1 && late).
			SetDepartmentID(p.DepartmentID).SetPlanID(planID).SetDivisionCode(p.DivisionCode), now)
		return err
	})
	return out, err
}

// Decide is the office's decision on a plan filing (lists.DecideFiling): acknowledged, the
// plan becomes FILED; returned, the plan is a draft again and must be filed anew.
func Decide(ctx context.Context, client *ent.Client, filingID int, accept bool, comment string) (*ent.Filing, error) {
	return lists.DecideFiling(ctx, client, filingID, accept, comment, lists.FilingDecision{
		BadState: CodeBadState,
		Check: func(f *ent.Filing) error {
			if f.Kind != filing.KindPLAN || f.PlanID == nil {
				return apperr.New(apperr.Invalid, "该备案不是年度抽查计划的备案")
			}
			return nil
		},
		Apply: func(ctx context.Context, tx *ent.Tx, f *ent.Filing, accept bool) error {
			p, err := tx.Plan.Get(ctx, *f.PlanID)
			if err != nil {
				return err
			}
			pu := tx.Plan.UpdateOneID(p.ID)
			if accept {
				pu.SetStatus(plan.StatusFILED)
			} else {
				// The returned filing does not count: the plan is unfiled until filed anew.
				pu.ClearFiledAt()
				if p.Version == 1 {
					pu.SetLateFiling(false)
				}
			}
			return pu.Exec(withWorkflow(ctx))
		},
	})
}

// Publish publishes an acknowledged plan version on the portal; the published version of the
// same number it replaces becomes SUPERSEDED. The publication records what the public sees.
func Publish(ctx context.Context, client *ent.Client, planID int) (*ent.Plan, error) {
	var out *ent.Plan
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		p, err := tx.Plan.Query().Where(plan.ID(planID)).WithDepartment().
			WithBatches(func(q *ent.PlanBatchQuery) {
				q.Order(ent.Asc(planbatch.FieldSeq)).WithInitiator().
					WithParticipants(func(q *ent.DepartmentQuery) {
						q.Order(ent.Asc(department.FieldSortOrder), ent.Asc(department.FieldCode))
					}).
					WithItems(func(q *ent.InspectionItemQuery) { q.Order(ent.Asc(inspectionitem.FieldCode)) })
			}).Only(ctx)
		if err != nil {
			return err
		}
		if ctx, err = authz.Require(ctx, authz.PublishList, p.DepartmentID); err != nil {
			return err
		}
		if p.Status != plan.StatusFILED {
			return apperr.New(CodeBadState, "计划第 %d 版状态为%s，备案确认后才能公示", p.Version, StatusName(p.Status))
		}
		wctx := withWorkflow(ctx)
		current, err := tx.Plan.Query().Where(plan.Number(p.Number), plan.StatusEQ(plan.StatusPUBLISHED)).IDs(ctx)
		if err != nil {
			return err
		}
		for _, id := range current {
			if err := tx.Plan.UpdateOneID(id).SetStatus(plan.StatusSUPERSEDED).Exec(wctx); err != nil {
				return err
			}
		}
		now := clock.Now(ctx)
		if out, err = tx.Plan.UpdateOneID(planID).SetStatus(plan.StatusPUBLISHED).SetPublishedAt(now).Save(wctx); err != nil {
			return err
		}
		_, err = publish.Record(ctx, tx, publish.Act{Kind: publication.KindPLAN,
			Title:       fmt.Sprintf("%s（第 %d 版）", p.Name, p.Version),
			SubjectType: ent.TypePlan, SubjectID: p.ID, DepartmentID: p.DepartmentID, DivisionCode: p.DivisionCode,
			Payload: publicPlan(p), At: now})
		return err
	})
	return out, err
}

// publicPlan is what the public sees of a plan version.
func publicPlan(p *ent.Plan) publish.Plan {
	day := func(t time.Time) string { return t.In(clock.CST).Format("2006-01-02") }
	batches := []publish.PlanBatch{}
	for _, b := range p.Edges.Batches {
		participants := []string{}
		for _, d := range b.Edges.Participants {
			participants = append(participants, d.Name)
		}
		items := []publish.CodeRef{}
		for _, it := range b.Edges.Items {
			items = append(items, publish.CodeRef{Code: it.Code, Name: it.Name})
		}
		batches = append(batches, publish.PlanBatch{
			Seq: b.Seq, Name: b.Name, Scope: b.Scope, PlannedCount: b.PlannedCount, PlannedRatio: b.PlannedRatio,
			StartDate: day(b.StartDate), EndDate: day(b.EndDate), Initiator: b.Edges.Initiator.Name,
			Participants: participants, Items: items,
		})
	}
	return publish.Plan{
		Number: p.Number, Version: p.Version, Year: p.Year, Name: p.Name, CountyWide: p.CountyWide,
		Department: p.Edges.Department.Name, DepartmentCode: p.Edges.Department.Code,
		AdjustmentReason: p.AdjustmentReason, LateFiling: p.LateFiling, Batches: batches,
	}
}

// Adjust starts an adjustment (调整) of a published plan: a new draft version with the same
// number, the reason, and a copy of the batches. Items of a list version superseded since are
// replaced by the item with the same code in the department's current list; an item the
// current list no longer has is left out, for the department to review before filing.
func Adjust(ctx context.Context, client *ent.Client, planID int, reason string) (*ent.Plan, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, apperr.New(apperr.Invalid, "调整年度抽查计划须说明调整原因")
	}
	var out *ent.Plan
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		p, err := tx.Plan.Query().Where(plan.ID(planID)).
			WithBatches(func(q *ent.PlanBatchQuery) {
				q.Order(ent.Asc(planbatch.FieldSeq)).WithParticipants().
					WithItems(func(q *ent.InspectionItemQuery) { q.WithItemList().Order(ent.Asc(inspectionitem.FieldCode)) })
			}).Only(ctx)
		if err != nil {
			return err
		}
		if ctx, err = authz.Require(ctx, authz.EditPlans, p.DepartmentID); err != nil {
			return err
		}
		if p.Status != plan.StatusPUBLISHED {
			return apperr.New(CodeBadState, "计划第 %d 版状态为%s，只能在现行公示的版本上调整", p.Version, StatusName(p.Status))
		}
		open, err := tx.Plan.Query().Where(plan.Number(p.Number), plan.StatusIn(plan.StatusDRAFT, plan.StatusFILED)).First(ctx)
		if err == nil {
			return apperr.New(apperr.Conflict, "计划第 %d 版（%s）尚未办结，请先完成或在其上修改，不能同时调整", open.Version, StatusName(open.Status))
		} else if !ent.IsNotFound(err) {
			return err
		}
		last, err := tx.Plan.Query().Where(plan.Number(p.Number)).Order(ent.Desc(plan.FieldVersion)).First(ctx)
		if err != nil {
			return err
		}
		out, err = tx.Plan.Create().SetNumber(p.Number).SetVersion(last.Version + 1).SetYear(p.Year).SetName(p.Name).
			SetCountyWide(p.CountyWide).SetDepartmentID(p.DepartmentID).SetDivisionCode(p.DivisionCode).
			SetAdjustmentReason(reason).SetLateFiling(p.LateFiling).SetPreviousID(p.ID).Save(withWorkflow(ctx))
		if err != nil {
			return err
		}
		for _, b := range p.Edges.Batches {
			itemIDs, err := currentItems(ctx, tx, b.Edges.Items)
			if err != nil {
				return err
			}
			c := tx.PlanBatch.Create().SetPlanID(out.ID).SetDivisionCode(b.DivisionCode).SetSeq(b.Seq).SetName(b.Name).
				SetScope(b.Scope).SetNillablePlannedCount(b.PlannedCount).SetNillablePlannedRatio(b.PlannedRatio).
				SetStartDate(b.StartDate).SetEndDate(b.EndDate).SetInitiatorID(b.InitiatorID).AddItemIDs(itemIDs...)
			for _, d := range b.Edges.Participants {
				c.AddParticipantIDs(d.ID)
			}
			if err := c.Exec(ctx); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// currentItems maps items (with their list loaded) to the items of the current published
// list versions, by the item code, which is stable across versions.
func currentItems(ctx context.Context, tx *ent.Tx, items []*ent.InspectionItem) ([]int, error) {
	current, err := lists.CurrentVersions(ctx, tx.Client(), clock.Now(ctx), 0)
	if err != nil {
		return nil, err
	}
	currentIDs, err := lists.CurrentIDs(ctx, tx.Client(), clock.Now(ctx))
	if err != nil {
		return nil, err
	}
	var ids []int
	for _, it := range items {
		l := it.Edges.ItemList
		if slices.Contains(currentIDs, l.ID) {
			ids = append(ids, it.ID)
			continue
		}
		c, ok := current[l.DepartmentID]
		if !ok {
			continue
		}
		cur, err := tx.InspectionItem.Query().Where(inspectionitem.Code(it.Code), inspectionitem.ItemListID(c.ID)).
			First(ctx)
		if ent.IsNotFound(err) {
			continue
		} else if err != nil {
			return nil, err
		}
		ids = append(ids, cur.ID)
	}
	return unique(ids), nil
}

// LateFilings lists, for the office, the plans of year filed late or — once the deadline has
// passed — not filed: first versions (one per plan number) that are flagged late or have no
// standing filing (never filed, or returned and not filed anew).
func LateFilings(ctx context.Context, client *ent.Client, year int) ([]*ent.Plan, error) {
	late := []predicate.Plan{plan.LateFiling(true)}
	if !clock.Now(ctx).Before(Deadline(year)) {
		late = append(late, plan.FiledAtIsNil())
	}
	return client.Plan.Query().Where(plan.Year(year), plan.Version(1), plan.Or(late...)).
		WithDepartment().Order(ent.Asc(plan.FieldNumber)).All(ctx)
}

// StatusName is the Chinese name of a plan status.
func StatusName(s plan.Status) string {
	switch s {
	case plan.StatusDRAFT:
		return "草稿"
	case plan.StatusFILED:
		return "已备案"
	case plan.StatusPUBLISHED:
		return "已公示"
	case plan.StatusSUPERSEDED:
		return "已被调整后的版本取代"
	}
	return string(s)
}

// unique returns ids without duplicates, in their first order.
func unique(ids []int) []int {
	out := make([]int, 0, len(ids))
	for _, id := range ids {
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}
