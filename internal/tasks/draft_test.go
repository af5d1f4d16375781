package tasks_test

import (
	"testing"
	"time"

	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/codes"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
)

// TestUpdateDraft_SetsOrClearsEachColumn: editing a draft replaces its columns — each set or
// cleared, never both in one UPDATE (PostgreSQL refuses that) — and keeps its number.
func TestUpdateDraft_SetsOrClearsEachColumn(t *testing.T) {
	db := testutil.Open(t)
	ctx := testutil.System()
	if err := codes.Seed(ctx, db.Client); err != nil {
		t.Fatal(err)
	}
	w := world.Demo(t, db, demo.Options{Targets: 50, Inspectors: 40})
	c, scjg := db.Client, w.SCJG
	in := tasks.Input{InitiatorID: scjg.ID, Name: "x", WindowStart: time.Date(2026, 12, 1, 0, 0, 0, 0, clock.CST), WindowEnd: time.Date(2026, 12, 20, 0, 0, 0, 0, clock.CST),
		Items: []tasks.ItemRef{{DepartmentID: scjg.ID, ItemID: w.ItemS.ID}}, LibraryIDs: []int{w.Library},
		Strata: []tasks.Stratum{{Name: "A", Count: 1}, {Name: "B", Count: 1}, {Name: "C", Count: 1}, {Name: "D", Count: 1}}}
	tk, err := tasks.Create(ctx, c, in)
	if err != nil {
		t.Fatal(err)
	}
	in.Name = "y"
	in.Strata = []tasks.Stratum{{Name: "A", Count: 2}, {Name: "B"}, {Name: "C"}, {Name: "D"}}
	u, err := tasks.UpdateDraft(ctx, c, tk.ID, in)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	if u.Name != "y" || u.Number != tk.Number || u.BatchID != nil || u.Strata["A"] == nil {
		t.Fatalf("updated %+v", u)
	}
}
