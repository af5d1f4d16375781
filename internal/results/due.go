package results

import (
	"context"
	"slices"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/calendar/calendarstore"
	"github.com/ssgk/ssgk/internal/viewer"
)

// DueEntry is one result in the office's deadline view.
type DueEntry struct {
	ResultID   int // 0: nobody has entered a result for this drawn target
	TaskID     int
	TargetID   int
	TargetName string
	Status     *result.Status // nil when no result has been entered
	// InspectionEndDate is the result's inspection end date, or the end of the task's inspection
	// window when no result (or one without an end date) has been entered.
	InspectionEndDate time.Time
	DueDate           time.Time
	PublishedAt       *time.Time
	// WorkingDays: for DueSoon the working days left until the due date (0 = due today); for
	// Overdue and PublishedLate the working days past it.
	WorkingDays int
}

// NotInspected tells an expected result nobody has entered: "not yet inspected", never a pass.
func (e DueEntry) NotInspected() bool { return e.ResultID == 0 }

// DepartmentDue is one department's results that need the office's attention.
type DepartmentDue struct {
	DepartmentID   int
	DepartmentName string
	DueSoon        []DueEntry // not published, due within soonDays working days
	Overdue        []DueEntry // not published, past the due date
	PublishedLate  []DueEntry // published after the due date
}

