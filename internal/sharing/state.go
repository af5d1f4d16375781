package sharing

import (
	"context"
	"slices"
	"sort"
	"sync"
	"time"

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

	mu         sync.Mutex
	owners     map[string]map[int][]int // query-owned types: id → departments
	grants     map[grantKey]grantInfo   // written once, under grantsOnce
	grantsOnce *sync.Once
	reads      map[readKey]*readAgg
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
	ids     map[int]bool
}

// NewReader starts the read of viewer v.
func NewReader(client *ent.Client, v *viewer.Viewer) *Reader {
	return &Reader{client: client, v: v, grantsOnce: new(sync.Once), sharedOK: sharedOK(v), owners: map[string]map[int][]int{}, reads: map[readKey]*readAgg{}}
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
	r.grantsOnce = new(sync.Once)
}

// Viewer is the viewer of the read.
func (r *Reader) Viewer() *viewer.Viewer { return r.v }

// Check decides whether the viewer may read the field (GraphQL name) of a record of type typ
// and, when the read crosses a department boundary, records it for the access log.
func (r *Reader) Check(ctx context.Context, typ, field string, obj any) (Decision, Rule, error) {
	rule, _ := Lookup(typ, field)
	switch class.Class(rule.Class) {
	case class.PublicClass:
		return Decision{Allowed: true}, rule, nil // as Decide, without its role checks per field
	case class.SharedClass:
		if r.sharedOK {
			return Decision{Allowed: true}, rule, nil
		}
	}
	if r.v.Kind == viewer.System || !Restricted(rule) {
		return Decide(r.v, typ, rule, nil, r), rule, nil
	}
	owners, err := r.Owners(ctx, typ, obj)
	if err != nil {
		return Decision{}, rule, err
	}
	d := Decide(r.v, typ, rule, owners, r)
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
	got, err := QueryOwners(ctx, r.client, typ, missing)
	if err != nil {
		return err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.owners[typ] == nil {
		r.owners[typ] = make(map[int][]int, len(got))
	}
	for id, deps := range got {
		r.owners[typ][id] = deps
	}
	return nil
}

// Grant implements Grants from the viewer's department's approved, unexpired grants, loaded
// once per read (LoadGrants).
func (r *Reader) Grant(owner int, group string) (int, string, bool) {
	r.grantsOnce.Do(func() { r.loadGrants(context.Background()) })
	g, ok := r.grants[grantKey{owner, group}]
	return g.id, g.purpose, ok
}

// LoadGrants reads the viewer's grants now — before a GraphQL operation fans out over many
// fields — if the viewer could use one (a department viewer with a business role).
func (r *Reader) LoadGrants(ctx context.Context) {
	if r.v.DepartmentID != 0 && hasAny(r.v, businessRoles) {
		r.grantsOnce.Do(func() { r.loadGrants(ctx) })
	}
}

func (r *Reader) loadGrants(ctx context.Context) {
	grants := map[grantKey]grantInfo{}
	if r.v.DepartmentID != 0 {
		sys := viewer.NewContext(ctx, viewer.NewSystem("sharing/grants"))
		gs, err := r.client.ShareGrant.Query().Where(sharegrant.RequesterID(r.v.DepartmentID),
			sharegrant.StatusEQ(sharegrant.StatusAPPROVED), sharegrant.ExpiresAtGT(clock.Now())).All(sys)
		if err == nil {
			for _, g := range gs {
				grants[grantKey{g.OwnerID, g.Group}] = grantInfo{g.ID, g.Purpose}
			}
		}
	}
	r.grants = grants
}

func (r *Reader) record(d Decision, typ, field string, id int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := readKey{d.Owner, typ, d.GrantID}
	a := r.reads[k]
	if a == nil {
		a = &readAgg{purpose: d.Purpose, fields: map[string]bool{}, ids: map[int]bool{}}
		r.reads[k] = a
	}
	a.fields[field] = true
	if id != 0 {
		a.ids[id] = true
	}
}

// Flush writes the access-log entries of the reads recorded so far, one per owning department,
// type and grant, and forgets them. The caller hands the data out only when Flush succeeds.
func (r *Reader) Flush(ctx context.Context) error {
	r.mu.Lock()
	reads := r.reads
	r.reads = map[readKey]*readAgg{}
	r.mu.Unlock()
	if len(reads) == 0 {
		return nil
	}
	keys := make([]readKey, 0, len(reads))
	for k := range reads {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i].owner != keys[j].owner {
			return keys[i].owner < keys[j].owner
		}
		return keys[i].typ < keys[j].typ
	})
	client := r.client
	if c := ent.FromContext(ctx); c != nil {
		client = c // inside a mutation's transaction: the log commits with it
	}
	now := time.Now()
	builders := make([]*ent.AccessLogCreate, 0, len(keys))
	for _, k := range keys {
		a := reads[k]
		fields := make([]string, 0, len(a.fields))
		for f := range a.fields {
			fields = append(fields, f)
		}
		slices.Sort(fields)
		purpose := r.v.Purpose
		if purpose == "" {
			purpose = a.purpose
		}
		c := client.AccessLog.Create().SetReadAt(now).SetActor(r.v.Actor()).SetOperation(r.v.Operation).
			SetEntityType(k.typ).SetFields(fields).SetRecordCount(len(a.ids)).SetPurpose(purpose).SetOwnerID(k.owner)
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
