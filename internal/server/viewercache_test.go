package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/changefeed"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// The viewer cache (issue 22, internal/auth/cache.go), from the attacker's side: two hubs on
// one database, a credential used on hub B until B has cached its viewer, then a change made
// through hub A or by another process (raw SQL, as an ssgk command would): hub B must stop
// serving the old viewer. The TTL is an hour here, so that only the change notification can
// empty B's cache. On SQLite there is no cache and the same attacks must fail as well.

const viewerQuery = `{ viewer { kind name roles department { code } } }`

type cacheHub struct {
	h   *hub.Hub
	srv *httptest.Server
}

type cachePair struct {
	a, b  cacheHub
	url   string  // "" on SQLite
	raw   *sql.DB // another process's connection
	wj    *ent.Department
	token string // a WJ token
}

func openCachePair(t *testing.T) *cachePair {
	t.Helper()
	url, dir := testutil.DatabaseURL(t), t.TempDir()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	open := func(seed bool) cacheHub {
		h, err := hub.Open(context.Background(), hub.Options{DatabaseURL: url, DataDir: dir, SessionKey: key, SeedCodes: seed})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { h.Close() })
		h.Auth.SetCacheTTL(time.Hour)
		srv := httptest.NewServer(server.NewWithOptions(h.WithLogger(testutil.Logger()), server.DefaultOptions))
		t.Cleanup(srv.Close)
		return cacheHub{h: h, srv: srv}
	}
	p := &cachePair{url: url}
	p.a, p.b = open(true), open(false)
	p.raw = p.a.h.SQL
	if url != "" {
		raw, err := sql.Open("postgres", url)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { raw.Close() })
		p.raw = raw
	}
	ctx := testutil.System()
	err := txn.Run(ctx, p.a.h.Client, func(tx *ent.Tx) error {
		var err error
		p.wj, err = tx.Department.Create().SetCode("WJ").SetName("宁阳县卫生健康局").SetShortName("县卫健局").Save(ctx)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	p.token = p.mustToken(t, nil, viewer.RoleDeptAdmin)
	for _, c := range []cacheHub{p.a, p.b} {
		c.h.Auth.CacheStats() // starts the LISTEN
		if c.h.Dialect == "postgres" {
			waitFor(t, "the viewer cache to LISTEN", func() bool { return c.h.Auth.CacheStats().On })
		}
	}
	return p
}

func (p *cachePair) mustToken(t *testing.T, expires *time.Time, roles ...string) string {
	t.Helper()
	tok, _, err := p.a.h.Auth.CreateToken(testutil.System(), "WJ", "卫健业务系统", roles, expires)
	if err != nil {
		t.Fatal(err)
	}
	testutil.RegisterSecret(tok)
	return tok
}

type seenViewer struct {
	status int
	code   string
	Kind   string
	Name   string
	Roles  []string
	Dep    string
}

// ask sends the viewer query with credential to c.
func ask(t *testing.T, c cacheHub, credential string) seenViewer {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"query": viewerQuery})
	req, _ := http.NewRequest(http.MethodPost, c.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+credential)
	r := (&testHub{}).send(t, req)
	out := seenViewer{status: r.Status, code: r.code()}
	if out.code == "" {
		var v struct {
			Kind, Name string
			Roles      []string
			Department *struct{ Code string }
		}
		if err := json.Unmarshal(r.Data["viewer"], &v); err != nil {
			t.Fatalf("viewer: %v (%s)", err, r.Data["viewer"])
		}
		out.Kind, out.Name, out.Roles = v.Kind, v.Name, v.Roles
		if v.Department != nil {
			out.Dep = v.Department.Code
		}
	}
	return out
}

// warm uses credential on c until c answers it from its cache (PostgreSQL), and returns the
// viewer it serves.
func warm(t *testing.T, c cacheHub, credential string) seenViewer {
	t.Helper()
	before := c.h.Auth.CacheStats().Hits
	v := ask(t, c, credential)
	if v.code != "" {
		t.Fatalf("credential refused before the attack: %+v", v)
	}
	v = ask(t, c, credential)
	if c.h.Dialect == "postgres" && c.h.Auth.CacheStats().Hits == before {
		t.Fatal("the viewer cache was not used: the attack below would prove nothing")
	}
	return v
}

