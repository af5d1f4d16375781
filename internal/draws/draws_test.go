package draws_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"github.com/ssgk/ssgk/internal/clock"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawevent"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/codes"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/txn"
)

// fixture is a joint task on the demo data: the market regulator (initiator, public-information
// item) and the health commission (public-places item), drawn from the market-entity library.
type fixture struct {
	w      *world.World
	ctx    context.Context
	client *ent.Client
	d      *draws.Drawer
	sqlDB  *sql.DB
	task   *ent.Task
	scjg   *ent.Department
	wj     *ent.Department
}

func fixedSecret() ([]byte, error) { return bytes.Repeat([]byte{0x5a}, draw.SecretSize), nil }

func setup(t *testing.T) *fixture {
	t.Helper()
	db := testutil.Open(t)
	ctx := testutil.System()
	// Every payload the test publishes is described by its type in package publish.
	t.Cleanup(func() {
		ps, err := db.Client.Publication.Query().All(ctx)
		if err != nil {
			t.Error(err)
		}
		for _, p := range ps {
			if err := publish.CheckRoundTrip(p); err != nil {
				t.Error(err)
			}
		}
	})
	if err := codes.Seed(ctx, db.Client); err != nil {
		t.Fatal(err)
	}
	w := world.Demo(t, db, demo.Options{Targets: 600, Inspectors: 150})
	// Experts without a certificate are keyed by their row id, which differs between databases
	// (sequences); the cross-database comparison below needs keys that do not.
	if err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		_, err := tx.Inspector.Delete().Where(inspector.IsExpert(true), inspector.CertificateNoIsNil()).Exec(ctx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	f := &fixture{w: w, ctx: ctx, client: db.Client, d: draws.New(db.Client).WithKeyDir(db.DataDir), scjg: w.SCJG, wj: w.WJ}
	f.d.NewSecret = fixedSecret
	f.sqlDB = db.SQL
	f.task = w.JointTask(world.Joint{Name: "2026年度企业公示信息与公共场所卫生联合抽查",
		Start: time.Date(2026, 9, 1, 0, 0, 0, 0, clock.CST), End: time.Date(2026, 9, 25, 0, 0, 0, 0, clock.CST), Strata: [4]int{4, 4, 3, 2}})
	return f
}

func code(err error) string { return apperr.CodeOf(err) }

func (f *fixture) confirm(t *testing.T) {
	t.Helper()
	f.w.Confirm("")
}

func (f *fixture) committed(t *testing.T) *ent.Draw {
	t.Helper()
	f.w.Announce(f.task.ID)
	f.confirm(t)
	return f.w.Commit(f.d, f.task.ID)
}

func TestDraw_WholeCycle(t *testing.T) {
	t.Parallel()
	f := setup(t)
	ctx, client := f.ctx, f.client

	// Not before the announcement, not without confirmed libraries.
	if _, err := f.d.Freeze(ctx, f.task.ID, ""); code(err) != tasks.CodeBadTransition {
		t.Fatalf("freeze of a draft task: %v", err)
	}
	if _, err := tasks.Announce(ctx, client, f.task.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.Freeze(ctx, f.task.ID, ""); code(err) != "LIBRARY_NOT_CONFIRMED" || !strings.Contains(err.Error(), "两库") {
		t.Fatalf("freeze without confirmation: %v", err)
	}
	if n := client.Draw.Query().CountX(ctx); n != 0 {
		t.Fatalf("refused freeze left %d draws", n)
	}
	f.confirm(t)
	dr, err := f.d.Freeze(ctx, f.task.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	libTargets := client.Target.Query().Where(target.HasLibrariesWith(targetlibrary.Code("MAIN"))).CountX(ctx)
	closed := client.Target.Query().Where(target.HasLibrariesWith(targetlibrary.Code("MAIN")), target.StatusNEQ(target.StatusEXISTING)).CountX(ctx)
	if dr.FrameSize != libTargets {
		t.Fatalf("frame size %d, library holds %d", dr.FrameSize, libTargets)
	}
	var excluded, recent int
	stored := client.Draw.GetX(ctx, dr.ID)
	for _, s := range stored.Parameters["strata"].([]any) {
		m := s.(map[string]any)
		n, _ := m["excludedByReason"].(map[string]any)["CLOSED"].(float64)
		excluded += int(n)
		r, _ := m["excludedByReason"].(map[string]any)["RECENTLY_INSPECTED"].(float64)
		recent += int(r)
	}
	since := time.Date(2026, 3, 1, 0, 0, 0, 0, clock.CST) // window start − 6 months
	wantRecent := client.Target.Query().Where(target.HasLibrariesWith(targetlibrary.Code("MAIN")), target.StatusEQ(target.StatusEXISTING),
		target.LastInspectedOnGTE(since)).CountX(ctx)
	if recent != wantRecent || recent == 0 {
		t.Fatalf("excluded as recently inspected %d, library has %d inspected since %s", recent, wantRecent, since)
	}
	if excluded != closed {
		t.Fatalf("excluded as closed %d, library has %d closed targets", excluded, closed)
	}

	// Entropy before the commitment is refused: the commitment must exist first.
	if _, err := f.d.Execute(ctx, dr.ID, "31415"); code(err) != draws.CodeBadState {
		t.Fatalf("execute before commit: %v", err)
	}
	if dr, err = f.d.Commit(ctx, dr.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.Commit(ctx, dr.ID); code(err) != draws.CodeAlreadyCommitted {
		t.Fatalf("second commit: %v", err)
	}
	if n := client.Publication.Query().Where(publication.KindEQ(publication.KindDRAW_COMMITMENT), publication.SubjectID(dr.ID)).CountX(ctx); n != 1 {
		t.Fatalf("%d commitment publications", n)
	}
	if tk := client.Task.GetX(ctx, f.task.ID); tk.AnnouncedTargetCount == nil || *tk.AnnouncedTargetCount != 13 {
		t.Fatalf("announced count %v", tk.AnnouncedTargetCount)
	}

	dr, err = f.d.Execute(ctx, dr.ID, "7 3 0 5 2 8 1 9 4 6")
	if err != nil {
		t.Fatal(err)
	}
	if dr.Status != entdraw.StatusDRAWN || dr.Seed == "" {
		t.Fatalf("after execute: %s %q", dr.Status, dr.Seed)
	}
	if _, err := f.d.Execute(ctx, dr.ID, "another"); code(err) != draws.CodeAlreadyDrawn {
		t.Fatalf("second execute: %v", err)
	}
	checkTickets(t, f, dr)
	teams := client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID)).WithMembers().WithTarget().
		Order(ent.Asc(inspectionteam.FieldID)).AllX(ctx)
	if len(teams) != 13 {
		t.Fatalf("%d teams, want 13", len(teams))
	}
	for _, tm := range teams {
		depts := map[int]int{}
		for _, m := range tm.Edges.Members {
			if !m.IsExpert {
				depts[m.DepartmentID]++
			}
		}
		if depts[f.scjg.ID] < 1 || depts[f.wj.ID] < 1 || depts[f.scjg.ID]+depts[f.wj.ID] < 2 {
			t.Fatalf("team of %s breaks the joint-task rule: %v", library.TargetKey(tm.Edges.Target), depts)
		}
	}

	// Recusal: the first team loses one member and is redrawn; the old team stays.
	first := teams[0]
	key := library.TargetKey(first.Edges.Target)
	gone := draws.InspectorKey(first.Edges.Members[0])
	if _, err := f.d.Recuse(ctx, dr.ID, key, []string{gone}, "KINSHIP", ""); code(err) != draws.CodeReasonRequired {
		t.Fatalf("recusal without reason: %v", err)
	}
	nt, err := f.d.Recuse(ctx, dr.ID, key, []string{gone}, "KINSHIP", "企业申请回避：检查人员系其近亲属")
	if err != nil {
		t.Fatal(err)
	}
	if nt.Version != 2 || nt.TargetID != first.TargetID {
		t.Fatalf("recused team: %+v", nt)
	}
	for _, m := range client.InspectionTeam.QueryMembers(nt).AllX(ctx) {
		if draws.InspectorKey(m) == gone {
			t.Fatal("recused inspector is still in the team")
		}
	}
	if st := client.InspectionTeam.GetX(ctx, first.ID).Status; st != inspectionteam.StatusRECUSED {
		t.Fatalf("old team status %s", st)
	}
	// Replacement: the second target, found closed, is replaced by the next in ticket order.
	second := teams[1]
	rt, err := f.d.Replace(ctx, dr.ID, library.TargetKey(second.Edges.Target), "CLOSED", "实地核查发现已注销")
	if err != nil {
		t.Fatal(err)
	}
	if rt.TargetID == second.TargetID || rt.Stratum != second.Stratum {
		t.Fatalf("replacement %+v for %+v", rt, second)
	}
	evs := client.DrawEvent.Query().Where(drawevent.DrawID(dr.ID)).Order(ent.Asc(drawevent.FieldSeq)).AllX(ctx)
	var kinds []string
	for _, e := range evs {
		kinds = append(kinds, string(e.Kind))
	}
	if got := strings.Join(kinds, ","); got != "FREEZE,COMMIT,DRAW,RECUSE,REPLACE" {
		t.Fatalf("events %s", got)
	}

	// No reveal, no bundle before every result is published.
	if _, err := f.d.Reveal(ctx, dr.ID); code(err) != draws.CodeResultsPending {
		t.Fatalf("reveal with results pending: %v", err)
	}
	if _, err := f.d.Bundle(ctx, dr.ID); code(err) != draws.CodeNotRevealed {
		t.Fatalf("bundle before reveal: %v", err)
	}
	publishAll(t, f, dr)
	if dr, err = f.d.Reveal(ctx, dr.ID); err != nil {
		t.Fatal(err)
	}
	b, err := f.d.Bundle(ctx, dr.ID)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var back draw.Bundle
	if err := json.Unmarshal(raw, &back); err != nil {
		t.Fatal(err)
	}
	if err := draw.Verify(&back); err != nil {
		t.Fatalf("bundle does not verify: %v", err)
	}
	if len(back.Outcome.Amendments) != 2 || back.Entropy != "7 3 0 5 2 8 1 9 4 6" {
		t.Fatalf("bundle amendments %d entropy %q", len(back.Outcome.Amendments), back.Entropy)
	}
	back.Entropy = "7 3 0 5 2 8 1 9 4 7"
	if err := draw.Verify(&back); err == nil {
		t.Fatal("a changed entropy digit still verifies")
	}

	// Append-only: no path deletes a draw, a team or an event, or rewrites the frozen inputs.
	for name, del := range map[string]func(tx *ent.Tx) error{
		"draw":     func(tx *ent.Tx) error { return tx.Draw.DeleteOneID(dr.ID).Exec(ctx) },
		"team":     func(tx *ent.Tx) error { return tx.InspectionTeam.DeleteOneID(first.ID).Exec(ctx) },
		"event":    func(tx *ent.Tx) error { _, err := tx.DrawEvent.Delete().Exec(ctx); return err },
		"snapshot": func(tx *ent.Tx) error { _, err := tx.DrawSnapshot.Delete().Exec(ctx); return err },
	} {
		if err := txn.Run(ctx, client, del); code(err) != draws.CodeAppendOnly {
			t.Errorf("%s: %v", name, err)
		}
	}

	// The teams were stored in bulk with digests computed in memory: the audit trail checks.
	rep, err := audit.Verify(ctx, client, nil)
	if err != nil || !rep.OK() {
		t.Fatalf("audit verify after the draw: %v %+v", err, rep.Problems)
	}

	// Same inputs, same outputs on every database: the demo data and the fixed secret give the
	// same frame root, commitment and seed on SQLite and on PostgreSQL (CI runs both).
	if dr.FrameRoot != "7be6fd06ade1193c4b88928df232fb250fee3540550bc1cdbba70f5a5af6f56f" ||
		dr.Seed != "4f9adf94c0a2b59700b27934f11edc4d6af2742082fa74249b32519aecd34acb" {
		t.Fatalf("frame root %s, seed %s differ from the values every database must give", dr.FrameRoot, dr.Seed)
	}
}

// checkTickets asserts that every team row of dr is stored against the target the draw drew:
// the row's ticket is the ticket of its target's key. A team written against the wrong row id
// fails it.
func checkTickets(t *testing.T, f *fixture, dr *ent.Draw) {
	t.Helper()
	seed, err := draw.ParseHash(dr.Seed)
	if err != nil {
		t.Fatal(err)
	}
	teams := f.client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID)).WithTarget().AllX(f.ctx)
	if len(teams) == 0 {
		t.Fatal("no teams stored")
	}
	for _, tm := range teams {
		if want := draw.Ticket(seed, tm.Stratum, library.TargetKey(tm.Edges.Target)).String(); tm.Ticket != want {
			t.Fatalf("team %d stored against %s, whose ticket is not the drawn one", tm.ID, library.TargetKey(tm.Edges.Target))
		}
	}
}

