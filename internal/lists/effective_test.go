package lists_test

import (
	"context"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// TestEffectiveDate_OldVersionCurrentUntilTheNewOnesDate: version 2 is published on 20 June with
// effect from 1 July. On 30 June (the day before) version 1 is still the current list — a task
// takes its items, version 2's are refused with LIST_NOT_YET_EFFECTIVE, and version 1 is not yet
// marked superseded; on 1 July (the day of the effective date) version 2 is current, version 1's
// items are refused, and the next list step marks version 1 SUPERSEDED. Runs on SQLite and, with
// SSGK_TEST_POSTGRES, on PostgreSQL.
func TestEffectiveDate_OldVersionCurrentUntilTheNewOnesDate(t *testing.T) {
	f := setup(t)
	bg := context.Background()
	fixed := clock.NewFixed(time.Date(2026, 1, 2, 9, 0, 0, 0, clock.CST))
	on := func(ctx context.Context) context.Context { return clock.With(ctx, fixed.Now) }
	f.dept, f.office, bg = on(f.dept), on(f.office), on(bg)
	publish := func(v *ent.ItemList, effective time.Time) {
		t.Helper()
		fl, err := lists.Submit(f.dept, f.client, v.ID)
		if err == nil {
			_, err = lists.Decide(f.office, f.client, fl.ID, true, "")
		}
		if err == nil {
			_, err = lists.Publish(f.dept, f.client, v.ID, effective)
		}
		if err != nil {
			t.Fatal(err)
		}
	}
	v1, err := lists.NewVersion(f.dept, f.client, f.dep.ID, "卫健局抽查事项清单", "首版")
	if err != nil {
		t.Fatal(err)
	}
	max := 0.05
	item1, err := f.addItem(t, v1.ID, "WJ-001", inspectionitem.CategoryGENERAL, &max)
	if err != nil {
		t.Fatal(err)
	}
	publish(v1, time.Date(2026, 1, 1, 0, 0, 0, 0, clock.CST))

	fixed.Move(time.Date(2026, 6, 20, 10, 0, 0, 0, clock.CST))
	v2, err := lists.NewVersion(f.dept, f.client, f.dep.ID, "", "调整比例")
	if err != nil {
		t.Fatal(err)
	}
	item2, err := f.client.InspectionItem.Query().Where(inspectionitem.ItemListID(v2.ID), inspectionitem.Code("WJ-001")).Only(bg)
	if err != nil {
		t.Fatal(err)
	}
	effective := time.Date(2026, 7, 1, 0, 0, 0, 0, clock.CST)
	publish(v2, effective)

	seq := 0
	taskWith := func(itemID int) error {
		seq++
		sys := on(testutil.System())
		return txn.Run(sys, f.client, func(tx *ent.Tx) error {
			task, err := tx.Task.Create().SetNumber("3709212026000" + string(rune('0'+seq))).SetName("公共场所卫生抽查").
				SetInitiatorID(f.dep.ID).SetWindowStart(effective).SetWindowEnd(effective.AddDate(0, 1, 0)).Save(sys)
			if err != nil {
				return err
			}
			return tx.TaskItem.Create().SetTaskID(task.ID).SetDepartmentID(f.dep.ID).SetItemID(itemID).Exec(sys)
		})
	}
	current := func() int {
		t.Helper()
		m, err := lists.CurrentVersions(bg, f.client, fixed.Now(), f.dep.ID)
		if err != nil {
			t.Fatal(err)
		}
		return m[f.dep.ID].Version
	}
	status := func(v *ent.ItemList) itemlist.Status {
		return f.client.ItemList.GetX(bg, v.ID).Status
	}

	// The day before the effective date: version 1 is current.
	fixed.Move(time.Date(2026, 6, 30, 23, 59, 0, 0, clock.CST))
	if c := current(); c != 1 {
		t.Fatalf("current version on 30 June: %d", c)
	}
	if s := status(v1); s != itemlist.StatusPUBLISHED {
		t.Fatalf("version 1 on 30 June: %s", s)
	}
	if err := taskWith(item1.ID); err != nil {
		t.Fatalf("a task with version 1's item on 30 June: %v", err)
	}
	if err := taskWith(item2.ID); apperr.CodeOf(err) != lists.CodeNotYetEffective {
		t.Fatalf("a task with version 2's item on 30 June: %v", err)
	}
	ids, err := lists.CurrentIDs(bg, f.client, fixed.Now())
	if err != nil || len(ids) != 1 || ids[0] != v1.ID {
		t.Fatalf("current ids on 30 June: %v %v", ids, err)
	}

	// The day of the effective date: version 2 is current.
	fixed.Move(time.Date(2026, 7, 1, 0, 0, 0, 0, clock.CST))
	if c := current(); c != 2 {
		t.Fatalf("current version on 1 July: %d", c)
	}
	if err := taskWith(item2.ID); err != nil {
		t.Fatalf("a task with version 2's item on 1 July: %v", err)
	}
	if err := taskWith(item1.ID); apperr.CodeOf(err) != lists.CodeNotPublished {
		t.Fatalf("a task with version 1's item on 1 July: %v", err)
	}
	// Bookkeeping: the next list step marks the replaced version SUPERSEDED.
	if _, err := lists.NewVersion(f.dept, f.client, f.dep.ID, "", "下一次调整"); err != nil {
		t.Fatal(err)
	}
	if s := status(v1); s != itemlist.StatusSUPERSEDED {
		t.Fatalf("version 1 after 1 July: %s", s)
	}
	if s := status(v2); s != itemlist.StatusPUBLISHED {
		t.Fatalf("version 2 after 1 July: %s", s)
	}
}
