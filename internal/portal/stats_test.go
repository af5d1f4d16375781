package portal_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/internal/stats"
	"github.com/ssgk/ssgk/internal/testutil"
)

var (
	statsRowRE  = regexp.MustCompile(`(?s)<tr data-department="([^"]*)"[^>]*>(.*?)</tr>`)
	statsCellRE = regexp.MustCompile(`(?s)<td class="([a-z-]+)">(.*?)</td>`)
	numRE       = regexp.MustCompile(`\d+`)
)

// statsFigures reads the figures of the portal's statistics page: per department code ("" for
// the county total), per column the numbers in its cell (rates left out).
func statsFigures(t *testing.T, body string) map[string]map[string][]int {
	t.Helper()
	out := map[string]map[string][]int{}
	for _, m := range statsRowRE.FindAllStringSubmatch(body, -1) {
		cells := map[string][]int{}
		for _, c := range statsCellRE.FindAllStringSubmatch(m[2], -1) {
			text := regexp.MustCompile(`\d+\.\d+%`).ReplaceAllString(c[2], "")
			var ns []int
			for _, n := range numRE.FindAllString(text, -1) {
				v, _ := strconv.Atoi(n)
				ns = append(ns, v)
			}
			cells[c[1]] = ns
		}
		out[m[1]] = cells
	}
	return out
}

// TestPortal_StatsPage: /stats shows, per department and for the county, the figures of the
// statistics GraphQL serves (stats.Figures: JointShare, OnTimeRate, ProblemRate, DrawnTargets),
// is linked from every page's navigation, has no script, is not answered from the published
// record's cache, and refuses an invalid year with its code.
func TestPortal_StatsPage(t *testing.T) {
	h := newHub(t)
	r := h.get(t, "/stats?year=2026")
	if r.status != http.StatusOK || strings.Contains(r.body, "<script") || r.header.Get("ETag") != "" {
		t.Fatalf("/stats: %d, ETag %q", r.status, r.header.Get("ETag"))
	}
	if !strings.Contains(h.get(t, "/").body, `href="/stats"`) {
		t.Error("the navigation does not link the statistics page")
	}
	want, err := stats.Figures(testutil.System(), h.client, 2026)
	if err != nil {
		t.Fatal(err)
	}
	if len(want.Departments) == 0 || want.Total.Published == 0 {
		t.Fatalf("fixture: nothing to count %+v", want)
	}
	got := statsFigures(t, r.body)
	check := func(code string, d stats.DepartmentYear) {
		t.Helper()
		g := got[code]
		if g == nil {
			t.Errorf("%q: no row on the page", code)
			return
		}
		expect := map[string][]int{"tasks": {d.Tasks}, "drawn": {d.DrawnTargets}, "published": {d.Published},
			"problem-rate": {d.ProblemFound, d.Checked}, "on-time-rate": {d.OnTime, d.Late}, "overdue": {d.Overdue}, "pending": {d.Pending}}
		for col, w := range expect {
			if fmt.Sprint(g[col]) != fmt.Sprint(w) {
				t.Errorf("%q %s: page %v, statistics %v", code, col, g[col], w)
			}
		}
	}
	for _, d := range want.Departments {
		check(d.DepartmentCode, d)
	}
	check("", want.Total)
	if len(got) != len(want.Departments)+1 {
		t.Errorf("page rows %d, departments %d + total", len(got), len(want.Departments))
	}
	if r := h.get(t, "/stats?year=abc"); r.status != http.StatusBadRequest || !strings.Contains(r.body, "BAD_YEAR") {
		t.Errorf("invalid year: %d", r.status)
	}
	if r := h.get(t, "/stats?year=2030"); r.status != http.StatusOK || !strings.Contains(r.body, "没有已公告的抽查任务") {
		t.Errorf("a year without tasks: %d", r.status)
	}
}