// A draw frozen by one process and drawn by another (a restart in between: the frozen targets'
// row ids are no longer at hand) stores its teams against the same targets.
func TestDraw_ExecuteAfterRestart(t *testing.T) {
	t.Parallel()
	f := setup(t)
	dr := f.committed(t)
	restarted := draws.New(f.client)
	restarted.SealKey = f.d.SealKey
	dr, err := restarted.Execute(f.ctx, dr.ID, "2 7 1 8 2 8")
	if err != nil {
		t.Fatal(err)
	}
	checkTickets(t, f, dr)
}

// publishAll stores a published result for every drawn target and department, as the results
// workflow would.
func publishAll(t *testing.T, f *fixture, dr *ent.Draw) {
	t.Helper()
	teams := f.client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).AllX(f.ctx)
	err := txn.Run(f.ctx, f.client, func(tx *ent.Tx) error {
		for _, tm := range teams {
			for _, dep := range []*ent.Department{f.scjg, f.wj} {
				if err := tx.Result.Create().SetTaskID(f.task.ID).SetTargetID(tm.TargetID).SetDepartmentID(dep.ID).
					SetTeamID(tm.ID).SetStatus("PUBLISHED").SetPublishedAt(time.Now()).Exec(f.ctx); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestDraw_ConcurrentCommitAndExecute(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if _, err := tasks.Announce(f.ctx, f.client, f.task.ID); err != nil {
		t.Fatal(err)
	}
	f.confirm(t)
	dr, err := f.d.Freeze(f.ctx, f.task.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	race := func(fn func() error) (ok int, codes []string) {
		var wg sync.WaitGroup
		var mu sync.Mutex
		for range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				err := fn()
				mu.Lock()
				defer mu.Unlock()
				if err == nil {
					ok++
				} else {
					codes = append(codes, code(err))
				}
			}()
		}
		wg.Wait()
		return ok, codes
	}
	ok, cs := race(func() error { _, err := f.d.Commit(f.ctx, dr.ID); return err })
	if ok != 1 {
		t.Fatalf("%d concurrent commits succeeded (%v)", ok, cs)
	}
	ok, cs = race(func() error { _, err := f.d.Execute(f.ctx, dr.ID, "12345"); return err })
	if ok != 1 {
		t.Fatalf("%d concurrent draws succeeded (%v)", ok, cs)
	}
	for _, c := range cs {
		if c != draws.CodeAlreadyDrawn && c != "TASK_BAD_STATE" {
			t.Fatalf("losing draw failed with %s", c)
		}
	}
	if n := f.client.InspectionTeam.Query().CountX(f.ctx); n != 13 {
		t.Fatalf("%d teams after concurrent draws, want 13", n)
	}
}

// A pool that cannot satisfy the team rules fails the draw naming the target and the rule; the
// attempt stays on record with its entropy, and only a new, reasoned freeze can follow.
func TestDraw_PoolExhaustedIsRecorded(t *testing.T) {
	t.Parallel()
	f := setup(t)
	if err := txn.Run(f.ctx, f.client, func(tx *ent.Tx) error {
		return tx.Task.UpdateOneID(f.task.ID).SetTeamSize(400).Exec(f.ctx)
	}); err != nil {
		t.Fatal(err)
	}
	dr := f.committed(t)
	_, err := f.d.Execute(f.ctx, dr.ID, "2026")
	var de *draw.Error
	if code(err) != draw.CodePoolExhausted || !errors.As(err, &de) || de.Target == "" || de.Rule == "" {
		t.Fatalf("execute with a short pool: %v", err)
	}
	got := f.client.Draw.GetX(f.ctx, dr.ID)
	if got.Status != entdraw.StatusSUPERSEDED || got.ExternalEntropy != "2026" || !strings.Contains(got.Reason, "抽取失败") {
		t.Fatalf("failed draw not on record: %s %q %q", got.Status, got.ExternalEntropy, got.Reason)
	}
	if n := f.client.InspectionTeam.Query().CountX(f.ctx); n != 0 {
		t.Fatalf("failed draw left %d teams", n)
	}
	if _, err := f.d.Execute(f.ctx, dr.ID, "2027"); code(err) != draws.CodeBadState {
		t.Fatalf("second entropy on a failed draw: %v", err)
	}
	if err := txn.Run(f.ctx, f.client, func(tx *ent.Tx) error {
		return tx.Task.UpdateOneID(f.task.ID).SetTeamSize(2).Exec(f.ctx)
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.Freeze(f.ctx, f.task.ID, ""); code(err) != draws.CodeReasonRequired {
		t.Fatalf("re-freeze without reason: %v", err)
	}
	again, err := f.d.Freeze(f.ctx, f.task.ID, "检查组人数设置有误，按 2 人重新冻结")
	if err != nil {
		t.Fatal(err)
	}
	if again.Seq != 2 || again.SupersedesID == nil || *again.SupersedesID != dr.ID {
		t.Fatalf("second draw %+v", again)
	}
}
