package portal

// This file is the portal's only read path. Every page and every open-data file of the portal
// reads through the functions below and nothing else, as the anonymous public (data.ctx): the
// row policies and field classes of package sharing (共享目录, design.md §5) apply to every query
// here as to an anonymous GraphQL caller. What the portal reads is published records only —
//
//   - publications (公示记录): all their fields are public by construction; the payload is the
//     public JSON the publishing workflow built, one type per kind (internal/publish);
//   - departments: code and name;
//   - targets: the business key (USCC, legacy registration number) and the name, and only to
//     find published results or to list the drawn targets of a revealed draw;
//   - results, tasks, draws, inspection teams: row ids and keys used to join publications to one
//     another (status PUBLISHED / REVEALED only), never rendered themselves;
//   - checkpoints: the size of the latest one, for proof links.
//
// Nothing here selects a person's ID number, phone or address, an internal review note or
// evidence.

import (
	"context"
	"sort"
	"strings"
	"time"

	"entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/checkpoint"
	"github.com/ssgk/ssgk/ent/department"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawevent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/stats"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/viewer"
)

// data reads the published records the portal shows.
type data struct {
	client *ent.Client
}

// ctx reads as the anonymous public: the row policies of package sharing (published results
// only, no leads, no logs) apply to every portal query, as to any anonymous GraphQL caller.
func (d *data) ctx(ctx context.Context) context.Context {
	return viewer.NewContext(ctx, &viewer.Viewer{Kind: viewer.Anonymous, Name: "portal", Operation: "portal"})
}

// stamp identifies the state of the published record: publications are append-only, so the
// newest publication id changes whenever anything new is published (a backdated import
// included); the latest checkpoint changes the proof links. It is two primary-key lookups.
type stamp struct {
	LatestID     int
	LatestAt     time.Time // wall-clock time the newest publication was stored
	LedgerIndex  int64     // of the newest publication, -1 when not yet in the log
	CheckpointID int
}

func (d *data) stamp(ctx context.Context) (stamp, error) {
	ctx = d.ctx(ctx)
	s := stamp{LedgerIndex: -1}
	p, err := d.client.Publication.Query().Order(ent.Desc(publication.FieldID)).
		Select(publication.FieldID, publication.FieldCreatedAt, publication.FieldLedgerIndex).First(ctx)
	switch {
	case ent.IsNotFound(err):
	case err != nil:
		return s, err
	default:
		s.LatestID, s.LatestAt = p.ID, p.CreatedAt
		if p.LedgerIndex != nil {
			s.LedgerIndex = *p.LedgerIndex
		}
	}
	c, err := d.client.Checkpoint.Query().Order(ent.Desc(checkpoint.FieldID)).Select(checkpoint.FieldID).First(ctx)
	switch {
	case ent.IsNotFound(err):
	case err != nil:
		return s, err
	default:
		s.CheckpointID = c.ID
	}
	return s, nil
}

// checkpointSize is the size of the latest checkpoint, 0 when the log has none yet.
func (d *data) checkpointSize(ctx context.Context) (int64, error) {
	c, err := d.client.Checkpoint.Query().Order(ent.Desc(checkpoint.FieldID)).Select(checkpoint.FieldID, checkpoint.FieldSize).First(d.ctx(ctx))
	if ent.IsNotFound(err) {
		return 0, nil
	}
	if err != nil {
		return 0, err
	}
	return c.Size, nil
}

// latestCheckpoint is the newest signed checkpoint, nil when the log has none yet.
func (d *data) latestCheckpoint(ctx context.Context) (*ent.Checkpoint, error) {
	c, err := d.client.Checkpoint.Query().Order(ent.Desc(checkpoint.FieldID)).First(d.ctx(ctx))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return c, err
}

// dept is a department's public identity.
type dept struct {
	ID         int
	Code, Name string
}

func (d *data) departments(ctx context.Context) ([]dept, error) {
	ds, err := d.client.Department.Query().Order(ent.Asc(department.FieldSortOrder), ent.Asc(department.FieldCode)).
		Select(department.FieldID, department.FieldCode, department.FieldName).All(d.ctx(ctx))
	if err != nil {
		return nil, err
	}
	out := make([]dept, len(ds))
	for i, x := range ds {
		out[i] = dept{x.ID, x.Code, x.Name}
	}
	return out, nil
}

