// Package tasks holds inspection tasks (抽查任务) and joint tasks (部门联合抽查): creation from a
// plan batch, the items and inspectors each department contributes, the announcement, and the
// one state machine every path goes through.
package tasks

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
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionmethod"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/numbering"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Error codes.
const (
	CodeBadTransition = "TASK_BAD_STATE"
	CodeInvalid       = "TASK_INVALID"
	// Consistency with the plan, checked when the task is made (README, "一致性检查").
	CodeBatchSuperseded    = "TASK_BATCH_SUPERSEDED"     // the batch is of a plan version no longer current
	CodeWindowOutsideBatch = "TASK_WINDOW_OUTSIDE_BATCH" // the window is not within the batch's dates
	CodeItemNotInBatch     = "TASK_ITEM_NOT_IN_BATCH"    // an item the batch does not name
	CodeWindowPast         = "TASK_WINDOW_PAST"          // the window ended before today
	CodeStrataIncomplete   = "TASK_STRATA_INCOMPLETE"    // a stratum of the frame has no count, ratio or zero
)

// transitions is the task state machine: from → allowed targets. It is the only place that
// says which move is legal.
var transitions = map[task.Status][]task.Status{
	task.StatusDRAFT:      {task.StatusANNOUNCED, task.StatusCANCELLED},
	task.StatusANNOUNCED:  {task.StatusFROZEN, task.StatusCANCELLED},
	task.StatusFROZEN:     {task.StatusFROZEN, task.StatusCOMMITTED, task.StatusCANCELLED},
	task.StatusCOMMITTED:  {task.StatusDRAWN, task.StatusFROZEN, task.StatusCANCELLED},
	task.StatusDRAWN:      {task.StatusINSPECTING},
	task.StatusINSPECTING: {task.StatusREPORTING},
	task.StatusREPORTING:  {task.StatusCLOSED},
}

// StatusName is the Chinese name of a task status.
func StatusName(s task.Status) string {
	switch s {
	case task.StatusDRAFT:
		return "草稿"
	case task.StatusANNOUNCED:
		return "已公告"
	case task.StatusFROZEN:
		return "抽取框已冻结"
	case task.StatusCOMMITTED:
		return "已公布抽取承诺"
	case task.StatusDRAWN:
		return "已抽取"
	case task.StatusINSPECTING:
		return "检查中"
	case task.StatusREPORTING:
		return "结果录入公示中"
	case task.StatusCLOSED:
		return "已办结"
	case task.StatusCANCELLED:
		return "已撤销"
	}
	return string(s)
}

// CanMove reports whether the state machine allows from → to.
func CanMove(from, to task.Status) bool { return slices.Contains(transitions[from], to) }

// Move changes the task's state inside tx, refusing a move the state machine does not allow.
// The update is conditional on the state read, so two concurrent moves cannot both succeed.
func Move(ctx context.Context, tx *ent.Tx, t *ent.Task, to task.Status) (*ent.Task, error) {
	if !CanMove(t.Status, to) {
		return nil, apperr.New(CodeBadTransition, "任务 %s 当前状态为“%s”，不能变为“%s”", t.Number, StatusName(t.Status), StatusName(to))
	}
	n, err := tx.Task.Update().Where(task.ID(t.ID), task.StatusEQ(t.Status)).SetStatus(to).Save(ctx)
	if err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, apperr.New(CodeBadTransition, "任务 %s 的状态已被其他操作改变，请刷新后重试", t.Number)
	}
	return tx.Task.Get(ctx, t.ID)
}

// ItemRef is an item a department contributes to the task.
type ItemRef struct {
	DepartmentID int
	ItemID       int
}

// Stratum is one stratum's ratio (parts per million) or fixed count.
type Stratum struct {
	Name     string `json:"name"`
	RatioPPM int64  `json:"ratioPpm,omitempty"`
	Count    int64  `json:"count,omitempty"`
}

