package results

import (
	"context"
	"slices"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/apperr"
)

// NotInspected is the status of a drawn target for which a department has no result yet: "not
// yet inspected", never a pass.
const NotInspected = "NOT_INSPECTED"

// TargetStatus is where one department stands with one drawn target of a task.
type TargetStatus struct {
	TargetID       int
	TargetName     string
	DepartmentID   int
	DepartmentName string
	// Status is NOT_INSPECTED or the latest result version's status (DRAFT, PENDING_REVIEW,
	// RETURNED, APPROVED, PUBLISHED).
	Status     string
	StatusName string // Chinese
	ResultID   int    // 0 when NOT_INSPECTED
	Version    int
}

// Status lists every drawn target of the task × every department with items in it, with the
// department's result status — NOT_INSPECTED where there is no result. Ordered by target, then
// department.
func Status(ctx context.Context, client *ent.Client, taskID int) ([]TargetStatus, error) {
	if _, err := client.Task.Get(ctx, taskID); ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "抽查任务不存在")
	} else if err != nil {
		return nil, err
	}
	teams, err := client.InspectionTeam.Query().Where(inspectionteam.StatusEQ(inspectionteam.StatusACTIVE),
		inspectionteam.HasDrawWith(draw.TaskID(taskID), draw.StatusIn(draw.StatusDRAWN, draw.StatusREVEALED))).
		WithTarget().All(ctx)
	if err != nil {
		return nil, err
	}
	targets := map[int]*ent.Target{}
	for _, t := range teams {
		targets[t.TargetID] = t.Edges.Target
	}
	tis, err := client.TaskItem.Query().Where(taskitem.TaskID(taskID)).WithDepartment().All(ctx)
	if err != nil {
		return nil, err
	}
	deps := map[int]*ent.Department{}
	for _, ti := range tis {
		deps[ti.DepartmentID] = ti.Edges.Department
	}
	rs, err := client.Result.Query().Where(result.TaskID(taskID)).All(ctx)
	if err != nil {
		return nil, err
	}
	type key struct{ target, dep int }
	newest := map[key]*ent.Result{}
	for _, r := range rs {
		k := key{r.TargetID, r.DepartmentID}
		if cur, ok := newest[k]; !ok || r.Version > cur.Version {
			newest[k] = r
		}
	}
	var out []TargetStatus
	for tid, t := range targets {
		for did, d := range deps {
			s := TargetStatus{TargetID: tid, TargetName: t.Name, DepartmentID: did, DepartmentName: d.Name,
				Status: NotInspected, StatusName: "尚未检查"}
			if r, ok := newest[key{tid, did}]; ok {
				s.Status, s.StatusName, s.ResultID, s.Version = string(r.Status), StatusName(r.Status), r.ID, r.Version
			}
			out = append(out, s)
		}
	}
	slices.SortFunc(out, func(a, b TargetStatus) int {
		if a.TargetID != b.TargetID {
			return a.TargetID - b.TargetID
		}
		return a.DepartmentID - b.DepartmentID
	})
	return out, nil
}
