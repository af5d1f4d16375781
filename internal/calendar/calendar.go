// Package calendar is China's official working-day calendar, used to compute publication
// deadlines: inspection results are published within 20 working days after the inspection ends
// (企业信息公示暂行条例 art. 6; domain.md §2.8).
//
// A working day is Monday–Friday, except the statutory holidays' days off (放假), plus the
// weekend make-up working days (调休上班日) — both fixed each year by the State Council General
// Office's notice on the next year's holiday arrangements (国务院办公厅关于××年部分节假日安排的
// 通知, published each November).
//
// Data comes from two places:
//
//   - the holiday table shipped in github.com/6tail/lunar-go (package HolidayUtil), used for the
//     years listed in lunarGoYears only — 2025–2027 as shipped by v1.4.7, cross-checked in the
//     tests against domain.md §4 for 2025 and 2026;
//   - override Years loaded by the operator from a JSON file (ParseYearFile, README.md). An
//     override replaces lunar-go's data for its whole year.
//
// A date in a year with neither is an error with code CALENDAR_MISSING: the package never
// guesses that an unknown year has no holidays (domain.md §2.8: "fail closed — never guess").
//
// Dates are calendar dates in China Standard Time. A time.Time in any zone is first converted
// to CST (UTC+8) and its date taken (DateOf), so 2025-01-20T20:00:00Z is 2025-01-21.
// Results are returned at 00:00 CST.
package calendar

import (
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"slices"
	"strings"
	"time"
)

// PublicationWorkingDays is the time limit for publishing inspection results: within 20 working
// days after the inspection ends (企业信息公示暂行条例 art. 6).
const PublicationWorkingDays = 20

const dateLayout = "2006-01-02"

// DateOf maps t to its calendar date in China: converts t to CST and returns 00:00 CST of that
// date.
func DateOf(t time.Time) time.Time {
	t = t.In(clock.CST)
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, clock.CST)
}

// Date returns 00:00 CST of the given date.
func Date(year int, month time.Month, day int) time.Time {
	return time.Date(year, month, day, 0, 0, 0, 0, clock.CST)
}

// ParseDate parses "YYYY-MM-DD" as a date in China (00:00 CST). For CLI and API arguments.
func ParseDate(s string) (time.Time, error) {
	d, ok := parseDay(s)
	if !ok {
		return time.Time{}, &Error{Code: CodeInvalid,
			Message: fmt.Sprintf("日期“%s”无效：应为 YYYY-MM-DD 格式的真实日期，如 2026-10-10", s)}
	}
	return d, nil
}

// parseDay accepts exactly YYYY-MM-DD with a real date (time.Parse rejects 2028-02-30).
func parseDay(s string) (time.Time, bool) {
	if len(s) != len(dateLayout) {
		return time.Time{}, false
	}
	d, err := time.ParseInLocation(dateLayout, s, clock.CST)
	return d, err == nil
}

// dayKey is the map key of a CST date: yyyymmdd.
func dayKey(d time.Time) int { return d.Year()*10000 + int(d.Month())*100 + d.Day() }

func isWeekend(d time.Time) bool {
	wd := d.Weekday()
	return wd == time.Saturday || wd == time.Sunday
}

func weekdayName(d time.Time) string {
	return [...]string{"星期日", "星期一", "星期二", "星期三", "星期四", "星期五", "星期六"}[d.Weekday()]
}

func isBlank(s string) bool { return strings.TrimSpace(s) == "" }

// Calendar answers working-day questions from lunar-go's data plus override Years. It is
// immutable and safe for concurrent use; after loading a new override, build a new Calendar
// and swap it in.
type Calendar struct {
	years map[int]*Year
}

