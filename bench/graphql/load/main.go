// Command load is the client of bench/graphql/run.sh: it checks that the hub and PostGraphile
// return the same rows for the six query pairs of issue 22, then sends each query at the given
// concurrencies, alternating the two servers, and prints requests per second, p50 and p99.
//
//	go run ./bench/graphql/load -hub http://127.0.0.1:18080/graphql -token ssgk_… \
//	    -pg http://127.0.0.1:15678/graphql -uscc 91…  [-duration 4s] [-rounds 3] [-conc 1,8,32]
//	go run ./bench/graphql/load -hub … -token … -label SQLite   # the hub alone (no -pg)
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// query is one pair: the hub's GraphQL, PostGraphile's, and a function of each that reduces the
// response's data to comparable rows.
type query struct {
	name      string
	hub, pg   string
	hubRows   func(map[string]any) []any
	pgRows    func(map[string]any) []any
	needsUSCC bool
}

const targetFields = "uscc name status creditRiskClass industryCode"

func queries(uscc string) []query {
	q := func(s string) string { return strings.ReplaceAll(s, "$USCC", strconv.Quote(uscc)) }
	targetRow := func(n any) any { return pick(n, "uscc", "name", "status", "creditRiskClass", "industryCode") }
	return []query{
		{
			name: "Q1 one target by USCC",
			hub:  q(`{ target(uscc: $USCC) { ` + targetFields + ` } }`),
			pg:   q(`{ allTargets(condition: {uscc: $USCC}) { nodes { ` + targetFields + ` } } }`),
			hubRows: func(d map[string]any) []any {
				return []any{targetRow(d["target"])}
			},
			pgRows: func(d map[string]any) []any {
				return mapRows(nodes(d["allTargets"]), targetRow)
			},
		},
		{
			name:    "Q2 100 targets × 5 fields",
			hub:     `{ targets(first: 100) { edges { node { ` + targetFields + ` } } } }`,
			pg:      `{ allTargets(first: 100, orderBy: PRIMARY_KEY_ASC) { nodes { ` + targetFields + ` } } }`,
			hubRows: func(d map[string]any) []any { return mapRows(edges(d["targets"]), targetRow) },
			pgRows:  func(d map[string]any) []any { return mapRows(nodes(d["allTargets"]), targetRow) },
		},
		{
			name: "Q3 100 targets + libraries + department",
			hub:  `{ targets(first: 100) { edges { node { uscc name libraries { edges { node { code name department { shortName } } } } } } } }`,
			pg: `{ allTargets(first: 100, orderBy: PRIMARY_KEY_ASC) { nodes { uscc name
				targetLibraryTargetsByTargetId(orderBy: PRIMARY_KEY_ASC) { nodes { targetLibraryByTargetLibraryId { code name departmentByDepartmentId { shortName } } } } } } }`,
			hubRows: func(d map[string]any) []any {
				return mapRows(edges(d["targets"]), func(n any) any {
					libs := mapRows(edges(get(n, "libraries")), func(l any) any {
						return []any{get(l, "code"), get(l, "name"), get(get(l, "department"), "shortName")}
					})
					return []any{get(n, "uscc"), get(n, "name"), sortRows(libs)}
				})
			},
			pgRows: func(d map[string]any) []any {
				return mapRows(nodes(d["allTargets"]), func(n any) any {
					libs := mapRows(nodes(get(n, "targetLibraryTargetsByTargetId")), func(j any) any {
						l := get(j, "targetLibraryByTargetLibraryId")
						return []any{get(l, "code"), get(l, "name"), get(get(l, "departmentByDepartmentId"), "shortName")}
					})
					return []any{get(n, "uscc"), get(n, "name"), sortRows(libs)}
				})
			},
		},
		{
			name:    "Q4 1000 targets × 5 fields",
			hub:     `{ targets(first: 1000) { edges { node { ` + targetFields + ` } } } }`,
			pg:      `{ allTargets(first: 1000, orderBy: PRIMARY_KEY_ASC) { nodes { ` + targetFields + ` } } }`,
			hubRows: func(d map[string]any) []any { return mapRows(edges(d["targets"]), targetRow) },
			pgRows:  func(d map[string]any) []any { return mapRows(nodes(d["allTargets"]), targetRow) },
		},
		{
			name: "Q5 departments + inspectors (first 50)",
			hub:  `{ departments(first: 50) { edges { node { code name shortName inspectors(first: 50) { edges { node { name certificateNo active } } } } } } }`,
			pg: `{ allDepartments(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { code name shortName
				inspectorsByDepartmentId(first: 50, orderBy: PRIMARY_KEY_ASC) { nodes { name certificateNo active } } } } }`,
			hubRows: func(d map[string]any) []any {
				return mapRows(edges(d["departments"]), func(n any) any {
					ins := mapRows(edges(get(n, "inspectors")), func(i any) any { return pick(i, "name", "certificateNo", "active") })
					return []any{get(n, "code"), get(n, "name"), get(n, "shortName"), ins}
				})
			},
			pgRows: func(d map[string]any) []any {
				return mapRows(nodes(d["allDepartments"]), func(n any) any {
					ins := mapRows(nodes(get(n, "inspectorsByDepartmentId")), func(i any) any { return pick(i, "name", "certificateNo", "active") })
					return []any{get(n, "code"), get(n, "name"), get(n, "shortName"), ins}
				})
			},
		},
		{
			name:    "Q6 targets(where: {creditRiskClass: D}) { totalCount }",
			hub:     `{ targets(where: {creditRiskClass: D}) { totalCount } }`,
			pg:      `{ allTargets(condition: {creditRiskClass: "D"}) { totalCount } }`,
			hubRows: func(d map[string]any) []any { return []any{get(d["targets"], "totalCount")} },
			pgRows:  func(d map[string]any) []any { return []any{get(d["allTargets"], "totalCount")} },
		},
	}
}

