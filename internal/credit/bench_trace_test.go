package credit_test

import (
	"context"
	"database/sql"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/testutil"
)

// A diagnostic for the credit-centre benchmarks (SSGK_BENCH_TRACE=1): the ent driver is wrapped
// so that, after each measurement, a few more requests are sent with every statement the hub
// sends through ent timed and counted; the statements are logged by total time. The raw-SQL
// paths (the sharing owners query) are not seen here.

type creditTracer struct {
	on    atomic.Bool
	mu    sync.Mutex
	stats map[string]*creditStat
}

type creditStat struct {
	n     int
	total time.Duration
}

var creditNumbers = regexp.MustCompile(`\b\d+\b`)

func (t *creditTracer) record(q string, start time.Time) {
	if !t.on.Load() {
		return
	}
	d := time.Since(start)
	q = creditNumbers.ReplaceAllString(q, "N")
	if len(q) > 400 {
		q = q[:400] + "…"
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.stats == nil {
		t.stats = map[string]*creditStat{}
	}
	s := t.stats[q]
	if s == nil {
		s = &creditStat{}
		t.stats[q] = s
	}
	s.n++
	s.total += d
}

// run traces the statements of fn (requests requests) and logs the costliest.
func (t *creditTracer) run(b *testing.B, requests int, fn func()) {
	t.mu.Lock()
	t.stats = map[string]*creditStat{}
	t.mu.Unlock()
	t.on.Store(true)
	start := time.Now()
	for range requests {
		fn()
	}
	wall := time.Since(start)
	t.on.Store(false)
	t.mu.Lock()
	defer t.mu.Unlock()
	type row struct {
		q string
		s *creditStat
	}
	var rows []row
	var n int
	var total time.Duration
	for q, s := range t.stats {
		rows = append(rows, row{q, s})
		n += s.n
		total += s.total
	}
	sort.Slice(rows, func(i, j int) bool { return rows[i].s.total > rows[j].s.total })
	b.Logf("trace: %d requests in %v; %.1f statements per request through ent, %v of statement time per request",
		requests, wall.Round(time.Millisecond), float64(n)/float64(requests), (total / time.Duration(requests)).Round(time.Microsecond))
	for i, r := range rows {
		if i == 12 {
			break
		}
		b.Logf("trace: %6.1f/req %9v/req  %s", float64(r.s.n)/float64(requests),
			(r.s.total / time.Duration(requests)).Round(time.Microsecond), r.q)
	}
}

type creditTraceDriver struct {
	dialect.Driver
	t *creditTracer
}

func (d *creditTraceDriver) Exec(ctx context.Context, q string, args, v any) error {
	defer d.t.record(q, time.Now())
	return d.Driver.Exec(ctx, q, args, v)
}

func (d *creditTraceDriver) Query(ctx context.Context, q string, args, v any) error {
	defer d.t.record(q, time.Now())
	return d.Driver.Query(ctx, q, args, v)
}

func (d *creditTraceDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &creditTraceTx{Tx: tx, t: d.t}, nil
}

type creditRawSQL interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

func (d *creditTraceDriver) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer d.t.record(q, time.Now())
	return d.Driver.(creditRawSQL).ExecContext(ctx, q, args...)
}

func (d *creditTraceDriver) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	defer d.t.record(q, time.Now())
	return d.Driver.(creditRawSQL).QueryContext(ctx, q, args...)
}

type creditTraceTx struct {
	dialect.Tx
	t *creditTracer
}

func (x *creditTraceTx) Exec(ctx context.Context, q string, args, v any) error {
	defer x.t.record(q, time.Now())
	return x.Tx.Exec(ctx, q, args, v)
}

func (x *creditTraceTx) Query(ctx context.Context, q string, args, v any) error {
	defer x.t.record(q, time.Now())
	return x.Tx.Query(ctx, q, args, v)
}

func (x *creditTraceTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	defer x.t.record(q, time.Now())
	return x.Tx.(creditRawSQL).ExecContext(ctx, q, args...)
}

func (x *creditTraceTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	defer x.t.record(q, time.Now())
	return x.Tx.(creditRawSQL).QueryContext(ctx, q, args...)
}

// creditExplainOwners times the sharing owners query of a page of 1,000 targets (the SQL of
// sharing.ownerQueries[Target]) and logs its plan.
func creditExplainOwners(b *testing.B, db *store.DB, from int) {
	ids := make([]string, 1000)
	for k := range ids {
		ids[k] = strconv.Itoa(creditTargetBase + from + 1 + k)
	}
	q := "SELECT m.target_id, l.department_id FROM target_library_targets m JOIN target_libraries l ON l.id = m.target_library_id WHERE m.target_id IN (" +
		strings.Join(ids, ",") + ")"
	ctx := testutil.System()
	var best time.Duration
	for i := range 5 {
		start := time.Now()
		rows, err := db.SQL.QueryContext(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		k := 0
		for rows.Next() {
			k++
		}
		rows.Close()
		if d := time.Since(start); i == 0 || d < best {
			best = d
		}
		if k != 1000 {
			b.Fatalf("owners query: %d rows, want 1000", k)
		}
	}
	b.Logf("trace: sharing owners query for 1,000 targets: best of 5 %v", best.Round(time.Microsecond))
	explain := "EXPLAIN QUERY PLAN "
	if db.Dialect == dialect.Postgres {
		explain = "EXPLAIN (ANALYZE, COSTS OFF) "
	}
	rows, err := db.SQL.QueryContext(ctx, explain+q)
	if err != nil {
		b.Fatal(err)
	}
	defer rows.Close()
	cols, _ := rows.Columns()
	for rows.Next() {
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals {
			ptrs[i] = &vals[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			b.Fatal(err)
		}
		line := fmt.Sprint(vals[len(vals)-1])
		if bs, ok := vals[len(vals)-1].([]byte); ok {
			line = string(bs)
		}
		if len(line) > 200 {
			line = line[:200] + "…"
		}
		b.Logf("trace: plan: %s", line)
	}
}
