package calendar

import (
	"errors"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/internal/clock"
)

func day(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func loadSample2028(t *testing.T) *Year {
	t.Helper()
	f, err := os.Open("../../testdata/calendar/2028-sample.json")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	y, err := ParseYearFile(f)
	if err != nil {
		t.Fatalf("2028 sample: %v", err)
	}
	return y
}

func mustParse(t *testing.T, s string) *Year {
	t.Helper()
	y, err := ParseYearFile(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return y
}

// TestDeadlineCheckVectors: the four check vectors of domain.md §4 (end date + 20 working days).
func TestDeadlineCheckVectors(t *testing.T) {
	c := New()
	for _, tc := range []struct{ end, want string }{
		{"2025-01-20", "2025-02-21"}, // across 春节 2025 (1/28–2/4, make-up 1/26, 2/8)
		{"2025-09-25", "2025-10-29"}, // across 国庆中秋 2025 (10/1–10/8, make-up 9/28, 10/11)
		{"2026-02-10", "2026-03-16"}, // across 春节 2026 (2/15–2/23, make-up 2/14, 2/28)
		{"2026-09-18", "2026-10-22"}, // across 中秋 and 国庆 2026 (make-up 9/20, 10/10)
	} {
		t.Run(tc.end, func(t *testing.T) {
			got, err := c.Deadline(day(t, tc.end))
			if err != nil {
				t.Fatal(err)
			}
			if got.Format(dateLayout) != tc.want {
				t.Errorf("Deadline(%s) = %s, want %s", tc.end, got.Format(dateLayout), tc.want)
			}
			if !got.Equal(day(t, tc.want)) || got.Location() != clock.CST {
				t.Errorf("Deadline(%s) = %v, want 00:00 clock.CST", tc.end, got)
			}
			n, err := c.WorkingDaysBetween(day(t, tc.end), got)
			if err != nil || n != PublicationWorkingDays {
				t.Errorf("WorkingDaysBetween(%s, %s) = %d, %v; want 20", tc.end, tc.want, n, err)
			}
		})
	}
}

// TestDeadlineAcrossNationalDay2026: an inspection ending the day before the 2026 National Day
// holiday (10/1–10/7 off, Saturday 10/10 worked).
func TestDeadlineAcrossNationalDay2026(t *testing.T) {
	c := New()
	// 10/8 (1), 10/9 (2), Sat 10/10 (3), 10/12–16 (8), 10/19–23 (13), 10/26–30 (18),
	// 11/2 (19), 11/3 (20).
	got, err := c.Deadline(day(t, "2026-09-30"))
	if err != nil || got.Format(dateLayout) != "2026-11-03" {
		t.Fatalf("Deadline(2026-09-30) = %s, %v; want 2026-11-03", got.Format(dateLayout), err)
	}
	// Without the make-up Saturday it would be 11/4: 10/10 must have been counted.
	if n, _ := c.WorkingDaysBetween(day(t, "2026-10-09"), day(t, "2026-10-12")); n != 2 {
		t.Errorf("WorkingDaysBetween(10-09, 10-12) = %d, want 2 (Sat 10/10 and Mon 10/12)", n)
	}
}

// TestMakeUpDaysAndDaysOff2026: make-up weekend days are working days; days off are not, even
// Monday–Friday; ordinary weekends are not.
func TestMakeUpDaysAndDaysOff2026(t *testing.T) {
	c := New()
	for _, tc := range []struct {
		date string
		want bool
		why  string
	}{
		{"2026-10-10", true, "Saturday, 调休上班 for 国庆"},
		{"2026-09-20", true, "Sunday, 调休上班 for 国庆"},
		{"2026-01-04", true, "Sunday, 调休上班 for 元旦"},
		{"2026-02-14", true, "Saturday, 调休上班 for 春节"},
		{"2026-10-03", false, "Saturday inside 国庆 days off"},
		{"2026-10-05", false, "Monday inside 国庆 days off"},
		{"2026-10-08", true, "Thursday after the holiday"},
		{"2026-10-11", false, "ordinary Sunday"},
		{"2026-02-16", false, "Monday, 春节"},
		{"2026-03-02", true, "ordinary Monday"},
	} {
		got, err := c.IsWorkingDay(day(t, tc.date))
		if err != nil || got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, %v; want %v (%s)", tc.date, got, err, tc.want, tc.why)
		}
	}
}

// TestTimeZoneMapping: a time in another zone is converted to clock.CST and its date taken.
func TestTimeZoneMapping(t *testing.T) {
	c := New()
	// 2026-09-29 16:30 UTC is 2026-09-30 00:30 in China: the end day is 9/30, not 9/29.
	utc := time.Date(2026, 9, 29, 16, 30, 0, 0, time.UTC)
	got, err := c.Deadline(utc)
	if err != nil || got.Format(dateLayout) != "2026-11-03" {
		t.Errorf("Deadline(%v) = %s, %v; want 2026-11-03 (end day 9/30 in China)", utc, got.Format(dateLayout), err)
	}
	if d := DateOf(utc); d.Format(dateLayout) != "2026-09-30" || d.Hour() != 0 || d.Location() != clock.CST {
		t.Errorf("DateOf(%v) = %v", utc, d)
	}
	// 2026-10-09 20:00 at UTC−5 is Saturday 2026-10-10 09:00 in China, a make-up working day.
	ny := time.Date(2026, 10, 9, 20, 0, 0, 0, time.FixedZone("UTC-5", -5*3600))
	if ok, err := c.IsWorkingDay(ny); err != nil || !ok {
		t.Errorf("IsWorkingDay(%v) = %v, %v; want true (2026-10-10 in China)", ny, ok, err)
	}
	// 2026-10-10 23:30 clock.CST given as UTC (15:30Z) is still 10/10; a time late on 10/10 UTC is 10/11.
	if ok, _ := c.IsWorkingDay(time.Date(2026, 10, 10, 15, 30, 0, 0, time.UTC)); !ok {
		t.Error("2026-10-10T15:30Z (10/10 23:30 clock.CST) should be a working day")
	}
	if ok, _ := c.IsWorkingDay(time.Date(2026, 10, 10, 16, 30, 0, 0, time.UTC)); ok {
		t.Error("2026-10-10T16:30Z (10/11 00:30 clock.CST, Sunday) should not be a working day")
	}
}

// TestMissingYear: a date in a year with no data is CALENDAR_MISSING naming the year, from
// every API; nothing is guessed.
func TestMissingYear(t *testing.T) {
	c := New()
	d := day(t, "2030-03-04") // an ordinary Monday — still refused
	_, err := c.IsWorkingDay(d)
	var ce *Error
	if !errors.As(err, &ce) || ce.Code != "CALENDAR_MISSING" || ce.Year != 2030 {
		t.Fatalf("IsWorkingDay(2030-03-04) error = %#v, want CALENDAR_MISSING for 2030", err)
	}
	if !errors.Is(err, ErrCalendarMissing) || errors.Is(err, ErrInvalid) {
		t.Errorf("errors.Is mismatch for %v", err)
	}
	if !strings.Contains(ce.Message, "2030年") || !strings.Contains(err.Error(), "CALENDAR_MISSING") {
		t.Errorf("message should name the year: %q", ce.Message)
	}
	if _, err := c.AddWorkingDays(d, 1); !isMissingYear(err, 2030) {
		t.Errorf("AddWorkingDays in 2030: %v", err)
	}
	if _, err := c.Deadline(d); !isMissingYear(err, 2030) {
		t.Errorf("Deadline in 2030: %v", err)
	}
	if _, err := c.WorkingDaysBetween(day(t, "2027-12-30"), d); !isMissingYear(err, 2028) {
		t.Errorf("WorkingDaysBetween into 2028..2030: %v, want CALENDAR_MISSING for 2028 (first missing day)", err)
	}
	if _, err := c.Year(2030); !isMissingYear(err, 2030) {
		t.Errorf("Year(2030): %v", err)
	}
	if _, ok := c.Source(2030); ok {
		t.Error("Source(2030) should be unknown")
	}
}

// TestAddWorkingDaysIntoMissingYearFailsClosed: counting from late December 2027 runs into 2028,
// which has no data; the result is an error, never a date computed as if 2028 had no holidays.
func TestAddWorkingDaysIntoMissingYearFailsClosed(t *testing.T) {
	c := New()
	end := day(t, "2027-12-20")
	got, err := c.Deadline(end)
	if !isMissingYear(err, 2028) || !got.IsZero() {
		t.Fatalf("Deadline(2027-12-20) = %v, %v; want CALENDAR_MISSING for 2028", got, err)
	}
	// Nine working days remain in 2027 (12/21–24, 12/27–31): those still work.
	if got, err := c.AddWorkingDays(end, 9); err != nil || got.Format(dateLayout) != "2027-12-31" {
		t.Errorf("AddWorkingDays(2027-12-20, 9) = %s, %v; want 2027-12-31", got.Format(dateLayout), err)
	}
	// The start day is not counted, so its year need not be known: 2024 is missing, yet the
	// first working day after 2024-12-31 is 2025-01-02 (1/1 is 元旦).
	if got, err := c.AddWorkingDays(day(t, "2024-12-31"), 1); err != nil || got.Format(dateLayout) != "2025-01-02" {
		t.Errorf("AddWorkingDays(2024-12-31, 1) = %s, %v; want 2025-01-02", got.Format(dateLayout), err)
	}
}

// TestOverride2028Sample: loading the (fictional) 2028 sample file makes 2028 dates work.
func TestOverride2028Sample(t *testing.T) {
	sample := loadSample2028(t)
	c := New(sample)
	if got := c.Years(); !slices.Equal(got, []int{2025, 2026, 2027, 2028}) {
		t.Errorf("Years() = %v", got)
	}
	if src, _ := c.Source(2028); !strings.Contains(src, "测试样例") {
		t.Errorf("Source(2028) = %q, want the sample's source", src)
	}
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2028-01-03", false}, // Monday, 元旦 (sample)
		{"2028-01-23", true},  // Sunday, make-up (sample)
		{"2028-01-26", false}, // Wednesday, 春节 (sample)
		{"2028-02-03", true},  // Thursday after 春节
		{"2028-02-05", true},  // Saturday, make-up (sample)
		{"2028-02-06", false}, // ordinary Sunday
	} {
		got, err := c.IsWorkingDay(day(t, tc.date))
		if err != nil || got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, %v; want %v", tc.date, got, err, tc.want)
		}
	}
	// From 2027-12-20 (lunar-go) into 2028 (override): 9 days in 2027, then 1/4–7 (13),
	// 1/10–14 (18), 1/17 (19), 1/18 (20).
	if got, err := c.Deadline(day(t, "2027-12-20")); err != nil || got.Format(dateLayout) != "2028-01-18" {
		t.Errorf("Deadline(2027-12-20) = %s, %v; want 2028-01-18", got.Format(dateLayout), err)
	}
	// Across the sample's 春节: 1/21 (1), Sun 1/23 (2), 1/24 (3), 2/3 (4), 2/4 (5), Sat 2/5 (6),
	// 2/7–11 (11), 2/14–18 (16), 2/21–24 (20).
	if got, err := c.Deadline(day(t, "2028-01-20")); err != nil || got.Format(dateLayout) != "2028-02-24" {
		t.Errorf("Deadline(2028-01-20) = %s, %v; want 2028-02-24", got.Format(dateLayout), err)
	}
	// 2029 is still missing.
	if _, err := c.Deadline(day(t, "2028-12-20")); !isMissingYear(err, 2029) {
		t.Errorf("Deadline(2028-12-20): %v, want CALENDAR_MISSING for 2029", err)
	}
}