// latest returns the newest publications of the given kinds (all kinds when none).
func (d *data) latest(ctx context.Context, n int, kinds ...publication.Kind) ([]*ent.Publication, error) {
	q := d.client.Publication.Query()
	if len(kinds) > 0 {
		q.Where(publication.KindIn(kinds...))
	}
	return q.Order(ent.Desc(publication.FieldPublishedAt), ent.Desc(publication.FieldID)).Limit(n).All(d.ctx(ctx))
}

// ofKind returns every publication of a kind, oldest first. Lists and plans are a few hundred
// a year, so they are read whole.
func (d *data) ofKind(ctx context.Context, kind publication.Kind) ([]*ent.Publication, error) {
	return d.client.Publication.Query().Where(publication.KindEQ(kind)).
		Order(ent.Asc(publication.FieldPublishedAt), ent.Asc(publication.FieldID)).All(d.ctx(ctx))
}

// subject returns the publication of kind about a subject (the newest if several), or nil.
func (d *data) subject(ctx context.Context, kind publication.Kind, subjectType string, id int) (*ent.Publication, error) {
	p, err := d.client.Publication.Query().Where(publication.KindEQ(kind), publication.SubjectType(subjectType), publication.SubjectID(id)).
		Order(ent.Desc(publication.FieldPublishedAt), ent.Desc(publication.FieldID)).First(d.ctx(ctx))
	if ent.IsNotFound(err) {
		return nil, nil
	}
	return p, err
}

// taskPage is one page of task announcements, newest first, and their total.
func (d *data) taskPage(ctx context.Context, f openFilter, offset, limit int) ([]*ent.Publication, int, error) {
	q := d.client.Publication.Query().Where(append(f.preds(), publication.KindEQ(publication.KindTASK_ANNOUNCEMENT))...)
	total, err := q.Clone().Count(d.ctx(ctx))
	if err != nil {
		return nil, 0, err
	}
	ps, err := q.Order(ent.Desc(publication.FieldPublishedAt), ent.Desc(publication.FieldID)).Offset(offset).Limit(limit).All(d.ctx(ctx))
	return ps, total, err
}

// drawPubs are the public acts of one draw of a task.
type drawPubs struct {
	DrawID     int
	Seq        int
	Revealed   bool
	Superseded bool
	Commitment *ent.Publication
	Reveal     *ent.Publication
	// Events are the draw's logged steps (DRAW_COMMITMENT, DRAW_EVENT, DRAW_REVEAL), in leaf
	// order (docs/draw-algorithm.md §16).
	Events []*ent.Publication
	// Amendments are the recusals and replacements in full — read only once the draw is revealed.
	Amendments []amendmentView
}

// taskPubs are the public acts about a task's draws, and its cancellation if any.
type taskPubs struct {
	Draws  []*drawPubs
	Cancel *ent.Publication
}

