package ledger

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"strings"

	entsql "entgo.io/ent/dialect/sql"
	"github.com/transparency-dev/merkle/compact"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/checkpoint"
	"github.com/ssgk/ssgk/ent/ledgerleaf"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
)

// Problem codes reported by Audit.
const (
	ProblemIndexGap          = "INDEX_GAP"             // a leaf index is missing (a leaf was deleted)
	ProblemLeafHash          = "LEAF_HASH_MISMATCH"    // leaf_hash is not the hash of the leaf
	ProblemLeafInvalid       = "LEAF_INVALID"          // the leaf is not canonical JSON of the right shape
	ProblemLeafMismatch      = "LEAF_MISMATCH"         // the leaf does not say what its row says
	ProblemPublicationGone   = "PUBLICATION_MISSING"   // the leaf's publication was deleted
	ProblemPayloadTampered   = "PAYLOAD_TAMPERED"      // the payload does not digest to the digest
	ProblemPublicationChange = "PUBLICATION_CHANGED"   // the publication no longer matches its leaf
	ProblemNotLogged         = "NOT_LOGGED"            // a publication without a leaf
	ProblemRootMismatch      = "ROOT_MISMATCH"         // a checkpoint's root is not the log's root
	ProblemCheckpointBeyond  = "CHECKPOINT_BEYOND"     // a checkpoint is larger than the log
	ProblemBadSignature      = "BAD_SIGNATURE"         // a checkpoint's signature does not verify
	ProblemContentChanged    = "CONTENT_CHANGED"       // the rows no longer say what was published
	ProblemAuditAnchor       = "AUDIT_ANCHOR_MISMATCH" // the audit trail lacks the event a checkpoint anchored
)

// ContentCheck re-derives, from the current rows, the part of a publication's payload that the
// rows own (a result's codes, items, methods …, not the names of things that may be renamed)
// and returns a Chinese description of the difference, or "" when the rows still say what was
// published. Packages that publish register one per kind (RegisterContentCheck), so that
// AuditLog catches a row changed around the hub — with its trigger dropped — even when the
// payload and its leaf are intact.
type ContentCheck func(ctx context.Context, client *ent.Client, p *ent.Publication) (string, error)

var contentChecks = map[publication.Kind]ContentCheck{}

// RegisterContentCheck registers the check of kind's publications (call from init).
func RegisterContentCheck(kind publication.Kind, check ContentCheck) { contentChecks[kind] = check }

// Problem is one finding of Audit.
type Problem struct {
	Code          string
	Index         int64 // leaf index, -1 when not about a leaf
	PublicationID int   // 0 when not about a publication
	Message       string
}

func (p Problem) String() string { return fmt.Sprintf("[%s] %s", p.Code, p.Message) }

// Report is the outcome of AuditLog.
type Report struct {
	Leaves              int64 // leaves read
	Checkpoints         int   // checkpoints whose roots were checked
	SignaturesChecked   int   // checkpoints whose signatures were checked (key known)
	SignaturesUnchecked int   // checkpoints signed with a key not given
	Root                string
	Problems            []Problem
}

// auditBatch is how many leaves Audit reads at a time.
const auditBatch = 2000

// Audit checks the whole log against the database and returns what is wrong (see AuditLog).
func Audit(ctx context.Context, client *ent.Client) ([]Problem, error) {
	rep, err := AuditLog(ctx, client)
	if err != nil {
		return nil, err
	}
	return rep.Problems, nil
}

