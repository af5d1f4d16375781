package ledger

import (
	"context"
	"encoding/hex"
	"fmt"
	"sync"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/transparency-dev/merkle/compact"
	"github.com/transparency-dev/merkle/proof"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/ledgerleaf"
	"github.com/ssgk/ssgk/internal/apperr"
)

// The tree is computed from the stored leaf hashes (never from leaf contents). Hashes of complete
// tiles — perfect subtrees of 2^tileHeight leaves — are kept in memory per client once computed
// (the log is append-only), so a root or a proof over 10⁶ leaves reads at most two tiles of leaf
// hashes from the database and combines a few thousand tile hashes in memory; the first request
// after start reads the leaf_hash column once.
var tileHeight uint = 8

// loadChunk is how many leaf hashes one query reads when tiles are loaded.
const loadChunk = 1 << 16

// leafSource returns the leaf hashes of [begin, end), which must exist.
type leafSource func(ctx context.Context, begin, end uint64) ([][]byte, error)

type tree struct {
	src    leafSource
	height uint
	mu     sync.Mutex
	tiles  [][]byte // hashes of complete tiles 0 … len-1
}

var trees sync.Map // *ent.Client → *tree

func treeOf(client *ent.Client) *tree {
	if t, ok := trees.Load(client); ok {
		return t.(*tree)
	}
	t, _ := trees.LoadOrStore(client, newTree(dbSource(client)))
	return t.(*tree)
}

func newTree(src leafSource) *tree { return &tree{src: src, height: tileHeight} }

// dbSource reads leaf hashes from the ledger_leafs table and checks that indexes are contiguous.
func dbSource(client *ent.Client) leafSource {
	return func(ctx context.Context, begin, end uint64) ([][]byte, error) {
		var rows []struct {
			Index    int64  `json:"index"`
			LeafHash string `json:"leaf_hash"`
		}
		err := client.LedgerLeaf.Query().Where(ledgerleaf.IndexGTE(int64(begin)), ledgerleaf.IndexLT(int64(end))).
			Order(ledgerleaf.ByIndex()).Select(ledgerleaf.FieldIndex, ledgerleaf.FieldLeafHash).Scan(ctx, &rows)
		if err != nil {
			return nil, err
		}
		out := make([][]byte, len(rows))
		for i, r := range rows {
			if r.Index != int64(begin)+int64(i) {
				return nil, apperr.New(CodeInconsistent, "透明日志叶子序号不连续：缺少第 %d 片叶子", int64(begin)+int64(i))
			}
			h, err := hex.DecodeString(r.LeafHash)
			if err != nil || len(h) != Hasher.Size() {
				return nil, apperr.New(CodeInconsistent, "透明日志第 %d 片叶子的哈希格式错误", r.Index)
			}
			out[i] = h
		}
		if uint64(len(out)) != end-begin {
			return nil, apperr.New(CodeInconsistent, "透明日志叶子不足：应有 %d 片，只读到 %d 片", end, begin+uint64(len(out)))
		}
		return out, nil
	}
}

// perfectRoot is the root of a perfect subtree over hashes (a power of two of them).
func perfectRoot(hashes [][]byte) []byte {
	level := append([][]byte(nil), hashes...)
	for len(level) > 1 {
		next := level[:len(level)/2]
		for i := range next {
			next[i] = Hasher.HashChildren(level[2*i], level[2*i+1])
		}
		level = next
	}
	return level[0]
}

// tileRange returns the hashes of complete tiles [from, to), loading missing ones.
func (t *tree) tileRange(ctx context.Context, from, to uint64) ([][]byte, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	per := uint64(1) << t.height
	for uint64(len(t.tiles)) < to {
		start := uint64(len(t.tiles))
		n := min(to-start, max(loadChunk/per, 1))
		leaves, err := t.src(ctx, start*per, (start+n)*per)
		if err != nil {
			return nil, err
		}
		for i := uint64(0); i < n; i++ {
			t.tiles = append(t.tiles, perfectRoot(leaves[i*per:(i+1)*per]))
		}
	}
	return t.tiles[from:to:to], nil
}

// nodeHashes returns the hashes of perfect nodes ids, all within a tree of the given size.
func (t *tree) nodeHashes(ctx context.Context, ids []compact.NodeID, size uint64) ([][]byte, error) {
	per := uint64(1) << t.height
	partial := map[uint64][][]byte{} // tile index → its leaf hashes (up to size), read once
	out := make([][]byte, len(ids))
	for i, id := range ids {
		begin, end := id.Coverage()
		if end > size {
			return nil, fmt.Errorf("ledger: node %+v beyond size %d", id, size)
		}
		if id.Level >= t.height {
			tiles, err := t.tileRange(ctx, begin/per, end/per)
			if err != nil {
				return nil, err
			}
			out[i] = perfectRoot(tiles)
			continue
		}
		tile := begin / per
		leaves, ok := partial[tile]
		if !ok {
			var err error
			if leaves, err = t.src(ctx, tile*per, min((tile+1)*per, size)); err != nil {
				return nil, err
			}
			partial[tile] = leaves
		}
		out[i] = perfectRoot(leaves[begin-tile*per : end-tile*per])
	}
	return out, nil
}

