package leads_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/leads"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Valid codes from domain.md §3.
const (
	usccA = "91350200776049653A"
	usccB = "91440101MA5CJQ4N59"
)

// hub is a fresh database with the joint-meeting office (SCJG), the health commission (WJ) with
// a published list of two items, and two enterprises in the target library.
type hub struct {
	w       *world.World
	client  *ent.Client
	sys     context.Context
	office  context.Context // the office's account
	dept    context.Context // WJ's own system
	scjg    *ent.Department
	wj      *ent.Department
	item    *ent.InspectionItem // WJ-001 公共场所卫生监督检查, on the published list
	item2   *ent.InspectionItem // WJ-002, on the published list
	targetA *ent.Target         // industry 1391, division 370921
}

func newHub(t *testing.T) *hub {
	t.Helper()
	w := world.Build(t, testutil.Open(t), world.Departments(world.SCJG, world.WJ))
	h := &hub{w: w, client: w.Client, sys: w.Sys, scjg: w.SCJG, wj: w.WJ}
	tgs := w.Targets(world.Target{USCC: usccA, Name: "宁阳县甲食品有限公司", IndustryCode: "1391", DivisionCode: "370921"},
		world.Target{USCC: usccB, Name: "宁阳县乙商贸有限公司", IndustryCode: "5211", DivisionCode: "370911"})
	h.targetA = tgs[0]
	h.office = w.Person(h.scjg, "office", 0, viewer.RoleOffice)
	h.dept = w.Token(h.wj, viewer.RoleDeptAdmin)
	_, items := w.PublishedList(h.wj, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC),
		world.Item{Code: "WJ-001", Name: "公共场所卫生监督检查"}, world.Item{Code: "WJ-002", Name: "生活饮用水卫生监督检查"})
	h.item, h.item2 = items[0], items[1]
	return h
}

// addItem adds an item to WJ's draft list.
func (h *hub) addItem(t *testing.T, listID int, code, name string) *ent.InspectionItem {
	t.Helper()
	it, err := h.w.AddItem(h.sys, h.wj, listID, world.Item{Code: code, Name: name})
	must(t, err)
	return it
}

// receive records a lead about item in industry and division, received at.
func (h *hub) receive(t *testing.T, itemID int, industry, division string, at time.Time) *ent.Lead {
	t.Helper()
	l, err := leads.Receive(h.sys, h.client, leads.LeadInput{Source: "COMPLAINT", ReceivedAt: at,
		Summary: "消费者投诉经营场所卫生状况差", IndustryCode: industry, DivisionCode: division, ItemID: itemID})
	must(t, err)
	return l
}

func (h *hub) clusters(t *testing.T) []*ent.LeadCluster {
	t.Helper()
	cs, err := h.client.LeadCluster.Query().WithLeads().Order(ent.Asc("key")).All(h.sys)
	must(t, err)
	return cs
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	if got := apperr.CodeOf(err); got != code {
		t.Fatalf("%s: code = %q, want %q (err = %v)", what, got, code, err)
	}
}

// writeFile writes content to a file in a temporary directory, GBK-encoded when gbk is set.
func writeFile(t *testing.T, name, content string, gbk bool) string {
	t.Helper()
	b := []byte(content)
	if gbk {
		var err error
		if b, err = simplifiedchinese.GBK.NewEncoder().Bytes(b); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(t.TempDir(), name)
	must(t, os.WriteFile(path, b, 0o600))
	return path
}

func importFile(t *testing.T, h *hub, ctx context.Context, path string) (leads.ImportReport, error) {
	t.Helper()
	f, err := os.Open(path)
	must(t, err)
	defer f.Close()
	return leads.ImportCSV(ctx, h.client, f, filepath.Base(path))
}
