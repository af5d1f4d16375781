package hub_test

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/lists"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestClock_TwoHubsTwoBusinessTimes: the business clock belongs to the hub. Two hubs in one
// process, on clocks two and a half years apart, file, acknowledge and publish an item list at
// the same time — each step of one between the same steps of the other — and each sees only
// its own date: the filing's submission and decision times, the year in the acknowledgement
// number, the publication time. The row timestamps stay on the wall clock.
func TestClock_TwoHubsTwoBusinessTimes(t *testing.T) {
	t.Parallel()
	type side struct {
		h   *hub.Hub
		now time.Time
		err error
	}
	sides := []*side{
		{now: time.Date(2025, 3, 10, 10, 0, 0, 0, clock.CST)},
		{now: time.Date(2027, 9, 20, 15, 30, 0, 0, clock.CST)},
	}
	for _, s := range sides {
		s.h = testutil.Open(t, testutil.Options{Clock: clock.NewFixed(s.now).Now})
	}
	// step is a barrier: every side finishes a step before any side starts the next.
	var mu sync.Mutex
	cond := sync.NewCond(&mu)
	arrived, round := 0, 0
	step := func() {
		mu.Lock()
		defer mu.Unlock()
		r := round
		if arrived++; arrived == len(sides) {
			arrived, round = 0, round+1
			cond.Broadcast()
			return
		}
		for r == round {
			cond.Wait()
		}
	}
	wallBefore := time.Now()
	var wg sync.WaitGroup
	for _, s := range sides {
		wg.Add(1)
		go func() {
			defer wg.Done()
			n := 0
			s.err = fileAndPublish(s.h, s.now, func() { n++; step() })
			for ; n < 4; n++ {
				step() // failed: keep the other side going
			}
		}()
	}
	wg.Wait()
	for _, s := range sides {
		if s.err != nil {
			t.Errorf("hub on %s: %v", s.now.Format(time.DateTime), s.err)
		}
	}
	// The wall clock is untouched: a context without a business clock is on it.
	if now := clock.Now(context.Background()); now.Before(wallBefore) {
		t.Errorf("clock.Now of a bare context = %s, before the wall clock %s", now, wallBefore)
	}
}

// fileAndPublish creates a department with a one-item list on h, files it, has the office
// acknowledge it and publishes it, calling step after each of these four steps, and checks that
// each step happened at now, h's business time.
func fileAndPublish(h *hub.Hub, now time.Time, step func()) error {
	sys := h.Context(testutil.System())
	var dep *ent.Department
	err := txn.Run(sys, h.Client, func(tx *ent.Tx) error {
		var err error
		dep, err = tx.Department.Create().SetCode("WJ").SetName("宁阳县卫生健康局").Save(sys)
		return err
	})
	if err != nil {
		return err
	}
	dept := h.Context(testutil.As(&viewer.Viewer{Kind: viewer.Token, Name: "wj", DepartmentID: dep.ID, DepartmentCode: "WJ", Roles: []string{viewer.RoleDeptAdmin}}))
	office := h.Context(testutil.As(&viewer.Viewer{Kind: viewer.Token, Name: "office", DepartmentID: -1, DepartmentCode: "SCJG", Roles: []string{viewer.RoleOffice}}))
	v, err := lists.NewVersion(dept, h.Client, dep.ID, "宁阳县卫生健康局随机抽查事项清单", "首次制定")
	if err != nil {
		return err
	}
	err = txn.Run(dept, h.Client, func(tx *ent.Tx) error {
		it, err := tx.InspectionItem.Create().SetItemListID(v.ID).SetCode("WJ-001").SetName("公共场所卫生监督检查").
			SetCategory(inspectionitem.CategoryKEY).SetLegalBasis("《公共场所卫生管理条例》").SetResponsibleBody("县卫健局").
			SetTargetType("公共场所经营者").SetContent("卫生许可证、从业人员健康证明").SetFrequency("每年不少于1次").Save(dept)
		if err != nil {
			return err
		}
		return tx.ImplementationRule.Create().SetItemID(it.ID).SetBasis("同上").SetContent("同上").SetProcedure("抽取、检查、录入、公示").
			SetApprovalAuthority("分管负责人").SetPublicationProcedure("20个工作日内公示").SetArchiving("一户一档").Exec(dept)
	})
	if err != nil {
		return err
	}
	step()

	fl, err := lists.Submit(dept, h.Client, v.ID)
	if err != nil {
		return err
	}
	if !fl.SubmittedAt.Equal(now) {
		return fmt.Errorf("filed at %s", fl.SubmittedAt)
	}
	step()

	if fl, err = lists.Decide(office, h.Client, fl.ID, true, ""); err != nil {
		return err
	}
	if fl.DecidedAt == nil || !fl.DecidedAt.Equal(now) {
		return fmt.Errorf("acknowledged at %v", fl.DecidedAt)
	}
	if want := fmt.Sprintf("〔%d〕", now.Year()); !strings.Contains(fl.AcknowledgementNo, want) {
		return fmt.Errorf("acknowledgement number %q, want the year %s", fl.AcknowledgementNo, want)
	}
	step()

	pub, err := lists.Publish(dept, h.Client, v.ID, now)
	if err != nil {
		return err
	}
	if pub.PublishedAt == nil || !pub.PublishedAt.Equal(now) {
		return fmt.Errorf("published at %v", pub.PublishedAt)
	}
	// Row timestamps are not business time: the row was created on the wall clock.
	if pub.CreatedAt.Year() == now.Year() && now.Year() != time.Now().Year() {
		return fmt.Errorf("row created at %s: on the business clock", pub.CreatedAt)
	}
	step()
	return nil
}
