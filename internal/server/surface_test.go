package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/ssgk/ssgk/internal/server"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// TestSurface_SecurityHeadersOnEveryResponse: portal pages, open data, API, errors, health.
func TestSurface_SecurityHeadersOnEveryResponse(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	for _, path := range []string{"/", "/healthz", "/graphql?query=%7B__typename%7D", "/open/results.json", "/nothing-here", "/graphiql", "/metrics"} {
		req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
		r := h.raw(t, req)
		for k, want := range map[string]string{
			"Content-Security-Policy": "frame-ancestors 'none'", "X-Content-Type-Options": "nosniff",
			"Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY",
		} {
			if !strings.Contains(r.header.Get(k), want) {
				t.Errorf("GET %s (%d): %s = %q, want %q", path, r.status, k, r.header.Get(k), want)
			}
		}
	}
}

// TestSurface_JSONErrorsEscapeInput: a value echoed in a JSON error cannot become markup.
func TestSurface_JSONErrorsEscapeInput(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	for _, path := range []string{
		"/open/results.json?department=" + url.QueryEscape("<script>alert(1)</script>"),
		"/export/" + url.PathEscape("<script>x</script>") + ".xlsx?department=SCJG",
	} {
		req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+h.scjgToken)
		r := h.raw(t, req)
		if r.status < 400 || strings.Contains(string(r.body), "<script>") {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
		if code, _ := r.codeMessage(); code == "" {
			t.Errorf("GET %s: no code in %s", path, r.body)
		}
	}
}

// TestSurface_SchemaGraphiQLAndMetricsNeedCredentials: introspection, GraphiQL and /metrics
// are not for anonymous callers unless the operator opens them.
func TestSurface_SchemaGraphiQLAndMetricsNeedCredentials(t *testing.T) {
	t.Parallel()
	h := newTestHubWith(t, func(o *server.Options) { o.MetricsToken = "metrics-token-0123456789" })
	introspect := `{ __schema { queryType { name } } }`
	if r := h.do(t, "", introspect, nil); r.code() != "UNAUTHENTICATED" {
		t.Errorf("anonymous introspection: %+v", r.Errors)
	}
	if r := h.do(t, "", `{ __type(name: "Query") { name } }`, nil); r.code() != "UNAUTHENTICATED" {
		t.Errorf("anonymous __type: %+v", r.Errors)
	}
	if r := h.do(t, "", `{ __typename }`, nil); r.code() != "" {
		t.Errorf("anonymous __typename: %+v", r.Errors)
	}
	if r := h.do(t, h.wjToken, introspect, nil); r.code() != "" || !strings.Contains(string(r.Data["__schema"]), "Query") {
		t.Errorf("token introspection: %+v %s", r.Errors, r.Data["__schema"])
	}
	// GraphiQL: anonymous gets a page asking for a token; a posted token opens it, uncached.
	get, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/graphiql", nil)
	if r := h.raw(t, get); r.status != http.StatusUnauthorized || !strings.Contains(string(r.body), "令牌") {
		t.Errorf("anonymous /graphiql: %d %.200s", r.status, r.body)
	}
	post := func(tok string) rawResponse {
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphiql", strings.NewReader(url.Values{"token": {tok}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		return h.raw(t, req)
	}
	if r := post("ssgk_bad_token"); r.status != http.StatusUnauthorized {
		t.Errorf("/graphiql with a bad token: %d", r.status)
	}
	if r := post(h.wjToken); r.status != http.StatusOK || !strings.Contains(string(r.body), "graphiql") || r.header.Get("Cache-Control") != "no-store" {
		t.Errorf("/graphiql with a token: %d %q", r.status, r.header.Get("Cache-Control"))
	}
	withHeader, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/graphiql", nil)
	withHeader.Header.Set("Authorization", "Bearer "+h.wjToken)
	if r := h.raw(t, withHeader); r.status != http.StatusOK {
		t.Errorf("/graphiql with an Authorization header: %d", r.status)
	}
	// /metrics: not on the main listener without the metrics token.
	metrics := func(tok string) rawResponse {
		req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/metrics", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		return h.raw(t, req)
	}
	if r := metrics(""); r.status != http.StatusNotFound {
		t.Errorf("anonymous /metrics: %d", r.status)
	}
	if r := metrics(h.wjToken); r.status != http.StatusNotFound {
		t.Errorf("/metrics with an API token: %d", r.status)
	}
	if r := metrics("metrics-token-0123456789"); r.status != http.StatusOK || !strings.Contains(string(r.body), "ssgk_http_requests_total") {
		t.Errorf("/metrics with the metrics token: %d", r.status)
	}
	// The admin listener's handler serves metrics and the profiler.
	admin := httptest.NewServer(h.server.AdminHandler())
	defer admin.Close()
	for _, p := range []string{"/metrics", "/debug/pprof/"} {
		resp, err := http.Get(admin.URL + p)
		if err != nil || resp.StatusCode != http.StatusOK {
			t.Fatalf("admin %s: %v %v", p, err, resp)
		}
		resp.Body.Close()
	}
}

