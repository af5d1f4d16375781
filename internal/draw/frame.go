package draw

import (
	"crypto/sha256"
	"encoding/binary"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"unsafe"

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

	seal *frameSeal // set by NewFrame: the lists it validated
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
	b := NewFrameBuilder()
	for _, c := range candidates {
		if err := b.Eligible(c.Stratum, c.Key); err != nil {
			return nil, err
		}
	}
	for _, e := range exclusions {
		if err := b.Excluded(e.Stratum, e.Key, e.Reason); err != nil {
			return nil, err
		}
	}
	return b.Frame()
}

// FrameBuilder collects a frame key by key, straight into per-stratum lists (no list of all
// candidates first); Frame sorts the lists — in parallel — and validates the result. It is
// NewFrame for a caller that reads the frame row by row.
type FrameBuilder struct {
	by   map[string]*FrameStratum
	last *FrameStratum // the stratum of the previous key: rows often come stratum by stratum
}

// NewFrameBuilder returns an empty builder.
func NewFrameBuilder() *FrameBuilder { return &FrameBuilder{by: map[string]*FrameStratum{}} }

func (b *FrameBuilder) stratum(name string) (*FrameStratum, error) {
	if b.last != nil && b.last.Name == name {
		return b.last, nil
	}
	s := b.by[name]
	if s == nil {
		if !validName(name) {
			return nil, errorf(CodeInvalidFrame, "层名称“%s”无效：不能为空，须为 UTF-8 且不含 0x00 字节", name)
		}
		s = &FrameStratum{Name: name, Eligible: []string{}, Excluded: []ExcludedKey{}}
		b.by[name] = s
	}
	b.last = s
	return s, nil
}

// Eligible adds an eligible key of the stratum.
func (b *FrameBuilder) Eligible(stratum, key string) error {
	s, err := b.stratum(stratum)
	if err != nil {
		return err
	}
	s.Eligible = append(s.Eligible, key)
	return nil
}

// Excluded adds an excluded key of the stratum, with its reason.
func (b *FrameBuilder) Excluded(stratum, key string, reason Reason) error {
	s, err := b.stratum(stratum)
	if err != nil {
		return err
	}
	s.Excluded = append(s.Excluded, ExcludedKey{Key: key, Reason: reason})
	return nil
}

// Frame sorts the collected lists into canonical order and validates the frame. The builder
// must not be used afterwards.
func (b *FrameBuilder) Frame() (*Frame, error) {
	f := &Frame{Strata: make([]FrameStratum, 0, len(b.by))}
	for _, s := range b.by {
		f.Strata = append(f.Strata, *s)
	}
	b.by, b.last = nil, nil
	slices.SortFunc(f.Strata, func(a, b FrameStratum) int { return strings.Compare(a.Name, b.Name) })
	// One job per list, largest first, over the available cores.
	type job struct {
		size int
		run  func()
	}
	var jobs []job
	for i := range f.Strata {
		s := &f.Strata[i]
		jobs = append(jobs,
			job{len(s.Eligible), func() { slices.Sort(s.Eligible) }},
			job{len(s.Excluded), func() {
				slices.SortFunc(s.Excluded, func(a, b ExcludedKey) int { return strings.Compare(a.Key, b.Key) })
			}})
	}
	slices.SortStableFunc(jobs, func(a, b job) int { return b.size - a.size })
	parallel(f.Size() >= parallelMin, len(jobs), func(i int) { jobs[i].run() })
	if err := f.Validate(); err != nil {
		return nil, err
	}
	f.seal = newFrameSeal(f)
	return f, nil
}

// parallel runs fn(0) … fn(n-1), on up to Workers() goroutines when par is set, in index order
// of pickup.
func parallel(par bool, n int, fn func(i int)) {
	workers := min(Workers(), n)
	if !par || workers <= 1 {
		for i := range n {
			fn(i)
		}
		return
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				fn(i)
			}
		})
	}
	wg.Wait()
}

