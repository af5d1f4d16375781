package acceptance

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/leadcluster"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/draws"
	hubpkg "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/leads"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/viewer"
)

// figures is every statistic of a year, each read on its own path: GraphQL's statistics
// (onTimeRate, resultsDue, dutyRecords, problemRate, jointShare), its aggregate
// (resultAggregate), the results connection, a dedicated database query and the portal's
// /stats page.
type figures struct {
	// per department code
	onTime, late, overdue, pending map[string]int // onTimeRate
	dueOverdue, dueNotInspected    map[string]int // resultsDue (tasks of the year)
	aggregate                      map[string]int // resultAggregate groupBy DEPARTMENT, published only
	aggregateTotal                 int
	connection                     map[string]int // results(where: {status: PUBLISHED, current: true})
	superseded                     int            // results(where: {current: false})
	checked, problems              map[string]int // problemRate summed per department
	dbChecked, dbProblems          map[string]int // result items of current published results, counted in SQL
	tasks                          map[string]int // jointShare.departments
	dutyOverdue                    map[int]int    // dutyRecords.overdueUnpublished per inspector
	portal                         map[string]map[string][]int
}

func (h *hub) yearFigures(t *testing.T, office string) figures {
	t.Helper()
	f := figures{onTime: map[string]int{}, late: map[string]int{}, overdue: map[string]int{}, pending: map[string]int{},
		dueOverdue: map[string]int{}, dueNotInspected: map[string]int{}, aggregate: map[string]int{}, connection: map[string]int{},
		checked: map[string]int{}, problems: map[string]int{}, dbChecked: map[string]int{}, dbProblems: map[string]int{},
		tasks: map[string]int{}, dutyOverdue: map[int]int{}}
	code := map[int]string{}
	for c, d := range h.deps {
		code[d.ID] = c
	}
	var ot []struct {
		DepartmentCode                 string
		OnTime, Late, Overdue, Pending int
	}
	h.gql(office, `{ onTimeRate(year:2026){ departmentCode onTime late overdue pending } }`, nil).into(t, "onTimeRate", &ot)
	for _, o := range ot {
		f.onTime[o.DepartmentCode], f.late[o.DepartmentCode], f.overdue[o.DepartmentCode], f.pending[o.DepartmentCode] = o.OnTime, o.Late, o.Overdue, o.Pending
	}
	var due []struct {
		DepartmentID int
		Overdue      []struct{ NotInspected bool }
	}
	h.gql(office, `{ resultsDue(soonDays:5){ departmentID overdue { notInspected } } }`, nil).into(t, "resultsDue", &due)
	for _, d := range due {
		for _, e := range d.Overdue {
			f.dueOverdue[code[d.DepartmentID]]++
			if e.NotInspected {
				f.dueNotInspected[code[d.DepartmentID]]++
			}
		}
	}
	var agg struct {
		Total  int
		Groups []struct {
			Keys  []string
			Count int
		}
	}
	h.gql(office, `{ resultAggregate(groupBy:[DEPARTMENT], filter:{publishedOnly:true}){ total groups { keys count } } }`, nil).into(t, "resultAggregate", &agg)
	f.aggregateTotal = agg.Total
	for _, g := range agg.Groups {
		id, _ := strconv.Atoi(g.Keys[0])
		c := code[id]
		if c == "" {
			c = g.Keys[0]
		}
		f.aggregate[c] += g.Count
	}
	for c := range h.deps {
		var conn struct{ TotalCount int }
		h.gql(office, fmt.Sprintf(`{ results(where:{status: PUBLISHED, current: true, hasDepartmentWith: [{code: %q}]}){ totalCount } }`, c), nil).
			into(t, "results", &conn)
		if conn.TotalCount > 0 {
			f.connection[c] = conn.TotalCount
		}
	}
	var sup struct{ TotalCount int }
	h.gql(office, `{ results(where:{current: false}){ totalCount } }`, nil).into(t, "results", &sup)
	f.superseded = sup.TotalCount
	var pr []struct {
		DepartmentID          int
		Checked, ProblemFound int
	}
	h.gql(office, `{ problemRate(year:2026){ departmentID checked problemFound } }`, nil).into(t, "problemRate", &pr)
	for _, p := range pr {
		f.checked[code[p.DepartmentID]] += p.Checked
		f.problems[code[p.DepartmentID]] += p.ProblemFound
	}
	// The dedicated query: checked items of current published results, by the item's department.
	items, err := h.db.Client.ResultItem.Query().Where(resultitem.Checked(true),
		resultitem.HasResultWith(result.StatusEQ(result.StatusPUBLISHED), results.Current())).
		WithItem(func(q *ent.InspectionItemQuery) { q.WithItemList() }).All(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	for _, it := range items {
		c := code[it.Edges.Item.Edges.ItemList.DepartmentID]
		f.dbChecked[c]++
		if it.ProblemFound {
			f.dbProblems[c]++
		}
	}
	var js struct {
		Departments []struct {
			DepartmentCode string
			Tasks          int
		}
	}
	h.gql(office, `{ jointShare(year:2026){ departments { departmentCode tasks } } }`, nil).into(t, "jointShare", &js)
	for _, d := range js.Departments {
		f.tasks[d.DepartmentCode] = d.Tasks
	}
	var duty []struct{ InspectorID, OverdueUnpublished int }
	h.gql(office, `{ dutyRecords(year:2026){ inspectorID overdueUnpublished } }`, nil).into(t, "dutyRecords", &duty)
	for _, d := range duty {
		f.dutyOverdue[d.InspectorID] += d.OverdueUnpublished
	}
	resp, err := http.Get(h.url + "/stats?year=2026")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/stats: %d", resp.StatusCode)
	}
	f.portal = portalFigures(string(body))
	return f
}

var (
	portalRowRE  = regexp.MustCompile(`(?s)<tr data-department="([^"]*)"[^>]*>(.*?)</tr>`)
	portalCellRE = regexp.MustCompile(`(?s)<td class="([a-z-]+)">(.*?)</td>`)
	portalPctRE  = regexp.MustCompile(`\d+\.\d+%`)
	portalNumRE  = regexp.MustCompile(`\d+`)
)

// portalFigures reads the numbers of the portal's statistics page, per department code ("" for
// the county) and column, the rates left out.
func portalFigures(body string) map[string]map[string][]int {
	out := map[string]map[string][]int{}
	for _, m := range portalRowRE.FindAllStringSubmatch(body, -1) {
		cells := map[string][]int{}
		for _, c := range portalCellRE.FindAllStringSubmatch(m[2], -1) {
			var ns []int
			for _, n := range portalNumRE.FindAllString(portalPctRE.ReplaceAllString(c[2], ""), -1) {
				v, _ := strconv.Atoi(n)
				ns = append(ns, v)
			}
			cells[c[1]] = ns
		}
		out[m[1]] = cells
	}
	return out
}

