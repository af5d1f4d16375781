package draws

import (
	"context"
	"database/sql"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"math"
	"slices"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/conflict"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/bulk"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/tasks"
)

// targetKeySQL is library.TargetKey in SQL: USCC, else object code, else registration number.
const targetKeySQL = `COALESCE(t.uscc, t.object_code, t.reg_no, 'id:' || t.id)`

// inputsOf gathers everything the draw of task t depends on, read inside tx: the frame (the
// targets of the task's sub-libraries, eligible or excluded with a reason), the parameters, the
// inspector pool, declared conflicts and the rotation history.
// It also returns the row ids of the eligible targets, as read.
func (d *Drawer) inputsOf(ctx context.Context, tx *ent.Tx, t *ent.Task, at time.Time) (draw.Inputs, *frameIDs, error) {
	var in draw.Inputs
	params, err := d.params(ctx, tx, t)
	if err != nil {
		return in, nil, err
	}
	frame, fids, err := d.frame(ctx, tx, t, params)
	if err != nil {
		return in, nil, err
	}
	pool, ids, err := d.pool(ctx, tx, t)
	if err != nil {
		return in, nil, err
	}
	conflicts, err := d.conflicts(ctx, tx, ids)
	if err != nil {
		return in, nil, err
	}
	rotation, err := d.rotation(ctx, tx, t, ids, at)
	if err != nil {
		return in, nil, err
	}
	return draw.Inputs{Frame: frame, Params: params, Inspectors: pool, Conflicts: conflicts, Rotation: rotation}, fids, nil
}

// frameIDs are the row ids of a frame's eligible targets as the freeze read them (keys[i] is
// the row ids[i]), kept beside the frame in the Drawer's cache so that storing a draw need not
// look its targets up again (30,000 index probes on a 1,000,000-target frame). PostgreSQL only;
// and only the process that froze the frame has them: after a restart the ids are looked up by
// key.
type frameIDs struct {
	keys []string
	ids  []int64
}

// resolve maps each of keys found among the frame's targets to its row id.
func (f *frameIDs) resolve(keys []string) map[string]int {
	want := make(map[string]int, len(keys))
	for _, k := range keys {
		want[k] = 0
	}
	found := 0
	for i, k := range f.keys {
		if id, ok := want[k]; ok && id == 0 {
			want[k] = int(f.ids[i])
			if found++; found == len(want) {
				break
			}
		}
	}
	for k, id := range want {
		if id == 0 {
			delete(want, k)
		}
	}
	return want
}

func dateOf(t time.Time) string { return t.In(clock.CST).Format(time.DateOnly) }

// params derives the draw parameters from the task.
func (d *Drawer) params(ctx context.Context, tx *ent.Tx, t *ent.Task) (draw.Params, error) {
	tis, err := tx.TaskItem.Query().Where(taskitem.TaskID(t.ID)).WithItem().WithDepartment().All(ctx)
	if err != nil {
		return draw.Params{}, err
	}
	ini, err := tx.Department.Get(ctx, t.InitiatorID)
	if err != nil {
		return draw.Params{}, err
	}
	parts, err := tx.Task.QueryParticipants(t).All(ctx)
	if err != nil {
		return draw.Params{}, err
	}
	p := draw.Params{
		Task: t.Number, Initiator: ini.Code, Rounding: draw.RoundingCeil,
		Window:    draw.Window{Start: dateOf(t.WindowStart), End: dateOf(t.WindowEnd)},
		Exclusion: draw.ExclusionRules{RecentMonths: t.RecentMonths, YearlyCap: t.YearlyCap},
		Team:      draw.TeamRules{Size: t.TeamSize, Experts: t.ExpertsPerTeam, MaxPerInspector: t.MaxPerInspector, RotationMonths: t.RotationMonths},
	}
	for _, dp := range parts {
		p.Participants = append(p.Participants, dp.Code)
	}
	for _, ti := range tis {
		it := ti.Edges.Item
		x := draw.Item{Code: it.Code, Department: ti.Edges.Department.Code, Category: draw.Category(it.Category), Qualifications: it.RequiredQualifications}
		if x.Category == draw.CategoryGeneral && it.RatioMax != nil {
			x.MaxRatioPPM = int64(math.Round(*it.RatioMax * draw.PPM))
		}
		p.Items = append(p.Items, x)
	}
	p.Strata, err = strataSpecs(t, p)
	return p, err
}

