package importer

import (
	"fmt"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/fieldlimit"
	"github.com/ssgk/ssgk/internal/uscc"
)

// InspectorRecord is one validated row of an inspector file (执法检查人员名录), named after the
// fields of ent's Inspector. Department is the code of the department the row names (through
// Options.Departments), or "" when the file has no department column or the cell is empty: the
// caller imports into its department. It is not part of the digest.
type InspectorRecord struct {
	Department           string
	Name                 string
	IDNumber             string
	Phone                string
	Kind                 string
	CertificateNo        *string
	CertificateExpiresOn *time.Time
	Qualifications       []string
	Specialties          []string
	IsExpert             bool
	Active               bool
}

// Inspector categories (ent inspector.Kind values).
var inspectorKinds = []enumLabel{
	{"CIVIL_SERVANT", "行政执法类公务员"}, {"QUALIFIED_STAFF", "具有执法资格的工作人员"},
	{"ROUTINE_STAFF", "日常监管人员"}, {"ENFORCEMENT_TEAM", "综合执法队伍人员"},
}

func parseInspectorKind(s string) string {
	u := strings.ToUpper(compact(foldASCII(s)))
	if isEnum(inspectorKinds, u) {
		return u
	}
	switch {
	case strings.Contains(u, "综合执法"), strings.Contains(u, "综合行政执法"):
		return "ENFORCEMENT_TEAM"
	case strings.Contains(u, "日常监管"):
		return "ROUTINE_STAFF"
	case strings.Contains(u, "执法资格"):
		return "QUALIFIED_STAFF"
	case strings.Contains(u, "公务员"):
		return "CIVIL_SERVANT"
	}
	return ""
}

func (c *rowCtx) inspector() *InspectorRecord {
	rec := &InspectorRecord{Qualifications: []string{}, Specialties: []string{}}
	rec.Name = c.maxLen(pName, personName(c.required(pName)), fieldlimit.InspectorName)

	if v := c.code(pIDNumber); v != "" {
		if err := uscc.ValidateIDNumber(v); err != nil {
			c.fail(pIDNumber, uscc.Mask(v), identifierReason(err, "公民身份号码"))
		} else if !validBirthDate(v[6:14], c.r.today) {
			c.fail(pIDNumber, uscc.Mask(v), "公民身份号码中的出生日期无效")
		} else {
			rec.IDNumber = v
			c.unique(pIDNumber, "id_number", "公民身份号码", v, uscc.Mask(v))
		}
	}
	rec.Phone = c.phone(pPhone)

	rec.Kind = "CIVIL_SERVANT"
	if v := c.text(pKind); v != "" {
		if rec.Kind = parseInspectorKind(v); rec.Kind == "" {
			c.fail(pKind, v, "人员类别无法识别：应为行政执法类公务员、具有执法资格的工作人员、日常监管人员或综合执法队伍人员")
		}
	}

	if v := c.maxLen(pCertificateNo, compact(foldASCII(c.text(pCertificateNo))), 64); v != "" {
		rec.CertificateNo = &v
		c.unique(pCertificateNo, "certificate_no", "执法证号", v, v)
	}
	if written := c.text(pCertificateExpiresOn); written != "" {
		// "2021-01-01至2026-12-31": the period of validity; its end is what counts.
		v := written
		if parts := dateRangeR.Split(foldASCII(v), -1); len(parts) == 2 {
			if _, r1 := parseDate(parts[0], false, false); r1 == "" {
				v = parts[1]
			}
		}
		t, reason := parseDate(v, c.r.serial, c.r.date1904)
		if reason != "" {
			c.fail(pCertificateExpiresOn, written, "执法证有效期"+reason)
		} else {
			rec.CertificateExpiresOn = &t
			if t.Before(c.r.today) {
				c.warn(pCertificateExpiresOn, formatDate(&t), fmt.Sprintf(
					"执法证已于 %s 过期：可以导入，但该人员在换证前不能被抽取参加检查", formatDate(&t)))
			}
		}
	}
	if rec.CertificateNo == nil && rec.CertificateExpiresOn != nil && !c.failed(pCertificateNo) {
		c.fail(pCertificateNo, "", "填写了执法证有效期，但执法证号为空")
	}
	if rec.CertificateNo == nil && rec.IDNumber == "" && !c.failed(pCertificateNo) && !c.failed(pIDNumber) {
		col := pCertificateNo
		if c.r.colIdx[pCertificateNo] < 0 {
			col = pIDNumber
		}
		c.fail(col, "", "执法证号和身份证号至少填写一项")
	}

	rec.Qualifications = splitList(c.text(pQualifications), qualSeps)
	rec.Specialties = splitList(c.text(pSpecialties), qualSeps)
	rec.Department = c.department()
	rec.IsExpert = c.boolean(pIsExpert, false, []string{"专家"}, []string{"非专家"})
	rec.Active = c.boolean(pActive, true,
		[]string{"在岗", "正常", "有效", "在职", "启用"},
		[]string{"不在岗", "离岗", "调离", "退休", "停用", "无效", "离职", "禁用"})
	return rec
}

// department reads the department column: the department the row names, which must be the
// importing department unless the import is for all departments.
func (c *rowCtx) department() string {
	v := c.text(pDepartment)
	if v == "" {
		return ""
	}
	t := c.r.depts
	if t == nil {
		return v // no code table (a check without the database): kept as written
	}
	code, ok := t.lookup(v)
	if !ok {
		c.fail(pDepartment, v, fmt.Sprintf("所属部门“%s”不是联席会议成员单位：应填部门全称、简称或编码（%s）", v, t.example))
		return ""
	}
	own := c.r.opts.Department
	if own != "" && code != own && !c.r.opts.AllDepartments {
		c.fail(pDepartment, v, fmt.Sprintf("该人员属于%s，本次导入的是%s的名录：只能导入本部门的人员，未导入（请由%s导入，或由联席会议办公室一次导入各部门人员）",
			t.labelOf(code), t.labelOf(own), t.labelOf(code)))
		return ""
	}
	return code
}

func validBirthDate(yyyymmdd string, today time.Time) bool {
	t, reason := parseDate(yyyymmdd, false, false)
	return reason == "" && !t.After(today)
}

// InspectorCells formats a record in the column order of Columns(KindInspectors).
func InspectorCells(p *InspectorRecord) []string {
	return []string{
		p.Name, p.IDNumber, p.Phone, labelOf(inspectorKinds, p.Kind), deref(p.CertificateNo),
		formatDate(p.CertificateExpiresOn), strings.Join(p.Qualifications, listJoin),
		strings.Join(p.Specialties, listJoin), yesNo(p.IsExpert), yesNo(p.Active), p.Department,
	}
}