// untilRefused asks c with credential until it is refused (UNAUTHENTICATED), at most 10 s, and
// then a few more times, all of which must be refused; it logs how many stale answers came.
func untilRefused(t *testing.T, c cacheHub, credential string) {
	t.Helper()
	start, stale := time.Now(), 0
	for {
		v := ask(t, c, credential)
		if v.code == "UNAUTHENTICATED" {
			break
		}
		if v.code != "" {
			t.Fatalf("unexpected answer: %+v", v)
		}
		stale++
		if time.Since(start) > 10*time.Second {
			t.Fatalf("hub B still serves the viewer %+v %v after the change", v, time.Since(start))
		}
		time.Sleep(time.Millisecond)
	}
	t.Logf("refused after %d stale answers, %v", stale, time.Since(start))
	for range 5 {
		if v := ask(t, c, credential); v.code != "UNAUTHENTICATED" {
			t.Fatalf("accepted again after a refusal: %+v", v)
		}
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for deadline := time.Now().Add(15 * time.Second); !ok(); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
	}
}

// A token revoked through hub A is refused by hub B, and by hub A at once.
func TestViewerCache_RevokeOnOtherHub(t *testing.T) {
	t.Parallel()
	p := openCachePair(t)
	warm(t, p.a, p.token)
	warm(t, p.b, p.token)
	prefix, _, _ := strings.Cut(strings.TrimPrefix(p.token, "ssgk_"), "_")
	if err := p.a.h.Auth.RevokeToken(testutil.System(), prefix); err != nil {
		t.Fatal(err)
	}
	if v := ask(t, p.a, p.token); v.code != "UNAUTHENTICATED" {
		t.Fatalf("hub A serves its own revoked token: %+v", v)
	}
	untilRefused(t, p.b, p.token)
}

// A token revoked, and one deleted, by another process (an ssgk command) is refused by both
// hubs.
func TestViewerCache_RevokeByCommand(t *testing.T) {
	t.Parallel()
	p := openCachePair(t)
	other := p.mustToken(t, nil, viewer.RoleDeptAdmin)
	for _, c := range []cacheHub{p.a, p.b} {
		warm(t, c, p.token)
		warm(t, c, other)
	}
	if _, err := p.raw.Exec(`UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP WHERE prefix = $1`, prefixOf(p.token)); err != nil {
		t.Fatal(err)
	}
	untilRefused(t, p.a, p.token)
	untilRefused(t, p.b, p.token)
	if _, err := p.raw.Exec(`DELETE FROM api_tokens WHERE prefix = $1`, prefixOf(other)); err != nil {
		t.Fatal(err)
	}
	untilRefused(t, p.a, other)
	untilRefused(t, p.b, other)
}

func prefixOf(token string) string {
	prefix, _, _ := strings.Cut(strings.TrimPrefix(token, "ssgk_"), "_")
	return prefix
}

// A cached token's prefix with another secret is refused: the secret is part of the key.
func TestViewerCache_WrongSecret(t *testing.T) {
	t.Parallel()
	p := openCachePair(t)
	warm(t, p.b, p.token)
	secret := p.token[strings.LastIndex(p.token, "_")+1:]
	forged := []string{
		"ssgk_" + prefixOf(p.token) + "_" + strings.Repeat("0", len(secret)),
		"ssgk_" + prefixOf(p.token) + "_" + secret[:len(secret)-1],
		"ssgk_" + prefixOf(p.token) + "_" + secret + "0",
		"ssgk_" + prefixOf(p.token) + "_" + strings.ToUpper(secret),
	}
	for _, f := range forged {
		if v := ask(t, p.b, f); v.code != "UNAUTHENTICATED" {
			t.Errorf("forged secret %q accepted: %+v", f, v)
		}
	}
	if v := ask(t, p.b, p.token); v.code != "" {
		t.Fatalf("the real token is refused after the forgeries: %+v", v)
	}
}