// AuditLog checks, online, the whole log against the database:
//
//   - leaf indexes are contiguous from 0;
//   - each leaf is canonical, its stored hash is its hash, and it is exactly the leaf recomputed
//     from its publication row (kind, subject, time, digest, corrected leaf);
//   - each publication's payload digests to its digest (publish.Digest), so a payload edited in
//     the database is found even when the leaf is intact;
//   - every publication has a leaf;
//   - the rows a publication was made from still say what it published (ContentCheck, for the
//     kinds whose package registered one);
//   - every stored checkpoint's root is the root of the log recomputed from the leaf contents,
//     and, for checkpoints signed with one of keys, the signature verifies.
func AuditLog(ctx context.Context, client *ent.Client, keys ...ed25519.PublicKey) (*Report, error) {
	rep := &Report{}
	add := func(code string, index int64, pubID int, format string, args ...any) {
		rep.Problems = append(rep.Problems, Problem{Code: code, Index: index, PublicationID: pubID, Message: fmt.Sprintf(format, args...)})
	}
	cps := &checkpointCursor{client: client}
	rf := compact.RangeFactory{Hash: Hasher.HashChildren}
	rng := rf.NewEmptyRange(0)
	treeOK := true // false after a gap: roots are no longer comparable
	checkRoots := func(size int64) error {
		for {
			cp, err := cps.peek(ctx)
			if err != nil || cp == nil || cp.Size > size {
				return err
			}
			cps.next()
			if !treeOK {
				continue
			}
			if cp.Size < size {
				continue // cannot happen: sizes are visited in order
			}
			rep.Checkpoints++
			root := hex.EncodeToString(Hasher.EmptyRoot())
			if size > 0 {
				r, err := rng.GetRootHash(nil)
				if err != nil {
					return err
				}
				root = hex.EncodeToString(r)
			}
			if root != cp.Root {
				add(ProblemRootMismatch, -1, 0, "检查点（大小 %d，%s 签署）的根哈希 %s 与按日志重新计算的 %s 不符：已记入日志的叶子或检查点记录被改动", cp.Size, formatAt(cp.At), cp.Root, root)
			}
		}
	}
	next := int64(0)
	for {
		if err := checkRoots(next); err != nil {
			return nil, err
		}
		rows, err := client.LedgerLeaf.Query().Where(ledgerleaf.IndexGTE(next)).Order(ledgerleaf.ByIndex()).Limit(auditBatch).All(ctx)
		if err != nil {
			return nil, err
		}
		if len(rows) == 0 {
			break
		}
		pubs, corrected, err := publicationsOf(ctx, client, rows)
		if err != nil {
			return nil, err
		}
		for _, row := range rows {
			if row.Index != next {
				if row.Index == next+1 {
					add(ProblemIndexGap, next, 0, "透明日志缺少第 %d 片叶子（被删除）", next)
				} else {
					add(ProblemIndexGap, next, 0, "透明日志缺少第 %d 至 %d 片叶子（被删除）", next, row.Index-1)
				}
				treeOK = false
				next = row.Index
			}
			if err := checkRoots(next); err != nil {
				return nil, err
			}
			auditLeaf(row, pubs[row.PublicationID], corrected, add)
			if p := pubs[row.PublicationID]; p != nil && contentChecks[p.Kind] != nil {
				diff, err := contentChecks[p.Kind](ctx, client, p)
				if err != nil {
					return nil, err
				}
				if diff != "" {
					add(ProblemContentChanged, row.Index, p.ID, "公示 #%d（第 %d 片叶子）的内容与当前数据不符：%s", p.ID, row.Index, diff)
				}
			}
			if err := rng.Append(Hasher.HashLeaf([]byte(row.Leaf)), nil); err != nil {
				return nil, err
			}
			next++
			rep.Leaves++
		}
	}
	if treeOK && next > 0 {
		r, err := rng.GetRootHash(nil)
		if err != nil {
			return nil, err
		}
		rep.Root = hex.EncodeToString(r)
	} else if next == 0 {
		rep.Root = hex.EncodeToString(Hasher.EmptyRoot())
	}
	// Checkpoints larger than the log: leaves were deleted from its end.
	for {
		cp, err := cps.peek(ctx)
		if err != nil {
			return nil, err
		}
		if cp == nil {
			break
		}
		cps.next()
		add(ProblemCheckpointBeyond, -1, 0, "检查点（%s 签署）记载日志有 %d 片叶子，数据库中只有 %d 片：叶子被删除", formatAt(cp.At), cp.Size, next)
	}
	// Publications without a leaf, or whose leaf is missing.
	unlogged, err := client.Publication.Query().Where(func(s *entsql.Selector) {
		t := entsql.Table(ledgerleaf.Table)
		s.Where(entsql.NotIn(s.C(publication.FieldID), entsql.Select(t.C(ledgerleaf.FieldPublicationID)).From(t)))
	}).Order(publication.ByID()).Select(publication.FieldID, publication.FieldLedgerIndex).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, p := range unlogged {
		if p.LedgerIndex == nil {
			add(ProblemNotLogged, -1, p.ID, "公示 #%d 未记入透明日志", p.ID)
		} else {
			add(ProblemNotLogged, *p.LedgerIndex, p.ID, "公示 #%d 记载的叶子 %d 不存在或不是它的叶子", p.ID, *p.LedgerIndex)
		}
	}
	if err := auditSignatures(ctx, client, keys, rep, add); err != nil {
		return nil, err
	}
	// Every stored checkpoint's anchor in the audit trail (a saved copy is checked the same way
	// by VerifyAuditAnchor).
	anchored, err := client.Checkpoint.Query().Where(checkpoint.AuditHeadNotNil()).Order(checkpoint.ByID()).All(ctx)
	if err != nil {
		return nil, err
	}
	for _, cp := range anchored {
		if err := VerifyAuditAnchor(ctx, client, FromRow(cp, nil)); err != nil {
			add(ProblemAuditAnchor, -1, 0, "%s", messageOf(err))
		}
	}
	return rep, nil
}