// draws returns, per task id, its draws that logged a step, in draw order, and its cancellation.
func (d *data) draws(ctx context.Context, taskIDs ...int) (map[int]*taskPubs, error) {
	ctx = d.ctx(ctx)
	out := map[int]*taskPubs{}
	if len(taskIDs) == 0 {
		return out, nil
	}
	for _, id := range taskIDs {
		out[id] = &taskPubs{}
	}
	cs, err := d.client.Publication.Query().Where(publication.KindEQ(publication.KindTASK_CANCELLATION),
		publication.SubjectType(ent.TypeTask), publication.SubjectIDIn(taskIDs...)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		out[c.SubjectID].Cancel = c
	}
	ds, err := d.client.Draw.Query().Where(entdraw.TaskIDIn(taskIDs...)).
		Order(ent.Asc(entdraw.FieldSeq)).
		Select(entdraw.FieldID, entdraw.FieldTaskID, entdraw.FieldSeq, entdraw.FieldStatus).All(ctx)
	if err != nil || len(ds) == 0 {
		return out, err
	}
	ids := make([]int, len(ds))
	for i, x := range ds {
		ids[i] = x.ID
	}
	ps, err := d.client.Publication.Query().Where(publication.SubjectType(ent.TypeDraw), publication.SubjectIDIn(ids...),
		publication.KindIn(publication.KindDRAW_COMMITMENT, publication.KindDRAW_EVENT, publication.KindDRAW_REVEAL)).
		Order(ent.Asc(publication.FieldLedgerIndex), ent.Asc(publication.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	byDraw := map[int]*drawPubs{}
	for _, x := range ds {
		dp := &drawPubs{DrawID: x.ID, Seq: x.Seq, Superseded: x.Status == entdraw.StatusSUPERSEDED}
		byDraw[x.ID] = dp
		out[x.TaskID].Draws = append(out[x.TaskID].Draws, dp)
	}
	for _, p := range ps {
		dp := byDraw[p.SubjectID]
		dp.Events = append(dp.Events, p)
		switch p.Kind {
		case publication.KindDRAW_COMMITMENT:
			dp.Commitment = p
		case publication.KindDRAW_REVEAL:
			dp.Reveal, dp.Revealed = p, true
		}
	}
	return out, nil
}

// amendments lists a revealed draw's recusals and replacements in full (target, inspectors,
// replacement, reason code and text). Before the reveal the row rule hides them from the public.
func (d *data) amendments(ctx context.Context, drawID int) ([]amendmentView, error) {
	ctx = d.ctx(ctx)
	evs, err := d.client.DrawEvent.Query().Where(drawevent.DrawID(drawID), drawevent.KindIn(drawevent.KindRECUSE, drawevent.KindREPLACE)).
		Order(ent.Asc(drawevent.FieldSeq)).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]amendmentView, 0, len(evs))
	for _, e := range evs {
		a := amendmentView{Kind: eventNames[string(e.Kind)], Target: e.TargetKey, Replacement: e.ReplacementKey,
			ReasonCode: e.ReasonCode, Reason: e.Reason, Inspectors: e.Inspectors}
		if n := reasonNames[e.ReasonCode]; n != "" {
			a.ReasonCode += " " + n
		}
		out = append(out, a)
	}
	return out, nil
}

// taskByNumber returns the id of the task with this number, if its announcement is published.
func (d *data) taskByNumber(ctx context.Context, number string) (int, *ent.Publication, error) {
	ctx = d.ctx(ctx)
	id, err := d.client.Task.Query().Where(task.Number(number)).OnlyID(ctx)
	if ent.IsNotFound(err) {
		return 0, nil, nil
	}
	if err != nil {
		return 0, nil, err
	}
	p, err := d.subject(ctx, publication.KindTASK_ANNOUNCEMENT, ent.TypeTask, id)
	if err != nil || p == nil {
		return 0, nil, err
	}
	return id, p, nil
}

// drawnTarget is a target drawn in a revealed draw: its key and name only.
type drawnTarget struct {
	Code, Name, Stratum string
	HasUSCC             bool
}

// drawnTargets lists the active teams' targets of a draw — only once the draw is revealed (its
// DRAW_REVEAL publication exists), since before that the targets are not public (domain.md §2.5).
func (d *data) drawnTargets(ctx context.Context, drawID int) ([]drawnTarget, error) {
	ctx = d.ctx(ctx)
	rev, err := d.subject(ctx, publication.KindDRAW_REVEAL, ent.TypeDraw, drawID)
	if err != nil || rev == nil {
		return nil, err
	}
	teams, err := d.client.InspectionTeam.Query().
		Where(inspectionteam.DrawID(drawID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		Order(ent.Asc(inspectionteam.FieldStratum), ent.Asc(inspectionteam.FieldPosition)).
		Select(inspectionteam.FieldID, inspectionteam.FieldStratum, inspectionteam.FieldTargetID).
		WithTarget(func(q *ent.TargetQuery) {
			q.Select(target.FieldID, target.FieldUscc, target.FieldRegNo, target.FieldObjectCode, target.FieldName)
		}).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]drawnTarget, 0, len(teams))
	for _, tm := range teams {
		tg := tm.Edges.Target
		if tg == nil {
			continue
		}
		dt := drawnTarget{Name: tg.Name, Stratum: tm.Stratum}
		switch {
		case tg.Uscc != nil:
			dt.Code, dt.HasUSCC = *tg.Uscc, true
		case tg.RegNo != nil:
			dt.Code, dt.HasUSCC = *tg.RegNo, true
		case tg.ObjectCode != nil:
			dt.Code = *tg.ObjectCode
		}
		out = append(out, dt)
	}
	return out, nil
}

