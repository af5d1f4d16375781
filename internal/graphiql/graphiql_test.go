package graphiql_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/ssgk/ssgk/internal/demo"
	"github.com/ssgk/ssgk/internal/graphiql"
	"github.com/ssgk/ssgk/internal/logging"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/browser"
	"github.com/ssgk/ssgk/internal/viewer"
)

// hub is the hub on a small demo database, and a department token.
func hub(t *testing.T) (*httptest.Server, string) {
	t.Helper()
	db := testutil.Open(t)
	ctx := viewer.NewContext(context.Background(), viewer.NewSystem("graphiql test"))
	if _, err := demo.Load(ctx, db.Client, demo.Options{Targets: 40, Inspectors: 20}); err != nil {
		t.Fatal(err)
	}
	authSvc := db.Auth
	token, _, err := authSvc.CreateToken(ctx, "SCJG", "看板测试", []string{viewer.RoleDeptAdmin}, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(server.New(db.WithLogger(logging.Discard()), server.DefaultLimits))
	t.Cleanup(srv.Close)
	return srv, token
}

func get(t *testing.T, url string, hdr ...string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, url, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// A Transport that does not ask for gzip by itself, so the test sees what it asked for.
	resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, b
}

// TestGraphiQL_PageIsSelfContained: the page references only its own embedded assets (no CDN),
// which are served (gzip-compressed on request) and cacheable forever under a versioned URL.
func TestGraphiQL_PageIsSelfContained(t *testing.T) {
	srv, token := hub(t)
	// GraphiQL is for authenticated callers (issue 19): a tool sends its token with the page
	// request; a browser posts it on the page the hub answers anonymous visitors with.
	resp, body := get(t, srv.URL+"/graphiql", "Authorization", "Bearer "+token)
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("/graphiql: %d", resp.StatusCode)
	}
	page := string(body)
	for _, u := range regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(page, -1) {
		if strings.HasPrefix(u[1], "http") || strings.HasPrefix(u[1], "//") {
			t.Errorf("the page loads %s from elsewhere", u[1])
		}
	}
	if strings.Contains(page, "jsdelivr") || strings.Contains(page, "unpkg") {
		t.Error("the page names a CDN")
	}
	if !strings.Contains(page, `\"Authorization\": \"Bearer `+graphiql.TokenPlaceholder) {
		t.Error("the page lacks the Authorization header template")
	}
	scripts := regexp.MustCompile(`<script src="([^"]+)"`).FindAllStringSubmatch(page, -1)
	if len(scripts) != 3 {
		t.Fatalf("%d scripts, want React, ReactDOM and GraphiQL", len(scripts))
	}
	for _, s := range scripts {
		resp, b := get(t, srv.URL+s[1], "Accept-Encoding", "gzip")
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", s[1], resp.StatusCode)
		}
		if !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
			t.Errorf("%s: Cache-Control %q", s[1], resp.Header.Get("Cache-Control"))
		}
		if resp.Header.Get("Content-Encoding") != "gzip" {
			t.Errorf("%s is not compressed", s[1])
			continue
		}
		zr, err := gzip.NewReader(bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil || len(plain) < len(b) {
			t.Errorf("%s: gzip body does not decode (%v)", s[1], err)
		}
	}
	resp, _ = get(t, srv.URL+"/graphiql/assets/x/THIRD_PARTY_LICENSES.txt")
	if resp.StatusCode != http.StatusOK {
		t.Errorf("the licences are not served: %d", resp.StatusCode)
	}
	resp, _ = get(t, srv.URL+"/graphiql/assets/x/../graphiql.go")
	if resp.StatusCode == http.StatusOK {
		t.Error("a path outside the assets is served")
	}
}

// TestGraphiQL_ExampleQueryRuns: the example query the page opens on is valid against the
// schema and returns data for a department token.
func TestGraphiQL_ExampleQueryRuns(t *testing.T) {
	srv, token := hub(t)
	body, _ := json.Marshal(map[string]any{"query": graphiql.ExampleQuery})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Viewer      struct{ Kind string }
			Departments struct{ TotalCount int }
			Targets     struct{ TotalCount int }
		}
		Errors []json.RawMessage
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	if len(out.Errors) > 0 || out.Data.Viewer.Kind != "TOKEN" || out.Data.Departments.TotalCount == 0 {
		t.Fatalf("example query: %+v %s", out.Data, out.Errors)
	}
}

