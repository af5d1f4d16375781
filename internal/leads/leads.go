// Package leads handles case leads (线索) from complaints and reports (投诉举报), transfers
// (转办交办) and data monitoring (数据监测): intake one by one or from a CSV file, handling case by
// case (received → assigned → handling → closed), and the detection of recurring problems. When
// enough leads about one item concern one industry or one area within a window, the joint-meeting
// office is offered a special inspection (专项检查), itself a task drawn at random (domain.md §2.9).
package leads

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/viewer"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/lead"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/uscc"
)

// Codes of lead errors (besides the apperr codes INVALID, INVALID_USCC, NOT_FOUND, CONFLICT and
// FORBIDDEN).
const (
	// CodeBadState refuses a handling step the lead's status does not allow.
	CodeBadState = "LEAD_BAD_STATE"
	// CodeClusterBadState refuses accepting or dismissing a cluster that was already decided.
	CodeClusterBadState = "LEAD_CLUSTER_BAD_STATE"
	// CodeImportRejected says a CSV file had bad rows and nothing was imported; the report
	// lists every bad row.
	CodeImportRejected = "LEAD_IMPORT_REJECTED"
)

// clockSkew is how far in the future a receipt time may lie (clocks of transferring systems).
const clockSkew = 10 * time.Minute

// LeadInput is a lead as received.
type LeadInput struct {
	Source       lead.Source // COMPLAINT, TRANSFER or MONITORING
	ReferenceNo  string      // e.g. the 12315 complaint number; unique per source when given
	ReceivedAt   time.Time   // zero means now
	Summary      string      // required
	Description  string
	IndustryCode string // GB/T 4754; empty means the target's industry
	DivisionCode string // GB/T 2260; empty means the target's, else the department's division
	TargetUSCC   string // optional: 18-character USCC (or legacy 15-digit registration number)
	ItemID       int    // optional: the inspection item concerned
	DepartmentID int    // optional: the handling department (承办部门); the lead is then ASSIGNED
}

// SourceName is the Chinese name of a lead source.
func SourceName(s lead.Source) string {
	switch s {
	case lead.SourceCOMPLAINT:
		return "投诉举报"
	case lead.SourceTRANSFER:
		return "转办交办"
	case lead.SourceMONITORING:
		return "数据监测"
	}
	return string(s)
}

// StatusName is the Chinese name of a lead status.
func StatusName(s lead.Status) string {
	switch s {
	case lead.StatusRECEIVED:
		return "已接收"
	case lead.StatusASSIGNED:
		return "已分派"
	case lead.StatusHANDLING:
		return "处理中"
	case lead.StatusCLOSED:
		return "已办结"
	}
	return string(s)
}

// fieldError is a problem with one input field; CSV import maps the field to its column.
type fieldError struct {
	field string // a LeadInput field name
	value string
	err   *apperr.Error
}

// Field names of LeadInput used in fieldError.
const (
	fSource       = "Source"
	fReferenceNo  = "ReferenceNo"
	fReceivedAt   = "ReceivedAt"
	fSummary      = "Summary"
	fIndustryCode = "IndustryCode"
	fDivisionCode = "DivisionCode"
	fTargetUSCC   = "TargetUSCC"
	fItemID       = "ItemID"
	fDepartmentID = "DepartmentID"
)

// prepared is a validated lead, ready to create.
type prepared struct {
	in       LeadInput
	targetID int
}

