package calendar

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// domainTable is domain.md §4 ("Working-day calendar facts (from the State Council notices)")
// transcribed in the document's own notation, so a reviewer can compare it with the document
// by eye. Days off are ";"-separated with "–" ranges; make-up days are ","-separated.
var domainTable = map[int]struct{ daysOff, makeUp string }{
	2025: {"1/1; 1/28–2/4; 4/4–4/6; 5/1–5/5; 5/31–6/2; 10/1–10/8", "1/26, 2/8, 4/27, 9/28, 10/11"},
	2026: {"1/1–1/3; 2/15–2/23; 4/4–4/6; 5/1–5/5; 6/19–6/21; 9/25–9/27; 10/1–10/7", "1/4, 2/14, 2/28, 5/9, 9/20, 10/10"},
}

// parseDomainDays expands domain.md notation ("1/28–2/4") into YYYY-MM-DD strings.
func parseDomainDays(t *testing.T, year int, s, sep string) []string {
	t.Helper()
	md := func(p string) time.Time {
		m, d, ok := strings.Cut(strings.TrimSpace(p), "/")
		mi, err1 := strconv.Atoi(m)
		di, err2 := strconv.Atoi(d)
		if !ok || err1 != nil || err2 != nil {
			t.Fatalf("bad domain.md date %q", p)
		}
		return Date(year, time.Month(mi), di)
	}
	var out []string
	for _, item := range strings.Split(s, sep) {
		a, b, isRange := strings.Cut(item, "–")
		from := md(a)
		to := from
		if isRange {
			to = md(b)
		}
		for d := from; !d.After(to); d = d.AddDate(0, 0, 1) {
			out = append(out, d.Format(dateLayout))
		}
	}
	slices.Sort(out)
	return out
}

// rawLunarGo reads lunar-go directly (not our snapshot), split into days off and make-up days.
func rawLunarGo(year int) (off, up []string) {
	for e := HolidayUtil.GetHolidaysByYear(year).Front(); e != nil; e = e.Next() {
		h := e.Value.(*HolidayUtil.Holiday)
		if h.IsWork() {
			up = append(up, h.GetDay())
		} else {
			off = append(off, h.GetDay())
		}
	}
	slices.Sort(off)
	slices.Sort(up)
	return off, up
}

func formatDays(ds []time.Time) []string {
	out := make([]string, len(ds))
	for i, d := range ds {
		out[i] = d.Format(dateLayout)
	}
	return out
}

func diff(want, got []string) string {
	var missing, extra []string
	for _, w := range want {
		if !slices.Contains(got, w) {
			missing = append(missing, w)
		}
	}
	for _, g := range got {
		if !slices.Contains(want, g) {
			extra = append(extra, g)
		}
	}
	if len(missing) == 0 && len(extra) == 0 && len(want) == len(got) {
		return ""
	}
	return fmt.Sprintf("missing %v, extra %v (want %d days, got %d)", missing, extra, len(want), len(got))
}

// TestLunarGoMatchesDomainTable catches a wrong upstream change: lunar-go's 2025 and 2026 data
// must equal domain.md §4 exactly, every day off and every make-up day — both as lunar-go
// reports it and as this package converted it.
func TestLunarGoMatchesDomainTable(t *testing.T) {
	c := New()
	for _, year := range []int{2025, 2026} {
		row := domainTable[year]
		wantOff := parseDomainDays(t, year, row.daysOff, ";")
		wantUp := parseDomainDays(t, year, row.makeUp, ",")

		rawOff, rawUp := rawLunarGo(year)
		if d := diff(wantOff, rawOff); d != "" {
			t.Errorf("%d lunar-go days off differ from domain.md §4: %s", year, d)
		}
		if d := diff(wantUp, rawUp); d != "" {
			t.Errorf("%d lunar-go make-up days differ from domain.md §4: %s", year, d)
		}

		y, err := c.Year(year)
		if err != nil {
			t.Fatalf("Year(%d): %v", year, err)
		}
		if d := diff(wantOff, formatDays(y.DaysOff())); d != "" {
			t.Errorf("%d converted days off differ from domain.md §4: %s", year, d)
		}
		if d := diff(wantUp, formatDays(y.MakeUpWorkdays())); d != "" {
			t.Errorf("%d converted make-up days differ from domain.md §4: %s", year, d)
		}

		// Every day of the year, through the public API, against the rule applied to the table.
		for d := Date(year, 1, 1); d.Year() == year; d = d.AddDate(0, 0, 1) {
			s := d.Format(dateLayout)
			want := (!isWeekend(d) && !slices.Contains(wantOff, s)) || slices.Contains(wantUp, s)
			got, err := c.IsWorkingDay(d)
			if err != nil || got != want {
				t.Errorf("IsWorkingDay(%s) = %v, %v; want %v", s, got, err, want)
			}
		}
	}
}

// TestLunarGoCoverage pins which lunar-go years are used and that they are exactly the ones
// v1.4.7 ships from 2025 on. If a lunar-go upgrade adds 2028, this fails on purpose: check the
// new year against the State Council notice, then extend lunarGoYears (and domain.md §4).
func TestLunarGoCoverage(t *testing.T) {
	if want := []int{2025, 2026, 2027}; !slices.Equal(lunarGoYears, want) {
		t.Fatalf("lunarGoYears = %v, want %v", lunarGoYears, want)
	}
	if len(lunarErr) != 0 {
		t.Fatalf("lunar-go data refused by validation: %v", lunarErr)
	}
	for _, y := range lunarGoYears {
		if HolidayUtil.GetHolidaysByYear(y).Len() == 0 {
			t.Errorf("lunar-go has no holiday entries for %d", y)
		}
	}
	for y := 2028; y <= 2040; y++ {
		if n := HolidayUtil.GetHolidaysByYear(y).Len(); n != 0 {
			t.Errorf("lunar-go now has %d entries for %d: verify them against the notice and add %d to lunarGoYears", n, y, y)
		}
	}
	c := New()
	if got := c.Years(); !slices.Equal(got, lunarGoYears) {
		t.Errorf("New().Years() = %v, want %v", got, lunarGoYears)
	}
	for _, y := range lunarGoYears {
		if src, ok := c.Source(y); !ok || src != SourceLunarGo {
			t.Errorf("Source(%d) = %q, %v; want %q", y, src, ok, SourceLunarGo)
		}
	}
	// 2024 is in lunar-go but deliberately unused (not cross-checked): it must be missing.
	if _, err := c.IsWorkingDay(Date(2024, 10, 8)); !isMissingYear(err, 2024) {
		t.Errorf("IsWorkingDay(2024-10-08) error = %v, want CALENDAR_MISSING for 2024", err)
	}
}

// TestLunarGoYearMissing covers the branch where a listed year has no lunar-go data.
func TestLunarGoYearMissing(t *testing.T) {
	data, errs := loadLunarGo([]int{2026, 2031})
	if data[2026] == nil || data[2031] != nil || errs[2031] == nil {
		t.Fatalf("loadLunarGo: data=%v errs=%v", data, errs)
	}
}

func isMissingYear(err error, year int) bool {
	y, ok := IsMissing(err)
	return ok && y == year
}
