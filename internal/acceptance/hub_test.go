package acceptance

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"
	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/demo"
	hubpkg "github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/viewer"
)

// hub is the demo hub of one test, served over HTTP.
type hub struct {
	t      *testing.T
	db     *hubpkg.Hub
	auth   *auth.Service
	url    string
	sys    context.Context
	deps   map[string]*ent.Department // by code
	tokens map[string]string          // by "CODE/ROLE,ROLE"
	clock  *clock.Fixed
}

var (
	demoOnce sync.Once
	demoTpl  *testutil.Template
	demoErr  error
)

// hubKey is the session-signing key of every test hub.
var hubKey = bytes.Repeat([]byte("a"), 32)

// TestMain runs the tests, drops the demo template, then greps every log line the suite's hubs
// wrote for the demo password and anything shaped like a token.
func TestMain(m *testing.M) {
	code := m.Run()
	demoTpl.Release()
	if found, lines := testutil.CheckLogs(); len(found) > 0 {
		fmt.Fprintf(os.Stderr, "FAIL: secrets in the %d log lines of the suite: %q\n", lines, found)
		code = 1
	}
	os.Exit(code)
}

// demoTemplate loads the demo data with its sample year once per test binary; each test gets
// a copy (loading it takes tens of seconds, a copy about one).
func demoTemplate(t *testing.T) *testutil.Template {
	t.Helper()
	demoOnce.Do(func() {
		demoTpl, demoErr = testutil.NewTemplate(func(url, dir string) error {
			ctx := context.Background()
			db, err := hubpkg.Open(ctx, hubpkg.Options{DatabaseURL: url, DataDir: dir, SeedCodes: true, SessionKey: hubKey})
			if err != nil {
				return err
			}
			defer db.Close()
			if _, err := demo.Setup(ctx, db, io.Discard, true); err != nil {
				return err
			}
			if db.Dialect == dialect.SQLite {
				_, err = db.SQL.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
			}
			return err
		})
	})
	if demoErr != nil {
		t.Fatalf("loading the demo template: %v", demoErr)
	}
	return demoTpl
}

// newDemoHub serves a copy of the demo data with its sample year; the business clock stands at
// 2026-11-20 10:00 (after the sample year) until the test moves it.
func newDemoHub(t *testing.T) *hub {
	t.Helper()
	ctx := context.Background()
	url, dir := demoTemplate(t).Clone(t)
	fixed := clock.NewFixed(time.Date(2026, 11, 20, 10, 0, 0, 0, clock.CST))
	db, err := hubpkg.Open(ctx, hubpkg.Options{DatabaseURL: url, DataDir: dir, SessionKey: hubKey, Clock: fixed.Now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	authSvc := db.Auth
	srv := httptest.NewServer(server.New(db.WithLogger(testutil.Logger()), server.DefaultLimits))
	t.Cleanup(srv.Close)
	h := &hub{t: t, db: db, auth: authSvc, url: srv.URL, sys: viewer.NewContext(db.Context(ctx), viewer.NewSystem("acceptance test")),
		deps: map[string]*ent.Department{}, tokens: map[string]string{}, clock: fixed}
	all, err := db.Client.Department.Query().Order(ent.Asc(department.FieldID)).All(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range all {
		h.deps[d.Code] = d
	}
	return h
}

// token returns an API token of the department with exactly the given roles.
func (h *hub) token(dep string, roles ...string) string {
	h.t.Helper()
	k := dep + "/" + strings.Join(roles, ",")
	if tok, ok := h.tokens[k]; ok {
		return tok
	}
	tok, _, err := h.auth.CreateToken(h.sys, dep, "测试 "+k, roles, nil)
	if err != nil {
		h.t.Fatal(err)
	}
	h.tokens[k] = tok
	return tok
}

// gqlError is one error of a GraphQL response.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// gqlResponse is a GraphQL response.
type gqlResponse struct {
	Status int
	Raw    string
	Data   map[string]json.RawMessage `json:"data"`
	Errors []gqlError                 `json:"errors"`
}

// codes returns the error codes of the response, in order.
func (r gqlResponse) codes() []string {
	var out []string
	for _, e := range r.Errors {
		c, _ := e.Extensions["code"].(string)
		out = append(out, c)
	}
	return out
}

// has reports whether the response carries an error with the code.
func (r gqlResponse) has(code string) bool {
	for _, c := range r.codes() {
		if c == code {
			return true
		}
	}
	return false
}

// into decodes the data field key into v.
func (r gqlResponse) into(t *testing.T, key string, v any) {
	t.Helper()
	raw, ok := r.Data[key]
	if !ok {
		t.Fatalf("no %q in response: %s", key, r.Raw)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decoding %q: %v: %s", key, err, raw)
	}
}

// gql runs a GraphQL operation with a bearer token ("" for the public).
func (h *hub) gql(token, query string, vars map[string]any) gqlResponse {
	h.t.Helper()
	status, raw := sendGraphQL(h.t, h.url, token, map[string]any{"query": query, "variables": vars}, nil)
	out := gqlResponse{Status: status, Raw: string(raw)}
	if err := json.Unmarshal(raw, &out); err != nil {
		h.t.Fatalf("not JSON (%d): %s", status, raw)
	}
	return out
}

// sendGraphQL posts body (a GraphQL request) to base's /graphql with a bearer token ("" for
// the public) and the extra headers, and returns the status and the raw response: the one
// client of the acceptance tests, each decoding what it needs.
func sendGraphQL(t testing.TB, base, token string, body any, headers map[string]string) (int, []byte) {
	t.Helper()
	b, err := json.Marshal(body)
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(http.MethodPost, base+"/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, raw
}
