package server_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// TestLedgerEndpoints_CacheableAndPublic: the transparency log's endpoints answer anyone; a
// checkpoint is stable with an ETag (If-None-Match: 304), a proof against a fixed size is
// immutable, bad requests carry a code, and the hub's signing key is private to its owner.
func TestLedgerEndpoints_CacheableAndPublic(t *testing.T) {
	t.Parallel()
	db := testutil.Open(t)
	srv := httptest.NewServer(server.New(db.WithLogger(testutil.Logger()), server.DefaultLimits))
	t.Cleanup(srv.Close)
	ctx := testutil.System()
	for i := range 3 {
		err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
			_, err := publish.Record(ctx, tx, publish.Act{Kind: publication.KindRESULT, Title: fmt.Sprintf("检查结果公示 %d", i),
				SubjectType: ent.TypeResult, SubjectID: 500 + i, Payload: map[string]any{"target": "宁阳县某某食品店", "conclusion": "未发现问题", "seq": i}})
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	get := func(path, etag string) (*http.Response, string) {
		req, _ := http.NewRequest(http.MethodGet, srv.URL+path, nil)
		if etag != "" {
			req.Header.Set("If-None-Match", etag)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp, string(b)
	}
	r1, b1 := get("/ledger/checkpoint", "")
	r2, b2 := get("/ledger/checkpoint", "")
	if r1.StatusCode != 200 || b1 != b2 || r1.Header.Get("ETag") != r2.Header.Get("ETag") {
		t.Fatalf("checkpoint not stable: %s / %s", b1, b2)
	}
	if r, _ := get("/ledger/checkpoint", r1.Header.Get("ETag")); r.StatusCode != http.StatusNotModified {
		t.Fatalf("If-None-Match: %d", r.StatusCode)
	}
	r, _ := get("/ledger/proof/inclusion?index=0&size=3", "")
	if r.StatusCode != 200 || !strings.Contains(r.Header.Get("Cache-Control"), "immutable") {
		t.Fatalf("inclusion proof: %d %q", r.StatusCode, r.Header.Get("Cache-Control"))
	}
	for path, status := range map[string]int{
		"/ledger/leaves/3":                           http.StatusNotFound,
		"/ledger/leaves/x":                           http.StatusNotFound,
		"/ledger/proof/inclusion?index=3&size=3":     http.StatusBadRequest,
		"/ledger/proof/inclusion?size=3":             http.StatusBadRequest,
		"/ledger/proof/consistency?first=2&second=9": http.StatusBadRequest,
		"/ledger/proof/consistency?first=3&second=2": http.StatusBadRequest,
	} {
		if r, body := get(path, ""); r.StatusCode != status || !strings.Contains(body, `"code"`) {
			t.Fatalf("GET %s: %d %s, want %d", path, r.StatusCode, body, status)
		}
	}
	if r, body := get("/ledger/proof/consistency?first=1", ""); r.StatusCode != 200 || !strings.Contains(body, `"second":3`) {
		t.Fatalf("consistency to the latest checkpoint: %d %s", r.StatusCode, body)
	}
	if fi, err := os.Stat(filepath.Join(db.DataDir, ledger.KeyFile)); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("hub key: %v %v", fi, err)
	}
}
