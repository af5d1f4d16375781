package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/codes"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
)

// yearHub is the hub on the demo data, served in-process, with the business clock under the
// test's control.
type yearHub struct {
	t      *testing.T
	url    string
	dbURL  string
	data   string
	db     *hub.Hub
	clock  *clock.Fixed
	tokens map[string]string
}

type gqlErr struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// gql runs a GraphQL request as user ("" = anonymous) and returns data and the first error code.
func (h *yearHub) gql(user, query string, vars map[string]any, out any) string {
	h.t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, h.url+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if user != "" {
		req.Header.Set("Authorization", "Bearer "+h.tokens[user])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r struct {
		Data   json.RawMessage `json:"data"`
		Errors []gqlErr        `json:"errors"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
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

func day(y, m, d int) string {
	return time.Date(y, time.Month(m), d, 0, 0, 0, 0, clock.CST).Format(time.RFC3339)
}

func newYearHub(t *testing.T) *yearHub {
	t.Helper()
	h := &yearHub{t: t, dbURL: testutil.DatabaseURL(t), data: t.TempDir(), tokens: map[string]string{}}
	h.clock = clock.NewFixed(time.Date(2026, 1, 5, 9, 0, 0, 0, clock.CST))
	t.Cleanup(clock.Set(h.clock.Now))
	ctx := context.Background()
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: h.dbURL, DataDir: h.data})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.db = db
	if err := codes.Seed(ctx, db.Client); err != nil {
		t.Fatal(err)
	}
	if err := loadDemo(ctx, db, io.Discard, false); err != nil {
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
			map[string]any{"u": a.Username, "p": demoPassword}, &r); code != "" {
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
			"inspectionEndDate": day(2026, 9, 25), "summary": "实地核查", "codes": codes, "methodCodes": []string{"ON_SITE"},
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
	file := filepath.Join(t.TempDir(), "bundle.json")
	if err := os.WriteFile(file, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	if err := run(context.Background(), []string{"draw", "verify", file, "--commitment", cm.CommitDraw.CommitmentDigest}, &out, &errOut); err != nil {
		t.Fatalf("ssgk draw verify: %v\n%s", err, errOut.String())
	}
	if !strings.Contains(out.String(), "验证通过") || !strings.Contains(out.String(), "变更 1 次") {
		t.Fatalf("verify output: %s", out.String())
	}
	var b draw.Bundle
	_ = json.Unmarshal(raw, &b)
	b.Entropy = "4 1 6 6 2 3 5 1 2 5"
	tampered, _ := json.Marshal(&b)
	_ = os.WriteFile(file, tampered, 0o644)
	if err := run(context.Background(), []string{"draw", "verify", file}, &out, &errOut); err == nil {
		t.Fatal("a bundle with one entropy digit changed still verifies")
	}

	// November: a verified error is corrected with the head's signature; both versions stay.
	h.at(2026, 11, 5)
	corr := input(ts[1].Target.ID, deps.S.ID, itemS, []string{"NO_PROBLEM"}, false)
	corrVars := map[string]any{"r": resultIDs[2], "in": corr["in"], "p": "wrong password"}
	correct := `mutation($r:ID!,$in:ResultInput!,$p:String!){ correctResult(id:$r, reason:"企业提交了已按时公示的证明，原结论有误", input:$in, password:$p){
		result { id version status } correction { signature signatureAlgorithm } } }`
	h.refused("scjg.head", "SIGNATURE_AUTH_FAILED", correct, corrVars)
	h.refused("scjg.approver", "FORBIDDEN", correct, map[string]any{"r": resultIDs[2], "in": corr["in"], "p": demoPassword})
	corrVars["p"] = demoPassword
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

	// The whole year is in the audit trail, and every correction signature checks.
	out.Reset()
	args := []string{"audit", "verify", "--data-dir", h.data}
	if h.dbURL != "" {
		args = append(args, "--database-url", h.dbURL)
	}
	if err := run(context.Background(), args, &out, &errOut); err != nil {
		t.Fatalf("ssgk audit verify: %v\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "更正签名全部有效") {
		t.Fatalf("audit verify output: %s", out.String())
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
