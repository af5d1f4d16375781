package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// ledgerHub is a hub served in-process, with its database URL and data directory for the CLI.
type ledgerHub struct {
	t     *testing.T
	url   string
	dbURL string
	data  string
	db    *hub.Hub
	pubs  []*ent.Publication
}

func newLedgerHub(t *testing.T) *ledgerHub {
	t.Helper()
	h := &ledgerHub{t: t, dbURL: testutil.DatabaseURL(t), data: t.TempDir()}
	ctx := context.Background()
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: h.dbURL, DataDir: h.data})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	h.db = db
	srv := httptest.NewServer(server.New(db.WithLogger(testutil.TeeLogger(testLog{t})), server.DefaultLimits))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	return h
}

// publish records n publications through publish.Record, as every public act does.
func (h *ledgerHub) publish(n int) {
	h.t.Helper()
	ctx := testutil.System()
	for range n {
		i := len(h.pubs)
		a := publish.Act{Kind: publication.KindRESULT, Title: fmt.Sprintf("检查结果公示 %d", i), SubjectType: ent.TypeResult,
			SubjectID: 500 + i, Payload: map[string]any{"target": "宁阳县某某食品店", "uscc": "92370921MA3C000" + fmt.Sprint(i%10) + "XX", "conclusion": "未发现问题", "seq": i}}
		if i == 3 {
			a.Kind, a.Corrects, a.Title = publication.KindCORRECTION, h.pubs[1].ID, "更正公示"
		}
		err := txn.Run(ctx, h.db.Client, func(tx *ent.Tx) error {
			p, err := publish.Record(ctx, tx, a)
			h.pubs = append(h.pubs, p)
			return err
		})
		if err != nil {
			h.t.Fatal(err)
		}
	}
}

// download fetches path from the hub and stores the body in dir/name.
func (h *ledgerHub) download(dir, name, path string) string {
	h.t.Helper()
	resp, err := http.Get(h.url + path)
	if err != nil {
		h.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		h.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") || resp.Header.Get("ETag") == "" {
		h.t.Fatalf("GET %s: content type %q, ETag %q", path, ct, resp.Header.Get("ETag"))
	}
	f := filepath.Join(dir, name)
	if err := os.WriteFile(f, body, 0o644); err != nil {
		h.t.Fatal(err)
	}
	return f
}

// cli runs ssgk with args and returns its output and the error code ("" on success).
func (h *ledgerHub) cli(args ...string) (string, string) {
	h.t.Helper()
	var out, errb bytes.Buffer
	err := run(context.Background(), args, &out, &errb)
	if err != nil {
		ae := apperr.From(err)
		return out.String() + errb.String() + ae.Message, ae.Code
	}
	return out.String(), ""
}

