package portal

import (
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/stats"
)

// statsView is the statistics page: the year's figures per department and the county total.
type statsView struct {
	Year, Prev, Next int
	Today            string
	Rows             []statsRow
	Total            statsRow
}

// statsRow is one department's figures with the rates written as percentages.
type statsRow struct {
	stats.DepartmentYear
	ProblemPct, OnTimePct string
}

func pct(part, whole int, r float64) string {
	if whole == 0 {
		return "—"
	}
	return fmt.Sprintf("%.1f%%", r*100)
}

func rowOf(d stats.DepartmentYear) statsRow {
	return statsRow{DepartmentYear: d, ProblemPct: pct(d.ProblemFound, d.Checked, d.ProblemRate),
		OnTimePct: pct(d.OnTime, d.OnTime+d.Late+d.Overdue, d.OnTimeRate)}
}

// statistics serves /stats?year=YYYY (default: the business year). Overdue figures change with
// the date and with results not yet published, so the page is not answered from the published
// record's ETag: it is computed on every request (a few grouped queries).
func (h *handler) statistics(w http.ResponseWriter, r *http.Request) {
	now := clock.Now(r.Context())
	year := calendar.DateOf(now).Year()
	if s := r.URL.Query().Get("year"); s != "" {
		y, err := strconv.Atoi(s)
		if err != nil || y < 2000 || y > 2100 {
			h.fail(w, r, badRequest("BAD_YEAR", "年度“%s”无效，请填写 2000 至 2100 之间的年份", s))
			return
		}
		year = y
	}
	f, err := h.d.yearFigures(r.Context(), year)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := statsView{Year: year, Prev: year - 1, Next: year + 1, Today: calendar.DateOf(now).Format(time.DateOnly), Total: rowOf(f.Total)}
	for _, d := range f.Departments {
		v.Rows = append(v.Rows, rowOf(d))
	}
	w.Header().Set("Cache-Control", "no-cache")
	if err := h.render(w, r, http.StatusOK, "stats", view{Title: fmt.Sprintf("%d 年度抽查统计", year), Section: "stats", D: v}); err != nil {
		h.fail(w, r, err)
	}
}