// root is the Merkle tree hash of the first size leaves.
func (t *tree) root(ctx context.Context, size uint64) ([]byte, error) {
	if size == 0 {
		return Hasher.EmptyRoot(), nil
	}
	ids := compact.RangeNodes(0, size, nil)
	hashes, err := t.nodeHashes(ctx, ids, size)
	if err != nil {
		return nil, err
	}
	rf := compact.RangeFactory{Hash: Hasher.HashChildren}
	r, err := rf.NewRange(0, size, hashes)
	if err != nil {
		return nil, err
	}
	return r.GetRootHash(nil)
}

func (t *tree) proof(ctx context.Context, nodes proof.Nodes, size uint64) ([][]byte, error) {
	hashes, err := t.nodeHashes(ctx, nodes.IDs, size)
	if err != nil {
		return nil, err
	}
	return nodes.Rehash(hashes, Hasher.HashChildren)
}

func (t *tree) inclusion(ctx context.Context, index, size uint64) ([][]byte, error) {
	nodes, err := proof.Inclusion(index, size)
	if err != nil {
		return nil, err
	}
	return t.proof(ctx, nodes, size)
}

func (t *tree) consistency(ctx context.Context, first, second uint64) ([][]byte, error) {
	nodes, err := proof.Consistency(first, second)
	if err != nil {
		return nil, err
	}
	return t.proof(ctx, nodes, second)
}

// Size is the number of leaves in the log (one more than the highest index).
func Size(ctx context.Context, client *ent.Client) (int64, error) {
	tip, err := client.LedgerLeaf.Query().Order(ledgerleaf.ByIndex(entsql.OrderDesc())).Select(ledgerleaf.FieldIndex).First(ctx)
	switch {
	case err == nil:
		return tip.Index + 1, nil
	case ent.IsNotFound(err):
		return 0, nil
	}
	return 0, err
}

// checkSize refuses a size beyond the log.
func checkSize(ctx context.Context, client *ent.Client, size int64) error {
	if size < 0 {
		return apperr.New(CodeSizeOutOfRange, "日志大小不能为负数")
	}
	cur, err := Size(ctx, client)
	if err != nil {
		return err
	}
	if size > cur {
		return apperr.New(CodeSizeOutOfRange, "透明日志目前只有 %d 片叶子，不能按大小 %d 计算", cur, size)
	}
	return nil
}

// Root is the root hash (hex) of the first size leaves of the log.
func Root(ctx context.Context, client *ent.Client, size int64) (string, error) {
	if err := checkSize(ctx, client, size); err != nil {
		return "", err
	}
	r, err := treeOf(client).root(ctx, uint64(size))
	if err != nil {
		return "", err
	}
	return hex.EncodeToString(r), nil
}

// Inclusion is an inclusion proof of leaf Index in the tree of Size leaves (RFC 6962 §2.1.1),
// hashes in lowercase hex, lowest level first.
type Inclusion struct {
	Index  int64    `json:"index"`
	Size   int64    `json:"size"`
	Hashes []string `json:"hashes"`
}

// Consistency is a consistency proof between the trees of First and Second leaves (RFC 6962
// §2.1.2), hashes in lowercase hex.
type Consistency struct {
	First  int64    `json:"first"`
	Second int64    `json:"second"`
	Hashes []string `json:"hashes"`
}

func hexes(hs [][]byte) []string {
	out := make([]string, len(hs))
	for i, h := range hs {
		out[i] = hex.EncodeToString(h)
	}
	return out
}

// InclusionProof proves that leaf index is in the tree of size leaves.
func InclusionProof(ctx context.Context, client *ent.Client, index, size int64) (*Inclusion, error) {
	if err := checkSize(ctx, client, size); err != nil {
		return nil, err
	}
	if index < 0 || index >= size {
		return nil, apperr.New(CodeSizeOutOfRange, "叶子序号 %d 不在大小为 %d 的日志内（应为 0 至 %d）", index, size, size-1)
	}
	hs, err := treeOf(client).inclusion(ctx, uint64(index), uint64(size))
	if err != nil {
		return nil, err
	}
	return &Inclusion{Index: index, Size: size, Hashes: hexes(hs)}, nil
}

// ConsistencyProof proves that the tree of first leaves is a prefix of the tree of second.
func ConsistencyProof(ctx context.Context, client *ent.Client, first, second int64) (*Consistency, error) {
	if err := checkSize(ctx, client, second); err != nil {
		return nil, err
	}
	if first < 0 || first > second {
		return nil, apperr.New(CodeSizeOutOfRange, "一致性证明要求 0 ≤ 旧大小 ≤ 新大小（收到 %d 与 %d）", first, second)
	}
	hs, err := treeOf(client).consistency(ctx, uint64(first), uint64(second))
	if err != nil {
		return nil, err
	}
	return &Consistency{First: first, Second: second, Hashes: hexes(hs)}, nil
}
