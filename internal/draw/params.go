package draw

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// PPM is parts per million: the unit of every ratio, so that n is exact integer arithmetic with
// no floating-point rounding to disagree about (50000 = 5%, 1000000 = 100%).
const PPM = 1_000_000

// CountMode says how a stratum's n is set.
type CountMode string

// Count modes.
const (
	ModeRatio CountMode = "RATIO" // n = ceil(N × ratioPpm / 1 000 000)
	ModeCount CountMode = "COUNT" // n = min(count, N)
)

// RoundingCeil is the only rounding rule of ssgk-draw/v1: n = ceil(N × ratio). Rounding up
// means a non-empty stratum with a non-zero ratio always yields at least one target, and a
// declared minimum ratio (e.g. "at least 3%" for public-information checks) is never undercut.
const RoundingCeil = "CEIL"

// Category of an inspection item (domain.md §2.1).
type Category string

// Item categories.
const (
	// CategoryKey 重点检查事项: no upper limit on the ratio.
	CategoryKey Category = "KEY"
	// CategoryGeneral 一般检查事项: the ratio must have an upper limit.
	CategoryGeneral Category = "GENERAL"
)

// StratumSpec is the parameter of one stratum: a ratio or a fixed count.
type StratumSpec struct {
	Name     string    `json:"name"`
	Mode     CountMode `json:"mode"`
	RatioPPM int64     `json:"ratioPpm"` // RATIO mode; 0 in COUNT mode
	Count    int64     `json:"count"`    // COUNT mode; 0 in RATIO mode
}

// Item is an inspection item of the task, with the department that contributes it.
type Item struct {
	Code       string   `json:"code"`
	Department string   `json:"department"`
	Category   Category `json:"category"`
	// MaxRatioPPM is a GENERAL item's upper limit on the ratio (required, > 0); 0 for KEY items,
	// which have none.
	MaxRatioPPM int64 `json:"maxRatioPpm"`
	// Qualifications the inspectors of Department must hold to be drawn for this task.
	Qualifications []string `json:"qualifications"`
}

// Window is the inspection window, dates as YYYY-MM-DD, both inclusive.
type Window struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

// ExclusionRules records the exclusion parameters the frame was built with. The hub applies them
// when it freezes the frame (the exclusions are in the frame with their reasons); they are
// committed so that everybody can see which rules produced the exclusions.
type ExclusionRules struct {
	RecentMonths int `json:"recentMonths"` // RECENTLY_INSPECTED: inspected in the last N months (0 = off)
	YearlyCap    int `json:"yearlyCap"`    // YEARLY_CAP: inspections per enterprise per year, all departments (0 = off)
}

// TeamRules are the rules of the inspector draw (docs/draw-algorithm.md §8).
type TeamRules struct {
	// Size is the number of enforcement officers (non-experts) per team: at least 2
	// (行政处罚法 art. 42), and at least the number of departments that must be represented.
	Size int `json:"size"`
	// Experts is how many experts to add to each team if eligible ones exist (optional members,
	// never counted towards Size).
	Experts int `json:"experts"`
	// MaxPerInspector caps how many targets one inspector (expert or not) is assigned in this
	// draw, to balance workload; 0 means no cap.
	MaxPerInspector int `json:"maxPerInspector"`
	// RotationMonths records the rotation window: the rotation history passed to the draw holds
	// the (inspector, target) assignments of the last RotationMonths months (0 = no rotation).
	RotationMonths int `json:"rotationMonths"`
}

// Params are all parameters of a draw; they are committed before the entropy exists.
type Params struct {
	Task         string         `json:"task"` // task number (任务编号)
	Strata       []StratumSpec  `json:"strata"`
	Rounding     string         `json:"rounding"`
	Items        []Item         `json:"items"`
	Initiator    string         `json:"initiator"`    // department code of the initiator (发起部门)
	Participants []string       `json:"participants"` // other participating departments (参与部门)
	Window       Window         `json:"window"`
	Exclusion    ExclusionRules `json:"exclusion"`
	Team         TeamRules      `json:"team"`
}

