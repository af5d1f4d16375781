package stats_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/stats"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

func TestItemCoverage_ListsUnusedItems(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	got, err := stats.ItemCoverage(h.sys, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	want := []stats.DepartmentCoverage{
		// v1 and v2 were both in effect in 2025; the draft v3 and the county-wide list are not
		// counted. SCJG-03 was used only by the 2024 task.
		{DepartmentID: h.scjg.ID, DepartmentCode: "SCJG", DepartmentName: "宁阳县市场监督管理局", Total: 3, Used: 2, Rate: 2.0 / 3,
			Unused: []stats.ItemRef{{Code: "SCJG-03", Name: "广告发布监督检查"}}},
		// v1 (published 2024, no effective date) was in effect all year; v2 only from 2026.
		{DepartmentID: h.wj.ID, DepartmentCode: "WJ", DepartmentName: "宁阳县卫生健康局", Total: 2, Used: 2, Rate: 1, AllUsed: true,
			Unused: []stats.ItemRef{}},
		// v1 ended in 2024; YJ-01 was used only by a cancelled task.
		{DepartmentID: h.yj.ID, DepartmentCode: "YJ", DepartmentName: "宁阳县应急管理局", Total: 1, Used: 0, Rate: 0,
			Unused: []stats.ItemRef{{Code: "YJ-01", Name: "安全生产监督检查"}}},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("coverage:\n got %+v\nwant %+v", got, want)
	}

	// 2026: SCJG v2, WJ v2 and YJ v2 are in effect, and no task used anything.
	got, err = stats.ItemCoverage(h.sys, h.client, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Total != 3 || got[0].Used != 0 || got[1].Total != 2 ||
		got[1].Unused[0].Code != "WJ-01" || got[1].Unused[1] != (stats.ItemRef{Code: "WJ-03", Name: "医疗机构监督检查"}) {
		t.Fatalf("2026 coverage = %+v", got)
	}
}

func TestJointShare_CountsTasksOfTheYear(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	got, err := stats.JointShare(h.sys, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	// T1 and T6 are joint, T2 and T3 are not; T4 is cancelled and T5 belongs to 2024.
	want := stats.JointTaskShare{Year: year, Tasks: 4, Joint: 2, Share: 0.5, Departments: []stats.DepartmentJoint{
		{DepartmentID: h.scjg.ID, DepartmentCode: "SCJG", DepartmentName: "宁阳县市场监督管理局", Tasks: 4, Initiated: 3, Joint: 2, Share: 0.5},
		{DepartmentID: h.wj.ID, DepartmentCode: "WJ", DepartmentName: "宁阳县卫生健康局", Tasks: 2, Initiated: 1, Joint: 2, Share: 1},
	}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("joint share:\n got %+v\nwant %+v", got, want)
	}
	got, err = stats.JointShare(h.sys, h.client, 2030)
	if err != nil {
		t.Fatal(err)
	}
	if got.Tasks != 0 || got.Share != 0 || len(got.Departments) != 0 {
		t.Fatalf("2030 = %+v", got)
	}
}

func TestOnTimeRate_JudgesFirstVersionsAgainstDueDates(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	got, err := stats.OnTimeRate(h.sys, h.client, year, 0)
	if err != nil {
		t.Fatal(err)
	}
	// SCJG: R1, R5 (not its correction), R8 on time; R3 late (00:30 China time on the day after
	// its due date); R4 overdue; R7 not yet due; R6 has no inspection end date, so it is due 20
	// working days after T2's window and overdue. WJ: R2 on time; T1 B and C were drawn but
	// have no 卫健 result at all — overdue since 20 working days after T1's window.
	want := []stats.OnTime{
		{DepartmentID: h.scjg.ID, DepartmentCode: "SCJG", DepartmentName: "宁阳县市场监督管理局", OnTime: 3, Late: 1, Overdue: 2, Pending: 1, Rate: 0.5},
		{DepartmentID: h.wj.ID, DepartmentCode: "WJ", DepartmentName: "宁阳县卫生健康局", OnTime: 1, Overdue: 2, Rate: 1.0 / 3},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("on time:\n got %+v\nwant %+v", got, want)
	}
	got, err = stats.OnTimeRate(h.sys, h.client, year, h.wj.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want[1:]) {
		t.Fatalf("on time of WJ = %+v", got)
	}
}

func TestProblemRate_PublishedLatestVersionsPerItem(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	got, err := stats.ProblemRate(h.sys, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	// SCJG-01 (both list versions): R1 problem, R3 no problem, R8 problem; R4 and R7 are not
	// published and R9 is of 2024. SCJG-02: the correction R5b (no problem) replaces R5.
	want := []stats.ItemProblemRate{
		{ItemID: h.items["SCJG-01@2"].ID, Code: "SCJG-01", Name: "企业公示信息抽查", DepartmentID: h.scjg.ID, DepartmentName: "宁阳县市场监督管理局",
			Checked: 3, ProblemFound: 2, Rate: 2.0 / 3},
		{ItemID: h.items["SCJG-02@2"].ID, Code: "SCJG-02", Name: "食品经营许可检查", DepartmentID: h.scjg.ID, DepartmentName: "宁阳县市场监督管理局",
			Checked: 1, ProblemFound: 0, Rate: 0},
		{ItemID: h.items["WJ-01@1"].ID, Code: "WJ-01", Name: "公共场所卫生监督检查", DepartmentID: h.wj.ID, DepartmentName: "宁阳县卫生健康局",
			Checked: 1, ProblemFound: 0, Rate: 0},
	}
	if len(got) != len(want) {
		t.Fatalf("problem rates = %+v", got)
	}
	for i := range want {
		g, w := got[i], want[i]
		if !near(g.Rate, w.Rate) {
			t.Errorf("%s rate = %v, want %v", w.Code, g.Rate, w.Rate)
		}
		g.Rate, w.Rate = 0, 0
		if g != w {
			t.Errorf("row %d:\n got %+v\nwant %+v", i, g, w)
		}
	}
}

func TestInspectionsPerEnterprise_CountsDistinctTasks(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	got, err := stats.InspectionsPerEnterprise(h.sys, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	// A: T1 (joint, two standing draws: once), T2 (its superseded draw adds nothing), T3.
	// D: T2, T3. B and C: T1 (C's recused team adds nothing). E was only in a superseded draw
	// and a cancelled task; B's 2024 task is another year.
	top := func(name string, n int) stats.EnterpriseCount {
		tg := h.targets[name]
		return stats.EnterpriseCount{TargetID: tg.ID, USCC: *tg.Uscc, Name: tg.Name, Count: n}
	}
	want := stats.Disturbance{Year: year, Inspected: 4, Once: 2, Twice: 1, ThreeOrMore: 1, Max: 3, Mean: 1.75,
		Top: []stats.EnterpriseCount{top("A", 3), top("D", 2), top("B", 1), top("C", 1)}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("disturbance:\n got %+v\nwant %+v", got, want)
	}
	if !strings.HasPrefix(got.Top[0].USCC, "91370921") || got.Top[0].Name != "宁阳县A商贸有限公司" {
		t.Errorf("top = %+v", got.Top[0])
	}
	empty, err := stats.InspectionsPerEnterprise(h.sys, h.client, 2030)
	if err != nil {
		t.Fatal(err)
	}
	if empty.Inspected != 0 || empty.Mean != 0 || empty.Top == nil || len(empty.Top) != 0 {
		t.Fatalf("2030 = %+v", empty)
	}
}

func TestOfficeStats_RefuseAnonymousAndBadYears(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	calls := map[string]func(ctx context.Context, year int) error{
		"ItemCoverage": func(ctx context.Context, y int) error { _, err := stats.ItemCoverage(ctx, h.client, y); return err },
		"JointShare":   func(ctx context.Context, y int) error { _, err := stats.JointShare(ctx, h.client, y); return err },
		"OnTimeRate":   func(ctx context.Context, y int) error { _, err := stats.OnTimeRate(ctx, h.client, y, 0); return err },
		"ProblemRate":  func(ctx context.Context, y int) error { _, err := stats.ProblemRate(ctx, h.client, y); return err },
		"InspectionsPerEnterprise": func(ctx context.Context, y int) error {
			_, err := stats.InspectionsPerEnterprise(ctx, h.client, y)
			return err
		},
	}
	for name, call := range calls {
		if got := apperr.CodeOf(call(context.Background(), year)); got != apperr.Unauthenticated {
			t.Errorf("%s anonymous: code %q", name, got)
		}
		if got := apperr.CodeOf(call(h.sys, 25)); got != apperr.Invalid {
			t.Errorf("%s year 25: code %q", name, got)
		}
		if err := call(as(h.wj, viewer.RoleDashboard), year); err != nil {
			t.Errorf("%s as a dashboard: %v", name, err)
		}
	}
}

func TestStats_JSONFieldNames(t *testing.T) {
	t.Parallel()
	b, err := json.Marshal(stats.DutyRecord{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"certificateNo", "inspectedInWindow", "overdueUnpublished"} {
		if !strings.Contains(string(b), `"`+f+`"`) {
			t.Errorf("DutyRecord JSON %s lacks %q", b, f)
		}
	}
}

func TestOnTimeRate_DueDateFromCalendarWhenMissing(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ctx := h.sys
	due, err := calendar.New().Deadline(calendar.Date(2025, 10, 10)) // 20 working days later
	if err != nil {
		t.Fatal(err)
	}
	var missingEnd int
	must(t, txn.Run(ctx, h.client, func(tx *ent.Tx) error {
		tk := tx.Task.Create().SetNumber("3709212025T7").SetName("任务T7").SetInitiatorID(h.yj.ID).
			SetWindowStart(*day(2025, 10, 1)).SetWindowEnd(*day(2025, 10, 31)).SetStatus(task.StatusREPORTING).SaveX(ctx)
		mk := func(target string, end *time.Time, pub *time.Time) int {
			return tx.Result.Create().SetTaskID(tk.ID).SetTargetID(h.targets[target].ID).SetDepartmentID(h.yj.ID).
				SetNillableInspectionEndDate(end).SetNillablePublishedAt(pub).SaveX(ctx).ID
		}
		onTime := mk("A", day(2025, 10, 10), at(due.Year(), due.Month(), due.Day(), 18, 0))
		late := mk("B", day(2025, 10, 10), at(due.Year(), due.Month(), due.Day()+1, 9, 0))
		overdue := mk("C", day(2025, 10, 10), nil)
		missingEnd = mk("D", day(2025, 10, 20), nil)
		for _, id := range []int{onTime, late} {
			tx.Result.UpdateOneID(id).SetStatus(result.StatusPUBLISHED).ExecX(ctx)
		}
		tx.Result.UpdateOneID(overdue).SetStatus(result.StatusAPPROVED).ExecX(ctx)
		return nil
	}))
	got, err := stats.OnTimeRate(h.sys, h.client, year, h.yj.ID)
	if err != nil {
		t.Fatal(err)
	}
	// D ended 2025-10-20: its deadline has passed too.
	want := []stats.OnTime{{DepartmentID: h.yj.ID, DepartmentCode: "YJ", DepartmentName: "宁阳县应急管理局", OnTime: 1, Late: 1, Overdue: 2, Rate: 0.25}}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("on time:\n got %+v\nwant %+v", got, want)
	}

	// A year without a working-day calendar fails closed rather than guessing a deadline (SQL:
	// the end date is only checked on submission, which this fixture skips).
	h.exec(fmt.Sprintf("UPDATE results SET inspection_end_date = '2099-06-01 00:00:00+08:00' WHERE id = %d", missingEnd))
	if _, err := stats.OnTimeRate(h.sys, h.client, year, h.yj.ID); err == nil {
		t.Fatal("OnTimeRate with a year without a calendar: no error")
	} else if y, ok := calendar.IsMissing(err); !ok || y != 2099 {
		t.Fatalf("err = %v, want CALENDAR_MISSING for 2099", err)
	}
	if _, err := stats.DutyRecords(h.sys, h.client, year, 0); err != nil {
		t.Fatalf("DutyRecords (YJ has no inspectors drawn): %v", err)
	}
}

// TestDraftTasks_DoNotCount: a draft is not yet a task the county runs — a draft joint task using
// an unused item changes neither itemCoverage nor jointShare.
func TestDraftTasks_DoNotCount(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ctx := h.sys
	beforeCov, err := stats.ItemCoverage(ctx, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	beforeJoint, err := stats.JointShare(ctx, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	var draft *ent.Task
	must(t, txn.Run(ctx, h.client, func(tx *ent.Tx) error {
		draft = tx.Task.Create().SetNumber("3709212025T8").SetName("任务T8").SetInitiatorID(h.scjg.ID).AddParticipantIDs(h.yj.ID).
			SetWindowStart(*day(2025, 12, 1)).SetWindowEnd(*day(2025, 12, 20)).SaveX(ctx)
		tx.TaskItem.Create().SetTaskID(draft.ID).SetDepartmentID(h.scjg.ID).SetItemID(h.items["SCJG-03@2"].ID).ExecX(ctx)
		return nil
	}))
	cov, err := stats.ItemCoverage(ctx, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	joint, err := stats.JointShare(ctx, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(cov, beforeCov) || !reflect.DeepEqual(joint, beforeJoint) {
		t.Fatalf("a draft task counted:\n coverage %+v\n   before %+v\n joint %+v\n before %+v", cov, beforeCov, joint, beforeJoint)
	}
	// Announced, it counts: SCJG-03 is used and one more joint task is in the year.
	must(t, txn.Run(ctx, h.client, func(tx *ent.Tx) error {
		return tx.Task.UpdateOneID(draft.ID).SetStatus(task.StatusANNOUNCED).Exec(ctx)
	}))
	cov, err = stats.ItemCoverage(ctx, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	joint, err = stats.JointShare(ctx, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	if cov[0].Used != beforeCov[0].Used+1 || joint.Joint != beforeJoint.Joint+1 {
		t.Fatalf("announced: coverage %+v, joint %+v", cov[0], joint)
	}
}
