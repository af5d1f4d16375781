package server_test

import (
	"bytes"
	"context"
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/viewer"
)

// testHub is a running hub on a fresh database with two departments and their tokens.
type testHub struct {
	db         *hub.Hub
	auth       *auth.Service
	srv        *httptest.Server
	server     *server.Server
	statements *atomic.Int64
	// loseCommit, when set, makes the next transaction's COMMIT succeed in the database and then
	// report a broken connection: the answer lost on the way back.
	loseCommit *atomic.Bool
	scjg, wj   *ent.Department
	scjgToken  string // SCJG system token (department admin)
	wjToken    string // WJ system token
	officeTok  string // office token (SCJG, OFFICE role)
}

func newTestHub(t testing.TB) *testHub { t.Helper(); return newTestHubWith(t, nil) }

// newTestHubWith is newTestHub with the hub's options changed by configure.
func newTestHubWith(t testing.TB, configure func(*server.Options)) *testHub {
	t.Helper()
	return newTestHubOn(t, testutil.Options{}, configure)
}

// newTestHubOn is newTestHubWith on a database opened with topts (its Driver is replaced).
func newTestHubOn(t testing.TB, topts testutil.Options, configure func(*server.Options)) *testHub {
	t.Helper()
	var n atomic.Int64
	var lose atomic.Bool
	topts.Driver = func(d dialect.Driver) dialect.Driver { return &countingDriver{Driver: d, n: &n, loseCommit: &lose} }
	db := testutil.Open(t, topts)
	authSvc := db.Auth
	h := &testHub{db: db, auth: authSvc, statements: &n, loseCommit: &lose}
	w := world.Build(t, db, world.Departments(world.SCJG, world.WJ))
	h.scjg, h.wj = w.SCJG, w.WJ
	h.scjgToken = w.APIToken(h.scjg, "市场监管业务系统", viewer.RoleDeptAdmin)
	h.wjToken = w.APIToken(h.wj, "卫健业务系统", viewer.RoleDeptAdmin)
	h.officeTok = w.APIToken(h.scjg, "办公室", viewer.RoleOffice)
	opts := server.DefaultOptions
	if configure != nil {
		configure(&opts)
	}
	h.server = server.NewWithOptions(db.WithLogger(testutil.Logger()), opts)
	h.srv = httptest.NewServer(h.server)
	t.Cleanup(h.srv.Close)
	return h
}

type gqlResponse struct {
	Status int
	Data   map[string]json.RawMessage
	Errors []struct {
		Message    string         `json:"message"`
		Path       []any          `json:"path"`
		Extensions map[string]any `json:"extensions"`
	}
}

func (r *gqlResponse) code() string {
	if len(r.Errors) == 0 {
		return ""
	}
	c, _ := r.Errors[0].Extensions["code"].(string)
	return c
}

// do posts a GraphQL request with an optional bearer token.
func (h *testHub) do(t *testing.T, token, query string, vars map[string]any) *gqlResponse {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	return h.send(t, req)
}

// send performs a GraphQL HTTP request and decodes the response.
func (h *testHub) send(t *testing.T, req *http.Request) *gqlResponse {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out := &gqlResponse{Status: resp.StatusCode}
	raw, _ := io.ReadAll(resp.Body)
	if err := json.Unmarshal(raw, out); err != nil {
		t.Fatalf("response is not JSON (%d): %s", resp.StatusCode, raw)
	}
	return out
}

// countingDriver counts the SQL statements the hub sends, including inside transactions.
type countingDriver struct {
	dialect.Driver
	n          *atomic.Int64
	loseCommit *atomic.Bool
}

func (d *countingDriver) Exec(ctx context.Context, q string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Exec(ctx, q, args, v)
}

func (d *countingDriver) Query(ctx context.Context, q string, args, v any) error {
	d.n.Add(1)
	return d.Driver.Query(ctx, q, args, v)
}

func (d *countingDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	tx, err := d.Driver.Tx(ctx)
	if err != nil {
		return nil, err
	}
	return &countingTx{Tx: tx, n: d.n, loseCommit: d.loseCommit}, nil
}

// ExecContext and QueryContext pass the raw-SQL path (used by the audit trail) through.
func (d *countingDriver) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	d.n.Add(1)
	return d.Driver.(rawSQL).ExecContext(ctx, q, args...)
}

func (d *countingDriver) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	d.n.Add(1)
	return d.Driver.(rawSQL).QueryContext(ctx, q, args...)
}

type rawSQL interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}

type countingTx struct {
	dialect.Tx
	n          *atomic.Int64
	loseCommit *atomic.Bool
}

// Commit commits; when loseCommit was set it then reports a broken connection (once).
func (t *countingTx) Commit() error {
	if err := t.Tx.Commit(); err != nil {
		return err
	}
	if t.loseCommit != nil && t.loseCommit.CompareAndSwap(true, false) {
		return driver.ErrBadConn
	}
	return nil
}

func (t *countingTx) Exec(ctx context.Context, q string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Exec(ctx, q, args, v)
}

func (t *countingTx) Query(ctx context.Context, q string, args, v any) error {
	t.n.Add(1)
	return t.Tx.Query(ctx, q, args, v)
}

func (t *countingTx) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	t.n.Add(1)
	return t.Tx.(rawSQL).ExecContext(ctx, q, args...)
}

func (t *countingTx) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	t.n.Add(1)
	return t.Tx.(rawSQL).QueryContext(ctx, q, args...)
}