// TestOverrideReplacesLunarGoYear: an override for 2026 replaces lunar-go's data for the whole
// year — nothing of lunar-go's 2026 is merged in.
func TestOverrideReplacesLunarGoYear(t *testing.T) {
	o := mustParse(t, `{"year": 2026, "source": "测试用2026年覆盖（仅单元测试）",
		"days_off": ["2026-01-01", "2026-03-02/2026-03-03"], "make_up_workdays": ["2026-03-07"]}`)
	c := New(o)
	if src, _ := c.Source(2026); src != "测试用2026年覆盖（仅单元测试）" {
		t.Errorf("Source(2026) = %q", src)
	}
	if src, _ := c.Source(2025); src != SourceLunarGo {
		t.Errorf("Source(2025) = %q, other years must stay lunar-go", src)
	}
	for _, tc := range []struct {
		date string
		want bool
	}{
		{"2026-03-02", false}, // day off in the override only
		{"2026-03-07", true},  // make-up Saturday in the override only
		{"2026-02-16", true},  // lunar-go's 春节 Monday: not in the override, so ordinary
		{"2026-10-10", false}, // lunar-go's make-up Saturday: not in the override
		{"2026-01-02", true},  // lunar-go's 元旦 Friday: not in the override
	} {
		got, err := c.IsWorkingDay(day(t, tc.date))
		if err != nil || got != tc.want {
			t.Errorf("IsWorkingDay(%s) = %v, %v; want %v", tc.date, got, err, tc.want)
		}
	}
	// New() without overrides is unaffected (Calendars are independent values).
	if ok, _ := New().IsWorkingDay(day(t, "2026-10-10")); !ok {
		t.Error("New() must still use lunar-go for 2026")
	}
	// Several overrides for one year: the last wins.
	o2 := mustParse(t, `{"year": 2026, "source": "第二次载入", "days_off": ["2026-01-01"], "make_up_workdays": []}`)
	c = New(o, nil, o2)
	if src, _ := c.Source(2026); src != "第二次载入" {
		t.Errorf("last override should win, Source(2026) = %q", src)
	}
	if ok, _ := c.IsWorkingDay(day(t, "2026-03-02")); !ok {
		t.Error("2026-03-02 is a working day under the second override")
	}
}

