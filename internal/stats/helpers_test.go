package stats_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/clock"
	hubpkg "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/uscc"
	"github.com/ssgk/ssgk/internal/viewer"
)

// year is the year the fixture's statistics are asked for.
const year = 2025

// hub is a small county for one year (2025):
//
// Departments SCJG (市场监管, sort 1), WJ (卫健, 2), YJ (应急, 3).
//
// Lists: SCJG v1 (SUPERSEDED, effective 2024-01-01: SCJG-01, SCJG-02) and v2 (PUBLISHED,
// effective 2025-03-01: SCJG-01, SCJG-02, SCJG-03) and v3 (DRAFT: SCJG-04); WJ v1 (SUPERSEDED,
// published 2024-05-01, no effective date: WJ-01, WJ-02) and v2 (PUBLISHED, effective
// 2026-01-01: WJ-01, WJ-03); YJ v1 (SUPERSEDED, effective 2020-01-01: YJ-OLD) and v2
// (PUBLISHED, effective 2024-06-01: YJ-01); a county-wide list of SCJG (PUBLISHED: CW-01).
//
// Tasks (window):
//
//	T1 joint SCJG+WJ  2025-03-01..04-30  items SCJG-01@v1, WJ-01, WJ-02
//	   draw 1 DRAWN:  A [i1 i2 w1], B [i1 w1], C v1 RECUSED [i2 w2], C v2 [i3 w1]
//	   draw 2 DRAWN:  A [w1 w2]                  (a second standing draw: A still counts once)
//	T2 SCJG           2025-01-01 01:00 CST (given in UTC, 2024-12-31)..06-30  items SCJG-02@v2
//	   draw 1 SUPERSEDED: A [i2 i3], E [i2 i3]
//	   draw 2 REVEALED:   A [i1 i3], D [i1 i2]
//	T3 SCJG           2025-09-01..09-30  items SCJG-01@v2
//	   draw 1 DRAWN:  A [i2 i3], D [i2 i3]
//	T4 WJ CANCELLED   2025-05-01..05-31  items YJ-01; draw DRAWN: E [w1 w2]
//	T5 SCJG (2024)    2024-12-31 20:00 CST..2025-01-31  items SCJG-03@v2; draw DRAWN: B [i1 i2]
//	T6 joint WJ+SCJG  2025-11-01..11-30  no draw
//
// Inspectors: SCJG i1 张三 SC001, i2 李四 SC002, i3 王五 SC003, i4 赵六 SC004 (inactive, idle),
// i5 钱九 SC005 (active, idle); WJ w1 孙七 WJ001, w2 周八 WJ002. Accounts acc1 → i1,
// acc2 → w1, acc3 (no inspector).
//
// Results (v1 unless said; end, due, published in China time):
//
//	R1  T1 A SCJG PUBLISHED end 04-10 due 05-09 pub 05-09 23:30 (on time)  acc1  SCJG-01@v1 ✓ problem
//	R2  T1 A WJ   PUBLISHED end 04-12 due 05-12 pub 05-12 10:00 (on time)  acc2  WJ-01 ✓
//	R3  T1 B SCJG PUBLISHED end 05-05 (after window) due 06-03 pub 06-04 00:30 (late; 06-03 in UTC)
//	                                                               acc1  SCJG-01@v1 ✓, SCJG-02@v1 ✗
//	R4  T1 C SCJG APPROVED  end 04-20 due 05-20 (overdue)          acc3  SCJG-01@v1 ✓
//	R5  T2 A SCJG PUBLISHED end 06-10 due 07-08 pub 07-01 (on time) acc1 SCJG-02@v2 ✓ problem
//	R5b T2 A SCJG v2 PUBLISHED end 06-10 due 07-08 pub 08-01 (a correction) acc1 SCJG-02@v2 ✓
//	R6  T2 D SCJG DRAFT     no end date, no due date               acc3  —
//	R7  T3 A SCJG PENDING_REVIEW end 09-20 due 2099-12-31 (pending) acc1 SCJG-01@v2 ✓, SCJG-02@v2 ✗
//	R8  T3 D SCJG PUBLISHED end 09-25 due 10-24 pub 10-20 (on time) —    SCJG-01@v2 ✓ problem
//	R9  T5 B SCJG PUBLISHED (2024 task)                             acc1  SCJG-01@v1 ✓ problem
//	R10 T4 E WJ   APPROVED due 06-01 (cancelled task)               acc2  YJ-01 ✓
type hub struct {
	t      *testing.T
	db     *hubpkg.Hub
	client *ent.Client
	sys    context.Context

	scjg, wj, yj *ent.Department
	insp         map[string]*ent.Inspector
	targets      map[string]*ent.Target
	items        map[string]*ent.InspectionItem // "code@version"
}

