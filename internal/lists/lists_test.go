package lists_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	entfiling "github.com/ssgk/ssgk/ent/filing"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

type fixture struct {
	client *ent.Client
	dep    *ent.Department
	dept   context.Context // the department's own system
	office context.Context
}

func setup(t *testing.T) *fixture {
	t.Helper()
	w := world.Build(t, testutil.Open(t), world.Departments(world.WJ))
	return &fixture{client: w.Client, dep: w.WJ, dept: w.Token(w.WJ, viewer.RoleDeptAdmin), office: w.Office()}
}

func (f *fixture) addItem(t *testing.T, listID int, code string, cat inspectionitem.Category, max *float64) (*ent.InspectionItem, error) {
	t.Helper()
	var it *ent.InspectionItem
	err := txn.Run(f.dept, f.client, func(tx *ent.Tx) error {
		var err error
		it, err = tx.InspectionItem.Create().SetItemListID(listID).SetCode(code).SetName("公共场所卫生监督检查").
			SetCategory(cat).SetLegalBasis("《公共场所卫生管理条例》").SetResponsibleBody("县卫健局").SetTargetType("公共场所经营者").
			SetContent("卫生许可证、从业人员健康证明").SetFrequency("每年不少于1次").SetNillableRatioMax(max).Save(f.dept)
		if err != nil {
			return err
		}
		return tx.ImplementationRule.Create().SetItemID(it.ID).SetBasis("同上").SetContent("同上").SetProcedure("抽取、检查、录入、公示").
			SetApprovalAuthority("分管负责人").SetPublicationProcedure("20个工作日内公示").SetArchiving("一户一档").Exec(f.dept)
	})
	return it, err
}

func ratio(v float64) *float64 { return &v }

