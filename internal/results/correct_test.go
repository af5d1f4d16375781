package results_test

import (
	"encoding/base64"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/signing"
)

func TestCorrections_SignedNewVersionAndVerification(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	orig := h.published(h.input(h.a, day("2026-09-18")), results.PublishOptions{})
	if _, err := signing.Enroll(h.asHead, h.client, h.head.ID, headPassword); err != nil {
		t.Fatal(err)
	}
	fix := results.CorrectionInput{Reason: "复核发现漏记未按规定公示的问题", ResultInput: h.problemInput(h.a, day("2026-09-18"), "ORDER_CORRECTION")}

	// Not a head, not signed by the right person, or a wrong password: nothing is stored.
	_, _, err := results.Correct(h.asApprover, h.client, orig.ID, fix, h.head.ID, headPassword)
	wantCode(t, "approver corrects", err, apperr.Forbidden)
	_, _, err = results.Correct(h.asHead, h.client, orig.ID, results.CorrectionInput{ResultInput: fix.ResultInput}, h.head.ID, headPassword)
	wantCode(t, "no reason", err, results.CodeReasonRequired)
	_, _, err = results.Correct(h.asHead, h.client, orig.ID, fix, h.head.ID, "错误口令")
	wantCode(t, "wrong password", err, signing.CodeAuthFailed)
	if n := h.client.Result.Query().CountX(h.sys); n != 1 {
		t.Fatalf("%d results after refused corrections", n)
	}
	draft, err := results.Save(h.asInspector, h.client, h.input(h.b, day("2026-09-18")))
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = results.Correct(h.asHead, h.client, draft.ID, fix, h.head.ID, headPassword)
	wantCode(t, "correct a draft", err, results.CodeBadState)

	nr, corr, err := results.Correct(h.asHead, h.client, orig.ID, fix, h.head.ID, headPassword)
	if err != nil {
		t.Fatal(err)
	}
	if nr.Version != 2 || nr.Status != result.StatusPUBLISHED || nr.TaskID != orig.TaskID || nr.TargetID != orig.TargetID || !nr.AbnormalFlag {
		t.Fatalf("new version = %+v", nr)
	}
	if corr.OriginalID != orig.ID || corr.CorrectedID != nr.ID || corr.SignatureAlgorithm != "ED25519" || corr.SignedAt == nil || len(corr.Digest) != 64 {
		t.Fatalf("correction = %+v", corr)
	}
	// Both versions stay visible; the original is unchanged.
	if o := h.client.Result.GetX(h.sys, orig.ID); o.Status != result.StatusPUBLISHED || o.Version != 1 || o.AbnormalFlag {
		t.Fatalf("original = %+v", o)
	}
	origPub := h.client.Publication.Query().Where(publication.KindEQ(publication.KindRESULT), publication.SubjectID(orig.ID)).OnlyX(h.sys)
	cpub := h.client.Publication.Query().Where(publication.KindEQ(publication.KindCORRECTION)).OnlyX(h.sys)
	if cpub.CorrectsID == nil || *cpub.CorrectsID != origPub.ID || cpub.SubjectID != nr.ID {
		t.Fatalf("correction publication = %+v", cpub)
	}
	if c, _ := cpub.Payload["correction"].(map[string]any); c["reason"] != fix.Reason {
		t.Fatalf("public correction = %v", cpub.Payload["correction"])
	}
	// The signature verifies with the head's public key.
	head := h.client.Account.GetX(h.sys, h.head.ID)
	sig, _ := base64.StdEncoding.DecodeString(corr.Signature)
	version := map[string]any{}
	for k, v := range cpub.Payload {
		if k != "correction" {
			version[k] = v
		}
	}
	digest, err := results.CorrectionDigest(orig.ID, origPub.Digest, version, fix.Reason)
	if err != nil || !signing.Verify(head.SigningPublicKey, digest, sig) {
		t.Fatalf("signature does not verify: %v", err)
	}
	if ps, err := results.VerifyCorrections(h.sys, h.client); err != nil || len(ps) != 0 {
		t.Fatalf("clean database: %v %v", ps, err)
	}
	// Only the latest version can be corrected again; the new version is immutable too.
	_, _, err = results.Correct(h.asHead, h.client, orig.ID, fix, h.head.ID, headPassword)
	wantCode(t, "correct a superseded version", err, results.CodeCorrectionInvalid)
	if err := h.exec(fmt.Sprintf("UPDATE results SET summary = 'x' WHERE id = %d", nr.ID)); err == nil {
		t.Fatal("raw update of the corrected version succeeded")
	}

	// Tampering is detected: the reason, then the signature.
	tamper := func(set string) []results.Problem {
		t.Helper()
		if err := h.exec(fmt.Sprintf("UPDATE corrections SET %s WHERE id = %d", set, corr.ID)); err != nil {
			t.Fatal(err)
		}
		ps, err := results.VerifyCorrections(h.sys, h.client)
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}
	ps := tamper("reason = '无'")
	if len(ps) == 0 || !strings.Contains(ps[0].String(), "更正摘要与记录不符") {
		t.Fatalf("tampered reason: %v", ps)
	}
	if ps = tamper(fmt.Sprintf("reason = '%s'", fix.Reason)); len(ps) != 0 {
		t.Fatalf("restored reason: %v", ps)
	}
	bad := make([]byte, len(sig))
	copy(bad, sig)
	bad[0] ^= 1
	ps = tamper(fmt.Sprintf("signature = '%s'", base64.StdEncoding.EncodeToString(bad)))
	if len(ps) != 1 || !strings.Contains(ps[0].Message, "签名核验失败") {
		t.Fatalf("tampered signature: %v", ps)
	}
	tamper(fmt.Sprintf("signature = '%s'", corr.Signature))
	if ps, _ := results.VerifyCorrections(h.sys, h.client); len(ps) != 0 {
		t.Fatalf("restored signature: %v", ps)
	}
	// A changed publication payload is caught as well.
	q := fmt.Sprintf("UPDATE publications SET payload = REPLACE(payload, '未按时公示', '按时公示') WHERE id = %d", cpub.ID)
	if h.db.Dialect == dialect.Postgres {
		q = fmt.Sprintf("UPDATE publications SET payload = REPLACE(payload::text, '未按时公示', '按时公示')::jsonb WHERE id = %d", cpub.ID)
	}
	if err := h.exec(q); err != nil {
		t.Fatal(err)
	}
	ps, err = results.VerifyCorrections(h.sys, h.client)
	if err != nil || len(ps) < 2 || !strings.Contains(ps[0].Message, "公示记录被修改") {
		t.Fatalf("tampered publication: %v %v", ps, err)
	}
}