// Due is the office's view of the 20-working-day publication rule (企业信息公示暂行条例 art. 6)
// as of asOf: per department, the unpublished results due within soonDays working days, the
// unpublished ones past due, and the ones published late. Results not yet submitted have their
// due date computed from the inspection end date. Every drawn target of a task that is not
// cancelled, for every department with items in the task, is a result the regime expects: one
// nobody has entered (ResultID 0, Status nil), or entered without an end date, is due 20
// working days after the task's inspection window ends. Working days come from the calendar in force;
// a missing year is CALENDAR_MISSING, never a guess. The office and operator commands see every
// department, others their own.
func Due(ctx context.Context, client *ent.Client, asOf time.Time, soonDays int) ([]DepartmentDue, error) {
	v := viewer.FromContext(ctx)
	if v.IsAnonymous() {
		return nil, apperr.New(apperr.Unauthenticated, "请先登录")
	}
	if soonDays < 0 {
		return nil, apperr.New(apperr.Invalid, "临期天数不能为负数")
	}
	cal, err := calendarstore.Calendar(ctx, client)
	if err != nil {
		return nil, err
	}
	expected, err := expectedOpen(ctx, client, v)
	if err != nil {
		return nil, err
	}
	q := client.Result.Query().Where(result.Version(1)).WithTarget().WithDepartment().WithTask()
	if v.Kind != viewer.System && !v.HasRole(viewer.RoleOffice) {
		q.Where(result.DepartmentID(v.DepartmentID))
	}
	rs, err := q.Order(ent.Asc(result.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	today := calendar.DateOf(asOf)
	byDep := map[int]*DepartmentDue{}
	get := func(depID int, depName string) *DepartmentDue {
		d, ok := byDep[depID]
		if !ok {
			d = &DepartmentDue{DepartmentID: depID, DepartmentName: depName}
			byDep[depID] = d
		}
		return d
	}
	// open files an unpublished entry as overdue or due soon.
	open := func(depID int, depName string, e DueEntry) error {
		if today.After(e.DueDate) {
			if e.WorkingDays, err = cal.WorkingDaysBetween(e.DueDate, today); err != nil {
				return err
			}
			d := get(depID, depName)
			d.Overdue = append(d.Overdue, e)
			return nil
		}
		left, err := cal.WorkingDaysBetween(today, e.DueDate)
		if err != nil {
			return err
		}
		if left <= soonDays {
			e.WorkingDays = left
			d := get(depID, depName)
			d.DueSoon = append(d.DueSoon, e)
		}
		return nil
	}
	for _, r := range rs {
		k := expectedKey{r.TaskID, r.TargetID, r.DepartmentID}
		delete(expected, k)
		if r.Edges.Task != nil && r.Edges.Task.Status == task.StatusCANCELLED {
			continue
		}
		status := r.Status
		e := DueEntry{ResultID: r.ID, TaskID: r.TaskID, TargetID: r.TargetID, TargetName: r.Edges.Target.Name, Status: &status,
			PublishedAt: r.PublishedAt}
		switch {
		case r.InspectionEndDate != nil:
			e.InspectionEndDate = calendar.DateOf(*r.InspectionEndDate)
		case r.Status == result.StatusPUBLISHED || r.Edges.Task == nil:
			continue
		default: // entered without an end date: due by the task's window like a missing one
			e.InspectionEndDate = calendar.DateOf(r.Edges.Task.WindowEnd)
		}
		var due time.Time
		if r.DueDate != nil {
			due = calendar.DateOf(*r.DueDate)
		} else if due, err = cal.Deadline(e.InspectionEndDate); err != nil {
			return nil, err
		}
		e.DueDate = due
		if r.Status == result.StatusPUBLISHED {
			if r.PublishedAt == nil {
				continue
			}
			if pd := calendar.DateOf(*r.PublishedAt); pd.After(due) {
				if e.WorkingDays, err = cal.WorkingDaysBetween(due, pd); err != nil {
					return nil, err
				}
				d := get(r.DepartmentID, r.Edges.Department.Name)
				d.PublishedLate = append(d.PublishedLate, e)
			}
			continue
		}
		if err := open(r.DepartmentID, r.Edges.Department.Name, e); err != nil {
			return nil, err
		}
	}
	// Drawn targets nobody has entered a result for: due 20 working days after the window.
	missing := make([]expectedKey, 0, len(expected))
	for k := range expected {
		missing = append(missing, k)
	}
	slices.SortFunc(missing, func(a, b expectedKey) int {
		if a.task != b.task {
			return a.task - b.task
		}
		return a.target - b.target
	})
	for _, k := range missing {
		x := expected[k]
		end := calendar.DateOf(x.windowEnd)
		due, err := cal.Deadline(end)
		if err != nil {
			return nil, err
		}
		e := DueEntry{TaskID: k.task, TargetID: k.target, TargetName: x.targetName, InspectionEndDate: end, DueDate: due}
		if err := open(k.department, x.departmentName, e); err != nil {
			return nil, err
		}
	}
	out := make([]DepartmentDue, 0, len(byDep))
	for _, d := range byDep {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b DepartmentDue) int { return a.DepartmentID - b.DepartmentID })
	return out, nil
}

// expectedKey is one department's expected result for one drawn target of a task.
type expectedKey struct{ task, target, department int }

// expectedResult is what the deadline view shows of an expected result nobody has entered.
type expectedResult struct {
	windowEnd      time.Time
	targetName     string
	departmentName string
}

// expectedOpen is every drawn target (an ACTIVE team of a DRAWN or REVEALED draw) × every
// department with items in the task, for tasks not cancelled — the viewer's own department
// unless it is the office or an operator command.
func expectedOpen(ctx context.Context, client *ent.Client, v *viewer.Viewer) (map[expectedKey]expectedResult, error) {
	tq := client.TaskItem.Query().Where(taskitem.HasTaskWith(task.StatusNEQ(task.StatusCANCELLED),
		task.HasDrawsWith(draw.StatusIn(draw.StatusDRAWN, draw.StatusREVEALED)))).
		WithDepartment().WithTask()
	if v.Kind != viewer.System && !v.HasRole(viewer.RoleOffice) {
		tq.Where(taskitem.DepartmentID(v.DepartmentID))
	}
	tis, err := tq.All(ctx)
	if err != nil {
		return nil, err
	}
	out := map[expectedKey]expectedResult{}
	if len(tis) == 0 {
		return out, nil
	}
	type dep struct {
		id   int
		name string
	}
	depsOf := map[int][]dep{}
	windowEnd := map[int]time.Time{}
	seen := map[[2]int]bool{}
	taskIDs := []int{}
	for _, ti := range tis {
		if _, ok := windowEnd[ti.TaskID]; !ok {
			windowEnd[ti.TaskID] = ti.Edges.Task.WindowEnd
			taskIDs = append(taskIDs, ti.TaskID)
		}
		if seen[[2]int{ti.TaskID, ti.DepartmentID}] {
			continue
		}
		seen[[2]int{ti.TaskID, ti.DepartmentID}] = true
		depsOf[ti.TaskID] = append(depsOf[ti.TaskID], dep{ti.DepartmentID, ti.Edges.Department.Name})
	}
	teams, err := client.InspectionTeam.Query().Where(inspectionteam.StatusEQ(inspectionteam.StatusACTIVE),
		inspectionteam.HasDrawWith(draw.TaskIDIn(taskIDs...), draw.StatusIn(draw.StatusDRAWN, draw.StatusREVEALED))).
		WithDraw().WithTarget().All(ctx)
	if err != nil {
		return nil, err
	}
	for _, tm := range teams {
		tid := tm.Edges.Draw.TaskID
		for _, d := range depsOf[tid] {
			out[expectedKey{tid, tm.TargetID, d.id}] = expectedResult{windowEnd: windowEnd[tid], targetName: tm.Edges.Target.Name, departmentName: d.name}
		}
	}
	return out, nil
}
