package draw

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/transparency-dev/merkle/proof"
	"github.com/transparency-dev/merkle/rfc6962"
)

// referenceMTH is RFC 6962 §2.1 written out: MTH({}) = SHA-256(), MTH({d0}) = SHA-256(0x00‖d0),
// MTH(D[n]) = SHA-256(0x01 ‖ MTH(D[0:k]) ‖ MTH(D[k:n])) with k the largest power of two < n.
func referenceMTH(leaves [][]byte) Hash {
	switch len(leaves) {
	case 0:
		return sha256.Sum256(nil)
	case 1:
		return sha256.Sum256(append([]byte{0}, leaves[0]...))
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := referenceMTH(leaves[:k]), referenceMTH(leaves[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func frameOfSize(n int) *Frame {
	var cands []Candidate
	var excl []Exclusion
	for i := range n {
		key := fmt.Sprintf("K%03d", i)
		stratum := []string{"A", "B", "C"}[i%3]
		if i%4 == 3 {
			excl = append(excl, Exclusion{Key: key, Stratum: stratum, Reason: ReasonClosed})
		} else {
			cands = append(cands, Candidate{Key: key, Stratum: stratum})
		}
	}
	f, err := NewFrame(cands, excl)
	if err != nil {
		panic(err)
	}
	return f
}

func TestFrame_RootMatchesRFC6962Reference(t *testing.T) {
	for n := 0; n <= 40; n++ {
		f := frameOfSize(n)
		leaves := f.Leaves()
		if got, want := f.Root(), referenceMTH(leaves); got != want {
			t.Fatalf("size %d: root %s, reference MTH %s", n, got, want)
		}
		// Cross-check with the library's own proof verifier: every leaf's inclusion proof, built
		// from the reference tree, verifies against Root.
		root := f.Root()
		for i, leaf := range leaves {
			p := referenceInclusionProof(leaves, i)
			if err := proof.VerifyInclusion(rfc6962.DefaultHasher, uint64(i), uint64(n), rfc6962.DefaultHasher.HashLeaf(leaf), p, root[:]); err != nil {
				t.Fatalf("size %d leaf %d: %v", n, i, err)
			}
		}
	}
}

// referenceInclusionProof is RFC 6962 §2.1.1 PATH(m, D[n]).
func referenceInclusionProof(leaves [][]byte, m int) [][]byte {
	n := len(leaves)
	if n <= 1 {
		return nil
	}
	k := 1
	for k*2 < n {
		k *= 2
	}
	if m < k {
		r := referenceMTH(leaves[k:])
		return append(referenceInclusionProof(leaves[:k], m), r[:])
	}
	l := referenceMTH(leaves[:k])
	return append(referenceInclusionProof(leaves[k:], m-k), l[:])
}

func TestFrame_CanonicalOrderAndLeafEncoding(t *testing.T) {
	f, err := NewFrame(
		[]Candidate{{Key: "b2", Stratum: "B"}, {Key: "a3", Stratum: "A"}, {Key: "a1", Stratum: "A"}},
		[]Exclusion{{Key: "a2", Stratum: "A", Reason: ReasonYearlyCap}},
	)
	if err != nil {
		t.Fatal(err)
	}
	var order []string
	f.forEachLeaf(func(leaf []byte) { order = append(order, hex.EncodeToString(leaf)) })
	want := []string{
		hex.EncodeToString(LeafBytes("A", "a1", "")),
		hex.EncodeToString(LeafBytes("A", "a2", ReasonYearlyCap)),
		hex.EncodeToString(LeafBytes("A", "a3", "")),
		hex.EncodeToString(LeafBytes("B", "b2", "")),
	}
	for i := range want {
		if order[i] != want[i] {
			t.Fatalf("leaf %d: got %s, want %s", i, order[i], want[i])
		}
	}
	// "ssgk-draw/v1" 00 "leaf" 00 | 00000001 "A" | 00000002 "a2" | 01 | 0000000a "YEARLY_CAP"
	wantLeaf := "7373676b2d647261772f7631006c65616600" + "0000000141" + "000000026132" + "01" + "0000000a" + hex.EncodeToString([]byte("YEARLY_CAP"))
	if got := hex.EncodeToString(LeafBytes("A", "a2", ReasonYearlyCap)); got != wantLeaf {
		t.Fatalf("leaf bytes\n got %s\nwant %s", got, wantLeaf)
	}
	// Lengths count UTF-8 bytes, not characters.
	if got := LeafBytes("重点", "k", ""); !bytes.Equal(got[18:22], []byte{0, 0, 0, 6}) {
		t.Fatalf("stratum length prefix %x, want 00000006", got[18:22])
	}
}

func TestFrame_RejectsNonCanonicalInput(t *testing.T) {
	tests := []struct {
		name  string
		cands []Candidate
		excl  []Exclusion
	}{
		{"key in two strata", []Candidate{{"k", "A"}, {"k", "B"}}, nil},
		{"key eligible and excluded", []Candidate{{"k", "A"}}, []Exclusion{{"k", "A", ReasonClosed}}},
		{"same key twice", []Candidate{{"k", "A"}, {"k", "A"}}, nil},
		{"unknown reason", nil, []Exclusion{{"k", "A", "MOVED"}}},
		{"empty key", []Candidate{{"", "A"}}, nil},
		{"zero byte in key", []Candidate{{"k\x00", "A"}}, nil},
		{"invalid UTF-8 stratum", []Candidate{{"k", "\xff"}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := NewFrame(tt.cands, tt.excl); codeOf(err) != CodeInvalidFrame {
				t.Fatalf("got %v, want INVALID_FRAME", err)
			}
		})
	}
	f := &Frame{Strata: []FrameStratum{{Name: "A", Eligible: []string{"b", "a"}, Excluded: []ExcludedKey{}}}}
	if err := f.Validate(); codeOf(err) != CodeInvalidFrame {
		t.Fatalf("unsorted keys: got %v, want INVALID_FRAME", err)
	}
}

func TestFrame_OneCandidateChangesRootAndCommitment(t *testing.T) {
	base := fixtureInputs()
	c0, err := Commit(base, SecretHash(fixtureSecret))
	if err != nil {
		t.Fatal(err)
	}
	d0, _ := c0.Digest()
	mutations := map[string]func(f *Frame){
		"key changed":       func(f *Frame) { f.Strata[0].Eligible[0] = "90000000000000000X" },
		"reason changed":    func(f *Frame) { f.Strata[0].Excluded[0].Reason = ReasonOutOfScope },
		"exclusion removed": func(f *Frame) { f.Strata[3].Excluded = []ExcludedKey{} },
	}
	for name, mutate := range mutations {
		t.Run(name, func(t *testing.T) {
			in := fixtureInputs()
			mutate(in.Frame)
			if err := in.Frame.Validate(); err != nil {
				// Re-sort after the change to stay canonical.
				var cands []Candidate
				var excl []Exclusion
				for _, s := range in.Frame.Strata {
					for _, k := range s.Eligible {
						cands = append(cands, Candidate{k, s.Name})
					}
					for _, e := range s.Excluded {
						excl = append(excl, Exclusion{e.Key, s.Name, e.Reason})
					}
				}
				if in.Frame, err = NewFrame(cands, excl); err != nil {
					t.Fatal(err)
				}
			}
			c, err := Commit(in, SecretHash(fixtureSecret))
			if err != nil {
				t.Fatal(err)
			}
			d, _ := c.Digest()
			if c.FrameRoot == c0.FrameRoot || d == d0 {
				t.Fatalf("root or commitment digest unchanged")
			}
		})
	}
}

// A large frame's root is computed in ranges of leaves on several goroutines (and reading the
// leaves from the middle of a stratum); it must be the root of the whole sequence.
func TestFrame_ParallelRootMatchesReference(t *testing.T) {
	for _, n := range []int{2 * rootChunk, 2*rootChunk + 1, 3*rootChunk + 12345} {
		f := frameOfSize(n)
		leaves := f.Leaves()
		want := referenceMTH(leaves)
		for _, w := range []int{1, 2, 3, 4} {
			if got := f.root(w); got != want {
				t.Fatalf("size %d, %d goroutines: root %s, reference MTH %s", n, w, got, want)
			}
		}
		for _, k := range []int{0, 1, 2, 3, 4, 5, n / 3, n/3 + 1, n / 2, n - 2, n - 1} {
			if got := f.leavesFrom(k).next(); !bytes.Equal(got, leaves[k]) {
				t.Fatalf("size %d: leaf from %d is %x, want %x", n, k, got, leaves[k])
			}
		}
	}
}

// Commit skips a second validation only for the very lists NewFrame validated: a frame whose
// list was replaced afterwards is validated again.
func TestFrame_ChangedFrameIsValidatedAgain(t *testing.T) {
	f := frameOfSize(12)
	if !f.sealed() {
		t.Fatal("a frame from NewFrame should be sealed")
	}
	f.Strata[0].Eligible = append([]string{"ZZZ"}, f.Strata[0].Eligible...)
	if f.sealed() {
		t.Fatal("a changed frame must not count as validated")
	}
	if err := f.validateOnce(); codeOf(err) != CodeInvalidFrame {
		t.Fatalf("changed frame: %v, want %s", err, CodeInvalidFrame)
	}
	var g Frame
	if err := json.Unmarshal([]byte(`{"strata":[{"name":"A","eligible":["b","a"],"excluded":[]}]}`), &g); err != nil {
		t.Fatal(err)
	}
	if g.sealed() || codeOf(g.validateOnce()) != CodeInvalidFrame {
		t.Fatal("a decoded frame must be validated")
	}
}