// Input creates a task.
type Input struct {
	BatchID        *int
	InitiatorID    int
	Name           string
	Kind           task.Kind
	Special        bool
	WindowStart    time.Time
	WindowEnd      time.Time
	ParticipantIDs []int
	Items          []ItemRef
	LibraryIDs     []int
	InspectorIDs   []int
	MethodCodes    []string // default: ON_SITE (实地核查)
	// TargetIDs names the targets of a special (定向) inspection instead of a draw from the
	// libraries: a lead cluster's targets, or chosen by hand with TargetReason. Such a task skips
	// target sampling (every named target is inspected) but still draws its inspectors with
	// every team rule; it is special, logged and published as such — the announcement gives the
	// number of named targets, not which ones.
	TargetIDs    []int
	TargetReason string
	// Scope narrows a TARGETED task: keys "kinds" ([]string of target kinds), "industryPrefixes"
	// ([]string of GB/T 4754 code prefixes); other keys are recorded as given.
	Scope      map[string]any
	StratifyBy []string  // default creditRisk
	Strata     []Stratum // default: credit-risk ratios of domain.md §2.6, capped by GENERAL items
	// Team and exclusion rules; nil keeps the schema default.
	TeamSize, ExpertsPerTeam, MaxPerInspector, RotationMonths, RecentMonths, YearlyCap *int
}

// Create creates a DRAFT task with a new number. Every department with items must be the
// initiator or a participant, and every participant contributes at least one item.
// prepare checks a task's input (Create and UpdateDraft alike) and returns its item ids.
func prepare(ctx context.Context, client *ent.Client, in *Input) ([]int, error) {
	if in.Name == "" {
		return nil, apperr.New(CodeInvalid, "任务名称不能为空")
	}
	if in.WindowStart.IsZero() || in.WindowEnd.Before(in.WindowStart) {
		return nil, apperr.New(CodeInvalid, "检查期限无效：结束日期不能早于开始日期")
	}
	if len(in.Items) == 0 {
		return nil, apperr.New(CodeInvalid, "任务没有抽查事项：无事项不检查")
	}
	if len(in.TargetIDs) > 0 {
		if strings.TrimSpace(in.TargetReason) == "" {
			return nil, apperr.New(CodeInvalid, "定向检查点名检查对象须说明理由（如线索聚集、投诉举报）")
		}
		n, err := client.Target.Query().Where(target.IDIn(in.TargetIDs...)).Count(ctx)
		if err != nil {
			return nil, err
		}
		if n != len(dedupInts(in.TargetIDs)) {
			return nil, apperr.New(apperr.NotFound, "点名的检查对象不存在")
		}
		in.Special, in.Kind = true, task.KindTARGETED
		in.TargetIDs, in.TargetReason = dedupInts(in.TargetIDs), strings.TrimSpace(in.TargetReason)
	} else if len(in.LibraryIDs) == 0 {
		return nil, apperr.New(CodeInvalid, "须指定抽取的检查对象名录分库")
	}
	depts := append([]int{in.InitiatorID}, in.ParticipantIDs...)
	contributes := map[int]bool{}
	for _, it := range in.Items {
		if !slices.Contains(depts, it.DepartmentID) {
			return nil, apperr.New(CodeInvalid, "事项所属部门（编号 %d）不是本任务的发起部门或参与部门", it.DepartmentID)
		}
		contributes[it.DepartmentID] = true
	}
	for _, p := range in.ParticipantIDs {
		if !contributes[p] {
			return nil, apperr.New(CodeInvalid, "参与部门（编号 %d）没有纳入任何抽查事项", p)
		}
	}
	if in.Kind == "" {
		in.Kind = task.KindUNTARGETED
	}
	if in.Kind == task.KindTARGETED && len(in.Scope) == 0 && len(in.TargetIDs) == 0 {
		return nil, apperr.New(CodeInvalid, "定向抽查须说明抽查范围（对象类型、行业等）")
	}
	for _, s := range in.StratifyBy {
		if !slices.Contains([]string{"creditRisk", "kind", "industry"}, s) {
			return nil, apperr.New(CodeInvalid, "分层依据“%s”无效：可选 creditRisk、kind、industry", s)
		}
	}
	if err := checkStrata(in); err != nil {
		return nil, err
	}
	itemIDs := make([]int, len(in.Items))
	for i, it := range in.Items {
		itemIDs[i] = it.ItemID
	}
	if err := lists.CheckUsable(ctx, client, itemIDs...); err != nil {
		return nil, err
	}
	if err := checkAgainstPlan(ctx, client, *in, itemIDs); err != nil {
		return nil, err
	}
	return itemIDs, nil
}

