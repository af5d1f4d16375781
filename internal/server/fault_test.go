package server_test

import (
	"context"
	"database/sql"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/testutil"
)

// cuttableProxy forwards TCP connections to a PostgreSQL server until cut: then it refuses new
// connections and resets the open ones — the database as a client sees it when it is down.
type cuttableProxy struct {
	ln     net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

func newCuttableProxy(t *testing.T, target string) *cuttableProxy {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &cuttableProxy{ln: ln, target: target}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			up, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, up)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(up, c); up.Close() }()
			go func() { _, _ = io.Copy(c, up); c.Close() }()
		}
	}()
	t.Cleanup(p.cut)
	return p
}

func (p *cuttableProxy) cut() {
	p.ln.Close()
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetLinger(0) // reset, not a polite close
		}
		c.Close()
	}
	p.conns = nil
}

// TestFault_DatabaseDown: with PostgreSQL unreachable, a valid token is not refused as a bad
// credential (HTTP 503 UNAVAILABLE, never 401 UNAUTHENTICATED), and a GraphQL mutation fails
// with UNAVAILABLE and HTTP 503, logged with the request ID.
func TestFault_DatabaseDown(t *testing.T) {
	t.Parallel()
	var proxy *cuttableProxy
	h := newTestHubOn(t, testutil.Options{URL: func(u string) string {
		if u == "" {
			t.Skip("PostgreSQL only: set " + testutil.PostgresEnv)
		}
		pu, err := url.Parse(u)
		if err != nil {
			t.Fatal(err)
		}
		proxy = newCuttableProxy(t, pu.Host)
		pu.Host = proxy.ln.Addr().String()
		return pu.String()
	}}, nil)
	if h.db.Dialect != dialect.Postgres {
		t.Fatal("expected PostgreSQL")
	}
	if r := h.do(t, h.scjgToken, `{ departments { totalCount } }`, nil); r.Status != http.StatusOK || r.code() != "" {
		t.Fatalf("before the outage: %d %+v", r.Status, r.Errors)
	}
	proxy.cut()

	r := h.do(t, h.scjgToken, `{ departments { totalCount } }`, nil)
	if r.Status != http.StatusServiceUnavailable || r.code() != apperr.Unavailable {
		t.Fatalf("token during the outage: HTTP %d %s %+v; want 503 UNAVAILABLE", r.Status, r.code(), r.Errors)
	}
	if !hasChinese(r.Errors[0].Message) {
		t.Errorf("message %q is not Chinese", r.Errors[0].Message)
	}
	r = h.do(t, "", `mutation { login(username: "nobody", password: "whatever-123") { token } }`, nil)
	if r.Status != http.StatusServiceUnavailable || r.code() != apperr.Unavailable {
		t.Fatalf("login during the outage: HTTP %d %s %+v; want 503 UNAVAILABLE", r.Status, r.code(), r.Errors)
	}
	if id, _ := r.Errors[0].Extensions["requestId"].(string); id == "" || !strings.Contains(testutil.CapturedLogs(), id) {
		t.Errorf("the fault is not logged with its request ID %q", id)
	}
	for _, e := range r.Errors {
		if strings.Contains(e.Message, "connection") || strings.Contains(e.Message, "dial") {
			t.Errorf("driver text reached the client: %q", e.Message)
		}
	}
}

// TestFault_SQLiteBusy: while another process holds SQLite's write lock longer than the busy
// timeout, a mutation fails with BUSY and HTTP 503 (nothing written), reads go on, and the same
// mutation succeeds once the lock is released.
func TestFault_SQLiteBusy(t *testing.T) {
	t.Parallel()
	if os.Getenv(testutil.PostgresEnv) != "" {
		t.Skip("SQLite only")
	}
	h := newTestHubOn(t, testutil.Options{BusyTimeout: 200 * time.Millisecond}, nil)
	other, err := sql.Open("sqlite", "file:"+filepath.Join(h.db.DataDir, "ssgk.db")+"?_pragma=busy_timeout(1000)")
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	ctx := context.Background()
	conn, err := other.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}
	createTarget := `mutation($in: CreateTargetInput!) { createTarget(input: $in) { id } }`
	vars := map[string]any{"in": map[string]any{"uscc": validUSCC(7), "name": "宁阳县忙碌测试有限公司"}}
	r := h.do(t, h.scjgToken, createTarget, vars)
	if r.Status != http.StatusServiceUnavailable || r.code() != apperr.Busy {
		t.Fatalf("mutation under a held write lock: HTTP %d %s %+v; want 503 BUSY", r.Status, r.code(), r.Errors)
	}
	if !hasChinese(r.Errors[0].Message) || strings.Contains(r.Errors[0].Message, "locked") {
		t.Errorf("message %q", r.Errors[0].Message)
	}
	if id, _ := r.Errors[0].Extensions["requestId"].(string); id == "" || !strings.Contains(testutil.CapturedLogs(), id) {
		t.Errorf("the fault is not logged with its request ID %q", id)
	}
	if r := h.do(t, h.scjgToken, `{ targets { totalCount } }`, nil); r.code() != "" {
		t.Fatalf("a read under a held write lock: %+v", r.Errors)
	}
	if _, err := conn.ExecContext(ctx, "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	if r := h.do(t, h.scjgToken, createTarget, vars); r.code() != "" {
		t.Fatalf("the retry: %+v", r.Errors)
	}
}
