package draw

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strings"

	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/rfc6962"
)

// Reason is why a candidate is excluded from the draw (the frame keeps it, with the reason, so
// that an exclusion is as visible and as verifiable as a selection).
type Reason string

// Exclusion reasons (domain.md §2.5).
const (
	// ReasonClosed: 注销/吊销/撤销/迁出 — the target no longer operates here.
	ReasonClosed Reason = "CLOSED"
	// ReasonRecentlyInspected: inspected within the task's configured window.
	ReasonRecentlyInspected Reason = "RECENTLY_INSPECTED"
	// ReasonYearlyCap: the per-enterprise yearly cap across all departments is reached.
	ReasonYearlyCap Reason = "YEARLY_CAP"
	// ReasonOutOfScope: outside the task's scope (type, industry, area).
	ReasonOutOfScope Reason = "OUT_OF_SCOPE"
)

// Valid reports whether r is one of the defined reasons.
func (r Reason) Valid() bool {
	switch r {
	case ReasonClosed, ReasonRecentlyInspected, ReasonYearlyCap, ReasonOutOfScope:
		return true
	}
	return false
}

// Candidate is an eligible target in a stratum. Key is a stable business key (the USCC, or the
// legacy registration number), never a database row id: the frame must mean the same thing to
// an outsider.
type Candidate struct {
	Key     string
	Stratum string
}

// Exclusion is a target of the scope that is not drawn, and why.
type Exclusion struct {
	Key     string
	Stratum string
	Reason  Reason
}

// Frame is the frozen frame (抽取框): per stratum, the eligible keys and the excluded keys with
// their reasons, all in canonical order (strata by name, keys bytewise).
type Frame struct {
	Strata []FrameStratum `json:"strata"`
}

// FrameStratum is one stratum (层) of the frame.
type FrameStratum struct {
	Name     string        `json:"name"`
	Eligible []string      `json:"eligible"`
	Excluded []ExcludedKey `json:"excluded"`
}

// ExcludedKey is an excluded target and its reason.
type ExcludedKey struct {
	Key    string `json:"key"`
	Reason Reason `json:"reason"`
}

// NewFrame builds the canonical frame from unordered candidates and exclusions. A key may
// appear only once in the whole frame: a target belongs to one stratum and is either eligible
// or excluded.
func NewFrame(candidates []Candidate, exclusions []Exclusion) (*Frame, error) {
	by := map[string]*FrameStratum{}
	get := func(name string) (*FrameStratum, error) {
		if !validName(name) {
			return nil, errorf(CodeInvalidFrame, "层名称“%s”无效：不能为空，须为 UTF-8 且不含 0x00 字节", name)
		}
		s := by[name]
		if s == nil {
			s = &FrameStratum{Name: name, Eligible: []string{}, Excluded: []ExcludedKey{}}
			by[name] = s
		}
		return s, nil
	}
	for _, c := range candidates {
		s, err := get(c.Stratum)
		if err != nil {
			return nil, err
		}
		s.Eligible = append(s.Eligible, c.Key)
	}
	for _, e := range exclusions {
		s, err := get(e.Stratum)
		if err != nil {
			return nil, err
		}
		s.Excluded = append(s.Excluded, ExcludedKey{Key: e.Key, Reason: e.Reason})
	}
	f := &Frame{Strata: make([]FrameStratum, 0, len(by))}
	for _, s := range by {
		slices.Sort(s.Eligible)
		slices.SortFunc(s.Excluded, func(a, b ExcludedKey) int { return strings.Compare(a.Key, b.Key) })
		f.Strata = append(f.Strata, *s)
	}
	slices.SortFunc(f.Strata, func(a, b FrameStratum) int { return strings.Compare(a.Name, b.Name) })
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return f, nil
}

