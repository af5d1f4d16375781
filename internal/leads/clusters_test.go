package leads_test

import (
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/lead"
	"github.com/ssgk/ssgk/ent/leadcluster"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/leads"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/settings"
)

func leadIDs(c *ent.LeadCluster) []int {
	var ids []int
	for _, l := range c.Edges.Leads {
		ids = append(ids, l.ID)
	}
	slices.Sort(ids)
	return ids
}

func TestDetectClusters_OfferedWhenThresholdReached(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	day := 24 * time.Hour
	now := time.Now()
	a := h.receive(t, h.item.ID, "1391", "370921", now.Add(-20*day))
	b := h.receive(t, h.item.ID, "1391", "370921", now.Add(-10*day))
	if cs := h.clusters(t); len(cs) != 0 {
		t.Fatalf("2 leads made clusters: %+v", cs)
	}
	c := h.receive(t, h.item.ID, "1391", "370921", now.Add(-1*day))
	cs := h.clusters(t)
	if len(cs) != 2 {
		t.Fatalf("3 leads: %d clusters, want one per dimension", len(cs))
	}
	want := []int{a.ID, b.ID, c.ID}
	for _, cl := range cs {
		if cl.Status != leadcluster.StatusOFFERED || cl.LeadCount != 3 || cl.ItemID != h.item.ID ||
			!slices.Equal(leadIDs(cl), want) {
			t.Fatalf("cluster = %+v, leads %v", cl, leadIDs(cl))
		}
		start := cl.WindowStart.In(clock.CST).Format("2006-01-02")
		if wantKey := fmt.Sprintf("%s|%d|%s|%s", cl.Dimension, h.item.ID, cl.Value, start); cl.Key != wantKey {
			t.Fatalf("key = %q, want %q", cl.Key, wantKey)
		}
	}
	if cs[0].Dimension != leadcluster.DimensionDIVISION || cs[0].Value != "370921" ||
		cs[1].Dimension != leadcluster.DimensionINDUSTRY || cs[1].Value != "1391" {
		t.Fatalf("clusters = %s %s, %s %s", cs[0].Dimension, cs[0].Value, cs[1].Dimension, cs[1].Value)
	}

	// Detecting again changes nothing; a fourth lead joins the open offers.
	again, err := leads.DetectClusters(h.sys, h.client, time.Now())
	must(t, err)
	if len(again) != 2 || again[0].ID != cs[0].ID || again[1].ID != cs[1].ID || len(h.clusters(t)) != 2 {
		t.Fatalf("second detection: %+v", again)
	}
	d := h.receive(t, h.item.ID, "1391", "370921", now)
	for _, cl := range h.clusters(t) {
		if cl.LeadCount != 4 || !slices.Contains(leadIDs(cl), d.ID) {
			t.Fatalf("fourth lead not added: %+v", cl)
		}
	}
}

func TestDetectClusters_DifferentIndustriesAndAreasDoNotCluster(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	now := time.Now()
	h.receive(t, h.item.ID, "1391", "370921", now.Add(-3*time.Hour))
	h.receive(t, h.item.ID, "1392", "370911", now.Add(-2*time.Hour))
	h.receive(t, h.item.ID, "5211", "370902", now.Add(-1*time.Hour))
	// Same industry and area, but another item, or no item at all.
	h.receive(t, h.item2.ID, "1391", "370921", now)
	h.receive(t, 0, "1391", "370921", now)
	if cs := h.clusters(t); len(cs) != 0 {
		t.Fatalf("unrelated leads clustered: %+v", cs)
	}
}

func TestDetectClusters_WindowBoundary(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	// Whole seconds: PostgreSQL keeps microseconds, and the boundary must be exact on both.
	now := time.Now().Truncate(time.Second)
	window := now.AddDate(0, 0, -30)
	// Inside: the first lead is received exactly at the window start.
	for _, at := range []time.Time{window, now.AddDate(0, 0, -10), now.Add(-time.Hour)} {
		h.receive(t, h.item.ID, "1391", "370921", at)
	}
	// Outside: the first lead is received a second before the window start.
	for _, at := range []time.Time{window.Add(-time.Second), now.AddDate(0, 0, -10), now.Add(-time.Hour)} {
		h.receive(t, h.item.ID, "5211", "370911", at)
	}
	got, err := leads.DetectClusters(h.sys, h.client, now)
	must(t, err)
	var values []string
	for _, c := range got {
		values = append(values, string(c.Dimension)+" "+c.Value)
	}
	if want := []string{"DIVISION 370921", "INDUSTRY 1391"}; !slices.Equal(values, want) {
		t.Fatalf("offered %v, want %v", values, want)
	}
	if !got[0].WindowStart.Equal(window) || !got[0].WindowEnd.Equal(now) {
		t.Fatalf("window = %s – %s, want %s – %s", got[0].WindowStart, got[0].WindowEnd, window, now)
	}
	// A day later the first lead has left the window: nothing new is offered.
	later, err := leads.DetectClusters(h.sys, h.client, now.AddDate(0, 0, 1))
	must(t, err)
	if len(later) != 0 || len(h.clusters(t)) != 2 {
		t.Fatalf("a day later: offered %d, stored %d", len(later), len(h.clusters(t)))
	}
}

