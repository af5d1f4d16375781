package store_test

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/testutil"
)

// TestInstallSearch_ExistingDatabase: on a database whose targets predate the name search
// index, Migrate builds the index from them; a second run changes nothing; the index then
// follows inserts, renames and deletes made with plain SQL.
func TestInstallSearch_ExistingDatabase(t *testing.T) {
	ctx := context.Background()
	sys := testutil.System()
	db := testutil.Open(t)
	if _, err := demo.Load(sys, db.Client, demo.Options{Targets: 40, Inspectors: 10}); err != nil {
		t.Fatal(err)
	}
	// Back to a database without the index, as before this release.
	drop := []string{"DROP TRIGGER ssgk_target_name_grams_insert", "DROP TRIGGER ssgk_target_name_grams_update",
		"DROP TRIGGER ssgk_target_name_grams_delete", "DROP TABLE " + store.NameGramsTable}
	if db.Dialect == dialect.Postgres {
		drop = []string{"DROP INDEX ssgk_targets_name_grams", "DROP FUNCTION " + store.NameGramsFunc + "(text)"}
	}
	for _, s := range drop {
		if _, err := db.SQL.ExecContext(ctx, s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for range 2 {
		if ran, err := hub.Migrate(ctx, db.DB, ""); err != nil || len(ran) != 0 {
			t.Fatalf("migrate: %v %v", ran, err)
		}
	}
	find := func(fragment string) []int {
		t.Helper()
		p, ok := store.NameCandidates(fragment)
		if !ok {
			t.Fatalf("the index does not serve %q", fragment)
		}
		ids, err := db.Client.Target.Query().Where(predicate.Target(p)).IDs(sys)
		if err != nil {
			t.Fatalf("index lookup %q: %v", fragment, err)
		}
		return ids
	}
	targets := db.Client.Target.Query().AllX(sys)
	if len(targets) < 40 {
		t.Fatalf("%d targets", len(targets))
	}
	for _, tg := range targets {
		rs := []rune(tg.Name)
		for _, f := range []string{string(rs[len(rs)-1:]), string(rs[len(rs)-2:]), string(rs[1:5]), tg.Name} {
			if !slices.Contains(find(f), tg.ID) {
				t.Errorf("index lookup %q misses %q", f, tg.Name)
			}
		}
	}

	// Plain SQL: the triggers (SQLite) or the expression index (PostgreSQL) keep up.
	exec := func(query string, args ...any) {
		t.Helper()
		if db.Dialect == dialect.Postgres {
			for i := 1; strings.Contains(query, "?"); i++ {
				query = strings.Replace(query, "?", fmt.Sprintf("$%d", i), 1)
			}
		}
		if _, err := db.SQL.ExecContext(ctx, query, args...); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
	}
	old := targets[0]
	exec("UPDATE targets SET name = ? WHERE id = ?", "宁阳县鹤山乡粮油店", old.ID)
	if !slices.Contains(find("鹤山"), old.ID) || !slices.Contains(find("鹤山乡粮油"), old.ID) {
		t.Error("a renamed target is not found by its new name")
	}
	if f := string([]rune(old.Name)[1:5]); !strings.Contains("宁阳县鹤山乡粮油店", f) && slices.Contains(find(f), old.ID) {
		t.Errorf("a renamed target is still found by %q", f)
	}
	id := old.ID + 1_000_000
	now := time.Now()
	exec(`INSERT INTO targets (id, created_at, updated_at, division_code, kind, name, status, credit_risk_class, abnormal_list, licences, tags)
		VALUES (?, ?, ?, '370921', 'ENTERPRISE', ?, 'EXISTING', 'B', ?, '[]', '[]')`, id, now, now, "宁阳县伏山镇汶阳田种植专业合作社", false)
	for _, f := range []string{"汶", "汶阳", "汶阳田种植", "合作社"} {
		if !slices.Contains(find(f), id) {
			t.Errorf("index lookup %q misses a target inserted with plain SQL", f)
		}
	}
	exec("DELETE FROM targets WHERE id = ?", id)
	if slices.Contains(find("汶阳田种植"), id) {
		t.Error("a deleted target is still in the index")
	}
}

// TestNameCandidatesBroad: the estimate that chooses between the index and a plain LIKE.
func TestNameCandidatesBroad(t *testing.T) {
	ctx := context.Background()
	db := testutil.Open(t)
	if _, err := demo.Load(testutil.System(), db.Client, demo.Options{Targets: 40, Inspectors: 10}); err != nil {
		t.Fatal(err)
	}
	saved := store.BroadName
	defer func() { store.BroadName = saved }()
	for _, n := range []int{saved, 0} {
		store.BroadName = n
		for _, f := range []string{"宁", "宁阳", "宁阳县", "'a\\b%_&|!:*"} {
			broad, err := store.NameCandidatesBroad(ctx, entsql.OpenDB(db.Dialect, db.SQL), f)
			if err != nil {
				t.Fatalf("%q: %v", f, err)
			}
			// SQLite counts (no target has the last one), PostgreSQL estimates, never below one row.
			want := n == 0 && (db.Dialect == dialect.Postgres || f != "'a\\b%_&|!:*")
			if broad != want {
				t.Errorf("BroadName %d, %q: broad = %v", n, f, broad)
			}
		}
	}
}
