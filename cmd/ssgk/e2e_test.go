package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/redact"
	"github.com/ssgk/ssgk/internal/testutil"
)

// ssgkCommand is exec.Command for the ssgk program: this test binary running main (TestMain,
// main_test.go, with SSGK_TEST_RUN_MAIN=1).
func ssgkCommand(args ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "SSGK_TEST_RUN_MAIN=1")
	return cmd
}

// TestEndToEnd_ServeDemo starts the real program (this test binary running main: ssgkCommand)
// with demo data on port :0 and uses it over HTTP.
func TestEndToEnd_ServeDemo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the program")
	}
	dataDir := t.TempDir()
	dbURL := testutil.DatabaseURL(t)
	addrFile := filepath.Join(dataDir, "addr")
	var stdout, stderr bytes.Buffer
	srv := ssgkCommand("serve", "--demo", "--listen", "127.0.0.1:0", "--addr-file", addrFile, "--data-dir", dataDir, "--log-format", "json")
	const metricsToken = "e2e-metrics-token-0123456789"
	srv.Env = append(srv.Env, "DATABASE_URL="+dbURL, "METRICS_TOKEN="+metricsToken)
	srv.Stdout, srv.Stderr = &stdout, &stderr
	if err := srv.Start(); err != nil {
		t.Fatal(err)
	}
	defer srv.Process.Kill() //nolint:errcheck
	var addr string
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if b, err := os.ReadFile(addrFile); err == nil && len(b) > 0 {
			addr = string(b)
			break
		}
	}
	if addr == "" {
		t.Fatalf("server did not start\nstdout:\n%s\nstderr:\n%s", stdout.String(), stderr.String())
	}
	base := "http://" + addr
	tokens := regexp.MustCompile(`ssgk_[0-9a-f]+_[0-9a-f]+`).FindAllString(stdout.String(), -1)
	if len(tokens) != 3 {
		t.Fatalf("want 3 demo tokens printed, got %d:\n%s", len(tokens), stdout.String())
	}

	// Every member department of the seed's attachment is there.
	var deps struct {
		Data struct {
			Departments struct {
				TotalCount int
				Edges      []struct {
					Node struct{ Code, ShortName string }
				}
			}
		}
		Errors []any
	}
	post(t, base, tokens[1], `query Departments { departments(first: 100, orderBy: {field: SORT_ORDER}) { totalCount edges { node { code shortName } } } }`, &deps)
	if len(deps.Errors) > 0 {
		t.Fatalf("errors: %v", deps.Errors)
	}
	got := map[string]bool{}
	for _, e := range deps.Data.Departments.Edges {
		got[e.Node.ShortName] = true
	}
	for _, d := range demo.DepartmentNames() {
		if !got[d.Listed] && !got[d.ShortName] {
			t.Errorf("member department %s (%s) missing", d.Listed, d.Code)
		}
	}
	if deps.Data.Departments.TotalCount != len(demo.DepartmentNames()) {
		t.Errorf("totalCount = %d, want %d", deps.Data.Departments.TotalCount, len(demo.DepartmentNames()))
	}

	// A demo account logs in and sees its department.
	var login struct {
		Data struct{ Login struct{ Token string } }
	}
	post(t, base, "", `mutation { login(username: "office", password: "ssgk-demo-2026") { token } }`, &login)
	var who struct {
		Data struct {
			Viewer struct {
				Kind       string
				Department struct{ Code string }
			}
		}
	}
	post(t, base, login.Data.Login.Token, `{ viewer { kind department { code } } }`, &who)
	if who.Data.Viewer.Kind != "ACCOUNT" || who.Data.Viewer.Department.Code != "SCJG" {
		t.Fatalf("viewer after login = %+v", who.Data.Viewer)
	}

	// The demo targets carry valid USCCs and are reachable by business key.
	var tg struct {
		Data struct {
			Targets struct {
				TotalCount int
				Edges      []struct{ Node struct{ Uscc string } }
			}
		}
	}
	post(t, base, tokens[0], `{ targets(first: 1, where: {creditRiskClass: D}) { totalCount edges { node { uscc } } } }`, &tg)
	if tg.Data.Targets.TotalCount == 0 {
		t.Fatal("no class-D targets in demo data")
	}
	var one struct {
		Data struct{ Target struct{ Uscc string } }
	}
	post(t, base, tokens[0], `query($u: String!) { target(uscc: $u) { uscc } }`, &one, "u", tg.Data.Targets.Edges[0].Node.Uscc)
	if one.Data.Target.Uscc != tg.Data.Targets.Edges[0].Node.Uscc {
		t.Fatalf("target(uscc:) = %+v", one)
	}

	// GraphiQL for a caller with a token, /metrics for the bearer of METRICS_TOKEN.
	for path, c := range map[string]struct{ bearer, want string }{
		"/graphiql": {tokens[1], "GraphiQL"}, "/healthz": {"", `"ok"`},
		"/metrics": {metricsToken, `ssgk_graphql_requests_total{operation="Departments",outcome="ok",type="query"} 1`},
	} {
		body := getWith(t, base+path, c.bearer)
		if !strings.Contains(body, c.want) {
			t.Errorf("%s does not contain %q", path, c.want)
		}
	}

	// The demo's sample year is public: a new user finds the corrected enterprise on the portal,
	// downloads the draw's bundle and verifies it, and verifies the correction's inclusion in the
	// transparency log — all with the binary, as the README describes.
	m := regexp.MustCompile(`抽取 #(\d+) 已揭示.*承诺摘要 ([0-9a-f]{64})）.*更正的企业 (\S+)`).FindStringSubmatch(stdout.String())
	if m == nil {
		t.Fatalf("the demo's sample year was not reported:\n%s", stdout.String())
	}
	page := get(t, base+"/enterprises/"+m[3])
	if !strings.Contains(page, "更正") || !strings.Contains(page, "企业公示信息的检查") {
		t.Fatalf("enterprise page lacks the result or its correction:\n%.2000s", page)
	}
	leaves := regexp.MustCompile(`/ledger/leaves/(\d+)`).FindAllStringSubmatch(page, -1)
	if len(leaves) < 2 {
		t.Fatalf("enterprise page links to %d ledger leaves", len(leaves))
	}
	bundle := filepath.Join(dataDir, "bundle.json")
	if err := os.WriteFile(bundle, []byte(get(t, base+"/draws/"+m[1]+"/bundle.json")), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"draw", "verify", bundle, "--commitment", m[2]},
		{"ledger", "verify", "--url", base, "--index", leaves[0][1], "--index", leaves[len(leaves)-1][1]},
	} {
		out, err := ssgkCommand(args...).CombinedOutput()
		if err != nil || !strings.Contains(string(out), "通过") {
			t.Fatalf("ssgk %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}

	// Graceful shutdown on SIGTERM.
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("server exited with %v\n%s", err, stderr.String())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("server did not stop on SIGTERM")
	}

	// The whole run is on the audit trail, and it verifies.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	verify := ssgkCommand("audit", "verify", "--data-dir", dataDir)
	verify.Env = append(verify.Env, "DATABASE_URL="+dbURL)
	go func() { <-ctx.Done(); _ = verify.Process.Kill() }()
	out, err := verify.Output()
	if err != nil || !strings.Contains(string(out), "审计日志校验通过") {
		t.Fatalf("audit verify: %v\n%s", err, out)
	}
	if regexp.MustCompile(`ssgk_[0-9a-f]{12}_[0-9a-f]{48}`).MatchString(stderr.String()) {
		t.Fatal("a token secret appeared in the logs")
	}
	if found := redact.Contains(stderr.String(), append(tokens, testutil.DemoPassword, login.Data.Login.Token)...); len(found) > 0 {
		t.Fatalf("secrets in the hub's log: %q", found)
	}
}

func post(t *testing.T, base, token, query string, out any, vars ...string) {
	t.Helper()
	v := map[string]any{}
	for i := 0; i+1 < len(vars); i += 2 {
		v[vars[i]] = vars[i+1]
	}
	body, _ := json.Marshal(map[string]any{"query": query, "variables": v})
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("%s: %s", err, raw)
	}
}

func get(t *testing.T, url string) string {
	t.Helper()
	return getWith(t, url, "")
}

// getWith is get with a bearer token.
func getWith(t *testing.T, url, bearer string) string {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	if bearer != "" {
		req.Header.Set("Authorization", "Bearer "+bearer)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	return string(b)
}
