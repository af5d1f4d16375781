package sharing

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/sharegrant"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/sharing/class"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Reader carries the sharing decisions of one read operation (a GraphQL request, an export, a
// CLI dump): the viewer, the owners and grants it has looked up, and the cross-department reads
// of CONDITIONAL and PRIVATE fields to be written to the access log before the data is handed
// out (Flush). It is safe for concurrent use.
type Reader struct {
	client   *ent.Client
	v        *viewer.Viewer
	sharedOK bool // Decide allows the viewer every SHARED field, whatever the record
	publicOK bool // and every PUBLIC one (all but system administrators)

	mu     sync.Mutex
	owners map[string]map[int][]int // query-owned types: id → departments
	grants *grantSet
	reads  map[readKey]*readAgg
	// Reads already handed to the access log by an early write (LogEarly) — recorded again
	// when the field resolves, they are not logged twice — and that write's outcome.
	logged  map[readKey]*readAgg
	pending []chan error
	early   bool // a query: the reads of a page are logged while the rest resolves
	// The restricted fields allowed when their page was decided (decidePage), by record: they
	// are not decided — nor recorded — again as they resolve. A slice of blocks is never
	// changed once stored: decidePage stores a longer copy (under allowMu), and the fields read
	// it without a lock.
	allowMu sync.Mutex
	allowed atomic.Pointer[[]allowedBlock]
	// The owners of targets across reads, and the generation this read uses them
	// under (ownercache.go).
	cache *OwnerCache
	gen   generation
	// revealed: whether each draw whose sealed fields were asked for is revealed (sealed.go).
	revealed map[int]bool
}

// allowedBlock is a set of records of one type (sorted ids) on which the same restricted fields
// were allowed with their page.
type allowedBlock struct {
	typ    string
	ids    []int
	fields []string
}

// decidePage looks up the owners of a page of records (ids) and decides
// the given restricted fields of each at once: the allowed ones are remembered for when they
// resolve, the cross-department reads recorded and handed to the access log (LogEarly). Records
// with the same owners share one set of decisions.
func (r *Reader) decidePage(ctx context.Context, typ string, ids []int, objs []any, fields []string) error {
	if len(fields) == 0 {
		// Nothing to decide now: the owners are looked up for the fields below the records.
		return r.Prefetch(ctx, typ, ids)
	}
	owners, err := r.pageOwners(ctx, typ, ids, objs)
	if err != nil {
		return err
	}
	rules := make([]Rule, len(fields))
	for i, f := range fields {
		rules[i], _ = Lookup(typ, f)
	}
	gs := r.grantSet(ctx, false)
	<-gs.ready
	r.mu.Lock()
	v := r.v
	r.mu.Unlock()
	type read struct {
		d      Decision
		fields []string
	}
	type verdict struct {
		allowed []string
		reads   []read // the cross-department ones, by owner and grant
	}
	judge := func(own []int) *verdict {
		vd := &verdict{}
		for j, f := range fields {
			d := Decide(v, typ, rules[j], own, grantMap(gs.m))
			if !d.Allowed {
				continue
			}
			vd.allowed = append(vd.allowed, f)
			if !d.CrossDepartment {
				continue
			}
			k := slices.IndexFunc(vd.reads, func(x read) bool { return x.d.Owner == d.Owner && x.d.GrantID == d.GrantID })
			if k < 0 {
				vd.reads = append(vd.reads, read{d: d})
				k = len(vd.reads) - 1
			}
			vd.reads[k].fields = append(vd.reads[k].fields, f)
		}
		return vd
	}
	// Records with the same owners share one verdict.
	byOwner := map[int]*verdict{}
	byOwners := map[string]*verdict{}
	verdicts := make([]*verdict, len(ids))
	for i := range ids {
		if len(owners[i]) == 1 {
			vd := byOwner[owners[i][0]]
			if vd == nil {
				vd = judge(owners[i])
				byOwner[owners[i][0]] = vd
			}
			verdicts[i] = vd
			continue
		}
		key := ownersKey(owners[i])
		vd := byOwners[key]
		if vd == nil {
			vd = judge(owners[i])
			byOwners[key] = vd
		}
		verdicts[i] = vd
	}
	// The records of each verdict, in one list of ids: the block of records its fields are
	// allowed on (a page of one owner's records: one block), and the records of its
	// cross-department reads (an owner, a grant and their fields), recorded together.
	groupOf := map[*verdict]int{}
	var groups []*verdict
	var groupIDs [][]int
	for i, id := range ids {
		vd := verdicts[i]
		if id == 0 || len(vd.allowed) == 0 {
			continue
		}
		k, ok := groupOf[vd]
		if !ok {
			k = len(groups)
			groupOf[vd] = k
			groups = append(groups, vd)
			groupIDs = append(groupIDs, make([]int, 0, len(ids)/max(1, len(byOwner)+len(byOwners))))
		}
		groupIDs[k] = append(groupIDs[k], id)
	}
	blocks := make([]allowedBlock, len(groups))
	for k, vd := range groups {
		if !slices.IsSorted(groupIDs[k]) {
			slices.Sort(groupIDs[k])
		}
		groupIDs[k] = slices.Compact(groupIDs[k]) // a list may hold a record twice
		blocks[k] = allowedBlock{typ: typ, ids: groupIDs[k], fields: vd.allowed}
	}
	r.allowMu.Lock()
	if old := r.allowed.Load(); old != nil {
		blocks = append(slices.Clip(*old), blocks...)
	}
	r.allowed.Store(&blocks)
	r.allowMu.Unlock()
	r.mu.Lock()
	for k, vd := range groups {
		for _, rd := range vd.reads {
			r.recordManyLocked(rd.d, typ, groupIDs[k], rd.fields)
		}
	}
	r.mu.Unlock()
	r.LogEarly(ctx)
	return nil
}

// ownersKey names a list of departments (owner lists are sorted: queryOwners).
func ownersKey(deps []int) string {
	b := make([]byte, 0, 8*len(deps))
	for _, d := range deps {
		b = strconv.AppendInt(append(b, ','), int64(d), 10)
	}
	return string(b)
}

// pageOwners returns the owning departments of each record of a page (aligned with ids): the
// department that recorded a record's restricted values (recordedBy), else the owners looked
// up — for targets through the owner cache without copying them into the read, for the other
// types with Prefetch.
func (r *Reader) pageOwners(ctx context.Context, typ string, ids []int, objs []any) ([][]int, error) {
	owners := make([][]int, len(ids))
	var single map[int][]int
	looked := 0 // records whose owners are to be looked up
	for i, id := range ids {
		if dep, ok := recordedBy(typ, objs[i]); ok {
			if single[dep] == nil {
				if single == nil {
					single = map[int][]int{}
				}
				single[dep] = []int{dep}
			}
			owners[i] = single[dep]
		} else if id != 0 {
			looked++
		}
	}
	if looked == 0 || r.v.Kind == viewer.System {
		return owners, nil
	}
	if typ == ent.TypeTarget && r.cache != nil {
		g := r.ownerGeneration(ctx, false)
		<-g.ready
		if g.err != nil {
			return nil, g.err
		}
		if err := r.cache.fill(ctx, r.client, g.g, ids, owners); err != nil {
			return nil, err
		}
		return owners, nil
	}
	need := make([]int, 0, looked)
	for i, id := range ids {
		if owners[i] == nil && id != 0 {
			need = append(need, id)
		}
	}
	if err := r.Prefetch(ctx, typ, need); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, id := range ids {
		if owners[i] == nil {
			owners[i] = r.owners[typ][id]
		}
	}
	return owners, nil
}

// grantMap is a loaded set of grants.
type grantMap map[grantKey]grantInfo

func (g grantMap) Grant(owner int, group string) (int, string, bool) {
	x, ok := g[grantKey{owner, group}]
	return x.id, x.purpose, ok
}

// decidedAllowed reports whether the field of the record was allowed with its page.
func (r *Reader) decidedAllowed(typ, field string, obj any) bool {
	blocks := r.allowed.Load()
	if blocks == nil {
		return false
	}
	id := idOf(obj)
	if id == 0 {
		return false
	}
	for i := range *blocks {
		b := &(*blocks)[i]
		if b.typ != typ {
			continue
		}
		if _, found := slices.BinarySearch(b.ids, id); found && slices.Contains(b.fields, field) {
			return true
		}
	}
	return false
}

// grantSet is the viewer's grants, loaded once per read: in the background when a GraphQL
// operation asks for a CONDITIONAL field (LoadGrants), else on first use.
type grantSet struct {
	once  sync.Once
	ready chan struct{}
	m     map[grantKey]grantInfo
}

type grantKey struct {
	owner int
	group string
}

type grantInfo struct {
	id      int
	purpose string
}

type readKey struct {
	owner int
	typ   string
	grant int
}

type readAgg struct {
	purpose string
	fields  map[string]bool
	ids     idSet
}

// NewReader starts the read of viewer v.
func NewReader(client *ent.Client, v *viewer.Viewer) *Reader {
	return &Reader{client: client, v: v, grants: &grantSet{}, sharedOK: sharedOK(v), publicOK: !OnlySystemAdmin(v), owners: map[string]map[int][]int{},
		reads: map[readKey]*readAgg{}, logged: map[readKey]*readAgg{}}
}

// sharedOK reports whether Decide allows v the SHARED fields of any record.
func sharedOK(v *viewer.Viewer) bool {
	return Decide(v, "", Rule{Class: string(class.SharedClass)}, nil, NoGrants).Allowed
}

// Become makes the rest of the read that of viewer v: a login's answer (the account) is read
// by the person who has just logged in, not by the anonymous caller.
func (r *Reader) Become(v *viewer.Viewer) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.v = v
	r.sharedOK = sharedOK(v)
	r.publicOK = !OnlySystemAdmin(v)
	r.grants = &grantSet{}
	r.allowMu.Lock()
	r.allowed.Store(nil)
	r.allowMu.Unlock()
}