// publicationsOf loads the publications of a batch of leaves, and the leaf indexes of the
// publications they correct.
func publicationsOf(ctx context.Context, client *ent.Client, rows []*ent.LedgerLeaf) (map[int]*ent.Publication, map[int]*int64, error) {
	ids := make([]int, len(rows))
	for i, r := range rows {
		ids[i] = r.PublicationID
	}
	ps, err := client.Publication.Query().Where(publication.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, nil, err
	}
	pubs := make(map[int]*ent.Publication, len(ps))
	var corr []int
	for _, p := range ps {
		pubs[p.ID] = p
		if p.CorrectsID != nil {
			corr = append(corr, *p.CorrectsID)
		}
	}
	corrected := map[int]*int64{}
	if len(corr) > 0 {
		cs, err := client.Publication.Query().Where(publication.IDIn(corr...)).
			Select(publication.FieldID, publication.FieldLedgerIndex).All(ctx)
		if err != nil {
			return nil, nil, err
		}
		for _, c := range cs {
			corrected[c.ID] = c.LedgerIndex
		}
	}
	return pubs, corrected, nil
}

// auditLeaf checks one leaf against itself and its publication.
func auditLeaf(row *ent.LedgerLeaf, p *ent.Publication, corrected map[int]*int64, add func(string, int64, int, string, ...any)) {
	if h := LeafHash(row.Leaf); h != row.LeafHash {
		add(ProblemLeafHash, row.Index, row.PublicationID, "第 %d 片叶子的哈希 %s 与叶子内容的哈希 %s 不符", row.Index, row.LeafHash, h)
	}
	l, err := ParseLeaf(row.Leaf)
	if err != nil {
		add(ProblemLeafInvalid, row.Index, row.PublicationID, "第 %d 片叶子内容无效：%s", row.Index, messageOf(err))
	} else if l.Index != row.Index || l.PublicationID != row.PublicationID {
		add(ProblemLeafMismatch, row.Index, row.PublicationID, "第 %d 片叶子的内容（序号 %d、公示 #%d）与其记录（公示 #%d）不符", row.Index, l.Index, l.PublicationID, row.PublicationID)
	}
	if p == nil {
		add(ProblemPublicationGone, row.Index, row.PublicationID, "第 %d 片叶子对应的公示 #%d 已被删除", row.Index, row.PublicationID)
		return
	}
	if d, err := PayloadDigest(p.Payload); err != nil || d != p.Digest {
		add(ProblemPayloadTampered, row.Index, p.ID, "公示 #%d（%s）的内容被改动：按现有内容计算的摘要 %s 与公示摘要 %s 不符", p.ID, p.Title, d, p.Digest)
	}
	var corrects *int64
	if p.CorrectsID != nil {
		corrects = corrected[*p.CorrectsID]
	}
	want := LeafOf(p, row.Index, corrects)
	if want.Canonical() != row.Leaf {
		add(ProblemPublicationChange, row.Index, p.ID, "公示 #%d（%s）与透明日志第 %d 片叶子不符（%s）", p.ID, p.Title, row.Index, leafDiff(row.Leaf, want))
	}
	if p.LedgerIndex == nil || *p.LedgerIndex != row.Index {
		got := "空"
		if p.LedgerIndex != nil {
			got = fmt.Sprint(*p.LedgerIndex)
		}
		add(ProblemPublicationChange, row.Index, p.ID, "公示 #%d 记载的叶子序号为 %s，应为 %d", p.ID, got, row.Index)
	}
}

