package acceptance

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/graph"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/viewer"
)

// outsider returns a department that takes part in no task of the demo hub.
func (h *hub) outsider() string {
	for _, code := range []string{"JY", "GA", "CZ", "RS", "ZJ"} {
		if h.deps[code] != nil {
			return code
		}
	}
	codes := make([]string, 0, len(h.deps))
	for c := range h.deps {
		if c != "SCJG" && c != "WJ" && c != "FG" {
			codes = append(codes, c)
		}
	}
	sort.Strings(codes)
	return codes[0]
}

// count runs a query whose only root field has a totalCount (or is a list) and returns it; it
// fails the test on any error.
func (h *hub) count(token, query string, vars map[string]any) int {
	h.t.Helper()
	r := h.gql(token, query, vars)
	if len(r.Errors) > 0 {
		h.t.Fatalf("%s: %s", query, r.Raw)
	}
	for _, raw := range r.Data {
		var c struct {
			TotalCount *int `json:"totalCount"`
		}
		if json.Unmarshal(raw, &c) == nil && c.TotalCount != nil {
			return *c.TotalCount
		}
		var list []json.RawMessage
		if json.Unmarshal(raw, &list) == nil {
			return len(list)
		}
	}
	h.t.Fatalf("%s: no count in %s", query, r.Raw)
	return 0
}

