package importer

import (
	"fmt"
	"strings"
	"unicode"
)

// column describes one column of an import file: the record field it fills, the canonical
// Chinese header (used by the exporters and in messages) and the header synonyms offices use.
// README.md shows the same table in Chinese; TestREADME_SynonymTableUpToDate keeps them in step.
type column struct {
	Field    string   // ent field name (or "ratio"/"methods" for items), used as Mapping key
	Name     string   // canonical header
	Synonyms []string // other headers accepted for this column
	Required bool     // the column must be present
	Note     string   // accepted values, for README.md
}

// Target columns. The index constants follow the order of targetColumns.
const (
	tUSCC = iota
	tRegNo
	tObjectCode
	tName
	tKind
	tLegalRep
	tLegalRepPhone
	tAddress
	tDivision
	tIndustry
	tRegisteredOn
	tStatus
	tCreditRisk
	tAbnormal
	tLicences
	tTags
	tContactPerson
	tContactPhone
	targetFieldCount
)

var targetColumns = [targetFieldCount]column{
	tUSCC: {Field: "uscc", Name: "统一社会信用代码",
		Synonyms: []string{"社会信用代码", "信用代码", "USCC", "统一代码", "统一信用代码", "统一社会信用代码证号", "社会统一信用代码"},
		Note:     "18 位，校验位按 GB 32100 检查；填写 15 位数字时视为注册号"},
	tRegNo: {Field: "reg_no", Name: "注册号",
		Synonyms: []string{"工商注册号", "营业执照注册号", "注册号码", "营业执照号", "营业执照号码", "旧注册号", "原注册号"},
		Note:     "旧 15 位注册号，校验位按 GB/T 17710 检查"},
	tObjectCode: {Field: "object_code", Name: "对象编码",
		Synonyms: []string{"对象代码", "检查对象编码", "产品编码", "项目编码"},
		Note:     "产品、项目、行为等无统一社会信用代码的对象必填"},
	tName: {Field: "name", Name: "企业名称", Required: true,
		Synonyms: []string{"名称", "单位名称", "主体名称", "市场主体名称", "对象名称", "检查对象名称", "企业（单位）名称", "企业名", "单位名", "商户名称", "个体户名称", "经营者名称", "字号名称", "被检查单位", "被检查单位名称", "检查对象"},
		Note:     "必填，不超过 200 字"},
	tKind: {Field: "kind", Name: "对象类型",
		Synonyms: []string{"主体类型", "市场主体类型", "企业类型", "检查对象类型", "类型", "主体类别", "市场主体类别", "对象类别", "企业类别"},
		Note:     "企业、个体工商户、农民专业合作社、产品、项目、行为；为空时按统一社会信用代码第 2 位推断"},
	tLegalRep: {Field: "legal_representative", Name: "法定代表人",
		Synonyms: []string{"负责人", "经营者", "法定代表人（负责人）", "法定代表人（负责人、经营者）", "法定代表人/负责人", "法人代表", "法人", "法定代表人姓名", "负责人姓名", "经营者姓名", "法定代表人或负责人", "投资人"}},
	tLegalRepPhone: {Field: "legal_rep_phone", Name: "法定代表人电话",
		Synonyms: []string{"法定代表人联系电话", "法定代表人手机", "负责人电话", "负责人联系电话", "经营者电话", "法人电话", "法人联系电话", "法定代表人手机号", "负责人手机", "经营者联系电话", "法人手机"},
		Note:     "手机或固定电话，多个号码用“/”或“、”分隔"},
	tAddress: {Field: "address", Name: "住所",
		Synonyms: []string{"经营场所", "地址", "住所（经营场所）", "住所/经营场所", "注册地址", "经营地址", "详细地址", "住所地址", "经营场所地址", "生产经营地址", "生产经营场所", "单位地址", "企业地址", "住址"}},
	tDivision: {Field: "division_code", Name: "行政区划代码",
		Synonyms: []string{"行政区划", "区划代码", "所属区划", "所属区域", "区域", "所在区域", "所属乡镇", "乡镇", "所在乡镇", "乡镇街道", "所属乡镇街道", "乡镇（街道）", "所属乡镇（街道）", "所在乡镇（街道）", "辖区", "所属辖区", "行政区划名称", "区划"},
		Note:     "GB/T 2260，6 位数字；为空时由入库方取默认值"},
	tIndustry: {Field: "industry_code", Name: "行业代码",
		Synonyms: []string{"行业", "国民经济行业分类", "国民经济行业分类代码", "行业门类代码", "行业分类", "所属行业", "行业类别", "行业名称", "行业门类", "行业大类", "所属行业类别", "国民经济行业", "国民经济行业类别", "行业分类代码", "经营行业"},
		Note:     "GB/T 4754-2017：C1391、1391、C13、13 或门类字母 C，可带名称（如“1391 淀粉及淀粉制品制造”）；保存为数字代码，仅有门类时保存字母"},
	tRegisteredOn: {Field: "registered_on", Name: "成立日期",
		Synonyms: []string{"登记日期", "注册日期", "成立时间", "设立日期", "登记时间", "注册时间", "开业日期", "成立（登记）日期"},
		Note:     "写法见下文“取值规则”；不得晚于今天"},
	tStatus: {Field: "status", Name: "登记状态",
		Synonyms: []string{"经营状态", "企业状态", "状态", "存续状态", "登记状况", "主体状态"},
		Note:     "存续（在业、开业、在营）、注销、吊销、迁出；为空时为存续"},
	tCreditRisk: {Field: "credit_risk_class", Name: "信用风险分类",
		Synonyms: []string{"风险等级", "信用风险等级", "信用风险分类结果", "风险分类", "信用风险类别", "信用风险分类等级", "风险类别", "信用风险"},
		Note:     "A/B/C/D（可写“A类”）或 低/一般/较高/高（可写“低风险”）；为空时为 B"},
	tAbnormal: {Field: "abnormal_list", Name: "经营异常名录",
		Synonyms: []string{"是否列入经营异常名录", "列入经营异常名录", "经营异常", "异常名录", "是否经营异常", "经营异常状态", "是否列异"},
		Note:     "是/否（也可写 已列入/未列入、Y/N、1/0）；为空时为否"},
	tLicences: {Field: "licences", Name: "许可证",
		Synonyms: []string{"许可证件", "许可证号", "行政许可", "许可信息", "许可证名称", "许可证编号", "许可证名称及编号", "许可证书", "行政许可信息"},
		Note:     "多个许可证用“；”或换行分隔（许可证内容中的“：”“、”不拆分）"},
	tTags: {Field: "tags", Name: "标签",
		Synonyms: []string{"对象标签", "监管标签", "标记", "分类标签"},
		Note:     "多个标签用“；”“、”“，”或换行分隔"},
	tContactPerson: {Field: "contact_person", Name: "联系人",
		Synonyms: []string{"联络员", "企业联系人", "联络人", "企业联络员"}},
	tContactPhone: {Field: "contact_phone", Name: "联系电话",
		Synonyms: []string{"联系人电话", "联系人手机", "联系方式", "电话", "联络员电话", "联系手机", "手机", "手机号", "手机号码", "联系电话号码"},
		Note:     "同“法定代表人电话”"},
}

