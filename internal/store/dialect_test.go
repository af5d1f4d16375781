package store_test

import (
	"context"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/internal/store"
)

// TestDialectOf: the one reading of a DATABASE_URL's dialect, and store.Open refuses what it
// refuses, with the same message.
func TestDialectOf(t *testing.T) {
	for _, c := range []struct{ url, want string }{
		{"", dialect.SQLite},
		{"sqlite:/tmp/x.db", dialect.SQLite},
		{"file:/tmp/x.db", dialect.SQLite},
		{"postgres://u@h/db", dialect.Postgres},
		{"postgresql://u@h/db?sslmode=disable", dialect.Postgres},
		{"mysql://u@h/db", ""},
		{"/tmp/x.db", ""},
	} {
		got, err := store.DialectOf(c.url)
		if got != c.want || (err != nil) != (c.want == "") {
			t.Errorf("DialectOf(%q) = %q, %v; want %q", c.url, got, err, c.want)
		}
	}
	_, want := store.DialectOf("mysql://u:secret@h/db")
	_, err := store.Open(context.Background(), store.Options{DatabaseURL: "mysql://u:secret@h/db"})
	if err == nil || err.Error() != want.Error() {
		t.Errorf("Open refused with %v, DialectOf with %v", err, want)
	}
}