// Validate checks that the frame is in canonical form: strata strictly ascending by name, keys
// strictly ascending within each list, valid names and reasons, and no key twice anywhere.
func (f *Frame) Validate() error {
	var lists []keyList
	for i, s := range f.Strata {
		if !validName(s.Name) {
			return errorf(CodeInvalidFrame, "层名称“%s”无效：不能为空，须为 UTF-8 且不含 0x00 字节", s.Name)
		}
		if i > 0 && f.Strata[i-1].Name >= s.Name {
			return errorf(CodeInvalidFrame, "抽取框的层未按名称严格升序排列：“%s”之后是“%s”", f.Strata[i-1].Name, s.Name)
		}
		check := func(j int, key, prev string) error {
			if !validName(key) {
				return errorf(CodeInvalidFrame, "层“%s”中的对象标识“%s”无效：不能为空，须为 UTF-8 且不含 0x00 字节", s.Name, key)
			}
			if j > 0 && prev >= key {
				if prev == key {
					return duplicateKey(key, s.Name, s.Name)
				}
				return errorf(CodeInvalidFrame, "层“%s”中的对象未按标识严格升序排列：“%s”之后是“%s”", s.Name, prev, key)
			}
			return nil
		}
		for j, k := range s.Eligible {
			if err := check(j, k, at(s.Eligible, j-1)); err != nil {
				return err
			}
		}
		excluded := make([]string, len(s.Excluded))
		for j, e := range s.Excluded {
			excluded[j] = e.Key
			if err := check(j, e.Key, at(excluded, j-1)); err != nil {
				return err
			}
			if !e.Reason.Valid() {
				return &Error{Code: CodeInvalidFrame, Target: e.Key,
					Message: "对象“" + e.Key + "”的排除原因“" + string(e.Reason) + "”无效：应为 CLOSED、RECENTLY_INSPECTED、YEARLY_CAP 或 OUT_OF_SCOPE"}
			}
		}
		lists = append(lists, keyList{s.Name, s.Eligible}, keyList{s.Name, excluded})
	}
	return disjoint(lists)
}

func at(s []string, i int) string {
	if i < 0 {
		return ""
	}
	return s[i]
}

func duplicateKey(key, s1, s2 string) *Error {
	return &Error{Code: CodeInvalidFrame, Target: key,
		Message: "对象“" + key + "”在抽取框中出现多次（层“" + s1 + "”与层“" + s2 + "”）：每个对象只能属于一个层，且只能是候选或已排除之一"}
}

// keyList is a sorted list of keys of one stratum.
type keyList struct {
	stratum string
	keys    []string
}

// disjoint reports a key that occurs in two of the sorted lists. It merges the lists with a
// small heap of their heads — O(N log k) time and O(k) memory for k lists — so that a frame of
// ten million keys needs no set of ten million entries.
func disjoint(lists []keyList) error {
	type head struct{ list, pos int }
	var h []head
	less := func(a, b head) bool { return lists[a.list].keys[a.pos] < lists[b.list].keys[b.pos] }
	down := func(i int) {
		for {
			c := 2*i + 1
			if c >= len(h) {
				return
			}
			if c+1 < len(h) && less(h[c+1], h[c]) {
				c++
			}
			if !less(h[c], h[i]) {
				return
			}
			h[i], h[c] = h[c], h[i]
			i = c
		}
	}
	for i, l := range lists {
		if len(l.keys) > 0 {
			h = append(h, head{i, 0})
		}
	}
	for i := len(h)/2 - 1; i >= 0; i-- {
		down(i)
	}
	var prev head
	first := true
	for len(h) > 0 {
		top := h[0]
		if !first && lists[prev.list].keys[prev.pos] == lists[top.list].keys[top.pos] {
			return duplicateKey(lists[top.list].keys[top.pos], lists[prev.list].stratum, lists[top.list].stratum)
		}
		prev, first = top, false
		if top.pos+1 < len(lists[top.list].keys) {
			h[0].pos++
		} else {
			h[0] = h[len(h)-1]
			h = h[:len(h)-1]
		}
		down(0)
	}
	return nil
}

// Size is the number of leaves: eligible plus excluded keys of all strata.
func (f *Frame) Size() int {
	n := 0
	for _, s := range f.Strata {
		n += len(s.Eligible) + len(s.Excluded)
	}
	return n
}

