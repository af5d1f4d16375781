package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"image"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/accesslog"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/leadcluster"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/leads"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/plans"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestRegime_DepartmentInitiatesJointTask: the health commission's administrator (a DEPT_ADMIN
// token of WJ) creates a joint task with the market regulator as participant, choosing SCJG's
// item from its published list, and announces it; the answer carries the new state.
func TestRegime_DepartmentInitiatesJointTask(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	ctx, c := h.sys, h.db.Client
	scjg, wj := h.deps["SCJG"], h.deps["WJ"]
	h.clock.Move(day(2026, 8, 20).Add(10 * time.Hour))
	b, err := c.PlanBatch.Query().Where(planbatch.HasPlanWith(plan.StatusEQ(plan.StatusPUBLISHED))).
		WithItems(func(q *ent.InspectionItemQuery) { q.WithItemList() }).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	batch := b.ID
	// The initiator chooses the participant's items from the batch (items of published lists).
	item := func(dep *ent.Department) int {
		for _, it := range b.Edges.Items {
			if it.Edges.ItemList.DepartmentID == dep.ID {
				return it.ID
			}
		}
		t.Fatalf("the batch has no item of %s", dep.Code)
		return 0
	}
	lib, err := c.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(scjg.ID)).FirstID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admin := h.token("WJ", viewer.RoleDeptAdmin)
	create := `mutation($in: TaskInput!){ createTask(input:$in){ id status initiator { code } participants { code } } }`
	in := map[string]any{"batchID": batch, "initiatorID": wj.ID, "participantIDs": []int{scjg.ID}, "name": "卫健局牵头的公共场所联合抽查",
		"windowStart": "2026-09-01T00:00:00+08:00", "windowEnd": "2026-09-20T00:00:00+08:00",
		"items":      []map[string]any{{"departmentID": wj.ID, "itemID": item(wj)}, {"departmentID": scjg.ID, "itemID": item(scjg)}},
		"libraryIDs": []int{lib}, "strata": []map[string]any{{"name": "A", "count": 1}, {"name": "B", "count": 1}, {"name": "C", "count": 1}, {"name": "D", "count": 1}}}
	r := h.gql(admin, create, map[string]any{"in": in})
	if len(r.Errors) > 0 {
		t.Fatalf("WJ creates a joint task: %s", r.Raw)
	}
	var tk struct {
		ID, Status   string
		Initiator    struct{ Code string }
		Participants []struct{ Code string }
	}
	r.into(t, "createTask", &tk)
	if tk.Status != "DRAFT" || tk.Initiator.Code != "WJ" || len(tk.Participants) != 1 || tk.Participants[0].Code != "SCJG" {
		t.Fatalf("created %+v", tk)
	}
	// The participant cannot announce another department's task; the initiator can.
	if r := h.gql(h.token("SCJG", viewer.RoleDeptAdmin), `mutation($t:ID!){ announceTask(id:$t){ status } }`, map[string]any{"t": tk.ID}); !r.has("FORBIDDEN") {
		t.Fatalf("SCJG announces WJ's task: %s", r.Raw)
	}
	r = h.gql(admin, `mutation($t:ID!){ announceTask(id:$t){ status announcedAt } }`, map[string]any{"t": tk.ID})
	var ann struct {
		Status      string
		AnnouncedAt *time.Time
	}
	r.into(t, "announceTask", &ann)
	if ann.Status != "ANNOUNCED" || ann.AnnouncedAt == nil {
		t.Fatalf("announceTask answered %s", r.Raw)
	}
}