// Inspector columns.
const (
	pName = iota
	pIDNumber
	pPhone
	pKind
	pCertificateNo
	pCertificateExpiresOn
	pQualifications
	pSpecialties
	pIsExpert
	pActive
	pDepartment
	inspectorFieldCount
)

var inspectorColumns = [inspectorFieldCount]column{
	pName: {Field: "name", Name: "姓名", Required: true,
		Synonyms: []string{"人员姓名", "执法人员姓名", "检查人员姓名", "执法人员", "检查人员", "名字"},
		Note:     "必填，不超过 50 字"},
	pIDNumber: {Field: "id_number", Name: "身份证号",
		Synonyms: []string{"公民身份号码", "身份证号码", "身份证", "证件号码", "公民身份证号", "公民身份证号码", "身份号码", "身份证件号码"},
		Note:     "18 位，校验位按 GB 11643 检查；报告中遮蔽显示"},
	pPhone: {Field: "phone", Name: "联系电话",
		Synonyms: []string{"手机", "手机号", "手机号码", "电话", "联系方式", "办公电话", "联系手机"}},
	pKind: {Field: "kind", Name: "人员类别",
		Synonyms: []string{"类别", "人员类型", "执法人员类别", "人员性质", "身份类别", "人员身份", "执法人员类型"},
		Note:     "行政执法类公务员、具有执法资格的工作人员、日常监管人员、综合执法队伍人员；为空时为行政执法类公务员"},
	pCertificateNo: {Field: "certificate_no", Name: "执法证号",
		Synonyms: []string{"执法证件号", "执法证编号", "执法证件号码", "执法证件编号", "行政执法证号", "执法证", "执法证号码", "行政执法证件号", "行政执法证件号码", "行政执法证编号", "证号"},
		Note:     "与身份证号至少填写一项；同一文件内不得重复"},
	pCertificateExpiresOn: {Field: "certificate_expires_on", Name: "有效期至",
		Synonyms: []string{"执法证有效期", "证件有效期", "执法证有效期至", "有效期", "证件有效期至", "有效期限", "证件有效期限", "执法证有效期限", "有效期截止日期", "证件到期日期", "到期日期"},
		Note:     "写法见下文“取值规则”；也可写“2021-01-01至2026-12-31”（取后一日期）；已过期的可以导入，但给出提示"},
	pQualifications: {Field: "qualifications", Name: "执法资格",
		Synonyms: []string{"执法领域", "资格", "执法资格领域", "执法类别", "执法门类", "执法种类", "资格类别", "执法资格类别"},
		Note:     "多项用“；”“、”“，”“/”或换行分隔"},
	pSpecialties: {Field: "specialties", Name: "业务专长",
		Synonyms: []string{"专长", "专业领域", "专业", "擅长领域", "业务特长", "专业特长", "特长"},
		Note:     "同“执法资格”"},
	pIsExpert: {Field: "is_expert", Name: "是否专家",
		Synonyms: []string{"专家", "是否为专家", "专家类别"},
		Note:     "是/否；为空时为否"},
	pActive: {Field: "active", Name: "是否在岗",
		Synonyms: []string{"在岗", "状态", "在岗状态", "人员状态", "是否有效", "在职状态"},
		Note:     "是/否，或 在岗/离岗/调离/退休/停用；为空时为在岗"},
	pDepartment: {Field: "department", Name: "所属部门",
		Synonyms: []string{"部门", "所在部门", "部门名称", "所属单位", "所在单位", "工作单位", "单位", "执法部门", "所属执法部门", "单位名称"},
		Note:     "部门全称、简称或编码（如“宁阳县卫生健康局”“县卫健局”“WJ”）；为空时为导入部门。联席会议办公室可一次导入各部门的人员，其他部门只能导入本部门的人员"},
}

