package results

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/calendar"
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

// publicPayload is what the public sees of a published result (domain.md §2.8): plan number and
// name, task number and name, task type, inspecting authority, date completed, each item and
// its result, the result labels. Every value is a string, a number, a bool, or a list or map of
// them, so that the JSON (and the digest) is the same after a round trip through the database.
// Internal notes, evidence and inspectors' details are not part of it.
func publicPayload(ctx context.Context, client *ent.Client, r *ent.Result) (map[string]any, error) {
	t, err := client.Task.Query().Where(task.ID(r.TaskID)).WithBatch(func(q *ent.PlanBatchQuery) { q.WithPlan() }).Only(ctx)
	if err != nil {
		return nil, err
	}
	joint, err := t.QueryParticipants().Exist(ctx)
	if err != nil {
		return nil, err
	}
	dep, err := client.Department.Get(ctx, r.DepartmentID)
	if err != nil {
		return nil, err
	}
	tgt, err := client.Target.Get(ctx, r.TargetID)
	if err != nil {
		return nil, err
	}
	content, err := resultContent(ctx, client, r)
	if err != nil {
		return nil, err
	}
	p := map[string]any{
		"task_number": t.Number,
		"task_name":   t.Name,
		"task_type":   taskTypeName(t, joint),
		"authority":   dep.Name,
		"target_name": tgt.Name,
		"target_code": targetCode(tgt),
		"plan_number": "",
		"plan_name":   "",
	}
	if b := t.Edges.Batch; b != nil && b.Edges.Plan != nil {
		p["plan_number"] = b.Edges.Plan.Number
		p["plan_name"] = b.Edges.Plan.Name
	}
	for k, v := range content {
		p[k] = v
	}
	return normalize(p)
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

// resultContent is the result-owned part of the public payload.
func resultContent(ctx context.Context, client *ent.Client, r *ent.Result) (map[string]any, error) {
	ris, err := client.ResultItem.Query().Where(resultitem.ResultID(r.ID)).WithItem().WithCodes().All(ctx)
	if err != nil {
		return nil, err
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
	items := make([]any, 0, len(ris))
	for _, ri := range ris {
		codes := make([]any, 0, len(ri.Edges.Codes))
		slices.SortFunc(ri.Edges.Codes, func(a, b *ent.ResultCode) int { return a.SortOrder - b.SortOrder })
		for _, rc := range ri.Edges.Codes {
			codes = append(codes, map[string]any{"code": rc.Code, "name": rc.Name})
		}
		items = append(items, map[string]any{
			"item_code":     ri.Edges.Item.Code,
			"item_name":     ri.Edges.Item.Name,
			"checked":       ri.Checked,
			"problem_found": ri.ProblemFound,
			"problem":       ri.Problem,
			"handling":      ri.Handling,
			"result":        itemOutcome(ri),
			"codes":         codes,
		})
	}
	rcs, err := client.Result.QueryCodes(r).All(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rcs, func(a, b *ent.ResultCode) int { return a.SortOrder - b.SortOrder })
	codes := make([]any, 0, len(rcs))
	for _, rc := range rcs {
		codes = append(codes, map[string]any{"code": rc.Code, "name": rc.Name})
	}
	ms, err := client.Result.QueryMethods(r).All(ctx)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(ms, func(a, b *ent.InspectionMethod) int { return a.SortOrder - b.SortOrder })
	methods := make([]any, 0, len(ms))
	for _, m := range ms {
		methods = append(methods, m.Name)
	}
	c := map[string]any{
		"result_id":              r.ID,
		"version":                r.Version,
		"completed_on":           "",
		"items":                  items,
		"result_codes":           codes,
		"methods":                methods,
		"follow_up":              "",
		"adopted_from_result_id": 0,
	}
	if r.InspectionEndDate != nil {
		c["completed_on"] = calendar.DateOf(*r.InspectionEndDate).Format(dateLayout)
	}
	if r.FollowUpID != nil {
		fo, err := client.FollowUpOption.Get(ctx, *r.FollowUpID)
		if err != nil {
			return nil, err
		}
		c["follow_up"] = fo.Name
	}
	if r.AdoptedFromID != nil {
		c["adopted_from_result_id"] = *r.AdoptedFromID
	}
	return c, nil
}

// normalize passes p through JSON, so that it has exactly the shape it will have when read
// back from the database (numbers as float64, lists as []any).
func normalize(p map[string]any) (map[string]any, error) {
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
