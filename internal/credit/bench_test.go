package credit_test

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/ssgk/ssgk/internal/credit"
	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/uscc"
	"github.com/ssgk/ssgk/internal/viewer"
)

// BenchmarkCreditCentre measures the credit centre's API over HTTP GraphQL on loopback (issue 6,
// item 11), on the database chosen by SSGK_TEST_POSTGRES, over SSGK_BENCH_RESULTS (default
// 1,000,000) published results (fixture: bench_fixture_test.go, built outside the timer). The
// viewer is a department token of 县发改局 (FG, the credit centre) with the CREDIT_CENTER role;
// FG holds an approved grant for the "contact" fields of 县市场监管局 (SCJG), which owns every
// enterprise. Sub-benchmarks, each reporting its figures as metrics:
//
//   - EntityHistory: entityHistory(uscc:) of the enterprise with 50 published results —
//     20 warm-ups, then SSGK_BENCH_REQUESTS (default 500) sequential requests, fewer if
//     SSGK_BENCH_BUDGET seconds (default 120) are used up; p50/p99/max in ms.
//   - ChangeFeed: changes(first: 10000) — the first page, then SSGK_BENCH_PAGES (default 10)
//     pages after random cursors; ms per page.
//   - FieldAuthOverhead: targets(first: 1000) with name, uscc, creditRiskClass, contactPhone and
//     legalRepPhone, every contact field checked against the catalogue and logged to
//     access_logs, against the same query on a server built with DisableSharingForBenchmark; the
//     two are interleaved (SSGK_BENCH_ROUNDS rounds, default 200, within the budget), ns/op each
//     and the overhead in %.
//
// Responses are checked, timings are not.
func BenchmarkCreditCentre(b *testing.B) {
	db := testutil.Open(b)
	ctx := testutil.System()
	if _, err := demo.Load(ctx, db.Client, demo.Options{Targets: 10, Inspectors: 20}); err != nil {
		b.Fatal(err)
	}
	n := creditBenchResults()
	t0 := time.Now()
	f := creditFill(b, db, n)
	b.Logf("fixture: %d published results, %d enterprises in %v (%s)", n, f.NT, time.Since(t0).Round(time.Second), db.Dialect)

	authSvc := db.Auth
	token, _, err := authSvc.CreateToken(ctx, "FG", "信用中心归集系统", []string{viewer.RoleCreditCenter}, nil)
	if err != nil {
		b.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	hub := httptest.NewServer(server.New(db.WithLogger(logger), server.DefaultLimits))
	defer hub.Close()
	c := &creditClient{b: b, url: hub.URL + "/graphql", token: token, http: hub.Client()}

	requests := creditEnvInt("SSGK_BENCH_REQUESTS", 500)
	budget := time.Duration(creditEnvInt("SSGK_BENCH_BUDGET", 120)) * time.Second

	b.Run("EntityHistory", func(b *testing.B) {
		c.b = b
		for range b.N {
			check := func(r *creditReply) { checkHistory(b, f, r) }
			for range 20 {
				_, r := c.post(historyQuery, map[string]any{"u": f.HistUSCC})
				check(r)
			}
			var lat []time.Duration
			start := time.Now()
			for len(lat) < requests && (len(lat) < 30 || time.Since(start) < budget) {
				d, r := c.post(historyQuery, map[string]any{"u": f.HistUSCC})
				check(r)
				lat = append(lat, d)
			}
			creditReportLatencies(b, "", lat)
			b.ReportMetric(float64(n), "results")
		}
	})

	b.Run("ChangeFeed", func(b *testing.B) {
		c.b = b
		pages := creditEnvInt("SSGK_BENCH_PAGES", 10)
		// changes(first:) allows credit.MaxPage (10,000); the server's limits cap every field
		// whose type ends in "Connection" and that takes `first` at MaxPageSize (1,000). While
		// the hub refuses the page, measure on a hub whose only difference is that cap.
		fc := c
		if r := c.raw(changesQuery, map[string]any{"first": credit.MaxPage}); len(r.Errors) > 0 {
			code, _ := r.Errors[0].Extensions["code"].(string)
			if code != "PAGE_SIZE_EXCEEDED" {
				b.Fatalf("changes(first: %d): %s %v", credit.MaxPage, r.Errors[0].Message, r.Errors[0].Extensions)
			}
			b.Logf("PRODUCT PROBLEM: server.DefaultLimits refuses changes(first: %d): %s (%s); measuring on a hub with MaxPageSize %d",
				credit.MaxPage, r.Errors[0].Message, code, credit.MaxPage)
			limits := server.DefaultLimits
			limits.MaxPageSize = credit.MaxPage
			wide := httptest.NewServer(server.New(db.WithLogger(logger), limits))
			defer wide.Close()
			fc = &creditClient{b: b, url: wide.URL + "/graphql", token: token, http: wide.Client()}
			b.ReportMetric(1, "default-limits-refuse")
		} else {
			b.ReportMetric(0, "default-limits-refuse")
		}
		rng := rand.New(rand.NewPCG(11, uint64(n)))
		for range b.N {
			page := func(after int) time.Duration { // after −1: from the beginning
				vars := map[string]any{"first": 10000}
				if after >= 0 {
					vars["after"] = strconv.Itoa(after)
				}
				d, r := fc.post(changesQuery, vars)
				checkChanges(b, f, after, r)
				return d
			}
			page(n / 2) // warm-up
			first := page(-1)
			var lat []time.Duration
			for range pages {
				lat = append(lat, page(rng.IntN(max(1, f.L0+n-10000))))
			}
			b.ReportMetric(float64(first.Microseconds())/1000, "first-page-ms")
			creditReportLatencies(b, "page-", lat)
		}
	})

	b.Run("FieldAuthOverhead", func(b *testing.B) {
		c.b = b
		plainSrv := server.New(db.WithLogger(logger), server.DefaultLimits)
		plainSrv.DisableSharingForBenchmark()
		plain := httptest.NewServer(plainSrv)
		defer plain.Close()
		p := &creditClient{b: b, url: plain.URL + "/graphql", token: token, http: plain.Client()}
		rounds := creditEnvInt("SSGK_BENCH_ROUNDS", 200)
		from := max(0, f.NT/3-500) // 1,000 enterprises from the first third
		vars := map[string]any{"w": map[string]any{"idGT": strconv.Itoa(creditTargetBase + from)}}
		logs := func() int {
			var k int
			if err := db.SQL.QueryRowContext(ctx, "SELECT count(*) FROM access_logs").Scan(&k); err != nil {
				b.Fatal(err)
			}
			return k
		}
		for range b.N {
			for range 5 {
				_, r := c.post(contactsQuery, vars)
				checkContacts(b, f, from, r)
				_, r = p.post(contactsQuery, vars)
				checkContacts(b, f, from, r)
			}
			checkAccessLog(b, db, f)
			before := logs()
			var with, without []time.Duration
			start := time.Now()
			for i := 0; i < rounds && (i < 20 || time.Since(start) < budget); i++ {
				run := func(cl *creditClient) time.Duration {
					d, r := cl.post(contactsQuery, vars)
					checkContacts(b, f, from, r)
					return d
				}
				if i%2 == 0 {
					with = append(with, run(c))
					without = append(without, run(p))
				} else {
					without = append(without, run(p))
					with = append(with, run(c))
				}
			}
			if got := logs() - before; got != len(with) {
				b.Fatalf("access log: %d new rows for %d checked requests (and %d unchecked), want one per checked request", got, len(with), len(without))
			}
			mean := func(d []time.Duration) float64 {
				var s time.Duration
				for _, x := range d {
					s += x
				}
				return float64(s.Nanoseconds()) / float64(len(d))
			}
			mw, mo := mean(with), mean(without)
			b.ReportMetric(mw, "checked-ns/op")
			b.ReportMetric(mo, "unchecked-ns/op")
			b.ReportMetric(100*(mw/mo-1), "overhead-%")
			pw, po := creditPct(with, 0.5), creditPct(without, 0.5)
			b.ReportMetric(pw, "checked-p50-ms")
			b.ReportMetric(po, "unchecked-p50-ms")
			b.ReportMetric(100*(pw/po-1), "p50-overhead-%")
			b.ReportMetric(creditPct(with, 0.99), "checked-p99-ms")
			b.ReportMetric(creditPct(without, 0.99), "unchecked-p99-ms")
			b.ReportMetric(float64(len(with)), "rounds")
		}
	})
}

const historyQuery = `query EntityHistory($u: String!) { entityHistory(uscc: $u) {
  uscc
  results { id status publishedAt
    items { edges { node { checked problemFound item { code name } codes { code name } } } }
    codes { code } }
  corrections { id reason }
  tasks { number name }
  followUps { id status }
  target { name uscc } } }`

const changesQuery = `query Changes($after: String, $first: Int) { changes(after: $after, first: $first) {
  changes { cursor kind uscc publishedAt result { id status } }
  endCursor hasNextPage } }`

const contactsQuery = `query Contacts($w: TargetWhereInput) { targets(first: 1000, where: $w) {
  edges { node { id name uscc creditRiskClass contactPhone legalRepPhone } } } }`

// creditClient posts GraphQL requests with the department token.
type creditClient struct {
	b     *testing.B
	url   string
	token string
	http  *http.Client
}

type creditReply struct {
	Data   json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// raw sends one request and returns its decoded reply, errors included.
func (c *creditClient) raw(query string, vars map[string]any) *creditReply {
	_, r := c.do(query, vars)
	return r
}

// post sends one request and returns the time until its body was read, and the decoded reply
// (decoded outside the measured time). Any status but 200 or any GraphQL error fails the run.
func (c *creditClient) post(query string, vars map[string]any) (time.Duration, *creditReply) {
	d, r := c.do(query, vars)
	if len(r.Errors) > 0 {
		c.b.Fatalf("GraphQL errors (%d), first: %s %v %v (variables %v)", len(r.Errors), r.Errors[0].Message, r.Errors[0].Path, r.Errors[0].Extensions, vars)
	}
	return d, r
}

func (c *creditClient) do(query string, vars map[string]any) (time.Duration, *creditReply) {
	body, err := json.Marshal(map[string]any{"query": query, "variables": vars})
	if err != nil {
		c.b.Fatal(err)
	}
	req, err := http.NewRequest(http.MethodPost, c.url, bytes.NewReader(body))
	if err != nil {
		c.b.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+c.token)
	start := time.Now()
	resp, err := c.http.Do(req)
	if err != nil {
		c.b.Fatal(err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	d := time.Since(start)
	if err != nil {
		c.b.Fatal(err)
	}
	r := &creditReply{}
	if err := json.Unmarshal(raw, r); err != nil || resp.StatusCode != http.StatusOK {
		c.b.Fatalf("POST /graphql: %d %v\n%.800s", resp.StatusCode, err, raw)
	}
	return d, r
}

func checkHistory(b *testing.B, f *creditFixture, r *creditReply) {
	b.Helper()
	var out struct {
		EntityHistory struct {
			USCC    string
			Results []struct {
				ID          string
				Status      string
				PublishedAt *time.Time
				Items       struct {
					Edges []struct {
						Node struct {
							Checked      bool
							ProblemFound bool
							Item         struct{ Code, Name string }
							Codes        []struct{ Code, Name string }
						}
					}
				}
				Codes []struct{ Code string }
			}
			Corrections []struct{ ID, Reason string }
			Tasks       []struct{ Number, Name string }
			FollowUps   []struct{ ID, Status string }
			Target      *struct{ Name, USCC string }
		}
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		b.Fatal(err)
	}
	h := out.EntityHistory
	if h.Target == nil || h.Target.USCC != f.HistUSCC || h.Target.Name != creditName(f.Hist) {
		b.Fatalf("entityHistory target = %+v, want %s %s", h.Target, f.HistUSCC, creditName(f.Hist))
	}
	if len(h.Results) != creditHistExtra+1 || len(h.Corrections) != 2 || len(h.Tasks) != creditHistTasks+1 || len(h.FollowUps) != 3 {
		b.Fatalf("entityHistory: %d results, %d corrections, %d tasks, %d follow-ups; want 50, 2, 48, 3",
			len(h.Results), len(h.Corrections), len(h.Tasks), len(h.FollowUps))
	}
	ids := map[string]bool{}
	var last time.Time
	for _, res := range h.Results {
		if res.Status != "PUBLISHED" || res.PublishedAt == nil || res.PublishedAt.Before(last) || ids[res.ID] {
			b.Fatalf("entityHistory result %+v: not published, out of order or repeated", res)
		}
		ids[res.ID], last = true, *res.PublishedAt
		if len(res.Codes) != 1 || res.Codes[0].Code != f.ResultCode || len(res.Items.Edges) != 1 {
			b.Fatalf("entityHistory result %s: codes %+v, %d items", res.ID, res.Codes, len(res.Items.Edges))
		}
		it := res.Items.Edges[0].Node
		if !it.Checked || it.Item.Code != f.ItemCode || it.Item.Name != f.ItemName || len(it.Codes) != 1 || it.Codes[0].Code != f.ResultCode {
			b.Fatalf("entityHistory result %s: item %+v", res.ID, it)
		}
	}
	if h.Tasks[0].Number != "BENCH-CREDIT-0000" {
		b.Fatalf("entityHistory tasks start with %+v", h.Tasks[0])
	}
}

func checkChanges(b *testing.B, f *creditFixture, after int, r *creditReply) {
	b.Helper()
	var out struct {
		Changes struct {
			Changes []struct {
				Cursor      string
				Kind        string
				USCC        *string
				PublishedAt *time.Time
				Result      *struct{ ID, Status string }
			}
			EndCursor   *string
			HasNextPage bool
		}
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		b.Fatal(err)
	}
	page := out.Changes
	total := f.L0 + f.N // leaves of the log: the demo's item lists, then the fixture's results
	want := min(10000, total-(after+1))
	if len(page.Changes) != want {
		b.Fatalf("changes after %d: %d changes, want %d", after, len(page.Changes), want)
	}
	for i, ch := range page.Changes {
		idx := after + 1 + i
		if ch.Cursor != strconv.Itoa(idx) {
			b.Fatalf("changes after %d: change %d has cursor %q, want %d", after, i, ch.Cursor, idx)
		}
		if idx < f.L0 {
			if ch.Kind != "ITEM_LIST" || ch.Result != nil || ch.PublishedAt == nil {
				b.Fatalf("changes after %d: change %+v, want an item list", after, ch)
			}
			continue
		}
		o := idx - f.L0 + 1 // result offset
		wantKind := "RESULT"
		if o > f.NT+creditHistTasks {
			wantKind = "CORRECTION"
		}
		if ch.Kind != wantKind || ch.PublishedAt == nil || ch.USCC == nil || uscc.Validate(*ch.USCC) != nil {
			b.Fatalf("changes after %d: change %+v (uscc %s), want %s", after, ch, deref(ch.USCC), wantKind)
		}
		if ch.Result == nil || ch.Result.ID != strconv.Itoa(creditResultBase+o) || ch.Result.Status != "PUBLISHED" {
			b.Fatalf("changes after %d: change %s has result %+v, want %d", after, ch.Cursor, ch.Result, creditResultBase+o)
		}
	}
	last := after + want
	if page.EndCursor == nil || *page.EndCursor != strconv.Itoa(last) || page.HasNextPage != (last < total-1) {
		b.Fatalf("changes after %d: endCursor %v hasNextPage %v, want %d %v", after, deref(page.EndCursor), page.HasNextPage, last, last < total-1)
	}
}

func checkContacts(b *testing.B, f *creditFixture, from int, r *creditReply) {
	b.Helper()
	var out struct {
		Targets struct {
			Edges []struct {
				Node struct {
					ID, Name, USCC, CreditRiskClass string
					ContactPhone, LegalRepPhone     *string
				}
			}
		}
	}
	if err := json.Unmarshal(r.Data, &out); err != nil {
		b.Fatal(err)
	}
	if len(out.Targets.Edges) != 1000 {
		b.Fatalf("targets: %d edges, want 1000", len(out.Targets.Edges))
	}
	for k, e := range out.Targets.Edges {
		i := from + 1 + k
		nd := e.Node
		if nd.ID != strconv.Itoa(creditTargetBase+i) || nd.USCC != creditUSCC(i) || nd.Name != creditName(i) || nd.CreditRiskClass != string("ABCD"[i%4]) ||
			nd.ContactPhone == nil || *nd.ContactPhone != creditContactPhone(i) || nd.LegalRepPhone == nil || *nd.LegalRepPhone != creditLegalRepPhone(i) {
			b.Fatalf("targets edge %d: %+v (contact %v, legal rep %v), want enterprise %d", k, nd, deref(nd.ContactPhone), deref(nd.LegalRepPhone), i)
		}
	}
}

// checkAccessLog checks the newest access-log row: FG's read of 1,000 SCJG targets' contact
// fields under the grant.
func checkAccessLog(b *testing.B, db *hub.Hub, f *creditFixture) {
	b.Helper()
	var typ, fields string
	var count, owner, viewerDep, grant int
	err := db.SQL.QueryRowContext(testutil.System(), `SELECT entity_type, fields, record_count, owner_id, viewer_department_id, grant_id
FROM access_logs ORDER BY id DESC LIMIT 1`).Scan(&typ, &fields, &count, &owner, &viewerDep, &grant)
	if err != nil {
		b.Fatalf("access log: %v", err)
	}
	var fs []string
	if err := json.Unmarshal([]byte(fields), &fs); err != nil {
		b.Fatalf("access log fields %q: %v", fields, err)
	}
	if typ != "Target" || count != 1000 || owner != f.SCJG || viewerDep != f.FG || grant != f.GrantID ||
		!slices.Contains(fs, "contactPhone") || !slices.Contains(fs, "legalRepPhone") {
		b.Fatalf("access log row: %s %v count %d owner %d viewer %d grant %d; want Target [contactPhone legalRepPhone] 1000 %d %d %d",
			typ, fs, count, owner, viewerDep, grant, f.SCJG, f.FG, f.GrantID)
	}
}

func deref(s *string) string {
	if s == nil {
		return "<nil>"
	}
	return *s
}

func creditEnvInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}

// creditPct is the nearest-rank percentile p of lat in ms.
func creditPct(lat []time.Duration, p float64) float64 {
	s := slices.Clone(lat)
	slices.Sort(s)
	return float64(s[max(0, int(math.Ceil(p*float64(len(s))))-1)].Microseconds()) / 1000
}

func creditReportLatencies(b *testing.B, prefix string, lat []time.Duration) {
	b.ReportMetric(creditPct(lat, 0.50), prefix+"p50-ms")
	b.ReportMetric(creditPct(lat, 0.99), prefix+"p99-ms")
	b.ReportMetric(creditPct(lat, 1), prefix+"max-ms")
	b.ReportMetric(float64(len(lat)), prefix+"requests")
	b.Logf("%slatencies over %d requests: p50 %.1f ms, p99 %.1f ms, max %.1f ms", prefix, len(lat),
		creditPct(lat, 0.5), creditPct(lat, 0.99), creditPct(lat, 1))
}
