package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/auditevent"
	"github.com/ssgk/ssgk/internal/bulk"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Join tables (result codes, library memberships, team members …) have no id and no entity of
// their own, yet they hold business state: which codes a result concluded with, which targets a
// sub-library holds. The trail covers them as sets: for each join table one side is the group
// (the side with few rows per entity — a target is in few sub-libraries, a result has few
// codes), and every change of a group's set appends an event with entity type = the join
// table's name, entity id = the group's id and after digest = the digest of the sorted ids on
// the other side ("" for the empty set). Verify recomputes every set from the table.

// joinInfo is a join table with its group side.
type joinInfo struct {
	ent.JoinTable
	group int // index in Columns of the group side
}

// groupByTo names the join tables grouped by their To side (the From side has many rows per
// entity).
var groupByTo = map[string]bool{"target_library_targets": true}

// joins are the join tables the trail covers (all of ent.JoinTables).
var joins = func() []joinInfo {
	out := make([]joinInfo, 0, len(ent.JoinTables))
	for _, j := range ent.JoinTables {
		ji := joinInfo{JoinTable: j}
		if groupByTo[j.Table] {
			ji.group = 1
		}
		out = append(out, ji)
	}
	return out
}()

// JoinTableNames returns the names of the join tables the trail covers.
func JoinTableNames() []string {
	out := make([]string, len(joins))
	for i, j := range joins {
		out[i] = j.Table
	}
	return out
}

// GroupColumn returns the group column of a join table the trail covers, or "".
func GroupColumn(table string) string {
	for _, j := range joins {
		if j.Table == table {
			return j.Columns[j.group]
		}
	}
	return ""
}

func (j joinInfo) groupCol() string { return j.Columns[j.group] }
func (j joinInfo) otherCol() string { return j.Columns[1-j.group] }

// sideType is the entity type of side i.
func (j joinInfo) sideType(i int) string {
	if i == 0 {
		return j.From
	}
	return j.To
}

// sideEdge is the edge of side i's entity over the table.
func (j joinInfo) sideEdge(i int) string {
	if i == 0 {
		return j.Edge
	}
	return j.InverseEdge
}

