// Package testutil opens a fresh hub database for a test: SQLite in t.TempDir() by default,
// or — when SSGK_TEST_POSTGRES holds a postgres:// URL of a server — a uniquely named
// PostgreSQL database that is dropped when the test ends, so leftovers never decide a result.
package testutil

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/internal/codes"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/viewer"
)

// PostgresEnv names the environment variable that switches tests to PostgreSQL.
const PostgresEnv = "SSGK_TEST_POSTGRES"

// Options tune Open.
type Options struct {
	Driver      func(dialect.Driver) dialect.Driver
	SkipMigrate bool
	SkipSeed    bool
}

// DatabaseURL returns the URL of a fresh, empty database for t: "" (SQLite under dataDir) or a
// new PostgreSQL database that is dropped at cleanup.
func DatabaseURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(PostgresEnv)
	if base == "" {
		return ""
	}
	u, err := url.Parse(base)
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

// Open returns a migrated, code-seeded hub database for t; it is closed at cleanup.
func Open(t testing.TB, opts ...Options) *store.DB {
	t.Helper()
	var o Options
	if len(opts) > 0 {
		o = opts[0]
	}
	ctx := context.Background()
	db, err := store.Open(ctx, store.Options{DatabaseURL: DatabaseURL(t), DataDir: t.TempDir(), Driver: o.Driver, SkipMigrate: o.SkipMigrate})
	if err != nil {
		t.Fatalf("opening test database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	if !o.SkipMigrate && !o.SkipSeed {
		if err := codes.Seed(ctx, db.Client); err != nil {
			t.Fatalf("seeding code tables: %v", err)
		}
	}
	return db
}

// System returns a context carrying the viewer of an operator command.
func System() context.Context {
	return viewer.NewContext(context.Background(), viewer.NewSystem("test"))
}

// As returns a context carrying v.
func As(v *viewer.Viewer) context.Context {
	return viewer.NewContext(context.Background(), v)
}