// resultFilter selects published results.
type resultFilter struct {
	USCC       string // exact USCC or legacy registration number (indexed lookup)
	Name       string // fragment of the enterprise name
	Department int    // department id, 0 for all
	ItemCode   string // inspection item code (stable across list versions)
	TaskNumber string
	From, To   time.Time // publication date range [From, To), zero for open
}

// resultPreds are the predicates on results (the subjects of RESULT publications).
func (d *data) resultPreds(ctx context.Context, f resultFilter) ([]predicate.Result, error) {
	var ps []predicate.Result
	switch {
	case f.USCC != "":
		// Unique indexes on targets.uscc and targets.reg_no, and results.target_id.
		ps = append(ps, targetIn(target.Or(target.UsccEQ(f.USCC), target.RegNoEQ(f.USCC))))
	case f.Name != "":
		p, err := d.nameMatch(ctx, f.Name)
		if err != nil {
			return nil, err
		}
		ps = append(ps, p)
	}
	if f.ItemCode != "" {
		ps = append(ps, result.HasItemsWith(resultitem.HasItemWith(inspectionitem.Code(f.ItemCode))))
	}
	if f.TaskNumber != "" {
		ps = append(ps, result.HasTaskWith(task.Number(f.TaskNumber)))
	}
	return ps, nil
}

// nameMatch: the result's enterprise name contains fragment — target.NameContains, a LIKE,
// decides in every case, so the matches are exactly the LIKE's. The name search index
// (store/search.go) finds the candidates first when they are few: a result is then reached
// from its target. When they are many (store.BroadName: e.g. the county's name, in nearly every
// name), the results are read in turn and each one's name tested, as without the index: going
// through a million candidates one by one costs more than that.
func (d *data) nameMatch(ctx context.Context, fragment string) (predicate.Result, error) {
	idx, ok := store.NameCandidates(fragment)
	if !ok {
		return result.HasTargetWith(target.NameContains(fragment)), nil
	}
	// The estimate only chooses the plan: if it fails (a driver without QueryContext), the
	// index is used.
	if broad, err := store.NameCandidatesBroad(ctx, d.client, fragment); err == nil && broad {
		return result.HasTargetWith(target.NameContains(fragment)), nil
	}
	return targetIn(idx, target.NameContains(fragment)), nil
}

// targetIn: the result's target is one of the targets matching preds. It is an IN subquery
// rather than ent's HasTargetWith, a correlated EXISTS that SQLite evaluates for every result
// (a scan of the results table, 0.7 s over a million: bench/README.md); the IN list is built
// from the targets' indexes first and then read through the results.target_id index.
func targetIn(preds ...predicate.Target) predicate.Result {
	return func(s *sql.Selector) {
		t := sql.Table(target.Table)
		sub := sql.Dialect(s.Dialect()).Select(t.C(target.FieldID)).From(t)
		for _, p := range preds {
			p(sub)
		}
		s.Where(sql.In(s.C(result.FieldTargetID), sub))
	}
}

