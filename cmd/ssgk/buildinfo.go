package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/store"
)

// Build information, set by deploy/release.sh through
// -ldflags "-X main.version=… -X main.commit=… -X main.buildDate=…"; empty in a development build.
var (
	version   string
	commit    string
	buildDate string
)

// versionString is "v1.2.3 (commit, build date)", or "开发版本" for a build without release
// information.
func versionString() string {
	if version == "" {
		return "开发版本"
	}
	s := version
	if commit != "" || buildDate != "" {
		s += " (" + commit + " " + buildDate + ")"
	}
	return s
}

// runVersion: ssgk version — the program's version, commit, build date and Go version, the
// latest migration this release knows, and the schema version of the database the flags (or
// the environment) point at: its latest applied migration, or 未连接 when it cannot be reached.
// It never creates a database and never migrates one.
func runVersion(ctx context.Context, cfg *config, stdout io.Writer) error {
	orDash := func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	}
	v := version
	if v == "" {
		v = "开发版本"
	}
	fmt.Fprintf(stdout, "ssgk 版本：%s\n", v)
	fmt.Fprintf(stdout, "提交：%s\n", orDash(commit))
	fmt.Fprintf(stdout, "构建日期：%s\n", orDash(buildDate))
	fmt.Fprintf(stdout, "Go 版本：%s %s/%s\n", runtime.Version(), runtime.GOOS, runtime.GOARCH)
	d, err := store.DialectOf(cfg.DatabaseURL)
	if err != nil {
		d = dialect.SQLite // as before for a URL that opening refuses
	}
	if all, err := store.Migrations(d); err == nil && len(all) > 0 {
		fmt.Fprintf(stdout, "本程序的数据库版本：%s（%d 个迁移）\n", all[len(all)-1].Version, len(all))
	}
	fmt.Fprintf(stdout, "数据库版本：%s\n", schemaVersion(ctx, cfg))
	return nil
}

// schemaVersion is the latest migration applied to the configured database, or 未连接 and why.
func schemaVersion(ctx context.Context, cfg *config) string {
	if err := cfg.check(); err != nil {
		return "未连接（" + apperr.From(err).Message + "）"
	}
	where := store.Redact(cfg.DatabaseURL)
	if cfg.DatabaseURL == "" {
		path := filepath.Join(cfg.DataDir, "ssgk.db")
		if abs, err := filepath.Abs(path); err == nil {
			path = abs
		}
		if _, err := os.Stat(path); err != nil {
			return "未连接（数据库 " + path + " 不存在）"
		}
		where = path
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, SkipMigrate: true})
	if err != nil {
		return "未连接（" + where + "）"
	}
	defer db.Close()
	all, err := store.AppliedVersions(ctx, db.SQL)
	if err != nil || len(all) == 0 {
		return "未迁移（" + where + " 中没有迁移记录）"
	}
	return fmt.Sprintf("%s（%s，%s，已执行 %d 个迁移）", all[len(all)-1], db.Dialect, where, len(all))
}
