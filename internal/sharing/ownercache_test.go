package sharing_test

import (
	"context"
	"slices"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestOwnerCache_ExactAcrossChanges: the owners of targets are cached across reads, and every
// way memberships change — an ent mutation, raw SQL, a library moved to another department, a
// transaction committed after a read began — is seen by the next read, never a stale owner; an
// uncommitted change is not seen. On both databases (statement-level triggers on PostgreSQL,
// row-level ones on SQLite).
func TestOwnerCache_ExactAcrossChanges(t *testing.T) {
	db := testutil.Open(t)
	if db.Owners == nil {
		t.Fatalf("no owners cache on %s", db.Dialect)
	}
	sys := testutil.System()
	ctx := context.Background()
	do := func(f func(tx *ent.Tx) error) {
		t.Helper()
		if err := txn.Run(sys, db.Client, f); err != nil {
			t.Fatal(err)
		}
	}
	dep := func(code, name string) (d *ent.Department) {
		do(func(tx *ent.Tx) (err error) {
			d, err = tx.Department.Create().SetCode(code).SetName(name).Save(sys)
			return err
		})
		return d
	}
	a, b, c := dep("A", "甲局"), dep("B", "乙局"), dep("C", "丙局")
	lib := func(code string, d *ent.Department) (l *ent.TargetLibrary) {
		do(func(tx *ent.Tx) (err error) {
			l, err = tx.TargetLibrary.Create().SetCode(code).SetName(code).SetDepartmentID(d.ID).Save(sys)
			return err
		})
		return l
	}
	la, lb := lib("LA", a), lib("LB", b)
	var tg *ent.Target
	do(func(tx *ent.Tx) (err error) {
		tg, err = tx.Target.Create().SetName("某某公司").AddLibraryIDs(la.ID).Save(sys)
		return err
	})
	viewerOf := &viewer.Viewer{Kind: viewer.Token, DepartmentID: c.ID, Roles: []string{viewer.RoleDeptAdmin}}
	owners := func(step string, want ...int) {
		t.Helper()
		r := sharing.NewReader(db.Client, viewerOf)
		r.UseOwnerCache(db.Owners)
		got, err := r.Owners(ctx, ent.TypeTarget, tg)
		if err != nil {
			t.Fatal(err)
		}
		got = slices.Clone(got)
		slices.Sort(got)
		slices.Sort(want)
		if !slices.Equal(got, want) {
			t.Fatalf("%s: owners %v, want %v", step, got, want)
		}
	}
	owners("first read", a.ID)
	hits := db.Owners.Hits()
	owners("unchanged", a.ID)
	if db.Owners.Hits() != hits+1 {
		t.Fatalf("an unchanged membership was looked up again (hits %d → %d)", hits, db.Owners.Hits())
	}

	do(func(tx *ent.Tx) error { return tx.TargetLibrary.UpdateOne(lb).AddTargetIDs(tg.ID).Exec(sys) })
	owners("added to a second library", a.ID, b.ID)

	if _, err := db.SQL.ExecContext(ctx, "DELETE FROM target_library_targets WHERE target_library_id = $1", la.ID); err != nil {
		t.Fatal(err)
	}
	owners("removed by raw SQL", b.ID)

	if _, err := db.SQL.ExecContext(ctx, "UPDATE target_libraries SET department_id = $1 WHERE id = $2", c.ID, lb.ID); err != nil {
		t.Fatal(err)
	}
	owners("library moved to another department", c.ID)

	tx, err := db.SQL.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback() //nolint:errcheck
	if _, err := tx.ExecContext(ctx, "INSERT INTO target_library_targets (target_library_id, target_id) VALUES ($1, $2)", la.ID, tg.ID); err != nil {
		t.Fatal(err)
	}
	owners("change not committed yet", c.ID)
	owners("change not committed yet, cached", c.ID)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	owners("change committed", a.ID, c.ID)
}
