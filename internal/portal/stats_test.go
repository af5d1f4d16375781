package portal_test

import (
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/lists"
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
	t.Parallel()
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

// TestPortal_ListsCurrentByEffectiveDate: a list version published with a later effective date
// is shown as 待生效 and the old one stays 现行 until that date (lists.CurrentIDs); on the date
// the page changes without any new publication (the business date is part of the ETag).
func TestPortal_ListsCurrentByEffectiveDate(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	fixed := h.clock
	fixed.Move(time.Date(2026, 1, 20, 10, 0, 0, 0, clock.CST))
	sys := h.db.Context(testutil.System())
	wj, err := h.client.Department.Query().Where(department.Code("WJ")).Only(sys)
	if err != nil {
		t.Fatal(err)
	}
	nv, err := lists.NewVersion(sys, h.client, wj.ID, "", "调整抽查比例")
	if err == nil {
		var fl *ent.Filing
		if fl, err = lists.Submit(sys, h.client, nv.ID); err == nil {
			if _, err = lists.Decide(sys, h.client, fl.ID, true, ""); err == nil {
				_, err = lists.Publish(sys, h.client, nv.ID, time.Date(2026, 3, 1, 0, 0, 0, 0, clock.CST))
			}
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	row := func(body string, version int) string {
		re := regexp.MustCompile(fmt.Sprintf(`<a href="/lists/\d+">第 %d 版</a>([^<]*<span class="tag [a-z]+">[^<]*</span>)?`, version))
		var out []string
		for _, m := range re.FindAllStringSubmatch(body, -1) {
			out = append(out, visible(m[0]))
		}
		return strings.Join(out, "|")
	}
	before := h.get(t, "/lists")
	if !strings.Contains(row(before.body, nv.Version), "待生效") || strings.Contains(row(before.body, nv.Version), "现行") {
		t.Errorf("the new version before its date: %q", row(before.body, nv.Version))
	}
	if !strings.Contains(row(before.body, nv.Version-1), "现行") {
		t.Errorf("the old versions before the date: %q", row(before.body, nv.Version-1))
	}
	fixed.Move(time.Date(2026, 3, 1, 8, 0, 0, 0, clock.CST))
	after := h.get(t, "/lists", "If-None-Match", before.header.Get("ETag"))
	if after.status != http.StatusOK {
		t.Fatalf("on the effective date the page is answered %d", after.status)
	}
	if !strings.Contains(row(after.body, nv.Version), "现行") {
		t.Errorf("the new version on its date: %q", row(after.body, nv.Version))
	}
}
