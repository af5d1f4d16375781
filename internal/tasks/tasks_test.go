package tasks_test

import (
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/viewer"
)

func TestTasks_CreateAnnounceAndStateMachine(t *testing.T) {
	db := testutil.Open(t)
	ctx := testutil.System()
	w := world.Demo(t, db, demo.Options{Targets: 50, Inspectors: 40})
	c, scjg, wj := db.Client, w.SCJG, w.WJ
	base := w.Input(world.Joint{Name: "联合抽查", Start: time.Date(2026, 9, 1, 0, 0, 0, 0, clock.CST), End: time.Date(2026, 9, 30, 0, 0, 0, 0, clock.CST),
		Strata: [4]int{1, 0, 0, 2}})
	base.Strata[1].RatioPPM = 50_000

	refused := []struct {
		name string
		edit func(*tasks.Input)
		code string
	}{
		{"no items", func(in *tasks.Input) { in.Items = nil }, tasks.CodeInvalid},
		{"participant without items", func(in *tasks.Input) { in.Items = in.Items[:1] }, tasks.CodeInvalid},
		{"item of another department", func(in *tasks.Input) { in.Items[1].DepartmentID = scjg.ID }, tasks.CodeInvalid},
		{"window backwards", func(in *tasks.Input) { in.WindowEnd = in.WindowStart.AddDate(0, 0, -1) }, tasks.CodeInvalid},
		{"no library", func(in *tasks.Input) { in.LibraryIDs = nil }, tasks.CodeInvalid},
		{"targeted without scope", func(in *tasks.Input) { in.Kind = task.KindTARGETED }, tasks.CodeInvalid},
		{"unknown stratification", func(in *tasks.Input) { in.StratifyBy = []string{"size"} }, tasks.CodeInvalid},
		// No silent defaults: every credit-risk stratum is named (zero included).
		{"no strata", func(in *tasks.Input) { in.Strata = nil }, tasks.CodeStrataIncomplete},
		{"a stratum left out", func(in *tasks.Input) { in.Strata = in.Strata[:3] }, tasks.CodeStrataIncomplete},
		{"an unknown stratum", func(in *tasks.Input) { in.Strata = append(in.Strata[:3:3], tasks.Stratum{Name: "E", Count: 1}) }, tasks.CodeStrataIncomplete},
	}
	for _, r := range refused {
		in := base
		in.Items = append([]tasks.ItemRef(nil), base.Items...)
		r.edit(&in)
		if _, err := tasks.Create(ctx, c, in); apperr.CodeOf(err) != r.code {
			t.Errorf("%s: got %v, want %s", r.name, err, r.code)
		}
	}
	if n := c.Task.Query().CountX(ctx); n != 0 {
		t.Fatalf("refused creates left %d tasks", n)
	}

	tk, err := tasks.Create(ctx, c, base)
	if err != nil {
		t.Fatal(err)
	}
	if tk.Number != "37092120260001" || tk.Status != task.StatusDRAFT {
		t.Fatalf("task %s %s", tk.Number, tk.Status)
	}
	second, err := tasks.Create(ctx, c, base)
	if err != nil || second.Number != "37092120260002" {
		t.Fatalf("second task %v %v", second, err)
	}
	// Another department may not announce the initiator's task.
	other := testutil.As(&viewer.Viewer{Kind: viewer.Account, Name: "wj", DepartmentID: wj.ID, Roles: []string{viewer.RoleDeptAdmin}})
	if _, err := tasks.Announce(other, c, tk.ID); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("announce by a participant: %v", err)
	}
	// Illegal moves are refused with the state named.
	if _, err := tasks.StartInspection(ctx, c, tk.ID); apperr.CodeOf(err) != tasks.CodeBadTransition {
		t.Fatalf("draft → inspecting: %v", err)
	}
	if tk, err = tasks.Announce(ctx, c, tk.ID); err != nil {
		t.Fatal(err)
	}
	if tk.Status != task.StatusANNOUNCED || tk.AnnouncedAt == nil {
		t.Fatalf("announced %s %v", tk.Status, tk.AnnouncedAt)
	}
	if _, err := tasks.Announce(ctx, c, tk.ID); apperr.CodeOf(err) != tasks.CodeBadTransition {
		t.Fatalf("second announcement: %v", err)
	}
	pub := c.Publication.Query().Where(publication.KindEQ(publication.KindTASK_ANNOUNCEMENT), publication.SubjectID(tk.ID)).OnlyX(ctx)
	if pub.Payload["number"] != tk.Number || pub.Payload["joint"] != true || len(pub.Payload["items"].([]any)) != 2 {
		t.Fatalf("announcement payload %v", pub.Payload)
	}
	if _, ok := pub.Payload["targets"]; ok {
		t.Fatal("the announcement names targets")
	}
	if tk, err = tasks.Cancel(ctx, c, tk.ID); err != nil || tk.Status != task.StatusCANCELLED {
		t.Fatalf("cancel: %v", err)
	}
	for _, to := range []task.Status{task.StatusANNOUNCED, task.StatusDRAWN, task.StatusCLOSED} {
		if tasks.CanMove(task.StatusCANCELLED, to) {
			t.Fatalf("a cancelled task may move to %s", to)
		}
	}
	if tasks.CanMove(task.StatusDRAWN, task.StatusCANCELLED) || tasks.CanMove(task.StatusDRAWN, task.StatusFROZEN) {
		t.Fatal("a drawn task may be cancelled or re-frozen")
	}
}
