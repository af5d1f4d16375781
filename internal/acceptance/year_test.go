package acceptance

import (
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
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
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/leads"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/tasks"
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
