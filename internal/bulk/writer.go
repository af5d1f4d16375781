package bulk

import (
	"context"
	"database/sql"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"
)

// Execer runs raw SQL inside the caller's transaction (ent's Tx with the sql/execquery feature).
type Execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// Writer appends rows to one table inside a transaction, with the fastest means the
// transaction offers: PostgreSQL's COPY, or on SQLite a multi-row INSERT prepared once and
// reused; without a *sql.Tx (see SQLTx) it falls back to unprepared multi-row statements.
// Rows carry their ids when the caller needs them (see ReserveIDs), so nothing is returned.
//
// Values are string, int, int64, bool, time.Time (see Timestamp), or nil. On PostgreSQL, give
// jsonb values as string, never []byte (which would travel as bytea).
//
// While a COPY is open no other statement may run in the transaction: Close the writer first.
type Writer struct {
	ctx     context.Context
	dialect string
	table   string
	cols    []Column
	stx     *sql.Tx
	ex      Execer

	copy *sql.Stmt // PostgreSQL COPY in progress

	per    int       // rows per multi-row INSERT (SQLite) or per unnest batch (PostgreSQL fallback)
	stmt   *sql.Stmt // prepared INSERT of per rows (SQLite)
	args   []any     // pending rows, flattened
	n      int       // pending rows
	closed bool
}

// sqliteMaxVars is SQLite's default SQLITE_MAX_VARIABLE_NUMBER since 3.32.
const sqliteMaxVars = 32766

// NewWriter opens a writer for cols of table inside tx (an *ent.Tx, or anything SQLTx and
// Execer accept).
func NewWriter(ctx context.Context, tx Tx, table string, cols []Column) (*Writer, error) {
	w := &Writer{ctx: ctx, dialect: tx.Dialect(), table: table, cols: cols, stx: SQLTx(tx), ex: tx}
	if w.stx != nil {
		w.ex = w.stx
	}
	if w.dialect == dialect.Postgres {
		if w.stx != nil {
			names := make([]string, len(cols))
			for i, c := range cols {
				names[i] = c.Name
			}
			st, err := w.stx.PrepareContext(ctx, pq.CopyIn(table, names...))
			if err != nil {
				return nil, err
			}
			w.copy = st
			return w, nil
		}
		w.per = 5000
		return w, nil
	}
	// SQLite: 100–200 rows per statement is where a larger statement stops paying.
	w.per = min(200, sqliteMaxVars/len(cols))
	return w, nil
}

// Copying reports whether the writer streams with COPY.
func (w *Writer) Copying() bool { return w.copy != nil }

// Add appends one row (one value per column).
func (w *Writer) Add(vals ...any) error {
	if len(vals) != len(w.cols) {
		return fmt.Errorf("bulk: %d values for %d columns of %s", len(vals), len(w.cols), w.table)
	}
	if w.copy != nil {
		_, err := w.copy.ExecContext(w.ctx, vals...)
		return err
	}
	w.args = append(w.args, vals...)
	w.n++
	if w.n == w.per {
		return w.flush()
	}
	return nil
}

// Close writes what is pending and ends the COPY; the rows are in the table afterwards.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	if w.copy != nil {
		_, err := w.copy.ExecContext(w.ctx) // ends the COPY and reports its errors
		if cerr := w.copy.Close(); err == nil {
			err = cerr
		}
		return err
	}
	err := w.flush()
	if w.stmt != nil {
		if cerr := w.stmt.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// Abort drops the writer after an error (the transaction is being rolled back).
func (w *Writer) Abort() {
	if w.closed {
		return
	}
	w.closed = true
	if w.copy != nil {
		_ = w.copy.Close()
	}
	if w.stmt != nil {
		_ = w.stmt.Close()
	}
}

func (w *Writer) flush() error {
	if w.n == 0 {
		return nil
	}
	defer func() { w.args, w.n = w.args[:0], 0 }()
	if w.dialect == dialect.Postgres {
		query, args := unnestInsert(w.table, w.cols, w.args, w.n)
		_, err := w.ex.ExecContext(w.ctx, query, args...)
		return err
	}
	if w.n == w.per && w.stx != nil {
		if w.stmt == nil {
			st, err := w.stx.PrepareContext(w.ctx, valuesInsert(w.table, w.cols, w.per))
			if err != nil {
				return err
			}
			w.stmt = st
		}
		_, err := w.stmt.ExecContext(w.ctx, w.args...)
		return err
	}
	_, err := w.ex.ExecContext(w.ctx, valuesInsert(w.table, w.cols, w.n), w.args...)
	return err
}

// valuesInsert is INSERT INTO table (cols) VALUES (?, …), … for n rows (SQLite).
func valuesInsert(table string, cols []Column, n int) string {
	var b strings.Builder
	b.WriteString("INSERT INTO ")
	b.WriteString(strconv.Quote(table))
	b.WriteString(" (")
	for i, c := range cols {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(strconv.Quote(c.Name))
	}
	b.WriteString(") VALUES ")
	row := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ") + ")"
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(row)
	}
	return b.String()
}