// pubPreds are the predicates on publications. A search by USCC resolves the enterprise's few
// published results first and selects their publications by id: left to a subquery, SQLite
// walks the publications in date order and tests each one (0.7 s over a million results,
// bench/README.md), where the id list takes the (subject_type, subject_id) index directly.
func (d *data) pubPreds(ctx context.Context, f resultFilter, kinds ...publication.Kind) ([]predicate.Publication, error) {
	ps := []predicate.Publication{publication.KindIn(kinds...), publication.SubjectType(ent.TypeResult)}
	rp, err := d.resultPreds(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(rp) > 0 {
		rp = append(rp, result.StatusEQ(result.StatusPUBLISHED))
		if f.USCC != "" {
			ids, err := d.client.Result.Query().Where(rp...).IDs(ctx)
			if err != nil {
				return nil, err
			}
			ps = append(ps, publication.SubjectIDIn(ids...))
		} else {
			ps = append(ps, subjectResultIn(rp...))
		}
	}
	if f.Department != 0 {
		ps = append(ps, publication.DepartmentID(f.Department))
	}
	if !f.From.IsZero() {
		ps = append(ps, publication.PublishedAtGTE(f.From))
	}
	if !f.To.IsZero() {
		ps = append(ps, publication.PublishedAtLT(f.To))
	}
	return ps, nil
}

// subjectResultIn: the publication's subject_id is one of the results matching preds (a
// subquery, so the database joins through its indexes).
func subjectResultIn(preds ...predicate.Result) predicate.Publication {
	return func(s *sql.Selector) {
		t := sql.Table(result.Table)
		sub := sql.Dialect(s.Dialect()).Select(t.C(result.FieldID)).From(t)
		for _, p := range preds {
			p(sub)
		}
		s.Where(sql.In(s.C(publication.FieldSubjectID), sub))
	}
}

// resultRecord is a published result with its corrections, oldest first.
type resultRecord struct {
	Root        *ent.Publication
	Corrections []*ent.Publication
}

// searchResults returns one page of published results (newest first) with their corrections,
// and the number of results that match.
func (d *data) searchResults(ctx context.Context, f resultFilter, offset, limit int) ([]resultRecord, int, error) {
	ctx = d.ctx(ctx)
	preds, err := d.pubPreds(ctx, f, publication.KindRESULT)
	if err != nil {
		return nil, 0, err
	}
	q := d.client.Publication.Query().Where(preds...)
	total, err := q.Clone().Count(ctx)
	if err != nil {
		return nil, 0, err
	}
	roots, err := q.Order(ent.Desc(publication.FieldPublishedAt), ent.Desc(publication.FieldID)).Offset(offset).Limit(limit).All(ctx)
	if err != nil {
		return nil, 0, err
	}
	recs, err := d.withCorrections(ctx, roots)
	return recs, total, err
}

// key of a result across its versions.
type resultKey struct{ task, target, dept int }

// withCorrections attaches to each RESULT publication the CORRECTION publications of the later
// versions of the same result (same task, target and department: a unique index).
func (d *data) withCorrections(ctx context.Context, roots []*ent.Publication) ([]resultRecord, error) {
	out := make([]resultRecord, len(roots))
	if len(roots) == 0 {
		return out, nil
	}
	ids := make([]int, len(roots))
	for i, p := range roots {
		ids[i] = p.SubjectID
		out[i].Root = p
	}
	rs, err := d.client.Result.Query().Where(result.IDIn(ids...)).
		Select(result.FieldID, result.FieldTaskID, result.FieldTargetID, result.FieldDepartmentID).All(ctx)
	if err != nil {
		return nil, err
	}
	keyOf := map[int]resultKey{}
	var same []predicate.Result
	for _, r := range rs {
		k := resultKey{r.TaskID, r.TargetID, r.DepartmentID}
		keyOf[r.ID] = k
		same = append(same, result.And(result.TaskID(k.task), result.TargetID(k.target), result.DepartmentID(k.dept)))
	}
	later, err := d.client.Result.Query().Where(result.Or(same...), result.VersionGT(1), result.StatusEQ(result.StatusPUBLISHED)).
		Select(result.FieldID, result.FieldTaskID, result.FieldTargetID, result.FieldDepartmentID).All(ctx)
	if err != nil {
		return nil, err
	}
	if len(later) == 0 {
		return out, nil
	}
	lids := make([]int, len(later))
	for i, r := range later {
		lids[i] = r.ID
		keyOf[r.ID] = resultKey{r.TaskID, r.TargetID, r.DepartmentID}
	}
	cs, err := d.client.Publication.Query().Where(publication.KindEQ(publication.KindCORRECTION), publication.SubjectType(ent.TypeResult),
		publication.SubjectIDIn(lids...)).Order(ent.Asc(publication.FieldPublishedAt), ent.Asc(publication.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	byKey := map[resultKey][]*ent.Publication{}
	for _, c := range cs {
		k := keyOf[c.SubjectID]
		byKey[k] = append(byKey[k], c)
	}
	for i := range out {
		out[i].Corrections = byKey[keyOf[out[i].Root.SubjectID]]
	}
	return out, nil
}

// enterprise returns the published results of the enterprise with this USCC (or legacy
// registration number), newest first, each with its corrections.
func (d *data) enterprise(ctx context.Context, code string) ([]resultRecord, error) {
	ctx = d.ctx(ctx)
	preds, err := d.pubPreds(ctx, resultFilter{USCC: code}, publication.KindRESULT)
	if err != nil {
		return nil, err
	}
	roots, err := d.client.Publication.Query().Where(preds...).
		Order(ent.Desc(publication.FieldPublishedAt), ent.Desc(publication.FieldID)).Limit(1000).All(ctx)
	if err != nil {
		return nil, err
	}
	return d.withCorrections(ctx, roots)
}

// eachResultPublication calls fn with every RESULT and CORRECTION publication matching f, in
// publication order, reading in batches so that an open-data file of any size streams.
func (d *data) eachResultPublication(ctx context.Context, f resultFilter, fn func(*ent.Publication) error) error {
	preds, err := d.pubPreds(d.ctx(ctx), f, publication.KindRESULT, publication.KindCORRECTION)
	if err != nil {
		return err
	}
	return d.each(ctx, preds, fn)
}

// eachTaskAnnouncement is eachResultPublication for task announcements.
func (d *data) eachTaskAnnouncement(ctx context.Context, f openFilter, fn func(*ent.Publication) error) error {
	return d.each(ctx, append(f.preds(), publication.KindEQ(publication.KindTASK_ANNOUNCEMENT)), fn)
}

func (d *data) each(ctx context.Context, preds []predicate.Publication, fn func(*ent.Publication) error) error {
	ctx = d.ctx(ctx)
	const batch = 500
	after := 0
	for {
		ps, err := d.client.Publication.Query().Where(append(preds, publication.IDGT(after))...).
			Order(ent.Asc(publication.FieldID)).Limit(batch).All(ctx)
		if err != nil {
			return err
		}
		for _, p := range ps {
			if err := fn(p); err != nil {
				return err
			}
		}
		if len(ps) < batch {
			return nil
		}
		after = ps[len(ps)-1].ID
	}
}

// openFilter narrows task announcements.
type openFilter struct {
	Department int
	From, To   time.Time
}

func (f openFilter) preds() []predicate.Publication {
	var ps []predicate.Publication
	if f.Department != 0 {
		ps = append(ps, publication.DepartmentID(f.Department))
	}
	if !f.From.IsZero() {
		ps = append(ps, publication.PublishedAtGTE(f.From))
	}
	if !f.To.IsZero() {
		ps = append(ps, publication.PublishedAtLT(f.To))
	}
	return ps
}

// itemOption is an item of a currently published list, for the search form.
type itemOption struct{ Code, Name, Department string }

// itemOptions reads the items of each department's current list version (lists.CurrentIDs: a
// version published with a later effective date is not current before that date).
func (d *data) itemOptions(ctx context.Context) ([]itemOption, error) {
	ps, err := d.ofKind(ctx, publication.KindITEM_LIST)
	if err != nil {
		return nil, err
	}
	currentIDs, err := lists.CurrentIDs(ctx, d.client, clock.Now(ctx))
	if err != nil {
		return nil, err
	}
	current := map[int]bool{}
	for _, id := range currentIDs {
		current[id] = true
	}
	newest := map[int]*ent.Publication{}
	for _, p := range ps {
		if !current[p.SubjectID] {
			continue
		}
		k := 0
		if p.DepartmentID != nil {
			k = *p.DepartmentID
		}
		newest[k] = p // oldest first: the last one wins
	}
	seen := map[string]bool{}
	var out []itemOption
	for _, p := range newest {
		l := decode[publish.ItemList](p.Payload)
		for _, it := range l.Items {
			c := it.Code
			if c == "" || seen[c] {
				continue
			}
			seen[c] = true
			out = append(out, itemOption{Code: c, Name: it.Name, Department: l.Department})
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Department != out[j].Department {
			return out[i].Department < out[j].Department
		}
		return strings.Compare(out[i].Code, out[j].Code) < 0
	})
	return out, nil
}

// taskState is a task's state as the public record shows it: cancelled (with the reason), the
// number of draws, the newest draw's state from its newest logged event, and the recusals and
// replacements logged over all its draws.
type taskState struct {
	Cancelled              bool
	CancelReason           string
	Draws                  int
	DrawStatus             string // "", FROZEN, COMMITTED, DRAWN, FAILED, SUPERSEDED, REVEALED
	Recusals, Replacements int
}

var drawStatusOf = map[string]string{"FREEZE": "FROZEN", "COMMIT": "COMMITTED", "EXECUTE": "DRAWN", "FAIL": "FAILED",
	"SUPERSEDE": "SUPERSEDED", "REVEAL": "REVEALED"}

// taskStates returns the public state of every task with a logged draw step or a cancellation.
func (d *data) taskStates(ctx context.Context) (map[int]taskState, error) {
	ctx = d.ctx(ctx)
	out := map[int]taskState{}
	cs, err := d.client.Publication.Query().Where(publication.KindEQ(publication.KindTASK_CANCELLATION)).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, c := range cs {
		st := out[c.SubjectID]
		st.Cancelled, st.CancelReason = true, decode[publish.TaskCancellation](c.Payload).Reason
		out[c.SubjectID] = st
	}
	ds, err := d.client.Draw.Query().Select(entdraw.FieldID, entdraw.FieldTaskID, entdraw.FieldSeq).All(ctx)
	if err != nil {
		return nil, err
	}
	taskOf, seqOf, newest := map[int]int{}, map[int]int{}, map[int]int{}
	for _, x := range ds {
		taskOf[x.ID], seqOf[x.ID] = x.TaskID, x.Seq
	}
	err = d.each(ctx, []predicate.Publication{publication.SubjectType(ent.TypeDraw),
		publication.KindIn(publication.KindDRAW_COMMITMENT, publication.KindDRAW_EVENT, publication.KindDRAW_REVEAL)}, func(p *ent.Publication) error {
		t, ok := taskOf[p.SubjectID]
		if !ok {
			return nil
		}
		st := out[t]
		ev := decode[publish.DrawEventHead](p.Payload).Event
		if p.Kind == publication.KindDRAW_COMMITMENT {
			ev = "COMMIT"
		} else if p.Kind == publication.KindDRAW_REVEAL {
			ev = "REVEAL"
		}
		switch ev {
		case "RECUSE":
			st.Recusals++
		case "REPLACE":
			st.Replacements++
		}
		if s := seqOf[p.SubjectID]; s >= newest[t] {
			if s > newest[t] {
				st.Draws++
			}
			newest[t] = s
			if ds := drawStatusOf[ev]; ds != "" {
				st.DrawStatus = ds
			}
		}
		out[t] = st
		return nil
	})
	return out, err
}

// yearFigures are the statistics of year (package stats, the functions GraphQL serves). They
// are counts only — no target, inspector or result is named — computed over every row as the
// office sees them (the system viewer "portal-stats"), so that the public figure of overdue
// results is the office's figure, not one limited to what is already published.
func (d *data) yearFigures(ctx context.Context, year int) (stats.YearFigures, error) {
	return stats.Figures(viewer.NewContext(ctx, viewer.NewSystem("portal-stats")), d.client, year)
}

// currentLists are the ids of the departments' current list versions (lists.CurrentIDs at the
// business time): a version published with a later effective date is not current before it.
func (d *data) currentLists(ctx context.Context) (map[int]bool, error) {
	ids, err := lists.CurrentIDs(ctx, d.client, clock.Now(ctx))
	if err != nil {
		return nil, err
	}
	m := make(map[int]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return m, nil
}
