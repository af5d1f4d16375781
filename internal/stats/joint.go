package stats

import (
	"context"
	"slices"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
)

// JointTaskShare is the share of joint tasks (部门联合抽查) among the tasks of a year: "进一次门、
// 查多项事" — the more inspections are joint, the fewer visits an enterprise receives.
type JointTaskShare struct {
	// Year 统计年度。
	Year int `json:"year"`
	// Tasks 任务总数：检查期限始于当年的抽查任务数（不含已撤销）。
	Tasks int `json:"tasks"`
	// Joint 联合抽查任务数：有发起部门以外参与部门的任务数。
	Joint int `json:"joint"`
	// Share 联合抽查占比（联合抽查任务数 / 任务总数，0–1）。
	Share float64 `json:"share"`
	// Departments 各部门情况（按成员名单顺序）。
	Departments []DepartmentJoint `json:"departments"`
}

// DepartmentJoint is one department's tasks of the year and how many of them were joint.
type DepartmentJoint struct {
	// DepartmentID 部门编号。
	DepartmentID int `json:"departmentId"`
	// DepartmentCode 部门编码。
	DepartmentCode string `json:"departmentCode"`
	// DepartmentName 部门名称。
	DepartmentName string `json:"departmentName"`
	// Tasks 参加任务数：本部门发起或参与的任务数。
	Tasks int `json:"tasks"`
	// Initiated 发起任务数。
	Initiated int `json:"initiated"`
	// Joint 联合抽查任务数：本部门发起或参与的任务中属于联合抽查的数量。
	Joint int `json:"joint"`
	// Share 联合抽查占比（联合抽查任务数 / 参加任务数，0–1）。
	Share float64 `json:"share"`
}

// JointShare returns how many of the tasks of year are joint, overall and per department that
// initiated or took part in a task. A task is joint when it has a participating department
// other than its initiator. (The result type is JointTaskShare: Go does not allow a function
// and a type of the same name.)
func JointShare(ctx context.Context, client *ent.Client, year int) (JointTaskShare, error) {
	out := JointTaskShare{Year: year, Departments: []DepartmentJoint{}}
	if _, err := requireViewer(ctx); err != nil {
		return out, err
	}
	if err := checkYear(year); err != nil {
		return out, err
	}
	deps, err := departments(ctx, client)
	if err != nil {
		return out, err
	}
	tasks, taskIDs, err := tasksOfYear(ctx, client, year, func(q *ent.TaskQuery) {
		q.WithParticipants(func(q *ent.DepartmentQuery) { q.Select(department.FieldID) })
	})
	if err != nil {
		return out, err
	}
	byDep := map[int]*DepartmentJoint{}
	get := func(id int) *DepartmentJoint {
		d, ok := byDep[id]
		if !ok {
			dp := deps[id]
			d = &DepartmentJoint{DepartmentID: id, DepartmentCode: dp.code, DepartmentName: dp.name}
			byDep[id] = d
		}
		return d
	}
	for _, id := range taskIDs {
		t := tasks[id]
		involved := []int{t.InitiatorID}
		for _, p := range t.Edges.Participants {
			if !slices.Contains(involved, p.ID) {
				involved = append(involved, p.ID)
			}
		}
		joint := len(involved) > 1
		out.Tasks++
		if joint {
			out.Joint++
		}
		for _, depID := range involved {
			d := get(depID)
			d.Tasks++
			if depID == t.InitiatorID {
				d.Initiated++
			}
			if joint {
				d.Joint++
			}
		}
	}
	out.Share = ratio(out.Joint, out.Tasks)
	for _, d := range byDep {
		d.Share = ratio(d.Joint, d.Tasks)
		out.Departments = append(out.Departments, *d)
	}
	slices.SortFunc(out.Departments, func(a, b DepartmentJoint) int { return compareDepts(deps, a.DepartmentID, b.DepartmentID) })
	return out, nil
}
