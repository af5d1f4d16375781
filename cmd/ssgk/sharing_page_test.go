package main

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestSharing_MixedOwnersPage: a page of targets is decided record by record even though it is
// decided in one pass. The demo's targets are all in the market regulator's library and some
// also in the health commission's: the commission reads the contact phones of its own targets,
// is refused the others' until the regulator grants it the contact group, and then the one
// access-log entry counts exactly the regulator's targets it read (not its own).
func TestSharing_MixedOwnersPage(t *testing.T) {
	db, authSvc, base := newDemoHub(t)
	sys := viewer.NewContext(context.Background(), viewer.NewSystem("sharing page test"))
	tok := tokens(t, sys, authSvc)
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
		"variables": map[string]any{"e": clock.Now().AddDate(0, 1, 0).Format(time.RFC3339)}}), &req)
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
