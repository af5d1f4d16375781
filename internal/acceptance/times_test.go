package acceptance

import (
	"testing"
	"time"

	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestAggregate_MonthIsChinaTime: a result published at 01:00 on 1 October (China Standard
// Time) counts in October on both databases, although SQLite stores the instant in UTC (30
// September, 17:00).
func TestAggregate_MonthIsChinaTime(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	o := h.ongoingTask()
	ctx, c := h.sys, h.db.Client
	h.clock.Move(time.Date(2026, 10, 1, 1, 0, 0, 0, clock.CST))
	if _, err := results.Approve(ctx, c, o.PendingID); err != nil {
		t.Fatal(err)
	}
	if _, err := results.Publish(ctx, c, o.PendingID, results.PublishOptions{At: time.Date(2026, 10, 1, 1, 0, 0, 0, clock.CST)}); err != nil {
		t.Fatal(err)
	}
	r := h.gql(h.token("SCJG", viewer.RoleOffice), `{ resultAggregate(groupBy: [MONTH], filter: {publishedOnly: true}) { groups { keys count } } }`, nil)
	var agg struct {
		Groups []struct {
			Keys  []string
			Count int
		}
	}
	r.into(t, "resultAggregate", &agg)
	months := map[string]int{}
	for _, g := range agg.Groups {
		months[g.Keys[0]] = g.Count
	}
	// The demo year's results were published on 20 October (one of them superseded by its
	// November correction, which counts in November); the new one on 1 October, China time.
	if months["2026-10"] != 20 || months["2026-09"] != 0 || months["2026-11"] != 1 {
		t.Errorf("published results by month: %v (%s)", months, r.Raw)
	}
}
