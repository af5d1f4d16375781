// Package testutil opens a fresh hub database for a test: SQLite in t.TempDir() by default,
// or — when SSGK_TEST_POSTGRES holds a postgres:// URL of a server — a uniquely named
// PostgreSQL database that is dropped when the test ends, so leftovers never decide a result.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/viewer"
)

// PostgresEnv names the environment variable that switches tests to PostgreSQL.
const PostgresEnv = "SSGK_TEST_POSTGRES"

// Options tune Open.
type Options struct {
	Driver      func(dialect.Driver) dialect.Driver
	SkipMigrate bool
	SkipSeed    bool
	// URL, if set, rewrites the database URL before opening ("" is SQLite): a test routes
	// PostgreSQL through a proxy it can cut.
	URL func(string) string
	// BusyTimeout is hub.Options.BusyTimeout.
	BusyTimeout time.Duration
	// Clock is hub.Options.Clock, the hub's business clock (nil: the wall clock). It reaches
	// domain code through the context: the hub's server puts it there; a test calling domain
	// code directly uses Hub.Context (or clock.With) on its contexts.
	Clock func() time.Time
}

// DatabaseURL returns the URL of a fresh, empty database for t: "" (SQLite under dataDir) or a
// new PostgreSQL database that is dropped at cleanup.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		return ""
	}
	u, err := neturl.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	admin, err := sql.Open("postgres", base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "ssgk_test_" + strings.ToLower(sanitize(t.Name())) + "_" + hex.EncodeToString(b)
	if len(name) > 60 {
		name = name[:47] + "_" + hex.EncodeToString(b)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		admin.Close()
		t.Fatalf("creating test database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u.Path = "/" + name
	return u.String()
}

func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	if len(out) > 30 {
		out = out[:30]
	}
	return out
}

// Open returns a hub over a migrated, code-seeded database for t, built by hub.Open as in
// production (its auth service signs with a random key); it is closed at cleanup.
func Open(t testing.TB, opts ...Options) *hub.Hub {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	ctx := context.Background()
	url := DatabaseURL(t)
	if o.URL != nil {
		url = o.URL(url)
	}
	h, err := hub.Open(ctx, hub.Options{DatabaseURL: url, DataDir: t.TempDir(), Driver: o.Driver,
		SkipMigrate: o.SkipMigrate, SeedCodes: !o.SkipSeed, BusyTimeout: o.BusyTimeout, Clock: o.Clock})
	if err != nil {
		t.Fatalf("opening test database: %v", err)
	}
	t.Cleanup(func() { h.Close() })
	return h
}

// System returns a context carrying the viewer of an operator command.
func System() context.Context {
	return viewer.NewContext(context.Background(), viewer.NewSystem("test"))
}

// As returns a context carrying v.
func As(v *viewer.Viewer) context.Context {
	return viewer.NewContext(context.Background(), v)
}

// Template is a database prepared once and copied for each test that needs its contents (the
// demo data with its sample year takes tens of seconds to load; a copy takes one): a directory
// for SQLite, a template database for PostgreSQL.
type Template struct {
	dir    string // the SQLite data directory, or the PostgreSQL data directory (keys)
	pgName string // the PostgreSQL template database ("" on SQLite)
	base   string // SSGK_TEST_POSTGRES
}

// NewTemplate prepares a template: fill is called once with the URL of an empty database ("" on
// SQLite) and a data directory, and must close everything it opened on them. Release drops it.
func NewTemplate(fill func(databaseURL, dataDir string) error) (*Template, error) {
	dir, err := os.MkdirTemp("", "ssgk-template-")
	if err != nil {
		return nil, err
	}
	tpl := &Template{dir: dir, base: os.Getenv(PostgresEnv)}
	url := ""
	if tpl.base != "" {
		b := make([]byte, 6)
		_, _ = rand.Read(b)
		tpl.pgName = "ssgk_tpl_" + hex.EncodeToString(b)
		admin, err := sql.Open("postgres", tpl.base)
		if err != nil {
			return nil, err
		}
		defer admin.Close()
		if _, err := admin.Exec("CREATE DATABASE " + tpl.pgName); err != nil {
			return nil, err
		}
		u, err := neturl.Parse(tpl.base)
		if err != nil {
			return nil, err
		}
		u.Path = "/" + tpl.pgName
		url = u.String()
	}
	if err := fill(url, dir); err != nil {
		tpl.Release()
		return nil, err
	}
	return tpl, nil
}

// Clone returns a fresh copy of the template for t — the database URL and the data directory —
// dropped at cleanup.
func (tpl *Template) Clone(t testing.TB) (databaseURL, dataDir string) {
	t.Helper()
	dataDir = t.TempDir()
	entries, err := os.ReadDir(tpl.dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		b, err := os.ReadFile(filepath.Join(tpl.dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dataDir, e.Name()), b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	if tpl.pgName == "" {
		return "", dataDir
	}
	admin, err := sql.Open("postgres", tpl.base)
	if err != nil {
		t.Fatal(err)
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := "ssgk_test_" + strings.ToLower(sanitize(t.Name())) + "_" + hex.EncodeToString(b)
	if len(name) > 60 {
		name = name[:47] + "_" + hex.EncodeToString(b)
	}
	if _, err := admin.Exec("CREATE DATABASE " + name + " TEMPLATE " + tpl.pgName); err != nil {
		admin.Close()
		t.Fatalf("copying the template database: %v", err)
	}
	t.Cleanup(func() {
		_, _ = admin.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
		admin.Close()
	})
	u, _ := neturl.Parse(tpl.base)
	u.Path = "/" + name
	return u.String(), dataDir
}

// Release drops the template.
func (tpl *Template) Release() {
	if tpl == nil {
		return
	}
	_ = os.RemoveAll(tpl.dir)
	if tpl.pgName != "" {
		if admin, err := sql.Open("postgres", tpl.base); err == nil {
			_, _ = admin.Exec("DROP DATABASE IF EXISTS " + tpl.pgName + " WITH (FORCE)")
			admin.Close()
		}
	}
}