// Item columns.
const (
	iCode = iota
	iName
	iCategory
	iLegalBasis
	iResponsibleBody
	iTargetType
	iContent
	iMethods
	iRatio
	iFrequency
	iInspectorRequirements
	iRequiredQualifications
	itemFieldCount
)

var itemColumns = [itemFieldCount]column{
	iCode: {Field: "code", Name: "事项编码", Required: true,
		Synonyms: []string{"抽查事项编码", "事项代码", "编码", "检查事项编码", "抽查事项代码"},
		Note:     "必填，不超过 40 字；同一文件内不得重复"},
	iName: {Field: "name", Name: "事项名称", Required: true,
		Synonyms: []string{"抽查事项", "抽查事项名称", "检查事项", "检查事项名称", "事项"}},
	iCategory: {Field: "category", Name: "事项类别", Required: true,
		Synonyms: []string{"事项类型", "抽查事项类别", "检查事项类别", "类别", "抽查类别", "事项分类"},
		Note:     "重点检查事项（重点）、一般检查事项（一般）"},
	iLegalBasis: {Field: "legal_basis", Name: "检查依据", Required: true,
		Synonyms: []string{"抽查依据", "依据", "法律依据", "检查依据（法律依据）", "法律法规依据", "设定依据"}},
	iResponsibleBody: {Field: "responsible_body", Name: "检查主体", Required: true,
		Synonyms: []string{"抽查主体", "实施主体", "主体", "检查实施主体", "实施部门", "实施机关"}},
	iTargetType: {Field: "target_type", Name: "检查对象", Required: true,
		Synonyms: []string{"抽查对象", "对象", "检查对象类型", "检查对象范围", "抽查对象范围"}},
	iContent: {Field: "content", Name: "检查内容", Required: true,
		Synonyms: []string{"抽查内容", "内容", "检查要点", "检查内容及要点", "抽查内容及要点"}},
	iMethods: {Field: "methods", Name: "检查方式", Required: true,
		Synonyms: []string{"抽查方式", "方式", "检查方法", "抽查方法", "检查方式方法"},
		Note:     "实地核查（现场检查）、书面检查、网络监测、检验检测（抽样检测）、采信（委托专业机构）；多项用“、”“，”“；”“/”分隔"},
	iRatio: {Field: "ratio", Name: "抽查比例", Required: true,
		Synonyms: []string{"比例", "检查比例", "抽查比例（%）", "抽取比例"},
		Note:     "写法见下文“取值规则”；一般检查事项必须有上限"},
	iFrequency: {Field: "frequency", Name: "抽查频次", Required: true,
		Synonyms: []string{"频次", "检查频次", "抽查频率", "检查频率", "频率"},
		Note:     "文字，如“每年不少于1次”"},
	iInspectorRequirements: {Field: "inspector_requirements", Name: "人员要求",
		Synonyms: []string{"检查人员要求", "执法人员要求", "人员配备要求"}},
	iRequiredQualifications: {Field: "required_qualifications", Name: "执法资格要求",
		Synonyms: []string{"资格要求", "检查人员资格要求", "执法人员资格要求"},
		Note:     "同“执法资格”"},
}