// DefaultCreditRiskStrata are the default strata by credit-risk class (信用风险分类) with the upper
// ends of one county's ratios (domain.md §2.6: A ≤5%, B 5–20%, C 21–60%, D 61–100%). A task may
// override any of them. Note that a task with GENERAL items caps every ratio at the items' upper
// limit, so D's 100% suits KEY-item tasks only.
func DefaultCreditRiskStrata() []StratumSpec {
	return []StratumSpec{
		{Name: "A", Mode: ModeRatio, RatioPPM: 50_000},
		{Name: "B", Mode: ModeRatio, RatioPPM: 200_000},
		{Name: "C", Mode: ModeRatio, RatioPPM: 600_000},
		{Name: "D", Mode: ModeRatio, RatioPPM: 1_000_000},
	}
}

// Normalize returns the canonical form of p: every list sorted bytewise and free of duplicates,
// the initiator removed from the participants, nil lists made empty, and the defaults filled in
// (rounding CEIL, team size 2). The commitment always holds normalised parameters.
func (p Params) Normalize() Params {
	q := p
	q.Strata = slices.Clone(p.Strata)
	if q.Strata == nil {
		q.Strata = []StratumSpec{}
	}
	slices.SortStableFunc(q.Strata, func(a, b StratumSpec) int { return strings.Compare(a.Name, b.Name) })
	q.Items = slices.Clone(p.Items)
	if q.Items == nil {
		q.Items = []Item{}
	}
	slices.SortStableFunc(q.Items, func(a, b Item) int { return strings.Compare(a.Code, b.Code) })
	for i := range q.Items {
		q.Items[i].Qualifications = sortedSet(q.Items[i].Qualifications)
	}
	q.Participants = sortedSet(slices.DeleteFunc(slices.Clone(p.Participants), func(d string) bool { return d == p.Initiator }))
	if q.Rounding == "" {
		q.Rounding = RoundingCeil
	}
	if q.Team.Size == 0 {
		q.Team.Size = 2 // 行政处罚法 art. 42
	}
	return q
}

func sortedSet(s []string) []string {
	out := slices.Clone(s)
	if out == nil {
		out = []string{}
	}
	slices.Sort(out)
	return slices.Compact(out)
}

// RequiredQualifications maps each department to the qualifications its inspectors must hold:
// the union of those of its items in this task ("qualified for the items", domain.md §2.6). A
// department without items requires none.
func (p Params) RequiredQualifications() map[string][]string {
	m := map[string][]string{}
	for _, it := range p.Items {
		m[it.Department] = append(m[it.Department], it.Qualifications...)
	}
	for d, qs := range m {
		m[d] = sortedSet(qs)
	}
	return m
}

// Departments are the participating departments including the initiator, sorted: inspectors are
// drawn from these only (domain.md §2.6).
func (p Params) Departments() []string {
	return sortedSet(append([]string{p.Initiator}, p.Participants...))
}

// RequiredDepartments are the departments each team must include one enforcement officer of:
// the initiator, and every department that contributes items ("进一次门、查多项事" — each
// department's items are checked by its own officer).
func (p Params) RequiredDepartments() []string {
	ds := []string{p.Initiator}
	for _, it := range p.Items {
		ds = append(ds, it.Department)
	}
	return sortedSet(ds)
}

// GeneralCap is the smallest upper limit of the task's GENERAL items and the item that sets it;
// ok is false when the task has no GENERAL item (only KEY items, up to 100%).
func (p Params) GeneralCap() (ppm int64, item string, ok bool) {
	for _, it := range p.Items {
		if it.Category == CategoryGeneral && (!ok || it.MaxRatioPPM < ppm) {
			ppm, item, ok = it.MaxRatioPPM, it.Code, true
		}
	}
	return ppm, item, ok
}

// DrawCount is n for a stratum with eligible candidates: ceil(N × ratioPpm / 10⁶) in RATIO mode,
// min(count, N) in COUNT mode. Exact integer arithmetic.
func DrawCount(spec StratumSpec, eligible int) int {
	N := int64(eligible)
	switch spec.Mode {
	case ModeRatio:
		return int((N*spec.RatioPPM + PPM - 1) / PPM)
	case ModeCount:
		return int(min(spec.Count, N))
	}
	return 0
}