func Create(ctx context.Context, client *ent.Client, in Input) (*ent.Task, error) {
	// The initiating department (its administrator) or the office creates the task, choosing
	// the participants' items from their published lists (seed: the 发起部门 organises the joint
	// task); see docs/authorisation.md.
	ctx, err := authz.Require(ctx, authz.ManageTasks, in.InitiatorID)
	if err != nil {
		return nil, err
	}
	itemIDs, err := prepare(ctx, client, &in)
	if err != nil {
		return nil, err
	}
	var out *ent.Task
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		ini, err := tx.Department.Get(ctx, in.InitiatorID)
		if err != nil {
			return err
		}
		methods, err := itemsAndMethods(ctx, tx, &in, itemIDs)
		if err != nil {
			return err
		}
		num, err := numbering.NextTask(ctx, tx, ini.DivisionCode, in.WindowStart.In(clock.CST).Year())
		if err != nil {
			return err
		}
		c := tx.Task.Create().SetNumber(num).SetName(in.Name).SetKind(in.Kind).SetSpecial(in.Special).
			SetWindowStart(in.WindowStart).SetWindowEnd(in.WindowEnd).SetInitiatorID(in.InitiatorID).
			SetNillableBatchID(in.BatchID).AddParticipantIDs(in.ParticipantIDs...).AddLibraryIDs(in.LibraryIDs...).
			AddInspectorPoolIDs(in.InspectorIDs...).AddMethodIDs(methods...).SetDivisionCode(ini.DivisionCode)
		if err := setDrawSettings(c, in); err != nil {
			return err
		}
		t, err := c.Save(ctx)
		if err != nil {
			return err
		}
		for _, it := range in.Items {
			if err := tx.TaskItem.Create().SetTaskID(t.ID).SetDepartmentID(it.DepartmentID).SetItemID(it.ItemID).
				SetDivisionCode(t.DivisionCode).Exec(ctx); err != nil {
				return err
			}
		}
		out = t
		return nil
	})
	return out, err
}

// setDrawSettings sets what the task fixes for its draw: the scope (定向 filters), the named
// targets, the strata and the team and exclusion rules the input gives.
func setDrawSettings(c *ent.TaskCreate, in Input) error {
	if in.Scope != nil {
		c.SetScope(in.Scope)
	}
	if len(in.TargetIDs) > 0 {
		c.SetNamedTargetIds(in.TargetIDs).SetTargetReason(in.TargetReason)
	}
	if len(in.StratifyBy) > 0 {
		c.SetStratifyBy(in.StratifyBy)
	}
	if len(in.Strata) > 0 {
		m := map[string]any{}
		for _, s := range in.Strata {
			if (s.RatioPPM > 0) == (s.Count > 0) && !(s.RatioPPM == 0 && s.Count == 0) {
				return apperr.New(CodeInvalid, "层“%s”只能按比例或按数量之一设定", s.Name)
			}
			m[s.Name] = map[string]any{"ratioPpm": s.RatioPPM, "count": s.Count}
		}
		c.SetStrata(m)
	}
	setInt := func(v *int, f func(int)) {
		if v != nil {
			f(*v)
		}
	}
	setInt(in.TeamSize, func(v int) { c.SetTeamSize(v) })
	setInt(in.ExpertsPerTeam, func(v int) { c.SetExpertsPerTeam(v) })
	setInt(in.MaxPerInspector, func(v int) { c.SetMaxPerInspector(v) })
	setInt(in.RotationMonths, func(v int) { c.SetRotationMonths(v) })
	setInt(in.RecentMonths, func(v int) { c.SetRecentMonths(v) })
	setInt(in.YearlyCap, func(v int) { c.SetYearlyCap(v) })
	return nil
}

