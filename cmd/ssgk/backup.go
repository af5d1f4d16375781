package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/backup"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/store"
)

// sessionKeyPath is where the session-signing key lives: SSGK_SECRET_FILE, or the data directory.
func (c *config) sessionKeyPath() string {
	if c.SecretFile != "" {
		return c.SecretFile
	}
	return filepath.Join(c.DataDir, "session.key")
}

// runBackup: ssgk backup --out DIR. With SQLite, a consistent online copy of the database; with
// PostgreSQL, the key files and evidence, and the pg_dump command to run next.
func runBackup(ctx context.Context, cfg *config, outDir string, stdout io.Writer) error {
	out := &outDir
	if *out == "" {
		return apperr.New(apperr.Invalid, "请用 --out 指定备份目录，例如 ssgk backup --out /var/backups/ssgk/2026-12-07")
	}
	// The running hub keeps its database open; this opens it too, reads, and never migrates.
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, SkipMigrate: true})
	if err != nil {
		return err
	}
	defer db.Close()
	versions, err := store.AppliedVersions(ctx, db.SQL)
	if err != nil {
		return err
	}
	schema := ""
	if len(versions) > 0 {
		schema = versions[len(versions)-1]
	}
	m, err := backup.Create(ctx, backup.Source{DB: db.SQL, Dialect: db.Dialect, SchemaVersion: schema,
		DataDir: cfg.DataDir, SessionKey: cfg.sessionKeyPath()}, *out)
	if err != nil {
		return err
	}
	var size int64
	for _, f := range m.Files {
		size += f.Size
	}
	fmt.Fprintf(stdout, "已备份到 %s：%d 个文件，共 %.1f MB，数据库版本 %s\n", *out, len(m.Files), float64(size)/1e6, schema)
	for _, n := range m.Notes {
		fmt.Fprintf(stdout, "注意：%s\n", n)
	}
	if db.Dialect == dialect.Postgres {
		fmt.Fprintf(stdout, "下一步（PostgreSQL）：立即导出数据库：\n  pg_dump --format=custom --no-owner --file %q \"$DATABASE_URL\"\n",
			filepath.Join(*out, backup.PostgresDump))
	}
	fmt.Fprintf(stdout, "备份中的 ledger.key、session.key 是机密，请加密保存。恢复方法见 %s\n", filepath.Join(*out, backup.InstructionsFile))
	return nil
}

// runRestore: ssgk restore --from DIR into the configured (new) data directory.
func runRestore(ctx context.Context, cfg *config, fromDir string, stdout io.Writer) error {
	from := &fromDir
	if *from == "" {
		return apperr.New(apperr.Invalid, "请用 --from 指定备份目录")
	}
	d, err := store.DialectOf(cfg.DatabaseURL)
	if err != nil || (d == dialect.SQLite && cfg.DatabaseURL != "") {
		return apperr.New(apperr.Invalid, "SQLite 备份恢复到数据目录（--data-dir）中的 ssgk.db，请不要同时指定 --database-url")
	}
	m, err := backup.Restore(*from, backup.Target{Dialect: d, DataDir: cfg.DataDir, SessionKey: cfg.sessionKeyPath()})
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已从 %s（%s 备份，数据库版本 %s）恢复到数据目录 %s\n", *from, m.CreatedAt.Format("2006-01-02 15:04:05 UTC"), m.SchemaVersion, cfg.DataDir)
	if d == dialect.SQLite {
		// Open once, migrating a backup of an older release forward, as serve would.
		db, err := hub.Open(ctx, hub.Options{DataDir: cfg.DataDir})
		if err != nil {
			return fmt.Errorf("恢复的数据库无法打开：%w", err)
		}
		db.Close()
	}
	fmt.Fprintf(stdout, "请核验：ssgk audit verify --data-dir %s && ssgk ledger audit --data-dir %s\n", cfg.DataDir, cfg.DataDir)
	return nil
}
