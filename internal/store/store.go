// Package store opens the hub's database — embedded SQLite by default, PostgreSQL when a
// postgres:// URL is given — applies the versioned migrations and installs the hooks every
// client must have (the audit trail).
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

	"github.com/ssgk/ssgk/ent"
	_ "github.com/ssgk/ssgk/ent/runtime" // schema defaults, validators and policies
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/drawing"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/plans"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/sharing"
)

// DB is an open hub database.
type DB struct {
	Client  *ent.Client
	SQL     *sql.DB
	Dialect string // dialect.SQLite or dialect.Postgres
	DataDir string // evidence files live under DataDir/evidence
	// Owners caches the owning departments of targets across reads; see sharing.OwnerCache.
	Owners *sharing.OwnerCache

	writer *writeQueue // SQLite: the queue for the one writer connection (sqlitewriter.go)
}

// ownerCacheSize bounds the owners cache: about 80 bytes a target.
const ownerCacheSize = 200_000

// Close closes the database.
func (db *DB) Close() error {
	err := db.Client.Close()
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
	// SkipMigrate opens without applying migrations (tests of the migration path).
	SkipMigrate bool
	// BusyTimeout is how long a SQLite writer waits for the write lock held by another process
	// before the request fails with BUSY; 0 means DefaultBusyTimeout. Tests shorten it. Writers
	// of this process queue for the one writer connection instead (sqlitewriter.go).
	BusyTimeout time.Duration
	// WriterWait bounds a SQLite writer's wait in the queue when its context has no deadline;
	// 0 means DefaultWriterWait.
	WriterWait time.Duration
}

// DefaultBusyTimeout is SQLite's wait for the write lock.
const DefaultBusyTimeout = 10 * time.Second

// Open opens and migrates the database and installs the audit hook.
func Open(ctx context.Context, opt Options) (*DB, error) {
	var (
		sqlDB      *sql.DB
		name       string
		err        error
		sqlitePath string
		writer     *writeQueue
	)
	switch {
	case strings.HasPrefix(opt.DatabaseURL, "postgres://"), strings.HasPrefix(opt.DatabaseURL, "postgresql://"):
		name = dialect.Postgres
		if sqlDB, err = openPostgres(opt.DatabaseURL); err != nil {
			return nil, err
		}
		sqlDB.SetMaxOpenConns(20)
		sqlDB.SetMaxIdleConns(10)
		sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	case opt.DatabaseURL == "" || strings.HasPrefix(opt.DatabaseURL, "sqlite:") || strings.HasPrefix(opt.DatabaseURL, "file:"):
		name = dialect.SQLite
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
		// This pool serves raw SQL (DB.SQL); ent gets one queued writer connection and a
		// read-only pool (sqlitewriter.go), opened below once migrations have run.
		sqlDB.SetMaxOpenConns(4)
		sqlitePath = path
	default:
		return nil, fmt.Errorf("不支持的数据库地址 %q：请使用 postgres://… 或留空使用内置 SQLite", redact(opt.DatabaseURL))
	}
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("连接数据库失败（%s）: %w", redact(opt.DatabaseURL), err)
	}
	if !opt.SkipMigrate {
		if _, err := Migrate(ctx, sqlDB, name, ""); err != nil {
			sqlDB.Close()
			return nil, err
		}
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
	client := ent.NewClient(ent.Driver(drv))
	client.Use(authz.WriteHook())
	client.Use(lists.Hooks()...)
	client.Use(plans.Hooks()...)
	client.Use(library.Hooks()...)
	client.Use(results.Hooks()...)
	client.Use(drawing.Hooks()...)
	client.Use(audit.Hook(name))
	sharing.InstallRowPolicies(client)
	dataDir := opt.DataDir
	if dataDir == "" {
		dataDir = "data"
	}
	if !opt.SkipMigrate {
		// A database from before the trail covered join tables gets their sets recorded once.
		if err := audit.BaselineJoins(ctx, client, name); err != nil {
			client.Close()
			return nil, fmt.Errorf("审计日志记录关联表基线失败: %w", err)
		}
	}
	db := &DB{Client: client, SQL: sqlDB, Dialect: name, DataDir: dataDir, writer: writer}
	db.Owners = sharing.NewOwnerCache(ownerCacheSize)
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