// TestGraphiQL_BrowserOffline opens /graphiql in Chromium whose resolver knows no host but the
// loopback address (a county intranet), checks that the editor shows the Chinese example query
// and the header template, puts a demo token into the headers, runs the query and reads the
// departments from the response. No request may leave the hub.
func TestGraphiQL_BrowserOffline(t *testing.T) {
	b := browser.Start(t, browser.Options{Offline: true, Width: 1366, Height: 900})
	hubSrv, token := hub(t)
	// Record the credential each introspection request carries: the schema (and so the
	// documentation) must be fetchable with the token from the headers editor, for a hub that
	// allows introspection to authenticated callers only.
	var mu sync.Mutex
	var introspections []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost && r.URL.Path == "/graphql" {
			body, _ := io.ReadAll(r.Body)
			r.Body = io.NopCloser(bytes.NewReader(body))
			if strings.Contains(string(body), "IntrospectionQuery") {
				mu.Lock()
				introspections = append(introspections, r.Header.Get("Authorization"))
				mu.Unlock()
			}
		}
		hubSrv.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	b.Do("open /graphiql", chromedp.Navigate(srv.URL+"/graphiql"))
	// An anonymous visitor is asked for a token, posted (never put in a URL).
	b.Wait("the token form", `document.querySelector('input[name=token]') !== null`, 30*time.Second)
	b.Do("enter the token", chromedp.SendKeys(chromedp.CSS(`input[name=token]`), token))
	b.Do("open GraphiQL", chromedp.Submit(chromedp.CSS(`input[name=token]`)))
	// CodeMirror 5 editors keep their instance on the .CodeMirror element.
	b.Wait("the query editor", `document.querySelector('.graphiql-query-editor .CodeMirror') !== null`, 60*time.Second)
	query := browser.Eval[string](b, "query text", `document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue()`)
	if !strings.Contains(query, "欢迎使用") || !strings.Contains(query, "departments(") {
		t.Fatalf("the editor does not show the example query:\n%.300s", query)
	}
	b.Wait("the headers editor", `document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror') !== null`, 30*time.Second)
	headers := browser.Eval[string](b, "headers", `document.querySelector('.graphiql-editor-tool .graphiql-editor:not(.hidden) .CodeMirror').CodeMirror.getValue()`)
	if !strings.Contains(headers, "Authorization") || !strings.Contains(headers, token) {
		t.Fatalf("the headers editor shows %q, want the posted token", headers)
	}
	b.Screenshot("graphiql-01-opened.png", false)
	b.Do("run the query", chromedp.Click(chromedp.CSS(".graphiql-execute-button")))
	response := `(() => { const r = document.querySelector('.graphiql-response .result-window .CodeMirror'); return r ? r.CodeMirror.getValue() : ''; })()`
	b.Wait("the response", response+`.includes('totalCount')`, 60*time.Second)
	text := browser.Eval[string](b, "response", response)
	b.Screenshot("graphiql-02-response.png", false)
	var out struct {
		Data struct {
			Viewer      struct{ Kind string }
			Departments struct {
				TotalCount int
				Edges      []struct{ Node struct{ Name string } }
			}
		}
		Errors []json.RawMessage
	}
	if err := json.Unmarshal([]byte(text), &out); err != nil {
		t.Fatalf("response %q: %v", text, err)
	}
	if len(out.Errors) > 0 || out.Data.Viewer.Kind != "TOKEN" || len(out.Data.Departments.Edges) == 0 || out.Data.Departments.Edges[0].Node.Name == "" {
		t.Fatalf("the example query answered %s", text)
	}
	// The schema is fetched again with the token (the ⟳ button the example query points to).
	b.Do("refetch the schema", chromedp.Click(chromedp.CSS(`button[aria-label="Re-fetch GraphQL schema"]`)))
	withToken := func() bool {
		mu.Lock()
		defer mu.Unlock()
		for _, a := range introspections {
			if a == "Bearer "+token {
				return true
			}
		}
		return false
	}
	for deadline := time.Now().Add(30 * time.Second); !withToken(); time.Sleep(100 * time.Millisecond) {
		if time.Now().After(deadline) {
			mu.Lock()
			t.Fatalf("no introspection request carried the token: %q", introspections)
		}
	}
	mu.Lock()
	for _, a := range introspections {
		if a != "Bearer "+token {
			t.Errorf("an introspection request sent %q, want the token", a)
		}
	}
	mu.Unlock()
	if foreign := b.ForeignRequests(srv.URL); len(foreign) > 0 {
		t.Errorf("the page requested URLs outside the hub: %v", foreign)
	}
}

// TestGraphiQL_ConnectionFieldsDescribedInChinese: every list field of Query that returns a
// connection, and its arguments, carries a Chinese description (ent/entc.go derives them from
// the schema comments), as GraphiQL's documentation pane shows them.
func TestGraphiQL_ConnectionFieldsDescribedInChinese(t *testing.T) {
	srv, token := hub(t)
	q := `{ __schema { queryType { fields { name description type { kind name ofType { name } } args { name description } } } } }`
	body, _ := json.Marshal(map[string]any{"query": q})
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out struct {
		Data struct {
			Schema struct {
				QueryType struct {
					Fields []struct {
						Name, Description string
						Type              struct {
							Kind, Name string
							OfType     struct{ Name string }
						}
						Args []struct{ Name, Description string }
					}
				}
			} `json:"__schema"`
		}
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		t.Fatal(err)
	}
	han := regexp.MustCompile(`\p{Han}`)
	n := 0
	for _, f := range out.Data.Schema.QueryType.Fields {
		if !strings.HasSuffix(f.Type.Name+f.Type.OfType.Name, "Connection") {
			continue
		}
		n++
		if !han.MatchString(f.Description) {
			t.Errorf("Query.%s: description %q is not Chinese", f.Name, f.Description)
		}
		for _, a := range f.Args {
			if !han.MatchString(a.Description) {
				t.Errorf("Query.%s(%s): description %q is not Chinese", f.Name, a.Name, a.Description)
			}
		}
	}
	if n < 40 {
		t.Errorf("only %d connection fields on Query", n)
	}
}

func jsString(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}
