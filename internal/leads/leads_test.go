package leads_test

import (
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent/lead"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/leads"
)

func TestReceive_Validation(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ok := leads.LeadInput{Source: lead.SourceCOMPLAINT, Summary: "投诉某饭店后厨卫生差", ItemID: h.item.ID}
	with := func(f func(*leads.LeadInput)) leads.LeadInput {
		in := ok
		f(&in)
		return in
	}
	for _, tc := range []struct {
		name string
		in   leads.LeadInput
		code string
		msg  string
	}{
		{"summary required", with(func(in *leads.LeadInput) { in.Summary = "  " }), apperr.Invalid, "线索摘要不能为空"},
		{"unknown source", with(func(in *leads.LeadInput) { in.Source = "HOTLINE" }), apperr.Invalid, "线索来源"},
		{"invalid USCC", with(func(in *leads.LeadInput) { in.TargetUSCC = "91350200776049653B" }), apperr.InvalidUSCC, "校验位错误"},
		{"USCC not in the library", with(func(in *leads.LeadInput) { in.TargetUSCC = "913502000728319549" }), apperr.NotFound, "名录库中没有"},
		{"item must exist", with(func(in *leads.LeadInput) { in.ItemID = h.item.ID + 1000 }), apperr.NotFound, "抽查事项"},
		{"department must exist", with(func(in *leads.LeadInput) { in.DepartmentID = h.wj.ID + 1000 }), apperr.NotFound, "承办部门"},
		{"bad industry", with(func(in *leads.LeadInput) { in.IndustryCode = "食品" }), apperr.Invalid, "行业代码"},
		{"bad division", with(func(in *leads.LeadInput) { in.DivisionCode = "37092" }), apperr.Invalid, "行政区划代码"},
		{"received in the future", with(func(in *leads.LeadInput) { in.ReceivedAt = time.Now().Add(24 * time.Hour) }), apperr.Invalid, "接收时间"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := leads.Receive(h.sys, h.client, tc.in)
			wantCode(t, tc.name, err, tc.code)
			if !strings.Contains(apperr.From(err).Message, tc.msg) {
				t.Fatalf("message %q lacks %q", apperr.From(err).Message, tc.msg)
			}
		})
	}
	if n, _ := h.client.Lead.Query().Count(h.sys); n != 0 {
		t.Fatalf("refused leads were written: %d", n)
	}

	// A lead about a known enterprise takes its industry and division; a handling department
	// makes it assigned.
	l, err := leads.Receive(h.sys, h.client, with(func(in *leads.LeadInput) {
		in.TargetUSCC, in.ReferenceNo, in.DepartmentID = " "+strings.ToLower(usccA)+" ", "12315-0001", h.wj.ID
	}))
	must(t, err)
	if l.TargetID == nil || *l.TargetID != h.targetA.ID || l.IndustryCode != "1391" || l.DivisionCode != "370921" ||
		l.Status != lead.StatusASSIGNED || l.ReceivedAt.IsZero() {
		t.Fatalf("lead = %+v", l)
	}
	_, err = leads.Receive(h.sys, h.client, with(func(in *leads.LeadInput) { in.ReferenceNo = "12315-0001" }))
	wantCode(t, "same reference number twice", err, apperr.Conflict)
	if _, err := leads.Receive(h.sys, h.client, with(func(in *leads.LeadInput) {
		in.ReferenceNo, in.Source, in.IndustryCode = "12315-0001", lead.SourceTRANSFER, "C1391"
	})); err != nil {
		t.Fatalf("same number from another source: %v", err)
	}
	// A department records leads for itself only.
	_, err = leads.Receive(h.dept, h.client, with(func(in *leads.LeadInput) { in.DepartmentID = h.scjg.ID }))
	wantCode(t, "department recording a lead for another department", err, apperr.Forbidden)
}

func TestLead_StateMachine(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	l, err := leads.Receive(h.sys, h.client, leads.LeadInput{Source: lead.SourceMONITORING, Summary: "网络监测发现虚假宣传"})
	must(t, err)
	if l.Status != lead.StatusRECEIVED {
		t.Fatalf("status = %s", l.Status)
	}
	badState := func(what string, err error, current, wanted string) {
		t.Helper()
		wantCode(t, what, err, leads.CodeBadState)
		msg := apperr.From(err).Message
		if !strings.Contains(msg, "“"+current+"”") || !strings.Contains(msg, "“"+wanted+"”") {
			t.Fatalf("%s: message %q should name %s and %s", what, msg, current, wanted)
		}
	}
	_, err = leads.StartHandling(h.sys, h.client, l.ID)
	badState("handling before assignment", err, "已接收", "处理中")
	_, err = leads.Close(h.sys, h.client, l.ID, "已核实")
	badState("closing a received lead", err, "已接收", "已办结")
	_, err = leads.Assign(h.sys, h.client, l.ID, 0)
	wantCode(t, "assigning to nobody", err, apperr.Invalid)
	_, err = leads.Assign(h.sys, h.client, l.ID, h.wj.ID+1000)
	wantCode(t, "assigning to a missing department", err, apperr.NotFound)

	if l, err = leads.Assign(h.sys, h.client, l.ID, h.wj.ID); err != nil || l.Status != lead.StatusASSIGNED || *l.DepartmentID != h.wj.ID {
		t.Fatalf("assign: %+v, %v", l, err)
	}
	_, err = leads.Assign(h.sys, h.client, l.ID, h.scjg.ID)
	badState("assigning twice", err, "已分派", "已分派")
	_, err = leads.Close(h.sys, h.client, l.ID, "已核实")
	badState("closing before handling", err, "已分派", "已办结")
	if l, err = leads.StartHandling(h.sys, h.client, l.ID); err != nil || l.Status != lead.StatusHANDLING {
		t.Fatalf("start handling: %+v, %v", l, err)
	}
	_, err = leads.StartHandling(h.sys, h.client, l.ID)
	badState("starting twice", err, "处理中", "处理中")
	_, err = leads.Close(h.sys, h.client, l.ID, " ")
	wantCode(t, "closing without outcome", err, apperr.Invalid)
	if l, err = leads.Close(h.sys, h.client, l.ID, "经核查，责令改正"); err != nil || l.Status != lead.StatusCLOSED ||
		l.ClosedAt == nil || l.Outcome != "经核查，责令改正" {
		t.Fatalf("close: %+v, %v", l, err)
	}
	_, err = leads.Close(h.sys, h.client, l.ID, "再次办结")
	badState("closing twice", err, "已办结", "已办结")
	_, err = leads.Assign(h.sys, h.client, l.ID, h.wj.ID)
	badState("reopening", err, "已办结", "已分派")
	_, err = leads.StartHandling(h.sys, h.client, l.ID+1000)
	wantCode(t, "missing lead", err, apperr.NotFound)
}
