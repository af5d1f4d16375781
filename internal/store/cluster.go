package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/internal/changefeed"
)

// Several hubs on one PostgreSQL, and a streaming standby for reads (issue 25).
//
// Nothing a hub keeps in memory decides a write or hides one from another hub: writers
// serialise on the database's own locks (writelock.go, ledger.nextIndex), sessions are HMAC
// tokens checked against the accounts table (every hub needs the same SSGK_SECRET_FILE), the
// owners cache is keyed by a generation number stored in the database (sharing.OwnerCache), and
// the transparency log's cached tiles are of complete, immutable subtrees. What a hub must learn
// from the others is when to read the change feed again: the feed signal (FeedSignal, package
// changefeed); and when a credential changed, which empties its cache of authenticated viewers
// (Watch, internal/auth's cache.go) — both over one LISTEN connection per hub. The checkpoint signing key and the evidence files live in DATA_DIR, which the
// hubs must share.
//
// Read-only traffic — the credit centre's change feed and entity histories, the aggregates and
// the public portal — may go to a hot standby (Options.ReadURL, DATABASE_READ_URL): see Reads.

// Cluster is what a hub shares with the other hubs and the standby of its database.
type Cluster struct {
	read   *DB    // nil: reads go to the primary
	listen string // the primary's URL for LISTEN; "" on SQLite

	mu     sync.Mutex
	feed   *changefeed.Listener
	closed bool
	log    *slog.Logger
}

// Standby returns the standby of DATABASE_READ_URL that read-only traffic goes to, or nil when
// none is configured. The hub builds a client over it that refuses every mutation (hub.Reads).
func (db *DB) Standby() *DB {
	if db.Cluster != nil {
		return db.Cluster.read
	}
	return nil
}

// FeedSignal returns the signal that wakes the readers of the change feed when a leaf commits
// through any hub: on PostgreSQL a LISTEN connection to the primary, opened on first use (a
// command-line run never opens one); on SQLite the process's own signal. When the LISTEN
// connection cannot be opened, it returns nil — the readers then poll — and logs why.
func (db *DB) FeedSignal() *changefeed.Signal {
	c := db.Cluster
	if c == nil || c.listen == "" {
		return changefeed.Local()
	}
	l, err := c.listener()
	if err != nil {
		c.logger().Warn("change feed: cannot LISTEN on the primary; subscriptions poll", "err", redactErr(err, c.listen))
		return nil
	}
	return l.Signal
}

// Watch follows a notification channel of the primary over the hub's one LISTEN connection
// (the change feed's), opening it on first use. It fails on SQLite, which has no notifications,
// and when the connection cannot be opened.
func (db *DB) Watch(channel string, w *changefeed.Watcher) error {
	c := db.Cluster
	if c == nil || c.listen == "" {
		return errors.New("store: notifications need PostgreSQL")
	}
	l, err := c.listener()
	if err != nil {
		return errors.New(redactErr(err, c.listen))
	}
	return l.Watch(channel, w)
}

// listener returns the hub's LISTEN connection, opening it on first use, once it LISTENs. It
// waits without holding the cluster's lock, so that closing the hub stops the wait.
func (c *Cluster) listener() (*changefeed.Listener, error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return nil, errors.New("store: database closed")
	}
	if c.feed == nil {
		c.feed = changefeed.Open(c.listen, c.logger())
	}
	l := c.feed
	c.mu.Unlock()
	if err := l.Ready(); err != nil {
		c.mu.Lock()
		if c.feed == l {
			c.feed = nil
		}
		c.mu.Unlock()
		l.Close()
		return nil, err
	}
	return l, nil
}

func (c *Cluster) logger() *slog.Logger {
	if c.log != nil {
		return c.log
	}
	return slog.Default()
}

// close closes the LISTEN connection and the standby's pool.
func (c *Cluster) close() error {
	if c == nil {
		return nil
	}
	var errs []error
	c.mu.Lock()
	feed := c.feed
	c.feed, c.closed = nil, true
	c.mu.Unlock()
	if feed != nil {
		errs = append(errs, feed.Close())
	}
	if c.read != nil {
		errs = append(errs, c.read.Driver.Close())
	}
	return errors.Join(errs...)
}

// newCluster prepares the cluster side of a database opened from opt.
func newCluster(ctx context.Context, name string, opt Options) (*Cluster, error) {
	c := &Cluster{}
	if name != dialect.Postgres {
		if opt.ReadURL != "" {
			return nil, fmt.Errorf("DATABASE_READ_URL 仅用于 PostgreSQL（DATABASE_URL 须为 postgres://…）")
		}
		return c, nil
	}
	c.listen = opt.DatabaseURL
	if opt.ReadURL == "" {
		return c, nil
	}
	read, err := openReads(ctx, opt.ReadURL, opt.DataDir)
	if err != nil {
		return nil, err
	}
	c.read = read
	return c, nil
}

// openReads opens the standby of url for reads: no migrations (a standby refuses writes; the
// primary's migrations reach it through replication). The hub puts the row policies every read
// goes through on its client, and a hook that refuses every mutation so that no write can take
// this path even when the URL names the primary by mistake (hub.Reads).
func openReads(ctx context.Context, url, dataDir string) (*DB, error) {
	if d, _ := DialectOf(url); d != dialect.Postgres {
		return nil, fmt.Errorf("不支持的只读数据库地址 %q：DATABASE_READ_URL 须为 postgres://…", redact(url))
	}
	sqlDB, err := openPostgres(url)
	if err != nil {
		return nil, err
	}
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(10)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if err := sqlDB.PingContext(ctx); err != nil {
		sqlDB.Close()
		return nil, fmt.Errorf("连接只读数据库失败（%s）: %w", redact(url), err)
	}
	if dataDir == "" {
		dataDir = "data"
	}
	return &DB{SQL: sqlDB, Driver: entsql.OpenDB(dialect.Postgres, sqlDB), Dialect: dialect.Postgres, DataDir: dataDir}, nil
}

// redactErr hides the password of url in err's text.
func redactErr(err error, url string) string {
	return strings.ReplaceAll(err.Error(), url, redact(url))
}
