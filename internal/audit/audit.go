// Package audit keeps the audit trail (审计日志): every mutation writes an AuditEvent in the
// same transaction, with digests of the row before and after, chained to the previous event by
// hash. Verify walks the chain and re-digests every row, so a changed or deleted row — of the
// trail or of the data it covers — is detected.
package audit

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/auditevent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/viewer"
)

// GenesisHash is the prev_hash of the first event.
const GenesisHash = "0000000000000000000000000000000000000000000000000000000000000000"

// PGWriteLock is the PostgreSQL advisory lock key that serialises appends to the chain — and,
// taken by the store at the start of every transaction, all writers: it is the first lock of
// the hub's lock order (see internal/store/writelock.go).
const PGWriteLock = 0x5359_4b41 // "SSGK" in spirit

const pgAuditLock = PGWriteLock

type markerKey struct{}

// mutation is what the generated ent mutations offer beyond ent.Mutation.
type mutation interface {
	ent.Mutation
	Client() *ent.Client
	Tx() (*ent.Tx, error)
	ID() (int, bool)
	IDs(context.Context) ([]int, error)
}

// Hook returns the ent hook that writes the audit trail. It refuses writes outside a
// transaction and any direct change to the trail itself.
func Hook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if m.Type() == ent.TypeAuditEvent {
				if ctx.Value(markerKey{}) == nil || !m.Op().Is(ent.OpCreate) {
					return nil, apperr.New(apperr.Forbidden, "审计日志只能追加，不能直接写入、修改或删除")
				}
				return next.Mutate(ctx, m)
			}
			if m.Type() == ent.TypeAccessLog {
				// The access log is a log of its own (reads, not changes): append-only, and kept
				// out of the change trail so that logging a read costs one insert.
				if !m.Op().Is(ent.OpCreate) {
					return nil, apperr.New(apperr.Forbidden, "访问日志只能追加，不能修改或删除")
				}
				return next.Mutate(ctx, m)
			}
			mm, ok := m.(mutation)
			if !ok {
				return nil, fmt.Errorf("audit: unsupported mutation %T", m)
			}
			tx, err := mm.Tx()
			if err != nil {
				return nil, fmt.Errorf("audit: %s %s must run in a transaction: %w", m.Op(), m.Type(), err)
			}
			v := viewer.FromContext(ctx) // authz.WriteHook has refused anonymous writers
			table := ent.TypeTables[m.Type()]
			client := mm.Client()
			// Reads for digests use a context without the GraphQL field context, so that
			// field collection cannot narrow the columns read.
			rctx := viewer.NewContext(context.Background(), v)
			var ids []int
			before := map[int]string{}
			if !m.Op().Is(ent.OpCreate) {
				if ids, err = mm.IDs(ctx); err != nil {
					return nil, err
				}
				for _, id := range ids {
					if before[id], err = RowDigest(rctx, client, table, id); err != nil {
						return nil, err
					}
				}
			}
			joinChanges, err := joinGroups(rctx, client, m, ids)
			if err != nil {
				return nil, err
			}
			value, err := next.Mutate(ctx, m)
			if err != nil {
				return nil, err
			}
			if m.Op().Is(ent.OpCreate) {
				id, ok := mm.ID()
				if !ok {
					return nil, fmt.Errorf("audit: created %s has no id", m.Type())
				}
				if err := recordJoins(rctx, tx, client, v, joinChanges, id); err != nil {
					return nil, err
				}
				if b := batchFrom(ctx); b != nil {
					b.defer_(tx, m.Type(), id)
					return value, nil
				}
				ids = []int{id}
			}
			action := "UPDATE"
			switch {
			case m.Op().Is(ent.OpCreate):
				action = "CREATE"
			case m.Op().Is(ent.OpDelete | ent.OpDeleteOne):
				action = "DELETE"
			}
			if !m.Op().Is(ent.OpCreate) {
				if err := recordJoins(rctx, tx, client, v, joinChanges, 0); err != nil {
					return nil, err
				}
			}
			for _, id := range ids {
				after := ""
				if action != "DELETE" {
					if after, err = RowDigest(rctx, client, table, id); err != nil {
						return nil, err
					}
				}
				if err := appendEvent(rctx, tx, v, action, m.Type(), id, before[id], after); err != nil {
					return nil, err
				}
			}
			return value, nil
		})
	}
}

