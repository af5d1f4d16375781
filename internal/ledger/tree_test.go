package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"

	"github.com/transparency-dev/merkle/proof"
)

// SetTileHeight lets the external tests use small tiles; it returns the restore function.
func SetTileHeight(h uint) func() {
	prev := tileHeight
	tileHeight = h
	return func() { tileHeight = prev }
}

// refMTH is the RFC 6962 §2.1 Merkle Tree Hash written from the definition.
func refMTH(leaves [][]byte) []byte {
	switch len(leaves) {
	case 0:
		s := sha256.Sum256(nil)
		return s[:]
	case 1:
		s := sha256.Sum256(append([]byte{0}, leaves[0]...))
		return s[:]
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	s := sha256.Sum256(append(append([]byte{1}, refMTH(leaves[:k])...), refMTH(leaves[k:])...))
	return s[:]
}

type memLeaves struct {
	leaves [][]byte // leaf contents
	reads  int      // leaf hashes read
}

func (m *memLeaves) source(_ context.Context, begin, end uint64) ([][]byte, error) {
	if end > uint64(len(m.leaves)) {
		return nil, fmt.Errorf("read beyond %d", len(m.leaves))
	}
	out := make([][]byte, 0, end-begin)
	for _, l := range m.leaves[begin:end] {
		out = append(out, Hasher.HashLeaf(l))
	}
	m.reads += int(end - begin)
	return out, nil
}

func TestTree_RootsAndProofsMatchReference(t *testing.T) {
	ctx := context.Background()
	for _, height := range []uint{0, 1, 3, 8} {
		t.Run(fmt.Sprintf("tile-height-%d", height), func(t *testing.T) {
			m := &memLeaves{}
			for i := range 300 {
				m.leaves = append(m.leaves, []byte(fmt.Sprintf(`{"leaf":%d}`, i)))
			}
			tr := &tree{src: m.source, height: height}
			sizes := []int{0, 1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 63, 64, 65, 100, 127, 128, 129, 255, 256, 257, 300}
			roots := map[int][]byte{}
			for _, n := range sizes {
				got, err := tr.root(ctx, uint64(n))
				if err != nil {
					t.Fatal(err)
				}
				want := refMTH(m.leaves[:n])
				if !bytes.Equal(got, want) {
					t.Fatalf("root(%d) = %x, want %x", n, got, want)
				}
				roots[n] = got
			}
			for _, n := range sizes {
				for i := 0; i < n; i++ {
					p, err := tr.inclusion(ctx, uint64(i), uint64(n))
					if err != nil {
						t.Fatal(err)
					}
					if err := proof.VerifyInclusion(Hasher, uint64(i), uint64(n), Hasher.HashLeaf(m.leaves[i]), p, roots[n]); err != nil {
						t.Fatalf("inclusion %d/%d: %v", i, n, err)
					}
				}
				for _, f := range sizes {
					if f > n {
						continue
					}
					p, err := tr.consistency(ctx, uint64(f), uint64(n))
					if err != nil {
						t.Fatal(err)
					}
					if err := proof.VerifyConsistency(Hasher, uint64(f), uint64(n), p, roots[f], roots[n]); err != nil {
						t.Fatalf("consistency %d→%d: %v", f, n, err)
					}
				}
			}
		})
	}
}

// TestTree_ReadsFewLeavesPerProof: once tiles are cached, a proof in a log of 10⁶ leaves reads
// at most two tiles of leaf hashes.
func TestTree_ReadsFewLeavesPerProof(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a log of 10⁶ leaves")
	}
	ctx := context.Background()
	const n = 1_000_003
	m := &memLeaves{leaves: make([][]byte, n)}
	for i := range m.leaves {
		m.leaves[i] = []byte(fmt.Sprint(i))
	}
	tr := &tree{src: m.source, height: 8}
	root, err := tr.root(ctx, n)
	if err != nil {
		t.Fatal(err)
	}
	if m.reads > n+256 {
		t.Fatalf("first root read %d leaf hashes", m.reads)
	}
	for _, i := range []uint64{0, 1, 255, 256, 500_000, 999_999, n - 1} {
		m.reads = 0
		p, err := tr.inclusion(ctx, i, n)
		if err != nil {
			t.Fatal(err)
		}
		if m.reads > 2*256 {
			t.Fatalf("inclusion proof of %d read %d leaf hashes", i, m.reads)
		}
		if err := proof.VerifyInclusion(Hasher, i, n, Hasher.HashLeaf(m.leaves[i]), p, root); err != nil {
			t.Fatal(err)
		}
	}
	m.reads = 0
	old, err := tr.root(ctx, 654_321)
	if err != nil {
		t.Fatal(err)
	}
	p, err := tr.consistency(ctx, 654_321, n)
	if err != nil {
		t.Fatal(err)
	}
	if err := proof.VerifyConsistency(Hasher, 654_321, n, p, old, root); err != nil {
		t.Fatal(err)
	}
	if m.reads > 4*256 {
		t.Fatalf("consistency proof read %d leaf hashes", m.reads)
	}
}

func TestLeaf_CanonicalForm(t *testing.T) {
	three := int64(3)
	l := Leaf{Corrects: &three, Digest: "ab", Index: 7, Kind: "CORRECTION", PublicationID: 42, PublishedAt: "2026-07-01T02:00:00.000000Z", SubjectID: 9, SubjectType: "Result"}
	want := `{"corrects":3,"digest":"ab","index":7,"kind":"CORRECTION","publicationId":42,"publishedAt":"2026-07-01T02:00:00.000000Z","subjectId":9,"subjectType":"Result"}`
	if got := l.Canonical(); got != want {
		t.Fatalf("canonical leaf\n got %s\nwant %s", got, want)
	}
	l.Corrects = nil
	if got := l.Canonical(); !bytes.Contains([]byte(got), []byte(`{"corrects":null,`)) {
		t.Fatalf("leaf without correction: %s", got)
	}
	h := sha256.Sum256(append([]byte{0}, want...))
	if LeafHash(want) != hex.EncodeToString(h[:]) {
		t.Fatal("leaf hash is not SHA-256(0x00 ‖ leaf)")
	}
	if _, err := ParseLeaf(want); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		`{"corrects":3, "digest":"ab","index":7,"kind":"CORRECTION","publicationId":42,"publishedAt":"2026-07-01T02:00:00.000000Z","subjectId":9,"subjectType":"Result"}`,
		`{"digest":"ab","corrects":3,"index":7,"kind":"CORRECTION","publicationId":42,"publishedAt":"2026-07-01T02:00:00.000000Z","subjectId":9,"subjectType":"Result"}`,
		`{"corrects":3,"digest":"ab","index":7,"kind":"CORRECTION","publicationId":42,"publishedAt":"2026-07-01T02:00:00.000000Z","subjectId":9,"subjectType":"Result","x":1}`,
		`{"corrects":3,"digest":"ab","index":7,"kind":"CORRECTION","publicationId":42,"subjectId":9,"subjectType":"Result"}`,
	} {
		if _, err := ParseLeaf(bad); err == nil {
			t.Fatalf("non-canonical leaf accepted: %s", bad)
		}
	}
}
