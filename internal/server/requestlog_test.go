package server_test

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/ssgk/ssgk/internal/logging"
	"github.com/ssgk/ssgk/internal/server"
)

// syncBuffer is a log sink the server's goroutines can write to while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

// lines are the JSON log records written so far.
func (s *syncBuffer) lines(t *testing.T) []map[string]any {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []map[string]any
	sc := bufio.NewScanner(bytes.NewReader(s.b.Bytes()))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var m map[string]any
		if err := json.Unmarshal(sc.Bytes(), &m); err != nil {
			t.Fatalf("a log line is not JSON: %q", sc.Text())
		}
		out = append(out, m)
	}
	return out
}

func (s *syncBuffer) find(t *testing.T, msg, requestID string) map[string]any {
	t.Helper()
	for _, l := range s.lines(t) {
		if l["msg"] == msg && (requestID == "" || l["request_id"] == requestID) {
			return l
		}
	}
	return nil
}

// TestRequestLog_IDsClientIPAndLevels: every request gets an ID (the client's when well formed)
// that is in the response header, the access line and the error responses (GraphQL INTERNAL
// errors and the portal's error page); the client address honours only a trusted proxy; health
// checks and metrics scrapes are logged at DEBUG.
func TestRequestLog_IDsClientIPAndLevels(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	var logs syncBuffer
	opts := server.DefaultOptions
	opts.TrustedProxies = []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}
	srv := server.NewWithOptions(h.db.WithLogger(logging.New(&logs, logging.Options{Level: "debug", Format: "json"})), opts)
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	untrusting := httptest.NewServer(server.New(h.db.WithLogger(logging.New(&logs, logging.Options{Format: "json"})), server.DefaultLimits))
	t.Cleanup(untrusting.Close)

	do := func(base, method, path, body string, hdr ...string) (*http.Response, string) {
		t.Helper()
		req, _ := http.NewRequest(method, base+path, strings.NewReader(body))
		for i := 0; i+1 < len(hdr); i += 2 {
			req.Header.Set(hdr[i], hdr[i+1])
		}
		if body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}

	// The client's request ID is kept; a proxy in the trusted range names the client.
	resp, _ := do(ts.URL, "GET", "/", "", "X-Request-Id", "county-lb:abc-123", "X-Forwarded-For", "203.0.113.7, 10.1.2.3")
	if got := resp.Header.Get("X-Request-Id"); got != "county-lb:abc-123" {
		t.Errorf("X-Request-Id answered %q", got)
	}
	line := logs.find(t, "http request", "county-lb:abc-123")
	if line == nil {
		t.Fatalf("no access line with the request ID:\n%v", logs.lines(t))
	}
	if line["client_ip"] != "203.0.113.7" || line["level"] != "INFO" || line["path"] != "/" || line["status"] != float64(200) {
		t.Errorf("access line %v", line)
	}

	// A malformed request ID (could forge log fields) is replaced by a generated one.
	resp, _ = do(ts.URL, "GET", "/healthz", "", "X-Request-Id", "bad id\" level=ERROR")
	id := resp.Header.Get("X-Request-Id")
	if !regexp.MustCompile(`^[0-9a-f]{16}$`).MatchString(id) {
		t.Errorf("generated request ID %q", id)
	}
	if l := logs.find(t, "http request", id); l == nil || l["level"] != "DEBUG" {
		t.Errorf("the health check is not logged at DEBUG: %v", l)
	}
	resp, _ = do(ts.URL, "GET", "/metrics", "")
	if l := logs.find(t, "http request", resp.Header.Get("X-Request-Id")); l == nil || l["level"] != "DEBUG" {
		t.Errorf("the metrics scrape is not logged at DEBUG: %v", l)
	}

	// Without trusted proxies, X-Forwarded-For is the client's word and is ignored.
	resp, _ = do(untrusting.URL, "GET", "/", "", "X-Forwarded-For", "203.0.113.7")
	if l := logs.find(t, "http request", resp.Header.Get("X-Request-Id")); l == nil || l["client_ip"] != "127.0.0.1" {
		t.Errorf("untrusted X-Forwarded-For believed: %v", l)
	}
	// Health checks are not even written at INFO.
	resp, _ = do(untrusting.URL, "GET", "/healthz", "")
	if l := logs.find(t, "http request", resp.Header.Get("X-Request-Id")); l != nil {
		t.Errorf("a health check logged at INFO: %v", l)
	}

	// An authentication failure names the request.
	resp, body := do(ts.URL, "POST", "/graphql", `{"query":"{ viewer { name } }"}`, "Authorization", "Bearer ssgk_nope")
	if resp.StatusCode != http.StatusUnauthorized || !strings.Contains(body, `"requestId":"`+resp.Header.Get("X-Request-Id")+`"`) {
		t.Errorf("401 without the request ID: %d %s", resp.StatusCode, body)
	}

	// An internal error: the calendar_years table is gone. The GraphQL error carries the request
	// ID, and the log line with the cause has the same one.
	if _, err := h.db.SQL.Exec(`ALTER TABLE calendar_years RENAME TO calendar_years_gone`); err != nil {
		t.Fatal(err)
	}
	resp, body = do(ts.URL, "POST", "/graphql", `{"query":"{ calendarYears { totalCount } }"}`, "Authorization", "Bearer "+h.scjgToken, "X-Request-Id", "req-internal-1")
	var gql struct {
		Errors []struct {
			Message    string
			Extensions map[string]any
		}
	}
	if err := json.Unmarshal([]byte(body), &gql); err != nil || len(gql.Errors) == 0 {
		t.Fatalf("GraphQL with a missing table: %v %s", err, body)
	}
	e := gql.Errors[0]
	if e.Extensions["code"] != "INTERNAL" || e.Extensions["requestId"] != "req-internal-1" || strings.Contains(e.Message, "calendar_years") {
		t.Errorf("INTERNAL error %+v", e)
	}
	if l := logs.find(t, "internal error", "req-internal-1"); l == nil || !strings.Contains(l["err"].(string), "calendar_years") {
		t.Errorf("the internal error is not logged with its cause and request ID: %v", l)
	}

	// The portal's error page names the request; its log line too (the portal logs through the
	// hub's logger, JSON here).
	if _, err := h.db.SQL.Exec(`ALTER TABLE publications RENAME TO publications_gone`); err != nil {
		t.Fatal(err)
	}
	resp, body = do(ts.URL, "GET", "/", "", "X-Request-Id", "req-portal-1")
	if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(body, `id="request-id">req-portal-1<`) || strings.Contains(body, "publications") {
		t.Errorf("portal error page: %d\n%s", resp.StatusCode, body)
	}
	if l := logs.find(t, "portal", "req-portal-1"); l == nil {
		t.Errorf("the portal's failure is not in the hub's log with the request ID:\n%v", logs.lines(t))
	}
	if l := logs.find(t, "http request", "req-portal-1"); l == nil || l["level"] != "ERROR" {
		t.Errorf("a 500 is not logged at ERROR: %v", l)
	}
}
