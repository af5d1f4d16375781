package results

import (
	"context"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/followupoption"
	"github.com/ssgk/ssgk/ent/inspectionmethod"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultcode"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// ResultInput is the content of a result as entered by the inspecting department.
type ResultInput struct {
	TaskID   int
	TargetID int
	// DepartmentID is the inspecting department; 0 means the viewer's department.
	DepartmentID int
	// InspectionEndDate is the day the inspection ended (its China date is kept). Required to
	// submit; the publication deadline counts from it.
	InspectionEndDate time.Time
	Summary           string
	// Result codes (multi-select), by id or by code (e.g. "NO_PROBLEM"); both may be given.
	// Choosing a sub-label (e.g. PENDING_MARKET) implies its parent.
	CodeIDs []int
	Codes   []string
	// MethodIDs are the inspection methods used; MethodCodes the same by code (e.g. "ON_SITE").
	MethodIDs   []int
	MethodCodes []string
	Items       []ItemInput
	// FollowUpOptionID is the follow-up (后续处置), 0 for none chosen yet.
	FollowUpOptionID int
	// AdoptedFromID is another department's published result for the same target whose
	// conclusion this result adopts (采信, domain.md §2.9), 0 if none.
	AdoptedFromID int
	// IdempotencyKey makes retries safe: a key seen before returns the result it produced.
	IdempotencyKey string
}

// ItemInput is the outcome of one of the department's task items.
type ItemInput struct {
	ItemID       int
	Checked      bool
	ProblemFound bool
	Problem      string
	Handling     string
	CodeIDs      []int // optional item-level result codes
}

type workflowKey struct{}

// withWorkflow marks ctx as this package's workflow, the only non-operator writer of a
// result's status (see Hooks).
func withWorkflow(ctx context.Context) context.Context {
	return context.WithValue(ctx, workflowKey{}, true)
}

func isWorkflow(ctx context.Context) bool { return ctx.Value(workflowKey{}) != nil }

// Save creates the department's result for (task, target), or updates it while it is a draft
// or has been returned. Everything is checked before anything is written.
func Save(ctx context.Context, client *ent.Client, in ResultInput) (*ent.Result, error) {
	v := viewer.FromContext(ctx)
	if in.DepartmentID == 0 {
		in.DepartmentID = v.DepartmentID
	}
	if in.DepartmentID == 0 {
		return nil, apperr.New(apperr.Invalid, "请指明录入检查结果的部门")
	}
	// 谁检查、谁录入: the inspecting department's inspectors and administrators (authz.Rules).
	ctx, err := authz.Require(ctx, authz.EnterResults, in.DepartmentID)
	if err != nil {
		return nil, err
	}
	in.IdempotencyKey = strings.TrimSpace(in.IdempotencyKey)
	var out *ent.Result
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		if in.IdempotencyKey != "" {
			prev, err := tx.Result.Query().Where(result.IdempotencyKey(in.IdempotencyKey)).Only(ctx)
			if err == nil {
				if prev.TaskID != in.TaskID || prev.TargetID != in.TargetID || prev.DepartmentID != in.DepartmentID {
					return apperr.New(apperr.Conflict, "幂等键“%s”已用于另一条检查结果", in.IdempotencyKey)
				}
				out = prev
				return nil
			} else if !ent.IsNotFound(err) {
				return err
			}
		}
		c, err := check(ctx, tx, &in)
		if err != nil {
			return err
		}
		cur, err := latest(ctx, tx, in.TaskID, in.TargetID, in.DepartmentID)
		if err != nil {
			return err
		}
		wctx := withWorkflow(ctx)
		if cur == nil {
			cr := tx.Result.Create().SetTaskID(in.TaskID).SetTargetID(in.TargetID).SetDepartmentID(in.DepartmentID).
				SetDivisionCode(c.divisionCode).SetVersion(1).SetStatus(result.StatusDRAFT).SetTeamID(c.teamID).
				SetSummary(in.Summary).SetAbnormalFlag(c.abnormal).AddCodeIDs(c.codeIDs...).AddMethodIDs(c.methodIDs...)
			if !in.InspectionEndDate.IsZero() {
				cr.SetInspectionEndDate(calendar.DateOf(in.InspectionEndDate))
			}
			if in.FollowUpOptionID != 0 {
				cr.SetFollowUpID(in.FollowUpOptionID)
			}
			if in.AdoptedFromID != 0 {
				cr.SetAdoptedFromID(in.AdoptedFromID)
			}
			if in.IdempotencyKey != "" {
				cr.SetIdempotencyKey(in.IdempotencyKey)
			}
			if v.Kind == viewer.Account && v.AccountID != 0 {
				cr.SetEnteredByID(v.AccountID)
			}
			if out, err = cr.Save(wctx); err != nil {
				return err
			}
		} else {
			if cur.Status != result.StatusDRAFT && cur.Status != result.StatusRETURNED {
				return badState(cur.Status, "修改（只有录入中或已退回的结果可以修改）")
			}
			up := tx.Result.UpdateOneID(cur.ID).SetTeamID(c.teamID).SetSummary(in.Summary).SetAbnormalFlag(c.abnormal).
				ClearCodes().AddCodeIDs(c.codeIDs...).ClearMethods().AddMethodIDs(c.methodIDs...)
			if in.InspectionEndDate.IsZero() {
				up.ClearInspectionEndDate()
			} else {
				up.SetInspectionEndDate(calendar.DateOf(in.InspectionEndDate))
			}
			if in.FollowUpOptionID != 0 {
				up.SetFollowUpID(in.FollowUpOptionID)
			} else {
				up.ClearFollowUpID()
			}
			if in.AdoptedFromID != 0 {
				up.SetAdoptedFromID(in.AdoptedFromID)
			} else {
				up.ClearAdoptedFromID()
			}
			if in.IdempotencyKey != "" {
				up.SetIdempotencyKey(in.IdempotencyKey)
			}
			if v.Kind == viewer.Account && v.AccountID != 0 {
				up.SetEnteredByID(v.AccountID)
			}
			if out, err = up.Save(wctx); err != nil {
				return err
			}
		}
		return saveItems(wctx, tx, out.ID, c.divisionCode, in.Items)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// saveItems makes the result's items exactly items: updates those present, creates the new
// ones, deletes the rest.
func saveItems(ctx context.Context, tx *ent.Tx, resultID int, division string, items []ItemInput) error {
	existing, err := tx.ResultItem.Query().Where(resultitem.ResultID(resultID)).All(ctx)
	if err != nil {
		return err
	}
	byItem := map[int]*ent.ResultItem{}
	for _, ri := range existing {
		byItem[ri.ItemID] = ri
	}
	keep := map[int]bool{}
	for _, it := range items {
		keep[it.ItemID] = true
		if ri, ok := byItem[it.ItemID]; ok {
			err := tx.ResultItem.UpdateOneID(ri.ID).SetChecked(it.Checked).SetProblemFound(it.ProblemFound).
				SetProblem(it.Problem).SetHandling(it.Handling).ClearCodes().AddCodeIDs(it.CodeIDs...).Exec(ctx)
			if err != nil {
				return err
			}
			continue
		}
		err := tx.ResultItem.Create().SetResultID(resultID).SetItemID(it.ItemID).SetDivisionCode(division).
			SetChecked(it.Checked).SetProblemFound(it.ProblemFound).SetProblem(it.Problem).SetHandling(it.Handling).
			AddCodeIDs(it.CodeIDs...).Exec(ctx)
		if err != nil {
			return err
		}
	}
	for _, ri := range existing {
		if !keep[ri.ItemID] {
			if err := tx.ResultItem.DeleteOneID(ri.ID).Exec(ctx); err != nil {
				return err
			}
		}
	}
	return nil
}

// latest returns the newest version of the department's result for (task, target), or nil.
func latest(ctx context.Context, tx *ent.Tx, taskID, targetID, departmentID int) (*ent.Result, error) {
	r, err := tx.Result.Query().Where(result.TaskID(taskID), result.TargetID(targetID), result.DepartmentID(departmentID)).
		Order(ent.Desc(result.FieldVersion)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return r, err
}

// checked is what check resolved from a ResultInput.
type checked struct {
	divisionCode string
	teamID       int
	codeIDs      []int
	codes        []*ent.ResultCode
	methodIDs    []int
	abnormal     bool
	taskItems    map[int]bool // the department's item ids in the task
}

// Codes with a special meaning in the rules below (internal/codes).
const (
	codeNoProblem       = "NO_PROBLEM"
	codePendingFollowUp = "PENDING_FOLLOW_UP"
	codeCorrected       = "CORRECTED"
)

// check validates in against the task, the draw and the code tables. It normalises in (item
// order, resolved code and method ids). Its phases, in order: the task, the department's part
// and the draw; the items; the result codes against the items; the methods; the follow-up
// option; the adopted result.
func check(ctx context.Context, tx *ent.Tx, in *ResultInput) (*checked, error) {
	c := &checked{}
	if err := c.checkTaskAndDraw(ctx, tx, in); err != nil {
		return nil, err
	}
	anyProblem, err := c.checkItems(ctx, tx, in)
	if err != nil {
		return nil, err
	}
	if err := c.checkCodes(ctx, tx, in, anyProblem); err != nil {
		return nil, err
	}
	if err := c.checkMethods(ctx, tx, in); err != nil {
		return nil, err
	}
	if err := checkFollowUpOption(ctx, tx, in); err != nil {
		return nil, err
	}
	if err := checkAdoption(ctx, tx, in); err != nil {
		return nil, err
	}
	return c, nil
}

// checkTaskAndDraw: the task and the target exist, the department has items in the task, the
// target was drawn in it, and the inspection end date lies in the task's window and not ahead.
func (c *checked) checkTaskAndDraw(ctx context.Context, tx *ent.Tx, in *ResultInput) error {
	task, err := tx.Task.Get(ctx, in.TaskID)
	if ent.IsNotFound(err) {
		return apperr.New(apperr.NotFound, "抽查任务不存在")
	} else if err != nil {
		return err
	}
	c.divisionCode = task.DivisionCode
	if _, err := tx.Target.Get(ctx, in.TargetID); ent.IsNotFound(err) {
		return apperr.New(apperr.NotFound, "检查对象不存在")
	} else if err != nil {
		return err
	}
	// The department takes part only through its items in the task (进一次门、查多项事).
	tis, err := tx.TaskItem.Query().Where(taskitem.TaskID(in.TaskID), taskitem.DepartmentID(in.DepartmentID)).All(ctx)
	if err != nil {
		return err
	}
	if len(tis) == 0 {
		return apperr.New(CodeNotParticipant, "本部门在任务“%s”中没有抽查事项，不能录入检查结果", task.Name)
	}
	c.taskItems = map[int]bool{}
	for _, ti := range tis {
		c.taskItems[ti.ItemID] = true
	}
	// Drawn: an active team of a drawn (or revealed) draw of this task.
	team, err := tx.InspectionTeam.Query().Where(inspectionteam.TargetID(in.TargetID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE),
		inspectionteam.HasDrawWith(draw.TaskID(in.TaskID), draw.StatusIn(draw.StatusDRAWN, draw.StatusREVEALED))).
		Order(ent.Desc(inspectionteam.FieldVersion), ent.Desc(inspectionteam.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return apperr.New(CodeNotDrawn, "该检查对象未在任务“%s”中被随机抽中，不能录入检查结果", task.Name)
	} else if err != nil {
		return err
	}
	c.teamID = team.ID

	if !in.InspectionEndDate.IsZero() {
		end := calendar.DateOf(in.InspectionEndDate)
		if end.After(calendar.DateOf(clock.Now(ctx))) {
			return apperr.New(apperr.Invalid, "检查结束日期 %s 晚于今天，请核对", end.Format(dateLayout))
		}
		if end.Before(calendar.DateOf(task.WindowStart)) {
			return apperr.New(apperr.Invalid, "检查结束日期 %s 早于任务检查开始日期 %s，请核对",
				end.Format(dateLayout), calendar.DateOf(task.WindowStart).Format(dateLayout))
		}
	}
	return nil
}

// checkItems: only the department's task items, each once, a problem only on a checked item
// and with its text, known codes; it sorts the items and reports whether any found a problem.
func (c *checked) checkItems(ctx context.Context, tx *ent.Tx, in *ResultInput) (anyProblem bool, err error) {
	seen := map[int]bool{}
	for i := range in.Items {
		it := &in.Items[i]
		if !c.taskItems[it.ItemID] {
			return false, apperr.New(CodeItemNotInTask, "事项（编号 %d）不是本部门在该任务中的抽查事项", it.ItemID)
		}
		if seen[it.ItemID] {
			return false, apperr.New(apperr.Invalid, "事项（编号 %d）重复录入", it.ItemID)
		}
		seen[it.ItemID] = true
		it.Problem, it.Handling = strings.TrimSpace(it.Problem), strings.TrimSpace(it.Handling)
		if it.ProblemFound {
			if !it.Checked {
				return false, apperr.New(CodeProblemMismatch, "事项（编号 %d）未检查，不能标记为发现问题", it.ItemID)
			}
			if it.Problem == "" {
				return false, apperr.New(apperr.Invalid, "事项（编号 %d）标记为发现问题，请填写发现的问题", it.ItemID)
			}
			anyProblem = true
		}
		if len(it.CodeIDs) > 0 {
			n, err := tx.ResultCode.Query().Where(resultcode.IDIn(it.CodeIDs...)).Count(ctx)
			if err != nil {
				return false, err
			}
			if n != len(dedup(it.CodeIDs)) {
				return false, apperr.New(apperr.NotFound, "事项（编号 %d）引用的结果代码不存在", it.ItemID)
			}
		}
	}
	slices.SortFunc(in.Items, func(a, b ItemInput) int { return a.ItemID - b.ItemID })

	return anyProblem, nil
}

// checkCodes: at least one result code, known and in use (a sub-label implies its parent), and
// the codes agree with the items' problems.
func (c *checked) checkCodes(ctx context.Context, tx *ent.Tx, in *ResultInput, anyProblem bool) error {
	codes, err := resolveCodes(ctx, tx, in.CodeIDs, in.Codes)
	if err != nil {
		return err
	}
	if len(codes) == 0 {
		return apperr.New(CodeCodeRequired, "请至少选择一项检查结果（如“未发现问题”）；未录入结果的对象视为尚未检查")
	}
	c.codes = codes
	codeProblem, hasNoProblem, needsItemProblem := false, false, false
	for _, rc := range codes {
		c.codeIDs = append(c.codeIDs, rc.ID)
		c.abnormal = c.abnormal || rc.LeadsToAbnormalList
		codeProblem = codeProblem || rc.ProblemFound
		hasNoProblem = hasNoProblem || rc.Code == codeNoProblem
		// "发现问题已责令改正" and "发现问题待后续处理" report problems found on inspected items.
		needsItemProblem = needsItemProblem || rc.Code == codeCorrected || rc.Code == codePendingFollowUp
	}
	// "未发现问题" states that the target was inspected and nothing was found: it excludes every
	// other label (each of them is a problem or a reason the inspection could not conclude so).
	if hasNoProblem && len(codes) > 1 {
		var others []string
		for _, rc := range codes {
			if rc.Code != codeNoProblem {
				others = append(others, "“"+rc.Name+"”")
			}
		}
		return apperr.New(CodeCodesConflict, "“未发现问题”不能与%s同时选择", strings.Join(others, "、"))
	}
	if anyProblem && !codeProblem {
		return apperr.New(CodeProblemMismatch, "有事项标记为发现问题，但检查结果未选择表示发现问题的结果代码")
	}
	if hasNoProblem && anyProblem {
		return apperr.New(CodeProblemMismatch, "检查结果为“未发现问题”，但有事项标记为发现问题")
	}
	if needsItemProblem && len(in.Items) > 0 && !anyProblem {
		return apperr.New(CodeProblemMismatch, "检查结果为发现问题，但没有事项标记为发现问题，请在发现问题的事项中填写问题")
	}
	if hasNoProblem {
		for _, it := range in.Items {
			if !it.Checked {
				return apperr.New(CodeProblemMismatch, "检查结果为“未发现问题”，但事项（编号 %d）未检查", it.ItemID)
			}
		}
	}
	return nil
}

// checkMethods resolves the methods by id and by code; every one must exist.
func (c *checked) checkMethods(ctx context.Context, tx *ent.Tx, in *ResultInput) error {
	methodIDs := dedupSorted(in.MethodIDs)
	if len(in.MethodCodes) > 0 {
		ms, err := tx.InspectionMethod.Query().Where(inspectionmethod.CodeIn(in.MethodCodes...)).All(ctx)
		if err != nil {
			return err
		}
		if len(ms) != len(dedupStrings(in.MethodCodes)) {
			return apperr.New(apperr.NotFound, "检查方式代码不存在：%s", strings.Join(in.MethodCodes, "、"))
		}
		for _, m := range ms {
			methodIDs = append(methodIDs, m.ID)
		}
		methodIDs = dedupSorted(methodIDs)
	}
	if len(methodIDs) > 0 {
		n, err := tx.InspectionMethod.Query().Where(inspectionmethod.IDIn(methodIDs...)).Count(ctx)
		if err != nil {
			return err
		}
		if n != len(methodIDs) {
			return apperr.New(apperr.NotFound, "引用的检查方式不存在")
		}
	}
	c.methodIDs = methodIDs

	return nil
}

// checkFollowUpOption: the chosen follow-up option exists and is in use.
func checkFollowUpOption(ctx context.Context, tx *ent.Tx, in *ResultInput) error {
	if in.FollowUpOptionID != 0 {
		fo, err := tx.FollowUpOption.Query().Where(followupoption.ID(in.FollowUpOptionID)).Only(ctx)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "后续处置方式不存在")
		} else if err != nil {
			return err
		}
		if !fo.Active {
			return apperr.New(apperr.Invalid, "后续处置方式“%s”已停用", fo.Name)
		}
	}
	return nil
}

// checkAdoption (采信): the adopted result is another department's published result for the
// same target.
func checkAdoption(ctx context.Context, tx *ent.Tx, in *ResultInput) error {
	if in.AdoptedFromID != 0 {
		src, err := tx.Result.Get(ctx, in.AdoptedFromID)
		if ent.IsNotFound(err) {
			return apperr.New(CodeAdoptionInvalid, "采信的检查结果不存在")
		} else if err != nil {
			return err
		}
		switch {
		case src.Status != result.StatusPUBLISHED:
			return apperr.New(CodeAdoptionInvalid, "只能采信已公示的检查结果（该结果%s）", StatusName(src.Status))
		case src.TargetID != in.TargetID:
			return apperr.New(CodeAdoptionInvalid, "采信的检查结果不是同一检查对象的结果")
		case src.DepartmentID == in.DepartmentID:
			return apperr.New(CodeAdoptionInvalid, "采信是指采用其他部门的检查结论，不能采信本部门的结果")
		}
	}
	return nil
}

// resolveCodes loads the chosen result codes by id and by code, adds the parents of chosen
// sub-labels, and returns them in table order.
func resolveCodes(ctx context.Context, tx *ent.Tx, ids []int, codes []string) ([]*ent.ResultCode, error) {
	byID := map[int]*ent.ResultCode{}
	if len(ids) > 0 {
		rcs, err := tx.ResultCode.Query().Where(resultcode.IDIn(ids...)).All(ctx)
		if err != nil {
			return nil, err
		}
		if len(rcs) != len(dedup(ids)) {
			return nil, apperr.New(apperr.NotFound, "引用的检查结果代码不存在")
		}
		for _, rc := range rcs {
			byID[rc.ID] = rc
		}
	}
	if len(codes) > 0 {
		rcs, err := tx.ResultCode.Query().Where(resultcode.CodeIn(codes...)).All(ctx)
		if err != nil {
			return nil, err
		}
		if len(rcs) != len(dedupStrings(codes)) {
			found := map[string]bool{}
			for _, rc := range rcs {
				found[rc.Code] = true
			}
			for _, s := range codes {
				if !found[s] {
					return nil, apperr.New(apperr.NotFound, "检查结果代码“%s”不存在", s)
				}
			}
		}
		for _, rc := range rcs {
			byID[rc.ID] = rc
		}
	}
	for _, rc := range byID {
		if !rc.Active {
			return nil, apperr.New(apperr.Invalid, "检查结果代码“%s”已停用", rc.Name)
		}
	}
	// A sub-label (e.g. 违反食品药品相关规定) implies its parent (发现问题待后续处理).
	for _, rc := range slices.Collect(maps.Values(byID)) {
		if rc.ParentID != 0 {
			if _, ok := byID[rc.ParentID]; !ok {
				p, err := tx.ResultCode.Get(ctx, rc.ParentID)
				if err != nil {
					return nil, err
				}
				byID[p.ID] = p
			}
		}
	}
	out := slices.Collect(maps.Values(byID))
	slices.SortFunc(out, func(a, b *ent.ResultCode) int {
		if a.SortOrder != b.SortOrder {
			return a.SortOrder - b.SortOrder
		}
		return a.ID - b.ID
	})
	return out, nil
}

const dateLayout = "2006-01-02"

func dedup(ids []int) map[int]bool {
	m := map[int]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func dedupSorted(ids []int) []int {
	out := slices.Clone(ids)
	slices.Sort(out)
	return slices.Compact(out)
}

func dedupStrings(s []string) map[string]bool {
	m := map[string]bool{}
	for _, v := range s {
		m[v] = true
	}
	return m
}
