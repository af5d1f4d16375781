package store_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/testutil"
)

// TestPostgresParameters covers the parameter formats of the PostgreSQL pool, which sends each
// statement in one round trip (lib/pq's binary_parameters): []byte goes in binary format —
// right for bytea, refused for jsonb — and JSON as ent passes it (json.RawMessage) goes as text.
// A URL that sets binary_parameters=no keeps lib/pq's two-round-trip text mode.
func TestPostgresParameters(t *testing.T) {
	url := testutil.DatabaseURL(t)
	if url == "" {
		t.Skip("PostgreSQL only (" + testutil.PostgresEnv + ")")
	}
	ctx := context.Background()
	open := func(u string) *store.DB {
		db, err := store.Open(ctx, store.Options{DatabaseURL: u, DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		return db
	}
	db := open(url)

	var got string
	if err := db.SQL.QueryRowContext(ctx, `SELECT $1::jsonb ->> 'name'`, json.RawMessage(`{"name":"宁阳县"}`)).Scan(&got); err != nil {
		t.Fatalf("json.RawMessage into jsonb: %v", err)
	}
	if got != "宁阳县" {
		t.Fatalf("json.RawMessage into jsonb: got %q", got)
	}
	var null bool
	if err := db.SQL.QueryRowContext(ctx, `SELECT $1::jsonb IS NULL`, json.RawMessage(nil)).Scan(&null); err != nil || !null {
		t.Fatalf("nil json.RawMessage: NULL %v, %v", null, err)
	}

	all := make([]byte, 256)
	for i := range all {
		all[i] = byte(i)
	}
	var back []byte
	if err := db.SQL.QueryRowContext(ctx, `SELECT $1::bytea`, all).Scan(&back); err != nil {
		t.Fatalf("bytea: %v", err)
	}
	if !bytes.Equal(back, all) {
		t.Fatalf("bytea round trip: got %d bytes %x", len(back), back)
	}

	// Binary mode is on: a plain []byte is a jsonb value in binary format, which it is not.
	_, err := db.SQL.ExecContext(ctx, `SELECT $1::jsonb`, []byte(`{"a":1}`))
	if err == nil || !strings.Contains(err.Error(), "jsonb version") {
		t.Fatalf("[]byte into jsonb in binary-parameters mode: want the server's refusal, got %v", err)
	}

	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	text := open(url + sep + "binary_parameters=no")
	if err := text.SQL.QueryRowContext(ctx, `SELECT $1::jsonb ->> 'a'`, []byte(`{"a":"1"}`)).Scan(&got); err != nil || got != "1" {
		t.Fatalf("binary_parameters=no: []byte into jsonb got %q, %v", got, err)
	}
}

// TestOpen_BadPostgresURLHidesPassword: a PostgreSQL URL the driver cannot parse is refused
// before any connection, and the error names the URL without its password.
func TestOpen_BadPostgresURLHidesPassword(t *testing.T) {
	for _, u := range []string{
		"postgres://ssgk:s3cret-pw@db.example:abc/ssgk",                // not a URL: the parser quotes it whole
		"postgres://ssgk:s3cret-pw@db.example:5432/ssgk?sslmode=bogus", // a bad option
	} {
		_, err := store.Open(context.Background(), store.Options{DatabaseURL: u, DataDir: t.TempDir()})
		if err == nil {
			t.Fatalf("%s: opened", u)
		}
		if strings.Contains(err.Error(), "s3cret-pw") || !strings.Contains(err.Error(), "ssgk:***@") {
			t.Fatalf("error %q: want the URL with its password hidden", err)
		}
	}
}
