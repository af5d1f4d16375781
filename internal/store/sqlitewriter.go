package store

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/txn"
)

// The SQLite write path of a multi-user hub (issue 25).
//
// SQLite has one writer at a time. The hub used to give ent one pool of eight connections and
// let them race for the write lock in SQLite's busy handler (BEGIN IMMEDIATE, busy_timeout):
// during an import longer than the busy timeout every other mutation failed with SQLITE_BUSY,
// and the writers waiting in the busy loop held every pooled connection, so reads queued
// behind them. Now (sqliteDriver):
//
//   - Every transaction ent begins, and every statement outside a transaction that is not a
//     plain read, runs on one writer connection (a *sql.DB of one connection, BEGIN IMMEDIATE),
//     which a transaction takes at its first statement (writerTx) and keeps to its end.
//     Writers queue for it in Go (writeQueue), each waiting on its own context — the request's
//     deadline — never in SQLite's busy loop; the busy timeout only still matters against
//     another process holding the lock (an operator command beside the server).
//   - Reads outside a transaction (SELECT, WITH) run on a separate pool of read-only
//     connections (query_only): in WAL mode they read the last committed state without ever
//     waiting for the writer, and a write sent there by mistake fails loudly instead of
//     bypassing the queue.
//   - Reads inside a transaction — ent's hooks and policies, the importer's lookups — go through
//     the transaction, on the writer, and see its own uncommitted writes.
//   - Bulk writers (an import's write transaction, txn.WithBulk) queue behind interactive ones:
//     when the writer is released, a waiting interactive transaction goes first, so a mutation
//     waits for at most the one bulk transaction in progress (its bound: docs/operations.md,
//     "SQLite: one writer") and never for a queue of imports.
//
// Raw SQL through DB.SQL (migrations, backups, the health check, aggregates, tests) uses a third
// small pool of ordinary connections, outside the queue.

// readerConns is the size of the read pool.
const readerConns = 8

// DefaultWriterWait bounds a writer's wait in the queue when its context has no deadline (an
// operator command); requests carry their own deadline (WRITE_TIMEOUT).
const DefaultWriterWait = 5 * time.Minute

// writeQueue hands the one writer connection to one transaction at a time: interactive waiters
// first, in arrival order, then bulk waiters in arrival order.
type writeQueue struct {
	mu      sync.Mutex
	busy    bool
	hi, lo  []chan struct{}
	maxWait time.Duration
	granted int64 // times the writer was handed over
}

// acquire waits for the writer; the returned function releases it (idempotent).
func (q *writeQueue) acquire(ctx context.Context, bulk bool) (func(), error) {
	q.mu.Lock()
	if !q.busy && len(q.hi) == 0 && (len(q.lo) == 0 || !bulk) {
		q.busy = true
		q.granted++
		q.mu.Unlock()
		return q.releaser(), nil
	}
	ch := make(chan struct{})
	if bulk {
		q.lo = append(q.lo, ch)
	} else {
		q.hi = append(q.hi, ch)
	}
	q.mu.Unlock()

	var timeout <-chan time.Time
	if _, ok := ctx.Deadline(); !ok && q.maxWait > 0 {
		t := time.NewTimer(q.maxWait)
		defer t.Stop()
		timeout = t.C
	}
	var err error
	select {
	case <-ch:
		return q.releaser(), nil
	case <-ctx.Done():
		err = ctx.Err()
	case <-timeout:
		err = apperr.New(apperr.Busy, "数据库正忙（其他修改正在写入），本次请求未保存任何内容，请稍后重试")
	}
	q.mu.Lock()
	if q.remove(ch) {
		q.mu.Unlock()
		return nil, err
	}
	q.mu.Unlock()
	// Granted while giving up: pass the writer on.
	q.releaser()()
	return nil, err
}

func (q *writeQueue) remove(ch chan struct{}) bool {
	for _, l := range []*[]chan struct{}{&q.hi, &q.lo} {
		for i, c := range *l {
			if c == ch {
				*l = append((*l)[:i], (*l)[i+1:]...)
				return true
			}
		}
	}
	return false
}

func (q *writeQueue) releaser() func() {
	var once sync.Once
	return func() { once.Do(q.release) }
}

// release hands the writer to the next waiter, interactive first.
func (q *writeQueue) release() {
	q.mu.Lock()
	defer q.mu.Unlock()
	var next chan struct{}
	switch {
	case len(q.hi) > 0:
		next, q.hi = q.hi[0], q.hi[1:]
	case len(q.lo) > 0:
		next, q.lo = q.lo[0], q.lo[1:]
	default:
		q.busy = false
		return
	}
	q.granted++
	close(next) // busy stays true: the writer passes straight to next
}

// WriterQueue is a snapshot of the SQLite writer queue (DB.WriterQueue).
type WriterQueue struct {
	Held        bool  // a transaction or statement has the writer
	Waiting     int   // interactive writers waiting for it
	BulkWaiting int   // bulk writers (imports) waiting for it
	Granted     int64 // times the writer was handed over since Open
}