// A cached token or session past its expiry is refused: expiry is checked on every request
// against the clock, never cached away.
func TestViewerCache_ExpiryWhileCached(t *testing.T) {
	t.Parallel()
	p := openCachePair(t)
	now := time.Now()
	exp := now.Add(time.Hour)
	tok := p.mustToken(t, &exp, viewer.RoleDeptAdmin)
	if _, err := p.a.h.Auth.CreateAccount(testutil.System(), "zhangsan", "张三", "zhangsan-pass", "WJ", []string{viewer.RoleDeptAdmin}); err != nil {
		t.Fatal(err)
	}
	session, _, _, err := p.b.h.Auth.Login(context.Background(), "zhangsan", "zhangsan-pass")
	if err != nil {
		t.Fatal(err)
	}
	testutil.RegisterSecret(session)
	warm(t, p.b, tok)
	warm(t, p.b, session)
	p.b.h.Auth.SetClock(func() time.Time { return now.Add(9 * time.Hour) }) // past both
	defer p.b.h.Auth.SetClock(time.Now)
	for _, c := range []string{tok, session} {
		if v := ask(t, p.b, c); v.code != "UNAUTHENTICATED" {
			t.Errorf("expired credential accepted from the cache: %+v", v)
		}
	}
}

// A disabled account's session is refused; roles, username and department changes are served
// at once — through hub A or by another process.
func TestViewerCache_AccountChanges(t *testing.T) {
	t.Parallel()
	p := openCachePair(t)
	acc, err := p.a.h.Auth.CreateAccount(testutil.System(), "lisi", "李四", "lisi-password", "WJ", []string{viewer.RoleDeptAdmin})
	if err != nil {
		t.Fatal(err)
	}
	session, _, _, err := p.a.h.Auth.Login(context.Background(), "lisi", "lisi-password")
	if err != nil {
		t.Fatal(err)
	}
	testutil.RegisterSecret(session)
	// until asks hub B until it serves a viewer that satisfies ok (at most 10 s).
	until := func(what string, ok func(seenViewer) bool) {
		t.Helper()
		start := time.Now()
		for {
			v := ask(t, p.b, session)
			if ok(v) {
				t.Logf("%s: after %v", what, time.Since(start))
				return
			}
			if time.Since(start) > 10*time.Second {
				t.Fatalf("%s: hub B still serves %+v", what, v)
			}
			time.Sleep(time.Millisecond)
		}
	}

	if v := warm(t, p.b, session); !equalRoles(v.Roles, viewer.RoleDeptAdmin) || v.Dep != "WJ" {
		t.Fatalf("viewer before: %+v", v)
	}
	// Roles changed through hub A.
	err = txn.Run(testutil.System(), p.a.h.Client, func(tx *ent.Tx) error {
		return tx.Account.UpdateOneID(acc.ID).SetRoles([]string{viewer.RoleOffice}).Exec(testutil.System())
	})
	if err != nil {
		t.Fatal(err)
	}
	until("roles through hub A", func(v seenViewer) bool { return equalRoles(v.Roles, viewer.RoleOffice) })
	// The department's code changed by another process.
	warm(t, p.b, session)
	if _, err := p.raw.Exec(`UPDATE departments SET code = 'WJJ' WHERE id = $1`, p.wj.ID); err != nil {
		t.Fatal(err)
	}
	until("department code by a command", func(v seenViewer) bool { return v.Dep == "WJJ" })
	// Roles changed by another process.
	warm(t, p.b, session)
	if _, err := p.raw.Exec(`UPDATE accounts SET roles = '["`+viewer.RoleDeptAdmin+`"]' WHERE id = $1`, acc.ID); err != nil {
		t.Fatal(err)
	}
	until("roles by a command", func(v seenViewer) bool { return equalRoles(v.Roles, viewer.RoleDeptAdmin) })
	warm(t, p.b, session)
	// Disabled by another process (ssgk account disable).
	if _, err := p.raw.Exec(`UPDATE accounts SET active = false WHERE id = $1`, acc.ID); err != nil {
		t.Fatal(err)
	}
	untilRefused(t, p.b, session)
}

func equalRoles(got []string, want ...string) bool {
	return strings.Join(got, ",") == strings.Join(want, ",")
}

