package tasks_test

import (
	"testing"
	"time"

	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
)

// TestUpdateDraft_SetsOrClearsEachColumn: editing a draft replaces its columns — each set or
// cleared, never both in one UPDATE (PostgreSQL refuses that) — and keeps its number.
func TestUpdateDraft_SetsOrClearsEachColumn(t *testing.T) {
	db := testutil.Open(t)
	ctx, c := testutil.System(), db.Client
	w := world.Demo(t, db, demo.Options{Targets: 50, Inspectors: 40})
	in := w.Input(world.Joint{Name: "x", Start: time.Date(2026, 12, 1, 0, 0, 0, 0, clock.CST), End: time.Date(2026, 12, 20, 0, 0, 0, 0, clock.CST),
		Strata: [4]int{1, 1, 1, 1}})
	in.ParticipantIDs, in.Items = nil, in.Items[:1] // SCJG alone
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