// FormatPPM renders a ratio for messages: 50000 → "5%", 125000 → "12.5%".
func FormatPPM(ppm int64) string {
	s := strconv.FormatInt(ppm/10_000, 10)
	if frac := ppm % 10_000; frac != 0 {
		s += "." + strings.TrimRight(fmt.Sprintf("%04d", frac), "0")
	}
	return s + "%"
}

func invalid(format string, args ...any) *Error {
	return errorf(CodeInvalidParameters, format, args...)
}

// maxEligible bounds N: the selection indexes a stratum with 32-bit integers (and N × 10⁶ must
// not overflow int64).
const maxEligible = 1<<32 - 1

// ValidateParams checks the parameters as they will be committed (call Normalize first; Commit
// does). It returns the first violation as an INVALID_PARAMETERS Error with a Chinese message.
// Caps that depend on N (a GENERAL item's limit on a fixed count) are checked by Commit.
func ValidateParams(p Params) error {
	if !validName(p.Task) {
		return invalid("任务编号不能为空，且不能含 0x00 字节")
	}
	for _, check := range []func(Params) error{validateStrata, validateDepartments, validateItems, validateWindow, validateTeam} {
		if err := check(p); err != nil {
			return err
		}
	}
	return nil
}

// validateStrata checks the strata: named, sorted, each by ratio or by count.
func validateStrata(p Params) error {
	if len(p.Strata) == 0 {
		return invalid("至少需要一个抽取层")
	}
	for i, s := range p.Strata {
		if !validName(s.Name) {
			return invalid("第 %d 层的名称“%s”无效：不能为空，须为 UTF-8 且不含 0x00 字节", i+1, s.Name)
		}
		if i > 0 && p.Strata[i-1].Name >= s.Name {
			return invalid("抽取层“%s”重复或未按名称排序（请先调用 Normalize）", s.Name)
		}
		switch s.Mode {
		case ModeRatio:
			if s.RatioPPM < 0 || s.RatioPPM > PPM || s.Count != 0 {
				return invalid("第 %d 层（%s）按比例抽取：比例须在 0 到 1000000（百万分之一，即 0%%–100%%）之间，数量须为 0", i+1, s.Name)
			}
		case ModeCount:
			if s.Count < 0 || s.Count > MaxInt || s.RatioPPM != 0 {
				return invalid("第 %d 层（%s）按数量抽取：数量不能为负且不能超过 2⁵³−1，比例须为 0", i+1, s.Name)
			}
		default:
			return invalid("第 %d 层（%s）的抽取方式“%s”无效：应为 RATIO（按比例）或 COUNT（按数量）", i+1, s.Name, s.Mode)
		}
	}
	return nil
}

// validateDepartments checks the rounding rule, the initiator and the participants.
func validateDepartments(p Params) error {
	if p.Rounding != RoundingCeil {
		return invalid("取整规则“%s”无效：%s 只支持 CEIL（向上取整）", p.Rounding, Algorithm)
	}
	if !validName(p.Initiator) {
		return invalid("发起部门不能为空")
	}
	for i, d := range p.Participants {
		if !validName(d) {
			return invalid("参与部门“%s”无效", d)
		}
		if d == p.Initiator || (i > 0 && p.Participants[i-1] >= d) {
			return invalid("参与部门“%s”重复、与发起部门相同或未排序（请先调用 Normalize）", d)
		}
	}
	return nil
}