// strataSpecs are the declared strata: for the default credit-risk stratification A–D with
// domain.md's ratios (each capped by the task's GENERAL items), overridden by the task's strata.
// For other stratifications every stratum must be given in the task (or by "*" for all).
func strataSpecs(t *ent.Task, p draw.Params) ([]draw.StratumSpec, error) {
	if s := specialStrata(t); s != nil { // special.go
		return s, nil
	}
	capPPM, _, capped := p.GeneralCap()
	spec := func(name string, v any) (draw.StratumSpec, error) {
		m, _ := v.(map[string]any)
		ratio, _ := m["ratioPpm"].(float64)
		count, _ := m["count"].(float64)
		if count > 0 {
			return draw.StratumSpec{Name: name, Mode: draw.ModeCount, Count: int64(count)}, nil
		}
		return draw.StratumSpec{Name: name, Mode: draw.ModeRatio, RatioPPM: int64(ratio)}, nil
	}
	var out []draw.StratumSpec
	if by := stratifyBy(t); len(by) == 1 && by[0] == "creditRisk" {
		for _, s := range draw.DefaultCreditRiskStrata() {
			if capped && s.RatioPPM > capPPM {
				s.RatioPPM = capPPM
			}
			if v, ok := t.Strata[s.Name]; ok {
				var err error
				if s, err = spec(s.Name, v); err != nil {
					return nil, err
				}
			}
			out = append(out, s)
		}
		return out, nil
	}
	for name, v := range t.Strata {
		s, err := spec(name, v)
		if err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b draw.StratumSpec) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

func stratifyBy(t *ent.Task) []string {
	if len(t.StratifyBy) == 0 {
		return []string{"creditRisk"}
	}
	return t.StratifyBy
}

// frameRow is one target of the scope as read for the frame.
type frameRow struct {
	key, class, kind, industry string
	existing                   bool // status = 'EXISTING', compared in SQL: a boolean is cheaper to read than a text
	last                       sql.NullTime
	recent                     bool // PostgreSQL: compared in SQL
	id                         int64
}

// frame reads the targets of the task's sub-libraries and sorts them into strata, eligible or
// excluded with a reason (docs/draw-algorithm.md §2).
func (d *Drawer) frame(ctx context.Context, tx *ent.Tx, t *ent.Task, p draw.Params) (f *draw.Frame, fids *frameIDs, err error) {
	if len(tasks.NamedTargets(t)) > 0 { // special.go
		return d.specialFrame(ctx, tx, t)
	}
	libs, err := tx.Task.QueryLibraries(t).IDs(ctx)
	if err != nil {
		return nil, nil, err
	}
	if len(libs) == 0 {
		return nil, nil, apperr.New(tasks.CodeInvalid, "任务 %s 没有指定检查对象名录分库", t.Number)
	}
	capped, err := d.overYearlyCap(ctx, tx, t)
	if err != nil {
		return nil, nil, err
	}
	ph := d.placeholders(len(libs), 1)
	args := make([]any, len(libs))
	for i, id := range libs {
		args[i] = id
	}
	kinds, prefixes := scopeFilters(t.Scope)
	by := stratifyBy(t)
	var recentSince time.Time
	if t.RecentMonths > 0 {
		recentSince = t.WindowStart.In(clock.CST).AddDate(0, -t.RecentMonths, 0)
	}
	// Read only the columns this task needs: on a million rows each column costs.
	var r frameRow
	cols := []string{targetKeySQL, "t.status = 'EXISTING'", "t.credit_risk_class"}
	dest := []any{&r.key, &r.existing, &r.class}
	if d.Client.Dialect() == dialect.Postgres {
		// The row ids, so that storing the draw need not look its targets up: on PostgreSQL
		// that lookup costs ≈ 0.3 s for 30,000 targets and the column ≈ 0.07 s. On SQLite the
		// column costs more (≈ 0.26 s over a million rows) than the lookup (≈ 0.16 s).
		cols, dest = append(cols, "t.id"), append(dest, &r.id)
		fids = &frameIDs{}
	}
	if len(kinds) > 0 || slices.Contains(by, "kind") {
		cols, dest = append(cols, "t.kind"), append(dest, &r.kind)
	}
	if len(prefixes) > 0 || slices.Contains(by, "industry") {
		cols, dest = append(cols, "COALESCE(t.industry_code, '')"), append(dest, &r.industry)
	}
	if !recentSince.IsZero() {
		if d.Client.Dialect() == dialect.Postgres {
			// timestamptz compares exactly in SQL, and a boolean is cheaper to read than a time.
			cols, dest = append(cols, "COALESCE(t.last_inspected_on >= "+d.ph(len(libs)+1)+", false)"), append(dest, &r.recent)
			args = append(args, recentSince)
		} else {
			cols, dest = append(cols, "t.last_inspected_on"), append(dest, &r.last)
		}
	}
	// One sub-library: a join (each target is in it at most once — the membership's primary key
	// is (library, target)); on SQLite it streams from the membership index where the IN form
	// first builds the list of a million ids (≈ 0.3 s). Several: the semi-join, which counts a
	// target in two of them once.
	q := `SELECT ` + strings.Join(cols, ", ") + `
FROM targets t WHERE t.id IN (SELECT target_id FROM target_library_targets WHERE target_library_id IN (` + ph + `))`
	if len(libs) == 1 {
		q = `SELECT ` + strings.Join(cols, ", ") + `
FROM target_library_targets l JOIN targets t ON t.id = l.target_id WHERE l.target_library_id = ` + ph
	}
	if len(libs) == 1 && d.Client.Dialect() == dialect.Postgres {
		// Both sides are read in id order from their primary keys: a merge join, ≈ 0.5 s of the
		// server's time for a million targets where the hash join it would choose takes 0.7–0.9 s
		// (it spills a million-entry hash table in batches). For this statement only.
		var restore func() error
		if restore, err = setLocal(ctx, tx, "enable_hashjoin", "off"); err != nil {
			return nil, nil, err
		}
		defer func() {
			if rerr := restore(); err == nil && rerr != nil {
				f, fids, err = nil, nil, rerr
			}
		}()
	}
	rows, err := tx.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	declared := map[string]bool{}
	for _, s := range p.Strata {
		declared[s.Name] = true
	}
	fb := draw.NewFrameBuilder()
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return nil, nil, err
		}
		name := stratumName(by, &r)
		if !declared[name] {
			return nil, nil, apperr.New(tasks.CodeInvalid, "任务 %s 未设定层“%s”的抽查比例或数量", t.Number, name)
		}
		reason := draw.Reason("")
		switch {
		case !r.existing:
			reason = draw.ReasonClosed
		case len(kinds) > 0 && !slices.Contains(kinds, r.kind), len(prefixes) > 0 && !hasPrefix(r.industry, prefixes):
			reason = draw.ReasonOutOfScope
		case capped[r.key]:
			reason = draw.ReasonYearlyCap
		case r.recent, !recentSince.IsZero() && r.last.Valid && !r.last.Time.Before(recentSince):
			reason = draw.ReasonRecentlyInspected
		}
		if reason == "" {
			err = fb.Eligible(name, r.key)
			if fids != nil {
				fids.keys, fids.ids = append(fids.keys, r.key), append(fids.ids, r.id)
			}
		} else {
			err = fb.Excluded(name, r.key, reason)
		}
		if err != nil {
			return nil, nil, err
		}
	}
	if err := rows.Err(); err != nil {
		return nil, nil, err
	}
	f, err = fb.Frame()
	if err != nil {
		return nil, nil, err
	}
	return f, fids, nil
}