func day(y int, m time.Month, d int) *time.Time {
	t := calendar.Date(y, m, d)
	return &t
}

// at is a moment in China time, stored in UTC so that dates must be taken in China time.
func at(y int, m time.Month, d, hour, minute int) *time.Time {
	t := time.Date(y, m, d, hour, minute, 0, 0, clock.CST).UTC()
	return &t
}

func newHub(t *testing.T) *hub {
	t.Helper()
	db := testutil.Open(t)
	h := &hub{t: t, db: db, client: db.Client, sys: testutil.System(),
		insp: map[string]*ent.Inspector{}, targets: map[string]*ent.Target{}}
	ctx := h.sys

	// Lists are created as drafts with their items, then marked by SQL: publishing is the
	// lists workflow's business. A task may only use items of a PUBLISHED list, so the
	// superseded versions are marked SUPERSEDED after the tasks are made.
	w := world.Build(t, db)
	h.scjg, h.wj, h.yj = w.SCJG, w.WJ, w.YJ
	items := map[string]*ent.InspectionItem{}
	h.items = items
	lists := map[string]*ent.ItemList{}
	var keys []string
	var specs []world.List
	list := func(key string, dep *ent.Department, version int, effective, published *time.Time, countyWide bool, codes ...string) {
		spec := world.List{Dep: dep, Version: version, Effective: effective, Published: published, CountyWide: countyWide}
		for _, c := range codes {
			code, name, _ := strings.Cut(c, "|")
			spec.Items = append(spec.Items, world.Item{Code: code, Name: name})
		}
		keys, specs = append(keys, key), append(specs, spec)
	}
	list("SCJG1", h.scjg, 1, day(2024, 1, 1), at(2023, 12, 20, 9, 0), false, "SCJG-01|企业公示信息抽查", "SCJG-02|食品经营许可检查")
	list("SCJG2", h.scjg, 2, day(2025, 3, 1), at(2025, 2, 20, 9, 0), false,
		"SCJG-01|企业公示信息抽查", "SCJG-02|食品经营许可检查", "SCJG-03|广告发布监督检查")
	list("SCJG3", h.scjg, 3, nil, nil, false, "SCJG-04|草稿中的事项")
	list("CW", h.scjg, 10, day(2024, 1, 1), nil, true, "CW-01|全县汇总事项")
	list("WJ1", h.wj, 1, nil, at(2024, 5, 1, 9, 0), false, "WJ-01|公共场所卫生监督检查", "WJ-02|生活饮用水卫生监督检查")
	list("WJ2", h.wj, 2, day(2026, 1, 1), at(2025, 12, 15, 9, 0), false, "WJ-01|公共场所卫生监督检查", "WJ-03|医疗机构监督检查")
	list("YJ1", h.yj, 1, day(2020, 1, 1), nil, false, "YJ-OLD|旧版事项")
	list("YJ2", h.yj, 2, day(2024, 6, 1), nil, false, "YJ-01|安全生产监督检查")
	ls, its := w.RawLists(specs...)
	for i, key := range keys {
		lists[key] = ls[i]
		for _, it := range its[i] {
			items[fmt.Sprintf("%s@%d", it.Code, specs[i].Version)] = it
		}
	}
	listIDs := func(keys ...string) (ids []int) {
		for _, k := range keys {
			ids = append(ids, lists[k].ID)
		}
		return ids
	}
	w.SetListStatus(itemlist.StatusPUBLISHED, listIDs("SCJG1", "SCJG2", "CW", "WJ1", "WJ2", "YJ1", "YJ2")...)

	insp := w.Inspectors(world.Inspector{Name: "张三", CertificateNo: "SC001", Dep: h.scjg}, world.Inspector{Name: "李四", CertificateNo: "SC002", Dep: h.scjg},
		world.Inspector{Name: "王五", CertificateNo: "SC003", Dep: h.scjg}, world.Inspector{Name: "赵六", CertificateNo: "SC004", Dep: h.scjg, Inactive: true},
		world.Inspector{Name: "钱九", CertificateNo: "SC005", Dep: h.scjg},
		world.Inspector{Name: "孙七", CertificateNo: "WJ001", Dep: h.wj}, world.Inspector{Name: "周八", CertificateNo: "WJ002", Dep: h.wj})
	for i, key := range []string{"i1", "i2", "i3", "i4", "i5", "w1", "w2"} {
		h.insp[key] = insp[i]
	}
	accounts := map[string]*ent.Account{}
	for i, a := range w.Accounts("", world.Account{Username: "acc1", Dep: h.scjg, Roles: []string{viewer.RoleInspector}, Inspector: h.insp["i1"]},
		world.Account{Username: "acc2", Dep: h.wj, Roles: []string{viewer.RoleInspector}, Inspector: h.insp["w1"]},
		world.Account{Username: "acc3", Dep: h.scjg, Roles: []string{viewer.RoleInspector}}) {
		accounts[[]string{"acc1", "acc2", "acc3"}[i]] = a
	}
	var tspecs []world.Target
	for i, name := range []string{"A", "B", "C", "D", "E"} {
		base := fmt.Sprintf("91370921MA3C0000%d", i+1)
		tspecs = append(tspecs, world.Target{Name: "宁阳县" + name + "商贸有限公司", USCC: base + string(uscc.CheckChar(base))})
	}
	for i, tg := range w.Targets(tspecs...) {
		h.targets[string(rune('A'+i))] = tg
	}
	statuses := map[int]result.Status{}
	must(t, txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		tasks := map[string]*ent.Task{}
		mkTask := func(key string, initiator *ent.Department, start, end time.Time, status task.Status, participants ...*ent.Department) {
			c := tx.Task.Create().SetNumber("3709212025" + key).SetName("任务" + key).SetInitiatorID(initiator.ID).
				SetWindowStart(start).SetWindowEnd(end).SetStatus(status)
			for _, p := range participants {
				c.AddParticipantIDs(p.ID)
			}
			tasks[key] = c.SaveX(ctx)
		}
		mkTask("T1", h.scjg, *day(2025, 3, 1), *day(2025, 4, 30), task.StatusINSPECTING, h.wj)
		mkTask("T2", h.scjg, time.Date(2024, 12, 31, 17, 0, 0, 0, time.UTC), *day(2025, 6, 30), task.StatusCLOSED)
		mkTask("T3", h.scjg, *day(2025, 9, 1), *day(2025, 9, 30), task.StatusREPORTING)
		mkTask("T4", h.wj, *day(2025, 5, 1), *day(2025, 5, 31), task.StatusCANCELLED)
		mkTask("T5", h.scjg, *at(2024, 12, 31, 20, 0), *day(2025, 1, 31), task.StatusCLOSED)
		mkTask("T6", h.wj, *day(2025, 11, 1), *day(2025, 11, 30), task.StatusANNOUNCED, h.scjg)
		// A task may use only items of the list version current when it is made (effective
		// dates honoured, lists.CurrentVersions): each task item is made on its version's date.
		taskItem := func(tk string, dep *ent.Department, item string) {
			ictx := ctx
			for _, l := range lists {
				if l.ID != items[item].ItemListID {
					continue
				}
				from := l.EffectiveDate
				if from == nil {
					from = l.PublishedAt
				}
				ictx = clock.With(ctx, func() time.Time { return *from })
			}
			tx.TaskItem.Create().SetTaskID(tasks[tk].ID).SetDepartmentID(dep.ID).SetItemID(items[item].ID).ExecX(ictx)
		}
		taskItem("T1", h.scjg, "SCJG-01@1")
		taskItem("T1", h.wj, "WJ-01@1")
		taskItem("T1", h.wj, "WJ-02@1")
		taskItem("T2", h.scjg, "SCJG-02@2")
		taskItem("T3", h.scjg, "SCJG-01@2")
		taskItem("T4", h.yj, "YJ-01@2")
		taskItem("T5", h.scjg, "SCJG-03@2")

		pos := 0
		team := func(d *ent.Draw, target string, version int, status inspectionteam.Status, members ...string) *ent.InspectionTeam {
			pos++
			c := tx.InspectionTeam.Create().SetDrawID(d.ID).SetTargetID(h.targets[target].ID).SetStratum("B").
				SetTicket(strings.Repeat("0", 64)).SetPosition(pos).SetVersion(version).SetStatus(status)
			for _, m := range members {
				c.AddMemberIDs(h.insp[m].ID)
			}
			return c.SaveX(ctx)
		}
		mkDraw := func(tk string, seq int, status draw.Status) *ent.Draw {
			return tx.Draw.Create().SetTaskID(tasks[tk].ID).SetSeq(seq).SetStatus(status).SetDrawnAt(*day(2025, 1, 1)).SaveX(ctx)
		}
		const active, recused = inspectionteam.StatusACTIVE, inspectionteam.StatusRECUSED
		d := mkDraw("T1", 1, draw.StatusDRAWN)
		team(d, "A", 1, active, "i1", "i2", "w1")
		team(d, "B", 1, active, "i1", "w1")
		team(d, "C", 1, recused, "i2", "w2")
		team(d, "C", 2, active, "i3", "w1")
		d = mkDraw("T1", 2, draw.StatusDRAWN)
		team(d, "A", 1, active, "w1", "w2")
		d = mkDraw("T2", 1, draw.StatusSUPERSEDED)
		team(d, "A", 1, active, "i2", "i3")
		team(d, "E", 1, active, "i2", "i3")
		d = mkDraw("T2", 2, draw.StatusREVEALED)
		team(d, "A", 1, active, "i1", "i3")
		team(d, "D", 1, active, "i1", "i2")
		d = mkDraw("T3", 1, draw.StatusDRAWN)
		team(d, "A", 1, active, "i2", "i3")
		team(d, "D", 1, active, "i2", "i3")
		d = mkDraw("T4", 1, draw.StatusDRAWN)
		team(d, "E", 1, active, "w1", "w2")
		d = mkDraw("T5", 1, draw.StatusDRAWN)
		team(d, "B", 1, active, "i1", "i2")

		type ri struct {
			item             string
			checked, problem bool
		}
		res := func(tk, target string, dep *ent.Department, version int, status result.Status, end, due, pub *time.Time, enteredBy string, its ...ri) {
			// Created as drafts: items cannot be added to a published result (a database
			// trigger); the statuses are set afterwards.
			c := tx.Result.Create().SetTaskID(tasks[tk].ID).SetTargetID(h.targets[target].ID).SetDepartmentID(dep.ID).
				SetVersion(version).SetStatus(result.StatusDRAFT).SetNillableInspectionEndDate(end).SetNillableDueDate(due).SetNillablePublishedAt(pub)
			if enteredBy != "" {
				c.SetEnteredByID(accounts[enteredBy].ID)
			}
			r := c.SaveX(ctx)
			statuses[r.ID] = status
			for _, it := range its {
				tx.ResultItem.Create().SetResultID(r.ID).SetItemID(items[it.item].ID).SetChecked(it.checked).SetProblemFound(it.problem).ExecX(ctx)
			}
		}
		const published = result.StatusPUBLISHED
		res("T1", "A", h.scjg, 1, published, day(2025, 4, 10), day(2025, 5, 9), at(2025, 5, 9, 23, 30), "acc1", ri{"SCJG-01@1", true, true})
		res("T1", "A", h.wj, 1, published, day(2025, 4, 12), day(2025, 5, 12), at(2025, 5, 12, 10, 0), "acc2", ri{"WJ-01@1", true, false})
		res("T1", "B", h.scjg, 1, published, day(2025, 5, 5), day(2025, 6, 3), at(2025, 6, 4, 0, 30), "acc1",
			ri{"SCJG-01@1", true, false}, ri{"SCJG-02@1", false, false})
		res("T1", "C", h.scjg, 1, result.StatusAPPROVED, day(2025, 4, 20), day(2025, 5, 20), nil, "acc3", ri{"SCJG-01@1", true, false})
		res("T2", "A", h.scjg, 1, published, day(2025, 6, 10), day(2025, 7, 8), at(2025, 7, 1, 9, 0), "acc1", ri{"SCJG-02@2", true, true})
		res("T2", "A", h.scjg, 2, published, day(2025, 6, 10), day(2025, 7, 8), at(2025, 8, 1, 9, 0), "acc1", ri{"SCJG-02@2", true, false})
		res("T2", "D", h.scjg, 1, result.StatusDRAFT, nil, nil, nil, "acc3")
		res("T3", "A", h.scjg, 1, result.StatusPENDING_REVIEW, day(2025, 9, 20), day(2099, 12, 31), nil, "acc1",
			ri{"SCJG-01@2", true, false}, ri{"SCJG-02@2", false, false})
		res("T3", "D", h.scjg, 1, published, day(2025, 9, 25), day(2025, 10, 24), at(2025, 10, 20, 9, 0), "", ri{"SCJG-01@2", true, true})
		res("T5", "B", h.scjg, 1, published, day(2025, 1, 20), day(2025, 2, 21), at(2025, 3, 20, 9, 0), "acc1", ri{"SCJG-01@1", true, true})
		res("T4", "E", h.wj, 1, result.StatusAPPROVED, day(2025, 5, 5), day(2025, 6, 1), nil, "acc2", ri{"YJ-01@2", true, true})
		return nil
	}))
	for id, st := range statuses {
		h.exec(fmt.Sprintf("UPDATE results SET status = '%s' WHERE id = %d", st, id))
	}
	w.SetListStatus(itemlist.StatusSUPERSEDED, listIDs("SCJG1", "WJ1", "YJ1")...)
	return h
}

func (h *hub) exec(q string) {
	h.t.Helper()
	if _, err := h.db.SQL.Exec(q); err != nil {
		h.t.Fatalf("%s: %v", q, err)
	}
}

// as is a logged-in account of dep with roles.
func as(dep *ent.Department, roles ...string) context.Context {
	return testutil.As(&viewer.Viewer{Kind: viewer.Account, Name: "tester", AccountID: 1, DepartmentID: dep.ID,
		DepartmentCode: dep.Code, Roles: roles})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

// near compares rates.
func near(a, b float64) bool {
	d := a - b
	return d < 1e-9 && d > -1e-9
}
