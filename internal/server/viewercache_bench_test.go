package server_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"net/http"
	"net/http/httptest"
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

// BenchmarkAuthenticatedRequest is a tiny authenticated GraphQL request —
// `{ departments(first: 1) { totalCount } }` — in process, with a department token and with a
// person's session, through a hub without the viewer cache and one with it, side by side on the
// same database (issue 22). On SQLite the hub has no cache (docs/architecture.md); "cache" there
// forces one on, with a stand-in for the LISTEN connection, to measure what it would save.
//
//	SSGK_TEST_POSTGRES=postgres://… go test -run '^$' -bench BenchmarkAuthenticatedRequest -benchtime 3000x -count 3 ./internal/server
func BenchmarkAuthenticatedRequest(b *testing.B) {
	url, dir := testutil.DatabaseURL(b), b.TempDir()
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	open := func(noCache bool) *hub.Hub {
		h, err := hub.Open(context.Background(), hub.Options{DatabaseURL: url, DataDir: dir, SessionKey: key, SeedCodes: true, NoViewerCache: noCache})
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { h.Close() })
		return h
	}
	off, on := open(true), open(false)
	if on.Dialect != "postgres" {
		// A stand-in LISTEN connection that hears the probe and nothing else.
		var listening *changefeed.Watcher
		on.Auth.UseCache(func(_ string, w *changefeed.Watcher) error { listening = w; w.Up(); return nil },
			func(_ context.Context, _, payload string) error { listening.Notify(payload); return nil }, nil)
	}
	ctx := testutil.System()
	err := txn.Run(ctx, off.Client, func(tx *ent.Tx) error {
		return tx.Department.Create().SetCode("WJ").SetName("宁阳县卫生健康局").SetShortName("县卫健局").Exec(ctx)
	})
	if err != nil {
		b.Fatal(err)
	}
	token, _, err := off.Auth.CreateToken(ctx, "WJ", "卫健业务系统", []string{viewer.RoleDeptAdmin}, nil)
	if err != nil {
		b.Fatal(err)
	}
	if _, err := off.Auth.CreateAccount(ctx, "wangwu", "王五", "wangwu-password", "WJ", []string{viewer.RoleDeptAdmin}); err != nil {
		b.Fatal(err)
	}
	session, _, _, err := off.Auth.Login(context.Background(), "wangwu", "wangwu-password")
	if err != nil {
		b.Fatal(err)
	}
	on.Auth.CacheStats() // start the LISTEN
	for on.Dialect == "postgres" && !on.Auth.CacheStats().On {
		time.Sleep(10 * time.Millisecond)
	}
	body := gqlBody(`{ departments(first: 1) { totalCount } }`, nil)
	for _, cred := range []struct{ name, value string }{{"token", token}, {"session", session}} {
		for _, c := range []struct {
			name string
			h    *hub.Hub
		}{{"nocache", off}, {"cache", on}} {
			srv := server.NewWithOptions(c.h.WithLogger(testutil.Logger()), server.DefaultOptions)
			b.Run(c.h.Dialect+"/"+cred.name+"/"+c.name, func(b *testing.B) {
				hits := c.h.Auth.CacheStats().Hits
				for b.Loop() {
					req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
					req.Header.Set("Authorization", "Bearer "+cred.value)
					rec := httptest.NewRecorder()
					srv.ServeHTTP(rec, req)
					if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) {
						b.Fatalf("%d %.300s", rec.Code, rec.Body.Bytes())
					}
				}
				if c.name == "cache" && c.h.Auth.CacheStats().Hits == hits {
					b.Fatal("the cache was not used")
				}
			})
		}
	}
}
