package audit

import (
	"context"
	"fmt"
	"sync"
	"time"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/auditevent"
	"github.com/ssgk/ssgk/internal/bulk"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Batch mode serves bulk imports: instead of reading each created row back and appending its
// event one statement at a time, the hook notes the created ids and the events are written in
// bulk — rows digested with one query per chunk, events inserted with one statement per chunk —
// right before the transaction commits. The events and the chain are the same as in normal
// mode; only the number of statements differs.

type batchKey struct{}

type batch struct {
	mu      sync.Mutex
	pending []pendingEvent
	hooked  bool
}

type pendingEvent struct {
	typ string
	id  int
}

// WithBatch returns a context in which creates are audited in bulk at commit. Updates and
// deletes are still audited one by one (they need the row as it was before).
func WithBatch(ctx context.Context) context.Context {
	return context.WithValue(ctx, batchKey{}, &batch{})
}

func batchFrom(ctx context.Context) *batch {
	b, _ := ctx.Value(batchKey{}).(*batch)
	return b
}

// defer records a created row and makes sure the events are flushed before tx commits.
func (b *batch) defer_(tx *ent.Tx, typ string, id int) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.pending = append(b.pending, pendingEvent{typ, id})
	if b.hooked {
		return
	}
	b.hooked = true
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			if err := b.flush(ctx, tx); err != nil {
				return err
			}
			return next.Commit(ctx, tx)
		})
	})
}

// Created records rows a bulk path inserted without ent builders; their events are written
// with the batch. It fails outside batch mode, so no insert goes unaudited.
func Created(ctx context.Context, tx *ent.Tx, typ string, ids ...int) error {
	b := batchFrom(ctx)
	if b == nil {
		return fmt.Errorf("audit: bulk insert of %s outside batch mode", typ)
	}
	for _, id := range ids {
		b.defer_(tx, typ, id)
	}
	return nil
}

// Flush writes the pending events now (an import flushes after each chunk to bound memory).
func Flush(ctx context.Context, tx *ent.Tx) error {
	if b := batchFrom(ctx); b != nil {
		return b.flush(ctx, tx)
	}
	return nil
}

func (b *batch) flush(ctx context.Context, tx *ent.Tx) error {
	b.mu.Lock()
	pending := b.pending
	b.pending = nil
	b.mu.Unlock()
	if len(pending) == 0 {
		return nil
	}
	v := viewer.FromContext(ctx)
	rctx := viewer.NewContext(context.Background(), v)
	client := tx.Client()
	seq, prev, err := chainTip(rctx, tx)
	if err != nil {
		return err
	}
	const chunk = 1000
	for start := 0; start < len(pending); start += chunk {
		part := pending[start:min(start+chunk, len(pending))]
		// Digest the rows of each type in one query.
		digests := map[pendingEvent]string{}
		byType := map[string][]any{}
		for _, p := range part {
			byType[p.typ] = append(byType[p.typ], p.id)
		}
		for typ, ids := range byType {
			table := ent.TypeTables[typ]
			q, args := entsql.Dialect(tx.Dialect()).Select("*").From(entsql.Table(table)).Where(entsql.In("id", ids...)).Query()
			rows, err := client.QueryContext(rctx, q, args...)
			if err != nil {
				return err
			}
			cols, err := rows.Columns()
			if err != nil {
				rows.Close()
				return err
			}
			idCol := indexOf(cols, "id")
			for rows.Next() {
				vals, err := scanRow(rows, len(cols))
				if err != nil {
					rows.Close()
					return err
				}
				id, err := toInt(vals[idCol])
				if err != nil {
					rows.Close()
					return err
				}
				digests[pendingEvent{typ, id}] = digestColumns(cols, vals)
			}
			if err := rows.Close(); err != nil {
				return err
			}
		}
		at := time.Now().UTC().Truncate(time.Microsecond)
		// One statement per chunk; the trail itself is append-only and written only here and by
		// the hook.
		rows := make([][]any, 0, len(part))
		for _, p := range part {
			d, ok := digests[p]
			if !ok {
				return fmt.Errorf("audit: created %s %d not found", p.typ, p.id)
			}
			ev := &ent.AuditEvent{Seq: seq, At: at, Actor: v.Actor(), DepartmentCode: v.DepartmentCode, Action: "CREATE",
				EntityType: p.typ, EntityID: p.id, AfterDigest: d, Operation: v.Operation, PrevHash: prev}
			ev.Hash = EventHash(ev)
			rows = append(rows, []any{ev.Seq, ev.At, ev.Actor, ev.DepartmentCode, ev.Action, ev.EntityType, ev.EntityID, "",
				ev.AfterDigest, ev.Operation, ev.PrevHash, ev.Hash})
			seq, prev = seq+1, ev.Hash
		}
		if _, err := bulk.Insert(rctx, tx, auditevent.Table, eventColumns, rows); err != nil {
			return err
		}
	}
	return nil
}

var eventColumns = []bulk.Column{
	{Name: auditevent.FieldSeq, PGType: "bigint"}, {Name: auditevent.FieldAt, PGType: "timestamptz"}, {Name: auditevent.FieldActor, PGType: "text"},
	{Name: auditevent.FieldDepartmentCode, PGType: "text"}, {Name: auditevent.FieldAction, PGType: "text"}, {Name: auditevent.FieldEntityType, PGType: "text"},
	{Name: auditevent.FieldEntityID, PGType: "bigint"}, {Name: auditevent.FieldBeforeDigest, PGType: "text"}, {Name: auditevent.FieldAfterDigest, PGType: "text"},
	{Name: auditevent.FieldOperation, PGType: "text"}, {Name: auditevent.FieldPrevHash, PGType: "text"}, {Name: auditevent.FieldHash, PGType: "text"},
}

func indexOf(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return -1
}