// JoinSetDigest is the digest of the set of other-side ids of one group of a join table; "" for
// the empty set.
func JoinSetDigest(table string, group int, others []int) string {
	if len(others) == 0 {
		return ""
	}
	s := append([]int(nil), others...)
	sort.Ints(s)
	b := []byte("ssgk-join/v1\n" + table + "\n" + strconv.Itoa(group) + "\n")
	for _, o := range s {
		b = strconv.AppendInt(b, int64(o), 10)
		b = append(b, '\n')
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// joinChange is the groups of one join table a mutation may change.
type joinChange struct {
	j      joinInfo
	groups map[int]bool
}

// joinGroups returns, before the mutation runs, the groups of every join table that m may
// change: from the edges it adds, removes or clears, and — for deletes, whose join rows go with
// the row (ON DELETE CASCADE) — the groups linked to the deleted rows now. ids are the rows of an
// update or delete (none for a create: its groups are its own id, added after it ran).
func joinGroups(ctx context.Context, client *ent.Client, m ent.Mutation, ids []int) ([]*joinChange, error) {
	var out []*joinChange
	deleting := m.Op().Is(ent.OpDelete | ent.OpDeleteOne)
	for _, j := range joins {
		for side := 0; side < 2; side++ {
			if j.sideType(side) != m.Type() {
				continue
			}
			edge := j.sideEdge(side)
			changed := edge != "" && (contains(m.AddedEdges(), edge) || contains(m.RemovedEdges(), edge) || m.EdgeCleared(edge))
			if !deleting && !changed {
				continue
			}
			c := &joinChange{j: j, groups: map[int]bool{}}
			out = append(out, c)
			if side == j.group {
				for _, id := range ids {
					c.groups[id] = true
				}
				c.groups[-1] = true // the created row's own id, filled in after the create
				continue
			}
			if changed {
				for _, v := range append(m.AddedIDs(edge), m.RemovedIDs(edge)...) {
					if id, err := toInt(v); err == nil {
						c.groups[id] = true
					}
				}
			}
			if deleting || (changed && m.EdgeCleared(edge)) {
				linked, err := linkedGroups(ctx, client, j, ids)
				if err != nil {
					return nil, err
				}
				for _, g := range linked {
					c.groups[g] = true
				}
			}
		}
	}
	return out, nil
}

func contains(s []string, x string) bool {
	for _, v := range s {
		if v == x {
			return true
		}
	}
	return false
}

// linkedGroups returns the groups linked to the other-side rows ids.
func linkedGroups(ctx context.Context, client *ent.Client, j joinInfo, ids []int) ([]int, error) {
	var out []int
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		query, args := entsql.Dialect(client.Dialect()).Select(j.groupCol()).From(entsql.Table(j.Table)).
			Where(entsql.InInts(j.otherCol(), chunk...)).Query()
		rows, err := client.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var g int
			if err := rows.Scan(&g); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, g)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// joinSets returns the set digest of each of groups (those with no rows get "").
func joinSets(ctx context.Context, client *ent.Client, j joinInfo, groups []int) (map[int]string, error) {
	members := map[int][]int{}
	for start := 0; start < len(groups); start += 500 {
		chunk := groups[start:min(start+500, len(groups))]
		query, args := entsql.Dialect(client.Dialect()).Select(j.groupCol(), j.otherCol()).From(entsql.Table(j.Table)).
			Where(entsql.InInts(j.groupCol(), chunk...)).Query()
		rows, err := client.QueryContext(ctx, query, args...)
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var g, o int
			if err := rows.Scan(&g, &o); err != nil {
				rows.Close()
				return nil, err
			}
			members[g] = append(members[g], o)
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
	}
	out := make(map[int]string, len(groups))
	for _, g := range groups {
		out[g] = JoinSetDigest(j.Table, g, members[g])
	}
	return out, nil
}

// recordJoins appends one event per changed group, after the mutation ran; created is the id of
// a created row (0 otherwise).
func recordJoins(ctx context.Context, tx *ent.Tx, client *ent.Client, v *viewer.Viewer, changes []*joinChange, created int) error {
	for _, c := range changes {
		if c.groups[-1] {
			delete(c.groups, -1)
			if created != 0 {
				c.groups[created] = true
			}
		}
		groups := make([]int, 0, len(c.groups))
		for g := range c.groups {
			groups = append(groups, g)
		}
		sort.Ints(groups)
		if err := appendJoinEvents(ctx, tx, client, v, c.j, groups); err != nil {
			return err
		}
	}
	return nil
}

func appendJoinEvents(ctx context.Context, tx *ent.Tx, client *ent.Client, v *viewer.Viewer, j joinInfo, groups []int) error {
	if len(groups) == 0 {
		return nil
	}
	sets, err := joinSets(ctx, client, j, groups)
	if err != nil {
		return err
	}
	return appendJoinDigests(ctx, tx, v, j, groups, sets)
}

// appendJoinDigests appends one event per group (in the order of groups) with its set's digest.
func appendJoinDigests(ctx context.Context, tx *ent.Tx, v *viewer.Viewer, j joinInfo, groups []int, sets map[int]string) error {
	if len(groups) > 20 {
		rows := make([]CreatedRow, len(groups))
		for i, g := range groups {
			rows[i] = CreatedRow{ID: g, Digest: sets[g]}
		}
		return appendBulk(ctx, tx, v, "UPDATE", j.Table, rows)
	}
	for _, g := range groups {
		if err := appendEvent(ctx, tx, v, "UPDATE", j.Table, g, "", sets[g]); err != nil {
			return err
		}
	}
	return nil
}

// JoinSetsChanged records the sets of groups of a join table that a bulk path changed without
// ent builders (an import's memberships, a draw's team members).
func JoinSetsChanged(ctx context.Context, tx *ent.Tx, table string, groups []int) error {
	for _, j := range joins {
		if j.Table == table {
			if b := batchFrom(ctx); b != nil {
				if err := b.flush(ctx, tx); err != nil {
					return err
				}
			}
			v := viewer.FromContext(ctx)
			rctx := viewer.NewContext(context.Background(), v)
			uniq := map[int]bool{}
			var gs []int
			for _, g := range groups {
				if !uniq[g] {
					uniq[g] = true
					gs = append(gs, g)
				}
			}
			sort.Ints(gs)
			return appendJoinEvents(rctx, tx, tx.Client(), v, j, gs)
		}
	}
	return fmt.Errorf("audit: %s is not a join table", table)
}

// NewJoinSets records the sets of groups created by a bulk path together with all their rows
// (a draw's new teams and their members): the caller passes each group's complete set, so
// nothing is read back. It records the same events as JoinSetsChanged would.
func NewJoinSets(ctx context.Context, tx *ent.Tx, table string, sets map[int][]int) error {
	for _, j := range joins {
		if j.Table != table {
			continue
		}
		if b := batchFrom(ctx); b != nil {
			if err := b.flush(ctx, tx); err != nil {
				return err
			}
		}
		v := viewer.FromContext(ctx)
		rctx := viewer.NewContext(context.Background(), v)
		gs := make([]int, 0, len(sets))
		digests := make(map[int]string, len(sets))
		for g, others := range sets {
			gs = append(gs, g)
			digests[g] = JoinSetDigest(j.Table, g, others)
		}
		sort.Ints(gs)
		return appendJoinDigests(rctx, tx, v, j, gs, digests)
	}
	return fmt.Errorf("audit: %s is not a join table", table)
}

// appendBulk appends one event per row with one statement per chunk.
func appendBulk(ctx context.Context, tx *ent.Tx, v *viewer.Viewer, action, typ string, rows []CreatedRow) error {
	rctx := viewer.NewContext(context.Background(), v)
	seq, prev, err := chainTip(rctx, tx)
	if err != nil {
		return err
	}
	w, err := bulk.NewWriter(rctx, tx, auditevent.Table, eventColumns)
	if err != nil {
		return err
	}
	at := time.Now().UTC().Truncate(time.Microsecond)
	ev := &ent.AuditEvent{At: at, Actor: v.Actor(), DepartmentCode: v.DepartmentCode, Action: action,
		EntityType: typ, Operation: v.Operation}
	h := newEventHasher(ev)
	for _, r := range rows {
		ev.Seq, ev.EntityID, ev.AfterDigest, ev.PrevHash = seq, r.ID, r.Digest, prev
		ev.Hash = h.hash(ev)
		if err := w.Add(ev.Seq, ev.At, ev.Actor, ev.DepartmentCode, ev.Action, ev.EntityType, int64(ev.EntityID), "",
			ev.AfterDigest, ev.Operation, ev.PrevHash, ev.Hash); err != nil {
			w.Abort()
			return err
		}
		seq, prev = seq+1, ev.Hash
	}
	return w.Close()
}

// BaselineJoins records the current set of every group of every join table that has rows but
// no event yet — a database from before the trail covered join tables. It is idempotent and
// cheap once done (one query per join table); the store runs it after migrating.
func BaselineJoins(ctx context.Context, client *ent.Client) error {
	sys := viewer.NewContext(ctx, viewer.NewSystem("audit/baseline"))
	for _, j := range joins {
		has, err := client.AuditEvent.Query().Where(auditevent.EntityType(j.Table)).Exist(sys)
		if err != nil {
			return err
		}
		if has {
			continue
		}
		query, args := entsql.Dialect(client.Dialect()).Select(j.groupCol()).Distinct().From(entsql.Table(j.Table)).OrderBy(j.groupCol()).Query()
		rows, err := client.QueryContext(sys, query, args...)
		if err != nil {
			return err
		}
		var groups []int
		for rows.Next() {
			var g int
			if err := rows.Scan(&g); err != nil {
				rows.Close()
				return err
			}
			groups = append(groups, g)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		if len(groups) == 0 {
			continue
		}
		tx, err := client.Tx(sys)
		if err != nil {
			return err
		}
		if err := appendJoinEvents(sys, tx, tx.Client(), viewer.FromContext(sys), j, groups); err != nil {
			_ = tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	return nil
}
