package results_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/followupaction"
	"github.com/ssgk/ssgk/ent/notification"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/results"
)

func TestResults_EntryReviewAndPublication(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	in := h.problemInput(h.a, day("2026-09-18"), "ORDER_CORRECTION")
	in.IdempotencyKey = "scjg-2026-0007-a"
	r, err := results.Save(h.asInspector, h.client, in)
	if err != nil {
		t.Fatal(err)
	}
	if r.Status != result.StatusDRAFT || !r.AbnormalFlag || r.Version != 1 || r.TeamID == nil {
		t.Fatalf("saved = %+v", r)
	}
	// A retry with the same key returns the same result and writes nothing.
	again, err := results.Save(h.asInspector, h.client, in)
	if err != nil || again.ID != r.ID {
		t.Fatalf("replay: %v, id %d vs %d", err, again.ID, r.ID)
	}
	if n := h.client.Result.Query().CountX(h.sys); n != 1 {
		t.Fatalf("%d results after replay", n)
	}

	// The approver cannot approve a draft; illegal transitions name the state.
	_, err = results.Approve(h.asApprover, h.client, r.ID)
	wantCode(t, "approve a draft", err, results.CodeBadState)
	if !strings.Contains(err.Error(), "录入中") {
		t.Fatalf("message does not name the state: %v", err)
	}
	if r, err = results.Submit(h.asInspector, h.client, r.ID); err != nil {
		t.Fatal(err)
	}
	if r.Status != result.StatusPENDING_REVIEW || r.DueDate == nil || r.DueDate.In(clock.CST).Format("2006-01-02") != "2026-10-22" {
		t.Fatalf("submitted = %s due %v", r.Status, r.DueDate)
	}
	_, err = results.Save(h.asInspector, h.client, h.problemInput(h.a, day("2026-09-18"), "ORDER_CORRECTION"))
	wantCode(t, "edit under review", err, results.CodeBadState)
	_, err = results.Approve(h.asInspector, h.client, r.ID)
	wantCode(t, "inspector approves", err, apperr.Forbidden)
	_, err = results.Return(h.asApprover, h.client, r.ID, "  ")
	wantCode(t, "return without reason", err, results.CodeReasonRequired)
	if r, err = results.Return(h.asApprover, h.client, r.ID, "问题描述不完整"); err != nil || r.Status != result.StatusRETURNED || r.ReviewNote != "问题描述不完整" {
		t.Fatalf("return: %v %+v", err, r)
	}
	// Returned: editable again; this time the dual-role account enters it and may not approve it.
	in.IdempotencyKey = ""
	in.Items[0].Problem = "未按时公示2025年度报告"
	if _, err = results.Save(h.asDual, h.client, in); err != nil {
		t.Fatal(err)
	}
	if _, err = results.Submit(h.asDual, h.client, r.ID); err != nil {
		t.Fatal(err)
	}
	_, err = results.Approve(h.asDual, h.client, r.ID)
	wantCode(t, "approve own entry", err, results.CodeSameAccount)
	if _, err = results.Approve(h.asApprover, h.client, r.ID); err != nil {
		t.Fatal(err)
	}
	_, err = results.Publish(h.asInspector, h.client, r.ID, results.PublishOptions{})
	wantCode(t, "inspector publishes", err, apperr.Forbidden)
	if r, err = results.Publish(h.asApprover, h.client, r.ID, results.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	if r.Status != result.StatusPUBLISHED || r.PublishedAt == nil {
		t.Fatalf("published = %+v", r)
	}
	_, err = results.Submit(h.asInspector, h.client, r.ID)
	wantCode(t, "submit a published result", err, results.CodeBadState)
	if !strings.Contains(err.Error(), "已公示") {
		t.Fatalf("message does not name the state: %v", err)
	}

	pub := h.client.Publication.Query().Where(publication.KindEQ(publication.KindRESULT), publication.SubjectID(r.ID)).OnlyX(h.sys)
	p := pub.Payload
	for k, want := range map[string]any{
		"plan_number": "37092120260001", "plan_name": "2026年度宁阳县部门联合抽查计划", "task_number": "37092120260007",
		"task_name": "食品经营企业联合抽查", "task_type": "不定向抽查（部门联合抽查）", "authority": "宁阳县市场监督管理局",
		"completed_on": "2026-09-18", "target_name": "宁阳县甲食品有限公司",
	} {
		if p[k] != want {
			t.Errorf("payload[%s] = %v, want %v", k, p[k], want)
		}
	}
	items, _ := p["items"].([]any)
	codes, _ := p["result_codes"].([]any)
	if len(items) != 2 || len(codes) != 2 || items[0].(map[string]any)["result"] != "发现问题" ||
		items[0].(map[string]any)["problem"] != "未按时公示2025年度报告" || codes[0].(map[string]any)["name"] != "未按规定公示应当公示的信息" {
		t.Fatalf("payload items/codes = %v / %v", items, codes)
	}
	if pub.DepartmentID == nil || *pub.DepartmentID != h.scjg.ID {
		t.Fatalf("publication department = %v", pub.DepartmentID)
	}
	tg := h.client.Target.GetX(h.sys, h.a.ID)
	if tg.LastInspectedOn == nil || calendar.DateOf(*tg.LastInspectedOn).Format("2006-01-02") != "2026-09-18" {
		t.Fatalf("last inspected = %v", tg.LastInspectedOn)
	}
	// The chosen follow-up; the 经营异常 one is TestPublish_AbnormalCodeListsTheTargetAndOpensAFollowUp's.
	acts := h.client.FollowUpAction.Query().Where(followupaction.ResultID(r.ID), followupaction.OptionIDNEQ(h.followUps["ABNORMAL_LIST"])).AllX(h.sys)
	if len(acts) != 1 || acts[0].Status != followupaction.StatusOPEN || acts[0].OptionID != h.followUps["ORDER_CORRECTION"] {
		t.Fatalf("follow-ups = %+v", acts)
	}
	if _, err := results.CompleteFollowUp(h.asInspector, h.client, acts[0].ID, calendar.DateOf(time.Now()), "已复查，已改正"); err != nil {
		t.Fatal(err)
	}
	_, err = results.CompleteFollowUp(h.asInspector, h.client, acts[0].ID, calendar.DateOf(time.Now()), "")
	wantCode(t, "complete twice", err, results.CodeFollowUpBadState)
}

func TestResults_SaveRules(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	end := day("2026-09-18")
	cases := []struct {
		name string
		edit func(in *results.ResultInput)
		code string
	}{
		{"no result code", func(in *results.ResultInput) { in.Codes = nil }, results.CodeCodeRequired},
		{"no problem with a problem", func(in *results.ResultInput) { in.Codes = []string{"NO_PROBLEM", "NOT_DISCLOSED"} }, results.CodeCodesConflict},
		{"unknown code", func(in *results.ResultInput) { in.Codes = []string{"PASS"} }, apperr.NotFound},
		{"another department's item", func(in *results.ResultInput) {
			in.Items = append(in.Items, results.ItemInput{ItemID: h.wjItems[0].ID, Checked: true})
		}, results.CodeItemNotInTask},
		{"target not drawn", func(in *results.ResultInput) { in.TargetID = h.c.ID }, results.CodeNotDrawn},
		{"problem item under no-problem", func(in *results.ResultInput) {
			in.Items[0].ProblemFound, in.Items[0].Problem = true, "未公示"
		}, results.CodeProblemMismatch},
		{"corrected without a problem item", func(in *results.ResultInput) { in.Codes = []string{"CORRECTED"} }, results.CodeProblemMismatch},
		{"problem on an unchecked item", func(in *results.ResultInput) {
			in.Codes = []string{"CORRECTED"}
			in.Items[0] = results.ItemInput{ItemID: in.Items[0].ItemID, ProblemFound: true, Problem: "x"}
		}, results.CodeProblemMismatch},
		{"adopting an unpublished result", func(in *results.ResultInput) { in.AdoptedFromID = -1 }, results.CodeAdoptionInvalid},
		{"inspection ends in the future", func(in *results.ResultInput) { in.InspectionEndDate = day("2099-01-01") }, apperr.Invalid},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			in := h.input(h.a, end)
			c.edit(&in)
			_, err := results.Save(h.asInspector, h.client, in)
			wantCode(t, c.name, err, c.code)
		})
	}
	if n := h.client.Result.Query().CountX(h.sys); n != 0 {
		t.Fatalf("refused saves stored %d results", n)
	}
	// 谁检查、谁录入: another department, or an approver, cannot enter SCJG's result.
	in := h.input(h.a, end)
	in.DepartmentID = h.scjg.ID
	_, err := results.Save(h.asWJ, h.client, in)
	wantCode(t, "other department", err, apperr.Forbidden)
	_, err = results.Save(h.asApprover, h.client, h.input(h.a, end))
	wantCode(t, "approver enters", err, apperr.Forbidden)
	// WJ's result may only use WJ's item.
	wjIn := results.ResultInput{TaskID: h.task.ID, TargetID: h.a.ID, Codes: []string{"NO_PROBLEM"},
		Items: []results.ItemInput{{ItemID: h.scjgItems[0].ID, Checked: true}}}
	_, err = results.Save(h.asWJ, h.client, wjIn)
	wantCode(t, "WJ with SCJG's item", err, results.CodeItemNotInTask)
	// Submitting needs every task item.
	partial := h.input(h.b, end)
	partial.Items = partial.Items[:1]
	r, err := results.Save(h.asInspector, h.client, partial)
	if err != nil {
		t.Fatal(err)
	}
	_, err = results.Submit(h.asInspector, h.client, r.ID)
	wantCode(t, "submit with an item missing", err, results.CodeItemsIncomplete)
	// A sub-label implies its parent; the abnormal-list flag follows the codes.
	sub := h.input(h.b, end)
	sub.Codes = []string{"PENDING_FOOD_DRUG"}
	sub.Items[1] = results.ItemInput{ItemID: h.scjgItems[1].ID, Checked: true, ProblemFound: true, Problem: "超范围经营"}
	if r, err = results.Save(h.asInspector, h.client, sub); err != nil {
		t.Fatal(err)
	}
	got := h.client.Result.QueryCodes(r).AllX(h.sys)
	if len(got) != 2 || r.AbnormalFlag {
		t.Fatalf("codes = %v, abnormal = %v", got, r.AbnormalFlag)
	}
	unreachable := h.input(h.b, end)
	unreachable.Codes = []string{"UNREACHABLE"}
	unreachable.Items = []results.ItemInput{{ItemID: h.scjgItems[0].ID}, {ItemID: h.scjgItems[1].ID}}
	if r, err = results.Save(h.asInspector, h.client, unreachable); err != nil || !r.AbnormalFlag {
		t.Fatalf("unreachable: %v, abnormal = %v", err, r != nil && r.AbnormalFlag)
	}
	if n := h.client.ResultItem.Query().CountX(h.sys); n != 2 {
		t.Fatalf("%d result items after re-saving", n)
	}
}

