package calendar

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Sanity bounds. They are not rules of the State Council notices; they catch typing mistakes
// that would otherwise silently move publication deadlines (a "2082" for "2028", a range
// "2028-10-01/2028-12-07" for "2028-10-01/2028-10-07").
const (
	minYear = 2000
	maxYear = 2100
	// maxRangeDays bounds one "start/end" item. The longest runs of days off so far are 8–10
	// days (e.g. 2025 国庆中秋 10/1–10/8, 2026 春节 2/15–2/23), so 31 leaves ample room.
	maxRangeDays = 31
	maxSourceLen = 300 // runes
)

type dayKind uint8

const (
	kindOff    dayKind = iota + 1 // 放假：a day off, even if it falls on Monday–Friday
	kindMakeUp                    // 调休上班：a weekend day that is a working day
)

// Year is the holiday arrangement of one calendar year: the days off (放假) and the weekend
// make-up working days (调休上班日) of the State Council General Office's notice for that year.
// Every other date of the year is a working day if and only if it is Monday–Friday.
//
// A Year is immutable and always valid: it can only be built by ParseYearFile, NewYear or from
// the shipped lunar-go data, all of which run the same validation.
type Year struct {
	year    int
	source  string
	daysOff []time.Time // sorted, 00:00 CST
	makeUp  []time.Time // sorted, 00:00 CST
	kind    map[int]dayKind
}

// Year returns the calendar year.
func (y *Year) Year() int { return y.year }

// Source returns where the arrangement comes from: SourceLunarGo or the override file's source
// (normally the title of the notice).
func (y *Year) Source() string { return y.source }

// DaysOff returns the days off, sorted, each at 00:00 CST.
func (y *Year) DaysOff() []time.Time { return slices.Clone(y.daysOff) }

// MakeUpWorkdays returns the weekend make-up working days, sorted, each at 00:00 CST.
func (y *Year) MakeUpWorkdays() []time.Time { return slices.Clone(y.makeUp) }

// Summary is a one-line Chinese description for the operator, e.g. after `ssgk calendar load`.
func (y *Year) Summary() string {
	weekdaysOff := 0
	for _, d := range y.daysOff {
		if !isWeekend(d) {
			weekdaysOff++
		}
	}
	return fmt.Sprintf("%d年：放假 %d 天（其中周一至周五 %d 天），调休上班日 %d 天；来源：%s",
		y.year, len(y.daysOff), weekdaysOff, len(y.makeUp), y.source)
}

// yearFile is the override file format (see README.md). Field order here is the order written.
type yearFile struct {
	Year           int      `json:"year"`
	Source         string   `json:"source"`
	DaysOff        []string `json:"days_off"`
	MakeUpWorkdays []string `json:"make_up_workdays"`
}

// MarshalJSON writes the Year in the override file format, runs of consecutive days collapsed
// into "start/end" ranges. ParseYearFile reads it back to an equal Year, so the JSON is a
// suitable form for persisting an override.
func (y *Year) MarshalJSON() ([]byte, error) {
	return json.Marshal(yearFile{
		Year:           y.year,
		Source:         y.source,
		DaysOff:        collapse(y.daysOff),
		MakeUpWorkdays: collapse(y.makeUp),
	})
}

// collapse turns sorted dates into items, consecutive dates becoming one "start/end" range.
func collapse(days []time.Time) []string {
	out := []string{} // never null in JSON: the format requires both lists to be present
	for i := 0; i < len(days); {
		j := i
		for j+1 < len(days) && days[j+1].Equal(days[j].AddDate(0, 0, 1)) {
			j++
		}
		if i == j {
			out = append(out, days[i].Format(dateLayout))
		} else {
			out = append(out, days[i].Format(dateLayout)+"/"+days[j].Format(dateLayout))
		}
		i = j + 1
	}
	return out
}

// NewYear builds a Year from dates (mapped to CST calendar dates, see DateOf), with the same
// validation as ParseYearFile. It is for callers holding dates rather than a file.
func NewYear(year int, source string, daysOff, makeUpWorkdays []time.Time) (*Year, error) {
	var problems []Problem
	source = strings.TrimSpace(source)
	checkHeader(year, source, &problems)
	toEntries := func(list string, days []time.Time) []entry {
		es := make([]entry, len(days))
		for i, d := range days {
			d = DateOf(d)
			es[i] = entry{list: list, index: i + 1, text: d.Format(dateLayout), day: d}
		}
		return es
	}
	return build(year, source, toEntries(listDaysOff, daysOff), len(daysOff),
		toEntries(listMakeUp, makeUpWorkdays), problems)
}

