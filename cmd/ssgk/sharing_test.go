package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/persisted"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

type gqlAnswer struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlErr        `json:"errors"`
}

func post(t *testing.T, base, token, purpose string, body map[string]any) gqlAnswer {
	t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if purpose != "" {
		req.Header.Set(server.PurposeHeader, url.QueryEscape(purpose))
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var a gqlAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("not JSON: %s", raw)
	}
	return a
}

func mustData(t *testing.T, a gqlAnswer, out any) {
	t.Helper()
	if len(a.Errors) > 0 {
		t.Fatalf("errors: %+v", a.Errors)
	}
	if err := json.Unmarshal(a.Data, out); err != nil {
		t.Fatal(err)
	}
}

// tokens returns a function that issues an API token of a department with the given roles.
func tokens(t *testing.T, sys context.Context, authSvc *auth.Service) func(dep string, roles ...string) string {
	return func(dep string, roles ...string) string {
		t.Helper()
		tk, _, err := authSvc.CreateToken(sys, dep, dep+" "+strings.Join(roles, ","), roles, nil)
		if err != nil {
			t.Fatal(err)
		}
		return tk
	}
}

// TestSharing_GrantAccessLogAndCreditCentre is the acceptance scenario on the demo data:
// the health commission's system asks for the market regulator's inspectors' ID numbers and
// gets names, masked numbers, and null + FORBIDDEN_FIELD for the numbers; after the regulator
// approves its grant the same query returns them, and the regulator's access log shows the read;
// after revocation they are refused again. Then the credit centre pulls an enterprise's history,
// syncs the change feed page by page without gaps or repeats, receives a newly published result
// over the websocket subscription, and a dashboard groups and calls a persisted query.
func TestSharing_GrantAccessLogAndCreditCentre(t *testing.T) {
	db, authSvc, base := newDemoHub(t)
	sys := viewer.NewContext(context.Background(), viewer.NewSystem("sharing test"))
	tok := tokens(t, sys, authSvc)
	wj, scjg := tok("WJ", viewer.RoleDeptAdmin), tok("SCJG", viewer.RoleDeptAdmin)

	const q = `query Inspectors { inspectors(first: 5, orderBy: {field: NAME}, where: {hasDepartmentWith: [{code: "SCJG"}]}) {
		edges { node { id name idNumber idNumberMasked } } } }`
	type page struct {
		Inspectors struct {
			Edges []struct {
				Node struct {
					ID                       string
					Name                     string
					IDNumber, IDNumberMasked *string
				}
			}
		}
	}
	a := post(t, base, wj, "", map[string]any{"query": q})
	var before page
	if err := json.Unmarshal(a.Data, &before); err != nil {
		t.Fatal(err)
	}
	// The five refusals are reported once, with their count and paths.
	if len(before.Inspectors.Edges) != 5 || len(a.Errors) != 1 || a.Errors[0].Extensions["count"] != float64(5) ||
		len(a.Errors[0].Extensions["paths"].([]any)) != 5 {
		t.Fatalf("want 5 inspectors and one error for 5 refusals, got %d and %+v", len(before.Inspectors.Edges), a.Errors)
	}
	for i, e := range before.Inspectors.Edges {
		n := e.Node
		if n.Name == "" || n.IDNumber != nil || n.IDNumberMasked == nil || !strings.Contains(*n.IDNumberMasked, "****") {
			t.Errorf("inspector %d before the grant: %+v", i, n)
		}
		err := a.Errors[0]
		if err.Extensions["code"] != sharing.CodeForbiddenField || err.Extensions["class"] != "CONDITIONAL" ||
			len(err.Path) != 5 || err.Path[4] != "idNumber" {
			t.Errorf("refusal %d: %+v", i, err)
		}
	}

	expires := clock.Now().AddDate(0, 1, 0).Format(time.RFC3339)
	var req struct {
		RequestGrant struct {
			ID     string
			Status string
		}
	}
	mustData(t, post(t, base, wj, "", map[string]any{"query": `mutation($e: Time!) { requestGrant(ownerCode: "SCJG", group: "identity", purpose: "联合检查核验检查人员身份", expiresAt: $e) { id status } }`,
		"variables": map[string]any{"e": expires}}), &req)
	if a := post(t, base, wj, "", map[string]any{"query": `mutation($id: ID!) { approveGrant(id: $id) { status } }`, "variables": map[string]any{"id": req.RequestGrant.ID}}); len(a.Errors) == 0 || a.Errors[0].Extensions["code"] != "FORBIDDEN" {
		t.Fatalf("the requester approved its own grant: %+v", a)
	}
	var appr struct{ ApproveGrant struct{ Status string } }
	mustData(t, post(t, base, scjg, "", map[string]any{"query": `mutation($id: ID!) { approveGrant(id: $id, note: "同意") { status } }`, "variables": map[string]any{"id": req.RequestGrant.ID}}), &appr)
	if appr.ApproveGrant.Status != "APPROVED" {
		t.Fatalf("grant: %+v", appr)
	}

	var after page
	mustData(t, post(t, base, wj, "双随机联合检查身份核验", map[string]any{"query": q}), &after)
	for i, e := range after.Inspectors.Edges {
		id, _ := strconv.Atoi(e.Node.ID)
		want, err := db.Client.Inspector.Query().Where(inspector.ID(id)).Only(sys)
		if err != nil {
			t.Fatal(err)
		}
		if e.Node.IDNumber == nil || *e.Node.IDNumber != want.IDNumber {
			t.Errorf("inspector %d after the grant: %v, want %s", i, e.Node.IDNumber, want.IDNumber)
		}
	}
	var logs struct {
		AccessLogs struct {
			Edges []struct {
				Node struct {
					EntityType, Actor, Purpose string
					Fields                     []string
					RecordCount                int
					ViewerDepartment           *struct{ Code string }
				}
			}
		}
	}
	mustData(t, post(t, base, scjg, "", map[string]any{"query": `{ accessLogs(first: 10, orderBy: {field: READ_AT, direction: DESC}) { edges { node {
		entityType actor purpose fields recordCount } } } }`}), &logs)
	if len(logs.AccessLogs.Edges) != 1 {
		t.Fatalf("access log: %+v", logs)
	}
	l := logs.AccessLogs.Edges[0].Node
	if l.EntityType != "Inspector" || l.RecordCount != 5 || len(l.Fields) != 1 || l.Fields[0] != "idNumber" ||
		l.Purpose != "双随机联合检查身份核验" || !strings.HasPrefix(l.Actor, "token:") {
		t.Errorf("access log entry: %+v", l)
	}
	// Another department does not see the regulator's access log.
	var other struct{ AccessLogs struct{ TotalCount int } }
	mustData(t, post(t, base, tok("JT", viewer.RoleDeptAdmin), "", map[string]any{"query": `{ accessLogs { totalCount } }`}), &other)
	if other.AccessLogs.TotalCount != 0 {
		t.Errorf("a third department reads the access log: %+v", other)
	}
	mustData(t, post(t, base, scjg, "", map[string]any{"query": `mutation($id: ID!) { revokeGrant(id: $id, note: "检查结束") { status } }`, "variables": map[string]any{"id": req.RequestGrant.ID}}), &struct{}{})
	if a := post(t, base, wj, "", map[string]any{"query": q}); len(a.Errors) != 1 || a.Errors[0].Extensions["count"] != float64(5) {
		t.Errorf("after revocation: %+v, want one error for 5 refusals", a.Errors)
	}

	// The credit centre.
	credit := tok("FG", viewer.RoleCreditCenter)
	corrected, err := db.Client.Result.Query().Where(result.StatusEQ(result.StatusPUBLISHED), result.HasCorrectionsWith()).WithTarget().First(sys)
	if err != nil {
		t.Fatal(err)
	}
	var hist struct {
		EntityHistory struct {
			Target  struct{ Name string }
			Results []struct {
				ID    string
				Items struct{ TotalCount int }
				Codes []struct{ Code string }
			}
			Corrections []struct{ Reason string }
			Tasks       []struct{ Number string }
		}
	}
	mustData(t, post(t, base, credit, "", map[string]any{"query": `query($u: String!) { entityHistory(uscc: $u) { target { name } results { id items { totalCount } codes { code } }
		corrections { reason } tasks { number } followUps { status } } }`, "variables": map[string]any{"u": *corrected.Edges.Target.Uscc}}), &hist)
	h := hist.EntityHistory
	if h.Target.Name != corrected.Edges.Target.Name || len(h.Results) < 2 || len(h.Corrections) != 1 || len(h.Tasks) != 1 || h.Results[0].Items.TotalCount == 0 {
		t.Errorf("entity history: %+v", h)
	}

	logged, err := db.Client.Publication.Query().Where(publication.LedgerIndexNotNil()).Count(sys)
	if err != nil {
		t.Fatal(err)
	}
	seen, cursor := map[string]bool{}, ""
	for {
		var c struct {
			Changes struct {
				Changes []struct {
					Cursor string
					Kind   string
					Uscc   *string
				}
				EndCursor   string
				HasNextPage bool
			}
		}
		mustData(t, post(t, base, credit, "", map[string]any{"query": `query($a: String) { changes(after: $a, first: 7) { changes { cursor kind uscc } endCursor hasNextPage } }`,
			"variables": map[string]any{"a": cursor}}), &c)
		for _, ch := range c.Changes.Changes {
			if seen[ch.Cursor] {
				t.Fatalf("change %s repeated", ch.Cursor)
			}
			if n, _ := strconv.Atoi(ch.Cursor); n != len(seen) {
				t.Fatalf("gap: change %s after %d changes", ch.Cursor, len(seen))
			}
			seen[ch.Cursor] = true
			if ch.Kind == "RESULT" && ch.Uscc == nil {
				t.Errorf("result change %s without USCC", ch.Cursor)
			}
		}
		cursor = c.Changes.EndCursor
		if !c.Changes.HasNextPage {
			break
		}
	}
	if len(seen) != logged || logged < 10 {
		t.Errorf("feed delivered %d changes, the log holds %d", len(seen), logged)
	}

	// The subscription delivers the next published result.
	wsURL := "ws" + strings.TrimPrefix(base, "http") + "/graphql"
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, wsURL, &websocket.DialOptions{Subprotocols: []string{"graphql-transport-ws"}})
	if err != nil {
		t.Fatal(err)
	}
	defer conn.CloseNow()
	send := func(v any) {
		b, _ := json.Marshal(v)
		if err := conn.Write(ctx, websocket.MessageText, b); err != nil {
			t.Fatal(err)
		}
	}
	read := func() map[string]any {
		_, b, err := conn.Read(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		_ = json.Unmarshal(b, &m)
		return m
	}
	send(map[string]any{"type": "connection_init", "payload": map[string]any{"Authorization": "Bearer " + credit}})
	if m := read(); m["type"] != "connection_ack" {
		t.Fatalf("init: %v", m)
	}
	send(map[string]any{"id": "1", "type": "subscribe", "payload": map[string]any{"query": `subscription($a: String) { resultPublished(after: $a) { cursor kind result { id status } } }`,
		"variables": map[string]any{"a": cursor}}})
	// Publish one more act of kind RESULT: re-publishing is impossible, so a correction of
	// the corrected result's new version is not needed — append a RESULT publication of an
	// existing published result through the publishing path used by backfills.
	next := appendResultPublication(t, db, sys)
	for {
		m := read()
		if m["type"] == "next" {
			b, _ := json.Marshal(m["payload"])
			if !strings.Contains(string(b), `"cursor":"`+strconv.Itoa(next)+`"`) || !strings.Contains(string(b), `"status":"PUBLISHED"`) {
				t.Fatalf("subscription event: %s", b)
			}
			break
		}
		if m["type"] == "error" {
			t.Fatalf("subscription: %v", m)
		}
	}

	// Dashboards: grouped counts over what the viewer may see, and a persisted query.
	dash := tok("SCJG", viewer.RoleDashboard)
	var agg struct {
		ResultAggregate struct {
			Total  int
			Groups []struct {
				Keys  []string
				Count int
			}
		}
	}
	mustData(t, post(t, base, dash, "", map[string]any{"query": `{ resultAggregate(groupBy: [DEPARTMENT, MONTH]) { total groups { keys labels count } } }`}), &agg)
	// Counted as every statistic counts: published and current (a corrected original is not).
	published, err := db.Client.Result.Query().Where(result.StatusEQ(result.StatusPUBLISHED), results.Current()).Count(sys)
	if err != nil {
		t.Fatal(err)
	}
	sum := 0
	for _, g := range agg.ResultAggregate.Groups {
		sum += g.Count
		if len(g.Keys) != 2 || len(g.Keys[1]) != 7 {
			t.Errorf("group keys: %v", g.Keys)
		}
	}
	if agg.ResultAggregate.Total != published || sum != published {
		t.Errorf("aggregate total %d, groups %d, published results %d", agg.ResultAggregate.Total, sum, published)
	}
	const saved = `query Coverage { resultAggregate(groupBy: [ITEM]) { total } }`
	var sv struct{ SavePersistedQuery struct{ Hash string } }
	mustData(t, post(t, base, dash, "", map[string]any{"query": `mutation($q: String!) { savePersistedQuery(name: "事项覆盖", query: $q) { hash } }`, "variables": map[string]any{"q": saved}}), &sv)
	if sv.SavePersistedQuery.Hash != persisted.Hash(saved) {
		t.Fatalf("hash %s", sv.SavePersistedQuery.Hash)
	}
	var byID struct{ ResultAggregate struct{ Total int } }
	mustData(t, post(t, base, dash, "", map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": sv.SavePersistedQuery.Hash}}}), &byID)
	if byID.ResultAggregate.Total != published {
		t.Errorf("persisted query answered %+v", byID)
	}
	if a := post(t, base, dash, "", map[string]any{"extensions": map[string]any{"persistedQuery": map[string]any{"version": 1, "sha256Hash": persisted.Hash("{ viewer { name } }")}}}); len(a.Errors) == 0 {
		t.Errorf("an unsaved hash was served")
	}
}

// appendResultPublication publishes one more RESULT act (of an existing published result)
// through publish.Record and returns its leaf index.
func appendResultPublication(t *testing.T, db *hub.Hub, ctx context.Context) int {
	t.Helper()
	r, err := db.Client.Result.Query().Where(result.StatusEQ(result.StatusPUBLISHED)).First(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var idx int
	err = txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		p, err := publish.Record(ctx, tx, publish.Act{Kind: publication.KindRESULT, Title: "订阅测试", SubjectType: ent.TypeResult,
			SubjectID: r.ID, DepartmentID: r.DepartmentID, Payload: map[string]any{"target_code": "订阅测试"}})
		if err != nil {
			return err
		}
		idx = int(*p.LedgerIndex)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return idx
}