func TestResults_StatusHasNoDefaultPass(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	if _, err := results.Save(h.asInspector, h.client, h.input(h.a, day("2026-09-18"))); err != nil {
		t.Fatal(err)
	}
	st, err := results.Status(h.sys, h.client, h.task.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[[2]int]string{}
	for _, s := range st {
		got[[2]int{s.TargetID, s.DepartmentID}] = s.Status
	}
	want := map[[2]int]string{
		{h.a.ID, h.scjg.ID}: "DRAFT", {h.a.ID, h.wj.ID}: results.NotInspected,
		{h.b.ID, h.scjg.ID}: results.NotInspected, {h.b.ID, h.wj.ID}: results.NotInspected,
	}
	if len(got) != len(want) {
		t.Fatalf("status = %+v", st)
	}
	for k, v := range want {
		if got[k] != v {
			t.Fatalf("status %v = %q, want %q", k, got[k], v)
		}
	}
}

// domain.md §4: 2026 days off 9/25–9/27 and 10/1–10/7, make-up working days 9/20 and 10/10.
func TestResults_DeadlineAcrossNationalDay2026(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	for _, c := range []struct {
		target   *ent.Target
		end, due string
	}{
		{h.a, "2026-09-18", "2026-10-22"}, // domain.md §4 check vector
		{h.b, "2026-09-25", "2026-10-29"}, // ends on a day off (中秋节)
	} {
		r, err := results.Save(h.asInspector, h.client, h.input(c.target, day(c.end)))
		if err != nil {
			t.Fatal(err)
		}
		if r, err = results.Submit(h.asInspector, h.client, r.ID); err != nil {
			t.Fatal(err)
		}
		if got := calendar.DateOf(*r.DueDate).Format("2006-01-02"); got != c.due {
			t.Errorf("inspection ended %s: due %s, want %s", c.end, got, c.due)
		}
		want, err := results.Deadline(h.sys, h.client, day(c.end))
		if err != nil || !want.Equal(calendar.DateOf(*r.DueDate)) {
			t.Errorf("Deadline(%s) = %v, %v", c.end, want, err)
		}
	}
}

func TestResults_SubmitFailsClosedWithoutCalendar(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	// 2024 is not in the built-in data and has not been loaded.
	r, err := results.Save(h.asInspector, h.client, h.input(h.a, day("2024-12-20")))
	if err != nil {
		t.Fatal(err)
	}
	_, err = results.Submit(h.asInspector, h.client, r.ID)
	wantCode(t, "submit without the 2024 calendar", err, calendar.CodeCalendarMissing)
	if r = h.client.Result.GetX(h.sys, r.ID); r.Status != result.StatusDRAFT || r.DueDate != nil {
		t.Fatalf("after refusal: %s due %v", r.Status, r.DueDate)
	}
}

func TestResults_AdoptionAndNotice(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	_, err := results.Save(h.asInspector, h.client, func() results.ResultInput {
		in := h.problemInput(h.a, day("2026-09-18"), "NOTIFY_DEPT")
		return in
	}())
	if err != nil {
		t.Fatal(err)
	}
	r := h.client.Result.Query().OnlyX(h.sys)
	if _, err := results.Submit(h.asInspector, h.client, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := results.Approve(h.asApprover, h.client, r.ID); err != nil {
		t.Fatal(err)
	}
	_, err = results.Publish(h.asApprover, h.client, r.ID, results.PublishOptions{})
	wantCode(t, "notice without departments", err, apperr.Invalid)
	if _, err = results.Publish(h.asApprover, h.client, r.ID, results.PublishOptions{NotifyDepartmentIDs: []int{h.yj.ID}}); err != nil {
		t.Fatal(err)
	}
	ns := h.client.Notification.Query().Where(notification.ResultID(r.ID)).AllX(h.sys)
	if len(ns) != 1 || ns[0].ToDepartmentID != h.yj.ID || ns[0].FromDepartmentID != h.scjg.ID {
		t.Fatalf("notifications = %+v", ns)
	}
	// WJ adopts SCJG's published result (采信); SCJG cannot adopt its own.
	wjIn := results.ResultInput{TaskID: h.task.ID, TargetID: h.a.ID, InspectionEndDate: day("2026-09-20"), Codes: []string{"NO_PROBLEM"},
		MethodCodes: []string{"ADOPTED"}, Items: []results.ItemInput{{ItemID: h.wjItems[0].ID, Checked: true}}, AdoptedFromID: r.ID}
	if _, err := results.Save(h.asWJ, h.client, wjIn); err != nil {
		t.Fatal(err)
	}
	own := h.input(h.b, day("2026-09-18"))
	own.AdoptedFromID = r.ID
	_, err = results.Save(h.asInspector, h.client, own)
	wantCode(t, "adopting another target's result", err, results.CodeAdoptionInvalid)
}

func TestResults_CaseTransfer(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	in := h.problemInput(h.a, day("2026-09-18"), "CASE_TRANSFER")
	r := h.published(in, results.PublishOptions{})
	a := h.client.FollowUpAction.Query().Where(followupaction.ResultID(r.ID), followupaction.OptionID(h.followUps["CASE_TRANSFER"])).OnlyX(h.sys)
	_, err := results.CompleteFollowUp(h.asInspector, h.client, a.ID, calendar.DateOf(time.Now()), "")
	wantCode(t, "complete before transfer", err, results.CodeFollowUpBadState)
	_, err = results.TransferCase(h.asInspector, h.client, a.ID, "", false, calendar.DateOf(time.Now()))
	wantCode(t, "transfer without unit", err, apperr.Invalid)
	_, err = results.TransferCase(h.asWJ, h.client, a.ID, "县市场监管局执法大队", false, calendar.DateOf(time.Now()))
	wantCode(t, "other department transfers", err, apperr.Forbidden)
	if a, err = results.TransferCase(h.asInspector, h.client, a.ID, "县公安局", true, calendar.DateOf(time.Now())); err != nil {
		t.Fatal(err)
	}
	if !a.JudicialTransfer || a.ReceivingUnit != "县公安局" || a.TransferredOn == nil {
		t.Fatalf("transferred = %+v", a)
	}
	if a, err = results.CompleteFollowUp(h.asInspector, h.client, a.ID, calendar.DateOf(time.Now()), "已立案"); err != nil || a.Status != followupaction.StatusDONE {
		t.Fatalf("complete: %v %+v", err, a)
	}
}