func TestLists_VersionFilingAndPublication(t *testing.T) {
	f := setup(t)
	v1, err := lists.NewVersion(f.dept, f.client, f.dep.ID, "宁阳县卫生健康局随机抽查事项清单", "首次制定")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.addItem(t, v1.ID, "WJ-001", inspectionitem.CategoryGENERAL, nil); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("GENERAL item without upper bound: err = %v", err)
	}
	item, err := f.addItem(t, v1.ID, "WJ-001", inspectionitem.CategoryGENERAL, ratio(0.05))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.addItem(t, v1.ID, "WJ-002", inspectionitem.CategoryKEY, nil); err != nil {
		t.Fatalf("KEY item needs no upper bound: %v", err)
	}
	if _, err := lists.NewVersion(f.dept, f.client, f.dep.ID, "", "再来一版"); apperr.CodeOf(err) != apperr.Conflict {
		t.Fatalf("second open version: err = %v", err)
	}

	filing, err := lists.Submit(f.dept, f.client, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	// Filed: immutable, by every path.
	err = txn.Run(f.dept, f.client, func(tx *ent.Tx) error {
		return tx.InspectionItem.UpdateOneID(item.ID).SetName("改名").Exec(f.dept)
	})
	if apperr.CodeOf(err) != lists.CodeNotEditable {
		t.Fatalf("editing a filed item: err = %v", err)
	}
	err = txn.Run(f.dept, f.client, func(tx *ent.Tx) error {
		return tx.ItemList.UpdateOneID(v1.ID).SetStatus(itemlist.StatusPUBLISHED).Exec(f.dept)
	})
	if apperr.CodeOf(err) != lists.CodeBadState {
		t.Fatalf("setting status directly: err = %v", err)
	}
	if _, err := lists.Decide(f.dept, f.client, filing.ID, true, ""); apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("a department deciding its own filing: err = %v", err)
	}
	if _, err := lists.Decide(f.office, f.client, filing.ID, false, ""); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("return without reason: err = %v", err)
	}
	// The filing decision is the one of plans (lists.DecideFiling): a blank reason is no reason,
	// and the reason is kept trimmed.
	if _, err := lists.Decide(f.office, f.client, filing.ID, false, " \t\n "); apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("return with a blank reason: err = %v", err)
	}
	if returned, err := lists.Decide(f.office, f.client, filing.ID, false, "  WJ-001 检查依据条款不全\n"); err != nil {
		t.Fatal(err)
	} else if returned.Comment != "WJ-001 检查依据条款不全" || returned.Status != entfiling.StatusRETURNED {
		t.Fatalf("returned filing: comment %q, status %s", returned.Comment, returned.Status)
	}
	if _, err := lists.Decide(f.office, f.client, filing.ID, true, ""); apperr.CodeOf(err) != lists.CodeBadState {
		t.Fatalf("deciding a decided filing: err = %v", err)
	}
	// Returned: editable again, then re-filed and acknowledged.
	err = txn.Run(f.dept, f.client, func(tx *ent.Tx) error {
		return tx.InspectionItem.UpdateOneID(item.ID).SetLegalBasis("《公共场所卫生管理条例》第三条").Exec(f.dept)
	})
	if err != nil {
		t.Fatalf("editing a returned version: %v", err)
	}
	if _, err := lists.Publish(f.dept, f.client, v1.ID, time.Now()); apperr.CodeOf(err) != lists.CodeBadState {
		t.Fatalf("publishing before acknowledgement: err = %v", err)
	}
	filing, err = lists.Submit(f.dept, f.client, v1.ID)
	if err != nil {
		t.Fatal(err)
	}
	filing, err = lists.Decide(f.office, f.client, filing.ID, true, "予以备案")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(filing.AcknowledgementNo, "备字〔") {
		t.Fatalf("acknowledgement no = %q", filing.AcknowledgementNo)
	}
	effective := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	if _, err := lists.Publish(f.dept, f.client, v1.ID, effective); err != nil {
		t.Fatal(err)
	}

	// Version 2 copies items and rules; publishing it supersedes version 1.
	v2, err := lists.NewVersion(f.dept, f.client, f.dep.ID, "", "调整比例")
	if err != nil {
		t.Fatal(err)
	}
	items2, err := f.client.InspectionItem.Query().Where(inspectionitem.ItemListID(v2.ID)).WithRule().All(context.Background())
	if err != nil || len(items2) != 2 || items2[0].Edges.Rule == nil || v2.Version != 2 {
		t.Fatalf("v2 copy: %d items, err %v", len(items2), err)
	}
	for _, it := range items2 {
		if it.Code == "WJ-001" && it.LegalBasis != "《公共场所卫生管理条例》第三条" {
			t.Fatalf("v2 did not copy the latest text: %q", it.LegalBasis)
		}
	}
	fl, _ := lists.Submit(f.dept, f.client, v2.ID)
	if _, err := lists.Decide(f.office, f.client, fl.ID, true, ""); err != nil {
		t.Fatal(err)
	}
	if _, err := lists.Publish(f.dept, f.client, v2.ID, effective.AddDate(0, 6, 0)); err != nil {
		t.Fatal(err)
	}
	old, _ := f.client.ItemList.Get(context.Background(), v1.ID)
	if old.Status != itemlist.StatusSUPERSEDED {
		t.Fatalf("v1 status = %s", old.Status)
	}
	pubs, _ := f.client.Publication.Query().Where(publication.KindEQ(publication.KindITEM_LIST)).All(context.Background())
	if len(pubs) != 2 || pubs[0].Digest == "" || pubs[0].Payload["items"] == nil {
		t.Fatalf("publications = %+v", pubs)
	}

	// No item, no inspection: a task may use items of the current published version only.
	sys := testutil.System()
	err = txn.Run(sys, f.client, func(tx *ent.Tx) error {
		task, err := tx.Task.Create().SetNumber("37092120260001").SetName("公共场所卫生抽查").SetInitiatorID(f.dep.ID).
			SetWindowStart(effective).SetWindowEnd(effective.AddDate(0, 1, 0)).Save(sys)
		if err != nil {
			return err
		}
		return tx.TaskItem.Create().SetTaskID(task.ID).SetDepartmentID(f.dep.ID).SetItemID(item.ID).Exec(sys)
	})
	if apperr.CodeOf(err) != lists.CodeNotPublished {
		t.Fatalf("task with a superseded item: err = %v", err)
	}
	err = txn.Run(sys, f.client, func(tx *ent.Tx) error {
		task, err := tx.Task.Create().SetNumber("37092120260002").SetName("公共场所卫生抽查").SetInitiatorID(f.dep.ID).
			SetWindowStart(effective).SetWindowEnd(effective.AddDate(0, 1, 0)).Save(sys)
		if err != nil {
			return err
		}
		return tx.TaskItem.Create().SetTaskID(task.ID).SetDepartmentID(f.dep.ID).SetItemID(items2[0].ID).Exec(sys)
	})
	if err != nil {
		t.Fatalf("task with a current item: %v", err)
	}
}
