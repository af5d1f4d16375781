package acceptance

import (
	"context"
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	hubpkg "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/persisted"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// gqlAnswer is a GraphQL response whose data is decoded whole (mustData).
type gqlAnswer struct {
	Data   json.RawMessage `json:"data"`
	Errors []gqlError      `json:"errors"`
}

// post runs a GraphQL request with a bearer token and, if purpose is set, the purpose header.
func post(t *testing.T, base, token, purpose string, body map[string]any) gqlAnswer {
	t.Helper()
	var headers map[string]string
	if purpose != "" {
		headers = map[string]string{server.PurposeHeader: url.QueryEscape(purpose)}
	}
	_, raw := sendGraphQL(t, base, token, body, headers)
	var a gqlAnswer
	if err := json.Unmarshal(raw, &a); err != nil {
		t.Fatalf("not JSON: %s", raw)
	}
	return a
}

// mustData decodes the data of an answer that must carry no error.
func mustData(t *testing.T, a gqlAnswer, out any) {
	t.Helper()
	if len(a.Errors) > 0 {
		t.Fatalf("errors: %+v", a.Errors)
	}
	if err := json.Unmarshal(a.Data, out); err != nil {
		t.Fatal(err)
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
	t.Parallel()
	h := newDemoHub(t)
	db, base, tok := h.db, h.url, h.token
	sys := viewer.NewContext(context.Background(), viewer.NewSystem("sharing test"))
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

	expires := h.clock.Now().AddDate(0, 1, 0).Format(time.RFC3339)
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
	eh := hist.EntityHistory
	if eh.Target.Name != corrected.Edges.Target.Name || len(eh.Results) < 2 || len(eh.Corrections) != 1 || len(eh.Tasks) != 1 || eh.Results[0].Items.TotalCount == 0 {
		t.Errorf("entity history: %+v", eh)
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
func appendResultPublication(t *testing.T, db *hubpkg.Hub, ctx context.Context) int {
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

// TestSharing_MixedOwnersPage: a page of targets is decided record by record even though it is
// decided in one pass. The demo's targets are all in the market regulator's library and some
// also in the health commission's: the commission reads the contact phones of its own targets,
// is refused the others' until the regulator grants it the contact group, and then the one
// access-log entry counts exactly the regulator's targets it read (not its own).
func TestSharing_MixedOwnersPage(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	db, base, tok := h.db, h.url, h.token
	sys := viewer.NewContext(context.Background(), viewer.NewSystem("sharing page test"))
	wj, scjg := tok("WJ", viewer.RoleDeptAdmin), tok("SCJG", viewer.RoleDeptAdmin)

	// The commission's own targets, straight from the tables.
	// The health commission's own contact details: those it recorded (contact provenance).
	rows, err := db.SQL.QueryContext(sys, `SELECT t.id FROM targets t JOIN departments d ON d.id = t.contact_department_id WHERE d.code = 'WJ'`)
	if err != nil {
		t.Fatal(err)
	}
	own := map[int]bool{}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		own[id] = true
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}

	// A page of targets whose contact details the commission or the regulator recorded.
	deps := db.Client.Department.Query().Where(department.CodeIn("WJ", "SCJG")).IDsX(sys)
	vars := map[string]any{"deps": deps}
	const q = `query($deps: [Int!]) { targets(first: 200, where: {contactDepartmentIDIn: $deps}) { edges { node { id name contactPhone legalRepPhone } } } }`
	type page struct {
		Targets struct {
			Edges []struct {
				Node struct {
					ID                          string
					Name                        string
					ContactPhone, LegalRepPhone *string
				}
			}
		}
	}
	read := func(a gqlAnswer) (page, map[int]*ent.Target) {
		t.Helper()
		var p page
		if err := json.Unmarshal(a.Data, &p); err != nil {
			t.Fatal(err)
		}
		var ids []int
		for _, e := range p.Targets.Edges {
			id, _ := strconv.Atoi(e.Node.ID)
			ids = append(ids, id)
		}
		stored := map[int]*ent.Target{}
		for _, x := range db.Client.Target.Query().Where(target.IDIn(ids...)).AllX(sys) {
			stored[x.ID] = x
		}
		return p, stored
	}
	phone := func(s *string) string {
		if s == nil {
			return ""
		}
		return *s
	}

	before := post(t, base, wj, "", map[string]any{"query": q, "variables": vars})
	p, stored := read(before)
	var mine, theirs int
	// Each refused field is reported once, with the number of places refused (null in each).
	refusals := map[string]int{}
	for _, e := range before.Errors {
		if e.Extensions["code"] != sharing.CodeForbiddenField || len(e.Path) != 5 {
			t.Fatalf("unexpected error: %+v", e)
		}
		refusals[e.Extensions["field"].(string)] += int(e.Extensions["count"].(float64))
	}
	refused := map[string]bool{}
	for _, e := range p.Targets.Edges {
		if e.Node.ContactPhone == nil {
			refused[e.Node.ID+".contactPhone"] = true
		}
		if e.Node.LegalRepPhone == nil {
			refused[e.Node.ID+".legalRepPhone"] = true
		}
	}
	for _, e := range p.Targets.Edges {
		id, _ := strconv.Atoi(e.Node.ID)
		x := stored[id]
		if own[id] {
			mine++
			if phone(e.Node.ContactPhone) != x.ContactPhone || phone(e.Node.LegalRepPhone) != x.LegalRepPhone ||
				refused[e.Node.ID+".contactPhone"] || refused[e.Node.ID+".legalRepPhone"] {
				t.Errorf("own target %d: %+v (stored %q %q)", id, e.Node, x.ContactPhone, x.LegalRepPhone)
			}
			continue
		}
		theirs++
		if e.Node.Name == "" || e.Node.ContactPhone != nil || e.Node.LegalRepPhone != nil ||
			!refused[e.Node.ID+".contactPhone"] || !refused[e.Node.ID+".legalRepPhone"] {
			t.Errorf("the regulator's target %d before the grant: %+v", id, e.Node)
		}
	}
	if mine == 0 || theirs == 0 || len(before.Errors) != 2 || refusals["contactPhone"] != theirs || refusals["legalRepPhone"] != theirs {
		t.Fatalf("a mixed page needs both kinds: %d own, %d the regulator's, %d errors %v", mine, theirs, len(before.Errors), refusals)
	}

	var req struct{ RequestGrant struct{ ID string } }
	mustData(t, post(t, base, wj, "", map[string]any{"query": `mutation($e: Time!) { requestGrant(ownerCode: "SCJG", group: "contact", purpose: "联合检查联系企业", expiresAt: $e) { id } }`,
		"variables": map[string]any{"e": h.clock.Now().AddDate(0, 1, 0).Format(time.RFC3339)}}), &req)
	mustData(t, post(t, base, scjg, "", map[string]any{"query": `mutation($id: ID!) { approveGrant(id: $id) { status } }`,
		"variables": map[string]any{"id": req.RequestGrant.ID}}), &struct{}{})

	var logsBefore int
	if err := db.SQL.QueryRowContext(sys, `SELECT count(*) FROM access_logs`).Scan(&logsBefore); err != nil {
		t.Fatal(err)
	}
	after := post(t, base, wj, "核对联系电话", map[string]any{"query": q, "variables": vars})
	if len(after.Errors) != 0 {
		t.Fatalf("after the grant: %+v", after.Errors)
	}
	p, stored = read(after)
	for _, e := range p.Targets.Edges {
		id, _ := strconv.Atoi(e.Node.ID)
		if x := stored[id]; phone(e.Node.ContactPhone) != x.ContactPhone || phone(e.Node.LegalRepPhone) != x.LegalRepPhone {
			t.Errorf("target %d after the grant: %+v (stored %q %q)", id, e.Node, x.ContactPhone, x.LegalRepPhone)
		}
	}
	var n, count int
	var typ, fields, purpose string
	if err := db.SQL.QueryRowContext(sys, `SELECT count(*) FROM access_logs`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if err := db.SQL.QueryRowContext(sys, `SELECT entity_type, fields, record_count, purpose FROM access_logs ORDER BY id DESC LIMIT 1`).
		Scan(&typ, &fields, &count, &purpose); err != nil {
		t.Fatal(err)
	}
	var fs []string
	if err := json.Unmarshal([]byte(fields), &fs); err != nil {
		t.Fatal(err)
	}
	slices.Sort(fs)
	if n != logsBefore+1 || typ != "Target" || count != theirs || !slices.Equal(fs, []string{"contactPhone", "legalRepPhone"}) || purpose != "核对联系电话" {
		t.Errorf("access log: %d new rows, newest %s %v count %d purpose %q; want one row, Target, both phones, %d records",
			n-logsBefore, typ, fs, count, purpose, theirs)
	}
}

// TestSharing_OwnerChangeTakesEffectAtOnce: for a target whose contact details have no
// recorded owner (a row from before contact provenance), the holders own them: a department
// that may read the contact phone under the market regulator's grant loses it on the very next
// query once the enterprise moves to another department's sub-library, and gets it back when it
// moves back — however often the query ran before (on PostgreSQL the owners are cached across
// queries; the cache must never answer for memberships that changed). A target whose contact
// details were recorded by the regulator stays the regulator's wherever it moves.
func TestSharing_OwnerChangeTakesEffectAtOnce(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	db, base, tok := h.db, h.url, h.token
	sys := viewer.NewContext(context.Background(), viewer.NewSystem("sharing test"))
	wj, scjg := tok("WJ", viewer.RoleDeptAdmin), tok("SCJG", viewer.RoleDeptAdmin)

	depID := func(code string) int {
		return db.Client.Department.Query().Where(department.Code(code)).OnlyIDX(sys)
	}
	scjgLib := db.Client.TargetLibrary.Query().Where(targetlibrary.HasDepartmentWith(department.Code("SCJG"))).FirstIDX(sys)
	var jtLib int
	tg := db.Client.Target.Query().Where(target.HasLibrariesWith(targetlibrary.ID(scjgLib))).FirstX(sys)
	const phone = "0538-5620001"
	moveTo := func(lib int) {
		t.Helper()
		err := txn.Run(sys, db.Client, func(tx *ent.Tx) error {
			return tx.Target.UpdateOneID(tg.ID).ClearLibraries().AddLibraryIDs(lib).SetContactPhone(phone).Exec(sys)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	recorder := func(dep any) {
		t.Helper()
		q := "UPDATE targets SET contact_department_id = ? WHERE id = ?"
		if db.Dialect == "postgres" {
			q = "UPDATE targets SET contact_department_id = $1 WHERE id = $2"
		}
		if _, err := db.SQL.ExecContext(sys, q, dep, tg.ID); err != nil {
			t.Fatal(err)
		}
	}
	recorder(nil)
	err := txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		l, err := tx.TargetLibrary.Create().SetCode("JT-TEST").SetName("交通运输测试分库").SetDepartmentID(depID("JT")).Save(sys)
		jtLib = l.ID
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	moveTo(scjgLib)

	var req struct{ RequestGrant struct{ ID string } }
	mustData(t, post(t, base, wj, "", map[string]any{"query": `mutation($e: Time!) { requestGrant(ownerCode: "SCJG", group: "contact", purpose: "联合检查联系企业", expiresAt: $e) { id } }`,
		"variables": map[string]any{"e": h.clock.Now().AddDate(0, 1, 0).Format(time.RFC3339)}}), &req)
	mustData(t, post(t, base, scjg, "", map[string]any{"query": `mutation($id: ID!) { approveGrant(id: $id) { status } }`,
		"variables": map[string]any{"id": req.RequestGrant.ID}}), &struct{}{})

	const q = `query Contact($id: ID!) { targets(where: {id: $id}) { edges { node { id name contactPhone } } } }`
	read := func(step string, allowed bool) {
		t.Helper()
		a := post(t, base, wj, "", map[string]any{"query": q, "variables": map[string]any{"id": strconv.Itoa(tg.ID)}})
		var page struct {
			Targets struct {
				Edges []struct {
					Node struct {
						Name         string
						ContactPhone *string
					}
				}
			}
		}
		if err := json.Unmarshal(a.Data, &page); err != nil {
			t.Fatal(err)
		}
		if len(page.Targets.Edges) != 1 || page.Targets.Edges[0].Node.Name == "" {
			t.Fatalf("%s: %+v %+v", step, page, a.Errors)
		}
		got := page.Targets.Edges[0].Node.ContactPhone
		switch {
		case allowed && (got == nil || *got != phone || len(a.Errors) != 0):
			t.Fatalf("%s: contact phone %v, errors %+v; want %s", step, got, a.Errors, phone)
		case !allowed && (got != nil || len(a.Errors) != 1 || a.Errors[0].Extensions["code"] != sharing.CodeForbiddenField):
			t.Fatalf("%s: contact phone %v, errors %+v; want null and %s", step, got, a.Errors, sharing.CodeForbiddenField)
		}
	}
	read("under the regulator's grant", true)
	read("again", true)
	moveTo(jtLib)
	read("moved to the transport bureau's library", false)
	read("again", false)
	moveTo(scjgLib)
	read("moved back", true)
	recorder(depID("SCJG"))
	moveTo(jtLib)
	read("recorded by the regulator, moved to the transport bureau's library", true)
}
