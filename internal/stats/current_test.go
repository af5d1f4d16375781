package stats_test

import (
	"testing"

	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/stats"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestCounts_AgreeTwoWays computes each count over the fixture year — which has a corrected
// result (R5, superseded by R5b, which found no problem) — two ways, the dashboard aggregate and
// a dedicated query, and asserts they agree: a superseded original counts nowhere.
func TestCounts_AgreeTwoWays(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	ctx := h.sys
	sys := viewer.FromContext(ctx)

	// 1. Published results: the aggregate's total, a query of current versions, and the ones a
	// client sees as current one by one.
	total, _, err := stats.Grouping(ctx, entsql.OpenDB(h.db.Dialect, h.db.SQL), sys, []string{stats.ByDepartment}, stats.GroupingFilter{PublishedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	direct := h.client.Result.Query().Where(result.StatusEQ(result.StatusPUBLISHED), results.Current()).CountX(ctx)
	all := h.client.Result.Query().Where(result.StatusEQ(result.StatusPUBLISHED)).AllX(ctx)
	oneByOne := 0
	for _, r := range all {
		cur, err := results.IsCurrent(ctx, h.client, r)
		if err != nil {
			t.Fatal(err)
		}
		sup, err := results.SupersededBy(ctx, h.client, r)
		if err != nil {
			t.Fatal(err)
		}
		if cur != (sup == nil) {
			t.Fatalf("result %d: current %v, superseded by %v", r.ID, cur, sup)
		}
		if cur {
			oneByOne++
		}
	}
	// R1, R2, R3, R5b, R8, R9: seven published versions, R5 superseded.
	if total != 6 || direct != 6 || oneByOne != 6 || len(all) != 7 {
		t.Fatalf("published: aggregate %d, query %d, one by one %d (of %d versions), want 6", total, direct, oneByOne, len(all))
	}

	// 2. Per item: the aggregate by item against a dedicated count of current published
	// results covering the item.
	_, groups, err := stats.Grouping(ctx, entsql.OpenDB(h.db.Dialect, h.db.SQL), sys, []string{stats.ByItem}, stats.GroupingFilter{PublishedOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	byCode := map[string]int{}
	for _, g := range groups {
		byCode[g.Keys[0]] = g.Count
	}
	for _, code := range []string{"SCJG-01", "SCJG-02", "WJ-01"} {
		n := h.client.Result.Query().Where(result.StatusEQ(result.StatusPUBLISHED), results.Current(),
			result.HasItemsWith(resultitem.HasItemWith(inspectionitem.Code(code)))).CountX(ctx)
		if byCode[code] != n {
			t.Errorf("item %s: aggregate %d, query %d", code, byCode[code], n)
		}
	}
	if byCode["SCJG-02"] != 2 { // R3 (unchecked) and R5b — not R5
		t.Errorf("SCJG-02 aggregate = %d, want 2", byCode["SCJG-02"])
	}

	// 3. Problem rate per item against a dedicated query of the year's current checked items.
	rates, err := stats.ProblemRate(ctx, h.client, year)
	if err != nil {
		t.Fatal(err)
	}
	// The 2025 tasks: T1, T2, T3 and T6 (T4 is cancelled, T5 belongs to 2024).
	tasks := h.client.Task.Query().Where(task.NumberIn("3709212025T1", "3709212025T2", "3709212025T3", "3709212025T6")).IDsX(ctx)
	count := func(code string, problem bool) int {
		q := h.client.ResultItem.Query().Where(resultitem.Checked(true), resultitem.HasItemWith(inspectionitem.Code(code)),
			resultitem.HasResultWith(result.StatusEQ(result.StatusPUBLISHED), results.Current(), result.TaskIDIn(tasks...)))
		if problem {
			q.Where(resultitem.ProblemFound(true))
		}
		return q.CountX(ctx)
	}
	seen := map[string]bool{}
	for _, r := range rates {
		seen[r.Code] = true
		if c, p := count(r.Code, false), count(r.Code, true); r.Checked != c || r.ProblemFound != p {
			t.Errorf("item %s: problemRate %d/%d, query %d/%d", r.Code, r.ProblemFound, r.Checked, p, c)
		}
		if r.Code == "SCJG-02" && (r.Checked != 1 || r.ProblemFound != 0) {
			t.Errorf("SCJG-02: the corrected R5 still counts: %+v", r)
		}
	}
	if !seen["SCJG-01"] || !seen["SCJG-02"] || !seen["WJ-01"] {
		t.Fatalf("problem rates = %+v", rates)
	}
}
