package ledger_test

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/auditevent"
	"github.com/ssgk/ssgk/ent/checkpoint"
	"github.com/ssgk/ssgk/ent/ledgerleaf"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

var kinds = []publication.Kind{publication.KindITEM_LIST, publication.KindPLAN, publication.KindTASK_ANNOUNCEMENT,
	publication.KindDRAW_COMMITMENT, publication.KindDRAW_REVEAL, publication.KindRESULT}

// publishN records n publications, one transaction each, the last one a correction of the first.
func publishN(t *testing.T, db *hub.Hub, n int) []*ent.Publication {
	t.Helper()
	ctx := testutil.System()
	var out []*ent.Publication
	for i := range n {
		a := publish.Act{Kind: kinds[i%len(kinds)], Title: fmt.Sprintf("公示 %d", i), SubjectType: ent.TypeResult, SubjectID: 1000 + i,
			// nanoseconds and a zone: the stored time must still give the same leaf on both databases
			At:      time.Date(2026, 7, 1, 10, 0, i, 123456789, clock.CST),
			Payload: map[string]any{"n": i, "big": 94489280512 + i, "名称": "宁阳县<市场>&监管", "nested": map[string]any{"b": []any{1.5, "x", nil}, "a": true}}}
		if i == n-1 && n > 1 {
			a.Kind, a.Corrects = publication.KindCORRECTION, out[0].ID
		}
		var p *ent.Publication
		if err := txn.Run(ctx, db.Client, func(tx *ent.Tx) (err error) {
			p, err = publish.Record(ctx, tx, a)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		out = append(out, p)
	}
	return out
}

// refMTH is the reference RFC 6962 Merkle Tree Hash (tree_test.go) over leaf contents.
func refMTH(leaves []string) []byte {
	bs := make([][]byte, len(leaves))
	for i, l := range leaves {
		bs[i] = []byte(l)
	}
	return ledger.RefMTH(bs)
}

func leafContents(t *testing.T, db *hub.Hub) []string {
	t.Helper()
	rows, err := db.Client.LedgerLeaf.Query().Order(ledgerleaf.ByIndex()).All(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	out := make([]string, len(rows))
	for i, r := range rows {
		if r.Index != int64(i) {
			t.Fatalf("leaf %d has index %d", i, r.Index)
		}
		out[i] = r.Leaf
	}
	return out
}

func codeOf(err error) string {
	if err == nil {
		return "<nil>"
	}
	return apperr.From(err).Code
}

func TestAppend_EveryPublicationIsALeaf(t *testing.T) {
	db := testutil.Open(t)
	ctx := testutil.System()
	pubs := publishN(t, db, 7)
	leaves := leafContents(t, db)
	if len(leaves) != len(pubs) {
		t.Fatalf("%d leaves for %d publications", len(leaves), len(pubs))
	}
	for i, p := range pubs {
		if p.LedgerIndex == nil || *p.LedgerIndex != int64(i) {
			t.Fatalf("publication %d: ledger index %v, want %d", i, p.LedgerIndex, i)
		}
		stored, err := db.Client.Publication.Get(ctx, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if stored.LedgerIndex == nil || *stored.LedgerIndex != int64(i) {
			t.Fatalf("stored publication %d: ledger index %v", i, stored.LedgerIndex)
		}
		corrects := "null"
		if i == len(pubs)-1 {
			corrects = "0"
		}
		want := fmt.Sprintf(`{"corrects":%s,"digest":"%s","index":%d,"kind":"%s","publicationId":%d,"publishedAt":"2026-07-01T02:00:%02d.123456Z","subjectId":%d,"subjectType":"Result"}`,
			corrects, stored.Digest, i, stored.Kind, p.ID, i, 1000+i)
		if leaves[i] != want {
			t.Fatalf("leaf %d\n got %s\nwant %s", i, leaves[i], want)
		}
		// The digest is recomputable from the stored row.
		if d, _ := publish.Digest(stored.Payload); d != stored.Digest {
			t.Fatalf("publication %d: stored payload digests to %s, digest %s", i, d, stored.Digest)
		}
	}
	for n := 0; n <= len(leaves); n++ {
		got, err := ledger.Root(ctx, db.Client, int64(n))
		if err != nil {
			t.Fatal(err)
		}
		if want := hex.EncodeToString(refMTH(leaves[:n])); got != want {
			t.Fatalf("root of %d leaves = %s, want %s", n, got, want)
		}
	}
	if _, err := ledger.Root(ctx, db.Client, int64(len(leaves)+1)); codeOf(err) != ledger.CodeSizeOutOfRange {
		t.Fatalf("root beyond the log: %v", err)
	}
	// Appending a publication twice is refused.
	err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		_, err := ledger.Append(ctx, tx, pubs[0])
		return err
	})
	if codeOf(err) != ledger.CodeAlreadyLogged {
		t.Fatalf("second append: %v", err)
	}
	if probs, err := ledger.Audit(ctx, db.Client); err != nil || len(probs) != 0 {
		t.Fatalf("audit of an intact log: %v %v", probs, err)
	}
}

func TestProofs_VerifyAndFailWhenWrong(t *testing.T) {
	defer ledger.SetTileHeight(2)() // tiles of 4 leaves: proofs mix cached tiles and leaves
	db := testutil.Open(t)
	ctx := testutil.System()
	publishN(t, db, 19)
	leaves := leafContents(t, db)
	roots := map[int64]string{}
	for n := int64(0); n <= 19; n++ {
		r, err := ledger.Root(ctx, db.Client, n)
		if err != nil {
			t.Fatal(err)
		}
		if want := hex.EncodeToString(refMTH(leaves[:n])); r != want {
			t.Fatalf("root(%d) = %s, want %s", n, r, want)
		}
		roots[n] = r
	}
	sizes := []int64{1, 2, 3, 4, 5, 7, 8, 9, 13, 16, 17, 19}
	for _, n := range sizes {
		for i := int64(0); i < n; i++ {
			p, err := ledger.InclusionProof(ctx, db.Client, i, n)
			if err != nil {
				t.Fatal(err)
			}
			lh := ledger.LeafHash(leaves[i])
			if err := ledger.VerifyInclusion(*p, lh, roots[n]); err != nil {
				t.Fatalf("inclusion %d in %d: %v", i, n, err)
			}
			// a wrong leaf, a wrong root, a wrong size, a wrong index
			other := ledger.LeafHash(leaves[(i+1)%int64(len(leaves))])
			if err := ledger.VerifyInclusion(*p, other, roots[n]); codeOf(err) != ledger.CodeInvalidProof {
				t.Fatalf("inclusion with a wrong leaf: %v", err)
			}
			if err := ledger.VerifyInclusion(*p, lh, roots[n-1]); codeOf(err) != ledger.CodeInvalidProof {
				t.Fatalf("inclusion with a wrong root: %v", err)
			}
			// The root alone does not fix the size (the signed checkpoint does): a proof for
			// size n does not verify against the root of the log at size n+1.
			q := *p
			q.Size = n + 1
			if err := ledger.VerifyInclusion(q, lh, roots[n+1]); n < 19 && codeOf(err) != ledger.CodeInvalidProof {
				t.Fatalf("inclusion %d/%d checked against size %d: %v", i, n, n+1, err)
			}
			if n > 1 {
				q = *p
				q.Index = (i + 1) % n
				if err := ledger.VerifyInclusion(q, lh, roots[n]); codeOf(err) != ledger.CodeInvalidProof {
					t.Fatalf("inclusion with a wrong index: %v", err)
				}
			}
		}
		for _, f := range append([]int64{0}, sizes...) {
			if f > n {
				continue
			}
			c, err := ledger.ConsistencyProof(ctx, db.Client, f, n)
			if err != nil {
				t.Fatal(err)
			}
			if err := ledger.VerifyConsistency(*c, roots[f], roots[n]); err != nil {
				t.Fatalf("consistency %d→%d: %v", f, n, err)
			}
			if f > 0 && f < n {
				wrong := hex.EncodeToString(refMTH(append(append([]string{}, leaves[:f-1]...), "forged")))
				if err := ledger.VerifyConsistency(*c, wrong, roots[n]); codeOf(err) != ledger.CodeInvalidProof {
					t.Fatalf("consistency from a forged old root: %v", err)
				}
				if err := ledger.VerifyConsistency(*c, roots[f], roots[n-1]); codeOf(err) != ledger.CodeInvalidProof {
					t.Fatalf("consistency to a wrong new root: %v", err)
				}
				q := *c
				q.First = f - 1
				if err := ledger.VerifyConsistency(q, roots[f-1], roots[n]); err == nil && f-1 > 0 {
					t.Fatalf("consistency with a wrong first size verified (%d→%d)", f-1, n)
				}
			}
		}
	}
	if _, err := ledger.InclusionProof(ctx, db.Client, 19, 19); codeOf(err) != ledger.CodeSizeOutOfRange {
		t.Fatalf("proof of a leaf beyond the size: %v", err)
	}
	if _, err := ledger.ConsistencyProof(ctx, db.Client, 3, 20); codeOf(err) != ledger.CodeSizeOutOfRange {
		t.Fatalf("proof beyond the log: %v", err)
	}
}

func TestCheckpoint_SignedStoredAndVerified(t *testing.T) {
	db := testutil.Open(t)
	ctx := testutil.System()
	dir := t.TempDir()
	key, err := ledger.LoadOrCreateKey(dir)
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(filepath.Join(dir, ledger.KeyFile))
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("key file mode %v, want 0600", st.Mode().Perm())
	}
	again, err := ledger.LoadOrCreateKey(dir)
	if err != nil || !again.Equal(key) {
		t.Fatalf("key not reloaded: %v", err)
	}
	pub := key.Public().(ed25519.PublicKey)

	ctx = clock.With(ctx, func() time.Time { return time.Date(2026, 7, 1, 10, 30, 15, 999, clock.CST) })
	empty, err := ledger.Checkpoint(ctx, db.Client, key)
	if err != nil {
		t.Fatal(err)
	}
	if empty.Size != 0 || empty.Root != "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" {
		t.Fatalf("checkpoint of the empty log: %+v", empty)
	}
	publishN(t, db, 5)
	cp, err := ledger.Checkpoint(ctx, db.Client, key)
	if err != nil {
		t.Fatal(err)
	}
	root, _ := ledger.Root(ctx, db.Client, 5)
	if cp.Size != 5 || cp.Root != root || cp.At != "2026-07-01T02:30:15Z" || cp.KeyID != ledger.KeyID(pub) ||
		cp.PublicKey != base64.StdEncoding.EncodeToString(pub) {
		t.Fatalf("checkpoint %+v (root %s)", cp, root)
	}
	// The checkpoint anchors the audit trail at its last event before the checkpoint's own.
	tip, err := db.Client.AuditEvent.Query().Where(auditevent.EntityTypeNEQ(ent.TypeCheckpoint)).Order(ent.Desc(auditevent.FieldSeq)).First(testutil.System())
	if err != nil {
		t.Fatal(err)
	}
	if cp.AuditSeq != tip.Seq || cp.AuditHead != tip.Hash {
		t.Fatalf("anchor #%d %s, want the trail's last event #%d %s", cp.AuditSeq, cp.AuditHead, tip.Seq, tip.Hash)
	}
	if want := fmt.Sprintf("ssgk-ledger/v2\n5\n%s\n2026-07-01T02:30:15Z\n%d\n%s\n", root, tip.Seq, tip.Hash); cp.Text() != want {
		t.Fatalf("checkpoint text %q, want %q", cp.Text(), want)
	}
	// Checkpoints signed before anchoring keep the v1 text.
	if v1 := ledger.Sign(key, 5, root, time.Date(2026, 7, 1, 2, 30, 15, 0, time.UTC)); v1.Text() != "ssgk-ledger/v1\n5\n"+root+"\n2026-07-01T02:30:15Z\n" ||
		ledger.VerifyCheckpoint(pub, v1) != nil {
		t.Fatalf("v1 checkpoint %q", v1.Text())
	}
	if err := ledger.VerifyCheckpoint(pub, *cp); err != nil {
		t.Fatal(err)
	}
	// Unchanged size: the same checkpoint, no new row.
	ctx = clock.With(ctx, func() time.Time { return time.Date(2026, 7, 2, 0, 0, 0, 0, time.UTC) })
	same, err := ledger.Checkpoint(ctx, db.Client, key)
	if err != nil {
		t.Fatal(err)
	}
	if *same != *cp {
		t.Fatalf("checkpoint changed without growth: %+v vs %+v", same, cp)
	}
	if n := db.Client.Checkpoint.Query().Where(checkpoint.Size(5)).CountX(ctx); n != 1 {
		t.Fatalf("%d checkpoints of size 5", n)
	}
	// Changed fields break the signature.
	for name, change := range map[string]func(c *ledger.SignedCheckpoint){
		"size":      func(c *ledger.SignedCheckpoint) { c.Size++ },
		"root":      func(c *ledger.SignedCheckpoint) { c.Root = strings.Repeat("0", 64) },
		"at":        func(c *ledger.SignedCheckpoint) { c.At = "2026-07-01T02:30:16Z" },
		"keyId":     func(c *ledger.SignedCheckpoint) { c.KeyID = "0000000000000000" },
		"signature": func(c *ledger.SignedCheckpoint) { c.Signature = base64.StdEncoding.EncodeToString(make([]byte, 64)) },
		"publicKey": func(c *ledger.SignedCheckpoint) { c.PublicKey = base64.StdEncoding.EncodeToString(make([]byte, 32)) },
	} {
		c := *cp
		change(&c)
		if err := ledger.VerifyCheckpoint(pub, c); err == nil {
			t.Fatalf("checkpoint with a changed %s verified", name)
		}
	}
	otherPub, _, _ := ed25519.GenerateKey(nil)
	if err := ledger.VerifyCheckpoint(otherPub, *cp); codeOf(err) != ledger.CodeInvalidSignature {
		t.Fatalf("checkpoint under another key: %v", err)
	}
	// Growth: a new checkpoint, consistent with the old one.
	publishN(t, db, 2)
	cp2, err := ledger.Checkpoint(ctx, db.Client, key)
	if err != nil {
		t.Fatal(err)
	}
	if cp2.Size != 7 || cp2.At != "2026-07-02T00:00:00Z" {
		t.Fatalf("checkpoint after growth: %+v", cp2)
	}
	c, err := ledger.ConsistencyProof(ctx, db.Client, cp.Size, cp2.Size)
	if err != nil {
		t.Fatal(err)
	}
	if err := ledger.VerifyConsistency(*c, cp.Root, cp2.Root); err != nil {
		t.Fatal(err)
	}
	rep, err := ledger.AuditLog(ctx, db.Client, pub)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 0 || rep.Checkpoints != 3 || rep.SignaturesChecked != 3 || rep.Leaves != 7 || rep.Root != cp2.Root {
		t.Fatalf("audit: %+v", rep)
	}
}

// TestAppend_ConcurrentPublishersGetContiguousIndexes runs publishers in parallel; every leaf
// gets a unique index, without gaps, matching its publication.
func TestAppend_ConcurrentPublishersGetContiguousIndexes(t *testing.T) {
	db := testutil.Open(t)
	ctx := testutil.System()
	const workers, each = 8, 6
	var wg sync.WaitGroup
	errs := make(chan error, workers*each)
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
					for j := range 2 { // two publications in one transaction
						if _, err := publish.Record(ctx, tx, publish.Act{Kind: publication.KindRESULT, Title: "并发公示",
							SubjectType: ent.TypeResult, SubjectID: w*100 + i*10 + j, Payload: map[string]any{"w": w, "i": i, "j": j}}); err != nil {
							return err
						}
					}
					return nil
				})
				if err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	leaves := leafContents(t, db) // fails on a gap
	if len(leaves) != 2*workers*each {
		t.Fatalf("%d leaves, want %d", len(leaves), 2*workers*each)
	}
	seen := map[int]bool{}
	rows := db.Client.LedgerLeaf.Query().AllX(ctx)
	for _, r := range rows {
		if seen[r.PublicationID] {
			t.Fatalf("publication %d logged twice", r.PublicationID)
		}
		seen[r.PublicationID] = true
		p := db.Client.Publication.GetX(ctx, r.PublicationID)
		if p.LedgerIndex == nil || *p.LedgerIndex != r.Index {
			t.Fatalf("publication %d: ledger index %v, leaf %d", p.ID, p.LedgerIndex, r.Index)
		}
	}
	if probs, err := ledger.Audit(ctx, db.Client); err != nil || len(probs) != 0 {
		t.Fatalf("audit after concurrent appends: %v %v", probs, err)
	}
	// A transaction that rolls back leaves no leaf and no gap.
	boom := fmt.Errorf("boom")
	err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		if _, err := publish.Record(ctx, tx, publish.Act{Kind: publication.KindPLAN, Title: "撤回", SubjectType: ent.TypePlan, SubjectID: 1}); err != nil {
			return err
		}
		return boom
	})
	if err != boom {
		t.Fatal(err)
	}
	publishN(t, db, 1)
	if n := len(leafContents(t, db)); n != 2*workers*each+1 {
		t.Fatalf("%d leaves after a rollback and one more publication", n)
	}
}

