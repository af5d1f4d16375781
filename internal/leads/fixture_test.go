package leads_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/leads"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
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
	db := testutil.Open(t)
	h := &hub{client: db.Client, sys: testutil.System()}
	sys := h.sys
	must(t, txn.Run(sys, h.client, func(tx *ent.Tx) error {
		var err error
		if h.scjg, err = tx.Department.Create().SetCode("SCJG").SetName("宁阳县市场监督管理局").SetIsOffice(true).Save(sys); err != nil {
			return err
		}
		if h.wj, err = tx.Department.Create().SetCode("WJ").SetName("宁阳县卫生健康局").Save(sys); err != nil {
			return err
		}
		if h.targetA, err = tx.Target.Create().SetUscc(usccA).SetName("宁阳县甲食品有限公司").SetIndustryCode("1391").
			SetDivisionCode("370921").Save(sys); err != nil {
			return err
		}
		return tx.Target.Create().SetUscc(usccB).SetName("宁阳县乙商贸有限公司").SetIndustryCode("5211").
			SetDivisionCode("370911").Exec(sys)
	}))
	h.office = testutil.As(&viewer.Viewer{Kind: viewer.Account, Name: "office", DepartmentID: h.scjg.ID, DepartmentCode: "SCJG", Roles: []string{viewer.RoleOffice}})
	h.dept = testutil.As(&viewer.Viewer{Kind: viewer.Token, Name: "wj", DepartmentID: h.wj.ID, DepartmentCode: "WJ", Roles: []string{viewer.RoleDeptAdmin}})

	v1, err := lists.NewVersion(sys, h.client, h.wj.ID, "宁阳县卫生健康局随机抽查事项清单", "首次制定")
	must(t, err)
	h.item = h.addItem(t, v1.ID, "WJ-001", "公共场所卫生监督检查")
	h.item2 = h.addItem(t, v1.ID, "WJ-002", "生活饮用水卫生监督检查")
	f, err := lists.Submit(sys, h.client, v1.ID)
	must(t, err)
	_, err = lists.Decide(sys, h.client, f.ID, true, "予以备案")
	must(t, err)
	_, err = lists.Publish(sys, h.client, v1.ID, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	must(t, err)
	return h
}

func (h *hub) addItem(t *testing.T, listID int, code, name string) *ent.InspectionItem {
	t.Helper()
	var it *ent.InspectionItem
	must(t, txn.Run(h.sys, h.client, func(tx *ent.Tx) error {
		var err error
		it, err = tx.InspectionItem.Create().SetItemListID(listID).SetCode(code).SetName(name).
			SetCategory(inspectionitem.CategoryKEY).SetLegalBasis("《公共场所卫生管理条例》").SetResponsibleBody("县卫健局").
			SetTargetType("公共场所经营者").SetContent("卫生许可证、从业人员健康证明").SetFrequency("每年不少于1次").Save(h.sys)
		return err
	}))
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
