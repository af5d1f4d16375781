package importer

import (
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/ssgk/ssgk/internal/codes/industry"
)

// foldASCII turns full-width ASCII (Ａ１（) and the ideographic space into their half-width
// forms. Unlike a general width fold it leaves “、” and other CJK punctuation alone.
func foldASCII(s string) string {
	need := false
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			need = true
			break
		}
	}
	if !need {
		return s
	}
	return strings.Map(func(r rune) rune {
		switch {
		case r >= 0xFF01 && r <= 0xFF5E:
			return r - 0xFF01 + '!'
		case r == 0x3000:
			return ' '
		}
		return r
	}, s)
}

// emptyMarkers are what offices write into a cell that has no value.
var emptyMarkers = map[string]bool{
	"无": true, "/": true, "-": true, "—": true, "——": true, "－": true, "暂无": true,
	"null": true, "NULL": true, "N/A": true, "n/a": true,
}

// cleanCell trims a cell (including the ideographic and no-break spaces and zero-width
// characters), unwraps the ="…" form some systems use to keep leading zeros, and maps the
// empty markers to "".
func cleanCell(s string) string {
	s = strings.TrimFunc(s, isTrimmable)
	if len(s) >= 3 && strings.HasPrefix(s, `="`) && strings.HasSuffix(s, `"`) {
		s = strings.TrimFunc(s[2:len(s)-1], isTrimmable)
	}
	if emptyMarkers[s] {
		return ""
	}
	return s
}

func isTrimmable(r rune) bool {
	return unicode.IsSpace(r) || r == '\u200b' || r == '\ufeff' || r == '\u00a0' || r == '\u3000'
}

// excelErrors are the error values a formula cell may show.
var excelErrors = map[string]bool{
	"#N/A": true, "#VALUE!": true, "#REF!": true, "#DIV/0!": true, "#NUM!": true, "#NAME?": true, "#NULL!": true,
}

// compact removes all white space (for identifiers and codes).
func compact(s string) string {
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, s)
}

// expandNumber undoes Excel's scientific notation of a long number stored as a number
// ("1.10108000000016E+14" → "110108000000016"). Other values are returned as they are.
func expandNumber(s string) string {
	if !strings.ContainsAny(s, "eE") || strings.ContainsFunc(s, func(r rune) bool { return r >= utf8.RuneSelf }) {
		return s
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1e21 {
		return s
	}
	return strconv.FormatFloat(f, 'f', -1, 64)
}

// personName removes the typesetting spaces of a Chinese name ("张　伟", "董 骞" → "张伟", "董骞");
// other names (e.g. in Latin letters) keep their spaces.
func personName(s string) string {
	if strings.IndexFunc(s, unicode.IsSpace) < 0 {
		return s
	}
	for _, r := range s {
		if !unicode.Is(unicode.Han, r) && !unicode.IsSpace(r) && r != '·' {
			return s
		}
	}
	return compact(s)
}

func allDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// ---- dates ----

var (
	dateSepRe  = regexp.MustCompile(`^(\d{4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$`)
	dateCJKRe  = regexp.MustCompile(`^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$`)
	date8Re    = regexp.MustCompile(`^(\d{4})(\d{2})(\d{2})$`)
	serialRe   = regexp.MustCompile(`^\d{1,7}(?:\.\d+)?$`)
	dateRangeR = regexp.MustCompile(`\s*(?:至|到|~|～|－|—+|\s-\s)\s*`)
)

const dateForms = "如 2026-01-05、2026/1/5、2026年1月5日 或 20260105"

// parseDate reads a calendar date in the forms offices write. serial allows an Excel date serial
// number (only cells of an XLSX file are numbers; in CSV "45000" is not a date). The reason, if
// any, follows the column name: "成立日期" + "不存在：2019年2月30日".
func parseDate(s string, serial, date1904 bool) (time.Time, string) {
	s = foldASCII(s)
	var y, m, d int
	switch {
	case len(s) == 10 && s[4] == '-' && s[7] == '-' && allDigits(s[:4]) && allDigits(s[5:7]) && allDigits(s[8:]):
		y, m, d = atoi(s[:4]), atoi(s[5:7]), atoi(s[8:]) // the common ISO form, without a regexp
	case dateSepRe.MatchString(s):
		p := dateSepRe.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case dateCJKRe.MatchString(s):
		p := dateCJKRe.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case date8Re.MatchString(s):
		p := date8Re.FindStringSubmatch(s)
		y, m, d = atoi(p[1]), atoi(p[2]), atoi(p[3])
	case serial && serialRe.MatchString(s):
		v, _ := strconv.ParseFloat(s, 64)
		t, ok := excelSerialDate(v, date1904)
		if !ok {
			return time.Time{}, "格式无法识别：" + dateForms
		}
		return t, ""
	default:
		return time.Time{}, "格式无法识别：" + dateForms
	}
	if y < 1900 || y > 2199 {
		return time.Time{}, fmt.Sprintf("的年份 %d 超出范围（1900–2199）", y)
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, clock.CST)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, fmt.Sprintf("不存在：%d年%d月%d日", y, m, d)
	}
	return t, ""
}