func editJSON(t *testing.T, path string, edit func(m map[string]any)) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ = json.Marshal(m)
	out := path + ".edited.json"
	if err := os.WriteFile(out, b, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestLedgerVerify_OfflineFilesAndURL(t *testing.T) {
	h := newLedgerHub(t)
	dir := t.TempDir()
	h.publish(5)

	// The user saves a checkpoint, records and proofs.
	cp1 := h.download(dir, "cp1.json", "/ledger/checkpoint")
	var c1 ledger.SignedCheckpoint
	b, _ := os.ReadFile(cp1)
	if err := json.Unmarshal(b, &c1); err != nil || c1.Size != 5 || c1.PublicKey == "" || c1.Signature == "" {
		t.Fatalf("checkpoint %s: %v", b, err)
	}
	rec1 := h.download(dir, "leaf1.json", "/ledger/leaves/1")
	prf1 := h.download(dir, "proof1.json", "/ledger/proof/inclusion?index=1&size=5")
	rec3 := h.download(dir, "leaf3.json", "/ledger/leaves/3")
	prf3 := h.download(dir, "proof3.json", "/ledger/proof/inclusion?index=3") // size: the latest checkpoint
	var r3 ledger.Record
	b, _ = os.ReadFile(rec3)
	if err := json.Unmarshal(b, &r3); err != nil || r3.Publication == nil || r3.Publication.Kind != "CORRECTION" ||
		r3.Publication.Payload["target"] != "宁阳县某某食品店" || !strings.Contains(r3.Leaf, `"corrects":1,`) {
		t.Fatalf("leaf record %s: %v", b, err)
	}

	out, code := h.cli("ledger", "verify", "--checkpoint", cp1, "--record", rec1, "--proof", prf1, "--record", rec3, "--proof", prf3)
	if code != "" || !strings.Contains(out, "核验通过") || !strings.Contains(out, "公示 #") {
		t.Fatalf("offline verify: %s %s", code, out)
	}
	t.Logf("ssgk ledger verify:\n%s", out)
	// With the public key pinned (as served at /ledger/public-key).
	var pk struct{ PublicKey string }
	b, _ = os.ReadFile(h.download(dir, "key.json", "/ledger/public-key"))
	_ = json.Unmarshal(b, &pk)
	if out, code := h.cli("ledger", "verify", "--checkpoint", cp1, "--public-key", pk.PublicKey, "--record", rec1, "--proof", prf1); code != "" {
		t.Fatalf("verify with a pinned key: %s %s", code, out)
	}

	// The log grows; the saved checkpoint is a prefix of the new one.
	h.publish(6)
	cp2 := h.download(dir, "cp2.json", "/ledger/checkpoint")
	cons := h.download(dir, "cons.json", "/ledger/proof/consistency?first=5&second=11")
	prf1b := h.download(dir, "proof1b.json", "/ledger/proof/inclusion?index=1&size=11")
	out, code = h.cli("ledger", "verify", "--checkpoint", cp2, "--old-checkpoint", cp1, "--consistency", cons, "--record", rec1, "--proof", prf1b)
	if code != "" || !strings.Contains(out, "一致性") {
		t.Fatalf("consistency verify: %s %s", code, out)
	}

	// Everything that was changed fails, with a code.
	fails := []struct {
		name string
		args []string
		code string
	}{
		{"payload changed", []string{"--checkpoint", cp1, "--record", editJSON(t, rec1, func(m map[string]any) {
			m["publication"].(map[string]any)["payload"].(map[string]any)["conclusion"] = "责令整改"
		}), "--proof", prf1}, ledger.CodeInvalidProof},
		{"leaf changed", []string{"--checkpoint", cp1, "--record", editJSON(t, rec1, func(m map[string]any) {
			m["leaf"] = strings.Replace(m["leaf"].(string), `"subjectId":501`, `"subjectId":502`, 1)
		}), "--proof", prf1}, ledger.CodeInvalidProof},
		{"proof hash changed", []string{"--checkpoint", cp1, "--record", rec1, "--proof", editJSON(t, prf1, func(m map[string]any) {
			m["hashes"].([]any)[0] = strings.Repeat("0", 64)
		})}, ledger.CodeInvalidProof},
		{"proof of another size", []string{"--checkpoint", cp1, "--record", rec1, "--proof", prf1b}, ledger.CodeInvalidProof},
		{"checkpoint root changed", []string{"--checkpoint", editJSON(t, cp1, func(m map[string]any) {
			m["root"] = strings.Repeat("ab", 32)
		})}, ledger.CodeInvalidSignature},
		{"checkpoint size changed", []string{"--checkpoint", editJSON(t, cp1, func(m map[string]any) { m["size"] = 6 })}, ledger.CodeInvalidSignature},
		{"another hub's key", []string{"--checkpoint", cp1, "--public-key", "11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo="}, ledger.CodeInvalidSignature},
		{"old checkpoint forged", []string{"--checkpoint", cp2, "--old-checkpoint", editJSON(t, cp1, func(m map[string]any) {
			m["root"] = strings.Repeat("cd", 32)
		}), "--consistency", cons}, ledger.CodeInvalidProof},
		{"consistency proof changed", []string{"--checkpoint", cp2, "--old-checkpoint", cp1, "--consistency", editJSON(t, cons, func(m map[string]any) {
			hs := m["hashes"].([]any)
			hs[len(hs)-1] = strings.Repeat("1", 64)
		})}, ledger.CodeInvalidProof},
		{"old and new swapped", []string{"--checkpoint", cp1, "--old-checkpoint", cp2, "--consistency", cons}, ledger.CodeInvalidProof},
		{"record without proof", []string{"--checkpoint", cp1, "--record", rec1}, apperr.Invalid},
	}
	for _, f := range fails {
		out, code := h.cli(append([]string{"ledger", "verify"}, f.args...)...)
		if code != f.code {
			t.Fatalf("%s: code %q, want %q; output:\n%s", f.name, code, f.code, out)
		}
	}

	// Online: download the latest checkpoint and proofs, verify with the same code, save.
	saved := filepath.Join(dir, "saved.json")
	out, code = h.cli("ledger", "verify", "--url", h.url, "--old-checkpoint", cp1, "--index", "0", "--index", "3", "--index", "10", "--save-checkpoint", saved)
	if code != "" || strings.Count(out, "✓") != 4 {
		t.Fatalf("verify --url: %s %s", code, out)
	}
	t.Logf("ssgk ledger verify --url:\n%s", out)
	h.publish(1)
	if out, code := h.cli("ledger", "verify", "--url", h.url, "--old-checkpoint", saved, "--index", "11"); code != "" {
		t.Fatalf("verify --url against the saved checkpoint: %s %s", code, out)
	}
	if out, code := h.cli("ledger", "verify", "--url", h.url, "--index", "99"); code != ledger.CodeSizeOutOfRange {
		t.Fatalf("verify --url of a leaf beyond the log: %s %s", code, out)
	}
}

// exec runs SQL directly against the database, bypassing the hub.
func (h *ledgerHub) exec(query string, args ...any) {
	h.t.Helper()
	if h.db.Dialect == dialect.SQLite {
		query = strings.NewReplacer("$1", "?", "$2", "?").Replace(query)
	}
	if _, err := h.db.SQL.Exec(query, args...); err != nil {
		h.t.Fatalf("%s: %v", query, err)
	}
}

// TestLedgerAudit_FailsOnDirectEdit edits a published row in the database: `ssgk ledger audit`
// fails, names the publication, and the portal's record no longer verifies offline.
func TestLedgerAudit_FailsOnDirectEdit(t *testing.T) {
	h := newLedgerHub(t)
	dir := t.TempDir()
	h.publish(4)
	cp := h.download(dir, "cp.json", "/ledger/checkpoint")
	prf := h.download(dir, "proof.json", "/ledger/proof/inclusion?index=2&size=4")
	db := []string{"--database-url", h.dbURL, "--data-dir", h.data}

	out, code := h.cli(append([]string{"ledger", "audit"}, db...)...)
	if code != "" || !strings.Contains(out, "透明日志校验通过：4 片叶子") || !strings.Contains(out, "1 个签名有效") {
		t.Fatalf("audit of an intact log: %s %s", code, out)
	}

	h.exec(`UPDATE publications SET payload = $1 WHERE id = $2`, `{"target":"宁阳县某某食品店","conclusion":"责令整改","seq":2}`, h.pubs[2].ID)
	out, code = h.cli(append([]string{"ledger", "audit"}, db...)...)
	if code != ledger.CodeInconsistent || !strings.Contains(out, ledger.ProblemPayloadTampered) || !strings.Contains(out, fmt.Sprintf("公示 #%d", h.pubs[2].ID)) {
		t.Fatalf("audit after editing a payload: %s %s", code, out)
	}
	t.Logf("ssgk ledger audit after the edit:\n%s", out)
	rec := h.download(dir, "leaf.json", "/ledger/leaves/2")
	if out, code := h.cli("ledger", "verify", "--checkpoint", cp, "--record", rec, "--proof", prf); code != ledger.CodeInvalidProof || !strings.Contains(out, "公示内容已被改动") {
		t.Fatalf("offline verify of the edited record: %s %s", code, out)
	}

	// A leaf edited together with its hash: the stored checkpoint's root no longer matches, and
	// the leaf disagrees with its publication.
	var leaf string
	if err := h.db.SQL.QueryRow(`SELECT leaf FROM ledger_leafs WHERE "index" = 0`).Scan(&leaf); err != nil {
		t.Fatal(err)
	}
	forged := strings.Replace(leaf, `"kind":"RESULT"`, `"kind":"PLAN"`, 1)
	h.exec(`UPDATE ledger_leafs SET leaf = $1, leaf_hash = $2 WHERE "index" = 0`, forged, ledger.LeafHash(forged))
	out, code = h.cli(append([]string{"ledger", "audit"}, db...)...)
	if code != ledger.CodeInconsistent || !strings.Contains(out, ledger.ProblemRootMismatch) || !strings.Contains(out, ledger.ProblemPublicationChange) {
		t.Fatalf("audit after editing a leaf: %s %s", code, out)
	}
}

func TestLedgerCheckpointAndBackfillCommands(t *testing.T) {
	h := newLedgerHub(t)
	h.publish(2)
	db := []string{"--database-url", h.dbURL, "--data-dir", h.data}
	f := filepath.Join(t.TempDir(), "cp.json")
	if out, code := h.cli(append([]string{"ledger", "checkpoint", "--out", f}, db...)...); code != "" || !strings.Contains(out, "大小 2") {
		t.Fatalf("ledger checkpoint: %s %s", code, out)
	}
	if out, code := h.cli("ledger", "verify", "--checkpoint", f); code != "" {
		t.Fatalf("verify the command's checkpoint: %s %s", code, out)
	}
	if out, code := h.cli(append([]string{"ledger", "backfill"}, db...)...); code != "" || !strings.Contains(out, "已把 0 条公示") {
		t.Fatalf("ledger backfill: %s %s", code, out)
	}
	// Leaves, ledger indexes and checkpoints are written through ent: the audit trail covers them.
	if out, code := h.cli(append([]string{"audit", "verify"}, db...)...); code != "" {
		t.Fatalf("audit verify after ledger writes: %s %s", code, out)
	}
}

// testLog sends the hub's log lines to the test log, shown when a test fails.
type testLog struct{ t *testing.T }

func (l testLog) Write(p []byte) (int, error) {
	l.t.Log(strings.TrimSpace(string(p)))
	return len(p), nil
}