func TestDetectClusters_ConfigurableThreshold(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	cfg, err := leads.LoadClusterSettings(h.sys, h.client)
	must(t, err)
	if cfg != leads.DefaultClusterSettings() || cfg.WindowDays != 30 || cfg.Threshold != 3 {
		t.Fatalf("default settings = %+v", cfg)
	}
	err = leads.SetClusterSettings(h.dept, h.client, leads.ClusterSettings{WindowDays: 7, Threshold: 2}, "")
	wantCode(t, "a department setting the rule", err, apperr.Forbidden)
	err = leads.SetClusterSettings(h.office, h.client, leads.ClusterSettings{WindowDays: 7, Threshold: 1}, "")
	wantCode(t, "threshold of one", err, apperr.Invalid)
	must(t, settings.Set(h.sys, h.client, leads.SettingKey, leads.ClusterSettings{WindowDays: 7, Threshold: 2}, "试行"))

	now := time.Now()
	h.receive(t, h.item.ID, "1391", "370921", now.AddDate(0, 0, -8)) // outside the 7-day window
	h.receive(t, h.item.ID, "1391", "370921", now.AddDate(0, 0, -1))
	if cs := h.clusters(t); len(cs) != 0 {
		t.Fatalf("one lead in the window clustered: %+v", cs)
	}
	h.receive(t, h.item.ID, "1391", "370921", now)
	if cs := h.clusters(t); len(cs) != 2 || cs[0].LeadCount != 2 {
		t.Fatalf("threshold 2: %+v", cs)
	}
}

// offered receives three leads about item in industry 1391 and returns the INDUSTRY offer.
func (h *hub) offered(t *testing.T, itemID int) (*ent.LeadCluster, []*ent.Lead) {
	t.Helper()
	var ls []*ent.Lead
	for i := range 3 {
		ls = append(ls, h.receive(t, itemID, "1391", "370921", time.Now().Add(time.Duration(i-3)*time.Hour)))
	}
	c, err := h.client.LeadCluster.Query().Where(leadcluster.DimensionEQ(leadcluster.DimensionINDUSTRY),
		leadcluster.ItemID(itemID), leadcluster.StatusEQ(leadcluster.StatusOFFERED)).Only(h.sys)
	must(t, err)
	return c, ls
}

func TestAcceptCluster_CreatesSpecialInspection(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ctx := h.sys
	c, ls := h.offered(t, h.item.ID)
	start := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	end := time.Date(2026, 6, 30, 0, 0, 0, 0, time.UTC)

	_, err := leads.AcceptCluster(h.dept, h.client, c.ID, h.wj.ID, start, end)
	wantCode(t, "a department accepting", err, apperr.Forbidden)
	_, err = leads.AcceptCluster(h.office, h.client, c.ID, h.scjg.ID, end, start)
	wantCode(t, "window ending before it starts", err, apperr.Invalid)
	_, err = leads.AcceptCluster(h.office, h.client, c.ID+1000, h.scjg.ID, start, end)
	wantCode(t, "missing cluster", err, apperr.NotFound)

	tk, err := leads.AcceptCluster(h.office, h.client, c.ID, h.scjg.ID, start, end)
	must(t, err)
	if !tk.Special || tk.Kind != task.KindTARGETED || tk.Status != task.StatusDRAFT || tk.InitiatorID != h.scjg.ID ||
		!tk.WindowStart.Equal(start) || !tk.WindowEnd.Equal(end) || !strings.HasPrefix(tk.Number, "3709212026") {
		t.Fatalf("task = %+v", tk)
	}
	if tk.Name != "专项检查：公共场所卫生监督检查（行业 1391）" {
		t.Fatalf("name = %q", tk.Name)
	}
	var ids []int
	for _, v := range tk.Scope["leadIds"].([]int) {
		ids = append(ids, v)
	}
	if tk.Scope["itemId"] != h.item.ID || tk.Scope["industryCode"] != "1391" || tk.Scope["divisionCode"] != nil ||
		!slices.Equal(ids, []int{ls[0].ID, ls[1].ID, ls[2].ID}) {
		t.Fatalf("scope = %v", tk.Scope)
	}
	// The scope as stored, after a JSON round trip.
	stored, err := h.client.Task.Query().Where(task.ID(tk.ID)).WithTaskItems().WithParticipants().WithLeads().Only(ctx)
	must(t, err)
	if n, ok := stored.Scope["leadIds"].([]any); !ok || len(n) != 3 || stored.Scope["industryCode"] != "1391" {
		t.Fatalf("stored scope = %v", stored.Scope)
	}
	if tis := stored.Edges.TaskItems; len(tis) != 1 || tis[0].ItemID != h.item.ID || tis[0].DepartmentID != h.wj.ID {
		t.Fatalf("task items = %+v", tis)
	}
	if ps := stored.Edges.Participants; len(ps) != 1 || ps[0].ID != h.wj.ID {
		t.Fatalf("participants = %+v", ps)
	}
	if len(stored.Edges.Leads) != 3 {
		t.Fatalf("leads linked to the task: %d", len(stored.Edges.Leads))
	}
	c, err = h.client.LeadCluster.Get(ctx, c.ID)
	must(t, err)
	if c.Status != leadcluster.StatusACCEPTED || c.TaskID == nil || *c.TaskID != tk.ID {
		t.Fatalf("cluster = %+v", c)
	}
	_, err = leads.AcceptCluster(h.office, h.client, c.ID, h.scjg.ID, start, end)
	wantCode(t, "accepting twice", err, leads.CodeClusterBadState)
	_, err = leads.DismissCluster(h.office, h.client, c.ID, "重复")
	wantCode(t, "dismissing an accepted cluster", err, leads.CodeClusterBadState)

	// The leads behind the special task are not offered again; new ones start a new count.
	again, err := leads.DetectClusters(h.sys, h.client, time.Now())
	must(t, err)
	for _, o := range again {
		if o.Dimension == leadcluster.DimensionINDUSTRY {
			t.Fatalf("accepted leads offered again: %+v", o)
		}
	}

	// The task is numbered in sequence; the item's own department initiating joins no one.
	division, _ := h.client.LeadCluster.Query().Where(leadcluster.DimensionEQ(leadcluster.DimensionDIVISION)).Only(ctx)
	tk2, err := leads.AcceptCluster(h.sys, h.client, division.ID, h.wj.ID, start, end)
	must(t, err)
	if tk2.Number != tk.Number[:10]+"0002" || tk2.Name != "专项检查：公共场所卫生监督检查（区域 370921）" || tk2.Scope["divisionCode"] != "370921" {
		t.Fatalf("second task = %+v", tk2)
	}
	if n, _ := h.client.Task.QueryParticipants(tk2).Count(ctx); n != 0 {
		t.Fatalf("participants of the WJ task: %d", n)
	}
	// Leads already behind the first task stay with it.
	if n, _ := h.client.Lead.Query().Where(lead.SpecialTaskID(tk.ID)).Count(ctx); n != 3 {
		t.Fatalf("leads of the first task: %d", n)
	}
}