// New returns a Calendar of lunar-go's data (for lunarGoYears) with the given overrides on top.
// An override replaces lunar-go's data for its whole year — the notice is authoritative, and
// mixing two sources within one year could produce an arrangement neither contains. If several
// overrides have the same year, the last one wins, so callers pass them in load order. Nil
// overrides are ignored.
func New(overrides ...*Year) *Calendar {
	c := &Calendar{years: make(map[int]*Year, len(lunarData)+len(overrides))}
	for y, data := range lunarData {
		c.years[y] = data
	}
	for _, o := range overrides {
		if o != nil {
			c.years[o.year] = o
		}
	}
	return c
}

// Years lists the years the Calendar knows, ascending. Source tells where each comes from.
func (c *Calendar) Years() []int {
	ys := make([]int, 0, len(c.years))
	for y := range c.years {
		ys = append(ys, y)
	}
	slices.Sort(ys)
	return ys
}

// Source returns the source of a known year: SourceLunarGo, or the override file's source.
func (c *Calendar) Source(year int) (string, bool) {
	y, ok := c.years[year]
	if !ok {
		return "", false
	}
	return y.source, true
}

// Year returns the arrangement in force for year, or a CALENDAR_MISSING error.
func (c *Calendar) Year(year int) (*Year, error) {
	y, ok := c.years[year]
	if !ok {
		return nil, missingError(year, lunarErr[year])
	}
	return y, nil
}

// IsWorkingDay reports whether the China date of d (see DateOf) is a working day: a make-up
// working day, or Monday–Friday and not a day off.
func (c *Calendar) IsWorkingDay(d time.Time) (bool, error) {
	return c.isWorking(DateOf(d))
}

func (c *Calendar) isWorking(day time.Time) (bool, error) {
	y, err := c.Year(day.Year())
	if err != nil {
		return false, err
	}
	switch y.kind[dayKey(day)] {
	case kindOff:
		return false, nil
	case kindMakeUp:
		return true, nil
	}
	return !isWeekend(day), nil
}

// AddWorkingDays returns the date n working days after the China date of from. The start day is
// not counted (domain.md §2.8: "The day the inspection ends is not counted"), so the result is
// the n-th working day strictly after from; n = 0 returns from's date. Only the days stepped
// over are looked up: if one falls in a year without data the result is CALENDAR_MISSING,
// never a guess. n < 0 is INVALID.
func (c *Calendar) AddWorkingDays(from time.Time, n int) (time.Time, error) {
	if n < 0 {
		return time.Time{}, &Error{Code: CodeInvalid,
			Message: fmt.Sprintf("工作日数不能为负数（收到 %d）", n)}
	}
	day := DateOf(from)
	// Terminates: every step either counts a working day or moves towards a year without data,
	// which returns CALENDAR_MISSING.
	for n > 0 {
		day = day.AddDate(0, 0, 1)
		ok, err := c.isWorking(day)
		if err != nil {
			return time.Time{}, err
		}
		if ok {
			n--
		}
	}
	return day, nil
}

// WorkingDaysBetween counts the working days after a's date up to and including b's date
// (exclusive of a, inclusive of b), so WorkingDaysBetween(a, AddWorkingDays(a, n)) == n. If b is
// before a the count of (b, a] is returned negated, like time.Sub. Every day in the interval
// must have data, else CALENDAR_MISSING.
func (c *Calendar) WorkingDaysBetween(a, b time.Time) (int, error) {
	from, to := DateOf(a), DateOf(b)
	sign := 1
	if to.Before(from) {
		from, to, sign = to, from, -1
	}
	count := 0
	for day := from.AddDate(0, 0, 1); !day.After(to); day = day.AddDate(0, 0, 1) {
		ok, err := c.isWorking(day)
		if err != nil {
			return 0, err
		}
		if ok {
			count++
		}
	}
	return sign * count, nil
}

// Deadline is the last day for publishing the results of an inspection that ended on
// inspectionEnd: 20 working days after it, the end day not counted (企业信息公示暂行条例
// art. 6; domain.md §2.8). Publishing on the returned date is on time.
func (c *Calendar) Deadline(inspectionEnd time.Time) (time.Time, error) {
	return c.AddWorkingDays(inspectionEnd, PublicationWorkingDays)
}