// TestSurface_OpenSchemaSetting: GRAPHQL_PUBLIC_SCHEMA opens introspection and GraphiQL.
func TestSurface_OpenSchemaSetting(t *testing.T) {
	t.Parallel()
	h := newTestHubWith(t, func(o *server.Options) { o.PublicSchema = true })
	if r := h.do(t, "", `{ __schema { queryType { name } } }`, nil); r.code() != "" {
		t.Errorf("introspection with the schema open: %+v", r.Errors)
	}
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/graphiql", nil)
	if r := h.raw(t, req); r.status != http.StatusOK {
		t.Errorf("/graphiql with the schema open: %d", r.status)
	}
	if r := h.do(t, "", `{ departments { totalCount } }`, nil); r.code() != "UNAUTHENTICATED" {
		t.Errorf("an open schema opened the data: %+v", r.Errors)
	}
}

// TestSurface_MetricLabelsOnlyForKnownOperations: invented operation names of anonymous
// callers do not each add a series.
func TestSurface_MetricLabelsOnlyForKnownOperations(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	for i := range 20 {
		h.do(t, "", "query Invented"+strings.Repeat("X", i)+" { viewer { kind } }", nil)
	}
	h.do(t, h.wjToken, "query DashboardDepartments { departments { totalCount } }", nil)
	admin := httptest.NewServer(h.server.AdminHandler())
	defer admin.Close()
	resp, err := http.Get(admin.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	text := string(b)
	if strings.Contains(text, "Invented") {
		t.Errorf("anonymous operation names became labels")
	}
	if !strings.Contains(text, `operation="DashboardDepartments"`) || !strings.Contains(text, `operation="unauthenticated"`) {
		t.Errorf("labels: %s", grepLines(text, "ssgk_graphql_requests_total"))
	}
}

func grepLines(s, sub string) string {
	var out []string
	for _, l := range strings.Split(s, "\n") {
		if strings.Contains(l, sub) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// TestSurface_PortalRefusesControlCharacters: a NUL in a portal search neither matches every
// enterprise (SQLite) nor fails inside the database (PostgreSQL).
func TestSurface_PortalRefusesControlCharacters(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	for _, path := range []string{"/results?q=%00", "/open/results.json?q=a%00b", "/results?q=%1b"} {
		req, _ := http.NewRequest(http.MethodGet, h.srv.URL+path, nil)
		r := h.raw(t, req)
		if r.status != http.StatusBadRequest || !strings.Contains(string(r.body), "INVALID") {
			t.Errorf("GET %s: %d %s", path, r.status, r.body)
		}
	}
	req, _ := http.NewRequest(http.MethodGet, h.srv.URL+"/results?q=%E9%A3%9F%E5%93%81", nil)
	if r := h.raw(t, req); r.status != http.StatusOK {
		t.Errorf("an ordinary search: %d", r.status)
	}
}

// TestSurface_ClientBehindTrustedProxy: the client is the nearest untrusted hop of
// X-Forwarded-For, read from the right; what the client wrote on the left is ignored.
func TestSurface_ClientBehindTrustedProxy(t *testing.T) {
	t.Parallel()
	h := newTestHubWith(t, func(o *server.Options) { o.TrustedProxies = loopback })
	login := `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token } }`
	var mu sync.Mutex
	var wg sync.WaitGroup
	codes := map[string]int{}
	for i := range 14 { // at once: attempts are taken before any password is checked
		wg.Add(1)
		go func() {
			defer wg.Done()
			body := gqlBody(login, map[string]any{"u": "nobody", "p": "x"})
			req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", strings.NewReader(string(body)))
			req.Header.Set("Content-Type", "application/json")
			// A forged first hop, then the real client as the proxy appended it.
			req.Header.Set("X-Forwarded-For", fmt.Sprintf("198.51.100.%d, 203.0.113.9", i+1))
			c := h.send(t, req).code()
			mu.Lock()
			codes[c]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes["RATE_LIMITED"] == 0 {
		t.Fatalf("forged left hops bought fresh attempts: %v", codes)
	}
}