// agree asserts that every statistic computed two ways (or three) gives the same count.
func (f figures) agree(t *testing.T, when string) {
	t.Helper()
	codes := map[string]bool{}
	for _, m := range []map[string]int{f.onTime, f.late, f.overdue, f.aggregate, f.connection, f.checked, f.dbChecked, f.dueOverdue, f.tasks} {
		for c := range m {
			codes[c] = true
		}
	}
	one := func(p []int) int {
		if len(p) == 0 {
			return 0
		}
		return p[0]
	}
	sum := 0
	for c := range codes {
		published := f.onTime[c] + f.late[c]
		if f.aggregate[c] != published || f.connection[c] != published {
			t.Errorf("%s, %s: published results: onTimeRate %d, resultAggregate %d, results connection %d", when, c, published, f.aggregate[c], f.connection[c])
		}
		sum += published
		if f.overdue[c] != f.dueOverdue[c] {
			t.Errorf("%s, %s: overdue: onTimeRate %d, resultsDue %d", when, c, f.overdue[c], f.dueOverdue[c])
		}
		if f.checked[c] != f.dbChecked[c] || f.problems[c] != f.dbProblems[c] {
			t.Errorf("%s, %s: problemRate %d/%d, database %d/%d", when, c, f.problems[c], f.checked[c], f.dbProblems[c], f.dbChecked[c])
		}
		p, ok := f.portal[c]
		if !ok {
			if f.tasks[c]+published+f.overdue[c] > 0 {
				t.Errorf("%s, %s: no row on the portal's statistics page", when, c)
			}
			continue
		}
		for col, want := range map[string][]int{"tasks": {f.tasks[c]}, "published": {published}, "overdue": {f.overdue[c]},
			"pending": {f.pending[c]}, "on-time-rate": {f.onTime[c], f.late[c]}, "problem-rate": {f.problems[c], f.checked[c]}} {
			if fmt.Sprint(p[col]) != fmt.Sprint(want) {
				t.Errorf("%s, %s: portal %s %v, GraphQL %v", when, c, col, p[col], want)
			}
		}
	}
	if f.aggregateTotal != sum || one(f.portal[""]["published"]) != sum {
		t.Errorf("%s: published in all: onTimeRate %d, resultAggregate %d, portal %v", when, sum, f.aggregateTotal, f.portal[""]["published"])
	}
}