func TestAddWorkingDaysEdgeCases(t *testing.T) {
	c := New()
	// n = 0 returns the start date itself (normalised to 00:00 clock.CST), even on a day off.
	got, err := c.AddWorkingDays(time.Date(2026, 10, 3, 12, 0, 0, 0, clock.CST), 0)
	if err != nil || !got.Equal(Date(2026, 10, 3)) {
		t.Errorf("AddWorkingDays(2026-10-03, 0) = %v, %v", got, err)
	}
	// Starting on a day off: the next working day counts as 1.
	if got, _ := c.AddWorkingDays(day(t, "2026-10-03"), 1); got.Format(dateLayout) != "2026-10-08" {
		t.Errorf("AddWorkingDays(2026-10-03, 1) = %s, want 2026-10-08", got.Format(dateLayout))
	}
	// Friday + 1 is the next Monday.
	if got, _ := c.AddWorkingDays(day(t, "2026-03-06"), 1); got.Format(dateLayout) != "2026-03-09" {
		t.Errorf("AddWorkingDays(2026-03-06, 1) = %s, want 2026-03-09", got.Format(dateLayout))
	}
	_, err = c.AddWorkingDays(day(t, "2026-03-06"), -1)
	if !errors.Is(err, ErrInvalid) {
		t.Errorf("negative n: %v, want INVALID", err)
	}
	// A huge n stops at the first missing year instead of looping.
	if _, err := c.AddWorkingDays(day(t, "2025-01-01"), 1_000_000); !isMissingYear(err, 2028) {
		t.Errorf("huge n: %v, want CALENDAR_MISSING for 2028", err)
	}
}

