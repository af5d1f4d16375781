package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/store"
)

// openHub opens the hub (hub.Open: migrating the database, seeding the code tables, with the
// session key of cfg); log is its logger (nil discards).
func openHub(ctx context.Context, cfg *config, log *slog.Logger) (*hub.Hub, error) {
	opt, err := hubOptions(cfg, log)
	if err != nil {
		return nil, err
	}
	return hub.Open(ctx, opt)
}

// hubOptions are the hub options of cfg; only serve adds the standby (DATABASE_READ_URL).
func hubOptions(cfg *config, log *slog.Logger) (hub.Options, error) {
	if err := cfg.check(); err != nil {
		return hub.Options{}, err
	}
	if err := applyImportLimits(cfg); err != nil {
		return hub.Options{}, err
	}
	key, err := cfg.sessionKey()
	if err != nil {
		return hub.Options{}, err
	}
	return hub.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, SeedCodes: true, SessionKey: key, Logger: log}, nil
}

// serveFlags are serve's own flags; the listen address and the trusted proxies are in config.
type serveFlags struct {
	Demo     bool   // --demo: load the demo data into an empty database
	AddrFile string // --addr-file: write the address listened on to this file
}

// runServe: ssgk serve.
func runServe(ctx context.Context, cfg *config, o serveFlags, stdout, stderr io.Writer) error {
	if err := cfg.check(); err != nil {
		return err
	}
	opts, adminAddr, err := serveOptions(cfg)
	if err != nil {
		return err
	}
	if err := serveTimeouts(cfg, &opts); err != nil {
		return err
	}
	log := cfg.logger(stderr)
	gc := serveGCPolicy(os.Getenv, availableMemory()).apply()
	log.Info("garbage collector", "gogc", gc.Percent, "memory_limit_mib", gc.MemLimit>>20)
	hopt, err := hubOptions(cfg, nil)
	if err != nil {
		return err
	}
	hopt.ReadURL = cfg.ReadURL
	db, err := hub.Open(ctx, hopt)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	log.Info("database ready", "dialect", db.Dialect, "url", store.Redact(cfg.DatabaseURL), "data_dir", cfg.DataDir)
	if cfg.ReadURL != "" {
		log.Info("read-only traffic goes to the standby", "url", store.Redact(cfg.ReadURL))
	}
	if o.Demo {
		if err := loadDemo(ctx, db, stdout, true); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("无法监听 %s: %w", cfg.ListenAddr, err)
	}
	addr := ln.Addr().String()
	if o.AddrFile != "" {
		if err := os.WriteFile(o.AddrFile, []byte(addr), 0o644); err != nil {
			return err
		}
	}
	srv := server.NewWithOptions(db, opts)
	if adminAddr != "" {
		stopAdmin, err := serveAdmin(adminAddr, srv.AdminHandler(), log)
		if err != nil {
			return err
		}
		defer stopAdmin()
	}
	fmt.Fprintf(stdout, "ssgk 已启动：http://%s/graphiql （GraphQL 接口 http://%s/graphql）\n", addr, addr)
	log.Info("listening", "addr", addr, "version", versionString())
	return server.Serve(ctx, srv.HTTPServer(), ln, srv.ShutdownTimeout(), log)
}

// runMigrate: ssgk migrate [--to VERSION]. A target that is no known migration is refused
// before the database is touched (it used to migrate silently to the last version before it).
func runMigrate(ctx context.Context, cfg *config, to string, stdout io.Writer) error {
	if err := cfg.check(); err != nil {
		return err
	}
	if to != "" {
		if err := checkMigrationVersion(cfg, to); err != nil {
			return err
		}
	}
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, SkipMigrate: true})
	if err != nil {
		return err
	}
	defer db.Close()
	ran, err := hub.Migrate(ctx, db.DB, to)
	for _, v := range ran {
		fmt.Fprintf(stdout, "已执行迁移 %s\n", v)
	}
	if err != nil {
		return err
	}
	all, err := store.AppliedVersions(ctx, db.SQL)
	if err != nil {
		return err
	}
	if len(all) > 0 {
		fmt.Fprintf(stdout, "数据库（%s）当前版本：%s，共 %d 个迁移\n", db.Dialect, all[len(all)-1], len(all))
	}
	return nil
}

// CodeMigrationUnknown: migrate --to names a version that is no migration of this release.
const CodeMigrationUnknown = "MIGRATION_UNKNOWN"

// checkMigrationVersion refuses a --to that is not one of this release's migrations.
func checkMigrationVersion(cfg *config, to string) error {
	d, err := store.DialectOf(cfg.DatabaseURL)
	if err != nil {
		return err
	}
	all, err := store.Migrations(d)
	if err != nil {
		return err
	}
	for _, m := range all {
		if m.Version == to {
			return nil
		}
	}
	latest := "（无）"
	if len(all) > 0 {
		latest = all[len(all)-1].Version
	}
	return apperr.New(CodeMigrationUnknown, "未知的迁移版本 %s：本版本共有 %d 个迁移，最新为 %s（ssgk migrate 不带 --to 即迁移到最新）", to, len(all), latest)
}