// TestYear_DepartmentsRunTheRegime is the year of issue 20 in one scenario, on SQLite and (with
// SSGK_TEST_POSTGRES) PostgreSQL: the health commission (WJ) initiates and announces a joint task
// with the market regulator (SCJG); a lead cluster becomes a special task that is drawn and
// published; a third task's inspection ends with 3 drawn targets never entered, which are then
// overdue in resultsDue, onTimeRate, dutyRecords and the portal's statistics alike; a result is
// corrected; and before and after the correction every statistic, computed two ways (and by the
// portal), gives the same counts. Last, each consistency check is refused with its own code.
func TestYear_DepartmentsRunTheRegime(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	ctx, c := h.sys, h.db.Client
	scjg, wj := h.deps["SCJG"], h.deps["WJ"]
	office := h.token("SCJG", viewer.RoleOffice)
	before := h.yearFigures(t, office) // 20 November: the demo's year as it stands
	before.agree(t, "the demo year")

	h.clock.Move(day(2026, 8, 20).Add(10 * time.Hour))
	b, err := c.PlanBatch.Query().Where(planbatch.HasPlanWith(plan.StatusEQ(plan.StatusPUBLISHED), plan.DepartmentID(scjg.ID))).
		WithItems(func(q *ent.InspectionItemQuery) { q.WithItemList() }).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	itemOf := func(dep *ent.Department) int {
		for _, it := range b.Edges.Items {
			if it.Edges.ItemList.DepartmentID == dep.ID {
				return it.ID
			}
		}
		t.Fatalf("the batch has no item of %s", dep.Code)
		return 0
	}
	itemS, itemW := itemOf(scjg), itemOf(wj)
	lib, err := c.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(scjg.ID)).FirstID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	strata := func(a, b, c, d int) []map[string]any {
		return []map[string]any{{"name": "A", "count": a}, {"name": "B", "count": b}, {"name": "C", "count": c}, {"name": "D", "count": d}}
	}

	// 1. WJ's administrator creates and announces a joint task with SCJG.
	wjAdmin := h.token("WJ", viewer.RoleDeptAdmin)
	var joint struct{ ID, Status string }
	h.gql(wjAdmin, `mutation($in: TaskInput!){ createTask(input:$in){ id status } }`, map[string]any{"in": map[string]any{
		"batchID": b.ID, "initiatorID": wj.ID, "participantIDs": []int{scjg.ID}, "name": "卫健局牵头的公共场所联合抽查",
		"windowStart": "2026-09-01T00:00:00+08:00", "windowEnd": "2026-09-20T00:00:00+08:00",
		"items":      []map[string]any{{"departmentID": wj.ID, "itemID": itemW}, {"departmentID": scjg.ID, "itemID": itemS}},
		"libraryIDs": []int{lib}, "strata": strata(1, 1, 0, 1)}}).into(t, "createTask", &joint)
	h.gql(wjAdmin, `mutation($t:ID!){ announceTask(id:$t){ id status } }`, map[string]any{"t": joint.ID}).into(t, "announceTask", &joint)
	if joint.Status != "ANNOUNCED" {
		t.Fatalf("WJ's joint task: %+v", joint)
	}
	jointID, _ := strconv.Atoi(joint.ID)

	// 2. Three complaints about one item in one industry: the office turns the cluster into a
	// special task naming those targets.
	named, err := c.TargetLibrary.Query().Where(targetlibrary.ID(lib)).QueryTargets().
		Where(target.UsccNotNil(), target.StatusEQ(target.StatusEXISTING)).Order(ent.Desc(target.FieldID)).Limit(3).All(ctx)
	if err != nil || len(named) != 3 {
		t.Fatalf("targets to name: %d %v", len(named), err)
	}
	for i, tg := range named {
		if _, err := leads.Receive(ctx, c, leads.LeadInput{Source: "COMPLAINT", Summary: fmt.Sprintf("投诉：年报信息不实 %d", i),
			ItemID: itemS, IndustryCode: "9998", TargetUSCC: *tg.Uscc}); err != nil {
			t.Fatal(err)
		}
	}
	cl, err := c.LeadCluster.Query().Where(leadcluster.Value("9998")).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	special, err := leads.AcceptCluster(ctx, c, cl.ID, scjg.ID, day(2026, 9, 1), day(2026, 9, 20))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tasks.Announce(ctx, c, special.ID); err != nil {
		t.Fatal(err)
	}

	// 3. SCJG's own task of five targets.
	own, err := tasks.Create(ctx, c, tasks.Input{BatchID: &b.ID, InitiatorID: scjg.ID, Name: "市场监管局企业公示信息抽查",
		WindowStart: day(2026, 9, 1), WindowEnd: day(2026, 9, 20), Items: []tasks.ItemRef{{DepartmentID: scjg.ID, ItemID: itemS}},
		LibraryIDs: []int{lib}, Strata: []tasks.Stratum{{Name: "A", Count: 2}, {Name: "B", Count: 1}, {Name: "C", Count: 1}, {Name: "D", Count: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tasks.Announce(ctx, c, own.ID); err != nil {
		t.Fatal(err)
	}

	// The draws: libraries confirmed, frozen, committed, drawn with dice digits.
	for _, d := range []int{scjg.ID, wj.ID} {
		if _, err := library.Confirm(ctx, c, d, "年度测试", 0); err != nil {
			t.Fatal(err)
		}
	}
	drawer := draws.New(c).WithKeyDir(h.db.DataDir)
	teamsOf := map[int][]*ent.InspectionTeam{}
	for i, id := range []int{jointID, special.ID, own.ID} {
		dr, err := drawer.Freeze(ctx, id, "")
		if err == nil {
			dr, err = drawer.Commit(ctx, dr.ID)
		}
		if err == nil {
			dr, err = drawer.Execute(ctx, dr.ID, fmt.Sprintf("%d 1 4 1 5 9 2 6", i+2))
		}
		if err != nil {
			t.Fatalf("draw of task %d: %v", id, err)
		}
		teamsOf[id], err = c.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
			WithMembers().Order(ent.Asc(inspectionteam.FieldID)).All(ctx)
		if err != nil {
			t.Fatal(err)
		}
	}
	if len(teamsOf[special.ID]) != 3 || len(teamsOf[own.ID]) != 5 || len(teamsOf[jointID]) != 3 {
		t.Fatalf("teams: joint %d, special %d, own %d", len(teamsOf[jointID]), len(teamsOf[special.ID]), len(teamsOf[own.ID]))
	}
	h.clock.Move(day(2026, 9, 1).Add(10 * time.Hour))
	for _, id := range []int{jointID, special.ID, own.ID} {
		if _, err := tasks.StartInspection(ctx, c, id); err != nil {
			t.Fatal(err)
		}
	}

	// Results entered and published on 25 September — all but three of SCJG's own task.
	h.clock.Move(day(2026, 9, 25).Add(10 * time.Hour))
	publish := func(taskID, targetID int, dep *ent.Department, item int) int {
		t.Helper()
		r, err := results.Save(ctx, c, results.ResultInput{TaskID: taskID, TargetID: targetID, DepartmentID: dep.ID,
			InspectionEndDate: day(2026, 9, 20), Summary: "实地核查，未发现问题", Codes: []string{"NO_PROBLEM"}, MethodCodes: []string{"ON_SITE"},
			Items: []results.ItemInput{{ItemID: item, Checked: true}}})
		if err == nil {
			_, err = results.Submit(ctx, c, r.ID)
		}
		if err == nil {
			_, err = results.Approve(ctx, c, r.ID)
		}
		if err == nil {
			_, err = results.Publish(ctx, c, r.ID, results.PublishOptions{})
		}
		if err != nil {
			t.Fatalf("result of task %d, target %d, %s: %v", taskID, targetID, dep.Code, err)
		}
		return r.ID
	}
	var toCorrect, toCorrectTarget int
	for _, tm := range teamsOf[jointID] {
		toCorrect, toCorrectTarget = publish(jointID, tm.TargetID, scjg, itemS), tm.TargetID
		publish(jointID, tm.TargetID, wj, itemW)
	}
	for _, tm := range teamsOf[special.ID] {
		publish(special.ID, tm.TargetID, scjg, itemS)
	}
	for _, tm := range teamsOf[own.ID][:2] {
		publish(own.ID, tm.TargetID, scjg, itemS)
	}

	// 20 November, past the deadline of 20 September's window (29 October... 20 working days
	// across National Day): the three never-entered targets are overdue everywhere.
	h.clock.Move(day(2026, 11, 20).Add(10 * time.Hour))
	after := h.yearFigures(t, office)
	after.agree(t, "after the year's tasks")
	t.Logf("after: onTime %v, overdue %v, aggregate %d, portal total %v, superseded %d, checked %v", after.onTime, after.overdue, after.aggregateTotal, after.portal[""], after.superseded, after.checked)
	if d := after.overdue["SCJG"] - before.overdue["SCJG"]; d != 3 {
		t.Errorf("onTimeRate: SCJG overdue +%d, want +3", d)
	}
	if d := after.dueNotInspected["SCJG"] - before.dueNotInspected["SCJG"]; d != 3 {
		t.Errorf("resultsDue: SCJG not inspected +%d, want +3", d)
	}
	if d := after.overdue["WJ"] - before.overdue["WJ"]; d != 0 {
		t.Errorf("onTimeRate: WJ overdue +%d, want 0", d)
	}
	if d := after.portal[""]["overdue"][0] - before.portal[""]["overdue"][0]; d != 3 {
		t.Errorf("portal: overdue in the county +%d, want +3", d)
	}
	wantDuty := map[int]int{}
	for _, tm := range teamsOf[own.ID][2:] {
		for _, m := range tm.Edges.Members {
			wantDuty[m.ID]++
		}
	}
	for id, d := range after.dutyOverdue {
		if got := d - before.dutyOverdue[id]; got != wantDuty[id] {
			t.Errorf("dutyRecords: inspector %d overdue +%d, want +%d", id, got, wantDuty[id])
		}
	}
	for id, n := range wantDuty {
		if _, ok := after.dutyOverdue[id]; !ok {
			t.Errorf("dutyRecords: inspector %d (+%d overdue) missing", id, n)
		}
	}
	if d := after.onTime["SCJG"] + after.onTime["WJ"] - before.onTime["SCJG"] - before.onTime["WJ"]; d != 3+3+3+2 {
		t.Errorf("published on time: +%d, want +11", d)
	}
	if d := after.tasks["WJ"] - before.tasks["WJ"]; d != 1 {
		t.Errorf("jointShare: WJ tasks +%d, want +1", d)
	}

	// A correction, signed by SCJG's head: the original stays on record, superseded; every
	// count still agrees, and the problem it records counts once.
	var login struct{ Token string }
	h.gql("", `mutation { login(username: "scjg.head", password: "ssgk-demo-2026") { token } }`, nil).into(t, "login", &login)
	corr := h.gql(login.Token, `mutation($r:ID!,$in:ResultInput!){ correctResult(id:$r, reason:"复查发现企业年报信息不实", input:$in, password:"ssgk-demo-2026"){
		result { id version current } } }`, map[string]any{"r": toCorrect, "in": map[string]any{
		"taskID": jointID, "targetID": toCorrectTarget, "departmentID": scjg.ID, "inspectionEndDate": "2026-09-20T00:00:00+08:00",
		"summary": "复查：年报信息不实", "codes": []string{"FALSE_DISCLOSURE"}, "methodCodes": []string{"ON_SITE"},
		"items": []map[string]any{{"itemID": itemS, "checked": true, "problemFound": true, "problem": "年报从业人数与社保登记不符", "handling": "责令更正"}}}})
	var cr struct {
		Result struct {
			Version int
			Current bool
		}
	}
	corr.into(t, "correctResult", &cr)
	if cr.Result.Version != 2 || !cr.Result.Current {
		t.Fatalf("correction: %s", corr.Raw)
	}
	corrected := h.yearFigures(t, office)
	corrected.agree(t, "after the correction")
	if corrected.superseded != after.superseded+1 {
		t.Errorf("superseded results: %d, then %d", after.superseded, corrected.superseded)
	}
	if corrected.aggregateTotal != after.aggregateTotal || corrected.onTime["SCJG"] != after.onTime["SCJG"] {
		t.Errorf("a correction changed the published count: %d → %d", after.aggregateTotal, corrected.aggregateTotal)
	}
	if corrected.problems["SCJG"] != after.problems["SCJG"]+1 || corrected.checked["SCJG"] != after.checked["SCJG"] {
		t.Errorf("problems of SCJG: %d/%d → %d/%d", after.problems["SCJG"], after.checked["SCJG"], corrected.problems["SCJG"], corrected.checked["SCJG"])
	}

	// Each consistency check refused with its own code: those of the regime test, then the
	// strata left out and the effective date of a new list version.
	h.consistencyChecksRefused(t)
	r := h.gql(office, `mutation($in: TaskInput!){ createTask(input:$in){ id } }`, map[string]any{"in": map[string]any{
		"initiatorID": scjg.ID, "name": "层未写全", "windowStart": "2026-12-01T00:00:00+08:00", "windowEnd": "2026-12-20T00:00:00+08:00",
		"items": []map[string]any{{"departmentID": scjg.ID, "itemID": currentItem(t, h, scjg)}}, "libraryIDs": []int{lib},
		"strata": []map[string]any{{"name": "A", "count": 1}, {"name": "B", "count": 1}}}})
	if !r.has("TASK_STRATA_INCOMPLETE") {
		t.Errorf("strata left out: %s", r.Raw)
	}
	h.listNotYetEffectiveRefused(t)
}

// currentItem is an item of the department's current list version.
func currentItem(t *testing.T, h *hub, dep *ent.Department) int {
	t.Helper()
	cur, err := lists.CurrentVersions(h.sys, h.db.Client, h.clock.Now(), dep.ID)
	if err != nil {
		t.Fatal(err)
	}
	id, err := h.db.Client.InspectionItem.Query().Where(inspectionitem.ItemListID(cur[dep.ID].ID)).FirstID(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// listNotYetEffectiveRefused: WJ publishes a new list version effective 1 December; on 30
// November a task with its item is refused (LIST_NOT_YET_EFFECTIVE) and one with the old
// version's item accepted; on 1 December the other way round.
func (h *hub) listNotYetEffectiveRefused(t *testing.T) {
	ctx, c := h.sys, h.db.Client
	wj := h.deps["WJ"]
	h.clock.Move(day(2026, 11, 25).Add(10 * time.Hour))
	old, err := lists.CurrentVersions(ctx, c, day(2026, 11, 25), wj.ID)
	if err != nil {
		t.Fatal(err)
	}
	oldItem, err := c.InspectionItem.Query().Where(inspectionitem.ItemListID(old[wj.ID].ID)).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	nv, err := lists.NewVersion(ctx, c, wj.ID, "", "年度测试：新版本")
	if err == nil {
		var fl *ent.Filing
		if fl, err = lists.Submit(ctx, c, nv.ID); err == nil {
			if _, err = lists.Decide(ctx, c, fl.ID, true, ""); err == nil {
				_, err = lists.Publish(ctx, c, nv.ID, day(2026, 12, 1))
			}
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	newItem, err := c.InspectionItem.Query().Where(inspectionitem.ItemListID(nv.ID), inspectionitem.Code(oldItem.Code)).Only(ctx)
	if err != nil {
		t.Fatal(err)
	}
	lib, err := c.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(h.deps["SCJG"].ID)).FirstID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	admin := h.token("WJ", viewer.RoleDeptAdmin)
	create := func(item int) gqlResponse {
		return h.gql(admin, `mutation($in: TaskInput!){ createTask(input:$in){ id } }`, map[string]any{"in": map[string]any{
			"initiatorID": wj.ID, "name": "生效日期检查", "windowStart": "2026-12-05T00:00:00+08:00", "windowEnd": "2026-12-20T00:00:00+08:00",
			"items": []map[string]any{{"departmentID": wj.ID, "itemID": item}}, "libraryIDs": []int{lib},
			"strata": []map[string]any{{"name": "A", "count": 1}, {"name": "B", "count": 1}, {"name": "C", "count": 1}, {"name": "D", "count": 1}}}})
	}
	h.clock.Move(day(2026, 11, 30).Add(23 * time.Hour))
	if r := create(newItem.ID); !r.has(lists.CodeNotYetEffective) {
		t.Errorf("the new version's item the day before: %s", r.Raw)
	}
	if r := create(oldItem.ID); len(r.Errors) > 0 {
		t.Errorf("the old version's item the day before: %s", r.Raw)
	}
	h.clock.Move(day(2026, 12, 1).Add(8 * time.Hour))
	if r := create(newItem.ID); len(r.Errors) > 0 {
		t.Errorf("the new version's item on the day: %s", r.Raw)
	}
	if r := create(oldItem.ID); !r.has(lists.CodeNotPublished) {
		t.Errorf("the old version's item on the day: %s", r.Raw)
	}
	if n := c.ItemList.Query().Where(itemlist.DepartmentID(wj.ID), itemlist.StatusEQ(itemlist.StatusPUBLISHED)).CountX(ctx); n != 2 {
		t.Logf("published versions of WJ on 1 December: %d (the old one is marked superseded at the next list step)", n)
	}
}

// yearHub is the hub on the demo data, served in-process, with the business clock under the
// test's control.
type yearHub struct {
	t      *testing.T
	url    string
	db     *hubpkg.Hub
	clock  *clock.Fixed
	tokens map[string]string
}

// gql runs a GraphQL request as user ("" = anonymous) and returns data and the first error code.
func (h *yearHub) gql(user, query string, vars map[string]any, out any) string {
	h.t.Helper()
	token := ""
	if user != "" {
		token = h.tokens[user]
	}
	_, raw := sendGraphQL(h.t, h.url, token, map[string]any{"query": query, "variables": vars}, nil)
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlError      `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		h.t.Fatal(err)
	}
	if len(r.Errors) > 0 {
		code, _ := r.Errors[0].Extensions["code"].(string)
		if code == "" || code == "INTERNAL" {
			h.t.Fatalf("GraphQL error without a business code: %+v", r.Errors)
		}
		return code
	}
	if out != nil {
		if err := json.Unmarshal(r.Data, out); err != nil {
			h.t.Fatalf("decode %s: %v", r.Data, err)
		}
	}
	return ""
}

// must runs a request that has to succeed.
func (h *yearHub) must(user, query string, vars map[string]any, out any) {
	h.t.Helper()
	if code := h.gql(user, query, vars, out); code != "" {
		h.t.Fatalf("%s: refused with %s\n%s", user, code, query)
	}
}

// refused runs a request that has to fail with code.
func (h *yearHub) refused(user, code, query string, vars map[string]any) {
	h.t.Helper()
	if got := h.gql(user, query, vars, nil); got != code {
		h.t.Fatalf("%s: got %q, want refusal %s\n%s", user, got, code, query)
	}
}

func (h *yearHub) at(y, m, d int) {
	h.clock.Move(time.Date(y, time.Month(m), d, 10, 0, 0, 0, clock.CST))
}

func newYearHub(t *testing.T) *yearHub {
	t.Helper()
	h := &yearHub{t: t, tokens: map[string]string{}}
	h.clock = clock.NewFixed(time.Date(2026, 1, 5, 9, 0, 0, 0, clock.CST))
	ctx := context.Background()
	db, err := hubpkg.Open(ctx, hubpkg.Options{DatabaseURL: testutil.DatabaseURL(t), DataDir: t.TempDir(), SeedCodes: true, Clock: h.clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.db = db
	if _, err := demo.Setup(db.Context(ctx), db, io.Discard, false); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(db.WithLogger(testutil.TeeLogger(testLog{t})), server.DefaultLimits))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	for _, a := range demo.Accounts {
		if a.Department == "" {
			continue
		}
		var r struct{ Login struct{ Token string } }
		if code := h.gql("", `mutation($u:String!,$p:String!){ login(username:$u, password:$p){ token } }`,
			map[string]any{"u": a.Username, "p": demo.Password}, &r); code != "" {
			t.Fatalf("login %s: %s", a.Username, code)
		}
		h.tokens[a.Username] = r.Login.Token
	}
	return h
}

type idOnly struct {
	ID string `json:"id"`
}

// TestYear_PlanToPublishedResult runs one year of the regime on the demo data through GraphQL:
// the item lists are filed and published (by the demo loader, through the list workflow); a
// plan is filed and published; a joint task is announced, committed, drawn with dice digits, a
// team recused and redrawn; two departments enter results, one is returned and fixed, all are
// approved and published within 20 working days across the 2026 National Day holiday; the draw
// is revealed and verified offline from the downloaded bundle; one result is corrected with the
// head's signature; leads cluster into a special inspection. The refusals on the way are checked.
func TestYear_PlanToPublishedResult(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("runs a year on the demo data")
	}
	h := newYearHub(t)

	// Departments, the items each contributes, the market-entity library.
	var deps struct {
		S struct{ ID string } `json:"s"`
		W struct{ ID string } `json:"w"`
	}
	h.must("office", `{ s: department(code:"SCJG"){ id } w: department(code:"WJ"){ id } }`, nil, &deps)
	item := func(name string) string {
		var r struct {
			CountyItemList struct{ Edges []struct{ Node idOnly } }
		}
		h.must("office", `query($n:String!){ countyItemList(where:{name:$n}){ edges { node { id } } } }`, map[string]any{"n": name}, &r)
		if len(r.CountyItemList.Edges) != 1 {
			t.Fatalf("item %s: %d found", name, len(r.CountyItemList.Edges))
		}
		return r.CountyItemList.Edges[0].Node.ID
	}
	itemS, itemW := item("企业公示信息的检查"), item("公共场所卫生监督检查")
	var libs struct {
		TargetLibraries struct{ Edges []struct{ Node idOnly } }
	}
	h.must("office", `{ targetLibraries(where:{code:"MAIN"}){ edges { node { id } } } }`, nil, &libs)
	lib := libs.TargetLibraries.Edges[0].Node.ID
	// The demo lists went through filing: each published version has an acknowledged filing.
	var filings struct{ Filings struct{ TotalCount int } }
	h.must("office", `{ filings(where:{kind: ITEM_LIST, status: ACKNOWLEDGED}){ totalCount } }`, nil, &filings)
	if filings.Filings.TotalCount < 2 {
		t.Fatalf("%d acknowledged list filings", filings.Filings.TotalCount)
	}

	// January: the annual plan, filed in time and published.
	h.at(2026, 1, 20)
	var plan struct{ CreatePlan struct{ ID, Number string } }
	h.must("office", `mutation($d:ID!){ createPlan(departmentID:$d, year:2026, name:"2026年度部门联合双随机抽查计划", countyWide:true){ id number } }`,
		map[string]any{"d": deps.S.ID}, &plan)
	var batch struct{ AddPlanBatch idOnly }
	h.must("office", `mutation($p:ID!,$i:ID!,$w:ID!,$a:ID!,$b:ID!){ addPlanBatch(planID:$p, input:{seq:1, name:"第三季度联合抽查", scope:"县域内企业",
		start:"2026-07-01T00:00:00+08:00", end:"2026-09-30T00:00:00+08:00", initiatorID:$i, participantIDs:[$w], itemIDs:[$a,$b]}){ id } }`,
		map[string]any{"p": plan.CreatePlan.ID, "i": deps.S.ID, "w": deps.W.ID, "a": itemS, "b": itemW}, &batch)
	var filing struct{ SubmitPlan struct{ ID string } }
	h.must("office", `mutation($p:ID!){ submitPlan(id:$p){ id } }`, map[string]any{"p": plan.CreatePlan.ID}, &filing)
	h.refused("scjg.inspector", "FORBIDDEN", `mutation($f:ID!){ decideFiling(id:$f, accept:true){ id } }`, map[string]any{"f": filing.SubmitPlan.ID})
	h.must("office", `mutation($f:ID!){ decideFiling(id:$f, accept:true){ id } }`, map[string]any{"f": filing.SubmitPlan.ID}, nil)
	var pub struct {
		PublishPlan struct {
			Status     string
			LateFiling bool
		}
	}
	h.must("office", `mutation($p:ID!){ publishPlan(id:$p){ status lateFiling } }`, map[string]any{"p": plan.CreatePlan.ID}, &pub)
	if pub.PublishPlan.Status != "PUBLISHED" || pub.PublishPlan.LateFiling {
		t.Fatalf("plan after publication: %+v", pub.PublishPlan)
	}

	// August: the joint task from the plan's batch, announced; the libraries confirmed.
	h.at(2026, 8, 20)
	var tk struct {
		CreateTask struct{ ID, Number string }
	}
	h.must("office", `mutation($b:ID!,$s:ID!,$w:ID!,$a:ID!,$c:ID!,$l:ID!){ createTask(input:{batchID:$b, initiatorID:$s, participantIDs:[$w],
		name:"2026年第三季度企业公示信息与公共场所卫生部门联合抽查", windowStart:"2026-09-01T00:00:00+08:00", windowEnd:"2026-09-25T00:00:00+08:00",
		items:[{departmentID:$s, itemID:$a},{departmentID:$w, itemID:$c}], libraryIDs:[$l],
		strata:[{name:"A", count:2},{name:"B", count:2},{name:"C", count:1},{name:"D", count:1}]}){ id number } }`,
		map[string]any{"b": batch.AddPlanBatch.ID, "s": deps.S.ID, "w": deps.W.ID, "a": itemS, "c": itemW, "l": lib}, &tk)
	task := tk.CreateTask.ID
	h.refused("office", "TASK_BAD_STATE", `mutation($t:ID!){ freezeDraw(taskID:$t){ id } }`, map[string]any{"t": task})
	// The mutation answers with the state it left the task in, read inside the request's
	// transaction: ANNOUNCED, not the draft it was.
	var ann struct{ AnnounceTask struct{ Status string } }
	h.must("office", `mutation($t:ID!){ announceTask(id:$t){ id status } }`, map[string]any{"t": task}, &ann)
	if ann.AnnounceTask.Status != "ANNOUNCED" {
		t.Fatalf("announceTask returned status %q", ann.AnnounceTask.Status)
	}
	h.refused("office", "LIBRARY_NOT_CONFIRMED", `mutation($t:ID!){ freezeDraw(taskID:$t){ id } }`, map[string]any{"t": task})
	for _, d := range []string{deps.S.ID, deps.W.ID} {
		h.must("office", `mutation($d:ID!){ confirmLibraries(departmentID:$d){ id } }`, map[string]any{"d": d}, nil)
	}

	// The draw: freeze, commit before any entropy, then the witnesses' dice digits.
	var fr struct{ FreezeDraw struct{ ID string } }
	h.must("office", `mutation($t:ID!){ freezeDraw(taskID:$t){ id } }`, map[string]any{"t": task}, &fr)
	drawID := fr.FreezeDraw.ID
	var cm struct {
		CommitDraw struct {
			CommitmentDigest string
			Task             struct{ AnnouncedTargetCount int }
		}
	}
	h.must("office", `mutation($d:ID!){ commitDraw(id:$d){ commitmentDigest task { announcedTargetCount } } }`, map[string]any{"d": drawID}, &cm)
	if cm.CommitDraw.Task.AnnouncedTargetCount != 6 {
		t.Fatalf("announced target count %d", cm.CommitDraw.Task.AnnouncedTargetCount)
	}
	h.refused("office", "DRAW_ALREADY_COMMITTED", `mutation($d:ID!){ commitDraw(id:$d){ id } }`, map[string]any{"d": drawID})
	// The README's own example, exactly (issue 18: its teams once failed with INTERNAL after the
	// draw's transaction had committed).
	var ex struct {
		ExecuteDraw struct {
			Seed  string
			Teams struct {
				Edges []struct {
					Node struct {
						Target  struct{ Uscc, Name string }
						Members []struct {
							Name          string
							CertificateNo *string
						}
					}
				}
			}
		}
	}
	h.must("office", `mutation($d:ID!) { executeDraw(id: $d, entropy: "4 1 6 6 2 3 5 1 2 4") { seed teams(first: 100) { edges { node {
  target { uscc name } members { name certificateNo } } } } } }`, map[string]any{"d": drawID}, &ex)
	if len(ex.ExecuteDraw.Seed) != 64 || len(ex.ExecuteDraw.Teams.Edges) != 6 || len(ex.ExecuteDraw.Teams.Edges[0].Node.Members) < 2 ||
		ex.ExecuteDraw.Teams.Edges[0].Node.Target.Name == "" {
		t.Fatalf("executeDraw as in the README: %+v", ex.ExecuteDraw)
	}
	h.refused("office", "DRAW_ALREADY_DRAWN", `mutation($d:ID!){ executeDraw(id:$d, entropy:"1"){ id } }`, map[string]any{"d": drawID})

	type member struct {
		CertificateNo *string
		DepartmentID  string
		IsExpert      bool
	}
	type team struct {
		ID     string
		Status string
		Target struct {
			ID, Uscc, Name string
		}
		Members []member
	}
	teams := func() []team {
		var r struct {
			Node struct {
				Teams struct{ Edges []struct{ Node team } }
			}
		}
		h.must("office", `query($d:ID!){ node(id:$d){ ... on Draw { teams(first:100, where:{status: ACTIVE}){ edges { node {
			id status target { id uscc name } members { certificateNo departmentID isExpert } } } } } } }`, map[string]any{"d": drawID}, &r)
		var out []team
		for _, e := range r.Node.Teams.Edges {
			out = append(out, e.Node)
		}
		return out
	}
	ts := teams()
	if len(ts) != 6 {
		t.Fatalf("%d teams", len(ts))
	}
	for _, tm := range ts {
		byDept := map[string]int{}
		for _, m := range tm.Members {
			if !m.IsExpert {
				byDept[m.DepartmentID]++
			}
		}
		if byDept[deps.S.ID] < 1 || byDept[deps.W.ID] < 1 {
			t.Fatalf("team of %s lacks a department's officer: %v", tm.Target.Uscc, byDept)
		}
	}
	// The enterprise asks one inspector to step aside: the team is redrawn from the same order.
	recused := *ts[0].Members[0].CertificateNo
	var rt struct{ RecuseTeam team }
	h.must("office", `mutation($d:ID!,$k:String!,$i:String!){ recuseTeam(drawID:$d, targetKey:$k, inspectorKeys:[$i], reasonCode:"PRIOR_INVOLVEMENT", reason:"企业申请回避：检查人员曾在该企业任职"){
		id status target { id uscc name } members { certificateNo departmentID isExpert } } }`,
		map[string]any{"d": drawID, "k": ts[0].Target.Uscc, "i": recused}, &rt)
	for _, m := range rt.RecuseTeam.Members {
		if m.CertificateNo != nil && *m.CertificateNo == recused {
			t.Fatal("the recused inspector is still in the team")
		}
	}
	h.refused("office", "RESULTS_NOT_PUBLISHED", `mutation($d:ID!){ revealDraw(id:$d){ id } }`, map[string]any{"d": drawID})

	// September: inspections; the inspection ends on 25 September, before National Day.
	h.at(2026, 9, 1)
	h.must("office", `mutation($t:ID!){ startInspection(id:$t){ id } }`, map[string]any{"t": task}, nil)
	h.at(2026, 9, 28)
	ts = teams()
	save := `mutation($in: ResultInput!){ saveResult(input:$in){ id status } }`
	input := func(target, dep, item string, codes []string, problem bool) map[string]any {
		return map[string]any{"in": map[string]any{"taskID": task, "targetID": target, "departmentID": dep,
			"inspectionEndDate": day(2026, 9, 25).Format(time.RFC3339), "summary": "实地核查", "codes": codes, "methodCodes": []string{"ON_SITE"},
			"items": []map[string]any{{"itemID": item, "checked": true, "problemFound": problem, "problem": map[bool]string{true: "年度报告未公示"}[problem]}}}}
	}
	// 谁检查、谁录入: the market regulator cannot enter the health commission's result.
	h.refused("scjg.inspector", "FORBIDDEN", save, input(ts[0].Target.ID, deps.W.ID, itemW, []string{"NO_PROBLEM"}, false))
	var resultIDs []string // every result, SCJG then WJ per target
	for i, tm := range ts {
		var r struct{ SaveResult struct{ ID, Status string } }
		codesS, problem := []string{"NO_PROBLEM"}, false
		if i == 1 {
			codesS, problem = []string{"NOT_DISCLOSED"}, true
		}
		h.must("scjg.inspector", save, input(tm.Target.ID, deps.S.ID, itemS, codesS, problem), &r)
		resultIDs = append(resultIDs, r.SaveResult.ID)
		h.must("wj.admin", save, input(tm.Target.ID, deps.W.ID, itemW, []string{"NO_PROBLEM"}, false), &r)
		resultIDs = append(resultIDs, r.SaveResult.ID)
	}
	// No default pass: nothing is approved or published without being submitted.
	h.refused("scjg.approver", "RESULT_BAD_STATE", `mutation($r:ID!){ approveResult(id:$r){ id } }`, map[string]any{"r": resultIDs[0]})
	var due struct{ SubmitResult struct{ DueDate string } }
	for i, id := range resultIDs {
		user := "scjg.inspector"
		if i%2 == 1 {
			user = "wj.admin"
		}
		h.must(user, `mutation($r:ID!){ submitResult(id:$r){ dueDate } }`, map[string]any{"r": id}, &due)
	}
	// 20 working days after 25 September, across the National Day holiday (1–7 October, with
	// the make-up working days): 29 October.
	if d, _ := time.Parse(time.RFC3339, due.SubmitResult.DueDate); d.In(clock.CST).Format(time.DateOnly) != "2026-10-29" {
		t.Fatalf("due date %s, want 2026-10-29", due.SubmitResult.DueDate)
	}
	// The health commission's approver returns one result; it is fixed and resubmitted.
	h.refused("wj.approver", "RESULT_REASON_REQUIRED", `mutation($r:ID!){ returnResult(id:$r, reason:""){ id } }`, map[string]any{"r": resultIDs[3]})
	h.must("wj.approver", `mutation($r:ID!){ returnResult(id:$r, reason:"检查情况概述过于简单，请补充"){ id } }`, map[string]any{"r": resultIDs[3]}, nil)
	fixed := input(ts[1].Target.ID, deps.W.ID, itemW, []string{"NO_PROBLEM"}, false)
	fixed["in"].(map[string]any)["summary"] = "实地核查公共场所卫生许可、从业人员健康证明及消毒记录，均符合要求"
	h.must("wj.admin", save, fixed, nil)
	h.must("wj.admin", `mutation($r:ID!){ submitResult(id:$r){ id } }`, map[string]any{"r": resultIDs[3]}, nil)
	// Approval and publication by the departments' approvers, on 20 October: on time.
	h.at(2026, 10, 20)
	h.refused("scjg.inspector", "FORBIDDEN", `mutation($r:ID!){ approveResult(id:$r){ id } }`, map[string]any{"r": resultIDs[0]})
	h.refused("scjg.approver", "RESULT_BAD_STATE", `mutation($r:ID!){ publishResult(id:$r){ id } }`, map[string]any{"r": resultIDs[0]})
	for i, id := range resultIDs {
		user := "scjg.approver"
		if i%2 == 1 {
			user = "wj.approver"
		}
		h.must(user, `mutation($r:ID!){ approveResult(id:$r){ id } }`, map[string]any{"r": id}, nil)
		h.must(user, `mutation($r:ID!){ publishResult(id:$r){ id } }`, map[string]any{"r": id}, nil)
	}
	// Published means immutable: GraphQL refuses, and so does SQL through the hub's connection.
	h.refused("scjg.inspector", "RESULT_BAD_STATE", save, input(ts[0].Target.ID, deps.S.ID, itemS, []string{"NO_PROBLEM"}, false))
	if _, err := h.db.SQL.Exec(`UPDATE results SET summary = 'x' WHERE status = 'PUBLISHED'`); err == nil || !strings.Contains(err.Error(), "RESULT_PUBLISHED_IMMUTABLE") {
		t.Fatalf("raw UPDATE of published results: %v", err)
	}
	var onTime struct {
		OnTimeRate []struct {
			DepartmentCode string
			OnTime, Late   int
		}
	}
	h.must("office", `{ onTimeRate(year:2026){ departmentCode onTime late } }`, nil, &onTime)
	for _, o := range onTime.OnTimeRate {
		if (o.DepartmentCode == "SCJG" || o.DepartmentCode == "WJ") && (o.OnTime != 6 || o.Late != 0) {
			t.Fatalf("on-time figures %+v", o)
		}
	}

	// The task closes, the secret is revealed, and anyone can verify the draw offline.
	h.must("office", `mutation($t:ID!){ closeTask(id:$t){ id } }`, map[string]any{"t": task}, nil)
	var rv struct{ RevealDraw struct{ BundleURL string } }
	h.must("office", `mutation($d:ID!){ revealDraw(id:$d){ bundleURL } }`, map[string]any{"d": drawID}, &rv)
	resp, err := http.Get(h.url + rv.RevealDraw.BundleURL)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("bundle download: %d %s", resp.StatusCode, raw)
	}
	// What `ssgk draw verify BUNDLE --commitment DIGEST` checks (draw.ParseBundle, draw.Verify):
	// the bundle re-derives the draw, carries the commitment published before it and its one
	// recusal; with one entropy digit changed it no longer verifies.
	b, err := draw.ParseBundle(raw)
	if err == nil {
		err = draw.Verify(b)
	}
	if err != nil {
		t.Fatalf("draw verify: %v", err)
	}
	if b.CommitmentDigest.String() != cm.CommitDraw.CommitmentDigest || len(b.Outcome.Amendments) != 1 {
		t.Fatalf("verified bundle: commitment %s (published %s), %d amendments, want 1", b.CommitmentDigest, cm.CommitDraw.CommitmentDigest, len(b.Outcome.Amendments))
	}
	var tb draw.Bundle
	_ = json.Unmarshal(raw, &tb)
	tb.Entropy = "4 1 6 6 2 3 5 1 2 5"
	tampered, _ := json.Marshal(&tb)
	if tpb, err := draw.ParseBundle(tampered); err == nil && draw.Verify(tpb) == nil {
		t.Fatal("a bundle with one entropy digit changed still verifies")
	}

	// November: a verified error is corrected with the head's signature; both versions stay.
	h.at(2026, 11, 5)
	corr := input(ts[1].Target.ID, deps.S.ID, itemS, []string{"NO_PROBLEM"}, false)
	corrVars := map[string]any{"r": resultIDs[2], "in": corr["in"], "p": "wrong password"}
	correct := `mutation($r:ID!,$in:ResultInput!,$p:String!){ correctResult(id:$r, reason:"企业提交了已按时公示的证明，原结论有误", input:$in, password:$p){
		result { id version status } correction { signature signatureAlgorithm } } }`
	h.refused("scjg.head", "SIGNATURE_AUTH_FAILED", correct, corrVars)
	h.refused("scjg.approver", "FORBIDDEN", correct, map[string]any{"r": resultIDs[2], "in": corr["in"], "p": demo.Password})
	corrVars["p"] = demo.Password
	var cr struct {
		CorrectResult struct {
			Result struct {
				ID      string
				Version int
				Status  string
			}
			Correction struct{ Signature, SignatureAlgorithm string }
		}
	}
	h.must("scjg.head", correct, corrVars, &cr)
	if cr.CorrectResult.Result.Version != 2 || cr.CorrectResult.Result.Status != "PUBLISHED" || cr.CorrectResult.Correction.Signature == "" {
		t.Fatalf("correction %+v", cr.CorrectResult)
	}
	var versions struct{ Results struct{ TotalCount int } }
	h.must("office", `query($t:ID!,$g:ID!){ results(where:{taskID:$t, targetID:$g, departmentID:`+deps.S.ID+`}){ totalCount } }`,
		map[string]any{"t": task, "g": ts[1].Target.ID}, &versions)
	if versions.Results.TotalCount != 2 {
		t.Fatalf("%d versions of the corrected result", versions.Results.TotalCount)
	}

	// Leads about the same item in the same industry cluster into a special inspection.
	h.at(2026, 11, 12)
	for i := range 3 {
		h.must("office", `mutation($i:ID!,$n:String!){ receiveLead(input:{source: COMPLAINT, referenceNo:$n, summary:"消费者投诉企业未按时公示年度报告",
			industryCode:"5211", itemID:$i}){ id } }`, map[string]any{"i": itemS, "n": "12315-2026-" + strconv.Itoa(1000+i)}, nil)
	}
	var cl struct {
		LeadClusters struct {
			Edges []struct {
				Node struct {
					ID        string
					LeadCount int
					Status    string
				}
			}
		}
	}
	h.must("office", `{ leadClusters(where:{status: OFFERED}){ edges { node { id leadCount status } } } }`, nil, &cl)
	if len(cl.LeadClusters.Edges) == 0 || cl.LeadClusters.Edges[0].Node.LeadCount != 3 {
		t.Fatalf("lead clusters %+v", cl)
	}
	var sp struct {
		AcceptLeadCluster struct {
			Special bool
			Status  string
			Number  string
		}
	}
	h.refused("scjg.inspector", "FORBIDDEN", `mutation($c:ID!,$s:ID!){ acceptLeadCluster(id:$c, initiatorID:$s, windowStart:"2026-12-01T00:00:00+08:00", windowEnd:"2026-12-20T00:00:00+08:00"){ id } }`,
		map[string]any{"c": cl.LeadClusters.Edges[0].Node.ID, "s": deps.S.ID})
	h.must("office", `mutation($c:ID!,$s:ID!){ acceptLeadCluster(id:$c, initiatorID:$s, windowStart:"2026-12-01T00:00:00+08:00", windowEnd:"2026-12-20T00:00:00+08:00"){ special status number } }`,
		map[string]any{"c": cl.LeadClusters.Edges[0].Node.ID, "s": deps.S.ID}, &sp)
	if !sp.AcceptLeadCluster.Special || sp.AcceptLeadCluster.Status != "DRAFT" {
		t.Fatalf("special inspection %+v", sp.AcceptLeadCluster)
	}

	// The whole year is in the audit trail, and every correction signature checks (what `ssgk
	// audit verify` runs: audit.Verify, results.VerifyCorrections).
	sys := viewer.NewContext(context.Background(), viewer.NewSystem("year test"))
	rep, err := audit.Verify(sys, h.db.Client, nil)
	if err != nil || !rep.OK() {
		b, _ := json.Marshal(rep)
		t.Fatalf("audit verify: %v %s", err, b)
	}
	if probs, err := results.VerifyCorrections(sys, h.db.Client); err != nil || len(probs) != 0 {
		t.Fatalf("correction signatures: %v %v", err, probs)
	}
	if !strings.HasPrefix(sp.AcceptLeadCluster.Number, "3709212026") {
		t.Fatalf("special task number %s", sp.AcceptLeadCluster.Number)
	}
}

// testLog sends the hub's log lines to the test log, shown when a test fails.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
