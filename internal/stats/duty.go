package stats

import (
	"cmp"
	"context"
	"slices"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/account"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/viewer"
)

// DutyRecord is one inspector's duty record for a year (履职记录): what was assigned by the
// draw and what was done with it — "尽职照单免责、失职照单问责" (domain.md §2.10).
type DutyRecord struct {
	// InspectorID 执法检查人员编号。
	InspectorID int `json:"inspectorId"`
	// CertificateNo 执法证号（未登记时为空）。
	CertificateNo string `json:"certificateNo"`
	// Name 姓名。
	Name string `json:"name"`
	// DepartmentID 所属部门编号。
	DepartmentID int `json:"departmentId"`
	// DepartmentName 所属部门名称。
	DepartmentName string `json:"departmentName"`
	// Tasks 参与任务数：本人所在有效检查组（抽取状态为已抽取或已揭示）所属的不同任务数。
	Tasks int `json:"tasks"`
	// Targets 分派对象数：本人所在有效检查组对应的（任务、检查对象）数。
	Targets int `json:"targets"`
	// InspectedInWindow 期限内完成检查数：分派对象中，本部门结果的检查结束日期在任务检查期限内的数量。
	InspectedInWindow int `json:"inspectedInWindow"`
	// ItemsChecked 检查事项数：分派对象的本部门结果（现行版本）中已检查的事项数。
	ItemsChecked int `json:"itemsChecked"`
	// ResultsEntered 录入结果数：由本人账号录入的结果数（含更正版本）。
	ResultsEntered int `json:"resultsEntered"`
	// PublishedOnTime 按时公示数：分派对象的本部门结果在公示期限内公示的数量。
	PublishedOnTime int `json:"publishedOnTime"`
	// PublishedLate 逾期公示数：分派对象的本部门结果超过公示期限才公示的数量。
	PublishedLate int `json:"publishedLate"`
	// OverdueUnpublished 逾期未公示数：分派对象的本部门结果截至今日已过公示期限仍未公示的数量，含从未录入结果的分派对象（期限为任务检查期限结束后 20 个工作日）。
	OverdueUnpublished int `json:"overdueUnpublished"`
}

func (r *DutyRecord) empty() bool {
	return r.Tasks == 0 && r.Targets == 0 && r.InspectedInWindow == 0 && r.ItemsChecked == 0 &&
		r.ResultsEntered == 0 && r.PublishedOnTime == 0 && r.PublishedLate == 0 && r.OverdueUnpublished == 0
}