func (q *writeQueue) snapshot() WriterQueue {
	q.mu.Lock()
	defer q.mu.Unlock()
	return WriterQueue{Held: q.busy, Waiting: len(q.hi), BulkWaiting: len(q.lo), Granted: q.granted}
}

// WriterQueue reports the state of the SQLite writer queue; the zero value on PostgreSQL.
func (db *DB) WriterQueue() WriterQueue {
	if db.writer == nil {
		return WriterQueue{}
	}
	return db.writer.snapshot()
}

// sqliteDriver is ent's driver on SQLite: one queued writer connection, a read-only pool.
type sqliteDriver struct {
	w, r *entsql.Driver
	q    *writeQueue
}

var _ dialect.Driver = (*sqliteDriver)(nil)

func newSQLiteDriver(writer, reader *sql.DB, maxWait time.Duration) *sqliteDriver {
	return &sqliteDriver{
		w: entsql.OpenDB(dialect.SQLite, writer),
		r: entsql.OpenDB(dialect.SQLite, reader),
		q: &writeQueue{maxWait: maxWait},
	}
}

// Dialect implements dialect.Driver.
func (d *sqliteDriver) Dialect() string { return dialect.SQLite }

// Close closes both pools.
func (d *sqliteDriver) Close() error { return errors.Join(d.r.Close(), d.w.Close()) }

// Exec runs a statement outside a transaction on the writer.
func (d *sqliteDriver) Exec(ctx context.Context, query string, args, v any) error {
	release, err := d.q.acquire(ctx, txn.IsBulk(ctx))
	if err != nil {
		return err
	}
	defer release()
	return d.w.Exec(ctx, query, args, v)
}

// Query runs a read on the read pool, anything else (INSERT … RETURNING) on the writer.
func (d *sqliteDriver) Query(ctx context.Context, query string, args, v any) error {
	if isRead(query) {
		return d.r.Query(ctx, query, args, v)
	}
	release, err := d.q.acquire(ctx, txn.IsBulk(ctx))
	if err != nil {
		return err
	}
	// The writer pool has one connection: until the rows are closed, the next writer waits for
	// it in database/sql (on its context), so releasing the queue now is safe.
	defer release()
	return d.w.Query(ctx, query, args, v)
}

// ExecContext is Exec for ent's raw SQL (sql/execquery).
func (d *sqliteDriver) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	release, err := d.q.acquire(ctx, txn.IsBulk(ctx))
	if err != nil {
		return nil, err
	}
	defer release()
	return d.w.ExecContext(ctx, query, args...)
}

// QueryContext is Query for ent's raw SQL (sql/execquery).
func (d *sqliteDriver) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if isRead(query) {
		return d.r.QueryContext(ctx, query, args...)
	}
	release, err := d.q.acquire(ctx, txn.IsBulk(ctx))
	if err != nil {
		return nil, err
	}
	defer release()
	return d.w.QueryContext(ctx, query, args...)
}

// Tx begins a transaction on the writer.
func (d *sqliteDriver) Tx(ctx context.Context) (dialect.Tx, error) { return d.BeginTx(ctx, nil) }

// BeginTx returns a transaction on the writer that takes the writer — waits in the queue, then
// BEGIN IMMEDIATE — at its first statement, not now: a GraphQL mutation's transaction is opened
// before its resolver runs, and an import validates its whole file (reading the file and
// the code tables through the read pool) before it writes anything; the writer is held only
// from the first statement to the commit. A read-only transaction runs on the read pool.
func (d *sqliteDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	if opts != nil && opts.ReadOnly {
		return d.r.BeginTx(ctx, &sql.TxOptions{Isolation: opts.Isolation})
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return &writerTx{d: d, ctx: ctx, opts: opts}, nil
}

// writerTx is a transaction on the writer, begun at its first statement; ending it releases
// the writer. Its embedded *entsql.Tx (field Tx) keeps bulk.SQLTx's path to the *sql.Tx.
type writerTx struct {
	*entsql.Tx // nil until the first statement

	d    *sqliteDriver
	ctx  context.Context // the transaction's context (database/sql rolls back when it ends)
	opts *sql.TxOptions

	mu      sync.Mutex
	err     error // the failure to begin, returned by every later statement
	ended   bool
	release func()
}

// begin takes the writer and begins the transaction, once; ctx is the first statement's (a
// bulk marker on it or on the transaction's context queues it as bulk).
func (t *writerTx) begin(ctx context.Context) (*entsql.Tx, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.Tx != nil || t.err != nil {
		return t.Tx, t.err
	}
	if t.ended {
		return nil, sql.ErrTxDone
	}
	// Wait until either context ends: the transaction's (a request's deadline) or the
	// statement's.
	wctx, cancel := context.WithCancel(t.ctx)
	defer cancel()
	defer context.AfterFunc(ctx, cancel)()
	if _, ok := wctx.Deadline(); !ok {
		if d, ok := ctx.Deadline(); ok {
			var c2 context.CancelFunc
			wctx, c2 = context.WithDeadline(wctx, d)
			defer c2()
		}
	}
	release, err := t.d.q.acquire(wctx, txn.IsBulk(t.ctx) || txn.IsBulk(ctx))
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		t.err = err
		return nil, err
	}
	tx, err := t.d.w.BeginTx(t.ctx, t.opts)
	if err != nil {
		release()
		t.err = err
		return nil, err
	}
	// database/sql rolls a transaction back when its context ends; the queue follows it, so a
	// transaction its caller abandons cannot keep the writer.
	stop := context.AfterFunc(t.ctx, release)
	t.Tx, t.release = tx.(*entsql.Tx), func() { stop(); release() }
	return t.Tx, nil
}

