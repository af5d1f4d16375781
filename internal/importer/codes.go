package importer

import (
	"fmt"
	"strings"

	"github.com/ssgk/ssgk/internal/codes/division"
	"github.com/ssgk/ssgk/internal/codes/industry"
)

// departmentTable reads a department column: a department's code, full name or short name —
// also without the county's name in front ("卫生健康局" for "宁阳县卫生健康局") or the "县" of a
// short name ("卫健局" for "县卫健局"), when that shorter form names one department only.
type departmentTable struct {
	byName  map[string]string // folded alias → code
	label   map[string]string // code → short name (else name), for messages
	example string
}

func newDepartmentTable(deps []Department) *departmentTable {
	if len(deps) == 0 {
		return nil
	}
	t := &departmentTable{byName: map[string]string{}, label: map[string]string{}}
	prefix := commonPrefix(deps)
	ambiguous := map[string]bool{}
	add := func(alias, code string, exact bool) {
		n := foldName(alias)
		if n == "" || ambiguous[n] {
			return
		}
		if prev, ok := t.byName[n]; ok && prev != code {
			if !exact {
				delete(t.byName, n)
				ambiguous[n] = true
			}
			return
		}
		t.byName[n] = code
	}
	for _, d := range deps {
		add(d.Code, d.Code, true)
		add(d.Name, d.Code, true)
		add(d.ShortName, d.Code, true)
		t.label[d.Code] = d.Name
		if d.ShortName != "" {
			t.label[d.Code] = d.ShortName
		}
	}
	for _, d := range deps {
		if prefix != "" {
			add(strings.TrimPrefix(d.Name, prefix), d.Code, false)
		}
		add(strings.TrimPrefix(d.ShortName, "县"), d.Code, false)
	}
	d := deps[0]
	t.example = fmt.Sprintf("如“%s”", d.Name)
	if d.ShortName != "" {
		t.example += fmt.Sprintf("“%s”", d.ShortName)
	}
	t.example += fmt.Sprintf("或“%s”", d.Code)
	return t
}

// commonPrefix is the county's name the departments' full names start with ("宁阳县"), if
// they all do.
func commonPrefix(deps []Department) string {
	p := []rune(deps[0].Name)
	for _, d := range deps[1:] {
		n := []rune(d.Name)
		i := 0
		for i < len(p) && i < len(n) && p[i] == n[i] {
			i++
		}
		p = p[:i]
	}
	s := string(p)
	for _, end := range []string{"县", "区", "市", "旗"} {
		if i := strings.LastIndex(s, end); i > 0 {
			return s[:i+len(end)]
		}
	}
	return ""
}

func foldName(s string) string { return strings.ToUpper(compact(foldASCII(s))) }

// lookup returns the code of the department a cell names.
func (t *departmentTable) lookup(v string) (string, bool) {
	code, ok := t.byName[foldName(v)]
	return code, ok
}

func (t *departmentTable) labelOf(code string) string {
	if l, ok := t.label[code]; ok {
		return l
	}
	return code
}

// divisionLookup reads a division column written as a name.
type divisionLookup struct{ *division.Table }

func newDivisionLookup(extra []division.Entry) divisionLookup {
	return divisionLookup{division.NewTable(division.Builtin, extra)}
}

// checkDivisionCell reads a division cell: a GB/T 2260 code (6 digits; the 9- or 12-digit
// statistical code of a township or village, whose first six digits are its county's), or a
// name of the code table (a county, or a township or sub-district of it).
func (l divisionLookup) check(s string) (string, string) {
	v := compact(foldASCII(s))
	if v != "" && allDigits(v) {
		if (len(v) == 9 || len(v) == 12) && provinces[v[:2]] {
			v = v[:6]
		}
		return checkDivision(v)
	}
	if code, ok := l.Lookup(v); ok {
		return code, ""
	}
	ex := ""
	if e := l.Examples(); len(e) > 0 {
		ex = "（如" + quoteJoin(e, "、") + "）"
	}
	return "", fmt.Sprintf("行政区划“%s”无法识别：应为 6 位行政区划代码（GB/T 2260），或本县的乡镇、街道名称%s", s, ex)
}

// checkIndustryCell reads an industry cell: a GB/T 4754 code (possibly followed by the class
// name), or the name of a section, division or common class.
func checkIndustryCell(s string) (string, string) {
	code, reason := checkIndustry(s)
	if reason == "" || !hasHan(s) {
		return code, reason
	}
	if c, ok := industry.Lookup(s); ok {
		return c, ""
	}
	if !startsWithCode(s) {
		return "", fmt.Sprintf("行业“%s”无法识别：应为行业代码（GB/T 4754，如“C1391”“1391”“62”），或门类、大类、常见小类的名称（如“制造业”“餐饮业”“正餐服务”）", s)
	}
	return code, reason
}

func hasHan(s string) bool {
	for _, r := range s {
		if r >= 0x4E00 && r <= 0x9FFF {
			return true
		}
	}
	return false
}

func startsWithCode(s string) bool {
	s = strings.TrimSpace(foldASCII(s))
	return s != "" && (s[0] >= '0' && s[0] <= '9' || (s[0]|0x20) >= 'a' && (s[0]|0x20) <= 'z')
}