// setLocal sets a PostgreSQL planner setting inside the transaction and returns the function
// that puts the previous value back.
func setLocal(ctx context.Context, tx *ent.Tx, name, value string) (func() error, error) {
	var prev string
	if err := bulk.ScanOne(ctx, tx, &prev, `SELECT current_setting($1)`, name); err != nil {
		return nil, err
	}
	if err := bulk.ScanOne(ctx, tx, new(string), `SELECT set_config($1, $2, true)`, name, value); err != nil {
		return nil, err
	}
	return func() error { return bulk.ScanOne(ctx, tx, new(string), `SELECT set_config($1, $2, true)`, name, prev) }, nil
}

func hasPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// stratumName joins the stratification attributes of a target: credit-risk class, target kind,
// industry division (the first two digits of the GB/T 4754 code).
func stratumName(by []string, r *frameRow) string {
	if len(by) == 1 && by[0] == "creditRisk" {
		return r.class
	}
	parts := make([]string, len(by))
	for i, b := range by {
		switch b {
		case "creditRisk":
			parts[i] = r.class
		case "kind":
			parts[i] = r.kind
		case "industry":
			if len(r.industry) >= 2 {
				parts[i] = r.industry[:2]
			} else {
				parts[i] = "00"
			}
		}
	}
	return strings.Join(parts, "-")
}

