// Command load is the client of bench/contention/run.sh: it uploads a target file to a running
// hub (GraphQL importFile) and, for as long as the import runs, keeps W clients creating
// targets (createTarget) and R clients reading ({ targets { totalCount } }), each one request
// after another. It prints, as "key value" lines: the import's time and outcome; the number of
// createTargets, their errors by code and their longest and median wait; the number of reads,
// their errors and their p50, p99 and longest wait.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ssgk/ssgk/internal/uscc"
)

type gqlResponse struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

func (r *gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	if c, _ := r.Errors[0].Extensions["code"].(string); c != "" {
		return c
	}
	return "NO_CODE"
}

var (
	url   = flag.String("url", "http://127.0.0.1:8080", "hub address")
	token = flag.String("token", "", "department token (Bearer)")
	file  = flag.String("file", "", "target file to import")
	nw    = flag.Int("writers", 4, "concurrent createTarget clients")
	nr    = flag.Int("readers", 4, "concurrent read clients")
	seed  = flag.Int("seed", 1, "distinguishes the USCCs of runs on one database")
)

func post(body io.Reader, contentType string) (*gqlResponse, int, error) {
	req, _ := http.NewRequest(http.MethodPost, *url+"/graphql", body)
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Authorization", "Bearer "+*token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, 0, err
	}
	defer resp.Body.Close()
	var r gqlResponse
	b, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, resp.StatusCode, fmt.Errorf("HTTP %d: %.200s", resp.StatusCode, b)
	}
	return &r, resp.StatusCode, nil
}

func do(query string, vars map[string]any) (*gqlResponse, error) {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	r, _, err := post(bytes.NewReader(b), "application/json")
	return r, err
}

func usccOf(n int) string {
	cs := uscc.Charset()
	body := []byte("91370921")
	for i, v := 0, n; i < 9; i++ {
		body = append(body, cs[v%len(cs)])
		v /= len(cs)
	}
	return string(body) + string(uscc.CheckChar(string(body)))
}

type series struct {
	mu     sync.Mutex
	waits  []time.Duration
	errors map[string]int
}

func (s *series) add(d time.Duration, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if code != "" {
		s.errors[code]++
		return
	}
	s.waits = append(s.waits, d)
}

func pct(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return sorted[i]
}

func (s *series) print(name string) {
	slices.Sort(s.waits)
	n := len(s.waits)
	var errs []string
	total := 0
	for c, k := range s.errors {
		errs = append(errs, fmt.Sprintf("%s=%d", c, k))
		total += k
	}
	sort.Strings(errs)
	fmt.Printf("%s_ok %d\n%s_errors %d\n", name, n, name, total)
	if len(errs) > 0 {
		fmt.Printf("%s_error_codes %v\n", name, errs)
	}
	ms := func(d time.Duration) string { return fmt.Sprintf("%.1f", float64(d.Microseconds())/1000) }
	if n > 0 {
		fmt.Printf("%s_p50_ms %s\n%s_p99_ms %s\n%s_max_ms %s\n", name, ms(pct(s.waits, .5)), name, ms(pct(s.waits, .99)), name, ms(s.waits[n-1]))
	}
}

func main() {
	flag.Parse()
	r, err := do(`{ departments(where: {code: "SCJG"}) { edges { node { id } } } }`, nil)
	if err != nil || r.code() != "" {
		fmt.Fprintln(os.Stderr, "department lookup:", err, r)
		os.Exit(1)
	}
	var deps struct {
		Edges []struct{ Node struct{ ID string } }
	}
	_ = json.Unmarshal(r.Data["departments"], &deps)
	if len(deps.Edges) == 0 {
		fmt.Fprintln(os.Stderr, "no department SCJG")
		os.Exit(1)
	}
	dep := deps.Edges[0].Node.ID

	var done atomic.Bool
	writes := &series{errors: map[string]int{}}
	reads := &series{errors: map[string]int{}}
	var wg sync.WaitGroup
	var next atomic.Int64
	next.Store(int64(*seed) * 10_000_000)
	for range *nw {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() {
				n := int(next.Add(1))
				start := time.Now()
				r, err := do(`mutation($in: CreateTargetInput!) { createTarget(input: $in) { id } }`,
					map[string]any{"in": map[string]any{"uscc": usccOf(n), "name": fmt.Sprintf("宁阳县争用基准%d有限公司", n)}})
				code := ""
				if err != nil {
					code = "TRANSPORT"
				} else {
					code = r.code()
				}
				writes.add(time.Since(start), code)
			}
		}()
	}
	for range *nr {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !done.Load() {
				start := time.Now()
				r, err := do(`{ targets(first: 5) { totalCount edges { node { id name } } } }`, nil)
				code := ""
				if err != nil {
					code = "TRANSPORT"
				} else {
					code = r.code()
				}
				reads.add(time.Since(start), code)
			}
		}()
	}

	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	ops, _ := json.Marshal(map[string]any{"query": `mutation($f: Upload!, $d: ID!) { importFile(kind: TARGETS, departmentID: $d, file: $f) { job { status created } } }`,
		"variables": map[string]any{"f": nil, "d": dep}})
	_ = mw.WriteField("operations", string(ops))
	_ = mw.WriteField("map", `{"0": ["variables.f"]}`)
	fw, _ := mw.CreateFormFile("0", filepath.Base(*file))
	data, err := os.ReadFile(*file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	_, _ = fw.Write(data)
	_ = mw.Close()
	start := time.Now()
	ir, status, err := post(&body, mw.FormDataContentType())
	elapsed := time.Since(start)
	done.Store(true)
	wg.Wait()
	fmt.Printf("import_s %.2f\n", elapsed.Seconds())
	switch {
	case err != nil:
		fmt.Printf("import_outcome error:%v\n", err)
	case ir.code() != "":
		fmt.Printf("import_outcome HTTP%d:%s\n", status, ir.code())
	default:
		var out struct {
			Job struct {
				Status  string
				Created int
			}
		}
		_ = json.Unmarshal(ir.Data["importFile"], &out)
		fmt.Printf("import_outcome %s:%d\n", out.Job.Status, out.Job.Created)
	}
	writes.print("createTarget")
	reads.print("read")
}