// Announce publishes the task announcement: number, items, scope, window and methods — not the
// targets, which do not exist yet; their count is published with the draw commitment.
func Announce(ctx context.Context, client *ent.Client, taskID int) (*ent.Task, error) {
	var out *ent.Task
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		t, err := tx.Task.Query().Where(task.ID(taskID)).WithInitiator().WithParticipants().WithLibraries().WithMethods().
			WithTaskItems(func(q *ent.TaskItemQuery) { q.WithItem().WithDepartment().Order(ent.Asc(taskitem.FieldID)) }).
			WithBatch(func(q *ent.PlanBatchQuery) { q.WithPlan() }).Only(ctx)
		if err != nil {
			return err
		}
		if ctx, err = Authorize(ctx, t, authz.ManageTasks); err != nil {
			return err
		}
		ids := make([]int, len(t.Edges.TaskItems))
		for i, ti := range t.Edges.TaskItems {
			ids[i] = ti.ItemID
		}
		if err := lists.CheckUsable(ctx, tx.Client(), ids...); err != nil {
			return err
		}
		if out, err = Move(ctx, tx, t, task.StatusANNOUNCED); err != nil {
			return err
		}
		now := clock.Now(ctx)
		// Read back in the transaction: inside a GraphQL mutation the request's transaction is
		// not committed yet, and a read outside it would still see the draft.
		if out, err = tx.Task.UpdateOneID(t.ID).SetAnnouncedAt(now).Save(ctx); err != nil {
			return err
		}
		_, err = publish.Record(ctx, tx, publish.Act{Kind: publication.KindTASK_ANNOUNCEMENT,
			Title:       fmt.Sprintf("抽查任务公告：%s（%s）", t.Name, t.Number),
			SubjectType: ent.TypeTask, SubjectID: t.ID, DepartmentID: t.InitiatorID, DivisionCode: t.DivisionCode,
			Payload: Announcement(t), At: now})
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Announcement is what the public sees of a task before its results: no target names.
func Announcement(t *ent.Task) publish.TaskAnnouncement {
	items := []publish.TaskItem{}
	for _, ti := range t.Edges.TaskItems {
		items = append(items, publish.TaskItem{Code: ti.Edges.Item.Code, Name: ti.Edges.Item.Name,
			Category: string(ti.Edges.Item.Category), Department: ti.Edges.Department.Name})
	}
	parts := []string{}
	for _, p := range t.Edges.Participants {
		parts = append(parts, p.Name)
	}
	libs := []string{}
	for _, l := range t.Edges.Libraries {
		libs = append(libs, l.Name)
	}
	methods := []string{}
	for _, m := range t.Edges.Methods {
		methods = append(methods, m.Name)
	}
	p := publish.TaskAnnouncement{
		Number: t.Number, Name: t.Name, Kind: string(t.Kind), Special: t.Special,
		Initiator: t.Edges.Initiator.Name, Participants: parts, Joint: len(parts) > 0,
		Items: items, Libraries: libs, Methods: methods, Scope: t.Scope,
		WindowStart: t.WindowStart.In(clock.CST).Format(time.DateOnly), WindowEnd: t.WindowEnd.In(clock.CST).Format(time.DateOnly),
	}
	if n := len(NamedTargets(t)); n > 0 {
		reason := t.TargetReason
		p.NamedTargetCount, p.TargetReason = &n, &reason
	}
	if b := t.Edges.Batch; b != nil && b.Edges.Plan != nil {
		number, name, batch := b.Edges.Plan.Number, b.Edges.Plan.Name, b.Name
		p.PlanNumber, p.PlanName, p.Batch = &number, &name, &batch
	}
	return p
}

// Authorize checks the viewer for a step of the task's workflow (action act of authz.Rules:
// the task's steps and its draw belong to the initiating department, and the office) and
// returns the context authorised for the step's writes.
func Authorize(ctx context.Context, t *ent.Task, act authz.Action) (context.Context, error) {
	return authz.Require(ctx, act, t.InitiatorID)
}

// Cancel cancels a task that has not been drawn.
func Cancel(ctx context.Context, client *ent.Client, taskID int) (*ent.Task, error) {
	return step(ctx, client, taskID, task.StatusCANCELLED)
}

// StartInspection moves a drawn task to INSPECTING.
func StartInspection(ctx context.Context, client *ent.Client, taskID int) (*ent.Task, error) {
	return step(ctx, client, taskID, task.StatusINSPECTING)
}

// StartReporting moves an inspecting task to REPORTING (results are being entered and published).
func StartReporting(ctx context.Context, client *ent.Client, taskID int) (*ent.Task, error) {
	return step(ctx, client, taskID, task.StatusREPORTING)
}

// Close closes a task; the caller (the results package) checks every result is published.
func Close(ctx context.Context, client *ent.Client, taskID int) (*ent.Task, error) {
	return step(ctx, client, taskID, task.StatusCLOSED)
}

func step(ctx context.Context, client *ent.Client, taskID int, to task.Status) (*ent.Task, error) {
	var out *ent.Task
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		t, err := tx.Task.Get(ctx, taskID)
		if err != nil {
			return err
		}
		act := authz.ManageTasks
		if to == task.StatusCLOSED || to == task.StatusREPORTING {
			act = authz.RunDraws // closing belongs with the draw's reveal (draws.CloseTask)
		}
		if ctx, err = Authorize(ctx, t, act); err != nil {
			return err
		}
		out, err = Move(ctx, tx, t, to)
		return err
	})
	return out, err
}