// scopeFilters reads a targeted task's scope: target kinds and industry-code prefixes.
func scopeFilters(scope map[string]any) (kinds, prefixes []string) {
	strs := func(v any) []string {
		var out []string
		if l, ok := v.([]any); ok {
			for _, x := range l {
				if s, ok := x.(string); ok {
					out = append(out, s)
				}
			}
		}
		return out
	}
	return strs(scope["kinds"]), strs(scope["industryPrefixes"])
}

// overYearlyCap returns the keys of targets already drawn, in other tasks of the same year
// across all departments, as many times as the cap allows.
func (d *Drawer) overYearlyCap(ctx context.Context, tx *ent.Tx, t *ent.Task) (map[string]bool, error) {
	out := map[string]bool{}
	if t.YearlyCap <= 0 {
		return out, nil
	}
	y := t.WindowStart.In(clock.CST).Year()
	from := time.Date(y, 1, 1, 0, 0, 0, 0, clock.CST)
	to := from.AddDate(1, 0, 0)
	q := `SELECT ` + targetKeySQL + `, COUNT(DISTINCT d.task_id) FROM inspection_teams it
JOIN draws d ON d.id = it.draw_id JOIN tasks k ON k.id = d.task_id JOIN targets t ON t.id = it.target_id
WHERE it.status = 'ACTIVE' AND d.status IN ('DRAWN', 'REVEALED') AND d.task_id <> ` + d.ph(1) + `
AND k.window_start >= ` + d.ph(2) + ` AND k.window_start < ` + d.ph(3) + `
GROUP BY ` + targetKeySQL + ` HAVING COUNT(DISTINCT d.task_id) >= ` + d.ph(4)
	rows, err := tx.QueryContext(ctx, q, t.ID, from, to, t.YearlyCap)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var k string
		var n int
		if err := rows.Scan(&k, &n); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}

// InspectorKey is an inspector's key in the draw: the enforcement certificate number, which is
// public on every inspection; an expert without one is keyed by its library number.
func InspectorKey(x *ent.Inspector) string {
	if x.CertificateNo != nil && *x.CertificateNo != "" {
		return *x.CertificateNo
	}
	return fmt.Sprintf("EXPERT-%d", x.ID)
}

