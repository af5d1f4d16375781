package importer

import (
	"fmt"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/fieldlimit"
	"github.com/ssgk/ssgk/internal/uscc"
)

// TargetRecord is one validated row of a target file (检查对象名录), named after the fields of
// ent's Target. Enum fields hold the ent values (ENTERPRISE, EXISTING, B, …).
type TargetRecord struct {
	USCC       *string
	RegNo      *string
	ObjectCode *string

	Kind                string
	Name                string
	LegalRepresentative string
	LegalRepPhone       string
	Address             string
	DivisionCode        string // "" when not given: the caller applies its default
	IndustryCode        string
	RegisteredOn        *time.Time
	Status              string
	CreditRiskClass     string
	AbnormalList        bool
	Licences            []string
	Tags                []string
	ContactPerson       string
	ContactPhone        string
}

// Target kinds (ent target.Kind values) with their Chinese labels.
var targetKinds = []enumLabel{
	{"ENTERPRISE", "企业"}, {"INDIVIDUAL", "个体工商户"}, {"COOPERATIVE", "农民专业合作社"},
	{"PRODUCT", "产品"}, {"PROJECT", "项目"}, {"BEHAVIOUR", "行为"},
}

// Registration statuses (ent target.Status values).
var targetStatuses = []enumLabel{
	{"EXISTING", "存续"}, {"CANCELLED", "注销"}, {"REVOKED", "吊销"}, {"MOVED_OUT", "迁出"},
}

// Credit-risk classes: A 低, B 一般, C 较高, D 高.
var creditClasses = []enumLabel{{"A", "低"}, {"B", "一般"}, {"C", "较高"}, {"D", "高"}}

type enumLabel struct{ Value, Label string }

func labelOf(list []enumLabel, v string) string {
	for _, e := range list {
		if e.Value == v {
			return e.Label
		}
	}
	return v
}

func isEnum(list []enumLabel, v string) bool {
	for _, e := range list {
		if e.Value == v {
			return true
		}
	}
	return false
}

// parseTargetKind reads 对象类型, also as a registry's entity type ("有限责任公司（自然人投资或控股）").
func parseTargetKind(s string) string {
	u := strings.ToUpper(compact(foldASCII(s)))
	if isEnum(targetKinds, u) {
		return u
	}
	switch {
	case strings.Contains(u, "个体"):
		return "INDIVIDUAL"
	case strings.Contains(u, "合作社"):
		return "COOPERATIVE"
	case strings.Contains(u, "企业"), strings.Contains(u, "公司"), strings.Contains(u, "分支机构"):
		return "ENTERPRISE"
	case u == "产品":
		return "PRODUCT"
	case u == "项目":
		return "PROJECT"
	case u == "行为":
		return "BEHAVIOUR"
	}
	return ""
}

// kindFromUSCC infers the target kind from a USCC issued by a market regulator (first character
// 9): the second character is 1 enterprise, 2 individual business, 3 cooperative (GB 32100).
func kindFromUSCC(code string) string {
	if len(code) == 18 && code[0] == '9' {
		switch code[1] {
		case '1':
			return "ENTERPRISE"
		case '2':
			return "INDIVIDUAL"
		case '3':
			return "COOPERATIVE"
		}
	}
	return ""
}

// parseStatus reads 登记状态 as registries write it ("存续（在营、开业、在册）", "吊销，未注销").
func parseStatus(s string) string {
	u := strings.ToUpper(compact(foldASCII(s)))
	if isEnum(targetStatuses, u) {
		return u
	}
	switch {
	case strings.Contains(u, "吊销"): // before 注销: "吊销，未注销" is revoked
		return "REVOKED"
	case strings.Contains(u, "注销"):
		return "CANCELLED"
	case strings.Contains(u, "迁出"):
		return "MOVED_OUT"
	}
	for _, w := range []string{"存续", "在业", "开业", "在营", "在册", "正常"} {
		if strings.HasPrefix(u, w) {
			return "EXISTING"
		}
	}
	return ""
}

// parseCreditClass reads A/B/C/D ("A类", "A级") or 低/一般/较高/高 ("高风险").
func parseCreditClass(s string) string {
	u := strings.ToUpper(compact(foldASCII(s)))
	u = strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(u, "类"), "级"), "风险")
	for _, c := range creditClasses {
		if u == c.Value || u == c.Label {
			return c.Value
		}
	}
	return ""
}