// frameSeal records the lists of a frame that NewFrame (or a FrameBuilder) built and found
// canonical: the same slices — same backing arrays and lengths — need no second validation
// (Commit and Run validate their frame; in the hub's freeze it is the frame just built). A frame
// decoded from JSON, or assembled by hand, carries no seal and is always validated in full.
// Frames are never modified in place by this package, and a caller must not modify the lists of
// a frame built by NewFrame either (Validate itself always checks in full).
type frameSeal struct {
	strata *FrameStratum
	lists  []sealedStratum
}

type sealedStratum struct {
	name     string
	eligible *string
	nElig    int
	excluded *ExcludedKey
	nExcl    int
}

func newFrameSeal(f *Frame) *frameSeal {
	s := &frameSeal{strata: unsafe.SliceData(f.Strata), lists: make([]sealedStratum, len(f.Strata))}
	for i, fs := range f.Strata {
		s.lists[i] = sealedStratum{fs.Name, unsafe.SliceData(fs.Eligible), len(fs.Eligible), unsafe.SliceData(fs.Excluded), len(fs.Excluded)}
	}
	return s
}

// sealed reports whether f still holds exactly the lists NewFrame validated.
func (f *Frame) sealed() bool {
	s := f.seal
	if s == nil || unsafe.SliceData(f.Strata) != s.strata || len(f.Strata) != len(s.lists) {
		return false
	}
	for i, fs := range f.Strata {
		l := s.lists[i]
		if fs.Name != l.name || unsafe.SliceData(fs.Eligible) != l.eligible || len(fs.Eligible) != l.nElig ||
			unsafe.SliceData(fs.Excluded) != l.excluded || len(fs.Excluded) != l.nExcl {
			return false
		}
	}
	return true
}

// validateOnce validates f unless it is a frame NewFrame built and validated (see frameSeal).
func (f *Frame) validateOnce() error {
	if f.sealed() {
		return nil
	}
	return f.Validate()
}