// Columns that are recognised but not imported, with the reason the column report gives. A
// column is either mapped to a field or listed as ignored with its reason: none is dropped
// without a word.
var (
	// ignoredHeaders carry nothing to import in any file.
	ignoredHeaders = []string{"序号", "编号", "行号", "备注", "说明", "备注说明", "其他"}
	// unstoredHeaders name facts the hub does not keep, per kind.
	unstoredHeaders = map[Kind][]string{
		KindTargets: {"注册资本", "注册资金", "经营范围", "从业人数", "从业人员", "邮编", "邮政编码", "登记机关", "核准日期",
			"营业期限", "营业期限自", "营业期限至", "纳税人识别号", "所属部门", "监管部门", "主管部门", "行业主管部门", "日常监管部门"},
		KindInspectors: {"性别", "民族", "出生日期", "出生年月", "年龄", "职务", "职级", "职称", "政治面貌", "学历", "文化程度",
			"籍贯", "照片", "参加工作时间", "编制性质", "编制类型"},
		KindItems: {"抽查程序", "检查程序", "处理方式", "公示要求"},
	}
)

// Reasons of the column report for columns that are not imported.
const (
	reasonIgnoredHeader = "序号、备注等说明性列，不导入"
	reasonUnstored      = "系统不保存此项，不导入"
	reasonUnknown       = "未识别的列名，不导入（如属于某一字段，请改用 internal/importer/README.md 中的列名）"
)