func get(v any, k string) any {
	m, _ := v.(map[string]any)
	return m[k]
}

func pick(v any, keys ...string) any {
	out := make([]any, len(keys))
	for i, k := range keys {
		out[i] = get(v, k)
	}
	return out
}

func edges(conn any) []any {
	es, _ := get(conn, "edges").([]any)
	out := make([]any, len(es))
	for i, e := range es {
		out[i] = get(e, "node")
	}
	return out
}

func nodes(conn any) []any {
	ns, _ := get(conn, "nodes").([]any)
	return ns
}

// sortRows orders the libraries of a target by code: the hub's nested connection without
// orderBy has no defined order, PostGraphile's follows the join table's primary key.
func sortRows(rows []any) []any {
	slices.SortFunc(rows, func(a, b any) int {
		x, _ := json.Marshal(a)
		y, _ := json.Marshal(b)
		return bytes.Compare(x, y)
	})
	return rows
}

func mapRows(in []any, f func(any) any) []any {
	out := make([]any, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

type server struct {
	label string
	url   string
	token string
}

var client = &http.Client{
	Timeout:   60 * time.Second,
	Transport: &http.Transport{MaxIdleConns: 256, MaxIdleConnsPerHost: 256, MaxConnsPerHost: 256},
}

// post sends one query and returns the response body; an HTTP error or a response with
// errors is an error.
func post(s server, body []byte) ([]byte, error) {
	req, err := http.NewRequest(http.MethodPost, s.url, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	if s.token != "" {
		req.Header.Set("Authorization", "Bearer "+s.token)
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK || bytes.Contains(b, []byte(`"errors"`)) {
		if len(b) > 600 {
			b = b[:600]
		}
		return nil, fmt.Errorf("%s: HTTP %d: %s", s.label, resp.StatusCode, b)
	}
	return b, nil
}

func body(q string) []byte {
	b, _ := json.Marshal(map[string]string{"query": q})
	return b
}

func data(s server, q string) (map[string]any, error) {
	b, err := post(s, body(q))
	if err != nil {
		return nil, err
	}
	var resp struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(b, &resp); err != nil {
		return nil, err
	}
	return resp.Data, nil
}

// stats of one measurement: requests, seconds, latencies.
type stats struct {
	n    int
	secs float64
	lat  []time.Duration
	errs int64
}

func (s *stats) add(o stats) {
	s.n += o.n
	s.secs += o.secs
	s.lat = append(s.lat, o.lat...)
	s.errs += o.errs
}

func (s stats) rps() float64 { return float64(s.n) / s.secs }

func (s stats) pct(p float64) float64 {
	if len(s.lat) == 0 {
		return 0
	}
	l := slices.Clone(s.lat)
	slices.Sort(l)
	i := int(p * float64(len(l)-1))
	return float64(l[i].Microseconds()) / 1000
}

// measure sends b to s from c workers for d and returns what it saw.
func measure(s server, b []byte, c int, d time.Duration) stats {
	var (
		mu   sync.Mutex
		all  stats
		wg   sync.WaitGroup
		errs atomic.Int64
	)
	start := time.Now()
	deadline := start.Add(d)
	for range c {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			for time.Now().Before(deadline) {
				t := time.Now()
				if _, err := post(s, b); err != nil {
					if errs.Add(1) == 1 {
						fmt.Fprintln(os.Stderr, "error:", err)
					}
					continue
				}
				lat = append(lat, time.Since(t))
			}
			mu.Lock()
			all.lat = append(all.lat, lat...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	all.secs = time.Since(start).Seconds()
	all.n = len(all.lat)
	all.errs = errs.Load()
	return all
}

func main() {
	hubURL := flag.String("hub", "", "the hub's /graphql URL")
	token := flag.String("token", "", "the hub's department token")
	pgURL := flag.String("pg", "", "PostGraphile's /graphql URL (empty: the hub alone)")
	label := flag.String("label", "hub", "the hub's label in the output")
	uscc := flag.String("uscc", "", "the USCC of Q1 (empty: the first target's)")
	duration := flag.Duration("duration", 4*time.Second, "one measurement")
	warmup := flag.Duration("warmup", time.Second, "warm-up per query and server before the rounds")
	rounds := flag.Int("rounds", 3, "rounds (each measures every query at every concurrency on both servers)")
	concFlag := flag.String("conc", "1,8,32", "concurrencies")
	only := flag.String("only", "", "run only the queries whose names start with one of these (comma-separated, e.g. Q4,Q6)")
	checkOnly := flag.Bool("check-only", false, "check the rows and exit")
	flag.Parse()

	hub := server{*label, *hubURL, *token}
	var pg *server
	if *pgURL != "" {
		pg = &server{"PostGraphile", *pgURL, ""}
	}
	var conc []int
	for _, s := range strings.Split(*concFlag, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil || n < 1 {
			fail("bad -conc %q", *concFlag)
		}
		conc = append(conc, n)
	}
	if *uscc == "" {
		d, err := data(hub, `{ targets(first: 1, where: {usccNotNil: true}) { edges { node { uscc } } } }`)
		if err != nil {
			fail("%v", err)
		}
		*uscc, _ = get(edges(d["targets"])[0], "uscc").(string)
	}
	qs := queries(*uscc)
	if *only != "" {
		var keep []query
		for _, q := range qs {
			for _, p := range strings.Split(*only, ",") {
				if p != "" && strings.HasPrefix(q.name, p) {
					keep = append(keep, q)
				}
			}
		}
		qs = keep
	}

	// The same rows from both servers.
	for _, q := range qs {
		hd, err := data(hub, q.hub)
		if err != nil {
			fail("%s: %v", q.name, err)
		}
		hr := q.hubRows(hd)
		if pg == nil {
			fmt.Printf("checked %-55s %s: %d rows\n", q.name, hub.label, count(hr))
			continue
		}
		pd, err := data(*pg, q.pg)
		if err != nil {
			fail("%s: %v", q.name, err)
		}
		pr := q.pgRows(pd)
		if !reflect.DeepEqual(norm(hr), norm(pr)) {
			a, _ := json.Marshal(hr)
			b, _ := json.Marshal(pr)
			fail("%s: the rows differ\n%s: %.400s\nPostGraphile: %.400s", q.name, hub.label, a, b)
		}
		if count(hr) == 0 {
			fail("%s: no rows", q.name)
		}
		fmt.Printf("checked %-55s same rows (%d)\n", q.name, count(hr))
	}
	if *checkOnly {
		return
	}

	servers := []server{hub}
	if pg != nil {
		servers = append(servers, *pg)
	}
	text := func(s server, q query) []byte {
		if s.label == "PostGraphile" {
			return body(q.pg)
		}
		return body(q.hub)
	}
	for _, q := range qs {
		for _, s := range servers {
			measure(s, text(s, q), 4, *warmup)
		}
	}
	type key struct {
		q, c int
		s    string
	}
	res := map[key]*stats{}
	for r := range *rounds {
		for ci, c := range conc {
			for qi, q := range qs {
				order := servers
				if (r+ci+qi)%2 == 1 {
					order = slices.Clone(servers)
					slices.Reverse(order)
				}
				for _, s := range order {
					st := measure(s, text(s, q), c, *duration)
					k := key{qi, c, s.label}
					if res[k] == nil {
						res[k] = &stats{}
					}
					res[k].add(st)
					fmt.Fprintf(os.Stderr, "round %d c=%d %s %s: %.0f req/s p50 %.1f ms\n", r+1, c, q.name[:2], s.label, st.rps(), st.pct(0.5))
				}
			}
		}
	}

	fmt.Printf("\n%d round(s) of %s per query, concurrency and server; req/s over all rounds, p50/p99 in ms\n\n", *rounds, *duration)
	if pg == nil {
		fmt.Printf("| query | c | %s req/s | p50 | p99 | errors |\n|---|---:|---:|---:|---:|---:|\n", hub.label)
		for qi, q := range qs {
			for _, c := range conc {
				h := res[key{qi, c, hub.label}]
				fmt.Printf("| %s | %d | %.0f | %.1f | %.1f | %d |\n", q.name, c, h.rps(), h.pct(0.5), h.pct(0.99), h.errs)
			}
		}
		return
	}
	fmt.Printf("| query | c | hub req/s | PostGraphile req/s | ratio | hub p50 / p99 | PostGraphile p50 / p99 | to 2× PostGraphile | errors |\n")
	fmt.Printf("|---|---:|---:|---:|---:|---:|---:|---:|---:|\n")
	for qi, q := range qs {
		for _, c := range conc {
			h, p := res[key{qi, c, hub.label}], res[key{qi, c, "PostGraphile"}]
			ratio := h.rps() / p.rps()
			fmt.Printf("| %s | %d | %.0f | %.0f | **%.2f** | %.1f / %.1f | %.1f / %.1f | %+.0f %% | %d |\n",
				q.name, c, h.rps(), p.rps(), ratio, h.pct(0.5), h.pct(0.99), p.pct(0.5), p.pct(0.99),
				(ratio/2-1)*100, h.errs+p.errs)
		}
	}
}

// norm makes JSON numbers of either server compare equal (totalCount may be a number or a string).
func norm(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = norm(e)
		}
		return out
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case json.Number:
		return x.String()
	}
	return v
}

func count(rows []any) int {
	if len(rows) == 1 {
		if inner, ok := rows[0].([]any); ok && len(inner) > 0 {
			if _, nested := inner[0].([]any); nested {
				return len(inner)
			}
		}
	}
	return len(rows)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "load: "+format+"\n", args...)
	os.Exit(1)
}
