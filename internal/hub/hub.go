// Package hub is the composition root: the one place that builds an ssgk hub. Open opens the
// database (internal/store), applies the migrations with the domain packages' triggers, builds
// the one ent client and installs on it every rule the domain packages declare — the write
// authorisation, the workflow hooks of lists, plans, library, results and draws, the audit
// trail, the row policies of sharing — and then builds what the rest of the program shares: the
// auth service, the one draw service, the transparency log handle, the logger and the clock.
//
// The server, the GraphQL resolvers, the portal, the CLI commands and the test helpers all take
// a *Hub. No other package builds an ent client (guard_test.go), so no path can miss a rule.
package hub

import (
	"context"
	"crypto/rand"
	"fmt"
	"log/slog"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	_ "github.com/ssgk/ssgk/ent/runtime" // schema defaults, validators and policies
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/codes"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/logging"
	"github.com/ssgk/ssgk/internal/plans"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/store"
)

// Hub is an open hub: the database and everything built over it. The embedded store.DB gives
// SQL (the connection pool, for the aggregates ent cannot express), Dialect — known here once,
// from the database URL — and DataDir.
type Hub struct {
	*store.DB
	// Client is the hub's ent client, with every hook, interceptor and row policy installed.
	Client *ent.Client
	// Owners caches the owning departments of targets across reads; see sharing.OwnerCache.
	Owners *sharing.OwnerCache
	// Auth authenticates requests and logins.
	Auth *auth.Service
	// Drawer runs the draws; its seal key derives from the ledger key in DataDir.
	Drawer *draws.Drawer
	// Ledger is the transparency log with its signing key (DataDir/ledger.key).
	Ledger *ledger.Log
	// Log is the hub's logger (request IDs attached).
	Log *slog.Logger
	// Clock is the business clock (time.Now unless Options.Clock). It reaches domain code through
	// the context (clock.With; Context): the server puts it into every request's context.
	Clock func() time.Time
	// reads is the hub over the standby of DATABASE_READ_URL (Reads); nil without one.
	reads *Hub
}

// Options configure Open.
type Options struct {
	// DatabaseURL is a postgres:// URL; empty means SQLite at DataDir/ssgk.db.
	DatabaseURL string
	// DataDir holds the SQLite database, evidence files and the ledger key; "" means "data".
	DataDir string
	// Driver, if set, wraps the ent driver (tests count statements with it).
	Driver func(dialect.Driver) dialect.Driver
	// SkipMigrate opens the database as it is: no migrations and no audit baseline (ssgk
	// migrate, version and backup; tests of the migration path).
	SkipMigrate bool
	// SeedCodes inserts the missing code-table entries (codes.Seed) after migrating.
	SeedCodes bool
	// BusyTimeout is store.Options.BusyTimeout.
	BusyTimeout time.Duration
	// ReadURL is DATABASE_READ_URL: a streaming standby for read-only traffic (Reads).
	ReadURL string
	// SessionKey signs session tokens (at least 32 bytes, the same on every replica); nil means
	// a random key, for commands that never issue or check a session.
	SessionKey []byte
	// AuthPolicy is the auth service's policy; nil means auth.DefaultPolicy.
	AuthPolicy *auth.Policy
	// Logger is the hub's logger; nil discards.
	Logger *slog.Logger
	// Clock is the business clock; nil means the wall clock (time.Now).
	Clock func() time.Time
	// NoViewerCache makes every request read its credential's row, on PostgreSQL too (the
	// benchmark of the viewer cache; see auth's cache.go).
	NoViewerCache bool
}

// ownerCacheSize bounds the owners cache: about 80 bytes a target.
const ownerCacheSize = 200_000

// Triggers are the domain packages' database triggers that the migrations step around
// (store.Extra): dropped before pending migrations run, installed again after.
var Triggers = []store.Extra{
	// Published results cannot change, through any path — raw SQL included.
	{Name: "结果不可变触发器", Drop: results.DropTriggers, Install: results.InstallTriggers},
	// The generation that keeps the owners cache of field authorisation exact.
	{Name: "共享归属代次触发器", Drop: sharing.DropOwnerGenerationTriggers, Install: sharing.InstallOwnerGeneration},
	// The notification that empties the viewer caches of every hub (PostgreSQL).
	{Name: "凭据变更通知触发器", Drop: auth.DropNotify, Install: auth.InstallNotify},
}

// Migrate applies the pending migrations of db up to and including target ("" for all), with
// the domain triggers (store.Migrate).
func Migrate(ctx context.Context, db *store.DB, target string) ([]string, error) {
	return store.Migrate(ctx, db, target, Triggers...)
}