func TestDue_SoonOverdueAndLate(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	// A: ended 2026-09-18, due 2026-10-22, submitted but not published.
	a, err := results.Save(h.asInspector, h.client, h.input(h.a, day("2026-09-18")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := results.Submit(h.asInspector, h.client, a.ID); err != nil {
		t.Fatal(err)
	}
	// B: ended 2026-09-25, due 2026-10-29, published 2026-11-02 (two working days late).
	bIn := h.input(h.b, day("2026-09-25"))
	b, err := results.Save(h.asInspector, h.client, bIn)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := results.Submit(h.asInspector, h.client, b.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := results.Approve(h.asApprover, h.client, b.ID); err != nil {
		t.Fatal(err)
	}
	late := results.PublishOptions{At: time.Date(2026, 11, 2, 10, 0, 0, 0, clock.CST)}
	_, err = results.Publish(h.asApprover, h.client, b.ID, late)
	wantCode(t, "approver backdates", err, apperr.Forbidden)
	if _, err := results.Publish(h.sys, h.client, b.ID, late); err != nil { // an operator's import of history
		t.Fatal(err)
	}
	office := h.sys
	cases := []struct {
		asOf                  string
		soon, overdue, late   int
		workingDaysOfFirstHit int
	}{
		{"2026-10-15", 0, 0, 1, -1}, // 5 working days left: not yet "soon" for 3
		{"2026-10-20", 1, 0, 1, 2},  // 10-21, 10-22 left
		{"2026-10-22", 1, 0, 1, 0},  // due today
		{"2026-10-26", 0, 1, 1, 2},  // 10-23, 10-26 past due
	}
	for _, c := range cases {
		deps, err := results.Due(office, h.client, day(c.asOf), 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(deps) != 1 || deps[0].DepartmentID != h.scjg.ID {
			t.Fatalf("%s: departments = %+v", c.asOf, deps)
		}
		d := deps[0]
		if len(d.DueSoon) != c.soon || len(d.Overdue) != c.overdue || len(d.PublishedLate) != c.late {
			t.Fatalf("%s: soon %d overdue %d late %d", c.asOf, len(d.DueSoon), len(d.Overdue), len(d.PublishedLate))
		}
		if c.soon == 1 && d.DueSoon[0].WorkingDays != c.workingDaysOfFirstHit {
			t.Errorf("%s: working days left = %d", c.asOf, d.DueSoon[0].WorkingDays)
		}
		if c.overdue == 1 && d.Overdue[0].WorkingDays != c.workingDaysOfFirstHit {
			t.Errorf("%s: working days overdue = %d", c.asOf, d.Overdue[0].WorkingDays)
		}
		if late := d.PublishedLate[0]; late.ResultID != b.ID || late.WorkingDays != 2 {
			t.Errorf("%s: late = %+v", c.asOf, late)
		}
	}
	// Another department sees only its own.
	deps, err := results.Due(h.asWJ, h.client, day("2026-10-26"), 3)
	if err != nil || len(deps) != 0 {
		t.Fatalf("WJ sees %+v, %v", deps, err)
	}
}

// TestDue_DrawnTargetsWithoutResults: once 20 working days after the task's window have passed,
// every drawn target without a result is overdue for every department with items in the task —
// nothing untouched goes unseen — and a target that was not drawn is not expected at all.
func TestDue_DrawnTargetsWithoutResults(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	due, err := calendar.New().Deadline(calendar.Date(2026, 10, 31))
	if err != nil {
		t.Fatal(err)
	}
	// Before the deadline the missing results are not overdue; on the due day they are due soon.
	deps, err := results.Due(h.sys, h.client, due, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(deps) != 2 || len(deps[0].Overdue) != 0 || len(deps[0].DueSoon) != 2 || len(deps[1].DueSoon) != 2 {
		t.Fatalf("on the due day: %+v", deps)
	}
	// A draft of SCJG for A without a submission still counts, with its own id.
	r, err := results.Save(h.asInspector, h.client, h.input(h.a, day("2026-10-20")))
	if err != nil {
		t.Fatal(err)
	}
	asOf := due.AddDate(0, 0, 14)
	deps, err = results.Due(h.sys, h.client, asOf, 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(deps) != 2 || deps[0].DepartmentID != h.scjg.ID || deps[1].DepartmentID != h.wj.ID {
		t.Fatalf("departments = %+v", deps)
	}
	scjg, wj := deps[0], deps[1]
	if len(scjg.Overdue) != 2 || len(wj.Overdue) != 2 {
		t.Fatalf("overdue: SCJG %+v, WJ %+v", scjg.Overdue, wj.Overdue)
	}
	var entered, missing int
	for _, e := range scjg.Overdue {
		switch {
		case e.ResultID == r.ID && e.Status != nil && *e.Status == result.StatusDRAFT && !e.NotInspected():
			entered++
		case e.ResultID == 0 && e.Status == nil && e.NotInspected() && e.TargetID == h.b.ID && e.DueDate.Equal(due) && e.WorkingDays > 0:
			missing++
		}
	}
	if entered != 1 || missing != 1 {
		t.Fatalf("SCJG overdue = %+v", scjg.Overdue)
	}
	for _, e := range wj.Overdue {
		if !e.NotInspected() || e.TargetID == h.c.ID || !e.InspectionEndDate.Equal(calendar.Date(2026, 10, 31)) {
			t.Fatalf("WJ overdue entry = %+v", e)
		}
	}
	// WJ sees only its own.
	deps, err = results.Due(h.asWJ, h.client, asOf, 3)
	if err != nil || len(deps) != 1 || deps[0].DepartmentID != h.wj.ID || len(deps[0].Overdue) != 2 {
		t.Fatalf("WJ sees %+v, %v", deps, err)
	}
}