// pool is the task's inspector pool: the inspectors the departments sent; a department that
// sent none contributes all of its inspectors (the draw then filters by the rules).
func (d *Drawer) pool(ctx context.Context, tx *ent.Tx, t *ent.Task) ([]draw.Inspector, map[string]int, error) {
	depts, err := tasks.Departments(ctx, tx.Client(), t.ID)
	if err != nil {
		return nil, nil, err
	}
	sent, err := tx.Task.QueryInspectorPool(t).All(ctx)
	if err != nil {
		return nil, nil, err
	}
	has := map[int]bool{}
	for _, x := range sent {
		has[x.DepartmentID] = true
	}
	all := sent
	code := map[int]string{}
	for _, dp := range depts {
		code[dp.ID] = dp.Code
		if !has[dp.ID] {
			more, err := tx.Inspector.Query().Where(inspector.DepartmentID(dp.ID)).All(ctx)
			if err != nil {
				return nil, nil, err
			}
			all = append(all, more...)
		}
	}
	var pool []draw.Inspector
	ids := map[string]int{}
	for _, x := range all {
		c, ok := code[x.DepartmentID]
		if !ok {
			continue // sent by a department outside the task
		}
		k := InspectorKey(x)
		if _, dup := ids[k]; dup {
			continue
		}
		ids[k] = x.ID
		e := draw.Inspector{Key: k, Department: c, Expert: x.IsExpert, Active: x.Active, Qualifications: x.Qualifications}
		if x.CertificateExpiresOn != nil {
			e.CertificateExpires = dateOf(*x.CertificateExpiresOn)
		}
		pool = append(pool, e)
	}
	return pool, ids, nil
}

// conflicts are the active declared conflicts of the pool's inspectors.
func (d *Drawer) conflicts(ctx context.Context, tx *ent.Tx, ids map[string]int) ([]draw.Conflict, error) {
	key := map[int]string{}
	idl := make([]int, 0, len(ids))
	for k, id := range ids {
		key[id] = k
		idl = append(idl, id)
	}
	cs, err := tx.Conflict.Query().Where(conflict.Active(true), conflict.InspectorIDIn(idl...)).WithTarget().All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]draw.Conflict, 0, len(cs))
	for _, c := range cs {
		out = append(out, draw.Conflict{Inspector: key[c.InspectorID], Target: library.TargetKey(c.Edges.Target)})
	}
	return out, nil
}

// rotation is the (inspector, target) pairs of the pool's inspectors in active teams of draws
// made within the task's rotation window.
func (d *Drawer) rotation(ctx context.Context, tx *ent.Tx, t *ent.Task, ids map[string]int, at time.Time) ([]draw.Assignment, error) {
	if t.RotationMonths <= 0 || len(ids) == 0 {
		return nil, nil
	}
	key := map[int]string{}
	for k, id := range ids {
		key[id] = k
	}
	since := at.AddDate(0, -t.RotationMonths, 0)
	q := `SELECT m.inspector_id, ` + targetKeySQL + ` FROM inspection_team_members m
JOIN inspection_teams it ON it.id = m.inspection_team_id JOIN draws d ON d.id = it.draw_id JOIN targets t ON t.id = it.target_id
WHERE it.status = 'ACTIVE' AND d.status IN ('DRAWN', 'REVEALED') AND d.drawn_at >= ` + d.ph(1)
	rows, err := tx.QueryContext(ctx, q, since)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []draw.Assignment
	for rows.Next() {
		var id int
		var k string
		if err := rows.Scan(&id, &k); err != nil {
			return nil, err
		}
		if ik, ok := key[id]; ok {
			out = append(out, draw.Assignment{Inspector: ik, Target: k})
		}
	}
	return out, rows.Err()
}