// Viewer is the viewer of the read.
func (r *Reader) Viewer() *viewer.Viewer { return r.v }

// Check decides whether the viewer may read the field (GraphQL name) of a record of type typ
// and, when the read crosses a department boundary, records it for the access log.
func (r *Reader) Check(ctx context.Context, typ, field string, obj any) (Decision, Rule, error) {
	rule, _ := Lookup(typ, field)
	switch class.Class(rule.Class) {
	case class.PublicClass:
		if r.publicOK {
			return Decision{Allowed: true}, rule, nil // as Decide, without its role checks per field
		}
	case class.SharedClass:
		if r.sharedOK {
			return Decision{Allowed: true}, rule, nil
		}
	}
	if r.v.Kind == viewer.System || !Restricted(rule) {
		return Decide(r.v, typ, rule, nil, ctxGrants{r, ctx}), rule, nil
	}
	owners, err := r.Owners(ctx, typ, obj)
	if err != nil {
		return Decision{}, rule, err
	}
	d := Decide(r.v, typ, rule, owners, ctxGrants{r, ctx})
	if d.Allowed && d.CrossDepartment {
		r.record(d, typ, field, idOf(obj))
	}
	return d, rule, nil
}

// Owners returns the owning departments of one record.
func (r *Reader) Owners(ctx context.Context, typ string, obj any) ([]int, error) {
	if owners, direct := directOwners(typ, obj); direct {
		return owners, nil
	}
	if dep, ok := recordedBy(typ, obj); ok {
		return []int{dep}, nil
	}
	id := idOf(obj)
	r.mu.Lock()
	owners, ok := r.owners[typ][id]
	r.mu.Unlock()
	if ok {
		return owners, nil
	}
	if err := r.Prefetch(ctx, typ, []int{id}); err != nil {
		return nil, err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.owners[typ][id], nil
}

// Prefetch looks up the owners of many records of a query-owned type in one round trip, so
// that a page of records costs one query rather than one per record.
func (r *Reader) Prefetch(ctx context.Context, typ string, ids []int) error {
	if _, ok := ownerQueries[typ]; !ok || len(ids) == 0 || r.v.Kind == viewer.System {
		return nil
	}
	r.mu.Lock()
	known := r.owners[typ]
	var missing []int
	for _, id := range ids {
		if _, ok := known[id]; !ok && id != 0 {
			missing = append(missing, id)
		}
	}
	r.mu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	var got map[int][]int
	var err error
	if typ == ent.TypeTarget && r.cache != nil {
		g := r.ownerGeneration(ctx, false)
		<-g.ready
		if g.err != nil {
			return g.err
		}
		got, err = r.cache.owners(ctx, r.client, g.g, missing)
	} else {
		got, err = QueryOwners(ctx, r.client, typ, missing)
	}
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.owners[typ] == nil {
		r.owners[typ] = got // the read's own map from here on
		return nil
	}
	for id, deps := range got {
		r.owners[typ][id] = deps
	}
	return nil
}

// Grant implements Grants from the viewer's department's approved, unexpired grants, loaded
// once per read (unexpired on the wall clock if not loaded yet: Check judges them on its
// context's business clock).
func (r *Reader) Grant(owner int, group string) (int, string, bool) {
	return r.grant(context.Background(), owner, group)
}

// ctxGrants is the Grants of a Reader whose grants, if not loaded yet, load in ctx (on its
// business clock, without its cancellation: they are kept for the whole read).
type ctxGrants struct {
	r   *Reader
	ctx context.Context
}

func (g ctxGrants) Grant(owner int, group string) (int, string, bool) {
	return g.r.grant(context.WithoutCancel(g.ctx), owner, group)
}

func (r *Reader) grant(ctx context.Context, owner int, group string) (int, string, bool) {
	gs := r.grantSet(ctx, false)
	<-gs.ready
	g, ok := gs.m[grantKey{owner, group}]
	return g.id, g.purpose, ok
}

// LoadGrants starts reading the viewer's grants in the background — while a GraphQL operation
// resolves its first fields — if the viewer could use one (a department viewer with a business
// role). Grant waits for them.
func (r *Reader) LoadGrants(ctx context.Context) {
	if r.v.DepartmentID == 0 || !hasAny(r.v, businessRoles) {
		return
	}
	if r.cache == nil {
		r.grantSet(ctx, true)
		return
	}
	// With an owner cache, the generation it is used under is read in the same statement as
	// the grants: one round trip for the read's sharing state.
	r.mu.Lock()
	gs, v := r.grants, r.v
	r.mu.Unlock()
	g := &r.gen
	var loadGrants, loadGen bool
	gs.once.Do(func() { gs.ready, loadGrants = make(chan struct{}), true })
	g.once.Do(func() { g.ready, loadGen = make(chan struct{}), true })
	if !loadGrants && !loadGen {
		return
	}
	go func() {
		m, gen, err := loadState(ctx, r.client, v)
		if loadGrants {
			gs.m = m
			close(gs.ready)
		}
		if loadGen {
			g.g, g.err = gen, err
			close(g.ready)
		}
	}()
}

// grantSet returns the read's grants, starting to load them (in the background if async) the
// first time.
func (r *Reader) grantSet(ctx context.Context, async bool) *grantSet {
	r.mu.Lock()
	gs, v := r.grants, r.v
	r.mu.Unlock()
	gs.once.Do(func() {
		gs.ready = make(chan struct{})
		load := func() {
			defer close(gs.ready)
			gs.m = loadGrants(ctx, r.client, v)
		}
		if async {
			go load()
		} else {
			load()
		}
	})
	return gs
}

// loadState reads the owner generation and the viewer's department's approved grants unexpired
// on ctx's business clock in one statement. A failure leaves the grants empty (none is used)
// and returns the error for the generation (which the owner cache then refuses to go without).
func loadState(ctx context.Context, client *ent.Client, v *viewer.Viewer) (map[grantKey]grantInfo, int64, error) {
	grants := map[grantKey]grantInfo{}
	// The expiry is compared here, as instants, rather than in the statement: its text and its
	// one parameter stay the same from read to read, so the server keeps one plan for it.
	sel := entsql.Dialect(client.Dialect()).
		Select(sharegrant.FieldID, sharegrant.FieldOwnerID, sharegrant.FieldGroup, sharegrant.FieldPurpose, sharegrant.FieldExpiresAt).
		From(entsql.Table(sharegrant.Table)).
		Where(entsql.And(
			entsql.EQ(sharegrant.FieldRequesterID, v.DepartmentID),
			entsql.ExprP(sharegrant.FieldStatus+" = '"+sharegrant.StatusAPPROVED.String()+"'"),
		))
	query, args := sel.Query()
	// One row at least, holding the generation, even when there is no grant.
	rows, err := client.QueryContext(ctx, fmt.Sprintf("SELECT g.generation, q.* FROM %s g LEFT JOIN (%s) q ON true", OwnerGenerationTable, query), args...)
	if err != nil {
		return grants, 0, fmt.Errorf("sharing: grants and owner generation: %w", err)
	}
	defer rows.Close()
	now := clock.Now(ctx)
	var gen int64
	for rows.Next() {
		var id, owner sql.NullInt64
		var group, purpose sql.NullString
		var expires sql.NullTime
		if err := rows.Scan(&gen, &id, &owner, &group, &purpose, &expires); err != nil {
			return map[grantKey]grantInfo{}, 0, err
		}
		if id.Valid && owner.Valid && expires.Valid && expires.Time.After(now) {
			grants[grantKey{int(owner.Int64), group.String}] = grantInfo{int(id.Int64), purpose.String}
		}
	}
	if err := rows.Err(); err != nil {
		return map[grantKey]grantInfo{}, 0, err
	}
	if gen == 0 {
		return grants, 0, fmt.Errorf("sharing: owner generation row missing (run ssgk migrate)")
	}
	return grants, gen, nil
}

// loadGrants reads the viewer's department's approved grants unexpired on ctx's business clock:
// loadState's, without the owner generation it reads beside them. None when they cannot be read.
func loadGrants(ctx context.Context, client *ent.Client, v *viewer.Viewer) map[grantKey]grantInfo {
	if v.DepartmentID == 0 {
		return map[grantKey]grantInfo{}
	}
	grants, _, _ := loadState(ctx, client, v)
	return grants
}

func (r *Reader) record(d Decision, typ, field string, id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.recordLocked(d, typ, id, field)
}

// recordLocked records the read of fields of the record id (0: of no record in particular)
// (under mu).
func (r *Reader) recordLocked(d Decision, typ string, id int, fields ...string) {
	var ids []int
	if id != 0 {
		ids = []int{id}
	}
	r.recordManyLocked(d, typ, ids, fields)
}

// recordManyLocked records the read of the same fields of many records, ids sorted and
// distinct (under mu). Records whose reads of these fields are in the access log already are
// not recorded again.
func (r *Reader) recordManyLocked(d Decision, typ string, ids []int, fields []string) {
	k := readKey{d.Owner, typ, d.GrantID}
	if l := r.logged[k]; l != nil {
		all := true
		for _, f := range fields {
			all = all && l.fields[f]
		}
		if all {
			ids = slices.DeleteFunc(slices.Clone(ids), l.ids.has)
			if len(ids) == 0 {
				return
			}
		}
	}
	a := r.reads[k]
	if a == nil {
		a = &readAgg{purpose: d.Purpose, fields: map[string]bool{}}
		r.reads[k] = a
	}
	for _, f := range fields {
		a.fields[f] = true
	}
	a.ids.addSorted(ids)
}

// idSet is a set of record ids: the one sorted list added while there is only one (a page's
// records, shared with the caller, never changed), a map once there are more.
type idSet struct {
	list []int
	m    map[int]struct{}
}

// addSorted adds ids, sorted and distinct.
func (s *idSet) addSorted(ids []int) {
	switch {
	case len(ids) == 0:
	case s.m == nil && s.list == nil:
		s.list = ids
	default:
		if s.m == nil {
			s.m = make(map[int]struct{}, len(s.list)+len(ids))
			for _, id := range s.list {
				s.m[id] = struct{}{}
			}
			s.list = nil
		}
		for _, id := range ids {
			s.m[id] = struct{}{}
		}
	}
}

func (s *idSet) has(id int) bool {
	if s.m != nil {
		_, ok := s.m[id]
		return ok
	}
	_, ok := slices.BinarySearch(s.list, id)
	return ok
}

func (s *idSet) len() int {
	if s.m != nil {
		return len(s.m)
	}
	return len(s.list)
}

// sorted returns the ids in order.
func (s *idSet) sorted() []int {
	if s.m == nil {
		return s.list
	}
	return slices.Sorted(maps.Keys(s.m))
}

// take hands over the reads recorded so far, remembering them as logged.
func (r *Reader) take() []logEntry {
	r.mu.Lock()
	defer r.mu.Unlock()
	reads := r.reads
	if len(reads) == 0 {
		return nil
	}
	r.reads = map[readKey]*readAgg{}
	entries := make([]logEntry, 0, len(reads))
	for k, a := range reads {
		fields := make([]string, 0, len(a.fields))
		for f := range a.fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		entries = append(entries, logEntry{k: k, fields: fields, count: a.ids.len(), purpose: a.purpose})
		l := r.logged[k]
		if l == nil {
			r.logged[k] = a // handed over: the entry above is what is written
			continue
		}
		for f := range a.fields {
			l.fields[f] = true
		}
		l.ids.addSorted(a.ids.sorted())
	}
	slices.SortFunc(entries, func(x, y logEntry) int {
		return cmp.Or(cmp.Compare(x.k.owner, y.k.owner), cmp.Compare(x.k.typ, y.k.typ), cmp.Compare(x.k.grant, y.k.grant))
	})
	return entries
}

// logEntry is one access-log row to write: the reads of one owner's records of one type under
// one grant (or none).
type logEntry struct {
	k       readKey
	fields  []string // sorted
	count   int      // records read
	purpose string
}

// LogEarly starts writing the reads recorded so far to the access log in the background, so
// that the write overlaps the rest of the operation; Flush waits for it and withholds the data
// if it failed. Only for reads outside a transaction (a query, not a mutation).
func (r *Reader) LogEarly(ctx context.Context) {
	reads := r.take()
	if len(reads) == 0 {
		return
	}
	done := make(chan error, 1)
	r.mu.Lock()
	r.pending = append(r.pending, done)
	r.mu.Unlock()
	go func() { done <- r.write(ctx, reads) }()
}

// Flush writes the access-log entries of the reads recorded so far, one per owning department,
// type and grant, and waits for the entries LogEarly started. The caller hands the data out
// only when Flush succeeds.
func (r *Reader) Flush(ctx context.Context) error {
	r.mu.Lock()
	pending := r.pending
	r.pending = nil
	r.mu.Unlock()
	var err error
	for _, done := range pending {
		if e := <-done; e != nil && err == nil {
			err = e
		}
	}
	if e := r.write(ctx, r.take()); e != nil && err == nil {
		err = e
	}
	return err
}

func (r *Reader) write(ctx context.Context, reads []logEntry) error {
	if len(reads) == 0 {
		return nil
	}
	client := r.client
	if c := ent.FromContext(ctx); c != nil {
		client = c // inside a mutation's transaction: the log commits with it
	}
	now := time.Now()
	builders := make([]*ent.AccessLogCreate, 0, len(reads))
	for _, e := range reads {
		k := e.k
		purpose := r.v.Purpose
		if purpose == "" {
			purpose = e.purpose
		}
		c := client.AccessLog.Create().SetReadAt(now).SetActor(r.v.Actor()).SetOperation(r.v.Operation).
			SetEntityType(k.typ).SetFields(e.fields).SetRecordCount(e.count).SetPurpose(purpose).SetOwnerID(k.owner)
		if r.v.DepartmentID != 0 {
			c.SetViewerDepartmentID(r.v.DepartmentID)
		}
		if r.v.AccountID != 0 {
			c.SetAccountID(r.v.AccountID)
		}
		if r.v.TokenID != 0 {
			c.SetTokenID(r.v.TokenID)
		}
		if k.grant != 0 {
			c.SetGrantID(k.grant)
		}
		builders = append(builders, c)
	}
	sys := viewer.NewContext(ctx, &viewer.Viewer{Kind: viewer.System, Name: "access-log/" + r.v.Actor(), Operation: r.v.Operation})
	return client.AccessLog.CreateBulk(builders...).Exec(sys)
}

// Refused returns which of the given fields (ent schema names, e.g. "contact_phone") of a
// record the viewer may not read. Exports and other non-GraphQL paths blank these; the
// allowed cross-department reads are recorded for the access log like GraphQL's (Flush).
func (r *Reader) Refused(ctx context.Context, typ string, obj any, fields ...string) (map[string]bool, error) {
	out := map[string]bool{}
	for _, f := range fields {
		name := f
		for gql, rule := range ent.SharingCatalog[typ] {
			if rule.Name == f && !rule.Edge {
				name = gql
				break
			}
		}
		d, _, err := r.Check(ctx, typ, name, obj)
		if err != nil {
			return nil, err
		}
		if !d.Allowed {
			out[f] = true
		}
	}
	return out, nil
}