// TestRegime_NeverEnteredTargetsAreOverdueEverywhere: the ongoing joint task's window ended on
// 25 September; by 20 November (past the 29 October deadline) every drawn target without a
// published result is overdue — in resultsDue, onTimeRate and dutyRecords alike, for both
// departments, although WJ never entered anything.
func TestRegime_NeverEnteredTargetsAreOverdueEverywhere(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	office := h.token("SCJG", viewer.RoleOffice)
	type onTime struct {
		DepartmentCode string
		Overdue        int
	}
	type duty struct {
		InspectorID        int
		DepartmentID       int
		OverdueUnpublished int
	}
	measure := func() (map[string]int, map[int]int) {
		var ot []onTime
		h.gql(office, `{ onTimeRate(year:2026){ departmentCode overdue } }`, nil).into(t, "onTimeRate", &ot)
		byDep := map[string]int{}
		for _, o := range ot {
			byDep[o.DepartmentCode] = o.Overdue
		}
		var ds []duty
		h.gql(office, `{ dutyRecords(year:2026){ inspectorID departmentID overdueUnpublished } }`, nil).into(t, "dutyRecords", &ds)
		byInsp := map[int]int{}
		for _, d := range ds {
			byInsp[d.InspectorID] = d.OverdueUnpublished
		}
		return byDep, byInsp
	}
	depsBefore, inspBefore := measure()
	og := h.ongoingTask()

	// resultsDue lists the task's 6 targets for each department: SCJG's draft and pending
	// results with their ids, the rest as not inspected, with no status.
	var due []struct {
		DepartmentID int
		Overdue      []struct {
			ResultID     int
			NotInspected bool
			TaskID       int
			Status       *string
			DueDate      time.Time
		}
	}
	h.gql(office, `{ resultsDue(soonDays:5){ departmentID overdue { resultID notInspected taskID status dueDate } } }`, nil).into(t, "resultsDue", &due)
	type tally struct{ entered, missing int }
	got := map[int]tally{}
	for _, d := range due {
		for _, e := range d.Overdue {
			if e.TaskID != og.TaskID {
				continue
			}
			if e.DueDate.In(clock.CST).Format("2006-01-02") != "2026-10-29" {
				t.Errorf("due date %v, want 2026-10-29", e.DueDate)
			}
			x := got[d.DepartmentID]
			if e.NotInspected {
				if e.ResultID != 0 || e.Status != nil {
					t.Errorf("not inspected entry %+v", e)
				}
				x.missing++
			} else {
				x.entered++
			}
			got[d.DepartmentID] = x
		}
	}
	scjg, wj := h.deps["SCJG"], h.deps["WJ"]
	if got[scjg.ID] != (tally{2, 4}) || got[wj.ID] != (tally{0, 6}) {
		t.Fatalf("resultsDue of the task: SCJG %+v, WJ %+v", got[scjg.ID], got[wj.ID])
	}

	// onTimeRate: both departments have 6 more overdue.
	depsAfter, inspAfter := measure()
	if depsAfter["SCJG"]-depsBefore["SCJG"] != 6 || depsAfter["WJ"]-depsBefore["WJ"] != 6 {
		t.Fatalf("onTimeRate overdue: before %v, after %v", depsBefore, depsAfter)
	}
	// dutyRecords: every officer of a team has one more overdue per target of the task.
	teams, err := h.db.Client.InspectionTeam.Query().Where(inspectionteam.DrawID(og.DrawID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		WithMembers().All(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	want := map[int]int{}
	for _, tm := range teams {
		for _, m := range tm.Edges.Members {
			want[m.ID]++
		}
	}
	for id, n := range want {
		if d := inspAfter[id] - inspBefore[id]; d != n {
			t.Errorf("inspector %d: overdue unpublished +%d, want +%d", id, d, n)
		}
	}
}

// TestRegime_EvidenceDownload: GET /evidence/{id} hands out the file under the read rule of the
// record's fields — the owning department, another department only with an approved grant of
// group "evidence", the public never — and logs the cross-department download.
func TestRegime_EvidenceDownload(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	ctx, c := h.sys, h.db.Client
	og := h.ongoingTask()
	img := image.NewRGBA(image.Rect(0, 0, 4, 4))
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	ev, err := results.AddEvidence(ctx, c, og.DraftID, "现场照片.png", "image/png", bytes.NewReader(buf.Bytes()), h.db.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	for _, step := range []func(context.Context, *ent.Client, int) (*ent.Result, error){results.Submit, results.Approve} {
		if _, err := step(ctx, c, og.DraftID); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := results.Publish(ctx, c, og.DraftID, results.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	get := func(token string) (int, []byte, http.Header) {
		req, _ := http.NewRequest(http.MethodGet, fmt.Sprintf("%s/evidence/%d", h.url, ev.ID), nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b, resp.Header
	}
	if st, _, _ := get(""); st != http.StatusUnauthorized {
		t.Fatalf("public download: %d", st)
	}
	st, body, hdr := get(h.token("SCJG", viewer.RoleInspector))
	if st != http.StatusOK || !bytes.Equal(body, buf.Bytes()) || hdr.Get("Content-Type") != "image/png" ||
		!strings.Contains(hdr.Get("Content-Disposition"), "attachment") {
		t.Fatalf("owner download: %d %v", st, hdr)
	}
	wj := h.token("WJ", viewer.RoleDeptAdmin)
	if st, body, _ := get(wj); st != http.StatusForbidden && st != http.StatusNotFound {
		t.Fatalf("WJ without a grant: %d %s", st, body)
	}
	logs := c.AccessLog.Query().Where(accesslog.OwnerID(h.deps["SCJG"].ID), accesslog.EntityType(ent.TypeEvidence)).CountX(ctx)
	h.grant("WJ", "SCJG", "evidence")
	if st, body, _ := get(wj); st != http.StatusOK || !bytes.Equal(body, buf.Bytes()) {
		t.Fatalf("WJ with a grant: %d %s", st, body)
	}
	if n := c.AccessLog.Query().Where(accesslog.OwnerID(h.deps["SCJG"].ID), accesslog.EntityType(ent.TypeEvidence)).CountX(ctx); n != logs+1 {
		t.Fatalf("access log entries for evidence: %d, want %d", n, logs+1)
	}
	if st, _, _ := get(h.token("SCJG", viewer.RoleInspector)); st != http.StatusOK {
		t.Fatal("owner download after the grant")
	}
}

// TestRegime_DepartmentManagesItsAccounts: WJ's administrator gives the department a head
// (who can then log in), issues and revokes a token, and can neither hand out a role above a
// department's nor touch another department's accounts.
func TestRegime_DepartmentManagesItsAccounts(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	wj, scjg := h.deps["WJ"], h.deps["SCJG"]
	admin := h.token("WJ", viewer.RoleDeptAdmin)
	create := `mutation($in: AccountInput!){ createAccount(input:$in){ id username } }`
	in := func(user string, dep int, roles ...string) map[string]any {
		return map[string]any{"in": map[string]any{"username": user, "displayName": "卫健局负责人", "password": "负责人口令-2026",
			"departmentID": dep, "roles": roles}}
	}
	if r := h.gql(admin, create, in("wj.head", wj.ID, viewer.RoleHead)); len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	if _, _, _, err := h.auth.Login(h.sys, "wj.head", "负责人口令-2026"); err != nil {
		t.Fatalf("the new head logs in: %v", err)
	}
	if r := h.gql(admin, create, in("wj.office", wj.ID, viewer.RoleOffice)); !r.has("ROLE_NOT_GRANTABLE") {
		t.Fatalf("a department administrator grants OFFICE: %s", r.Raw)
	}
	if r := h.gql(admin, create, in("scjg.x", scjg.ID, viewer.RoleInspector)); !r.has("FORBIDDEN") {
		t.Fatalf("WJ creates an SCJG account: %s", r.Raw)
	}
	var issued struct {
		Token    string
		APIToken struct{ ID string } `json:"apiToken"`
	}
	r := h.gql(admin, `mutation($d:ID!){ createApiToken(departmentID:$d, name:"卫健业务系统", roles:["INSPECTOR"]){ token apiToken { id } } }`,
		map[string]any{"d": wj.ID})
	r.into(t, "createApiToken", &issued)
	if r := h.gql(issued.Token, `{ viewer { kind } }`, nil); len(r.Errors) > 0 {
		t.Fatalf("the new token: %s", r.Raw)
	}
	if r := h.gql(admin, `mutation($id:ID!){ revokeApiToken(id:$id){ id } }`, map[string]any{"id": issued.APIToken.ID}); len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	if r := h.gql(issued.Token, `{ viewer { kind } }`, nil); r.Status == http.StatusOK && len(r.Errors) == 0 {
		t.Fatalf("a revoked token still works: %s", r.Raw)
	}
}

// TestRegime_ConsistencyChecksRefused: a task must fit the current published plan, and the
// lists and batches their rules — each refusal with its own code.
func TestRegime_ConsistencyChecksRefused(t *testing.T) {
	t.Parallel()
	newDemoHub(t).consistencyChecksRefused(t)
}

// consistencyChecksRefused runs the consistency checks of TestRegime_ConsistencyChecksRefused on
// h (also the last step of the year test); it moves the business clock to 20 August 2026.
func (h *hub) consistencyChecksRefused(t *testing.T) {
	ctx, c := h.sys, h.db.Client
	scjg := h.deps["SCJG"]
	h.clock.Move(day(2026, 8, 20).Add(10 * time.Hour))
	b, err := c.PlanBatch.Query().Where(planbatch.HasPlanWith(plan.StatusEQ(plan.StatusPUBLISHED), plan.DepartmentID(scjg.ID))).
		WithItems(func(q *ent.InspectionItemQuery) { q.WithItemList() }).WithPlan().First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var inBatch, notInBatch int
	named := map[int]bool{}
	for _, it := range b.Edges.Items {
		named[it.ID] = true
		if it.Edges.ItemList.DepartmentID == scjg.ID {
			inBatch = it.ID
		}
	}
	others, err := c.InspectionItem.Query().Where(inspectionitem.HasItemListWith(itemlist.DepartmentID(scjg.ID),
		itemlist.StatusEQ(itemlist.StatusPUBLISHED))).All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range others {
		if !named[it.ID] {
			notInBatch = it.ID
		}
	}
	if inBatch == 0 || notInBatch == 0 {
		t.Fatalf("fixture: item in batch %d, not in batch %d", inBatch, notInBatch)
	}
	lib, err := c.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(scjg.ID)).FirstID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	office := h.token("SCJG", viewer.RoleOffice)
	create := func(batch int, start, end string, item int) gqlResponse {
		return h.gql(office, `mutation($in: TaskInput!){ createTask(input:$in){ id } }`, map[string]any{"in": map[string]any{
			"batchID": batch, "initiatorID": scjg.ID, "name": "一致性检查", "windowStart": start + "T00:00:00+08:00", "windowEnd": end + "T00:00:00+08:00",
			"items": []map[string]any{{"departmentID": scjg.ID, "itemID": item}}, "libraryIDs": []int{lib},
			"strata": []map[string]any{{"name": "A", "count": 1}, {"name": "B", "count": 1}, {"name": "C", "count": 1}, {"name": "D", "count": 1}}}})
	}
	refused := func(what, code string, r gqlResponse) {
		t.Helper()
		if !r.has(code) {
			t.Errorf("%s: want %s, got %s", what, code, r.Raw)
		}
	}
	refused("window in the past", "TASK_WINDOW_PAST", create(b.ID, "2026-07-01", "2026-07-31", inBatch))
	refused("window outside the batch", "TASK_WINDOW_OUTSIDE_BATCH", create(b.ID, "2026-09-01", "2026-10-15", inBatch))
	refused("item not in the batch", "TASK_ITEM_NOT_IN_BATCH", create(b.ID, "2026-09-01", "2026-09-20", notInBatch))
	okTask := create(b.ID, "2026-09-01", "2026-09-20", inBatch)
	if len(okTask.Errors) > 0 {
		t.Fatalf("a consistent task: %s", okTask.Raw)
	}
	var created struct{ ID string }
	okTask.into(t, "createTask", &created)

	// The libraries' confirmation is bound to their content: a target changed after it needs a
	// new confirmation before the draw.
	h.gql(office, `mutation($id:ID!){ announceTask(id:$id){ status } }`, map[string]any{"id": created.ID})
	if _, err := library.Confirm(ctx, c, scjg.ID, "一致性检查", 0); err != nil {
		t.Fatal(err)
	}
	tg, err := c.TargetLibrary.Query().Where(targetlibrary.ID(lib)).QueryTargets().First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := txn.Run(ctx, c, func(tx *ent.Tx) error {
		return tx.Target.UpdateOneID(tg.ID).SetName(tg.Name + "（已更名）").Exec(ctx)
	}); err != nil {
		t.Fatal(err)
	}
	refused("libraries changed after their confirmation", library.CodeChangedSinceConfirmation,
		h.gql(office, `mutation($t:ID!){ freezeDraw(taskID:$t){ id } }`, map[string]any{"t": created.ID}))
	if _, err := library.Confirm(ctx, c, scjg.ID, "一致性检查：重新确认", 0); err != nil {
		t.Fatal(err)
	}
	if r := h.gql(office, `mutation($t:ID!){ freezeDraw(taskID:$t){ id } }`, map[string]any{"t": created.ID}); len(r.Errors) > 0 {
		t.Fatalf("freeze after a new confirmation: %s", r.Raw)
	}

	// The plan is adjusted and the new version published: the old version's batch is refused.
	adj, err := plans.Adjust(ctx, c, b.PlanID, "一致性检查：调整计划")
	if err != nil {
		t.Fatal(err)
	}
	f, err := plans.Submit(ctx, c, adj.ID)
	if err == nil {
		_, err = plans.Decide(ctx, c, f.ID, true, "")
	}
	if err == nil {
		_, err = plans.Publish(ctx, c, adj.ID)
	}
	if err != nil {
		t.Fatal(err)
	}
	refused("batch of a superseded plan", "TASK_BATCH_SUPERSEDED", create(b.ID, "2026-09-01", "2026-09-20", inBatch))

	// A plan batch above the cap of a general item; a key item with a cap; a list version
	// chained to another department's list.
	general, err := c.InspectionItem.Query().Where(inspectionitem.CategoryEQ(inspectionitem.CategoryGENERAL), inspectionitem.RatioMaxNotNil(),
		inspectionitem.HasItemListWith(itemlist.StatusEQ(itemlist.StatusPUBLISHED))).WithItemList().First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	dp, err := plans.Create(ctx, c, general.Edges.ItemList.DepartmentID, 2027, "一致性检查计划", false)
	if err != nil {
		t.Fatal(err)
	}
	over := *general.RatioMax + 0.1
	_, err = plans.AddBatch(ctx, c, dp.ID, plans.BatchInput{Seq: 1, Name: "超过上限的批次", Scope: "县域", PlannedRatio: &over,
		Start: day(2027, 3, 1), End: day(2027, 3, 31), InitiatorID: general.Edges.ItemList.DepartmentID, ItemIDs: []int{general.ID}})
	if apperr.CodeOf(err) != lists.CodeRatioOverCap {
		t.Errorf("batch over the cap: %v", err)
	}
	nv, err := lists.NewVersion(ctx, c, scjg.ID, "", "一致性检查")
	if err != nil {
		t.Fatal(err)
	}
	key, err := c.InspectionItem.Query().Where(inspectionitem.ItemListID(nv.ID), inspectionitem.CategoryEQ(inspectionitem.CategoryKEY)).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = txn.Run(ctx, c, func(tx *ent.Tx) error { return tx.InspectionItem.UpdateOneID(key.ID).SetRatioMax(0.5).Exec(ctx) })
	if apperr.CodeOf(err) != lists.CodeKeyItemRatioCap {
		t.Errorf("key item with a cap: %v", err)
	}
	wjList, err := c.ItemList.Query().Where(itemlist.DepartmentID(h.deps["WJ"].ID)).FirstID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	err = txn.Run(ctx, c, func(tx *ent.Tx) error { return tx.ItemList.UpdateOneID(nv.ID).SetPreviousID(wjList).Exec(ctx) })
	if apperr.CodeOf(err) != lists.CodePreviousOtherDepartment {
		t.Errorf("list chained to another department's: %v", err)
	}
}

// TestRegime_SpecialTaskFromLeads: three complaints about three enterprises of one industry on
// one item make a cluster; the office turns it into a special task that names those targets.
// The draw skips target sampling — every named target gets a team — while the inspectors are
// drawn with every team rule (two officers at least); the announcement says it is special and
// how many targets, not which ones.
func TestRegime_SpecialTaskFromLeads(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	ctx, c := h.sys, h.db.Client
	scjg := h.deps["SCJG"]
	h.clock.Move(day(2026, 8, 20).Add(10 * time.Hour))
	item, err := c.InspectionItem.Query().Where(inspectionitem.Name("企业公示信息的检查"),
		inspectionitem.HasItemListWith(itemlist.DepartmentID(scjg.ID), itemlist.StatusEQ(itemlist.StatusPUBLISHED))).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := c.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(scjg.ID)).OnlyID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	named, err := c.TargetLibrary.Query().Where(targetlibrary.ID(lib)).QueryTargets().
		Where(target.UsccNotNil(), target.StatusEQ(target.StatusEXISTING)).Limit(3).All(ctx)
	if err != nil || len(named) != 3 {
		t.Fatalf("targets: %d, %v", len(named), err)
	}
	for i, tg := range named {
		if _, err := leads.Receive(ctx, c, leads.LeadInput{Source: "COMPLAINT", Summary: fmt.Sprintf("投诉：年报信息不实 %d", i),
			ItemID: item.ID, IndustryCode: "9999", TargetUSCC: *tg.Uscc}); err != nil {
			t.Fatal(err)
		}
	}
	cl, err := c.LeadCluster.Query().Where(leadcluster.Value("9999")).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tk, err := leads.AcceptCluster(ctx, c, cl.ID, scjg.ID, day(2026, 9, 1), day(2026, 9, 20))
	if err != nil {
		t.Fatal(err)
	}
	if !tk.Special || len(tk.NamedTargetIds) != 3 || tk.TargetReason == "" {
		t.Fatalf("special task %+v", tk)
	}
	if _, err := tasks.Announce(ctx, c, tk.ID); err != nil {
		t.Fatal(err)
	}
	pub, err := c.Publication.Query().Where(publication.KindEQ(publication.KindTASK_ANNOUNCEMENT), publication.SubjectID(tk.ID)).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if pub.Payload["special"] != true || pub.Payload["namedTargetCount"] != float64(3) && pub.Payload["namedTargetCount"] != 3 {
		t.Fatalf("announcement payload %v", pub.Payload)
	}
	raw, _ := json.Marshal(pub.Payload)
	for _, tg := range named {
		if strings.Contains(string(raw), *tg.Uscc) || strings.Contains(string(raw), tg.Name) {
			t.Fatalf("the announcement names a target: %s", raw)
		}
	}
	if _, err := library.Confirm(ctx, c, scjg.ID, "专项检查", 0); err != nil {
		t.Fatal(err)
	}
	drawer := draws.New(c).WithKeyDir(h.db.DataDir)
	dr, err := drawer.Freeze(ctx, tk.ID, "")
	if err == nil {
		dr, err = drawer.Commit(ctx, dr.ID)
	}
	if err == nil {
		dr, err = drawer.Execute(ctx, dr.ID, "2 7 1 8 2 8")
	}
	if err != nil {
		t.Fatal(err)
	}
	teams, err := c.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		WithMembers().All(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int]bool{}
	for _, tm := range teams {
		got[tm.TargetID] = true
		officers := 0
		for _, m := range tm.Edges.Members {
			if !m.IsExpert {
				officers++
			}
		}
		if officers < 2 {
			t.Errorf("team of target %d has %d officers", tm.TargetID, officers)
		}
	}
	if len(teams) != 3 || !got[named[0].ID] || !got[named[1].ID] || !got[named[2].ID] {
		t.Fatalf("teams %d for targets %v", len(teams), got)
	}
}

// TestRegime_DraftTasksEditedAndDeleted: a draft task is edited (everything but its number) and
// deleted through GraphQL, each write on the audit trail; once announced it is neither.
func TestRegime_DraftTasksEditedAndDeleted(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	ctx, c := h.sys, h.db.Client
	scjg := h.deps["SCJG"]
	items, err := c.InspectionItem.Query().Where(inspectionitem.HasItemListWith(itemlist.DepartmentID(scjg.ID),
		itemlist.StatusEQ(itemlist.StatusPUBLISHED))).Limit(2).IDs(ctx)
	if err != nil || len(items) != 2 {
		t.Fatalf("items %v %v", items, err)
	}
	lib, err := c.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(scjg.ID)).OnlyID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admin := h.token("SCJG", viewer.RoleDeptAdmin)
	input := func(name string, item int) map[string]any {
		return map[string]any{"initiatorID": scjg.ID, "name": name, "windowStart": "2026-12-01T00:00:00+08:00", "windowEnd": "2026-12-20T00:00:00+08:00",
			"items": []map[string]any{{"departmentID": scjg.ID, "itemID": item}}, "libraryIDs": []int{lib},
			"strata": []map[string]any{{"name": "A", "count": 1}, {"name": "B", "count": 1}, {"name": "C", "count": 1}, {"name": "D", "count": 1}}}
	}
	type tk struct {
		ID, Number, Name string
		TaskItems        struct {
			Edges []struct {
				Node struct{ Item struct{ ID string } }
			}
		} `json:"taskItems"`
	}
	var a, b tk
	h.gql(admin, `mutation($in: TaskInput!){ createTask(input:$in){ id number name } }`, map[string]any{"in": input("草稿一", items[0])}).into(t, "createTask", &a)
	h.gql(admin, `mutation($in: TaskInput!){ createTask(input:$in){ id number name } }`, map[string]any{"in": input("草稿二", items[0])}).into(t, "createTask", &b)
	var u tk
	r := h.gql(admin, `mutation($id: ID!, $in: TaskInput!){ updateTask(id:$id, input:$in){ id number name taskItems { edges { node { item { id } } } } } }`,
		map[string]any{"id": a.ID, "in": input("草稿一（修改）", items[1])})
	r.into(t, "updateTask", &u)
	if u.ID != a.ID || u.Number != a.Number || u.Name != "草稿一（修改）" || len(u.TaskItems.Edges) != 1 || u.TaskItems.Edges[0].Node.Item.ID != fmt.Sprint(items[1]) {
		t.Fatalf("updated %s", r.Raw)
	}
	if r := h.gql(h.token("WJ", viewer.RoleDeptAdmin), `mutation($id: ID!){ deleteTask(id:$id) }`, map[string]any{"id": b.ID}); !r.has("FORBIDDEN") {
		t.Fatalf("WJ deletes SCJG's draft: %s", r.Raw)
	}
	if r := h.gql(admin, `mutation($id: ID!){ deleteTask(id:$id) }`, map[string]any{"id": b.ID}); len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	var deletes int
	if err := h.db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM audit_events WHERE entity_type = 'Task' AND action = 'DELETE'").Scan(&deletes); err != nil {
		t.Fatal(err)
	}
	if deletes != 1 {
		t.Fatalf("audit events of the deletion: %d", deletes)
	}
	h.gql(admin, `mutation($id: ID!){ announceTask(id:$id){ status } }`, map[string]any{"id": a.ID})
	if r := h.gql(admin, `mutation($id: ID!, $in: TaskInput!){ updateTask(id:$id, input:$in){ id } }`,
		map[string]any{"id": a.ID, "in": input("公告后再改", items[0])}); !r.has("TASK_NOT_DRAFT") {
		t.Fatalf("editing an announced task: %s", r.Raw)
	}
	if r := h.gql(admin, `mutation($id: ID!){ deleteTask(id:$id) }`, map[string]any{"id": a.ID}); !r.has("TASK_NOT_DRAFT") {
		t.Fatalf("deleting an announced task: %s", r.Raw)
	}
}

// TestRegime_DraftPlanBatchesEditedAndDeleted: a batch of a draft plan is edited and deleted
// through GraphQL, on the audit trail; once the plan is filed, it is neither.
func TestRegime_DraftPlanBatchesEditedAndDeleted(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	ctx, c := h.sys, h.db.Client
	scjg := h.deps["SCJG"]
	items, err := c.InspectionItem.Query().Where(inspectionitem.HasItemListWith(itemlist.DepartmentID(scjg.ID),
		itemlist.StatusEQ(itemlist.StatusPUBLISHED))).Limit(2).IDs(ctx)
	if err != nil || len(items) != 2 {
		t.Fatalf("items %v %v", items, err)
	}
	dp, err := plans.Create(ctx, c, scjg.ID, 2027, "批次修改测试计划", false)
	if err != nil {
		t.Fatal(err)
	}
	admin := h.token("SCJG", viewer.RoleDeptAdmin)
	in := func(seq int, name string, item int) map[string]any {
		return map[string]any{"seq": seq, "name": name, "start": "2027-03-01T00:00:00+08:00", "end": "2027-05-31T00:00:00+08:00",
			"initiatorID": scjg.ID, "itemIDs": []int{item}}
	}
	var a, b struct{ ID string }
	h.gql(admin, `mutation($p:ID!,$in:PlanBatchInput!){ addPlanBatch(planID:$p, input:$in){ id } }`, map[string]any{"p": dp.ID, "in": in(1, "一", items[0])}).into(t, "addPlanBatch", &a)
	h.gql(admin, `mutation($p:ID!,$in:PlanBatchInput!){ addPlanBatch(planID:$p, input:$in){ id } }`, map[string]any{"p": dp.ID, "in": in(2, "二", items[0])}).into(t, "addPlanBatch", &b)
	var u struct {
		ID, Name string
		Items    []struct{ ID string }
	}
	r := h.gql(admin, `mutation($id:ID!,$in:PlanBatchInput!){ updatePlanBatch(id:$id, input:$in){ id name items { id } } }`,
		map[string]any{"id": a.ID, "in": in(1, "一（修改）", items[1])})
	r.into(t, "updatePlanBatch", &u)
	if u.ID != a.ID || u.Name != "一（修改）" || len(u.Items) != 1 || u.Items[0].ID != fmt.Sprint(items[1]) {
		t.Fatalf("updated %s", r.Raw)
	}
	if r := h.gql(admin, `mutation($id:ID!){ deletePlanBatch(id:$id) }`, map[string]any{"id": b.ID}); len(r.Errors) > 0 {
		t.Fatal(r.Raw)
	}
	var deletes int
	if err := h.db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM audit_events WHERE entity_type = 'PlanBatch' AND action = 'DELETE'").Scan(&deletes); err != nil {
		t.Fatal(err)
	}
	if deletes != 1 {
		t.Fatalf("audit events of the deletion: %d", deletes)
	}
	if _, err := plans.Submit(ctx, c, dp.ID); err != nil {
		t.Fatal(err)
	}
	if r := h.gql(admin, `mutation($id:ID!){ deletePlanBatch(id:$id) }`, map[string]any{"id": a.ID}); !r.has("PLAN_NOT_EDITABLE") {
		t.Fatalf("deleting a batch of a filed plan: %s", r.Raw)
	}
}