func TestAcceptCluster_ItemMustBeOnPublishedList(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	// A new draft version copies the items; its items are not usable until published.
	v2, err := lists.NewVersion(h.sys, h.client, h.wj.ID, "", "调整")
	must(t, err)
	draftItem, err := h.client.InspectionItem.Query().
		Where(inspectionitem.ItemListID(v2.ID), inspectionitem.Code("WJ-001")).Only(h.sys)
	must(t, err)
	c, _ := h.offered(t, draftItem.ID)
	_, err = leads.AcceptCluster(h.office, h.client, c.ID, h.scjg.ID, time.Now(), time.Now().AddDate(0, 1, 0))
	wantCode(t, "item of a draft list", err, lists.CodeNotPublished)
	if n, _ := h.client.Task.Query().Count(h.sys); n != 0 {
		t.Fatalf("tasks written: %d", n)
	}
}

func TestDismissCluster(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ctx := h.sys
	_, err := leads.DismissCluster(h.office, h.client, 12345, "不属实")
	wantCode(t, "missing cluster", err, apperr.NotFound)
	c, _ := h.offered(t, h.item.ID)
	_, err = leads.DismissCluster(h.office, h.client, c.ID, "  ")
	wantCode(t, "dismissing without a note", err, apperr.Invalid)
	_, err = leads.DismissCluster(h.dept, h.client, c.ID, "不属实")
	wantCode(t, "a department dismissing", err, apperr.Forbidden)
	c, err = leads.DismissCluster(h.office, h.client, c.ID, "经核查均为同一经营者的重复投诉，已由承办部门个案处理")
	must(t, err)
	if c.Status != leadcluster.StatusDISMISSED || !strings.HasPrefix(c.Note, "经核查") {
		t.Fatalf("cluster = %+v", c)
	}

	// The same leads are not offered again…
	again, err := leads.DetectClusters(h.sys, h.client, time.Now())
	must(t, err)
	for _, o := range again {
		if o.Dimension == leadcluster.DimensionINDUSTRY {
			t.Fatalf("dismissed leads offered again: %+v", o)
		}
	}
	// …but three new leads are, on their own.
	_, fresh := h.offered(t, h.item.ID)
	industry, err := h.client.LeadCluster.Query().Where(leadcluster.DimensionEQ(leadcluster.DimensionINDUSTRY),
		leadcluster.StatusEQ(leadcluster.StatusOFFERED)).WithLeads().Only(ctx)
	must(t, err)
	if want := []int{fresh[0].ID, fresh[1].ID, fresh[2].ID}; !slices.Equal(leadIDs(industry), want) || industry.Key == c.Key {
		t.Fatalf("new offer = %+v, leads %v", industry, leadIDs(industry))
	}
}