// prepare normalises and validates in against the database. It reports every problem, so a CSV
// row gets all of its errors at once.
func prepare(ctx context.Context, client *ent.Client, in LeadInput, now time.Time) (*prepared, []fieldError) {
	var errs []fieldError
	fail := func(field, value string, err *apperr.Error) { errs = append(errs, fieldError{field, value, err}) }
	p := &prepared{}

	if err := lead.SourceValidator(in.Source); err != nil {
		fail(fSource, string(in.Source), apperr.New(apperr.Invalid, "线索来源应为投诉举报、转办交办或数据监测"))
	}
	in.Summary = strings.TrimSpace(in.Summary)
	if in.Summary == "" {
		fail(fSummary, "", apperr.New(apperr.Invalid, "线索摘要不能为空"))
	}
	in.Description = strings.TrimSpace(in.Description)
	if in.ReceivedAt.IsZero() {
		in.ReceivedAt = now
	} else if in.ReceivedAt.After(now.Add(clockSkew)) {
		fail(fReceivedAt, in.ReceivedAt.In(clock.CST).Format("2006-01-02 15:04"), apperr.New(apperr.Invalid, "接收时间不能晚于当前时间"))
	}
	var ok bool
	if in.IndustryCode, ok = normalizeIndustry(in.IndustryCode); !ok {
		fail(fIndustryCode, in.IndustryCode, apperr.New(apperr.Invalid, "行业代码应为 GB/T 4754 的门类字母或 2–4 位数字，如“C1391”或“1391”"))
	}
	if in.DivisionCode, ok = normalizeDivision(in.DivisionCode); !ok {
		fail(fDivisionCode, in.DivisionCode, apperr.New(apperr.Invalid, "行政区划代码应为 6 位数字（GB/T 2260）"))
	}
	in.ReferenceNo = strings.TrimSpace(in.ReferenceNo)
	if in.ReferenceNo != "" && in.Source != "" {
		dup, err := client.Lead.Query().Where(lead.SourceEQ(in.Source), lead.ReferenceNo(in.ReferenceNo)).First(ctx)
		switch {
		case err == nil:
			fail(fReferenceNo, in.ReferenceNo, apperr.New(apperr.Conflict, "来源编号为“%s”的%s线索已于 %s 接收，不能重复登记",
				in.ReferenceNo, SourceName(in.Source), dup.ReceivedAt.In(clock.CST).Format("2006-01-02")))
		case !ent.IsNotFound(err):
			fail(fReferenceNo, in.ReferenceNo, apperr.From(err))
		}
	}

	var tgt *ent.Target
	if code := strings.ToUpper(strings.Join(strings.Fields(in.TargetUSCC), "")); code != "" {
		in.TargetUSCC = code
		var pred func(string) predicate.Target
		var label string
		var verr error
		if len(code) == 15 {
			// Older enterprises still carry only the 15-digit registration number (注册号).
			verr, label = uscc.ValidateRegNo(code), "注册号"
			pred = target.RegNo
		} else {
			verr, label = uscc.Validate(code), "统一社会信用代码"
			pred = target.Uscc
		}
		if verr != nil {
			fail(fTargetUSCC, code, apperr.From(verr))
		} else {
			t, err := client.Target.Query().Where(pred(code)).Only(ctx)
			switch {
			case ent.IsNotFound(err):
				fail(fTargetUSCC, code, apperr.New(apperr.NotFound, "检查对象名录库中没有%s为“%s”的对象；对象不在名录库中时请不填写", label, code))
			case err != nil:
				fail(fTargetUSCC, code, apperr.From(err))
			default:
				tgt, p.targetID = t, t.ID
			}
		}
	}
	var item *ent.InspectionItem
	if in.ItemID != 0 {
		it, err := client.InspectionItem.Get(ctx, in.ItemID)
		switch {
		case ent.IsNotFound(err):
			fail(fItemID, fmt.Sprint(in.ItemID), apperr.New(apperr.NotFound, "抽查事项（编号 %d）不存在", in.ItemID))
		case err != nil:
			fail(fItemID, fmt.Sprint(in.ItemID), apperr.From(err))
		default:
			item = it
		}
	}
	var dep *ent.Department
	if in.DepartmentID != 0 {
		d, err := client.Department.Get(ctx, in.DepartmentID)
		switch {
		case ent.IsNotFound(err):
			fail(fDepartmentID, fmt.Sprint(in.DepartmentID), apperr.New(apperr.NotFound, "承办部门（编号 %d）不存在", in.DepartmentID))
		case err != nil:
			fail(fDepartmentID, fmt.Sprint(in.DepartmentID), apperr.From(err))
		default:
			dep = d
		}
	}
	// A lead about a known enterprise falls in its industry and area unless told otherwise.
	if tgt != nil && in.IndustryCode == "" {
		in.IndustryCode = tgt.IndustryCode
	}
	if in.DivisionCode == "" {
		switch {
		case tgt != nil:
			in.DivisionCode = tgt.DivisionCode
		case dep != nil:
			in.DivisionCode = dep.DivisionCode
		case item != nil:
			in.DivisionCode = item.DivisionCode
		}
	}
	p.in = in
	return p, errs
}

// create writes a prepared lead.
func (p *prepared) create(ctx context.Context, tx *ent.Tx) (*ent.Lead, error) {
	in := p.in
	c := tx.Lead.Create().SetSource(in.Source).SetReceivedAt(in.ReceivedAt).SetSummary(in.Summary).
		SetReferenceNo(in.ReferenceNo).SetDescription(in.Description).SetIndustryCode(in.IndustryCode)
	if in.DivisionCode != "" {
		c.SetDivisionCode(in.DivisionCode)
	}
	if p.targetID != 0 {
		c.SetTargetID(p.targetID)
	}
	if in.ItemID != 0 {
		c.SetItemID(in.ItemID)
	}
	if in.DepartmentID != 0 {
		// A lead received with its handling department is assigned from the start.
		c.SetDepartmentID(in.DepartmentID).SetStatus(lead.StatusASSIGNED)
	}
	return c.Save(ctx)
}