func (c *rowCtx) target() *TargetRecord {
	rec := &TargetRecord{Licences: []string{}, Tags: []string{}}

	// Identifiers (GB 32100 USCC; legacy 15-digit registration number; object code).
	var regFromUSCC string
	if v := c.code(tUSCC); v != "" {
		switch {
		case len(v) == 15 && allDigits(v):
			regFromUSCC = v // an old entity's registration number, written in the USCC column
		case !isASCII(v):
			c.fail(tUSCC, v, "统一社会信用代码含有非法字符：只能由数字和大写字母组成（不含 I、O、S、V、Z）")
		default:
			if err := uscc.Validate(v); err != nil {
				c.fail(tUSCC, v, identifierReason(err, "统一社会信用代码"))
			} else {
				rec.USCC = &v
				c.unique(tUSCC, "uscc", "统一社会信用代码", v, v)
			}
		}
	}
	reg := c.code(tRegNo)
	regCol := tRegNo
	if regFromUSCC != "" {
		switch {
		case reg == "":
			reg, regCol = regFromUSCC, tUSCC
		case reg != regFromUSCC:
			c.fail(tUSCC, regFromUSCC, "统一社会信用代码列填写的是 15 位注册号，且与注册号列不一致")
		}
	}
	if reg != "" {
		if err := uscc.ValidateRegNo(reg); err != nil {
			c.fail(regCol, reg, identifierReason(err, "注册号"))
		} else {
			rec.RegNo = &reg
			c.unique(regCol, "reg_no", "注册号", reg, reg)
		}
	}
	if v := c.maxLen(tObjectCode, compact(foldASCII(c.text(tObjectCode))), 64); v != "" {
		rec.ObjectCode = &v
		c.unique(tObjectCode, "object_code", "对象编码", v, v)
	}

	rec.Name = c.maxLen(tName, c.required(tName), fieldlimit.TargetName)

	// Kind: as written, else inferred from the USCC.
	if v := c.text(tKind); v != "" {
		if rec.Kind = parseTargetKind(v); rec.Kind == "" {
			c.fail(tKind, v, "对象类型无法识别：应为企业、个体工商户、农民专业合作社、产品、项目或行为")
		}
	} else if rec.USCC != nil {
		rec.Kind = kindFromUSCC(*rec.USCC)
		if rec.Kind == "" {
			rec.Kind = "ENTERPRISE"
		}
	} else if rec.RegNo != nil {
		rec.Kind = "ENTERPRISE"
	} else if rec.ObjectCode != nil {
		c.fail(tKind, "", "对象类型不能为空：没有统一社会信用代码的对象须注明类型（产品、项目或行为）")
	}
	hasEntityID := rec.USCC != nil || rec.RegNo != nil || c.failed(tUSCC) || c.failed(tRegNo)
	switch rec.Kind {
	case "ENTERPRISE", "INDIVIDUAL", "COOPERATIVE":
		if !hasEntityID {
			c.fail(tUSCC, "", fmt.Sprintf("%s须填写统一社会信用代码或注册号", labelOf(targetKinds, rec.Kind)))
		}
	case "PRODUCT", "PROJECT", "BEHAVIOUR":
		if rec.ObjectCode == nil && !c.failed(tObjectCode) {
			c.fail(tObjectCode, "", fmt.Sprintf("%s类检查对象须填写对象编码", labelOf(targetKinds, rec.Kind)))
		}
	case "":
		if !hasEntityID && rec.ObjectCode == nil && !c.failed(tObjectCode) && !c.failed(tKind) {
			c.fail(tUSCC, "", "统一社会信用代码、注册号、对象编码至少填写一项")
		}
	}

	rec.LegalRepresentative = personName(c.text(tLegalRep))
	rec.LegalRepPhone = c.phone(tLegalRepPhone)
	rec.Address = c.text(tAddress)
	if v := c.text(tDivision); v != "" {
		d, reason := c.r.divisions.check(v)
		if reason != "" {
			c.fail(tDivision, v, reason)
		}
		rec.DivisionCode = d
	}
	if v := c.text(tIndustry); v != "" {
		code, reason := checkIndustryCell(v)
		if reason != "" {
			c.fail(tIndustry, v, reason)
		}
		rec.IndustryCode = code
	}
	if rec.RegisteredOn = c.date(tRegisteredOn); rec.RegisteredOn != nil && rec.RegisteredOn.After(c.r.today) {
		c.fail(tRegisteredOn, formatDate(rec.RegisteredOn), "成立日期不能晚于今天")
	}
	rec.Status = "EXISTING"
	if v := c.text(tStatus); v != "" {
		if rec.Status = parseStatus(v); rec.Status == "" {
			c.fail(tStatus, v, "登记状态无法识别：应为存续（在业、开业）、注销、吊销或迁出")
		}
	}
	rec.CreditRiskClass = "B"
	if v := c.text(tCreditRisk); v != "" {
		if rec.CreditRiskClass = parseCreditClass(v); rec.CreditRiskClass == "" {
			c.fail(tCreditRisk, v, fmt.Sprintf("信用风险分类“%s”无效：应为 A、B、C、D 或 低、一般、较高、高", v))
		}
	}
	rec.AbnormalList = c.boolean(tAbnormal, false, []string{"已列入", "列入", "在列"}, []string{"未列入", "已移出", "移出", "不在列"})
	rec.Licences = splitList(c.text(tLicences), licenceSeps)
	rec.Tags = splitList(c.text(tTags), tagSeps)
	rec.ContactPerson = personName(c.text(tContactPerson))
	rec.ContactPhone = c.phone(tContactPhone)
	return rec
}

// identifierReason words an internal/uscc error for the report, naming the identifier once.
func identifierReason(err error, name string) string {
	reason := err.Error()
	if e, ok := err.(*uscc.Error); ok {
		reason = e.Reason
	}
	if strings.Contains(reason, name) {
		return reason
	}
	return name + reason
}

// TargetCells formats a record in the column order of Columns(KindTargets), as the exporter
// writes it and Open reads it back.
func TargetCells(t *TargetRecord) []string {
	return []string{
		deref(t.USCC), deref(t.RegNo), deref(t.ObjectCode), t.Name, labelOf(targetKinds, t.Kind),
		t.LegalRepresentative, t.LegalRepPhone, t.Address, t.DivisionCode, t.IndustryCode,
		formatDate(t.RegisteredOn), labelOf(targetStatuses, t.Status), t.CreditRiskClass, yesNo(t.AbnormalList),
		strings.Join(t.Licences, listJoin), strings.Join(t.Tags, listJoin), t.ContactPerson, t.ContactPhone,
	}
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}