// leafDiff names the members in which a stored leaf differs from the recomputed one.
func leafDiff(stored string, want Leaf) string {
	got, err := ParseLeaf(stored)
	if err != nil {
		return "叶子内容无效"
	}
	var d []string
	cmp := func(name string, a, b any) {
		if fmt.Sprint(a) != fmt.Sprint(b) {
			d = append(d, fmt.Sprintf("%s：叶子为 %v，公示记录为 %v", name, a, b))
		}
	}
	str := func(p *int64) string {
		if p == nil {
			return "null"
		}
		return fmt.Sprint(*p)
	}
	cmp("corrects", str(got.Corrects), str(want.Corrects))
	cmp("digest", got.Digest, want.Digest)
	cmp("kind", got.Kind, want.Kind)
	cmp("publicationId", got.PublicationID, want.PublicationID)
	cmp("publishedAt", got.PublishedAt, want.PublishedAt)
	cmp("subjectId", got.SubjectID, want.SubjectID)
	cmp("subjectType", got.SubjectType, want.SubjectType)
	if len(d) == 0 {
		return "格式不同"
	}
	return strings.Join(d, "；")
}

func messageOf(err error) string { return apperr.From(err).Message }

// auditSignatures checks the signatures of stored checkpoints signed with one of keys.
func auditSignatures(ctx context.Context, client *ent.Client, keys []ed25519.PublicKey, rep *Report, add func(string, int64, int, string, ...any)) error {
	byID := map[string]ed25519.PublicKey{}
	for _, k := range keys {
		byID[KeyID(k)] = k
	}
	c := &checkpointCursor{client: client}
	for {
		cp, err := c.peek(ctx)
		if err != nil {
			return err
		}
		if cp == nil {
			return nil
		}
		c.next()
		pub, ok := byID[cp.KeyID]
		if !ok {
			rep.SignaturesUnchecked++
			continue
		}
		rep.SignaturesChecked++
		if err := VerifyCheckpoint(pub, FromRow(cp, nil)); err != nil {
			add(ProblemBadSignature, -1, 0, "检查点（大小 %d，%s）签名无效：检查点记录被改动", cp.Size, formatAt(cp.At))
		}
	}
}

// checkpointCursor walks the stored checkpoints in order of size (then id), a page at a time.
type checkpointCursor struct {
	client *ent.Client
	page   []*ent.Checkpoint
	last   *ent.Checkpoint
	done   bool
}

func (c *checkpointCursor) peek(ctx context.Context) (*ent.Checkpoint, error) {
	if len(c.page) == 0 && !c.done {
		q := c.client.Checkpoint.Query().Order(checkpoint.BySize(), checkpoint.ByID()).Limit(1000)
		if c.last != nil {
			q.Where(checkpoint.Or(checkpoint.SizeGT(c.last.Size), checkpoint.And(checkpoint.Size(c.last.Size), checkpoint.IDGT(c.last.ID))))
		}
		page, err := q.All(ctx)
		if err != nil {
			return nil, err
		}
		c.page, c.done = page, len(page) == 0
	}
	if len(c.page) == 0 {
		return nil, nil
	}
	return c.page[0], nil
}

func (c *checkpointCursor) next() {
	c.last, c.page = c.page[0], c.page[1:]
}
