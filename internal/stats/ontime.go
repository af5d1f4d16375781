package stats

import (
	"context"
	"slices"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/result"
)

// OnTime is one department's record against the 20-working-day publication rule (企业信息公示
// 暂行条例 art. 6) for the results of a year's tasks.
type OnTime struct {
	// DepartmentID 部门编号。
	DepartmentID int `json:"departmentId"`
	// DepartmentCode 部门编码。
	DepartmentCode string `json:"departmentCode"`
	// DepartmentName 部门名称。
	DepartmentName string `json:"departmentName"`
	// OnTime 按时公示数：公示日期不晚于公示截止日期的结果数。
	OnTime int `json:"onTime"`
	// Late 逾期公示数：公示日期晚于公示截止日期的结果数。
	Late int `json:"late"`
	// Overdue 逾期未公示数：截至今日已过公示截止日期仍未公示的结果数，含已抽取但从未录入结果的对象（截止日期为检查期限结束后 20 个工作日）。
	Overdue int `json:"overdue"`
	// Pending 未到期未公示数：尚未公示、也未到公示截止日期的结果数（不计入按时率）。
	Pending int `json:"pending"`
	// Rate 按时公示率：按时公示数 /（按时公示数 + 逾期公示数 + 逾期未公示数），0–1；分母为 0 时为 0。
	Rate float64 `json:"rate"`
}

// OnTimeRate returns, per department (departmentID 0: all), how the results of the tasks of
// year fared against their publication deadline as of today. Each department's result for a
// target counts once, by its first version. A drawn target without a result (or with one that
// has no inspection end date) is due 20 working days after the task's window and counts as
// overdue after that. Departments with nothing to count are left out.
func OnTimeRate(ctx context.Context, client *ent.Client, year int, departmentID int) ([]OnTime, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	deps, err := departments(ctx, client)
	if err != nil {
		return nil, err
	}
	tasks, taskIDs, err := tasksOfYear(ctx, client, year)
	if err != nil {
		return nil, err
	}
	if len(taskIDs) == 0 {
		return []OnTime{}, nil
	}
	q := client.Result.Query().Where(result.TaskIDIn(taskIDs...), result.Version(1)).
		Select(result.FieldTaskID, result.FieldTargetID, result.FieldDepartmentID, result.FieldStatus, result.FieldInspectionEndDate, result.FieldDueDate, result.FieldPublishedAt)
	if departmentID != 0 {
		q.Where(result.DepartmentID(departmentID))
	}
	rs, err := q.All(ctx)
	if err != nil {
		return nil, err
	}
	expected, err := expectedResults(ctx, client, taskIDs, departmentID)
	if err != nil {
		return nil, err
	}
	dl := newDeadlines(ctx, client)
	byDep := map[int]*OnTime{}
	count := func(dep int, p publication) {
		if p == pubUnknown {
			return
		}
		o, ok := byDep[dep]
		if !ok {
			d := deps[dep]
			o = &OnTime{DepartmentID: d.id, DepartmentCode: d.code, DepartmentName: d.name}
			byDep[dep] = o
		}
		switch p {
		case pubOnTime:
			o.OnTime++
		case pubLate:
			o.Late++
		case pubOverdue:
			o.Overdue++
		case pubPending:
			o.Pending++
		}
	}
	for _, r := range rs {
		delete(expected, keyOf(r))
		p, err := dl.classifyIn(r, tasks[r.TaskID].end)
		if err != nil {
			return nil, err
		}
		count(r.DepartmentID, p)
	}
	// Drawn targets nobody has entered a result for: due 20 working days after the window.
	for k := range expected {
		p, err := dl.classifyMissing(tasks[k.task].end)
		if err != nil {
			return nil, err
		}
		count(k.department, p)
	}
	out := make([]OnTime, 0, len(byDep))
	for _, o := range byDep {
		o.Rate = ratio(o.OnTime, o.OnTime+o.Late+o.Overdue)
		out = append(out, *o)
	}
	slices.SortFunc(out, func(a, b OnTime) int { return compareDepts(deps, a.DepartmentID, b.DepartmentID) })
	return out, nil
}
