package store

import (
	"container/list"
	"context"
	"database/sql/driver"
	"net/url"
	"strconv"
)

// Prepared statements. A statement with parameters sent unnamed (lib/pq's binary-parameters
// mode, pgconn.go) is parsed and planned by the server every time: for the statements of a
// GraphQL read that is 0.1–0.3 ms of the server's time each, about as long as executing them
// (measured with log_min_duration_statement, issues 17 and 22). Each connection therefore keeps
// the statements it has run more than once prepared under a name of its own (lib/pq's Prepare),
// and runs them as Bind and Execute: one round trip, no parsing, a plan the server caches. A
// statement run only once — the owner queries that spell out their ids, say — is never prepared,
// so it never pays the extra round trip of preparing. At most preparedPerConn statements stay
// prepared on a connection; the least recently used is closed first.
//
// The cache is per connection and needs no lock: database/sql hands a connection to one
// goroutine at a time. A statement that fails is closed and forgotten, so that a statement
// whose plan a schema change invalidated ("cached plan must not change result type") is
// prepared afresh the next time; the failed call itself returns its error as an unprepared
// one would. A URL with prepared_statements=off (behind a connection pooler that does not keep
// a client's named statements on one server connection) turns the cache off.

const preparedPerConn = 256

// seenLimit bounds the statements remembered as run once; past it the memory starts over.
const seenLimit = 4096

type stmtCache struct {
	byQuery map[string]*list.Element // of *cachedStmt
	lru     list.List                // front: most recently used
	seen    map[string]struct{}      // run once, unprepared
	off     bool
}

type cachedStmt struct {
	query string
	st    driver.Stmt
}

// preparedStatementsOff reports whether a postgres:// URL turns prepared statements off, and
// returns the URL without the setting (lib/pq refuses settings it does not know).
func preparedStatementsOff(dsn string) (string, bool) {
	u, err := url.Parse(dsn)
	if err != nil || u.Scheme == "" {
		return dsn, false
	}
	q := u.Query()
	if !q.Has("prepared_statements") {
		return dsn, false
	}
	v := q.Get("prepared_statements")
	q.Del("prepared_statements")
	u.RawQuery = q.Encode()
	on, err := strconv.ParseBool(v)
	if err != nil {
		on = v != "off"
	}
	return u.String(), !on
}

// stmt returns the prepared statement of query on conn, preparing it if it was run before;
// nil when query is to run unprepared.
func (c *stmtCache) stmt(ctx context.Context, conn driver.ConnPrepareContext, query string) driver.Stmt {
	if c.off {
		return nil
	}
	if e, ok := c.byQuery[query]; ok {
		c.lru.MoveToFront(e)
		return e.Value.(*cachedStmt).st
	}
	if _, ok := c.seen[query]; !ok {
		if c.seen == nil || len(c.seen) >= seenLimit {
			c.seen = make(map[string]struct{})
		}
		c.seen[query] = struct{}{}
		return nil
	}
	st, err := conn.PrepareContext(ctx, query)
	if err != nil {
		return nil // run unprepared: its error, if any, is reported as such
	}
	delete(c.seen, query)
	if c.byQuery == nil {
		c.byQuery = make(map[string]*list.Element)
	}
	c.byQuery[query] = c.lru.PushFront(&cachedStmt{query: query, st: st})
	if c.lru.Len() > preparedPerConn {
		c.drop(c.lru.Back())
	}
	return st
}

// forget closes and forgets the prepared statement of query (after it failed).
func (c *stmtCache) forget(query string) {
	if e, ok := c.byQuery[query]; ok {
		c.drop(e)
	}
}

func (c *stmtCache) drop(e *list.Element) {
	cs := c.lru.Remove(e).(*cachedStmt)
	delete(c.byQuery, cs.query)
	cs.st.Close() //nolint:errcheck // a connection that cannot close it reports itself broken
}

// QueryContext runs a statement with parameters prepared once it has been run before.
func (c *pgConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if len(args) > 0 {
		if st := c.stmts.stmt(ctx, c.pqConn, query); st != nil {
			rows, err := st.(driver.StmtQueryContext).QueryContext(ctx, args)
			if err != nil {
				c.stmts.forget(query)
			}
			return rows, err
		}
	}
	return c.pqConn.QueryContext(ctx, query, args)
}

// ExecContext runs a statement with parameters prepared once it has been run before.
func (c *pgConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if len(args) > 0 {
		if st := c.stmts.stmt(ctx, c.pqConn, query); st != nil {
			res, err := st.(driver.StmtExecContext).ExecContext(ctx, args)
			if err != nil {
				c.stmts.forget(query)
			}
			return res, err
		}
	}
	return c.pqConn.ExecContext(ctx, query, args)
}

// Close closes the connection; its prepared statements go with it.
func (c *pgConn) Close() error {
	c.stmts = stmtCache{}
	return c.pqConn.Close()
}