const (
	listDaysOff = "days_off"
	listMakeUp  = "make_up_workdays"
)

// entry is one date of a list, remembering the item it came from so that messages can point
// the operator at the line to fix.
type entry struct {
	list  string
	index int    // 1-based item number in the list
	text  string // the item as written, e.g. "2028-01-28/2028-02-03"
	day   time.Time
}

func (e entry) where() string {
	name := "放假日"
	if e.list == listMakeUp {
		name = "调休上班日"
	}
	return fmt.Sprintf("%s（%s）第 %d 项“%s”", name, e.list, e.index, e.text)
}

func (e entry) whereDay() string {
	if e.text == e.day.Format(dateLayout) {
		return e.where()
	}
	return e.where() + "中的 " + e.day.Format(dateLayout) + " "
}

func checkHeader(year int, source string, problems *[]Problem) {
	checkYear(year, problems)
	checkSource(source, problems)
}

func checkYear(year int, problems *[]Problem) {
	if year < minYear || year > maxYear {
		*problems = append(*problems, Problem{ProblemYear,
			fmt.Sprintf("年份 year=%d 不在 %d—%d 之间，请核对是否笔误", year, minYear, maxYear)})
	}
}

// checkSource requires the source: an override replaces the shipped data for a whole year, so
// the record must say which notice it transcribes (domain.md §4: the notices are the authority).
func checkSource(source string, problems *[]Problem) {
	switch n := utf8.RuneCountInString(source); {
	case isBlank(source):
		*problems = append(*problems, Problem{ProblemSource,
			"来源 source 不能为空：请写明依据的通知，如“国务院办公厅关于2028年部分节假日安排的通知”"})
	case n > maxSourceLen:
		*problems = append(*problems, Problem{ProblemSource,
			fmt.Sprintf("来源 source 过长（%d 字），不应超过 %d 字", n, maxSourceLen)})
	}
}

// build runs the date checks shared by every way of making a Year and returns the Year or an
// *Error listing every problem found (earlier problems included). offItems is the number of
// items in days_off as written, to tell "empty list" from "all items malformed"; -1 when the
// list itself was missing or unreadable (already reported).
func build(year int, source string, off []entry, offItems int, up []entry, problems []Problem) (*Year, error) {
	add := func(kind, format string, args ...any) {
		problems = append(problems, Problem{kind, fmt.Sprintf(format, args...)})
	}
	if offItems == 0 {
		// Every year has statutory holidays (全国年节及纪念日放假办法 art. 2: 元旦 1月1日 at
		// least), so an empty list is a mistake, not a year without holidays.
		add(ProblemNoDaysOff, "放假日（days_off）为空：每年至少有元旦等法定节假日，请按通知填写")
	}
	yearOK := year >= minYear && year <= maxYear
	kind := map[int]dayKind{}
	seen := map[int]entry{}
	var daysOff, makeUp []time.Time
	for _, list := range [][]entry{off, up} {
		clear(seen)
		for _, e := range list {
			k := dayKey(e.day)
			if yearOK && e.day.Year() != year {
				// One file describes one year; a date of another year would be silently
				// ignored (lookups go by the date's own year), so it is refused.
				add(ProblemOutsideYear, "%s不在 %d 年内", e.whereDay(), year)
				continue
			}
			if first, dup := seen[k]; dup {
				add(ProblemDuplicateDate, "%s重复：已在%s中列出", e.whereDay(), first.where())
				continue
			}
			seen[k] = e
			if e.list == listMakeUp {
				// 调休 moves a working day onto a weekend; a Monday–Friday date is a working day
				// anyway, so listing it means a wrong date was typed.
				if !isWeekend(e.day) {
					add(ProblemMakeUpNotWeekend, "%s是%s，不是周末：调休上班日只能是星期六或星期日",
						e.whereDay(), weekdayName(e.day))
					continue
				}
				if kind[k] == kindOff {
					add(ProblemBothLists, "%s同时列为放假日和调休上班日，请核对通知", e.whereDay())
					continue
				}
				kind[k] = kindMakeUp
				makeUp = append(makeUp, e.day)
			} else {
				kind[k] = kindOff
				daysOff = append(daysOff, e.day)
			}
		}
	}
	if len(problems) > 0 {
		return nil, invalidError(year, problems)
	}
	slices.SortFunc(daysOff, time.Time.Compare)
	slices.SortFunc(makeUp, time.Time.Compare)
	return &Year{year: year, source: source, daysOff: daysOff, makeUp: makeUp, kind: kind}, nil
}