// excelSerialDate converts an Excel serial date (days since 1899-12-30 in the 1900 system, with
// Excel's fictitious 1900-02-29; days since 1904-01-01 in the 1904 system) to a calendar date.
// The time of day is dropped.
func excelSerialDate(v float64, date1904 bool) (time.Time, bool) {
	days := int(math.Floor(v))
	var base time.Time
	if date1904 {
		base = time.Date(1904, 1, 1, 0, 0, 0, 0, clock.CST)
	} else {
		if days < 61 { // before Excel's non-existent 1900-02-29
			days++
		}
		base = time.Date(1899, 12, 30, 0, 0, 0, 0, clock.CST)
	}
	if days < 1 {
		return time.Time{}, false
	}
	t := base.AddDate(0, 0, days)
	if t.Year() < 1900 || t.Year() > 2199 {
		return time.Time{}, false
	}
	return t, true
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

// formatDate is the canonical date form, used by the exporters and the digest.
func formatDate(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.In(clock.CST).Format("2006-01-02")
}

// ---- booleans ----

var (
	trueWords  = []string{"是", "Y", "YES", "TRUE", "1", "√", "✓", "✔", "有"}
	falseWords = []string{"否", "N", "NO", "FALSE", "0", "×", "✗", "✘", "不是", "没有"}
)

// parseBool reads 是/否 and the like; extraTrue and extraFalse add words of one column.
func parseBool(s string, extraTrue, extraFalse []string) (bool, bool) {
	u := strings.ToUpper(foldASCII(s))
	for _, w := range trueWords {
		if u == w {
			return true, true
		}
	}
	for _, w := range falseWords {
		if u == w {
			return false, true
		}
	}
	for _, w := range extraTrue {
		if u == w {
			return true, true
		}
	}
	for _, w := range extraFalse {
		if u == w {
			return false, true
		}
	}
	return false, false
}

// ---- lists ----

// splitList splits a cell into items on the given separators and on line breaks, trims them,
// and drops empty and repeated items (keeping the first).
func splitList(s, seps string) []string {
	if s == "" {
		return []string{}
	}
	parts := strings.FieldsFunc(s, func(r rune) bool {
		return r == '\n' || r == '\r' || strings.ContainsRune(seps, r)
	})
	out := make([]string, 0, len(parts))
	for _, p := range parts {
		p = cleanCell(p)
		if p == "" || contains(out, p) {
			continue
		}
		out = append(out, p)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

const (
	licenceSeps = ";；"
	tagSeps     = ";；、,，"
	qualSeps    = ";；、,，/"
	methodSeps  = ";；、,，/"
	listJoin    = "；"
)

// ---- phones ----

// checkPhone accepts one or more mobile or fixed-line numbers separated by "/", "、", "，" or
// "；". Returns the number as written (half-width) or a reason.
func checkPhone(s string) (string, string) {
	s = foldASCII(s)
	parts := strings.FieldsFunc(s, func(r rune) bool { return strings.ContainsRune("/、,，;；", r) })
	if len(parts) == 0 {
		return "", "电话号码格式不正确"
	}
	for _, p := range parts {
		d := strings.Map(func(r rune) rune {
			switch {
			case r >= '0' && r <= '9':
				return r
			case r == '-' || r == '(' || r == ')' || r == ' ' || r == '—' || r == '+' || r == '转':
				return -1
			}
			return 'x'
		}, p)
		if strings.HasPrefix(strings.TrimSpace(p), "+86") || (len(d) == 13 && strings.HasPrefix(d, "861")) {
			d = strings.TrimPrefix(d, "86")
		}
		if !allDigits(d) {
			return "", fmt.Sprintf("电话号码“%s”含有非数字字符", strings.TrimSpace(p))
		}
		switch {
		case d[0] == '1':
			if len(d) != 11 || d[1] < '3' {
				return "", fmt.Sprintf("手机号码“%s”应为 11 位，以 13–19 开头", strings.TrimSpace(p))
			}
		case d[0] == '0':
			if len(d) < 10 || len(d) > 16 {
				return "", fmt.Sprintf("固定电话“%s”位数不正确（区号加号码应为 10–12 位）", strings.TrimSpace(p))
			}
		default:
			if len(d) < 7 || len(d) > 8 {
				return "", fmt.Sprintf("电话号码“%s”位数不正确", strings.TrimSpace(p))
			}
		}
	}
	return strings.TrimSpace(s), ""
}

// ---- administrative division (GB/T 2260) ----

// provinces are the first two digits of GB/T 2260 codes.
var provinces = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true,
}

func checkDivision(s string) (string, string) {
	s = compact(foldASCII(s))
	if len(s) == 12 && allDigits(s) && strings.HasSuffix(s, "000000") {
		s = s[:6] // the 12-digit statistical form of a county code
	}
	if len(s) != 6 || !allDigits(s) {
		return "", "行政区划代码应为 6 位数字（GB/T 2260）"
	}
	if !provinces[s[:2]] {
		return "", fmt.Sprintf("行政区划代码前两位“%s”不是省级代码", s[:2])
	}
	return s, ""
}

// ---- industry (GB/T 4754-2017) ----

var industryRe = regexp.MustCompile(`^([A-Za-z])?(\d*)`)

// checkIndustry reads a GB/T 4754-2017 code: a section letter, a 2–4 digit code, or both
// ("C", "13", "C1391"), optionally followed by the class name. The stored form is the digit code
// (as the demo data and draw filters use it), or the letter when only the section is given.
func checkIndustry(s string) (string, string) {
	s = compact(foldASCII(s))
	m := industryRe.FindStringSubmatch(s)
	letter, digits := strings.ToUpper(m[1]), m[2]
	rest := s[len(m[0]):]
	if letter == "" && digits == "" {
		return "", "行业代码应为门类字母或 2–4 位数字（GB/T 4754），如“C1391”或“1391”"
	}
	if rest != "" {
		r, _ := utf8.DecodeRuneInString(rest)
		if r < utf8.RuneSelf && r != '-' && r != '.' && r != ':' && r != '(' {
			return "", "行业代码应为门类字母或 2–4 位数字（GB/T 4754），如“C1391”或“1391”"
		}
	}
	if digits == "" {
		if letter[0] > 'T' {
			return "", fmt.Sprintf("行业门类“%s”不存在（应为 A–T）", letter)
		}
		return letter, ""
	}
	if len(digits) < 2 || len(digits) > 4 {
		return "", "行业代码数字部分应为 2–4 位（大类、中类或小类）"
	}
	sec := industry.SectionOf(atoi(digits[:2]))
	if sec == 0 {
		return "", fmt.Sprintf("行业大类“%s”不存在（应为 01–97）", digits[:2])
	}
	if letter != "" && letter[0] != sec {
		return "", fmt.Sprintf("行业代码门类与大类不符：大类 %s 属于门类 %c", digits[:2], sec)
	}
	return digits, ""
}

// ---- ratio ----

var (
	ratioNumRe  = regexp.MustCompile(`\d+(?:\.\d+)?%?`)
	lowerWords  = []string{"不低于", "不少于", "不小于", "至少", "最低", "以上", ">=", "≥", ">", "下限"}
	upperWords  = []string{"不高于", "不超过", "不大于", "不多于", "最多", "最高", "以下", "以内", "<=", "≤", "<", "上限"}
	rangeSepsRe = regexp.MustCompile(`^\d+(?:\.\d+)?%?\s*(?:-|~|～|—+|至|到)\s*\d+(?:\.\d+)?%?$`)
)

// parseRatio reads an inspection ratio: "5%", "不低于5%", "≤10%", "5%-10%", "5-10%" or a fraction
// "0.05". It returns the lower and upper bounds as fractions (0–1); a single ratio sets both.
// Percentages are converted in decimal (12.5% is read as "12.5e-2"), so the result is the float
// nearest to the decimal written.
func parseRatio(s string) (lo, hi *float64, reason string) {
	s = strings.ReplaceAll(compact(foldASCII(s)), "％", "%")
	nums := ratioNumRe.FindAllString(s, -1)
	bad := "抽查比例格式无法识别：应如“5%”“不低于5%”“不高于10%”“5%-10%”或“0.05”"
	switch len(nums) {
	case 1:
		v, r := ratioValue(nums[0], false)
		if r != "" {
			return nil, nil, r
		}
		words := strings.Replace(s, nums[0], "", 1)
		isLo, isHi := hasAny(words, lowerWords), hasAny(words, upperWords)
		switch {
		case isLo && isHi:
			return nil, nil, bad
		case isLo:
			lo = &v
		case isHi:
			hi = &v
		default:
			if strings.TrimFunc(words, func(r rune) bool { return strings.ContainsRune("按比例的抽取抽查", r) }) != "" {
				return nil, nil, bad
			}
			lo, hi = &v, ptr(v)
		}
	case 2:
		// "5%-10%", or "不低于5%、不高于10%".
		bounded := hasAny(s, lowerWords) && hasAny(s, upperWords) &&
			strings.Index(s, nums[0]) < strings.LastIndex(s, nums[1])
		if !rangeSepsRe.MatchString(s) && !bounded {
			return nil, nil, bad
		}
		// "5-10%": the percent sign of the upper bound applies to both.
		pct := strings.HasSuffix(nums[1], "%")
		a, r1 := ratioValue(nums[0], pct)
		b, r2 := ratioValue(nums[1], false)
		if r1 != "" {
			return nil, nil, r1
		}
		if r2 != "" {
			return nil, nil, r2
		}
		if a > b {
			return nil, nil, "抽查比例下限大于上限"
		}
		lo, hi = &a, &b
	default:
		return nil, nil, bad
	}
	return lo, hi, ""
}

func ratioValue(num string, forcePct bool) (float64, string) {
	pct := strings.HasSuffix(num, "%") || forcePct
	num = strings.TrimSuffix(num, "%")
	if pct {
		num += "e-2"
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		return 0, "抽查比例不是数字"
	}
	if !pct && v >= 1 {
		return 0, fmt.Sprintf("抽查比例“%s”缺少百分号：请写作“%s%%”，或写成小数（如 0.05）", num, num)
	}
	if v < 0 || v > 1 {
		return 0, "抽查比例应在 0% 到 100% 之间"
	}
	return v, ""
}

func hasAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}

func ptr[T any](v T) *T { return &v }

// formatPercent writes a fraction as a percentage without binary noise: 0.05 → "5%", 0.125 →
// "12.5%". It shifts the decimal point of the shortest representation, never multiplies.
func formatPercent(v float64) string {
	s := strconv.FormatFloat(v, 'f', -1, 64)
	intPart, frac, _ := strings.Cut(s, ".")
	for len(frac) < 2 {
		frac += "0"
	}
	intPart = strings.TrimLeft(intPart+frac[:2], "0")
	if intPart == "" {
		intPart = "0"
	}
	frac = strings.TrimRight(frac[2:], "0")
	if frac != "" {
		return intPart + "." + frac + "%"
	}
	return intPart + "%"
}

// formatRatio is the inverse of parseRatio for the exporters.
func formatRatio(lo, hi *float64) string {
	switch {
	case lo != nil && hi != nil && *lo == *hi:
		return formatPercent(*lo)
	case lo != nil && hi != nil:
		return formatPercent(*lo) + "-" + formatPercent(*hi)
	case lo != nil:
		return "不低于" + formatPercent(*lo)
	case hi != nil:
		return "不高于" + formatPercent(*hi)
	}
	return ""
}