// Departments returns the task's departments with items, initiator first, then by code.
func Departments(ctx context.Context, client *ent.Client, taskID int) ([]*ent.Department, error) {
	t, err := client.Task.Get(ctx, taskID)
	if err != nil {
		return nil, err
	}
	ids, err := client.TaskItem.Query().Where(taskitem.TaskID(taskID)).Unique(true).Select(taskitem.FieldDepartmentID).Ints(ctx)
	if err != nil {
		return nil, err
	}
	if !slices.Contains(ids, t.InitiatorID) {
		ids = append(ids, t.InitiatorID)
	}
	ds, err := client.Department.Query().Where(department.IDIn(ids...)).Order(ent.Asc(department.FieldCode)).All(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortStableFunc(ds, func(a, b *ent.Department) int {
		switch {
		case a.ID == t.InitiatorID:
			return -1
		case b.ID == t.InitiatorID:
			return 1
		}
		return 0
	})
	return ds, nil
}

// checkAgainstPlan refuses a task that does not fit the current published plan: a window that
// ended before today (unless an operator command records it), a batch of a superseded plan version, a window outside the batch's dates,
// an item the batch does not name (the same item of a later list version counts as named).
func checkAgainstPlan(ctx context.Context, client *ent.Client, in Input, itemIDs []int) error {
	// Operator commands (a SYSTEM viewer) may record a past task, as they may publish history.
	today := calendarDate(clock.Now(ctx))
	if v := viewer.FromContext(ctx); v.Kind != viewer.System && calendarDate(in.WindowEnd).Before(today) {
		return apperr.New(CodeWindowPast, "检查期限（至 %s）已经过去，不能新建", calendarDate(in.WindowEnd).Format("2006-01-02"))
	}
	if in.BatchID == nil {
		return nil
	}
	b, err := client.PlanBatch.Query().Where(planbatch.ID(*in.BatchID)).WithPlan().
		WithItems(func(q *ent.InspectionItemQuery) { q.WithItemList() }).Only(ctx)
	if ent.IsNotFound(err) {
		return apperr.New(apperr.NotFound, "计划批次不存在")
	} else if err != nil {
		return err
	}
	if p := b.Edges.Plan; p != nil && p.Status == plan.StatusSUPERSEDED {
		return apperr.New(CodeBatchSuperseded, "计划“%s”第 %d 版已被调整后的版本取代，请使用现行版本的批次", p.Name, p.Version)
	}
	start, end := calendarDate(b.StartDate), calendarDate(b.EndDate)
	if calendarDate(in.WindowStart).Before(start) || calendarDate(in.WindowEnd).After(end) {
		return apperr.New(CodeWindowOutsideBatch, "检查期限 %s 至 %s 超出计划批次“%s”的时间 %s 至 %s",
			calendarDate(in.WindowStart).Format("2006-01-02"), calendarDate(in.WindowEnd).Format("2006-01-02"), b.Name,
			start.Format("2006-01-02"), end.Format("2006-01-02"))
	}
	if len(b.Edges.Items) == 0 {
		return nil
	}
	type key struct {
		dep  int
		code string
	}
	named := map[int]bool{}
	byCode := map[key]bool{}
	for _, it := range b.Edges.Items {
		named[it.ID] = true
		byCode[key{it.Edges.ItemList.DepartmentID, it.Code}] = true
	}
	items, err := client.InspectionItem.Query().Where(inspectionitem.IDIn(itemIDs...)).WithItemList().All(ctx)
	if err != nil {
		return err
	}
	for _, it := range items {
		if !named[it.ID] && !byCode[key{it.Edges.ItemList.DepartmentID, it.Code}] {
			return apperr.New(CodeItemNotInBatch, "抽查事项“%s”（%s）不在计划批次“%s”的事项之中", it.Name, it.Code, b.Name)
		}
	}
	return nil
}

// calendarDate is the China date of t.
func calendarDate(t time.Time) time.Time {
	c := t.In(clock.CST)
	return time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, clock.CST)
}