// unnestInsert is INSERT … SELECT FROM unnest(arrays) for n rows of flattened args (PostgreSQL
// without COPY).
func unnestInsert(table string, cols []Column, flat []any, n int) (string, []any) {
	names := make([]string, len(cols))
	casts := make([]string, len(cols))
	args := make([]any, len(cols))
	for i, c := range cols {
		names[i] = strconv.Quote(c.Name)
		casts[i] = fmt.Sprintf("$%d::%s[]", i+1, c.PGType)
		vals := make([]sql.NullString, n)
		for j := 0; j < n; j++ {
			vals[j] = text(flat[j*len(cols)+i])
		}
		args[i] = pq.Array(vals)
	}
	query := fmt.Sprintf(`INSERT INTO %q (%s) SELECT %s FROM unnest(%s) AS u(%s)`,
		table, strings.Join(names, ", "), strings.Join(names, ", "), strings.Join(casts, ", "), strings.Join(names, ", "))
	return query, args
}

// ReserveIDs returns n new ids for table's identity column, in increasing order; insert them
// before reserving again. On PostgreSQL
// they come from the column's sequence (other sessions may take ids in between, never the
// same ones). On SQLite the transaction holds the database's write lock, so the ids after the
// largest ever used (AUTOINCREMENT's sqlite_sequence, or the largest id) are free; inserting
// them explicitly advances sqlite_sequence as an implicit id would.
func ReserveIDs(ctx context.Context, q Tx, table string, n int) ([]int, error) {
	if n == 0 {
		return nil, nil
	}
	ids := make([]int, 0, n)
	if q.Dialect() == dialect.Postgres {
		// The sequence is looked up first: pg_get_serial_sequence per row costs more than nextval.
		var seq string
		if err := ScanOne(ctx, q, &seq, `SELECT pg_get_serial_sequence($1, 'id')`, strconv.Quote(table)); err != nil {
			return nil, err
		}
		rows, err := q.QueryContext(ctx, `SELECT nextval($1::regclass) FROM generate_series(1, $2)`, seq, n)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		for rows.Next() {
			var id int
			if err := rows.Scan(&id); err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
		if len(ids) != n {
			return nil, fmt.Errorf("bulk: reserved %d ids of %s, want %d", len(ids), table, n)
		}
		sort.Ints(ids)
		return ids, nil
	}
	var last int
	if err := ScanOne(ctx, q, &last, fmt.Sprintf(`SELECT max(coalesce((SELECT seq FROM sqlite_sequence WHERE name = ?), 0), coalesce((SELECT max(id) FROM %q), 0))`, table), table); err != nil {
		return nil, err
	}
	for i := 1; i <= n; i++ {
		ids = append(ids, last+i)
	}
	return ids, nil
}

// ScanOne runs a query of one row and one column inside the caller's transaction.
func ScanOne(ctx context.Context, q Querier, dest any, query string, args ...any) error {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	if !rows.Next() {
		if err := rows.Err(); err != nil {
			return err
		}
		return sql.ErrNoRows
	}
	if err := rows.Scan(dest); err != nil {
		return err
	}
	return rows.Close()
}
