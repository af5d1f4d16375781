package portal_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/draws"
	hubpkg "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/plans"
	"github.com/ssgk/ssgk/internal/portal"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/signing"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/viewer"
)

const headPassword = "负责人口令-2026"

// hub is the portal on the demo data after one run of the regime, built with the domain
// packages as internal/acceptance's TestYear_PlanToPublishedResult does through GraphQL: a
// published county-wide plan, a joint task of the market regulator (SCJG) and the health
// commission (WJ) announced, committed, drawn with dice digits, every result published (one with
// a problem found), the task closed, the draw revealed, and one result corrected with the head's
// signature.
type hub struct {
	db     *hubpkg.Hub
	url    string
	client *ent.Client

	taskNumber, planNumber string
	drawID                 int
	commitmentDigest       string
	entropy                string
	// problem is the target whose SCJG result found a problem and was then corrected.
	problem *ent.Target
	targets []*ent.Target // drawn
	itemS   *ent.InspectionItem
	clock   *clock.Fixed // the hub's business clock
}

func newHub(t *testing.T) *hub {
	t.Helper()
	fixed := clock.NewFixed(time.Date(2026, 1, 20, 10, 0, 0, 0, clock.CST))
	at := func(y, m, d int) { fixed.Move(time.Date(y, time.Month(m), d, 10, 0, 0, 0, clock.CST)) }
	db := testutil.Open(t, testutil.Options{Clock: fixed.Now})
	ctx := db.Context(viewer.NewContext(context.Background(), viewer.NewSystem("portal test")))
	c := db.Client
	must := func(what string, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
	w := world.Demo(t, db, demo.Options{Targets: 150, Inspectors: 150}, world.Operator("portal test"))
	h := &hub{db: db, client: c, entropy: "4 1 6 6 2 3 5 1 2 4", itemS: w.ItemS, clock: fixed}
	scjg, wj, itemW := w.SCJG, w.WJ, w.ItemW

	// January: the county-wide plan, filed and published.
	p, err := plans.Create(ctx, c, scjg.ID, 2026, "2026年度部门联合双随机抽查计划", true)
	must("plan", err)
	h.planNumber = p.Number
	b, err := plans.AddBatch(ctx, c, p.ID, plans.BatchInput{Seq: 1, Name: "第三季度联合抽查", Scope: "县域内企业",
		Start: time.Date(2026, 7, 1, 0, 0, 0, 0, clock.CST), End: time.Date(2026, 9, 30, 0, 0, 0, 0, clock.CST),
		InitiatorID: scjg.ID, ParticipantIDs: []int{wj.ID}, ItemIDs: []int{h.itemS.ID, itemW.ID}})
	must("batch", err)
	f, err := plans.Submit(ctx, c, p.ID)
	must("submit plan", err)
	_, err = plans.Decide(ctx, c, f.ID, true, "")
	must("file plan", err)
	_, err = plans.Publish(ctx, c, p.ID)
	must("publish plan", err)

	// August: the joint task, announced; the libraries confirmed; the draw.
	at(2026, 8, 20)
	tk := w.JointTask(world.Joint{BatchID: &b.ID, Name: "2026年第三季度企业公示信息与公共场所卫生部门联合抽查",
		Start: time.Date(2026, 9, 1, 0, 0, 0, 0, clock.CST), End: time.Date(2026, 9, 25, 0, 0, 0, 0, clock.CST), Strata: [4]int{1, 1, 1, 1}})
	h.taskNumber = tk.Number
	w.Announce(tk.ID)
	w.Confirm("")
	drawer := draws.New(c).WithKeyDir(db.DataDir)
	dr, _ := w.Draw(drawer, tk.ID, h.entropy)
	h.drawID, h.commitmentDigest = dr.ID, dr.CommitmentDigest

	// September–October: inspections, results entered, approved and published.
	at(2026, 9, 1)
	w.StartInspection(tk.ID)
	at(2026, 9, 28)
	teams := w.Teams(dr.ID)
	if len(teams) != 4 {
		t.Fatalf("%d teams drawn", len(teams))
	}
	end := time.Date(2026, 9, 25, 0, 0, 0, 0, clock.CST)
	input := func(tg *ent.Target, dep *ent.Department, it *ent.InspectionItem, problem bool) results.ResultInput {
		in := results.ResultInput{TaskID: tk.ID, TargetID: tg.ID, DepartmentID: dep.ID, InspectionEndDate: end,
			Summary: "实地核查", Codes: []string{"NO_PROBLEM"}, MethodCodes: []string{"ON_SITE"},
			Items: []results.ItemInput{{ItemID: it.ID, Checked: true}}}
		if problem {
			in.Codes = []string{"NOT_DISCLOSED"}
			in.Items[0].ProblemFound, in.Items[0].Problem = true, "年度报告未公示"
		}
		return in
	}
	var ids []int
	var problemResult int
	for i, tm := range teams {
		h.targets = append(h.targets, tm.Edges.Target)
		for _, in := range []results.ResultInput{input(tm.Edges.Target, scjg, h.itemS, i == 1), input(tm.Edges.Target, wj, itemW, false)} {
			r, err := results.Save(ctx, c, in)
			must("save result", err)
			_, err = results.Submit(ctx, c, r.ID)
			must("submit result", err)
			ids = append(ids, r.ID)
			if i == 1 && in.DepartmentID == scjg.ID {
				problemResult, h.problem = r.ID, tm.Edges.Target
			}
		}
	}
	at(2026, 10, 20)
	for _, id := range ids {
		_, err := results.Approve(ctx, c, id)
		must("approve", err)
		_, err = results.Publish(ctx, c, id, results.PublishOptions{})
		must("publish result", err)
	}
	_, err = drawer.CloseTask(ctx, tk.ID)
	must("close task", err)
	_, err = drawer.Reveal(ctx, dr.ID)
	must("reveal", err)

	// November: the problem result is corrected, signed by the head.
	at(2026, 11, 5)
	authSvc, err := auth.New(c, bytes.Repeat([]byte("p"), 32), auth.DefaultPolicy)
	must("auth", err)
	head, err := authSvc.CreateAccount(ctx, "scjg.head", "市场监管局负责人", headPassword, "SCJG", []string{viewer.RoleHead})
	must("head account", err)
	_, err = signing.Enroll(ctx, c, head.ID, headPassword)
	must("enroll", err)
	corr := input(h.problem, scjg, h.itemS, false)
	_, _, err = results.Correct(ctx, c, problemResult, results.CorrectionInput{Reason: "企业提交了已按时公示的证明，原结论有误", ResultInput: corr}, head.ID, headPassword)
	must("correct", err)

	// Until the transparency log assigns leaf indexes itself, the fixture numbers the leaves so
	// that the portal has leaf and proof links to show.
	pubs := c.Publication.Query().Order(ent.Asc(publication.FieldID)).AllX(ctx)
	var next int64
	for _, p := range pubs {
		if p.LedgerIndex != nil && *p.LedgerIndex >= next {
			next = *p.LedgerIndex + 1
		}
	}
	for _, p := range pubs {
		if p.LedgerIndex == nil {
			if _, err := db.SQL.Exec(fmt.Sprintf("UPDATE publications SET ledger_index = %d WHERE id = %d", next, p.ID)); err != nil {
				t.Fatalf("numbering leaves: %v", err)
			}
			next++
		}
	}

	srv := httptest.NewServer(portal.Handler(db))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}