// Exec implements dialect.ExecQuerier.
func (t *writerTx) Exec(ctx context.Context, query string, args, v any) error {
	tx, err := t.begin(ctx)
	if err != nil {
		return err
	}
	return tx.Exec(ctx, query, args, v)
}

// Query implements dialect.ExecQuerier.
func (t *writerTx) Query(ctx context.Context, query string, args, v any) error {
	tx, err := t.begin(ctx)
	if err != nil {
		return err
	}
	return tx.Query(ctx, query, args, v)
}

// ExecContext is ent's raw SQL in the transaction (sql/execquery).
func (t *writerTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	tx, err := t.begin(ctx)
	if err != nil {
		return nil, err
	}
	return tx.ExecContext(ctx, query, args...)
}

// QueryContext is ent's raw SQL in the transaction (sql/execquery).
func (t *writerTx) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	tx, err := t.begin(ctx)
	if err != nil {
		return nil, err
	}
	return tx.QueryContext(ctx, query, args...)
}

// end ends the transaction with fn (Commit or Rollback) and releases the writer; a transaction
// that ran no statement has nothing to end.
func (t *writerTx) end(fn func(*entsql.Tx) error) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.ended {
		return sql.ErrTxDone
	}
	t.ended = true
	if t.Tx == nil {
		return nil
	}
	defer t.release()
	return fn(t.Tx)
}

// Commit commits and releases the writer.
func (t *writerTx) Commit() error { return t.end(func(tx *entsql.Tx) error { return tx.Commit() }) }

// Rollback rolls back and releases the writer.
func (t *writerTx) Rollback() error {
	return t.end(func(tx *entsql.Tx) error { return tx.Rollback() })
}

// isRead reports whether a statement outside a transaction is a plain read: it starts (after
// blanks and comments) with SELECT, WITH, VALUES or EXPLAIN. A WITH … INSERT would reach the
// read-only pool and fail there (SQLITE_READONLY), never write past the queue.
func isRead(query string) bool {
	s := query
	for {
		s = strings.TrimLeftFunc(s, unicode.IsSpace)
		switch {
		case strings.HasPrefix(s, "--"):
			if i := strings.IndexByte(s, '\n'); i >= 0 {
				s = s[i+1:]
				continue
			}
			return false
		case strings.HasPrefix(s, "/*"):
			if i := strings.Index(s, "*/"); i >= 0 {
				s = s[i+2:]
				continue
			}
			return false
		}
		break
	}
	end := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsLetter(r) })
	if end < 0 {
		end = len(s)
	}
	switch strings.ToUpper(s[:end]) {
	case "SELECT", "WITH", "VALUES", "EXPLAIN":
		return true
	}
	return false
}

// openSQLiteDriver opens the writer (one connection) and the read pool (query_only) on the
// database at path.
func openSQLiteDriver(path string, opt Options) (*sqliteDriver, error) {
	busy := opt.BusyTimeout
	if busy <= 0 {
		busy = DefaultBusyTimeout
	}
	writer, err := openSQLite(sqliteDSN(path, busy))
	if err != nil {
		return nil, err
	}
	writer.SetMaxOpenConns(1)
	writer.SetMaxIdleConns(1)
	writer.SetConnMaxIdleTime(0)
	writer.SetConnMaxLifetime(0)
	reader, err := openSQLite(sqliteReadDSN(path, busy))
	if err != nil {
		writer.Close()
		return nil, err
	}
	reader.SetMaxOpenConns(readerConns)
	reader.SetMaxIdleConns(readerConns)
	wait := opt.WriterWait
	if wait <= 0 {
		wait = DefaultWriterWait
	}
	return newSQLiteDriver(writer, reader, wait), nil
}

// sqliteReadDSN is sqliteDSN for the read pool: deferred transactions, query_only.
func sqliteReadDSN(path string, busy time.Duration) string {
	return strings.Replace(sqliteDSN(path, busy), "&_txlock=immediate", "", 1) + "&_pragma=query_only(1)"
}