// targetDepartmentReason explains why a department column of a target file is not imported.
const targetDepartmentReason = "检查对象加入导入时指定部门的分库，文件中的部门列不导入"

// columnsOf returns the column table of a kind.
func columnsOf(k Kind) []column {
	switch k {
	case KindTargets:
		return targetColumns[:]
	case KindInspectors:
		return inspectorColumns[:]
	case KindItems:
		return itemColumns[:]
	}
	return nil
}

// identifierGroup lists the columns of which at least one must be present, per kind.
func identifierGroup(k Kind) []int {
	switch k {
	case KindTargets:
		return []int{tUSCC, tRegNo, tObjectCode}
	case KindInspectors:
		return []int{pCertificateNo, pIDNumber}
	}
	return nil
}

// Columns returns the canonical headers of a kind in export order. An exported file uses exactly
// these headers.
func Columns(k Kind) []string {
	cols := columnsOf(k)
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = c.Name
	}
	return out
}

// headerIndex maps normalised header text to a column index, per kind.
var headerIndex = map[Kind]map[string]int{}

func init() {
	for _, k := range Kinds() {
		idx := map[string]int{}
		for i, c := range columnsOf(k) {
			for _, h := range append([]string{c.Name}, c.Synonyms...) {
				n := normHeader(h)
				if j, dup := idx[n]; dup && j != i {
					panic("importer: header synonym " + h + " used twice in " + string(k))
				}
				idx[n] = i
			}
		}
		headerIndex[k] = idx
	}
}

// headerMatch is what a header cell names: a column (Index ≥ 0), or nothing, with the reason.
type headerMatch struct {
	Index  int
	Note   string // how an alternative header was read, e.g. "“统一社会信用代码/注册号”按统一社会信用代码列读取"
	Reason string // why a header that names no column is not imported
}

// lookupHeader returns the column index a header cell names, or -1.
func lookupHeader(k Kind, cell string) int { return matchHeader(k, cell).Index }

// matchHeader reads a header cell: as written; then without a trailing parenthetical remark
// ("成立日期（格式：2026-01-05）"); then as alternatives joined by "/", "或", "、" or brackets
// ("统一社会信用代码/注册号", "统一社会信用代码（注册号）", "法定代表人或负责人"). Alternatives that
// all name one column name it; a USCC and a registration number name the USCC column, which
// reads a 15-digit registration number as one. Alternatives naming different columns name
// none: the column is reported as ignored, with the reason.
func matchHeader(k Kind, cell string) headerMatch {
	n := normHeader(cell)
	if n == "" {
		return headerMatch{Index: -1}
	}
	idx := headerIndex[k]
	if i, ok := idx[n]; ok {
		return headerMatch{Index: i}
	}
	if strings.HasSuffix(n, ")") {
		if open := strings.LastIndexByte(n, '('); open > 0 {
			if i, ok := idx[n[:open]]; ok {
				return headerMatch{Index: i}
			}
		}
	}
	parts := strings.FieldsFunc(n, func(r rune) bool { return strings.ContainsRune("/|、()或\\,;", r) })
	if len(parts) > 1 {
		found := map[int]bool{}
		var order []int
		for _, p := range parts {
			if i, ok := idx[p]; ok && !found[i] {
				found[i] = true
				order = append(order, i)
			}
		}
		cols := columnsOf(k)
		switch {
		case len(order) == 1:
			return headerMatch{Index: order[0]}
		case len(order) == 2 && k == KindTargets && found[tUSCC] && found[tRegNo]:
			return headerMatch{Index: tUSCC, Note: "统一社会信用代码与注册号合为一列：18 位按统一社会信用代码、15 位按注册号读取"}
		case len(order) > 1:
			names := make([]string, len(order))
			for j, i := range order {
				names[j] = cols[i].Name
			}
			return headerMatch{Index: -1, Reason: fmt.Sprintf("列名同时指向%s，无法确定对应哪一项，不导入：请拆成两列，或改用其中一个列名", quoteJoin(names, "和"))}
		}
	}
	return headerMatch{Index: -1, Reason: ignoredReason(k, n)}
}