// appendEvent chains one event to the tip of the trail.
func appendEvent(ctx context.Context, tx *ent.Tx, v *viewer.Viewer, action, typ string, id int, before, after string) error {
	seq, prev, err := chainTip(ctx, tx)
	if err != nil {
		return err
	}
	ev := &ent.AuditEvent{
		Seq: seq, At: time.Now().UTC().Truncate(time.Microsecond), Actor: v.Actor(), DepartmentCode: v.DepartmentCode,
		Action: action, EntityType: typ, EntityID: id, BeforeDigest: before, AfterDigest: after,
		Operation: v.Operation, PrevHash: prev,
	}
	ev.Hash = EventHash(ev)
	return tx.AuditEvent.Create().
		SetSeq(ev.Seq).SetAt(ev.At).SetActor(ev.Actor).SetDepartmentCode(ev.DepartmentCode).
		SetAction(ev.Action).SetEntityType(ev.EntityType).SetEntityID(ev.EntityID).
		SetBeforeDigest(ev.BeforeDigest).SetAfterDigest(ev.AfterDigest).SetOperation(ev.Operation).
		SetPrevHash(ev.PrevHash).SetHash(ev.Hash).
		Exec(context.WithValue(ctx, markerKey{}, true))
}

// chainTip locks the chain for this transaction (PostgreSQL; SQLite has one writer) and returns
// the next sequence number and the hash to link to. Store-opened transactions hold the lock
// since BEGIN (lock order: internal/store/writelock.go); taking it again is free and keeps
// transactions opened elsewhere correct.
func chainTip(ctx context.Context, tx *ent.Tx) (int64, string, error) {
	if tx.Dialect() == dialect.Postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", pgAuditLock); err != nil {
			return 0, "", err
		}
	}
	// The tip is the hub's, whoever writes: read it past the trail's row policy.
	sys := viewer.NewContext(ctx, viewer.NewSystem("audit/tip"))
	tip, err := tx.AuditEvent.Query().Order(ent.Desc(auditevent.FieldSeq)).First(sys)
	switch {
	case err == nil:
		return tip.Seq + 1, tip.Hash, nil
	case ent.IsNotFound(err):
		return 1, GenesisHash, nil
	}
	return 0, "", err
}

// EventHash is SHA-256 over the previous hash and the event's content, one field per line
// (eventHasher writes the lines).
func EventHash(e *ent.AuditEvent) string { return newEventHasher(e).hash(e) }

// RowDigest is SHA-256 over every column of one row, columns sorted by name, so that any change
// made around the hub — including to columns no API exposes — changes the digest.
func RowDigest(ctx context.Context, client *ent.Client, table string, id int) (string, error) {
	query, args := entsql.Dialect(client.Dialect()).Select("*").From(entsql.Table(table)).Where(entsql.EQ("id", id)).Query()
	rows, err := client.QueryContext(ctx, query, args...)
	if err != nil {
		return "", err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return "", err
	}
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return "", err
		}
		return "", nil // no such row
	}
	vals, err := scanRow(rows, len(cols))
	if err != nil {
		return "", err
	}
	return digestColumns(cols, vals), rows.Close()
}

type scanner interface{ Scan(dest ...any) error }

func scanRow(rows scanner, n int) ([]any, error) {
	vals := make([]any, n)
	ptrs := make([]any, n)
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	return vals, rows.Scan(ptrs...)
}

func toInt(v any) (int, error) {
	switch x := v.(type) {
	case int64:
		return int(x), nil
	case int:
		return x, nil
	case int32:
		return int(x), nil
	case []byte:
		return strconv.Atoi(string(x))
	case string:
		return strconv.Atoi(x)
	}
	return 0, fmt.Errorf("audit: unexpected id type %T", v)
}

// digestColumns is RowDigest's digest of one row's values (RowDigester writes the encoding).
func digestColumns(cols []string, vals []any) string { return NewRowDigester(cols).Digest(vals) }
