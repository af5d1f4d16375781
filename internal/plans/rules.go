// Package plans keeps the annual inspection plans (年度抽查计划): versions with batches, filing
// (备案) with the joint-meeting office by the end of January, publication on the portal, and
// adjustments during the year as new versions with a reason (domain.md §2.4). As in
// internal/lists, the rules that freeze a filed version run as ent hooks installed by
// hub.Open, so every path (GraphQL, import, CLI) passes through them.
package plans

import (
	"context"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/hooks"
	"slices"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/filing"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Codes of plan errors.
const (
	// CodeNotEditable: the plan version is filed, pending at the office, published or superseded.
	CodeNotEditable = "PLAN_NOT_EDITABLE"
	// CodeBadState: the step does not apply to the version's state, or a field only the
	// workflow sets was written directly.
	CodeBadState = "PLAN_BAD_STATE"
)

type workflowKey struct{}

// withWorkflow marks ctx as the plan workflow, the only writer of a plan's status, filing and
// publication fields, and of filed versions.
func withWorkflow(ctx context.Context) context.Context {
	return context.WithValue(ctx, workflowKey{}, true)
}

func isWorkflow(ctx context.Context) bool { return ctx.Value(workflowKey{}) != nil }

// Hooks returns the plan rules as ent hooks.
func Hooks() []ent.Hook {
	return []ent.Hook{
		hooks.On(ent.TypePlan, checkPlan),
		hooks.On(ent.TypePlanBatch, checkBatch),
		// The batch edges have inverses: a batch's items and participants can also be changed
		// from the item's or the department's side.
		hooks.On(ent.TypeInspectionItem, checkItemSide),
		hooks.On(ent.TypeDepartment, checkDepartmentSide),
	}
}

// managedFields are set by the workflow only (Create, Submit, Decide, Publish, Adjust).
var managedFields = []string{
	plan.FieldStatus, plan.FieldNumber, plan.FieldVersion, plan.FieldYear, plan.FieldCountyWide,
	plan.FieldDepartmentID, plan.FieldPreviousID, plan.FieldFiledAt, plan.FieldLateFiling,
	plan.FieldPublishedAt, plan.FieldDivisionCode,
}

// managedEdges likewise.
var managedEdges = []string{plan.EdgeDepartment, plan.EdgePrevious, plan.EdgeNext, plan.EdgeFilings}

func hasPendingFiling(ctx context.Context, client *ent.Client, planID int) (bool, error) {
	return client.Filing.Query().Where(filing.PlanID(planID), filing.StatusEQ(filing.StatusSUBMITTED)).Exist(ctx)
}

// checkEditable: only a draft that is not waiting for the office's decision may change.
func checkEditable(ctx context.Context, client *ent.Client, p *ent.Plan) error {
	if p.Status != plan.StatusDRAFT {
		return apperr.New(CodeNotEditable, "计划“%s”第 %d 版状态为%s，已备案或公示的版本不可修改；如需调整请新建调整版本", p.Name, p.Version, StatusName(p.Status))
	}
	pending, err := hasPendingFiling(ctx, client, p.ID)
	if err != nil {
		return err
	}
	if pending {
		return apperr.New(CodeNotEditable, "计划“%s”第 %d 版已报送备案、等待办理，不可修改；如需修改请由办公室退回", p.Name, p.Version)
	}
	return nil
}

func checkPlan(ctx context.Context, m ent.Mutation) error {
	pm := m.(*ent.PlanMutation)
	if isWorkflow(ctx) {
		return nil
	}
	if m.Op().Is(ent.OpCreate) {
		s, ok := pm.Status()
		late, _ := pm.LateFiling()
		_, filed := pm.FiledAt()
		_, published := pm.PublishedAt()
		if ok && s != plan.StatusDRAFT || late || filed || published {
			return apperr.New(CodeBadState, "新建的计划只能是草稿；备案和公示须通过报送、办理和公示流程")
		}
		return nil
	}
	client := pm.Client()
	ids, err := pm.IDs(ctx)
	if err != nil {
		return err
	}
	plans, err := client.Plan.Query().Where(plan.IDIn(ids...)).All(ctx)
	if err != nil {
		return err
	}
	if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
		for _, p := range plans {
			if err := checkEditable(ctx, client, p); err != nil {
				return err
			}
			// The filing register keeps its plans.
			if n, err := client.Filing.Query().Where(filing.PlanID(p.ID)).Count(ctx); err != nil {
				return err
			} else if n > 0 {
				return apperr.New(CodeNotEditable, "计划“%s”第 %d 版已有备案记录，不能删除", p.Name, p.Version)
			}
		}
		return nil
	}
	for _, f := range managedFields {
		if touched(m, f) {
			return apperr.New(CodeBadState, "计划的状态、编号、版本、年度、制定部门及备案和公示信息只能通过报送、办理、公示和调整流程改变")
		}
	}
	for _, e := range changedEdges(m) {
		if slices.Contains(managedEdges, e) {
			return apperr.New(CodeBadState, "计划的状态、编号、版本、年度、制定部门及备案和公示信息只能通过报送、办理、公示和调整流程改变")
		}
	}
	reason, reasonSet := pm.AdjustmentReason()
	for _, p := range plans {
		if err := checkEditable(ctx, client, p); err != nil {
			return err
		}
		if p.Version > 1 && (pm.AdjustmentReasonCleared() || reasonSet && reason == "") {
			return apperr.New(apperr.Invalid, "计划第 %d 版是调整版本，调整原因不能为空", p.Version)
		}
	}
	// Batches moved in from another plan leave that plan.
	return checkBatchesEditable(ctx, client, append(idsOf(m.AddedIDs(plan.EdgeBatches)), idsOf(m.RemovedIDs(plan.EdgeBatches))...))
}

