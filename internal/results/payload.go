package results

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/publish"
)

// taskTypeName is the public name of a task's type.
func taskTypeName(t *ent.Task, joint bool) string {
	s := "不定向抽查"
	if t.Kind == task.KindTARGETED {
		s = "定向抽查"
	}
	if t.Special {
		s += "（专项检查）"
	}
	if joint {
		s += "（部门联合抽查）"
	}
	return s
}

func itemOutcome(ri *ent.ResultItem) string {
	switch {
	case !ri.Checked:
		return "未检查"
	case ri.ProblemFound:
		return "发现问题"
	}
	return "未发现问题"
}

// publicResult is what the public sees of a published result (domain.md §2.8): plan number and
// name, task number and name, task type, inspecting authority, date completed, each item and
// its result, the result labels. Internal notes, evidence and inspectors' details are not part
// of it.
func publicResult(ctx context.Context, client *ent.Client, r *ent.Result) (publish.Result, error) {
	t, err := client.Task.Query().Where(task.ID(r.TaskID)).WithBatch(func(q *ent.PlanBatchQuery) { q.WithPlan() }).Only(ctx)
	if err != nil {
		return publish.Result{}, err
	}
	joint, err := t.QueryParticipants().Exist(ctx)
	if err != nil {
		return publish.Result{}, err
	}
	dep, err := client.Department.Get(ctx, r.DepartmentID)
	if err != nil {
		return publish.Result{}, err
	}
	tgt, err := client.Target.Get(ctx, r.TargetID)
	if err != nil {
		return publish.Result{}, err
	}
	p, err := resultContent(ctx, client, r)
	if err != nil {
		return publish.Result{}, err
	}
	p.TaskNumber, p.TaskName, p.TaskType = t.Number, t.Name, taskTypeName(t, joint)
	p.Authority, p.TargetName, p.TargetCode = dep.Name, tgt.Name, targetCode(tgt)
	if b := t.Edges.Batch; b != nil && b.Edges.Plan != nil {
		p.PlanNumber, p.PlanName = b.Edges.Plan.Number, b.Edges.Plan.Name
	}
	return p, nil
}

func targetCode(t *ent.Target) string {
	switch {
	case t.Uscc != nil:
		return *t.Uscc
	case t.RegNo != nil:
		return *t.RegNo
	case t.ObjectCode != nil:
		return *t.ObjectCode
	}
	return ""
}

// contentKeys are the parts of the public payload that come from the result's own rows — which
// the immutability rules freeze — as opposed to names of the task, department or target, which
// may be renamed later. VerifyCorrections compares these with the rows.
var contentKeys = []string{"result_id", "version", "completed_on", "items", "result_codes", "methods", "follow_up", "adopted_from_result_id"}

// resultContent is the result-owned part of the public payload (the members of contentKeys;
// the others are left empty).
func resultContent(ctx context.Context, client *ent.Client, r *ent.Result) (publish.Result, error) {
	ris, err := client.ResultItem.Query().Where(resultitem.ResultID(r.ID)).WithItem().WithCodes().All(ctx)
	if err != nil {
		return publish.Result{}, err
	}
	slices.SortFunc(ris, func(a, b *ent.ResultItem) int {
		switch {
		case a.Edges.Item.Code < b.Edges.Item.Code:
			return -1
		case a.Edges.Item.Code > b.Edges.Item.Code:
			return 1
		}
		return a.ItemID - b.ItemID
	})
	items := make([]publish.ResultItem, 0, len(ris))
	for _, ri := range ris {
		codes := make([]publish.CodeRef, 0, len(ri.Edges.Codes))
		slices.SortFunc(ri.Edges.Codes, func(a, b *ent.ResultCode) int { return a.SortOrder - b.SortOrder })
		for _, rc := range ri.Edges.Codes {
			codes = append(codes, publish.CodeRef{Code: rc.Code, Name: rc.Name})
		}
		items = append(items, publish.ResultItem{
			ItemCode:     ri.Edges.Item.Code,
			ItemName:     ri.Edges.Item.Name,
			Checked:      ri.Checked,
			ProblemFound: ri.ProblemFound,
			Problem:      ri.Problem,
			Handling:     ri.Handling,
			Result:       itemOutcome(ri),
			Codes:        codes,
		})
	}
	rcs, err := client.Result.QueryCodes(r).All(ctx)
	if err != nil {
		return publish.Result{}, err
	}
	slices.SortFunc(rcs, func(a, b *ent.ResultCode) int { return a.SortOrder - b.SortOrder })
	codes := make([]publish.CodeRef, 0, len(rcs))
	for _, rc := range rcs {
		codes = append(codes, publish.CodeRef{Code: rc.Code, Name: rc.Name})
	}
	ms, err := client.Result.QueryMethods(r).All(ctx)
	if err != nil {
		return publish.Result{}, err
	}
	slices.SortFunc(ms, func(a, b *ent.InspectionMethod) int { return a.SortOrder - b.SortOrder })
	methods := make([]string, 0, len(ms))
	for _, m := range ms {
		methods = append(methods, m.Name)
	}
	c := publish.Result{ResultID: r.ID, Version: r.Version, Items: items, ResultCodes: codes, Methods: methods}
	if r.InspectionEndDate != nil {
		c.CompletedOn = calendar.DateOf(*r.InspectionEndDate).Format(dateLayout)
	}
	if r.FollowUpID != nil {
		fo, err := client.FollowUpOption.Get(ctx, *r.FollowUpID)
		if err != nil {
			return publish.Result{}, err
		}
		c.FollowUp = fo.Name
	}
	if r.AdoptedFromID != nil {
		c.AdoptedFromResultID = *r.AdoptedFromID
	}
	return c, nil
}

// normalize passes p through JSON, so that it has exactly the shape it will have when read
// back from the database (numbers as float64, lists as []any).
func normalize(p any) (map[string]any, error) {
	b, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	if err := json.Unmarshal(b, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// subset returns the contentKeys of p as canonical JSON.
func subset(p map[string]any) (string, error) {
	s := map[string]any{}
	for _, k := range contentKeys {
		s[k] = p[k]
	}
	b, err := json.Marshal(s)
	return string(b), err
}
