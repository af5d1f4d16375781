// Package store opens the hub's database — embedded SQLite by default, PostgreSQL when a
// postgres:// URL is given — builds its ent driver and applies the versioned migrations. It
// knows no workflow: the hooks, interceptors and triggers of the domain packages are installed
// by the composition root, internal/hub, which alone builds the ent client.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	_ "modernc.org/sqlite" // pure-Go SQLite driver
)

// DB is an open hub database: its connection pool and the ent driver over it. The ent client
// is built over Driver by internal/hub, with every rule installed.
type DB struct {
	SQL     *sql.DB
	Driver  dialect.Driver // the ent driver (write lock on PostgreSQL, Options.Driver applied)
	Dialect string         // dialect.SQLite or dialect.Postgres
	DataDir string         // evidence files live under DataDir/evidence
	// Cluster: the other hubs and the read-only standby (cluster.go); nil for a standby's DB.
	Cluster *Cluster

	writer *writeQueue // SQLite: the queue for the one writer connection (sqlitewriter.go)
}

// Close closes the database.
func (db *DB) Close() error {
	err := errors.Join(db.Cluster.close(), db.Driver.Close())
	if db.Dialect == dialect.SQLite {
		// On SQLite ent has pools of its own (sqlitewriter.go); DB.SQL is a third.
		err = errors.Join(err, db.SQL.Close())
	}
	return err
}

// Options configure Open.
type Options struct {
	// DatabaseURL is a postgres:// URL; empty means SQLite at DataDir/ssgk.db.
	DatabaseURL string
	// DataDir holds the SQLite database (and evidence files); created when missing.
	DataDir string
	// Driver, if set, wraps the ent driver (tests count statements with it).
	Driver func(dialect.Driver) dialect.Driver
	// BusyTimeout is how long a SQLite writer waits for the write lock held by another process
	// before the request fails with BUSY; 0 means DefaultBusyTimeout. Tests shorten it. Writers
	// of this process queue for the one writer connection instead (sqlitewriter.go).
	BusyTimeout time.Duration
	// WriterWait bounds a SQLite writer's wait in the queue when its context has no deadline;
	// 0 means DefaultWriterWait.
	WriterWait time.Duration
	// ReadURL is DATABASE_READ_URL: a postgres:// URL of a streaming standby that read-only
	// traffic goes to (hub.Reads); empty means the primary serves all reads.
	ReadURL string
}

// DefaultBusyTimeout is SQLite's wait for the write lock.
const DefaultBusyTimeout = 10 * time.Second

// DialectOf is the SQL dialect of a DATABASE_URL — the one place it is read from the URL:
// dialect.Postgres for postgres:// and postgresql://, dialect.SQLite for an empty URL (ssgk.db in
// the data directory) or a sqlite: or file: one; anything else is refused.
func DialectOf(url string) (string, error) {
	switch {
	case strings.HasPrefix(url, "postgres://"), strings.HasPrefix(url, "postgresql://"):
		return dialect.Postgres, nil
	case url == "" || strings.HasPrefix(url, "sqlite:") || strings.HasPrefix(url, "file:"):
		return dialect.SQLite, nil
	}
	return "", fmt.Errorf("不支持的数据库地址 %q：请使用 postgres://… 或留空使用内置 SQLite", redact(url))
}

// Open opens the database and builds its ent driver; it does not migrate (Migrate).
func Open(ctx context.Context, opt Options) (*DB, error) {
	var (
		sqlDB      *sql.DB
		name       string
		err        error
		sqlitePath string
		writer     *writeQueue
	)
	if name, err = DialectOf(opt.DatabaseURL); err != nil {
		return nil, err
	}
	switch name {
	case dialect.Postgres:
		if sqlDB, err = openPostgres(opt.DatabaseURL); err != nil {
			return nil, err
		}
		// As many idle as open: a burst of requests that needed them all does not close half
		// and open new sessions for the next one (issue 22: 140 new sessions in 5 s at c=32).
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(20)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	default: // dialect.SQLite
		path := strings.TrimPrefix(strings.TrimPrefix(opt.DatabaseURL, "sqlite:"), "file:")
		if path == "" {
			dir := opt.DataDir
			if dir == "" {
				dir = "data"
			}
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("创建数据目录 %s 失败: %w", dir, err)
			}
			path = filepath.Join(dir, "ssgk.db")
		}
		busy := opt.BusyTimeout
		if busy <= 0 {
			busy = DefaultBusyTimeout
		}
		if sqlDB, err = openSQLite(sqliteDSN(path, busy)); err != nil {
			return nil, err
		}
		// WAL lets readers run beside the one writer; BEGIN IMMEDIATE (_txlock) makes a
		// writer wait for the lock up front instead of failing with SQLITE_BUSY mid-transaction.
		// This pool serves raw SQL (DB.SQL: migrations, backups, aggregates); ent gets one
		// queued writer connection and a read-only pool (sqlitewriter.go), opened below.
		sqlDB.SetMaxOpenConns(4)
		sqlitePath = path
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("连接数据库失败（%s）: %w", redact(opt.DatabaseURL), err)
	}
	var drv dialect.Driver = entsql.OpenDB(name, sqlDB)
	if name == dialect.Postgres {
		// One lock order for every writer: the write lock first (writelock.go).
		drv = writeLockDriver{Driver: drv.(*entsql.Driver)}
	} else {
		// One queued writer connection and a read-only pool (sqlitewriter.go).
		sd, err := openSQLiteDriver(sqlitePath, opt)
		if err != nil {
			sqlDB.Close()
			return nil, err
		}
		drv = sd
		writer = sd.q
	}
	if opt.Driver != nil {
		drv = opt.Driver(drv)
	}
	dataDir := opt.DataDir
	if dataDir == "" {
		dataDir = "data"
	}
	db := &DB{SQL: sqlDB, Driver: drv, Dialect: name, DataDir: dataDir, writer: writer}
	if db.Cluster, err = newCluster(ctx, name, opt); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// sqliteDSN: times are written as "2006-01-02 15:04:05.999999999-07:00" (_time_format=sqlite),
// which the driver reads back whatever the zone; its default, time.String(), cannot be read back
// for a zone without a name — such as the times GraphQL clients send.
func sqliteDSN(path string, busy time.Duration) string {
	return "file:" + path + "?_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=busy_timeout(" + fmt.Sprint(busy.Milliseconds()) +
		")&_pragma=synchronous(NORMAL)&_txlock=immediate&_time_format=sqlite"
}

// redact hides the password of a database URL for logs and messages.
func redact(u string) string {
	if i := strings.Index(u, "://"); i >= 0 {
		if j := strings.Index(u[i+3:], "@"); j >= 0 {
			cred := u[i+3 : i+3+j]
			if k := strings.Index(cred, ":"); k >= 0 {
				return u[:i+3] + cred[:k] + ":***" + u[i+3+j:]
			}
		}
	}
	return u
}

// Redact is redact for callers that log database URLs.
func Redact(u string) string { return redact(u) }