func checkBatch(ctx context.Context, m ent.Mutation) error {
	bm := m.(*ent.PlanBatchMutation)
	if onlyEdge(m, planbatch.EdgeTasks) {
		// Tasks are created from the batches of published plans; that is not a change of the plan.
		return nil
	}
	client := bm.Client()
	var planIDs []int
	if id, ok := bm.PlanID(); ok {
		planIDs = append(planIDs, id)
	}
	var olds []*ent.PlanBatch
	if !m.Op().Is(ent.OpCreate) {
		ids, err := bm.IDs(ctx)
		if err != nil {
			return err
		}
		if olds, err = client.PlanBatch.Query().Where(planbatch.IDIn(ids...)).WithParticipants().All(ctx); err != nil {
			return err
		}
		for _, o := range olds {
			planIDs = append(planIDs, o.PlanID)
		}
	}
	plans := map[int]*ent.Plan{}
	for _, id := range unique(planIDs) {
		p, err := client.Plan.Get(ctx, id)
		if err != nil {
			return err
		}
		if err := checkPlanWritable(ctx, client, p); err != nil {
			return err
		}
		plans[id] = p
	}
	if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
		return nil
	}
	seq, _ := bm.Seq()
	name, _ := bm.Name()
	start, _ := bm.StartDate()
	end, _ := bm.EndDate()
	initiator, _ := bm.InitiatorID()
	if m.Op().Is(ent.OpCreate) {
		pid, _ := bm.PlanID()
		return validateBatch(ctx, client, plans[pid], 0, batchValues{seq, name, start, end, initiator, bm.ParticipantsIDs()})
	}
	for _, o := range olds {
		v := batchValues{o.Seq, o.Name, o.StartDate, o.EndDate, o.InitiatorID, nil}
		if _, ok := bm.Seq(); ok {
			v.seq = seq
		}
		if _, ok := bm.Name(); ok {
			v.name = name
		}
		if _, ok := bm.StartDate(); ok {
			v.start = start
		}
		if _, ok := bm.EndDate(); ok {
			v.end = end
		}
		if _, ok := bm.InitiatorID(); ok {
			v.initiator = initiator
		}
		if !bm.ParticipantsCleared() {
			for _, d := range o.Edges.Participants {
				if !slices.Contains(bm.RemovedParticipantsIDs(), d.ID) {
					v.participants = append(v.participants, d.ID)
				}
			}
		}
		v.participants = append(v.participants, bm.ParticipantsIDs()...)
		pid := o.PlanID
		if id, ok := bm.PlanID(); ok {
			pid = id
		}
		if err := validateBatch(ctx, client, plans[pid], o.ID, v); err != nil {
			return err
		}
	}
	return nil
}

// checkPlanWritable: outside the workflow a batch changes only with its draft plan, and only
// by whoever may write the plan — a batch has no department of its own, so the department
// rule of authz.WriteHook is applied here to the plan's department.
func checkPlanWritable(ctx context.Context, client *ent.Client, p *ent.Plan) error {
	if !isWorkflow(ctx) {
		if err := checkEditable(ctx, client, p); err != nil {
			return err
		}
	}
	return authz.CheckCreate(viewer.FromContext(ctx), ent.TypePlan, p.DepartmentID)
}

type batchValues struct {
	seq          int
	name         string
	start, end   time.Time
	initiator    int
	participants []int
}