// Open opens (and, unless SkipMigrate, migrates) the database and builds the hub over it.
func Open(ctx context.Context, opt Options) (*Hub, error) {
	db, err := store.Open(ctx, store.Options{DatabaseURL: opt.DatabaseURL, DataDir: opt.DataDir, Driver: opt.Driver, BusyTimeout: opt.BusyTimeout, ReadURL: opt.ReadURL})
	if err != nil {
		return nil, err
	}
	h, err := build(ctx, db, opt)
	if err != nil {
		db.Close()
		return nil, err
	}
	return h, nil
}

func build(ctx context.Context, db *store.DB, opt Options) (*Hub, error) {
	if !opt.SkipMigrate {
		if _, err := Migrate(ctx, db, ""); err != nil {
			return nil, err
		}
	}
	client := ent.NewClient(ent.Driver(db.Driver))
	install(client)
	if !opt.SkipMigrate {
		// A database from before the trail covered join tables gets their sets recorded once.
		if err := audit.BaselineJoins(ctx, client); err != nil {
			return nil, fmt.Errorf("审计日志记录关联表基线失败: %w", err)
		}
		if opt.SeedCodes {
			if err := codes.Seed(ctx, client); err != nil {
				return nil, fmt.Errorf("初始化代码表失败: %w", err)
			}
		}
	}
	key := opt.SessionKey
	if key == nil {
		key = make([]byte, 32)
		if _, err := rand.Read(key); err != nil {
			return nil, err
		}
	}
	policy := auth.DefaultPolicy
	if opt.AuthPolicy != nil {
		policy = *opt.AuthPolicy
	}
	authSvc, err := auth.New(client, key, policy)
	if err != nil {
		return nil, err
	}
	logger := opt.Logger
	if logger == nil {
		logger = logging.Discard()
	}
	// Authenticated viewers are cached where reading a credential costs a round trip: on
	// PostgreSQL, emptied by the change notifications of every hub (docs/architecture.md).
	client.Use(authSvc.Hook())
	if db.Dialect == dialect.Postgres && !opt.NoViewerCache {
		authSvc.UseCache(db.Watch, nil, logger)
	}
	now := opt.Clock
	if now == nil {
		now = time.Now
	}
	h := &Hub{
		DB:     db,
		Client: client,
		Owners: sharing.NewOwnerCache(ownerCacheSize),
		Auth:   authSvc,
		Drawer: draws.New(client).WithKeyDir(db.DataDir),
		Ledger: ledger.NewLog(client, db.DataDir),
		Log:    logging.Attach(logger),
		Clock:  now,
	}
	if standby := db.Standby(); standby != nil {
		rc := ent.NewClient(ent.Driver(standby.Driver))
		rc.Use(refuseWrites)
		sharing.InstallRowPolicies(rc)
		h.reads = &Hub{DB: standby, Client: rc, Owners: sharing.NewOwnerCache(ownerCacheSize), Auth: authSvc,
			Ledger: ledger.NewLog(rc, db.DataDir), Log: h.Log, Clock: now}
	}
	return h, nil
}

// Reads returns the hub read-only traffic goes to — the credit centre's change feed and entity
// histories, the aggregates, the public portal: the standby of DATABASE_READ_URL when one is
// configured, else h itself. The standby's client has the same row policies and refuses every
// mutation (READ_ONLY_REPLICA); it has no draw service. A standby lags the primary by its
// replay delay: read from it only what may be that stale (published records, the feed), never
// what a write just made and the same request reads back.
func (h *Hub) Reads() *Hub {
	if h.reads != nil {
		return h.reads
	}
	return h
}

// CodeReadOnly: a write reached the client of the read-only standby (a bug, never the user's).
const CodeReadOnly = "READ_ONLY_REPLICA"

func refuseWrites(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		return nil, apperr.New(CodeReadOnly, "只读副本不接受写入（%s %s）", m.Op(), m.Type())
	})
}

// install puts every domain rule on the client: the write authorisation first, then the
// workflow rules, then the audit trail (which records what the others let through), then the
// row policies of reads.
func install(client *ent.Client) {
	client.Use(authz.WriteHook())
	client.Use(lists.Hooks()...)
	client.Use(plans.Hooks()...)
	client.Use(library.Hooks()...)
	client.Use(results.Hooks()...)
	client.Use(draws.Hooks()...)
	client.Use(audit.Hook())
	sharing.InstallRowPolicies(client)
}

// Close closes the database, the standby's pool and the feed's LISTEN connection.
func (h *Hub) Close() error { return h.DB.Close() }

// Context returns ctx on the hub's business clock (clock.With): the context in which the CLI,
// the demo loader and anything else not serving a request calls domain code.
func (h *Hub) Context(ctx context.Context) context.Context { return clock.With(ctx, h.Clock) }

// WithLogger returns a copy of the hub that logs to l (request IDs attached); everything else
// is shared.
func (h *Hub) WithLogger(l *slog.Logger) *Hub {
	c := *h
	c.Log = logging.Attach(l)
	if h.reads != nil {
		c.reads = h.reads.WithLogger(l)
	}
	return &c
}