// TestAttack_NestedFiltersFindNoUnpublishedRows plays a department outside a task, the credit
// centre, a dashboard and the system administrator trying to learn, through filters that reach
// results and teams from other roots, which targets an ongoing inspection drew and what its
// draft results say. Each gets nothing; the task's own departments and the office find them
// (so the queries can find what they look for).
func TestAttack_NestedFiltersFindNoUnpublishedRows(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	o := h.ongoingTask()
	drafted := o.Targets[0]
	if drafted.Uscc == nil {
		t.Fatal("the drafted target has no USCC")
	}
	out := h.outsider()
	attackers := map[string]string{
		out + " 部门管理员":   h.token(out, viewer.RoleDeptAdmin, viewer.RoleInspector),
		"信用中心":           h.token("FG", viewer.RoleCreditCenter),
		out + " 数据看板":    h.token(out, viewer.RoleDashboard),
		"系统管理员":          h.token("SCJG", viewer.RoleSystemAdmin),
		out + " 负责人与审核人": h.token(out, viewer.RoleHead, viewer.RoleApprover),
	}
	insiders := map[string]string{
		"SCJG 检查人员": h.token("SCJG", viewer.RoleInspector),
		"WJ 部门管理员":  h.token("WJ", viewer.RoleDeptAdmin),
		"办公室":       h.token("SCJG", viewer.RoleOffice),
	}
	vars := map[string]any{"uscc": *drafted.Uscc, "draw": o.DrawID, "task": o.TaskID, "prefix": DraftSummary[:9]}
	// Each query finds the ongoing task's unpublished rows for an insider.
	queries := map[string]string{
		"targets with unpublished results":  `query($uscc: String) { targets(where: {uscc: $uscc, hasResultsWith: {statusNEQ: PUBLISHED}}) { totalCount } }`,
		"tasks with draft results":          `query { tasks(where: {hasResultsWith: {status: DRAFT}}) { totalCount } }`,
		"a draft summary by prefix":         `query($uscc: String, $prefix: String) { targets(where: {uscc: $uscc, hasResultsWith: {summaryHasPrefix: $prefix}}) { totalCount } }`,
		"a draft summary under not/or":      `query($uscc: String, $prefix: String) { targets(where: {uscc: $uscc, or: [{hasResultsWith: {summaryContains: $prefix}}, {id: 0}]}) { totalCount } }`,
		"departments by draft results":      `query($prefix: String) { departments(where: {hasResultsWith: {summaryHasPrefix: $prefix}}) { totalCount } }`,
		"tasks by items of drafts":          `query { tasks(where: {hasResultsWith: {hasItemsWith: {checked: true}, statusNEQ: PUBLISHED}}) { totalCount } }`,
		"drawn targets by draw":             `query($draw: ID) { targets(where: {hasTeamsWith: {drawID: $draw}}) { totalCount } }`,
		"teams of the draw":                 `query($draw: ID) { inspectionTeams(where: {hasDrawWith: {id: $draw}}) { totalCount } }`,
		"inspectors on the draw's teams":    `query($draw: ID) { inspectors(where: {hasTeamsWith: {drawID: $draw}}) { totalCount } }`,
		"the draw's teams through node":     `query($draw: ID!) { node(id: $draw) { ... on Draw { teams { totalCount } } } }`,
		"task result status":                `query($task: ID!) { taskResultStatus(taskID: $task) { targetName } }`,
		"nested connection filter":          `query($prefix: String) { departments(where: {code: "SCJG"}) { edges { node { targetLibraries { edges { node { targets(where: {hasResultsWith: {summaryHasPrefix: $prefix}}) { totalCount } } } } } } } }`,
		"the draw's tasks by teams":         `query($draw: ID) { tasks(where: {hasDrawsWith: {hasTeamsWith: {drawID: $draw}}}) { totalCount } }`,
		"history of the drafted enterprise": `query($uscc: String!) { entityHistory(uscc: $uscc) { tasks { name } } }`,
	}
	nested := func(r gqlResponse) int { // the nested connection's count
		var d struct {
			Edges []struct {
				Node struct {
					TargetLibraries struct {
						Edges []struct {
							Node struct {
								Targets struct{ TotalCount int } `json:"targets"`
							} `json:"node"`
						} `json:"edges"`
					} `json:"targetLibraries"`
				} `json:"node"`
			} `json:"edges"`
		}
		r.into(t, "departments", &d)
		n := 0
		for _, e := range d.Edges {
			for _, l := range e.Node.TargetLibraries.Edges {
				n += l.Node.Targets.TotalCount
			}
		}
		return n
	}
	history := func(r gqlResponse) int {
		var d struct {
			Tasks []struct{ Name string } `json:"tasks"`
		}
		r.into(t, "entityHistory", &d)
		n := 0
		for _, tk := range d.Tasks {
			if strings.HasPrefix(tk.Name, "验收测试") {
				n++
			}
		}
		return n
	}
	node := func(r gqlResponse) int {
		var d struct {
			Teams *struct{ TotalCount int } `json:"teams"`
		}
		r.into(t, "node", &d)
		if d.Teams == nil {
			return 0
		}
		return d.Teams.TotalCount
	}
	measure := func(name, token string) (int, gqlResponse) {
		q := queries[name]
		r := h.gql(token, q, vars)
		for _, e := range r.Errors {
			// A system administrator finds no business record at all (NOT_FOUND).
			if c, _ := e.Extensions["code"].(string); c != sharing.CodeForbiddenField && c != "FORBIDDEN" && c != "NOT_FOUND" {
				t.Fatalf("%s: %s", name, r.Raw)
			}
		}
		if len(r.Data) == 0 || string(r.Data[firstKey(r.Data)]) == "null" {
			return 0, r // refused at the root (a system administrator)
		}
		switch name {
		case "nested connection filter":
			return nested(r), r
		case "history of the drafted enterprise":
			return history(r), r
		case "the draw's teams through node":
			return node(r), r
		}
		var n int
		for _, raw := range r.Data {
			var c struct{ TotalCount int }
			var list []json.RawMessage
			if json.Unmarshal(raw, &list) == nil {
				n = len(list)
			} else if json.Unmarshal(raw, &c) == nil {
				n = c.TotalCount
			}
		}
		return n, r
	}
	names := make([]string, 0, len(queries))
	for n := range queries {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		found := false
		for who, tok := range insiders {
			if n, _ := measure(name, tok); n > 0 {
				found = true
			} else if who == "办公室" && name != "history of the drafted enterprise" {
				t.Errorf("%s: the office finds nothing; the query cannot show a leak", name)
			}
		}
		if !found {
			t.Errorf("%s: no insider finds the unpublished rows", name)
		}
		for who, tok := range attackers {
			if n, r := measure(name, tok); n != 0 {
				t.Errorf("%s: %s finds %d unpublished rows: %s", name, who, n, r.Raw)
			}
		}
	}
	// The bare boolean form cannot carry the rule: refused to outsiders, answered to the office.
	q := `query($uscc: String) { targets(where: {uscc: $uscc, hasResults: true}) { totalCount } }`
	for who, tok := range attackers {
		if r := h.gql(tok, q, vars); !r.has("FORBIDDEN") || r.Data["targets"] != nil && string(r.Data["targets"]) != "null" {
			t.Errorf("%s: hasResults answered: %s", who, r.Raw)
		}
	}
	if n := h.count(insiders["办公室"], q, vars); n != 1 {
		t.Errorf("office: hasResults counts %d, want 1", n)
	}
}