// Stratum returns the stratum with the given name, or nil.
func (f *Frame) Stratum(name string) *FrameStratum {
	i, ok := slices.BinarySearchFunc(f.Strata, name, func(s FrameStratum, n string) int { return strings.Compare(s.Name, n) })
	if !ok {
		return nil
	}
	return &f.Strata[i]
}

// leafTag opens every leaf: the algorithm version and the word "leaf", each closed by 0x00, so
// that a frame leaf can never be mistaken for any other hashed structure of the hub.
var leafTag = []byte(Algorithm + "\x00leaf\x00")

// Leaf status bytes.
const (
	statusEligible = 0x00
	statusExcluded = 0x01
)

// LeafBytes is the canonical encoding of one frame leaf (docs/draw-algorithm.md §3):
//
//	"ssgk-draw/v1" 0x00 "leaf" 0x00 ‖ u32be(len stratum) ‖ stratum ‖ u32be(len key) ‖ key ‖
//	status (0x00 eligible, 0x01 excluded) ‖ u32be(len reason) ‖ reason
//
// with reason "" for an eligible key. Lengths are in bytes of UTF-8.
func LeafBytes(stratum, key string, reason Reason) []byte {
	return appendLeaf(nil, stratum, key, reason)
}

func appendLeaf(b []byte, stratum, key string, reason Reason) []byte {
	b = append(b, leafTag...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(stratum)))
	b = append(b, stratum...)
	b = binary.BigEndian.AppendUint32(b, uint32(len(key)))
	b = append(b, key...)
	if reason == "" {
		b = append(b, statusEligible)
	} else {
		b = append(b, statusExcluded)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(reason)))
	b = append(b, reason...)
	return b
}

// forEachLeaf calls fn with every leaf in canonical order: strata by name, then within a stratum
// all keys — eligible and excluded together — ascending bytewise. The buffer passed to fn is
// reused.
func (f *Frame) forEachLeaf(fn func(leaf []byte)) {
	var buf []byte
	for _, s := range f.Strata {
		i, j := 0, 0
		for i < len(s.Eligible) || j < len(s.Excluded) {
			if j == len(s.Excluded) || (i < len(s.Eligible) && s.Eligible[i] < s.Excluded[j].Key) {
				buf = appendLeaf(buf[:0], s.Name, s.Eligible[i], "")
				i++
			} else {
				buf = appendLeaf(buf[:0], s.Name, s.Excluded[j].Key, s.Excluded[j].Reason)
				j++
			}
			fn(buf)
		}
	}
}

// LeafHash is the RFC 6962 leaf hash SHA-256(0x00 ‖ leaf).
func LeafHash(leaf []byte) Hash {
	return Hash(rfc6962.DefaultHasher.HashLeaf(leaf))
}

// Root is the RFC 6962 Merkle tree hash of the frame's leaves in canonical order, computed with
// transparency-dev/merkle's compact range; the empty frame has SHA-256 of the empty string. The
// frame must be valid (NewFrame or Validate).
func (f *Frame) Root() Hash {
	rf := compact.RangeFactory{Hash: rfc6962.DefaultHasher.HashChildren}
	r := rf.NewEmptyRange(0)
	f.forEachLeaf(func(leaf []byte) {
		// Append fails only for a nil hash; HashLeaf never returns one.
		_ = r.Append(rfc6962.DefaultHasher.HashLeaf(leaf), nil)
	})
	root, _ := r.GetRootHash(nil)
	if root == nil {
		return sha256.Sum256(nil) // RFC 6962 §2.1: MTH({}) = SHA-256()
	}
	return Hash(root)
}

// Leaves returns every leaf in canonical order (for proofs and for tests; Root does not need it).
func (f *Frame) Leaves() [][]byte {
	out := make([][]byte, 0, f.Size())
	f.forEachLeaf(func(leaf []byte) { out = append(out, slices.Clone(leaf)) })
	return out
}
