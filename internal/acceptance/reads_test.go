package acceptance

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/sharegrant"
	"github.com/ssgk/ssgk/graph"
	hubpkg "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// allowedBySpec is design.md §5's table for one role, class and relation, written out on its
// own so that the enforcement (package sharing, the GraphQL extension, owners and grants) is
// checked against the rule rather than against itself.
func allowedBySpec(role, class, typ string, rel relation) bool {
	switch {
	case role == viewer.RoleSystemAdmin: // manages accounts, reads no business data, public or not
		return typ == ent.TypeAccount || typ == ent.TypeApiToken ||
			typ == ent.TypeDepartment && (class == "PUBLIC" || class == "SHARED") // the accounts' departments
	case class == "PUBLIC":
		return true
	case class == "SHARED":
		return true
	case role == viewer.RoleDashboard: // aggregates what is shared
		return false
	case rel == owning:
		return true
	case class == "CONDITIONAL" && rel == otherWithGrant:
		return true
	}
	return false
}

// rowVisibleBySpec: grants and the access log are seen by the requesting (reading) and the
// owning department's roles that may read restricted data (not dashboards) and the office; the
// audit trail, leads and lead clusters by the owning department's working roles (not the credit
// centre, not dashboards) and the office; every other record picked by the matrix (published
// where rows are restricted) by everyone.
func rowVisibleBySpec(typ, role string, rel relation) bool {
	if role == viewer.RoleSystemAdmin {
		// No business rows at all: the record is not found.
		return typ == ent.TypeAccount || typ == ent.TypeApiToken || typ == ent.TypeDepartment
	}
	if role == viewer.RoleOffice {
		return true
	}
	switch typ {
	case ent.TypeShareGrant, ent.TypeAccessLog:
		return role != viewer.RoleDashboard && (rel == owning || (typ == ent.TypeShareGrant && rel == otherWithGrant))
	case ent.TypeAuditEvent, ent.TypeLead, ent.TypeLeadCluster:
		return role != viewer.RoleDashboard && role != viewer.RoleCreditCenter && rel == owning
	}
	return true
}