// Validate checks that the frame is in canonical form: strata strictly ascending by name, keys
// strictly ascending within each list, valid names and reasons, and no key twice anywhere.
// The checks of each stratum and the search for a key in two lists run in parallel on a large
// frame; the error reported is the one the checks in order would report first.
func (f *Frame) Validate() error {
	errs := make([]error, len(f.Strata)+1)
	lists := make([]keyList, 0, 2*len(f.Strata))
	excluded := make([][]string, len(f.Strata))
	for i, s := range f.Strata {
		excluded[i] = make([]string, len(s.Excluded))
		for j, e := range s.Excluded {
			excluded[i][j] = e.Key
		}
		lists = append(lists, keyList{s.Name, s.Eligible}, keyList{s.Name, excluded[i]})
	}
	parallel(f.Size() >= parallelMin, len(f.Strata)+1, func(i int) {
		if i == 0 {
			// Only consulted when every stratum is in order (a list out of order may hide a
			// duplicate from the merge, but is then reported itself).
			errs[len(f.Strata)] = disjoint(lists)
			return
		}
		errs[i-1] = f.validateStratum(i - 1)
	})
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// validateStratum checks stratum i: its name, its place after stratum i−1, the order and
// validity of its keys and the reasons of its exclusions.
func (f *Frame) validateStratum(i int) error {
	s := f.Strata[i]
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
	for j, e := range s.Excluded {
		prev := ""
		if j > 0 {
			prev = s.Excluded[j-1].Key
		}
		if err := check(j, e.Key, prev); err != nil {
			return err
		}
		if !e.Reason.Valid() {
			return &Error{Code: CodeInvalidFrame, Target: e.Key,
				Message: "对象“" + e.Key + "”的排除原因“" + string(e.Reason) + "”无效：应为 CLOSED、RECENTLY_INSPECTED、YEARLY_CAP 或 OUT_OF_SCOPE"}
		}
	}
	return nil
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
	it := f.leavesFrom(0)
	for range f.Size() {
		fn(it.next())
	}
}

// leafIter walks the leaves in canonical order from a given leaf index.
type leafIter struct {
	f    *Frame
	s    int // stratum
	i, j int // next eligible, next excluded key of stratum s
	buf  []byte
}

// leavesFrom returns an iterator positioned at leaf k (0 ≤ k ≤ Size). Within a stratum it finds
// how many of the first r leaves are eligible by binary search — the split of a merge of two
// sorted lists — so that several goroutines can each hash their own range of leaves.
func (f *Frame) leavesFrom(k int) *leafIter {
	it := &leafIter{f: f}
	for it.s < len(f.Strata) {
		st := &f.Strata[it.s]
		n := len(st.Eligible) + len(st.Excluded)
		if k < n {
			// Smallest i such that the merge has taken no more than i eligible keys among the
			// first k: i is too small while eligible key i sorts before excluded key k−i−1
			// (equal keys, which a valid frame never has, go excluded first, as in next).
			lo, hi := max(0, k-len(st.Excluded)), min(k, len(st.Eligible))
			for lo < hi {
				mid := int(uint(lo+hi) >> 1)
				if j := k - mid; j > 0 && st.Eligible[mid] < st.Excluded[j-1].Key {
					lo = mid + 1
				} else {
					hi = mid
				}
			}
			it.i, it.j = lo, k-lo
			return it
		}
		k -= n
		it.s++
	}
	return it
}

// next returns the next leaf (in a reused buffer); there must be one.
func (it *leafIter) next() []byte {
	for {
		s := &it.f.Strata[it.s]
		if it.i < len(s.Eligible) || it.j < len(s.Excluded) {
			if it.j == len(s.Excluded) || (it.i < len(s.Eligible) && s.Eligible[it.i] < s.Excluded[it.j].Key) {
				it.buf = appendLeaf(it.buf[:0], s.Name, s.Eligible[it.i], "")
				it.i++
			} else {
				it.buf = appendLeaf(it.buf[:0], s.Name, s.Excluded[it.j].Key, s.Excluded[it.j].Reason)
				it.j++
			}
			return it.buf
		}
		it.s, it.i, it.j = it.s+1, 0, 0
	}
}

// LeafHash is the RFC 6962 leaf hash SHA-256(0x00 ‖ leaf).
func LeafHash(leaf []byte) Hash {
	return Hash(rfc6962.DefaultHasher.HashLeaf(leaf))
}

// hashChildren is rfc6962.DefaultHasher.HashChildren — SHA-256(0x01 ‖ left ‖ right) — without
// the hasher object it allocates per call.
func hashChildren(l, r []byte) []byte {
	var b [1 + 2*sha256.Size]byte
	b[0] = rfc6962.RFC6962NodeHashPrefix
	copy(b[1:], l)
	copy(b[1+sha256.Size:], r)
	h := sha256.Sum256(b[:])
	return h[:]
}

// rootChunk is the number of leaves from which Root splits the work across goroutines.
const rootChunk = 1 << 16

// Root is the RFC 6962 Merkle tree hash of the frame's leaves in canonical order, computed with
// transparency-dev/merkle's compact ranges; the empty frame has SHA-256 of the empty string. The
// frame must be valid (NewFrame or Validate). A large frame is cut into one contiguous range of
// leaves per core; each goroutine builds the compact range of its leaves, and the ranges are
// merged in order — the same tree, hence the same root, as appending every leaf to one range.
func (f *Frame) Root() Hash { return f.root(Workers()) }

// root is Root on up to workers goroutines.
func (f *Frame) root(workers int) Hash {
	n := f.Size()
	workers = max(1, min(workers, n/rootChunk))
	rf := compact.RangeFactory{Hash: hashChildren}
	ranges := make([]*compact.Range, workers)
	var wg sync.WaitGroup
	for w := range workers {
		lo, hi := n*w/workers, n*(w+1)/workers
		wg.Go(func() {
			r := rf.NewEmptyRange(uint64(lo))
			it := f.leavesFrom(lo)
			buf := []byte{rfc6962.RFC6962LeafHashPrefix}
			for range hi - lo {
				buf = append(buf[:1], it.next()...)
				h := sha256.Sum256(buf) // = rfc6962.DefaultHasher.HashLeaf
				// Append fails only for a nil hash.
				_ = r.Append(h[:], nil)
			}
			ranges[w] = r
		})
	}
	wg.Wait()
	r := ranges[0]
	for _, next := range ranges[1:] {
		// Adjacent ranges always merge.
		_ = r.AppendRange(next, nil)
	}
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
