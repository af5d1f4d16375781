// Package stats computes the accountability and office statistics of one year: the
// per-inspector duty record (履职记录, domain.md §2.10) and the joint-meeting office's measures —
// coverage of the item lists, the share of joint tasks, publication on time (domain.md §2.8),
// problem rates per item and the "least disturbance" measure (inspections per enterprise).
//
// Shared definitions, so that every figure counts the same things:
//   - A task belongs to the year in which its inspection window starts (China time); draft and
//     cancelled tasks are not counted (a draft is not yet a task the county runs).
//   - Of a corrected result only the current version counts (results.Current: no later version
//     is published), in every figure and in resultAggregate alike.
//   - A target is drawn in a task when it has an ACTIVE inspection team in a draw of the task
//     whose status is DRAWN or REVEALED: recused teams and superseded draws do not count.
//   - Publication is judged on the first version of a result (later versions are corrections):
//     on time when the date of published_at (China time) is not after the due date; overdue
//     when it is still unpublished after its due date. A result without a due date has it
//     computed from its inspection end date by the calendar in force (20 working days).
//   - Every drawn target × every department with items in the task is a result the regime
//     expects. One that nobody has entered (or entered without an inspection end date) is due
//     20 working days after the task's inspection window ends and is overdue after that: "not
//     yet inspected" is never a pass and never invisible.
//
// All queries group in SQL or load in bulk and work on SQLite and PostgreSQL alike.
package stats

import (
	"context"
	"time"

	"github.com/ssgk/ssgk/internal/clock"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/calendar/calendarstore"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/viewer"
)

// drawnStatuses are the draw states whose teams stand: a FROZEN or COMMITTED draw has not
// drawn yet, and a SUPERSEDED one was replaced by a re-draw.
var drawnStatuses = []draw.Status{draw.StatusDRAWN, draw.StatusREVEALED}

// requireViewer refuses the public: statistics are for logged-in users and department systems.
func requireViewer(ctx context.Context) (*viewer.Viewer, error) {
	v := viewer.FromContext(ctx)
	if v.IsAnonymous() {
		return nil, apperr.New(apperr.Unauthenticated, "请先登录")
	}
	return v, nil
}

func checkYear(year int) error {
	if year < 2000 || year > 2100 {
		return apperr.New(apperr.Invalid, "年度 %d 无效", year)
	}
	return nil
}

// yearTask is a task of the year with its window as China dates.
type yearTask struct {
	*ent.Task
	start, end time.Time
}

// tasksOfYear loads the tasks whose window starts in year (China time), cancelled tasks left
// out, and so are drafts. The database filter is widened by two days on each side and the exact year is decided
// here: SQLite compares stored times as text, which is only ordered within one UTC offset.
func tasksOfYear(ctx context.Context, client *ent.Client, year int, with ...func(*ent.TaskQuery)) (map[int]*yearTask, []int, error) {
	from := calendar.Date(year, 1, 1).AddDate(0, 0, -2)
	to := calendar.Date(year+1, 1, 1).AddDate(0, 0, 2)
	q := client.Task.Query().
		Where(task.WindowStartGTE(from), task.WindowStartLT(to), task.StatusNotIn(task.StatusDRAFT, task.StatusCANCELLED)).
		Select(task.FieldInitiatorID, task.FieldWindowStart, task.FieldWindowEnd).
		Order(ent.Asc(task.FieldID))
	for _, w := range with {
		w(q)
	}
	rows, err := q.All(ctx)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int]*yearTask, len(rows))
	ids := make([]int, 0, len(rows))
	for _, t := range rows {
		start := calendar.DateOf(t.WindowStart)
		if start.Year() != year {
			continue
		}
		byID[t.ID] = &yearTask{Task: t, start: start, end: calendar.DateOf(t.WindowEnd)}
		ids = append(ids, t.ID)
	}
	return byID, ids, nil
}

// drawsOfTasks maps the standing (DRAWN or REVEALED) draws of the tasks to their task.
func drawsOfTasks(ctx context.Context, client *ent.Client, taskIDs []int) (map[int]int, []int, error) {
	if len(taskIDs) == 0 {
		return map[int]int{}, nil, nil
	}
	rows, err := client.Draw.Query().
		Where(draw.TaskIDIn(taskIDs...), draw.StatusIn(drawnStatuses...)).
		Select(draw.FieldTaskID).All(ctx)
	if err != nil {
		return nil, nil, err
	}
	m := make(map[int]int, len(rows))
	ids := make([]int, 0, len(rows))
	for _, d := range rows {
		m[d.ID] = d.TaskID
		ids = append(ids, d.ID)
	}
	return m, ids, nil
}

// dept is what the statistics show of a department.
type dept struct {
	id, sortOrder int
	code, name    string
}

// departments loads every department (the joint meeting has a few dozen).
func departments(ctx context.Context, client *ent.Client) (map[int]dept, error) {
	rows, err := client.Department.Query().
		Select(department.FieldCode, department.FieldName, department.FieldSortOrder).All(ctx)
	if err != nil {
		return nil, err
	}
	m := make(map[int]dept, len(rows))
	for _, d := range rows {
		m[d.ID] = dept{id: d.ID, sortOrder: d.SortOrder, code: d.Code, name: d.Name}
	}
	return m, nil
}

// compareDepts orders departments as the member list does: by sort order, then by id.
func compareDepts(deps map[int]dept, a, b int) int {
	da, db := deps[a], deps[b]
	if da.sortOrder != db.sortOrder {
		return da.sortOrder - db.sortOrder
	}
	return a - b
}

// resultKey identifies one department's result for one target of a task across versions.
type resultKey struct{ task, target, department int }

func keyOf(r *ent.Result) resultKey { return resultKey{r.TaskID, r.TargetID, r.DepartmentID} }