// TestAuthorisationMatrix is generated from the schema annotations (ent.SharingCatalog): for
// every entity exposed through GraphQL, one record of the demo year, and every role × the
// owning department / another department without a grant / another department holding grants
// for every CONDITIONAL group of the owner, it asks for every field of the record and asserts
// that each one is returned or refused with FORBIDDEN_FIELD and its class, as the table says.
// A new field or entity is covered without touching this test.
func TestAuthorisationMatrix(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	db, authSvc := h.db, h.auth
	sys := viewer.NewContext(context.Background(), viewer.NewSystem("matrix test"))

	deps, err := db.Client.Department.Query().Order(ent.Asc("id")).All(sys)
	if err != nil {
		t.Fatal(err)
	}
	// The grantee holds an approved grant of every CONDITIONAL group from every other department.
	grantee := deps[len(deps)-1]
	err = txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		for _, d := range deps {
			if d.ID == grantee.ID {
				continue
			}
			for _, g := range sharing.Groups() {
				if err := tx.ShareGrant.Create().SetRequesterID(grantee.ID).SetOwnerID(d.ID).SetGroup(g.Group).
					SetPurpose("授权矩阵测试").SetExpiresAt(h.clock.Now().AddDate(0, 6, 0)).SetStatus(sharegrant.StatusAPPROVED).Exec(sys); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	tokens := map[string]string{}
	token := func(dep *ent.Department, role string) string {
		k := dep.Code + "/" + role
		if tok, ok := tokens[k]; ok {
			return tok
		}
		tok, _, err := authSvc.CreateToken(sys, dep.Code, "矩阵 "+k, []string{role}, nil)
		if err != nil {
			t.Fatal(err)
		}
		tokens[k] = tok
		return tok
	}

	schema := graph.NewSchema(nil).Schema()
	types := make([]string, 0, len(ent.SharingCatalog))
	for typ := range ent.SharingCatalog {
		if schema.Types[typ] != nil {
			types = append(types, typ)
		}
	}
	sort.Strings(types)
	// Entities the demo year does not produce: their fields are still classified (checked by
	// graph.TestSharing_EveryExposedFieldHasAClass) but cannot be read here.
	mayBeEmpty := map[string]bool{ent.TypeEvidence: true, ent.TypePersistedQuery: true, ent.TypeAccessLog: true, ent.TypeImportJob: true,
		ent.TypeLeadCluster: true, ent.TypeNotification: true, ent.TypeLead: true, ent.TypeFollowUpAction: true, ent.TypeCalendarYear: true, ent.TypeSetting: true}
	cells, refusals := 0, 0
	for _, typ := range types {
		id, owners := pickRecord(t, sys, db, typ, grantee.ID)
		if id == 0 {
			if !mayBeEmpty[typ] {
				t.Errorf("%s: the demo year has no record to check", typ)
			}
			continue
		}
		rels := map[relation]*ent.Department{}
		for _, d := range deps {
			switch {
			case slices.Contains(owners, d.ID):
				if rels[owning] == nil {
					rels[owning] = d
				}
			case d.ID == grantee.ID:
				rels[otherWithGrant] = d
			case rels[otherNoGrant] == nil:
				rels[otherNoGrant] = d
			}
		}
		query, fields := matrixQuery(schema, typ)
		for _, rel := range []relation{owning, otherNoGrant, otherWithGrant} {
			dep := rels[rel]
			if dep == nil {
				continue
			}
			for _, role := range viewer.AllRoles {
				got := matrixAsk(t, h.url, token(dep, role), query, id)
				if !rowVisibleBySpec(typ, role, rel) {
					if got.node != nil {
						t.Errorf("%s #%d is visible to %s %s (%s); its rows are the owner's", typ, id, dep.Code, role, rel)
					}
					continue
				}
				if got.node == nil {
					t.Errorf("%s #%d is not visible to %s %s (%s): %s", typ, id, dep.Code, role, rel, got.raw)
					continue
				}
				for _, f := range fields {
					rule, _ := sharing.Lookup(typ, f)
					want := allowedBySpec(role, rule.Class, typ, rel)
					cells++
					e, refused := got.errs[f]
					switch {
					case want && refused:
						t.Errorf("%s.%s (%s) refused to %s %s (%s): %s", typ, f, rule.Class, dep.Code, role, rel, e)
					case !want && !refused:
						t.Errorf("%s.%s (%s) returned to %s %s (%s); want FORBIDDEN_FIELD", typ, f, rule.Class, dep.Code, role, rel)
					case !want && string(got.node[f]) != "null":
						t.Errorf("%s.%s refused but not null: %s", typ, f, got.node[f])
					case !want && !strings.Contains(e, "class="+rule.Class):
						t.Errorf("%s.%s refused with the wrong class: %s", typ, f, e)
					}
					if !want {
						refusals++
					}
				}
			}
		}
	}
	t.Logf("authorisation matrix: %d types, %d cells, %d refusals", len(types), cells, refusals)
	if cells < 5000 || refusals < 500 {
		t.Fatalf("matrix too small (%d cells, %d refusals): records or fields were not read", cells, refusals)
	}
}

// pickRecord chooses a record of the type that every viewer can see (a published one where
// rows are restricted), preferring one with an owning department other than the grantee.
func pickRecord(t *testing.T, ctx context.Context, db *hubpkg.Hub, typ string, grantee int) (int, []int) {
	t.Helper()
	table := ent.TypeTables[typ]
	where := ""
	switch typ {
	case ent.TypeResult:
		where = " WHERE status = 'PUBLISHED'"
	case ent.TypeResultItem, ent.TypeEvidence:
		where = " WHERE result_id IN (SELECT id FROM results WHERE status = 'PUBLISHED')"
	}
	rows, err := db.SQL.QueryContext(ctx, fmt.Sprintf("SELECT id FROM %s%s ORDER BY id LIMIT 200", table, where))
	if err != nil {
		t.Fatal(err)
	}
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	rows.Close()
	if len(ids) == 0 {
		return 0, nil
	}
	r := sharing.NewReader(db.Client, viewer.NewSystem("matrix test"))
	best, bestOwners := ids[0], []int(nil)
	for _, id := range ids {
		obj, err := db.Client.Noder(ctx, id)
		if err != nil {
			t.Fatalf("%s #%d: %v", typ, id, err)
		}
		owners, err := r.Owners(ctx, typ, obj)
		if err != nil {
			t.Fatal(err)
		}
		if len(owners) > 0 && !slices.Contains(owners, grantee) {
			return id, owners
		}
		if bestOwners == nil && len(owners) > 0 {
			best, bestOwners = id, owners
		}
	}
	return best, bestOwners
}

// matrixQuery asks for every field of the type on one node; object fields select __typename.
func matrixQuery(s *ast.Schema, typ string) (string, []string) {
	var sel, fields []string
	for _, f := range s.Types[typ].Fields {
		if strings.HasPrefix(f.Name, "__") || slices.ContainsFunc(f.Arguments, func(a *ast.ArgumentDefinition) bool {
			return a.Type.NonNull && a.DefaultValue == nil
		}) {
			continue
		}
		fields = append(fields, f.Name)
		if k := s.Types[f.Type.Name()].Kind; k == ast.Scalar || k == ast.Enum {
			sel = append(sel, f.Name)
		} else {
			sel = append(sel, f.Name+" { __typename }")
		}
	}
	return fmt.Sprintf("query Matrix($id: ID!) { node(id: $id) { ... on %s { %s } } }", typ, strings.Join(sel, " ")), fields
}

type matrixAnswer struct {
	raw  string
	node map[string]json.RawMessage
	errs map[string]string // field → "code=… class=… message"
}

func matrixAsk(t *testing.T, url, token, query string, id int) matrixAnswer {
	t.Helper()
	_, raw := sendGraphQL(t, url, token, map[string]any{"query": query, "variables": map[string]any{"id": id}}, nil)
	var r struct {
		Data struct {
			Node map[string]json.RawMessage `json:"node"`
		} `json:"data"`
		Errors []gqlError `json:"errors"`
	}
	if err := json.Unmarshal(raw, &r); err != nil {
		t.Fatalf("not JSON: %s", raw)
	}
	out := matrixAnswer{raw: string(raw), node: r.Data.Node, errs: map[string]string{}}
	for _, e := range r.Errors {
		code, _ := e.Extensions["code"].(string)
		class, _ := e.Extensions["class"].(string)
		if code == "NOT_FOUND" && len(e.Path) == 1 {
			continue // the row is not visible to the viewer
		}
		if code != sharing.CodeForbiddenField || len(e.Path) != 2 {
			t.Errorf("unexpected error: %s", raw)
			continue
		}
		f, _ := e.Path[1].(string)
		out.errs[f] = "code=" + code + " class=" + class + " " + e.Message
	}
	return out
}