// ignoredReason is why a header naming no column is not imported.
func ignoredReason(k Kind, n string) string {
	base := n
	if open := strings.IndexByte(n, '('); open > 0 {
		base = n[:open]
	}
	for _, h := range ignoredHeaders {
		if n == h || base == h {
			return reasonIgnoredHeader
		}
	}
	for _, h := range unstoredHeaders[k] {
		if n == h || base == h {
			if k == KindTargets && strings.HasSuffix(h, "部门") {
				return targetDepartmentReason
			}
			return reasonUnstored
		}
	}
	return reasonUnknown
}

// normHeader folds a header cell for comparison: full-width ASCII to half-width, no white space
// (nor the ideographic space), no quotation marks, required-field markers ("*", "（必填）")
// removed, every kind of bracket as "(" and ")", ASCII letters in lower case.
func normHeader(s string) string {
	s = foldASCII(s)
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case unicode.IsSpace(r), r == '*', r == '\u200b', r == '\ufeff', r == '\u3000',
			r == '"', r == '\'', r == '“', r == '”', r == '‘', r == '’', r == '《', r == '》', r == '※', r == '★':
			continue
		case r >= 'A' && r <= 'Z':
			b.WriteRune(r + ('a' - 'A'))
		case r == '【' || r == '[' || r == '〔' || r == '﹙' || r == '（' || r == '{':
			b.WriteRune('(')
		case r == '】' || r == ']' || r == '〕' || r == '﹚' || r == '）' || r == '}':
			b.WriteRune(')')
		case r == '／' || r == '╱' || r == '∕':
			b.WriteRune('/')
		case r == '：':
			b.WriteRune(':')
		default:
			b.WriteRune(r)
		}
	}
	n := b.String()
	for _, mark := range []string{"(必填)", "(选填)", "(可选)", "(必须)", "(非必填)", "(必填项)", "(选填项)"} {
		n = strings.ReplaceAll(n, mark, "")
	}
	n = strings.TrimRight(n, ":")
	// "【信用风险等级】": a header wrapped in brackets as a whole.
	if strings.HasPrefix(n, "(") && strings.HasSuffix(n, ")") && strings.Count(n, "(") == 1 {
		n = n[1 : len(n)-1]
	}
	return n
}

// similarity is how alike two normalised headers are, from 0 to 1: twice the length of their
// longest common subsequence of characters over the sum of their lengths, raised to 1 when one
// contains the other.
func similarity(a, b string) float64 {
	x, y := []rune(a), []rune(b)
	if len(x) == 0 || len(y) == 0 {
		return 0
	}
	if strings.Contains(a, b) || strings.Contains(b, a) {
		return 1
	}
	prev := make([]int, len(y)+1)
	cur := make([]int, len(y)+1)
	for i := range x {
		for j := range y {
			switch {
			case x[i] == y[j]:
				cur[j+1] = prev[j] + 1
			case prev[j+1] >= cur[j]:
				cur[j+1] = prev[j+1]
			default:
				cur[j+1] = cur[j]
			}
		}
		prev, cur = cur, prev
	}
	return 2 * float64(prev[len(y)]) / float64(len(x)+len(y))
}

// closestHeader returns, among headers, the one most like any name of column c, and how alike
// (0 when headers is empty).
func closestHeader(c column, headers []string) (string, float64) {
	best, score := "", 0.0
	for _, h := range headers {
		n := normHeader(h)
		for _, name := range append([]string{c.Name}, c.Synonyms...) {
			if s := similarity(n, normHeader(name)); s > score {
				best, score = h, s
			}
		}
	}
	return best, score
}
