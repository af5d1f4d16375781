package ledger

import (
	"context"
	"encoding/hex"
	"errors"

	"github.com/transparency-dev/merkle/proof"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/ledgerleaf"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
)

// Record is one leaf as served at /ledger/leaves/{index}: the leaf, its hash and the public
// part of its publication.
type Record struct {
	Index       int64          `json:"index"`
	Leaf        string         `json:"leaf"`
	LeafHash    string         `json:"leafHash"`
	Publication *PublicationV1 `json:"publication,omitempty"`
}

// PublicationV1 is the public part of a publication in a Record.
type PublicationV1 struct {
	ID           int            `json:"id"`
	Kind         string         `json:"kind"`
	Title        string         `json:"title"`
	PublishedAt  string         `json:"publishedAt"` // as in the leaf
	SubjectType  string         `json:"subjectType"`
	SubjectID    int            `json:"subjectId"`
	DivisionCode string         `json:"divisionCode,omitempty"`
	Digest       string         `json:"digest"`
	Payload      map[string]any `json:"payload"`
	CorrectsID   *int           `json:"correctsId"`
}

// GetRecord reads leaf index and its publication.
func GetRecord(ctx context.Context, client *ent.Client, index int64) (*Record, error) {
	row, err := client.LedgerLeaf.Query().Where(ledgerleaf.Index(index)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "透明日志中没有第 %d 片叶子", index)
	}
	if err != nil {
		return nil, err
	}
	r := &Record{Index: row.Index, Leaf: row.Leaf, LeafHash: row.LeafHash}
	p, err := client.Publication.Query().Where(publication.ID(row.PublicationID)).Only(ctx)
	switch {
	case ent.IsNotFound(err):
		return r, nil // the audit reports it; the leaf itself stays verifiable
	case err != nil:
		return nil, err
	}
	r.Publication = &PublicationV1{ID: p.ID, Kind: string(p.Kind), Title: p.Title, PublishedAt: FormatTime(p.PublishedAt),
		SubjectType: p.SubjectType, SubjectID: p.SubjectID, DivisionCode: p.DivisionCode, Digest: p.Digest,
		Payload: p.Payload, CorrectsID: p.CorrectsID}
	return r, nil
}

// VerifyRecord checks a record by itself: the leaf is canonical, its hash is the leaf hash, and
// the publication (when present) is the one the leaf names, with a payload that digests to the
// leaf's digest. It returns the parsed leaf.
func VerifyRecord(r Record) (Leaf, error) {
	l, err := ParseLeaf(r.Leaf)
	if err != nil {
		return Leaf{}, err
	}
	if l.Index != r.Index {
		return Leaf{}, apperr.New(CodeInvalidRecord, "叶子内容中的序号 %d 与记录序号 %d 不符", l.Index, r.Index)
	}
	if h := LeafHash(r.Leaf); r.LeafHash != h {
		return Leaf{}, apperr.New(CodeInvalidRecord, "第 %d 片叶子的哈希应为 %s，记录中为 %s", r.Index, h, r.LeafHash)
	}
	p := r.Publication
	if p == nil {
		return l, nil
	}
	switch {
	case p.ID != l.PublicationID:
		return Leaf{}, apperr.New(CodeInvalidRecord, "第 %d 片叶子记录的是公示 #%d，附带的却是公示 #%d", r.Index, l.PublicationID, p.ID)
	case p.Kind != l.Kind, p.SubjectType != l.SubjectType, p.SubjectID != l.SubjectID, p.PublishedAt != l.PublishedAt:
		return Leaf{}, apperr.New(CodeInvalidRecord, "公示 #%d 的类型、对象或公示时间与第 %d 片叶子不符", p.ID, r.Index)
	}
	d, err := PayloadDigest(p.Payload)
	if err != nil {
		return Leaf{}, apperr.Wrap(err, CodeInvalidRecord, "公示 #%d 的内容无法计算摘要", p.ID)
	}
	if d != l.Digest || p.Digest != l.Digest {
		return Leaf{}, apperr.New(CodeInvalidRecord, "公示 #%d 的内容摘要为 %s，与透明日志第 %d 片叶子记录的 %s 不符：公示内容已被改动", p.ID, d, r.Index, l.Digest)
	}
	return l, nil
}

func decodeHashes(hs []string) ([][]byte, error) {
	out := make([][]byte, len(hs))
	for i, h := range hs {
		b, err := hex.DecodeString(h)
		if err != nil || len(b) != Hasher.Size() {
			return nil, apperr.New(CodeInvalidProof, "证明中的第 %d 个哈希格式错误", i+1)
		}
		out[i] = b
	}
	return out, nil
}

func decodeHash(h, what string) ([]byte, error) {
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != Hasher.Size() {
		return nil, apperr.New(CodeInvalidProof, "%s格式错误（应为 64 位十六进制）", what)
	}
	return b, nil
}

// VerifyInclusion checks that the leaf with hash leafHash (hex) is leaf p.Index of the tree of
// p.Size leaves whose root is root (hex).
func VerifyInclusion(p Inclusion, leafHash, root string) error {
	lh, err := decodeHash(leafHash, "叶子哈希")
	if err != nil {
		return err
	}
	rt, err := decodeHash(root, "根哈希")
	if err != nil {
		return err
	}
	hs, err := decodeHashes(p.Hashes)
	if err != nil {
		return err
	}
	if p.Index < 0 || p.Size <= p.Index {
		return apperr.New(CodeInvalidProof, "包含证明的叶子序号 %d 不在大小 %d 的日志内", p.Index, p.Size)
	}
	if err := proof.VerifyInclusion(Hasher, uint64(p.Index), uint64(p.Size), lh, hs, rt); err != nil {
		return proofError(err, "包含证明不成立：第 %d 片叶子不在大小为 %d、根哈希为 %s 的日志中", p.Index, p.Size, root)
	}
	return nil
}

// VerifyConsistency checks that the tree of p.First leaves with root root1 is a prefix of the
// tree of p.Second leaves with root root2 (hex): nothing logged before was changed or removed.
func VerifyConsistency(p Consistency, root1, root2 string) error {
	r1, err := decodeHash(root1, "旧根哈希")
	if err != nil {
		return err
	}
	r2, err := decodeHash(root2, "新根哈希")
	if err != nil {
		return err
	}
	hs, err := decodeHashes(p.Hashes)
	if err != nil {
		return err
	}
	if p.First < 0 || p.Second < p.First {
		return apperr.New(CodeInvalidProof, "一致性证明的大小无效（%d → %d）", p.First, p.Second)
	}
	if err := proof.VerifyConsistency(Hasher, uint64(p.First), uint64(p.Second), hs, r1, r2); err != nil {
		return proofError(err, "一致性证明不成立：大小 %d 的日志（根 %s）不是大小 %d 的日志（根 %s）的前缀——已公示的内容被改动或删除", p.First, root1, p.Second, root2)
	}
	return nil
}

func proofError(err error, format string, args ...any) error {
	var rm proof.RootMismatchError
	if errors.As(err, &rm) {
		return apperr.Wrap(err, CodeInvalidProof, format, args...)
	}
	e := apperr.Wrap(err, CodeInvalidProof, format, args...)
	e.Message += "（" + err.Error() + "）"
	return e
}
