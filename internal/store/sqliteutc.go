package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"time"

	_ "modernc.org/sqlite" // pure-Go SQLite driver
)

// SQLite keeps times as text, and compares them as text: "2026-12-31 16:00:00+00:00" sorts
// after "2027-01-01 00:00:00+08:00", the same instant. So that every comparison of times (a
// grant's expiry, a deadline, a window) compares instants, every time the hub writes is written
// in UTC: the connections are wrapped (utcConn) to convert each time argument of every
// statement — ent's, the importer's bulk inserts, raw SQL alike — before the driver formats it.
// Rows written before this rule are rewritten by the migration utc_times.

// openSQLite opens the database at dsn through the UTC-writing connector.
func openSQLite(dsn string) (*sql.DB, error) {
	probe, err := sql.Open("sqlite", dsn) // only to get modernc's driver
	if err != nil {
		return nil, err
	}
	base := probe.Driver()
	if err := probe.Close(); err != nil {
		return nil, err
	}
	return sql.OpenDB(utcConnector{dsn: dsn, base: base}), nil
}

type utcConnector struct {
	dsn  string
	base driver.Driver
}

func (c utcConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.base.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	return &utcConn{Conn: conn}, nil
}

func (c utcConnector) Driver() driver.Driver { return c.base }

// utcConn is a SQLite connection that writes every time argument in UTC.
type utcConn struct{ driver.Conn }

// CheckNamedValue implements driver.NamedValueChecker: database/sql converts every argument
// through it, for statements run on the connection and prepared on it alike.
func (c *utcConn) CheckNamedValue(nv *driver.NamedValue) error {
	switch v := nv.Value.(type) {
	case time.Time:
		nv.Value = v.UTC()
		return nil
	case *time.Time:
		if v != nil {
			nv.Value = v.UTC()
			return nil
		}
	}
	return driver.ErrSkip
}

var errNotSupported = errors.New("store: the SQLite connection does not support this operation")

func (c *utcConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if e, ok := c.Conn.(driver.ExecerContext); ok {
		return e.ExecContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c *utcConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if q, ok := c.Conn.(driver.QueryerContext); ok {
		return q.QueryContext(ctx, query, args)
	}
	return nil, driver.ErrSkip
}

func (c *utcConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, query)
	}
	return c.Conn.Prepare(query)
}

func (c *utcConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return nil, errNotSupported
}

func (c *utcConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *utcConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *utcConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}