// validateBatch checks a batch as it will be: timing within the plan year, the initiator, the
// participants and a sequence number of its own.
func validateBatch(ctx context.Context, client *ent.Client, p *ent.Plan, batchID int, v batchValues) error {
	if v.end.Before(v.start) {
		return apperr.New(apperr.Invalid, "批次“%s”的结束日期 %s 早于开始日期 %s", v.name, day(v.end), day(v.start))
	}
	if v.start.In(clock.CST).Year() != p.Year || v.end.In(clock.CST).Year() != p.Year {
		return apperr.New(apperr.Invalid, "批次“%s”的时间 %s 至 %s 须在计划年度 %d 年内", v.name, day(v.start), day(v.end), p.Year)
	}
	if !p.CountyWide && v.initiator != p.DepartmentID {
		return apperr.New(apperr.Invalid, "批次“%s”的发起部门须为制定本计划的部门；其他部门发起的联合抽查请列入全县统一计划", v.name)
	}
	if slices.Contains(v.participants, v.initiator) {
		return apperr.New(apperr.Invalid, "批次“%s”的发起部门不能同时列为参与部门", v.name)
	}
	q := client.PlanBatch.Query().Where(planbatch.PlanID(p.ID), planbatch.Seq(v.seq))
	if batchID != 0 {
		q.Where(planbatch.IDNEQ(batchID))
	}
	if dup, err := q.Exist(ctx); err != nil {
		return err
	} else if dup {
		return apperr.New(apperr.Conflict, "计划中已有序号为 %d 的批次", v.seq)
	}
	return nil
}

func day(t time.Time) string { return t.In(clock.CST).Format("2006-01-02") }

// checkItemSide guards the items of batches changed from the item's side (and the cascade
// when an item is deleted).
func checkItemSide(ctx context.Context, m ent.Mutation) error {
	im := m.(*ent.InspectionItemMutation)
	batchIDs := append(idsOf(m.AddedIDs(inspectionitem.EdgePlanBatches)), idsOf(m.RemovedIDs(inspectionitem.EdgePlanBatches))...)
	if m.Op().Is(ent.OpDelete|ent.OpDeleteOne) || im.PlanBatchesCleared() {
		ids, err := im.IDs(ctx)
		if err != nil {
			return err
		}
		linked, err := im.Client().PlanBatch.Query().Where(planbatch.HasItemsWith(inspectionitem.IDIn(ids...))).IDs(ctx)
		if err != nil {
			return err
		}
		batchIDs = append(batchIDs, linked...)
	}
	return checkBatchesEditable(ctx, im.Client(), batchIDs)
}

// checkDepartmentSide guards the participants of batches changed from the department's side
// (and the cascade when a department is deleted), and the department of plans.
func checkDepartmentSide(ctx context.Context, m ent.Mutation) error {
	dm := m.(*ent.DepartmentMutation)
	if !isWorkflow(ctx) && slices.Contains(changedEdges(m), department.EdgePlans) {
		return apperr.New(CodeBadState, "计划的制定部门不能直接修改")
	}
	batchIDs := append(idsOf(m.AddedIDs(department.EdgeParticipatedBatches)), idsOf(m.RemovedIDs(department.EdgeParticipatedBatches))...)
	if m.Op().Is(ent.OpDelete|ent.OpDeleteOne) || dm.ParticipatedBatchesCleared() {
		ids, err := dm.IDs(ctx)
		if err != nil {
			return err
		}
		linked, err := dm.Client().PlanBatch.Query().Where(planbatch.HasParticipantsWith(department.IDIn(ids...))).IDs(ctx)
		if err != nil {
			return err
		}
		batchIDs = append(batchIDs, linked...)
	}
	return checkBatchesEditable(ctx, dm.Client(), batchIDs)
}

// checkBatchesEditable applies the batch rule to the plans of the given batches.
func checkBatchesEditable(ctx context.Context, client *ent.Client, batchIDs []int) error {
	if len(batchIDs) == 0 {
		return nil
	}
	plans, err := client.Plan.Query().Where(plan.HasBatchesWith(planbatch.IDIn(unique(batchIDs)...))).All(ctx)
	if err != nil {
		return err
	}
	for _, p := range plans {
		if err := checkPlanWritable(ctx, client, p); err != nil {
			return err
		}
	}
	return nil
}

// touched reports whether the mutation sets, adds to or clears the field.
func touched(m ent.Mutation, name string) bool {
	if _, ok := m.Field(name); ok {
		return true
	}
	if _, ok := m.AddedField(name); ok {
		return true
	}
	return m.FieldCleared(name)
}

// changedEdges lists the edges the mutation adds to, removes from or clears.
func changedEdges(m ent.Mutation) []string {
	var out []string
	for _, e := range slices.Concat(m.AddedEdges(), m.RemovedEdges(), m.ClearedEdges()) {
		if !slices.Contains(out, e) {
			out = append(out, e)
		}
	}
	return out
}

// onlyEdge reports whether an update changes nothing but the edge (and the update time).
func onlyEdge(m ent.Mutation, edge string) bool {
	if !m.Op().Is(ent.OpUpdate | ent.OpUpdateOne) {
		return false
	}
	for _, f := range slices.Concat(m.Fields(), m.AddedFields(), m.ClearedFields()) {
		if f != "updated_at" {
			return false
		}
	}
	edges := changedEdges(m)
	return len(edges) > 0 && !slices.ContainsFunc(edges, func(e string) bool { return e != edge })
}

func idsOf(vs []ent.Value) []int {
	out := make([]int, 0, len(vs))
	for _, v := range vs {
		if id, ok := v.(int); ok {
			out = append(out, id)
		}
	}
	return out
}