// DutyRecords returns the duty record of every inspector of departmentID (0: all departments)
// for the tasks of year, ordered by department and certificate number. Inspectors no longer
// active who did nothing that year are left out. Results count for an inspector when they are
// their own department's results for a target of their team (domain.md §2.7 "谁检查、谁录入、
// 谁公开"); a target without a result is not yet inspected — never a pass — and once 20
// working days after the task's window have passed it counts as overdue unpublished.
// The office and operator commands may ask for any department, everyone else for their own.
func DutyRecords(ctx context.Context, client *ent.Client, year int, departmentID int) ([]DutyRecord, error) {
	v, err := requireViewer(ctx)
	if err != nil {
		return nil, err
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	if v.Kind != viewer.System && !v.HasRole(viewer.RoleOffice) {
		switch {
		case v.DepartmentID == 0:
			return nil, apperr.New(apperr.Forbidden, "只有联席会议办公室可以查看各部门人员的履职记录")
		case departmentID == 0:
			departmentID = v.DepartmentID
		case departmentID != v.DepartmentID:
			return nil, apperr.New(apperr.Forbidden, "只能查看本部门人员的履职记录")
		}
	}
	deps, err := departments(ctx, client)
	if err != nil {
		return nil, err
	}
	tasks, taskIDs, err := tasksOfYear(ctx, client, year)
	if err != nil {
		return nil, err
	}
	drawTask, drawIDs, err := drawsOfTasks(ctx, client, taskIDs)
	if err != nil {
		return nil, err
	}

	inspectors, err := dutyInspectors(ctx, client, drawIDs, departmentID)
	if err != nil {
		return nil, err
	}
	current, first, enteredBy, err := dutyResults(ctx, client, taskIDs, departmentID)
	if err != nil {
		return nil, err
	}
	checked, err := checkedItems(ctx, client, taskIDs, departmentID)
	if err != nil {
		return nil, err
	}

	expected, err := expectedResults(ctx, client, taskIDs, departmentID)
	if err != nil {
		return nil, err
	}
	dl := newDeadlines(ctx, client)
	out := make([]DutyRecord, 0, len(inspectors))
	for _, in := range inspectors {
		rec := DutyRecord{InspectorID: in.ID, Name: in.Name, DepartmentID: in.DepartmentID,
			DepartmentName: deps[in.DepartmentID].name, ResultsEntered: enteredBy[in.ID]}
		if in.CertificateNo != nil {
			rec.CertificateNo = *in.CertificateNo
		}
		taskSet := map[int]bool{}
		seen := map[resultKey]bool{}
		for _, tm := range in.Edges.Teams {
			tid, ok := drawTask[tm.DrawID]
			if !ok {
				continue
			}
			k := resultKey{tid, tm.TargetID, in.DepartmentID}
			if seen[k] {
				continue
			}
			seen[k] = true
			taskSet[tid] = true
			rec.Targets++
			if r := current[k]; r != nil {
				if r.InspectionEndDate != nil {
					end, t := calendar.DateOf(*r.InspectionEndDate), tasks[tid]
					if !end.Before(t.start) && !end.After(t.end) {
						rec.InspectedInWindow++
					}
				}
				rec.ItemsChecked += checked[r.ID]
			}
			var p publication
			if r := first[k]; r != nil {
				p, err = dl.classifyIn(r, tasks[tid].end)
			} else if expected[k] {
				p, err = dl.classifyMissing(tasks[tid].end)
			}
			if err != nil {
				return nil, err
			}
			{
				switch p {
				case pubOnTime:
					rec.PublishedOnTime++
				case pubLate:
					rec.PublishedLate++
				case pubOverdue:
					rec.OverdueUnpublished++
				}
			}
		}
		rec.Tasks = len(taskSet)
		if !in.Active && rec.empty() {
			continue
		}
		out = append(out, rec)
	}
	slices.SortStableFunc(out, func(a, b DutyRecord) int {
		if c := compareDepts(deps, a.DepartmentID, b.DepartmentID); c != 0 {
			return c
		}
		if c := cmp.Compare(a.CertificateNo, b.CertificateNo); c != 0 {
			return c
		}
		return a.InspectorID - b.InspectorID
	})
	return out, nil
}

// dutyInspectors are the inspectors (of the department asked for) with their standing teams of
// the year's draws, in one query plus one for the edges.
func dutyInspectors(ctx context.Context, client *ent.Client, drawIDs []int, departmentID int) ([]*ent.Inspector, error) {
	iq := client.Inspector.Query().Order(ent.Asc(inspector.FieldID)).
		Select(inspector.FieldName, inspector.FieldCertificateNo, inspector.FieldActive, inspector.FieldDepartmentID).
		WithTeams(func(q *ent.InspectionTeamQuery) {
			q.Where(inspectionteam.StatusEQ(inspectionteam.StatusACTIVE), inspectionteam.DrawIDIn(drawIDs...)).
				Select(inspectionteam.FieldDrawID, inspectionteam.FieldTargetID)
		})
	if departmentID != 0 {
		iq.Where(inspector.DepartmentID(departmentID))
	}
	return iq.All(ctx)
}

// dutyResults reads the results of the year's tasks (of the department asked for), all
// versions: the highest version of each (what was inspected and checked), version 1 (judged
// against the publication deadline) and how many results each inspector entered.
func dutyResults(ctx context.Context, client *ent.Client, taskIDs []int, departmentID int) (current, first map[resultKey]*ent.Result, enteredBy map[int]int, err error) {
	current = map[resultKey]*ent.Result{}
	first = map[resultKey]*ent.Result{}
	enteredBy = map[int]int{}
	if len(taskIDs) > 0 {
		rq := client.Result.Query().Where(result.TaskIDIn(taskIDs...)).
			Select(result.FieldTaskID, result.FieldTargetID, result.FieldDepartmentID, result.FieldVersion, result.FieldStatus,
				result.FieldInspectionEndDate, result.FieldDueDate, result.FieldPublishedAt).
			WithEnteredBy(func(q *ent.AccountQuery) { q.Select(account.FieldInspectorID) })
		if departmentID != 0 {
			rq.Where(result.DepartmentID(departmentID))
		}
		rs, err := rq.All(ctx)
		if err != nil {
			return nil, nil, nil, err
		}
		for _, r := range rs {
			k := keyOf(r)
			if c, ok := current[k]; !ok || r.Version > c.Version {
				current[k] = r
			}
			if r.Version == 1 {
				first[k] = r
			}
			if a := r.Edges.EnteredBy; a != nil && a.InspectorID != nil {
				enteredBy[*a.InspectorID]++
			}
		}
	}
	return current, first, enteredBy, nil
}

// checkedItems counts the items checked per result, in SQL.
func checkedItems(ctx context.Context, client *ent.Client, taskIDs []int, departmentID int) (map[int]int, error) {
	checked := map[int]int{}
	if len(taskIDs) > 0 {
		var rows []struct {
			ResultID int `json:"result_id"`
			Count    int `json:"count"`
		}
		q := client.ResultItem.Query().Where(resultitem.Checked(true))
		if departmentID != 0 {
			q.Where(resultitem.HasResultWith(result.TaskIDIn(taskIDs...), result.DepartmentID(departmentID)))
		} else {
			q.Where(resultitem.HasResultWith(result.TaskIDIn(taskIDs...)))
		}
		if err := q.GroupBy(resultitem.FieldResultID).Aggregate(ent.Count()).Scan(ctx, &rows); err != nil {
			return nil, err
		}
		for _, r := range rows {
			checked[r.ResultID] = r.Count
		}
	}
	return checked, nil
}