// NamedTargets returns the targets a special task names (nil for a task drawn from its
// libraries). The list is private to the departments of the task until results are out; the
// announcement gives only their number.
func NamedTargets(t *ent.Task) []int { return t.NamedTargetIds }

func dedupInts(ids []int) []int {
	seen := map[int]bool{}
	var out []int
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}

// checkStrata refuses silent defaults: a task drawn from its libraries names every stratum of
// its frame with a count, a ratio or zero — for the default credit-risk stratification exactly
// A, B, C and D; for another stratification at least the strata it names (a stratum of the
// frame left out is refused again at the freeze).
func checkStrata(in *Input) error {
	if len(in.TargetIDs) > 0 {
		return nil // a special task inspects every named target
	}
	if len(in.Strata) == 0 {
		return apperr.New(CodeStrataIncomplete, "请为每一层设定抽查数量、比例或 0（默认按信用风险分类 A、B、C、D 分层），不使用默认比例")
	}
	if len(in.StratifyBy) > 0 && !(len(in.StratifyBy) == 1 && in.StratifyBy[0] == "creditRisk") {
		return nil
	}
	named := map[string]bool{}
	for _, st := range in.Strata {
		if !slices.Contains([]string{"A", "B", "C", "D"}, st.Name) {
			return apperr.New(CodeStrataIncomplete, "按信用风险分类分层时只有 A、B、C、D 四层，没有“%s”层", st.Name)
		}
		named[st.Name] = true
	}
	for _, n := range []string{"A", "B", "C", "D"} {
		if !named[n] {
			return apperr.New(CodeStrataIncomplete, "未设定“%s”层的抽查数量、比例或 0：每一层都须明确设定，不使用默认比例", n)
		}
	}
	return nil
}

// itemsAndMethods checks that each department of a task (new or edited) names only items of its
// own lists, and resolves the inspection methods (on-site by default) to their ids.
func itemsAndMethods(ctx context.Context, tx *ent.Tx, in *Input, itemIDs []int) ([]int, error) {
	items, err := tx.InspectionItem.Query().Where(inspectionitem.IDIn(itemIDs...)).WithItemList().All(ctx)
	if err != nil {
		return nil, err
	}
	owner := map[int]int{}
	for _, it := range items {
		owner[it.ID] = it.Edges.ItemList.DepartmentID
	}
	for _, it := range in.Items {
		if owner[it.ItemID] != it.DepartmentID {
			return nil, apperr.New(CodeInvalid, "部门只能纳入本部门清单中的抽查事项（事项编号 %d）", it.ItemID)
		}
	}
	codes := in.MethodCodes
	if len(codes) == 0 {
		codes = []string{"ON_SITE"}
	}
	methods, err := tx.InspectionMethod.Query().Where(inspectionmethod.CodeIn(codes...)).IDs(ctx)
	if err != nil {
		return nil, err
	}
	if len(methods) != len(codes) {
		return nil, apperr.New(CodeInvalid, "检查方式代码有误：%v", codes)
	}
	return methods, nil
}