// Receive records one lead and, in the same transaction, looks for clusters of leads, so that the
// office is offered a special inspection as soon as a threshold is reached.
func Receive(ctx context.Context, client *ent.Client, in LeadInput) (*ent.Lead, error) {
	owner := in.DepartmentID
	if owner == 0 {
		owner = viewer.FromContext(ctx).DepartmentID
	}
	ctx, err := authz.Require(ctx, authz.ReceiveLeads, owner)
	if err != nil {
		return nil, err
	}
	var out *ent.Lead
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		now := clock.Now(ctx)
		p, errs := prepare(ctx, tx.Client(), in, now)
		if len(errs) > 0 {
			return errs[0].err
		}
		var err error
		if out, err = p.create(ctx, tx); err != nil {
			return err
		}
		_, err = detect(ctx, tx, now)
		return err
	})
	if err != nil {
		return nil, apperr.From(err)
	}
	return out, nil
}

// Assign hands a received lead to its handling department (承办部门).
func Assign(ctx context.Context, client *ent.Client, leadID, departmentID int) (*ent.Lead, error) {
	return step(ctx, client, leadID, authz.AssignLeads, lead.StatusASSIGNED, func(tx *ent.Tx, l *ent.Lead, u *ent.LeadUpdateOne) error {
		if departmentID == 0 {
			return apperr.New(apperr.Invalid, "分派线索须指定承办部门")
		}
		if _, err := tx.Department.Get(ctx, departmentID); ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "承办部门（编号 %d）不存在", departmentID)
		} else if err != nil {
			return err
		}
		u.SetDepartmentID(departmentID)
		return nil
	})
}

// StartHandling records that the handling department has started on an assigned lead.
func StartHandling(ctx context.Context, client *ent.Client, leadID int) (*ent.Lead, error) {
	return step(ctx, client, leadID, authz.HandleLeads, lead.StatusHANDLING, nil)
}

// Close closes a lead in handling with its outcome (处理结果).
func Close(ctx context.Context, client *ent.Client, leadID int, outcome string) (*ent.Lead, error) {
	outcome = strings.TrimSpace(outcome)
	return step(ctx, client, leadID, authz.HandleLeads, lead.StatusCLOSED, func(tx *ent.Tx, l *ent.Lead, u *ent.LeadUpdateOne) error {
		if outcome == "" {
			return apperr.New(apperr.Invalid, "办结线索须填写处理结果")
		}
		u.SetOutcome(outcome).SetClosedAt(clock.Now(ctx))
		return nil
	})
}

// from says which status each status is reached from: a lead is handled one step at a time.
var from = map[lead.Status]lead.Status{
	lead.StatusASSIGNED: lead.StatusRECEIVED,
	lead.StatusHANDLING: lead.StatusASSIGNED,
	lead.StatusCLOSED:   lead.StatusHANDLING,
}

// step moves a lead to status want for a viewer allowed act (authz.Rules; the lead belongs to
// its handling department), refusing the move unless the lead is in the status want is
// reached from; fill adds the step's own fields.
func step(ctx context.Context, client *ent.Client, leadID int, act authz.Action, want lead.Status, fill func(*ent.Tx, *ent.Lead, *ent.LeadUpdateOne) error) (*ent.Lead, error) {
	var out *ent.Lead
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		l, err := tx.Lead.Get(ctx, leadID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "线索（编号 %d）不存在", leadID)
		} else if err != nil {
			return err
		}
		owner := 0
		if l.DepartmentID != nil {
			owner = *l.DepartmentID
		}
		if ctx, err = authz.Require(ctx, act, owner); err != nil {
			return err
		}
		if l.Status != from[want] {
			return apperr.New(CodeBadState, "线索当前状态为“%s”，不能改为“%s”（只有“%s”的线索可以改为“%s”）",
				StatusName(l.Status), StatusName(want), StatusName(from[want]), StatusName(want))
		}
		u := tx.Lead.UpdateOneID(leadID).SetStatus(want)
		if fill != nil {
			if err := fill(tx, l, u); err != nil {
				return err
			}
		}
		out, err = u.Save(ctx)
		return err
	})
	if err != nil {
		return nil, apperr.From(err)
	}
	return out, nil
}

var (
	industryRe = regexp.MustCompile(`^([A-Z])?([0-9]{2,4})?$`)
	divisionRe = regexp.MustCompile(`^[0-9]{6}$`)
)

// normalizeIndustry reads a GB/T 4754-2017 code ("C", "13", "1391", "C1391") and returns the form
// the target library stores: the digits, or the section letter when only it is given.
func normalizeIndustry(s string) (string, bool) {
	s = strings.ToUpper(strings.Join(strings.Fields(s), ""))
	if s == "" {
		return "", true
	}
	m := industryRe.FindStringSubmatch(s)
	if m == nil || (m[1] != "" && m[1] > "T") {
		return s, false
	}
	if m[2] != "" {
		return m[2], true
	}
	return m[1], true
}

// normalizeDivision checks a GB/T 2260 division code (6 digits).
func normalizeDivision(s string) (string, bool) {
	s = strings.Join(strings.Fields(s), "")
	if s == "" {
		return "", true
	}
	if len(s) == 12 && strings.HasSuffix(s, "000000") {
		s = s[:6] // the 12-digit statistical form of a county code
	}
	return s, divisionRe.MatchString(s)
}