func TestWorkingDaysBetween(t *testing.T) {
	c := New()
	for _, tc := range []struct {
		a, b string
		want int
	}{
		{"2026-03-02", "2026-03-02", 0},   // same day
		{"2026-03-02", "2026-03-03", 1},   // exclusive of a, inclusive of b
		{"2026-03-06", "2026-03-09", 1},   // weekend skipped
		{"2026-09-30", "2026-10-08", 1},   // whole National Day holiday
		{"2026-10-08", "2026-09-30", -1},  // reversed: negated count of (b, a]
		{"2025-12-31", "2026-01-05", 2},   // across the year boundary: Sun 1/4 (make-up), Mon 1/5
		{"2025-01-01", "2025-12-31", 248}, // 261 Mon–Fri − 18 weekday days off + 5 make-up days
		{"2026-01-01", "2026-12-31", 248}, // 261 − 19 + 6
	} {
		got, err := c.WorkingDaysBetween(day(t, tc.a), day(t, tc.b))
		if err != nil || got != tc.want {
			t.Errorf("WorkingDaysBetween(%s, %s) = %d, %v; want %d", tc.a, tc.b, got, err, tc.want)
		}
	}
}

// TestAddAndBetweenAgree: WorkingDaysBetween(a, AddWorkingDays(a, n)) == n over every start day
// of 2025–2026, and the result is always a working day.
func TestAddAndBetweenAgree(t *testing.T) {
	c := New()
	for d := Date(2025, 1, 1); d.Year() <= 2026; d = d.AddDate(0, 0, 1) {
		for _, n := range []int{1, 5, 20} {
			end, err := c.AddWorkingDays(d, n)
			if err != nil {
				t.Fatal(err)
			}
			if ok, _ := c.IsWorkingDay(end); !ok {
				t.Fatalf("AddWorkingDays(%s, %d) = %s is not a working day", d.Format(dateLayout), n, end.Format(dateLayout))
			}
			if got, _ := c.WorkingDaysBetween(d, end); got != n {
				t.Fatalf("WorkingDaysBetween(%s, %s) = %d, want %d", d.Format(dateLayout), end.Format(dateLayout), got, n)
			}
		}
	}
}

func TestParseDate(t *testing.T) {
	d, err := ParseDate("2026-10-10")
	if err != nil || !d.Equal(time.Date(2026, 10, 10, 0, 0, 0, 0, clock.CST)) {
		t.Errorf("ParseDate = %v, %v", d, err)
	}
	for _, s := range []string{"2026-2-3", "2026-02-30", "20261010", "", "2026-10-10T00:00:00Z"} {
		if _, err := ParseDate(s); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "日期") {
			t.Errorf("ParseDate(%q) error = %v, want INVALID", s, err)
		}
	}
}

func TestYearSummaryAndAccessors(t *testing.T) {
	y, err := New().Year(2026)
	if err != nil {
		t.Fatal(err)
	}
	if got := y.Summary(); got != "2026年：放假 33 天（其中周一至周五 19 天），调休上班日 6 天；来源：lunar-go" {
		t.Errorf("Summary() = %q", got)
	}
	// Accessors return copies: a caller cannot change the calendar through them.
	off := y.DaysOff()
	off[0] = Date(2026, 3, 2)
	if ok, _ := New().IsWorkingDay(Date(2026, 1, 1)); ok {
		t.Error("mutating DaysOff() changed the calendar")
	}
	if y.DaysOff()[0].Format(dateLayout) != "2026-01-01" {
		t.Error("DaysOff() is not a copy")
	}
}
