package portal_test

import (
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/internal/demo"
	hubpkg "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/portal"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/uscc"
)

// benchResults is the number of published results of BenchmarkPortalSearch:
// SSGK_BENCH_RESULTS or 1,000,000.
func benchResults() int {
	if n, err := strconv.Atoi(os.Getenv("SSGK_BENCH_RESULTS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// Fixture ids: each table's ent id range (type << 32) plus 2^31, far above the demo's rows.
const (
	benchOffset     = 1 << 31
	benchTargetBase = 111669149696 + benchOffset
	benchResultBase = 98784247808 + benchOffset
	benchPubBase    = 94489280512 + benchOffset
	benchTaskID     = 120259084288 + benchOffset
	benchTaskNumber = "BENCH-2026-0001"
)

// USCCs of the fixture: "913709210" + 8 digits of i + the GB 32100 check character.
const benchUSCCPrefix = "913709210"

var usccWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

func benchUSCC(i int) string {
	s := fmt.Sprintf("%s%08d", benchUSCCPrefix, i)
	return s + string(uscc.CheckChar(s))
}

// usccSQL is the SQL expression of benchUSCC(i) for an integer column i.
func usccSQL(d string, i string) string {
	p := 0
	for k := range len(benchUSCCPrefix) {
		p += strings.IndexByte(uscc.Charset(), benchUSCCPrefix[k]) * usccWeights[k]
	}
	sum := []string{strconv.Itoa(p)}
	for k := range 8 {
		div := 1
		for range 7 - k {
			div *= 10
		}
		sum = append(sum, fmt.Sprintf("((%s / %d) %% 10) * %d", i, div, usccWeights[9+k]))
	}
	digits := fmt.Sprintf("substr('00000000' || %s, -8, 8)", i)
	if d == dialect.Postgres {
		digits = fmt.Sprintf("lpad(%s::text, 8, '0')", i)
	}
	return fmt.Sprintf("'%s' || %s || substr('%s', ((31 - (%s) %% 31) %% 31) + 1, 1)",
		benchUSCCPrefix, digits, uscc.Charset(), strings.Join(sum, " + "))
}

// Names: 宁阳县 + trade word ((i/8) % 200) + i/8 + 号 + suffix (i % 8): the fragment
// trade word + i/8 + 号 matches exactly the 8 targets of the group.
var benchModifiers = []string{"", "鑫", "华", "泰", "宏"}

var benchTrades = []string{"五金", "建材", "食品", "餐饮", "农资", "医药", "服装", "家电", "汽车维修", "物流",
	"粮油", "水产", "果蔬", "酒水", "烟酒", "茶叶", "家具", "装饰", "电子", "通讯",
	"化工", "塑料", "纺织", "印刷", "包装", "机械", "电气", "钢材", "木业", "石材",
	"养殖", "种业", "肥料", "饲料", "百货", "超市", "文具", "眼镜", "美容", "洗浴"}

var benchSuffixes = []string{"有限公司", "商行", "经营部", "店", "有限责任公司", "专业合作社", "工作室", "门市部"}

func benchTrade(k int) string {
	return benchModifiers[k/len(benchTrades)] + benchTrades[k%len(benchTrades)]
}

// benchFragment is the name fragment shared by the 8 targets of i's group.
func benchFragment(i int) string { return benchTrade((i/8)%200) + strconv.Itoa(i/8) + "号" }

func benchName(i int) string {
	return "宁阳县" + benchFragment(i) + benchSuffixes[i%8]
}

func sqlQuote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// fillResults inserts n targets, one task, n published results and their n RESULT publications
// with plain SQL: the fixture, not the thing measured. The name search index (store/search.go)
// fills itself as for any other write to targets: SQLite's triggers, PostgreSQL's expression
// index.
func fillResults(b *testing.B, db *hubpkg.Hub, n int) {
	b.Helper()
	ctx := testutil.System()
	scjg := db.Client.Department.Query().Where(department.Code("SCJG")).OnlyX(ctx)
	item := db.Client.InspectionItem.Query().FirstX(ctx)
	pg := db.Dialect == dialect.Postgres

	now, jsonb := "datetime('now')", ""
	day := func(x string) string {
		return fmt.Sprintf("datetime('2026-01-01 01:30:00', '+' || (%s) || ' days')", x)
	}
	date := func(x string) string { return fmt.Sprintf("date('2026-01-01', '+' || (%s) || ' days')", x) }
	hex64 := func(x string) string { return fmt.Sprintf("printf('%%064x', %s)", x) }
	series := fmt.Sprintf("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < %d) ", n)
	from := "s"
	if pg {
		now, jsonb = "now()", "::jsonb"
		day = func(x string) string {
			return fmt.Sprintf("(timestamptz '2026-01-01 09:30:00+08' + (%s) * interval '1 day')", x)
		}
		date = func(x string) string { return fmt.Sprintf("to_char(date '2026-01-01' + (%s)::int, 'YYYY-MM-DD')", x) }
		hex64 = func(x string) string { return fmt.Sprintf("lpad(to_hex(%s), 64, '0')", x) }
		series, from = "", fmt.Sprintf("generate_series(1, %d) AS s(i)", n)
	}

	stmts := []string{`CREATE TABLE bench_trades (k integer PRIMARY KEY, w text NOT NULL)`,
		`CREATE TABLE bench_suffixes (k integer PRIMARY KEY, w text NOT NULL)`}
	var vals []string
	for k := range 200 {
		vals = append(vals, fmt.Sprintf("(%d, %s)", k, sqlQuote(benchTrade(k))))
	}
	stmts = append(stmts, "INSERT INTO bench_trades (k, w) VALUES "+strings.Join(vals, ", "))
	vals = vals[:0]
	for k, s := range benchSuffixes {
		vals = append(vals, fmt.Sprintf("(%d, %s)", k, sqlQuote(s)))
	}
	stmts = append(stmts, "INSERT INTO bench_suffixes (k, w) VALUES "+strings.Join(vals, ", "))

	stmts = append(stmts, fmt.Sprintf(`%sINSERT INTO targets (id, created_at, updated_at, division_code, kind, uscc, name, status, credit_risk_class, abnormal_list, licences, tags)
SELECT %d + i, %s, %s, '370921', 'ENTERPRISE', %s, '宁阳县' || t.w || (i / 8) || '号' || x.w, 'EXISTING', 'B', false, '[]', '[]'
FROM %s JOIN bench_trades t ON t.k = (i / 8) %% 200 JOIN bench_suffixes x ON x.k = i %% 8`,
		series, benchTargetBase, now, now, usccSQL(db.Dialect, "i"), from))

	stmts = append(stmts, fmt.Sprintf(`INSERT INTO tasks (id, created_at, updated_at, division_code, number, name, kind, special, status, window_start, window_end, initiator_id)
VALUES (%d, %s, %s, '370921', '%s', '2026 年度企业公示信息抽查（基准）', 'UNTARGETED', false, 'INSPECTING', %s, %s, %d)`,
		benchTaskID, now, now, benchTaskNumber, day("0"), day("365"), scjg.ID))

	i := fmt.Sprintf("(t.id - %d)", benchTargetBase)
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO results (id, created_at, updated_at, division_code, status, version, inspection_end_date, published_at, department_id, target_id, task_id)
SELECT %d + %s, %s, %s, '370921', 'PUBLISHED', 1, %s, %s, %d, t.id, %d FROM targets t WHERE t.id > %d`,
		benchResultBase, i, now, now, day(i+" % 360"), day(i+" % 360 + 3"), scjg.ID, benchTaskID, benchTargetBase))

	// The payload has the shape of results.publicResult (publish.Result).
	items, err := json.Marshal([]map[string]any{{"item_code": item.Code, "item_name": item.Name, "checked": true,
		"problem_found": false, "problem": "", "handling": "", "result": "未发现问题", "codes": []any{}}})
	if err != nil {
		b.Fatal(err)
	}
	head := fmt.Sprintf(`{"plan_number":"","plan_name":"","task_number":"%s","task_name":"2026 年度企业公示信息抽查（基准）","task_type":"不定向抽查","authority":%s,"version":1,"items":%s,"result_codes":[{"code":"01","name":"未发现问题"}],"methods":["书面检查"],"follow_up":"","adopted_from_result_id":0,"target_name":"`,
		benchTaskNumber, mustJSON(b, scjg.Name), items)
	payload := fmt.Sprintf(`%s || t.name || '","target_code":"' || t.uscc || '","result_id":' || (%d + %s) || ',"completed_on":"' || %s || '"}'`,
		sqlQuote(head), benchResultBase, i, date(i+" % 360"))
	stmts = append(stmts, fmt.Sprintf(`INSERT INTO publications (id, created_at, updated_at, division_code, kind, title, published_at, subject_type, subject_id, payload, digest, department_id)
SELECT %d + %s, %s, %s, '370921', 'RESULT', '检查结果：' || t.name, %s, 'Result', %d + %s, (%s)%s, %s, %d FROM targets t WHERE t.id > %d`,
		benchPubBase, i, now, now, day(i+" % 360 + 3"), benchResultBase, i, payload, jsonb, hex64(i), scjg.ID, benchTargetBase))
	stmts = append(stmts, `DROP TABLE bench_trades`, `DROP TABLE bench_suffixes`)
	if pg {
		stmts = append(stmts, `ANALYZE targets`, `ANALYZE results`, `ANALYZE publications`)
	} else {
		stmts = append(stmts, `ANALYZE`)
	}
	for _, q := range stmts {
		t0 := time.Now()
		if _, err := db.SQL.ExecContext(ctx, q); err != nil {
			b.Fatalf("%v\n%.600s", err, q)
		}
		b.Logf("fixture %.60s…: %v", strings.Join(strings.Fields(q), " "), time.Since(t0).Round(time.Millisecond))
	}
	// The SQL and Go spellings of the fixture agree.
	for _, k := range []int{1, n / 3, n} {
		var got, name string
		if err := db.SQL.QueryRowContext(ctx, fmt.Sprintf("SELECT uscc, name FROM targets WHERE id = %d", benchTargetBase+k)).Scan(&got, &name); err != nil {
			b.Fatal(err)
		}
		if got != benchUSCC(k) || name != benchName(k) {
			b.Fatalf("target %d: %s %s, want %s %s", k, got, name, benchUSCC(k), benchName(k))
		}
		// The name search index has the target, and the fragment is not broad.
		p, ok := store.NameCandidates(benchFragment(k))
		if !ok {
			b.Fatalf("the name search index does not serve %q", benchFragment(k))
		}
		ids, err := db.Client.Target.Query().Where(predicate.Target(p)).IDs(ctx)
		if err != nil {
			b.Fatal(err)
		}
		broad, err := store.NameCandidatesBroad(ctx, entsql.OpenDB(db.Dialect, db.SQL), benchFragment(k))
		if err != nil {
			b.Fatal(err)
		}
		if !slices.Contains(ids, benchTargetBase+k) || broad {
			b.Fatalf("name search index: %q gives %d targets (broad %v), not target %d", benchFragment(k), len(ids), broad, k)
		}
	}
}

func mustJSON(b *testing.B, v any) string {
	j, err := json.Marshal(v)
	if err != nil {
		b.Fatal(err)
	}
	return string(j)
}

// BenchmarkPortalSearch measures /results?q=… of the public portal over SSGK_BENCH_RESULTS
// (default 1,000,000) published results (issue 7): by USCC and by a name fragment that matches
// a handful of enterprises. A Go client sends sequential requests over loopback to the portal
// handler (20 warm-ups, then SSGK_BENCH_REQUESTS, default 500, per kind — fewer if a kind has
// used up SSGK_BENCH_BUDGET seconds, default 120, with at least 30 done) and reports p50/p99.
// Every response must be 200 and show the enterprise searched for.
func BenchmarkPortalSearch(b *testing.B) {
	db := testutil.Open(b)
	ctx := testutil.System()
	if _, err := demo.Load(ctx, db.Client, demo.Options{Targets: 10, Inspectors: 20}); err != nil {
		b.Fatal(err)
	}
	n := benchResults()
	t0 := time.Now()
	fillResults(b, db, n)
	b.Logf("fixture: %d published results in %v (%s)", n, time.Since(t0).Round(time.Second), db.Dialect)
	requests := 500
	if v, err := strconv.Atoi(os.Getenv("SSGK_BENCH_REQUESTS")); err == nil && v > 0 {
		requests = v
	}
	budget := 120 * time.Second
	if v, err := strconv.Atoi(os.Getenv("SSGK_BENCH_BUDGET")); err == nil && v > 0 {
		budget = time.Duration(v) * time.Second
	}

	srv := httptest.NewServer(portal.Handler(db))
	defer srv.Close()
	client := srv.Client()
	rng := rand.New(rand.NewPCG(7, uint64(n)))
	get := func(q, want string) time.Duration {
		start := time.Now()
		resp, err := client.Get(srv.URL + "/results?q=" + url.QueryEscape(q))
		if err != nil {
			b.Fatal(err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		d := time.Since(start)
		if err != nil {
			b.Fatal(err)
		}
		if resp.StatusCode != http.StatusOK || !strings.Contains(string(body), want) {
			b.Fatalf("GET /results?q=%s: %d, page lacks %q:\n%.800s", q, resp.StatusCode, want, body)
		}
		return d
	}
	kinds := []struct {
		name  string
		query func(i int) (q, want string)
	}{
		// The query is echoed in the search box: the full name is on the page only in a result.
		{"uscc", func(i int) (string, string) { return benchUSCC(i), benchName(i) }},
		{"name", func(i int) (string, string) {
			return benchFragment(i), benchName(i)
		}},
	}
	b.ResetTimer()
	for range b.N {
		for _, k := range kinds {
			for range 20 {
				get(k.query(1 + rng.IntN(n)))
			}
			var lat []time.Duration
			start := time.Now()
			for len(lat) < requests && (len(lat) < 30 || time.Since(start) < budget) {
				lat = append(lat, get(k.query(1+rng.IntN(n))))
			}
			slices.Sort(lat)
			pct := func(p float64) float64 {
				return float64(lat[max(0, int(math.Ceil(p*float64(len(lat))))-1)].Microseconds()) / 1000 // nearest rank
			}
			b.ReportMetric(pct(0.50), k.name+"-p50-ms")
			b.ReportMetric(pct(0.99), k.name+"-p99-ms")
			b.ReportMetric(float64(lat[len(lat)-1].Microseconds())/1000, k.name+"-max-ms")
			b.ReportMetric(float64(len(lat)), k.name+"-requests")
		}
		b.ReportMetric(float64(n), "results")
	}
}
