package audit

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"sort"
	"strconv"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/viewer"
)

// A bulk path that knows exactly what it inserted can skip reading the rows back: it digests
// the values as the database driver will return them (RowDigester), and appends the events
// with AppendCreated. The digest must be byte-identical to RowDigest's of the stored row, which
// Verify recomputes; the caller owns that equivalence (the importer's tests compare the two
// for every column kind on both databases).

// RowDigester is the one encoding of a row for its digest: "column=value\n" for every column,
// columns sorted by name, values canonical (appendCanonical); RowDigest uses it on the stored
// row and a bulk path on the values in memory. Give each value as the
// driver scans it into an any: on PostgreSQL (lib/pq) int64, bool, time.Time, string for text
// columns and []byte for jsonb; on SQLite (modernc) int64 for integers and booleans, time.Time
// for datetime columns, string for text and JSON written as text; nil for NULL.
type RowDigester struct {
	cols  []string
	order []int // column indexes sorted by name
	buf   []byte
}

// NewRowDigester prepares digests of rows with these columns (every column of the table, as
// SELECT * returns them).
func NewRowDigester(cols []string) *RowDigester {
	d := &RowDigester{cols: cols, order: make([]int, len(cols))}
	for i := range d.order {
		d.order[i] = i
	}
	sort.Slice(d.order, func(a, b int) bool { return cols[d.order[a]] < cols[d.order[b]] })
	return d
}

// Digest returns the digest of one row (values in the order of the columns). Not safe for
// concurrent use.
func (d *RowDigester) Digest(vals []any) string {
	b := d.buf[:0]
	for _, i := range d.order {
		b = append(b, d.cols[i]...)
		b = append(b, '=')
		b = appendCanonical(b, vals[i])
		b = append(b, '\n')
	}
	d.buf = b
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// appendCanonical appends the canonical form of a column value: NUL "null" for NULL, a Go-quoted
// string, "x" and lowercase hex for bytes, RFC 3339 (nanoseconds, UTC) for a time, decimal for an
// integer, true/false, and fmt's default form for anything else.
func appendCanonical(b []byte, v any) []byte {
	switch x := v.(type) {
	case nil:
		return append(b, "\x00null"...)
	case string:
		return strconv.AppendQuote(b, x)
	case []byte:
		b = append(b, 'x')
		return hex.AppendEncode(b, x)
	case time.Time:
		return x.UTC().AppendFormat(b, time.RFC3339Nano)
	case int64:
		return strconv.AppendInt(b, x, 10)
	case int:
		return strconv.AppendInt(b, int64(x), 10)
	case bool:
		return strconv.AppendBool(b, x)
	}
	return fmt.Append(b, v)
}

// Columns returns the columns of table in the order SELECT * returns them.
func Columns(ctx context.Context, tx *ent.Tx, table string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, fmt.Sprintf("SELECT * FROM %q WHERE 1 = 0", table))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	return rows.Columns()
}

// CreatedRow is a row a bulk path inserted, with its digest.
type CreatedRow struct {
	ID     int
	Digest string
}

// AppendCreated appends one CREATE event per row to the chain, in order, after any events
// pending in batch mode. It needs batch mode (WithBatch), like Created.
func AppendCreated(ctx context.Context, tx *ent.Tx, typ string, rows []CreatedRow) error {
	b := batchFrom(ctx)
	if b == nil {
		return fmt.Errorf("audit: bulk insert of %s outside batch mode", typ)
	}
	if len(rows) == 0 {
		return nil
	}
	if err := b.flush(ctx, tx); err != nil {
		return err
	}
	return appendBulk(ctx, tx, viewer.FromContext(ctx), "CREATE", typ, rows)
}

// eventHasher is the one encoding of an event for its hash (EventHash): the tag ssgk-audit/v1,
// then previous hash, seq, time (RFC 3339, nanoseconds, UTC), actor, department, action, entity
// type and id, before and after digests and operation, each followed by "\n". A bulk path reuses
// one for events of the same time, formatting the time once.
type eventHasher struct {
	at  string
	buf []byte
}

func newEventHasher(e *ent.AuditEvent) *eventHasher {
	return &eventHasher{at: e.At.UTC().Format(time.RFC3339Nano)}
}

// hash returns the hash of e, whose time must be the one h was made for.
func (h *eventHasher) hash(e *ent.AuditEvent) string {
	b := append(h.buf[:0], "ssgk-audit/v1\n"...)
	b = append(append(b, e.PrevHash...), '\n')
	b = append(strconv.AppendInt(b, e.Seq, 10), '\n')
	b = append(append(b, h.at...), '\n')
	b = append(append(b, e.Actor...), '\n')
	b = append(append(b, e.DepartmentCode...), '\n')
	b = append(append(b, e.Action...), '\n')
	b = append(append(b, e.EntityType...), '\n')
	b = append(strconv.AppendInt(b, int64(e.EntityID), 10), '\n')
	b = append(append(b, e.BeforeDigest...), '\n')
	b = append(append(b, e.AfterDigest...), '\n')
	b = append(append(b, e.Operation...), '\n')
	h.buf = b
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}
