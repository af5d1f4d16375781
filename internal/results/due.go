package results

import (
	"context"
	"slices"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/calendar/calendarstore"
	"github.com/ssgk/ssgk/internal/viewer"
)

// DueEntry is one result in the office's deadline view.
type DueEntry struct {
	ResultID          int
	TaskID            int
	TargetID          int
	TargetName        string
	Status            result.Status
	InspectionEndDate time.Time
	DueDate           time.Time
	PublishedAt       *time.Time
	// WorkingDays: for DueSoon the working days left until the due date (0 = due today); for
	// Overdue and PublishedLate the working days past it.
	WorkingDays int
}

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
// due date computed from the inspection end date; one without an end date is not counted here
// (see Status for targets not yet inspected). Working days come from the calendar in force;
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
	q := client.Result.Query().Where(result.InspectionEndDateNotNil(), result.Version(1)).WithTarget().WithDepartment()
	if v.Kind != viewer.System && !v.HasRole(viewer.RoleOffice) {
		q.Where(result.DepartmentID(v.DepartmentID))
	}
	rs, err := q.Order(ent.Asc(result.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	today := calendar.DateOf(asOf)
	byDep := map[int]*DepartmentDue{}
	get := func(r *ent.Result) *DepartmentDue {
		d, ok := byDep[r.DepartmentID]
		if !ok {
			d = &DepartmentDue{DepartmentID: r.DepartmentID, DepartmentName: r.Edges.Department.Name}
			byDep[r.DepartmentID] = d
		}
		return d
	}
	for _, r := range rs {
		var due time.Time
		if r.DueDate != nil {
			due = calendar.DateOf(*r.DueDate)
		} else if due, err = cal.Deadline(*r.InspectionEndDate); err != nil {
			return nil, err
		}
		e := DueEntry{ResultID: r.ID, TaskID: r.TaskID, TargetID: r.TargetID, TargetName: r.Edges.Target.Name, Status: r.Status,
			InspectionEndDate: calendar.DateOf(*r.InspectionEndDate), DueDate: due, PublishedAt: r.PublishedAt}
		if r.Status == result.StatusPUBLISHED {
			if r.PublishedAt == nil {
				continue
			}
			if pd := calendar.DateOf(*r.PublishedAt); pd.After(due) {
				if e.WorkingDays, err = cal.WorkingDaysBetween(due, pd); err != nil {
					return nil, err
				}
				d := get(r)
				d.PublishedLate = append(d.PublishedLate, e)
			}
			continue
		}
		if today.After(due) {
			if e.WorkingDays, err = cal.WorkingDaysBetween(due, today); err != nil {
				return nil, err
			}
			d := get(r)
			d.Overdue = append(d.Overdue, e)
			continue
		}
		left, err := cal.WorkingDaysBetween(today, due)
		if err != nil {
			return nil, err
		}
		if left <= soonDays {
			e.WorkingDays = left
			d := get(r)
			d.DueSoon = append(d.DueSoon, e)
		}
	}
	out := make([]DepartmentDue, 0, len(byDep))
	for _, d := range byDep {
		out = append(out, *d)
	}
	slices.SortFunc(out, func(a, b DepartmentDue) int { return a.DepartmentID - b.DepartmentID })
	return out, nil
}