// validateItems checks the items (at least one, each of a department of the task, its category
// and ratio limit) and the strata's ratios against the GENERAL items' limit.
func validateItems(p Params) error {
	depts := p.Departments()
	// No item, no inspection (domain.md §2.1).
	if len(p.Items) == 0 {
		return invalid("任务没有抽查事项：无事项不检查")
	}
	for i, it := range p.Items {
		if !validName(it.Code) {
			return invalid("抽查事项编码“%s”无效", it.Code)
		}
		if i > 0 && p.Items[i-1].Code >= it.Code {
			return invalid("抽查事项“%s”重复或未按编码排序（请先调用 Normalize）", it.Code)
		}
		if _, ok := slices.BinarySearch(depts, it.Department); !ok {
			return invalid("抽查事项“%s”所属部门“%s”不是本任务的发起部门或参与部门", it.Code, it.Department)
		}
		for j, q := range it.Qualifications {
			if !validName(q) || (j > 0 && it.Qualifications[j-1] >= q) {
				return invalid("抽查事项“%s”要求的执法资格“%s”无效、重复或未排序（请先调用 Normalize）", it.Code, q)
			}
		}
		switch it.Category {
		case CategoryGeneral:
			// domain.md §2.1: a GENERAL item's ratio must have an upper limit.
			if it.MaxRatioPPM <= 0 || it.MaxRatioPPM > PPM {
				return invalid("一般检查事项“%s”必须设定抽查比例上限（maxRatioPpm 在 1 到 1000000 之间）", it.Code)
			}
		case CategoryKey:
			if it.MaxRatioPPM != 0 {
				return invalid("重点检查事项“%s”的抽查比例不设上限，maxRatioPpm 应为 0", it.Code)
			}
		default:
			return invalid("抽查事项“%s”的类别“%s”无效：应为 KEY（重点）或 GENERAL（一般）", it.Code, it.Category)
		}
	}
	if capPPM, item, ok := p.GeneralCap(); ok {
		for i, s := range p.Strata {
			if s.Mode == ModeRatio && s.RatioPPM > capPPM {
				return invalid("第 %d 层（%s）的抽查比例 %s 超过一般检查事项“%s”的比例上限 %s",
					i+1, s.Name, FormatPPM(s.RatioPPM), item, FormatPPM(capPPM))
			}
		}
	}
	return nil
}

// validateWindow checks the inspection window.
func validateWindow(p Params) error {
	if !validDate(p.Window.Start) || !validDate(p.Window.End) {
		return invalid("检查期限“%s”至“%s”无效：日期格式应为 YYYY-MM-DD", p.Window.Start, p.Window.End)
	}
	if p.Window.End < p.Window.Start { // YYYY-MM-DD compare like the dates they denote
		return invalid("检查期限的结束日期 %s 早于开始日期 %s", p.Window.End, p.Window.Start)
	}
	return nil
}

// validateTeam checks the exclusion rules and the team rules.
func validateTeam(p Params) error {
	if !inRange(p.Exclusion.RecentMonths) || !inRange(p.Exclusion.YearlyCap) {
		return invalid("排除规则的月数与每年上限须在 0 到 2⁵³−1 之间")
	}
	t := p.Team
	if t.Size < 2 || t.Size > MaxInt {
		return invalid("每个检查组至少需要 2 名执法人员（行政处罚法第四十二条），当前设定为 %d", t.Size)
	}
	if req := p.RequiredDepartments(); len(req) > t.Size {
		return invalid("发起部门及每个有事项的部门须各派至少一名执法人员，共 %d 个部门（%s），超过每组执法人员人数 %d",
			len(req), strings.Join(req, "、"), t.Size)
	}
	if !inRange(t.Experts) || !inRange(t.MaxPerInspector) || !inRange(t.RotationMonths) {
		return invalid("专家人数、每人承担对象上限与轮换月数须在 0 到 2⁵³−1 之间")
	}
	return nil
}

// inRange reports whether an integer parameter lies in 0 … MaxInt (§2 of the specification).
func inRange(n int) bool { return n >= 0 && n <= MaxInt }

// checkCountCap applies a GENERAL item's upper limit to a COUNT stratum once N is known: the
// count may not exceed what the limit itself would give, ceil(N × limit).
func checkCountCap(p Params, i int, s StratumSpec, eligible, n int) error {
	capPPM, item, ok := p.GeneralCap()
	if !ok || s.Mode != ModeCount {
		return nil
	}
	if limit := DrawCount(StratumSpec{Mode: ModeRatio, RatioPPM: capPPM}, eligible); n > limit {
		return invalid("第 %d 层（%s）抽取 %d 户，超过一般检查事项“%s”的比例上限 %s（%d 户中最多 %d 户）",
			i+1, s.Name, n, item, FormatPPM(capPPM), eligible, limit)
	}
	return nil
}
