package main

import (
	"context"
	"encoding/json"
	"strconv"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestSharing_OwnerChangeTakesEffectAtOnce: for a target whose contact details have no
// recorded owner (a row from before contact provenance), the holders own them: a department
// that may read the contact phone under the market regulator's grant loses it on the very next
// query once the enterprise moves to another department's sub-library, and gets it back when it
// moves back — however often the query ran before (on PostgreSQL the owners are cached across
// queries; the cache must never answer for memberships that changed). A target whose contact
// details were recorded by the regulator stays the regulator's wherever it moves.
func TestSharing_OwnerChangeTakesEffectAtOnce(t *testing.T) {
	db, authSvc, base := newDemoHub(t)
	sys := viewer.NewContext(context.Background(), viewer.NewSystem("sharing test"))
	tok := tokens(t, sys, authSvc)
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
		"variables": map[string]any{"e": clock.Now().AddDate(0, 1, 0).Format(time.RFC3339)}}), &req)
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