// exec runs a statement directly against the database, bypassing the hub, as a tamperer would.
func exec(t *testing.T, db *hub.Hub, query string, args ...any) {
	t.Helper()
	if db.Dialect == dialect.SQLite {
		query = strings.NewReplacer("$1", "?", "$2", "?").Replace(query)
	}
	if _, err := db.SQL.Exec(query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func problemCodes(t *testing.T, db *hub.Hub) map[string]bool {
	t.Helper()
	probs, err := ledger.Audit(testutil.System(), db.Client)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for _, p := range probs {
		out[p.Code] = true
		t.Log(p)
	}
	return out
}

func TestAudit_DetectsDirectEdits(t *testing.T) {
	setup := func(t *testing.T) (*hub.Hub, []*ent.Publication) {
		db := testutil.Open(t)
		pubs := publishN(t, db, 6)
		key, err := ledger.LoadOrCreateKey(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.Checkpoint(testutil.System(), db.Client, key); err != nil {
			t.Fatal(err)
		}
		if got := problemCodes(t, db); len(got) != 0 {
			t.Fatalf("problems before tampering: %v", got)
		}
		return db, pubs
	}
	cases := []struct {
		name   string
		tamper func(t *testing.T, db *hub.Hub, pubs []*ent.Publication)
		want   []string
	}{
		{"payload", func(t *testing.T, db *hub.Hub, pubs []*ent.Publication) {
			exec(t, db, `UPDATE publications SET payload = $1 WHERE id = $2`, `{"n":2,"conclusion":"未发现问题"}`, pubs[2].ID)
		}, []string{ledger.ProblemPayloadTampered}},
		{"payload and digest", func(t *testing.T, db *hub.Hub, pubs []*ent.Publication) {
			payload := map[string]any{"n": 2.0}
			d, _ := publish.Digest(payload)
			exec(t, db, `UPDATE publications SET payload = $1, digest = $2 WHERE id = $3`, `{"n":2}`, d, pubs[2].ID)
		}, []string{ledger.ProblemPublicationChange}},
		{"published time", func(t *testing.T, db *hub.Hub, pubs []*ent.Publication) {
			exec(t, db, `UPDATE publications SET published_at = $1 WHERE id = $2`, time.Date(2026, 8, 1, 0, 0, 0, 0, time.UTC), pubs[1].ID)
		}, []string{ledger.ProblemPublicationChange}},
		{"leaf", func(t *testing.T, db *hub.Hub, pubs []*ent.Publication) {
			exec(t, db, `UPDATE ledger_leafs SET leaf = replace(leaf, '"kind":"PLAN"', '"kind":"RESULT"') WHERE "index" = 1`)
		}, []string{ledger.ProblemLeafHash, ledger.ProblemPublicationChange, ledger.ProblemRootMismatch}},
		{"leaf and its hash", func(t *testing.T, db *hub.Hub, pubs []*ent.Publication) {
			var leaf string
			if err := db.SQL.QueryRow(`SELECT leaf FROM ledger_leafs WHERE "index" = 3`).Scan(&leaf); err != nil {
				t.Fatal(err)
			}
			forged := strings.Replace(leaf, `"subjectId":1003`, `"subjectId":9999`, 1)
			exec(t, db, `UPDATE ledger_leafs SET leaf = $1, leaf_hash = $2 WHERE "index" = 3`, forged, ledger.LeafHash(forged))
		}, []string{ledger.ProblemPublicationChange, ledger.ProblemRootMismatch}},
		{"deleted publication", func(t *testing.T, db *hub.Hub, pubs []*ent.Publication) {
			exec(t, db, `DELETE FROM publications WHERE id = $1`, pubs[4].ID)
		}, []string{ledger.ProblemPublicationGone}},
		{"deleted last leaf", func(t *testing.T, db *hub.Hub, pubs []*ent.Publication) {
			exec(t, db, `DELETE FROM ledger_leafs WHERE "index" = 5`)
		}, []string{ledger.ProblemCheckpointBeyond, ledger.ProblemNotLogged}},
		{"deleted middle leaf", func(t *testing.T, db *hub.Hub, pubs []*ent.Publication) {
			exec(t, db, `DELETE FROM ledger_leafs WHERE "index" = 2`)
		}, []string{ledger.ProblemIndexGap, ledger.ProblemNotLogged}},
		{"checkpoint root", func(t *testing.T, db *hub.Hub, pubs []*ent.Publication) {
			exec(t, db, `UPDATE checkpoints SET root = $1`, strings.Repeat("ab", 32))
		}, []string{ledger.ProblemRootMismatch}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			db, pubs := setup(t)
			c.tamper(t, db, pubs)
			got := problemCodes(t, db)
			for _, w := range c.want {
				if !got[w] {
					t.Fatalf("tampering with the %s: want problem %s, got %v", c.name, w, got)
				}
			}
		})
	}
}

func TestBackfill_LogsOlderPublications(t *testing.T) {
	db := testutil.Open(t)
	ctx := testutil.System()
	pubs := publishN(t, db, 3)
	// A publication from before the log: written without a leaf.
	exec(t, db, `DELETE FROM ledger_leafs WHERE "index" = 2`)
	exec(t, db, `UPDATE publications SET ledger_index = NULL WHERE id = $1`, pubs[2].ID)
	if got := problemCodes(t, db); !got[ledger.ProblemNotLogged] {
		t.Fatalf("unlogged publication not reported: %v", got)
	}
	var n int
	if err := txn.Run(ctx, db.Client, func(tx *ent.Tx) (err error) {
		n, err = ledger.Backfill(ctx, tx)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("backfilled %d", n)
	}
	if got := problemCodes(t, db); len(got) != 0 {
		t.Fatalf("problems after backfill: %v", got)
	}
}