// TestFilterPathMatrix is generated from the GraphQL schema: every where-input field that
// filters through an edge into a row-restricted entity (class.Rows) must carry @rowRule, every
// such entity must have a row rule, and — for every root connection whose where input has such
// a field — a viewer outside the ongoing task who asks for the rows linked to records it may
// not see gets a count of zero, while the office counts what is there.
func TestFilterPathMatrix(t *testing.T) {
	t.Parallel()
	schema := graph.NewSchema(nil).Schema()
	restricted := map[string]bool{}
	for typ := range ent.SharingCatalog {
		if sharing.HasRowRule(typ) {
			restricted[typ] = true
		}
	}
	// Structure: every hasXWith into a restricted type is guarded.
	type path struct{ root, input, field, target string }
	var paths []path
	roots := map[string]string{} // where-input type → root field
	for _, f := range schema.Query.Fields {
		for _, a := range f.Arguments {
			if a.Name == "where" && strings.HasSuffix(f.Type.Name(), "Connection") {
				roots[a.Type.Name()] = f.Name
			}
		}
	}
	for name, def := range schema.Types {
		if def.Kind != ast.InputObject || !strings.HasSuffix(name, "WhereInput") {
			continue
		}
		for _, f := range def.Fields {
			if !strings.HasPrefix(f.Name, "has") {
				continue
			}
			target := strings.TrimSuffix(f.Type.Name(), "WhereInput")
			if f.Type.Name() == "Boolean" {
				if w := def.Fields.ForName(f.Name + "With"); w != nil {
					target = strings.TrimSuffix(w.Type.Name(), "WhereInput")
				}
			}
			d := f.Directives.ForName("rowRule")
			switch {
			case restricted[target] && d == nil:
				t.Errorf("%s.%s reaches the row-restricted %s without @rowRule", name, f.Name, target)
			case d != nil && d.Arguments.ForName("type").Value.Raw != target:
				t.Errorf("%s.%s: @rowRule names %s, the edge reaches %s", name, f.Name, d.Arguments.ForName("type").Value.Raw, target)
			case d != nil && !sharing.HasRowRule(target):
				t.Errorf("%s.%s: %s has no row rule", name, f.Name, target)
			}
			if d != nil && strings.HasSuffix(f.Name, "With") && roots[name] != "" {
				paths = append(paths, path{roots[name], name, f.Name, target})
			}
		}
	}
	sort.Slice(paths, func(i, j int) bool { return fmt.Sprint(paths[i]) < fmt.Sprint(paths[j]) })
	if len(paths) < 15 {
		t.Fatalf("only %d guarded filter paths from root connections", len(paths))
	}

	// Behaviour: hidden rows of each restricted type, for the outsider.
	h := newDemoHub(t)
	h.ongoingTask()
	out := h.outsider()
	outTok := h.token(out, viewer.RoleDeptAdmin, viewer.RoleInspector, viewer.RoleApprover, viewer.RoleHead)
	office := h.token("SCJG", viewer.RoleOffice)
	hidden := map[string][]int{}
	for typ := range restricted {
		rows, err := h.db.SQL.QueryContext(h.sys, fmt.Sprintf("SELECT id FROM %s ORDER BY id DESC LIMIT 300", ent.TypeTables[typ]))
		if err != nil {
			t.Fatal(err)
		}
		var ids []int
		for rows.Next() {
			var id int
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		if len(ids) == 0 {
			continue
		}
		r := h.gql(outTok, `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`, map[string]any{"ids": ids})
		var nodes []*struct{ ID json.Number }
		r.into(t, "nodes", &nodes)
		for i, n := range nodes {
			if n == nil {
				hidden[typ] = append(hidden[typ], ids[i])
			}
		}
	}
	checked, found := 0, 0
	for _, p := range paths {
		ids := hidden[p.target]
		if len(ids) == 0 {
			continue
		}
		q := fmt.Sprintf(`query($ids: [ID!]) { %s(where: {%s: [{idIn: $ids}]}) { totalCount } }`, p.root, p.field)
		vars := map[string]any{"ids": ids}
		checked++
		if n := h.count(outTok, q, vars); n != 0 {
			t.Errorf("%s(where: {%s}) finds %d rows linked to %s it may not see", p.root, p.field, n, p.target)
		}
		if h.count(office, q, vars) > 0 {
			found++
		}
	}
	t.Logf("filter paths: %d guarded, %d checked against hidden rows, %d where the office finds linked rows; hidden rows by type: %v",
		len(paths), checked, found, countsOf(hidden))
	if found < 5 {
		t.Errorf("the office finds linked rows on only %d paths: the matrix cannot show a leak", found)
	}
	for _, typ := range []string{ent.TypeResult, ent.TypeInspectionTeam, ent.TypeAuditEvent} {
		if len(hidden[typ]) == 0 {
			t.Errorf("no hidden %s rows: the fixture does not exercise its rule", typ)
		}
	}
}

func firstKey(m map[string]json.RawMessage) string {
	for k := range m {
		return k
	}
	return ""
}

func countsOf(m map[string][]int) map[string]int {
	out := map[string]int{}
	for k, v := range m {
		out[k] = len(v)
	}
	return out
}

var _ = slices.Contains[[]string]