// The LISTEN connection killed: hub B must not serve a viewer changed meanwhile — the change's
// notification is lost, so B must have stopped using its cache when the connection went. New
// connections to the database are refused meanwhile so that B cannot LISTEN again before the
// change; B's pool keeps its idle connections and answers from the database.
func TestViewerCache_ListenKilled(t *testing.T) {
	t.Parallel()
	p := openCachePair(t)
	if p.url == "" {
		t.Skip("no LISTEN connection on SQLite")
	}
	survivor := p.mustToken(t, nil, viewer.RoleDeptAdmin)
	warm(t, p.b, p.token)
	warm(t, p.b, survivor)
	var dbname string
	if err := p.raw.QueryRow(`SELECT current_database()`).Scan(&dbname); err != nil {
		t.Fatal(err)
	}
	conn, err := p.raw.Conn(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	ctx := context.Background()
	exec := func(q string, args ...any) {
		t.Helper()
		if _, err := conn.ExecContext(ctx, q, args...); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	admin, err := sql.Open("postgres", os.Getenv(testutil.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	allow := func(on bool) {
		t.Helper()
		if _, err := admin.Exec(fmt.Sprintf(`ALTER DATABASE %s ALLOW_CONNECTIONS %t`, dbname, on)); err != nil {
			t.Fatal(err)
		}
	}
	allow(false)
	defer func() { _, _ = admin.Exec(`ALTER DATABASE ` + dbname + ` ALLOW_CONNECTIONS true`) }()
	var killed int
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity
		WHERE datname = current_database() AND pid <> pg_backend_pid() AND query ILIKE 'listen%') k`).Scan(&killed)
	if err != nil || killed == 0 {
		t.Fatalf("killing the LISTEN connections: %d, %v", killed, err)
	}
	exec(`UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP WHERE prefix = $1`, prefixOf(p.token))
	untilRefused(t, p.b, p.token)
	if v := ask(t, p.b, survivor); v.code != "" {
		t.Fatalf("a valid token is refused while the LISTEN connection is down: %+v", v)
	}
	if p.b.h.Auth.CacheStats().On {
		t.Fatal("the cache is in use while the LISTEN connection is down")
	}
	allow(true)
	waitFor(t, "the LISTEN connection to come back", func() bool { return p.b.h.Auth.CacheStats().On })
	if v := ask(t, p.b, p.token); v.code != "UNAUTHENTICATED" {
		t.Fatalf("revoked token accepted after the reconnection: %+v", v)
	}
	warm(t, p.b, survivor)
	// And notifications flow again.
	exec(`UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP WHERE prefix = $1`, prefixOf(survivor))
	untilRefused(t, p.b, survivor)
}

// A LISTEN connection that hears nothing — through a pgBouncer in transaction mode, LISTEN
// succeeds and no notification ever comes; here it listens on another database — never turns
// the cache on: the hub's probe does not come back, and every request reads its credential.
func TestViewerCache_DeafListener(t *testing.T) {
	t.Parallel()
	p := openCachePair(t)
	if p.url == "" {
		t.Skip("no LISTEN connection on SQLite")
	}
	l, err := changefeed.Listen(testutil.DatabaseURL(t), testutil.Logger())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	p.b.h.Auth.UseCache(func(ch string, w *changefeed.Watcher) error { return l.Watch(ch, w) }, nil, testutil.Logger())
	p.b.h.Auth.SetCacheTTL(time.Hour)
	for range 50 {
		if v := ask(t, p.b, p.token); v.code != "" {
			t.Fatal(v)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if st := p.b.h.Auth.CacheStats(); st.On || st.Hits != 0 {
		t.Fatalf("the cache is in use over a connection that hears nothing: %+v", st)
	}
	if _, err := p.raw.Exec(`UPDATE api_tokens SET revoked_at = CURRENT_TIMESTAMP WHERE prefix = $1`, prefixOf(p.token)); err != nil {
		t.Fatal(err)
	}
	if v := ask(t, p.b, p.token); v.code != "UNAUTHENTICATED" {
		t.Fatalf("revoked token accepted: %+v", v)
	}
}