// publication is the publication state of a result's first version.
type publication int

const (
	pubUnknown publication = iota // no inspection end date yet: not yet inspected, no deadline
	pubOnTime                     // published on or before the due date
	pubLate                       // published after the due date
	pubOverdue                    // unpublished, past the due date
	pubPending                    // unpublished, not yet due
)

// deadlines classifies results against the 20-working-day rule as of today. The calendar is
// loaded only when a result has no stored due date, and a missing year fails closed.
type deadlines struct {
	ctx    context.Context
	client *ent.Client
	cal    *calendar.Calendar
	today  time.Time
}

func newDeadlines(ctx context.Context, client *ent.Client) *deadlines {
	return &deadlines{ctx: ctx, client: client, today: calendar.DateOf(clock.Now(ctx))}
}

// due is the due date of r (a China date), false when r has none and no inspection end date.
func (d *deadlines) due(r *ent.Result) (time.Time, bool, error) {
	if r.DueDate != nil {
		return calendar.DateOf(*r.DueDate), true, nil
	}
	if r.InspectionEndDate == nil {
		return time.Time{}, false, nil
	}
	cal, err := d.calendar()
	if err != nil {
		return time.Time{}, false, err
	}
	due, err := cal.Deadline(calendar.DateOf(*r.InspectionEndDate))
	if err != nil {
		return time.Time{}, false, err
	}
	return due, true, nil
}

// calendar loads the calendar in force once.
func (d *deadlines) calendar() (*calendar.Calendar, error) {
	if d.cal == nil {
		cal, err := calendarstore.Calendar(d.ctx, d.client)
		if err != nil {
			return nil, err
		}
		d.cal = cal
	}
	return d.cal, nil
}

// windowDue is the due date of a result of a task whose inspection window ends on windowEnd:
// 20 working days after it.
func (d *deadlines) windowDue(windowEnd time.Time) (time.Time, error) {
	cal, err := d.calendar()
	if err != nil {
		return time.Time{}, err
	}
	return cal.Deadline(calendar.DateOf(windowEnd))
}

// classifyMissing judges a drawn target for which a department has no result at all: overdue
// once 20 working days after the task's inspection window have passed, pending before. Not
// yet inspected is never a pass, and never invisible either.
func (d *deadlines) classifyMissing(windowEnd time.Time) (publication, error) {
	due, err := d.windowDue(windowEnd)
	if err != nil {
		return pubUnknown, err
	}
	if d.today.After(due) {
		return pubOverdue, nil
	}
	return pubPending, nil
}

// classifyIn is classify for a result of a task whose window ends on windowEnd: a result with
// neither a due date nor an inspection end date is judged like a missing one.
func (d *deadlines) classifyIn(r *ent.Result, windowEnd time.Time) (publication, error) {
	if r.DueDate == nil && r.InspectionEndDate == nil && r.Status != result.StatusPUBLISHED {
		return d.classifyMissing(windowEnd)
	}
	return d.classify(r)
}

func (d *deadlines) classify(r *ent.Result) (publication, error) {
	if r.Status == result.StatusPUBLISHED && r.PublishedAt == nil {
		return pubUnknown, nil
	}
	due, ok, err := d.due(r)
	if err != nil || !ok {
		return pubUnknown, err
	}
	if r.Status == result.StatusPUBLISHED {
		if calendar.DateOf(*r.PublishedAt).After(due) {
			return pubLate, nil
		}
		return pubOnTime, nil
	}
	if d.today.After(due) {
		return pubOverdue, nil
	}
	return pubPending, nil
}

// expectedResults is every (task, drawn target, department with items in the task) of the
// tasks — the results the regime expects, whether or not anyone has entered them. departmentID
// 0 means every department.
func expectedResults(ctx context.Context, client *ent.Client, taskIDs []int, departmentID int) (map[resultKey]bool, error) {
	out := map[resultKey]bool{}
	if len(taskIDs) == 0 {
		return out, nil
	}
	drawTask, drawIDs, err := drawsOfTasks(ctx, client, taskIDs)
	if err != nil || len(drawIDs) == 0 {
		return out, err
	}
	teams, err := client.InspectionTeam.Query().
		Where(inspectionteam.StatusEQ(inspectionteam.StatusACTIVE), inspectionteam.DrawIDIn(drawIDs...)).
		Select(inspectionteam.FieldDrawID, inspectionteam.FieldTargetID).All(ctx)
	if err != nil {
		return nil, err
	}
	tq := client.TaskItem.Query().Where(taskitem.TaskIDIn(taskIDs...))
	if departmentID != 0 {
		tq.Where(taskitem.DepartmentID(departmentID))
	}
	tis, err := tq.Select(taskitem.FieldTaskID, taskitem.FieldDepartmentID).All(ctx)
	if err != nil {
		return nil, err
	}
	depsOf := map[int]map[int]bool{}
	for _, ti := range tis {
		if depsOf[ti.TaskID] == nil {
			depsOf[ti.TaskID] = map[int]bool{}
		}
		depsOf[ti.TaskID][ti.DepartmentID] = true
	}
	for _, tm := range teams {
		tid := drawTask[tm.DrawID]
		for dep := range depsOf[tid] {
			out[resultKey{tid, tm.TargetID, dep}] = true
		}
	}
	return out, nil
}

// latestPublished keeps a published result only when no later version of the same department's
// result for the same target and task is published too: a correction replaces what the public
// sees, while both stay on record. It is the one notion of "current" (results.Current).
func latestPublished() predicate.Result { return results.Current() }

// ratio is part/whole, 0 when whole is 0.
func ratio(part, whole int) float64 {
	if whole == 0 {
		return 0
	}
	return float64(part) / float64(whole)
}
