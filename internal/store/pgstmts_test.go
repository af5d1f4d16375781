package store_test

import (
	"context"
	"database/sql"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/testutil"
)

// TestPostgresPreparedStatements: a connection prepares a statement with parameters the second
// time it runs it (never the first), answers the same through the prepared statement — jsonb
// and bytea parameters included —, keeps at most preparedPerConn prepared, recovers from a
// statement whose plan a schema change invalidated, and prepares nothing with
// prepared_statements=off.
func TestPostgresPreparedStatements(t *testing.T) {
	url := testutil.DatabaseURL(t)
	if url == "" {
		t.Skip("PostgreSQL only (" + testutil.PostgresEnv + ")")
	}
	ctx := context.Background()
	conn := func(u string) *sql.Conn {
		db, err := store.Open(ctx, store.Options{DatabaseURL: u, DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		c, err := db.SQL.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	prepared := func(c *sql.Conn) int {
		var n int
		if err := c.QueryRowContext(ctx, "SELECT count(*) FROM pg_prepared_statements").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	c := conn(url)
	for i, want := range []int{0, 1, 1} {
		var got int
		if err := c.QueryRowContext(ctx, "SELECT $1::int + 1", 41+i).Scan(&got); err != nil || got != 42+i {
			t.Fatalf("run %d: got %d, %v", i+1, got, err)
		}
		if n := prepared(c); n != want {
			t.Fatalf("after run %d: %d statements prepared, want %d", i+1, n, want)
		}
	}
	for i := range 3 {
		var name string
		if err := c.QueryRowContext(ctx, `SELECT $1::jsonb ->> 'name'`, []byte(nil)).Scan(new(sql.NullString)); err != nil {
			t.Fatalf("run %d: NULL jsonb: %v", i+1, err)
		}
		if err := c.QueryRowContext(ctx, `SELECT $1::jsonb ->> 'name'`, `{"name":"宁阳县"}`).Scan(&name); err != nil || name != "宁阳县" {
			t.Fatalf("run %d: jsonb: got %q, %v", i+1, name, err)
		}
		var back []byte
		if err := c.QueryRowContext(ctx, `SELECT $1::bytea`, []byte{0, 1, 255}).Scan(&back); err != nil || string(back) != "\x00\x01\xff" {
			t.Fatalf("run %d: bytea: got %x, %v", i+1, back, err)
		}
		if _, err := c.ExecContext(ctx, `SELECT pg_notify($1, $2)`, "ssgk_test", "x"); err != nil {
			t.Fatalf("run %d: exec: %v", i+1, err)
		}
	}

	// A schema change under a prepared statement: at most one call fails, the next prepares
	// it afresh and sees the new column.
	if _, err := c.ExecContext(ctx, "CREATE TABLE prep_t (a int)"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ExecContext(ctx, "INSERT INTO prep_t VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	cols := func() ([]string, error) {
		rows, err := c.QueryContext(ctx, "SELECT * FROM prep_t WHERE a = $1", 1)
		if err != nil {
			return nil, err
		}
		defer rows.Close()
		return rows.Columns()
	}
	for range 2 {
		if _, err := cols(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.ExecContext(ctx, "ALTER TABLE prep_t ADD COLUMN b int"); err != nil {
		t.Fatal(err)
	}
	got, err := cols()
	if err != nil {
		if !strings.Contains(err.Error(), "cached plan") {
			t.Fatalf("after ALTER TABLE: %v", err)
		}
		got, err = cols()
	}
	if err != nil || len(got) != 2 {
		t.Fatalf("after ALTER TABLE and a retry: columns %v, %v", got, err)
	}

	// Many statements: the least recently used are closed.
	for i := range store.PreparedPerConn + 20 {
		for range 2 {
			if _, err := c.ExecContext(ctx, "SELECT $1::int + "+strings.Repeat("0+", i)+"0", i); err != nil {
				t.Fatal(err)
			}
		}
	}
	if n := prepared(c); n != store.PreparedPerConn {
		t.Fatalf("%d statements prepared on one connection, want the cap %d", n, store.PreparedPerConn)
	}

	sep := "?"
	if strings.Contains(url, "?") {
		sep = "&"
	}
	off := conn(url + sep + "prepared_statements=off")
	for range 3 {
		if _, err := off.ExecContext(ctx, "SELECT $1::int", 1); err != nil {
			t.Fatal(err)
		}
	}
	if n := prepared(off); n != 0 {
		t.Fatalf("prepared_statements=off: %d statements prepared", n)
	}
}
