package acceptance

import (
	"fmt"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestCurrentFilter_ResultsAndPublications: `current` on the results and publications
// connections is the rule of Result.current / Publication.current, so clients need not discover
// `not: {hasCorrections: true}` (an office-only filter). The demo's corrected result is split
// into its superseded original (current: false) and its correction; true and false partition
// what the viewer sees. The row rules stay intact: a dashboard's `current: true` holds no
// unpublished result, and a filter through an edge does not match the ongoing task's draft.
func TestCurrentFilter_ResultsAndPublications(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	og := h.ongoingTask()
	type node struct {
		ID, Status   string
		Current      bool
		SupersededBy *struct{ ID string }
	}
	type conn struct {
		TotalCount int
		Edges      []struct{ Node node }
	}
	list := func(token, where string) conn {
		t.Helper()
		var c conn
		h.gql(token, fmt.Sprintf(`{ results(first: 1000%s){ totalCount edges { node { id status current supersededBy { id } } } } }`, where), nil).
			into(t, "results", &c)
		return c
	}
	for _, who := range []struct {
		name, token string
		office      bool
	}{
		{"office", h.token("SCJG", viewer.RoleOffice), true},
		{"WJ administrator", h.token("WJ", viewer.RoleDeptAdmin), false},
		{"dashboard", h.token("WJ", viewer.RoleDashboard), false},
	} {
		all, cur, old := list(who.token, ""), list(who.token, `, where: {current: true}`), list(who.token, `, where: {current: false}`)
		if old.TotalCount < 1 || cur.TotalCount+old.TotalCount != all.TotalCount {
			t.Fatalf("%s: %d results, %d current, %d superseded", who.name, all.TotalCount, cur.TotalCount, old.TotalCount)
		}
		for _, e := range cur.Edges {
			if !e.Node.Current || e.Node.SupersededBy != nil {
				t.Errorf("%s: current filter gave %+v", who.name, e.Node)
			}
		}
		for _, e := range old.Edges {
			if e.Node.Current || e.Node.SupersededBy == nil || e.Node.Status != "PUBLISHED" {
				t.Errorf("%s: superseded filter gave %+v", who.name, e.Node)
			}
		}
		// Composes like any where field.
		if n := list(who.token, `, where: {not: {current: false}}`).TotalCount; n != cur.TotalCount {
			t.Errorf("%s: not superseded %d, current %d", who.name, n, cur.TotalCount)
		}
		draft := fmt.Sprint(og.DraftID)
		seen := false
		for _, e := range cur.Edges {
			if e.Node.ID == draft {
				seen = true
			}
			if who.name == "dashboard" && e.Node.Status != "PUBLISHED" {
				t.Errorf("dashboard sees unpublished %+v through current: true", e.Node)
			}
		}
		if want := who.name != "dashboard"; seen != want {
			t.Errorf("%s: the draft among current results: %v, want %v", who.name, seen, want)
		}
		var tg struct{ TotalCount int }
		h.gql(who.token, fmt.Sprintf(`{ targets(where: {hasResultsWith: [{current: true, id: %d}]}){ totalCount } }`, og.DraftID), nil).
			into(t, "targets", &tg)
		if want := map[bool]int{true: 1, false: 0}[who.name != "dashboard"]; tg.TotalCount != want {
			t.Errorf("%s: targets with the current draft result: %d, want %d", who.name, tg.TotalCount, want)
		}
	}

	// Publications: the corrected original's publication is not current.
	office := h.token("SCJG", viewer.RoleOffice)
	type pconn struct {
		TotalCount int
		Edges      []struct {
			Node struct {
				ID, Kind     string
				Current      bool
				SupersededBy *struct{ ID string }
			}
		}
	}
	pubs := func(where string) pconn {
		var c pconn
		h.gql(office, fmt.Sprintf(`{ publications(first: 1000%s){ totalCount edges { node { id kind current supersededBy { id } } } } }`, where), nil).
			into(t, "publications", &c)
		return c
	}
	all, cur, old := pubs(""), pubs(`, where: {current: true}`), pubs(`, where: {current: false}`)
	if old.TotalCount < 1 || cur.TotalCount+old.TotalCount != all.TotalCount {
		t.Fatalf("publications: %d, %d current, %d superseded", all.TotalCount, cur.TotalCount, old.TotalCount)
	}
	for _, e := range old.Edges {
		if e.Node.Current || e.Node.SupersededBy == nil {
			t.Errorf("superseded publication %+v", e.Node)
		}
	}
	for _, e := range cur.Edges {
		if !e.Node.Current {
			t.Errorf("current publication %+v", e.Node)
		}
	}
}

// TestRegime_NotificationMarkedRead: the receiving department marks a 抄告 read; marking it
// again keeps the first time; the sending department cannot mark it for the receiver.
func TestRegime_NotificationMarkedRead(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	var n *ent.Notification
	err := txn.Run(h.sys, h.db.Client, func(tx *ent.Tx) error {
		var err error
		n, err = tx.Notification.Create().SetMessage("抄告：企业年报信息不实，请依职责处理").
			SetFromDepartmentID(h.deps["WJ"].ID).SetToDepartmentID(h.deps["SCJG"].ID).Save(h.sys)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	mark := `mutation($id:ID!){ markNotificationRead(id:$id){ readAt } }`
	if r := h.gql(h.token("WJ", viewer.RoleDeptAdmin), mark, map[string]any{"id": n.ID}); !r.has("FORBIDDEN") {
		t.Fatalf("the sender marks it read: %s", r.Raw)
	}
	scjg := h.token("SCJG", viewer.RoleDeptAdmin)
	var first, second struct{ ReadAt *string }
	h.gql(scjg, mark, map[string]any{"id": n.ID}).into(t, "markNotificationRead", &first)
	if first.ReadAt == nil {
		t.Fatal("no read time")
	}
	h.clock.Move(h.clock.Now().Add(48 * time.Hour))
	h.gql(scjg, mark, map[string]any{"id": n.ID}).into(t, "markNotificationRead", &second)
	if second.ReadAt == nil || *second.ReadAt != *first.ReadAt {
		t.Fatalf("read again: %v, first %v", second.ReadAt, *first.ReadAt)
	}
}
