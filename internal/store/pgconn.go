package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/lib/pq"
)

// openPostgres opens a PostgreSQL pool whose connections send each statement with parameters
// in one round trip to the server. By default lib/pq takes two — Parse and Describe, then
// Bind and Execute once the parameter types are known — and a GraphQL request that runs ten
// statements one after the other waits for twenty. In lib/pq's binary-parameters mode
// (binary_parameters=yes, set here unless the URL sets it) it sends Parse, Bind, Execute at
// once, every parameter in text format except []byte ones, which go in binary format. That is
// right for bytea and text columns but not for jsonb, whose binary format starts with a
// version byte: ent hands JSON fields to the driver as json.RawMessage, so pgConn turns those
// into strings first (text format, parsed by jsonb_in). Raw SQL must not pass JSON for a
// jsonb column as a plain []byte either (TestPostgresParameters).
func openPostgres(dsn string) (*sql.DB, error) {
	dsn, unprepared := preparedStatementsOff(dsn)
	c, err := pq.NewConnector(withBinaryParameters(dsn))
	if err != nil {
		// A *url.Error quotes the whole URL, password included: keep only its reason.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return nil, fmt.Errorf("数据库地址无效（%s）: %w", redact(dsn), err)
	}
	return sql.OpenDB(pgConnector{c, unprepared}), nil
}

// withBinaryParameters adds binary_parameters=yes to a postgres:// URL that does not set it.
func withBinaryParameters(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return dsn // pq.NewConnector reports it
	}
	q := u.Query()
	if q.Has("binary_parameters") {
		return dsn
	}
	sep := "?"
	if strings.Contains(dsn, "?") {
		sep = "&"
	}
	return dsn + sep + "binary_parameters=yes"
}

type pgConnector struct {
	driver.Connector
	unprepared bool // prepared_statements=off (pgstmts.go)
}

func (c pgConnector) Connect(ctx context.Context) (driver.Conn, error) {
	cn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	pc, ok := cn.(pqConn)
	if !ok {
		cn.Close()
		return nil, fmt.Errorf("PostgreSQL 驱动连接（%T）缺少所需接口", cn)
	}
	return &pgConn{pqConn: pc, stmts: stmtCache{off: c.unprepared}}, nil
}

// pqConn is what a lib/pq connection implements and database/sql uses.
type pqConn interface {
	driver.Conn
	driver.ConnPrepareContext
	driver.ConnBeginTx
	driver.QueryerContext
	driver.ExecerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
	driver.NamedValueChecker
}

// pgConn is a lib/pq connection that sends json.RawMessage parameters as text and keeps the
// statements it runs again prepared (pgstmts.go).
type pgConn struct {
	pqConn
	stmts stmtCache
}

func (c *pgConn) CheckNamedValue(nv *driver.NamedValue) error {
	if j, ok := nv.Value.(json.RawMessage); ok {
		if j == nil {
			nv.Value = nil
		} else {
			nv.Value = string(j)
		}
		return nil
	}
	return c.pqConn.CheckNamedValue(nv)
}
