package stats

import (
	"context"
	"slices"

	"github.com/ssgk/ssgk/ent"
)

// DepartmentYear is one department's year as the public portal shows it (/stats): every figure
// is taken from the statistic GraphQL serves — JointShare (tasks), OnTimeRate (published,
// on time, late, overdue, pending), ProblemRate (checks and problems) — and DrawnTargets, which
// counts the same expected results those statistics judge. One rule, every path.
type DepartmentYear struct {
	DepartmentID   int
	DepartmentCode string
	DepartmentName string
	// Tasks the department initiated or took part in (JointShare.departments.tasks).
	Tasks int
	// DrawnTargets: drawn targets of those tasks the department has items for.
	DrawnTargets int
	// Published results (first versions; a corrected result counts once): onTime + late.
	Published int
	// Checked and ProblemFound sum ProblemRate over the department's items; ProblemRate is their ratio.
	Checked, ProblemFound int
	ProblemRate           float64
	// OnTime, Late, Overdue, Pending and OnTimeRate are the department's row of OnTimeRate.
	OnTime, Late, Overdue, Pending int
	OnTimeRate                     float64
}

// YearFigures is the portal's statistics page for one year: a row per department with
// anything to count, in the member list's order, and the county's total.
type YearFigures struct {
	Year        int
	Departments []DepartmentYear
	Total       DepartmentYear
}

// DrawnTargets counts, per department, the drawn targets of the tasks of year for which the
// department has items — the results the regime expects of it (expectedResults), whether
// entered or not.
func DrawnTargets(ctx context.Context, client *ent.Client, year int) (map[int]int, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	_, taskIDs, err := tasksOfYear(ctx, client, year)
	if err != nil {
		return nil, err
	}
	expected, err := expectedResults(ctx, client, taskIDs, 0)
	if err != nil {
		return nil, err
	}
	out := map[int]int{}
	for k := range expected {
		out[k.department]++
	}
	return out, nil
}

// Figures computes the portal's statistics of year from the GraphQL statistics' functions.
func Figures(ctx context.Context, client *ent.Client, year int) (YearFigures, error) {
	out := YearFigures{Year: year, Departments: []DepartmentYear{}}
	js, err := JointShare(ctx, client, year)
	if err != nil {
		return out, err
	}
	ot, err := OnTimeRate(ctx, client, year, 0)
	if err != nil {
		return out, err
	}
	pr, err := ProblemRate(ctx, client, year)
	if err != nil {
		return out, err
	}
	drawn, err := DrawnTargets(ctx, client, year)
	if err != nil {
		return out, err
	}
	deps, err := departments(ctx, client)
	if err != nil {
		return out, err
	}
	rows := map[int]*DepartmentYear{}
	row := func(id int) *DepartmentYear {
		r, ok := rows[id]
		if !ok {
			d := deps[id]
			r = &DepartmentYear{DepartmentID: id, DepartmentCode: d.code, DepartmentName: d.name}
			rows[id] = r
		}
		return r
	}
	for _, d := range js.Departments {
		row(d.DepartmentID).Tasks = d.Tasks
	}
	for id, n := range drawn {
		row(id).DrawnTargets = n
	}
	for _, o := range ot {
		r := row(o.DepartmentID)
		r.OnTime, r.Late, r.Overdue, r.Pending, r.OnTimeRate = o.OnTime, o.Late, o.Overdue, o.Pending, o.Rate
		r.Published = o.OnTime + o.Late
	}
	for _, p := range pr {
		r := row(p.DepartmentID)
		r.Checked += p.Checked
		r.ProblemFound += p.ProblemFound
	}
	t := &out.Total
	t.Tasks = js.Tasks
	for _, r := range rows {
		r.ProblemRate = ratio(r.ProblemFound, r.Checked)
		out.Departments = append(out.Departments, *r)
		t.DrawnTargets += r.DrawnTargets
		t.Published += r.Published
		t.Checked += r.Checked
		t.ProblemFound += r.ProblemFound
		t.OnTime += r.OnTime
		t.Late += r.Late
		t.Overdue += r.Overdue
		t.Pending += r.Pending
	}
	t.ProblemRate = ratio(t.ProblemFound, t.Checked)
	t.OnTimeRate = ratio(t.OnTime, t.OnTime+t.Late+t.Overdue)
	slices.SortFunc(out.Departments, func(a, b DepartmentYear) int { return compareDepts(deps, a.DepartmentID, b.DepartmentID) })
	return out, nil
}
