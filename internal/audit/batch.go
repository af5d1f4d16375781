package audit

import (
	"context"
	"fmt"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/auditevent"
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
	dialect string
	pending []pendingEvent
	hooked  bool
}

type pendingEvent struct {
	typ string
	id  int
}

// WithBatch returns a context in which creates are audited in bulk at commit. Updates and
// deletes are still audited one by one (they need the row as it was before).
func WithBatch(ctx context.Context, dialectName string) context.Context {
	return context.WithValue(ctx, batchKey{}, &batch{dialect: dialectName})
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
	if b.dialect == dialect.Postgres {
		if _, err := tx.ExecContext(rctx, "SELECT pg_advisory_xact_lock($1)", pgAuditLock); err != nil {
			return err
		}
	}
	seq, prev := int64(1), GenesisHash
	tip, err := tx.AuditEvent.Query().Order(ent.Desc(auditevent.FieldSeq)).First(rctx)
	switch {
	case err == nil:
		seq, prev = tip.Seq+1, tip.Hash
	case !ent.IsNotFound(err):
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
			q, args := entsql.Dialect(b.dialect).Select("*").From(entsql.Table(table)).Where(entsql.In("id", ids...)).Query()
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
		creates := make([]*ent.AuditEventCreate, 0, len(part))
		for _, p := range part {
			d, ok := digests[p]
			if !ok {
				return fmt.Errorf("audit: created %s %d not found", p.typ, p.id)
			}
			ev := &ent.AuditEvent{Seq: seq, At: at, Actor: v.Actor(), DepartmentCode: v.DepartmentCode, Action: "CREATE",
				EntityType: p.typ, EntityID: p.id, AfterDigest: d, Operation: v.Operation, PrevHash: prev}
			ev.Hash = EventHash(ev)
			creates = append(creates, tx.AuditEvent.Create().
				SetSeq(ev.Seq).SetAt(ev.At).SetActor(ev.Actor).SetDepartmentCode(ev.DepartmentCode).
				SetAction(ev.Action).SetEntityType(ev.EntityType).SetEntityID(ev.EntityID).
				SetBeforeDigest("").SetAfterDigest(ev.AfterDigest).SetOperation(ev.Operation).
				SetPrevHash(ev.PrevHash).SetHash(ev.Hash))
			seq, prev = seq+1, ev.Hash
		}
		if err := tx.AuditEvent.CreateBulk(creates...).Exec(context.WithValue(rctx, markerKey{}, true)); err != nil {
			return err
		}
	}
	return nil
}

func indexOf(cols []string, name string) int {
	for i, c := range cols {
		if c == name {
			return i
		}
	}
	return -1
}
