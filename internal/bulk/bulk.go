// Package bulk inserts many rows with one statement, for imports and the audit trail's batch
// mode. On PostgreSQL the rows travel as one array per column and are expanded with unnest —
// a statement with a handful of parameters instead of tens of thousands, which the server plans
// once; on SQLite they are a multi-row VALUES list.
package bulk

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/lib/pq"
)

// Column is a column to insert and its PostgreSQL type (for the array cast).
type Column struct {
	Name   string
	PGType string // e.g. "text", "bigint", "boolean", "timestamptz", "jsonb", "character varying"
}

// Querier runs raw SQL inside the caller's transaction (ent's Tx with the sql/execquery feature).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// Tx is what the writers need of a transaction (an *ent.Tx): statements, and the SQL dialect
// of its driver, so that no caller passes the dialect along.
type Tx interface {
	Querier
	Execer
	Dialect() string
}

// Insert inserts rows (each a value per column: string, int, int64, bool, time.Time, or nil)
// into table and returns the generated ids in row order.
func Insert(ctx context.Context, q Tx, table string, cols []Column, rows [][]any) ([]int, error) {
	if len(rows) == 0 {
		return nil, nil
	}
	var (
		query string
		args  []any
	)
	if q.Dialect() == dialect.Postgres {
		names := make([]string, len(cols))
		casts := make([]string, len(cols))
		args = make([]any, len(cols))
		for i, c := range cols {
			names[i] = strconv.Quote(c.Name)
			casts[i] = fmt.Sprintf("$%d::%s[]", i+1, c.PGType)
			vals := make([]sql.NullString, len(rows))
			for j, r := range rows {
				vals[j] = text(r[i])
			}
			args[i] = pq.Array(vals)
		}
		query = fmt.Sprintf(`INSERT INTO %q (%s) SELECT %s FROM unnest(%s) AS u(%s) RETURNING "id"`,
			table, strings.Join(names, ", "), strings.Join(names, ", "), strings.Join(casts, ", "), strings.Join(names, ", "))
	} else {
		names := make([]string, len(cols))
		for i, c := range cols {
			names[i] = c.Name
		}
		ins := entsql.Dialect(q.Dialect()).Insert(table).Columns(names...).Returning("id")
		for _, r := range rows {
			ins.Values(r...)
		}
		query, args = ins.Query()
	}
	res, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer res.Close()
	ids := make([]int, 0, len(rows))
	for res.Next() {
		var id int
		if err := res.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := res.Err(); err != nil {
		return nil, err
	}
	// Ids are assigned in insertion order, which is row order; RETURNING's own order is not
	// promised by either database, so sort.
	sort.Ints(ids)
	if len(ids) != len(rows) {
		return nil, fmt.Errorf("bulk: inserted %d rows into %s, got %d ids", len(rows), table, len(ids))
	}
	return ids, nil
}

// text renders a value as PostgreSQL's text input for an array element.
func text(v any) sql.NullString {
	switch x := v.(type) {
	case nil:
		return sql.NullString{}
	case string:
		return sql.NullString{String: x, Valid: true}
	case *string:
		if x == nil {
			return sql.NullString{}
		}
		return sql.NullString{String: *x, Valid: true}
	case int:
		return sql.NullString{String: strconv.Itoa(x), Valid: true}
	case int64:
		return sql.NullString{String: strconv.FormatInt(x, 10), Valid: true}
	case bool:
		return sql.NullString{String: strconv.FormatBool(x), Valid: true}
	case time.Time:
		return sql.NullString{String: x.Format(time.RFC3339Nano), Valid: true}
	case *time.Time:
		if x == nil {
			return sql.NullString{}
		}
		return sql.NullString{String: x.Format(time.RFC3339Nano), Valid: true}
	}
	return sql.NullString{String: fmt.Sprint(v), Valid: true}
}
