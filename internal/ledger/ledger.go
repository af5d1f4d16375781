// Package ledger keeps the transparency log (透明日志, design.md §6): every public act — a filed
// list version, a published plan, a task announcement, a draw commitment or reveal, a published
// result or correction — is a leaf of an append-only RFC 6962 Merkle log stored in the database
// (table ledger_leafs). The hub signs checkpoints (size, root, time) with its Ed25519 key; anyone
// can fetch a checkpoint, an inclusion proof for a leaf and a consistency proof between two sizes,
// and check them offline (`ssgk ledger verify`). docs/transparency-log.md is the specification.
//
// # Leaf
//
// The leaf of a publication is a JSON object with exactly these members, written in this order
// (keys sorted bytewise), without any whitespace, strings escaped as JSON requires (no HTML
// escaping; all values are ASCII in practice):
//
//	{"corrects":C,"digest":"D","index":I,"kind":"K","publicationId":P,"publishedAt":"T","subjectId":S,"subjectType":"Y"}
//
// where
//
//   - corrects is the leaf index of the publication this one corrects, or null;
//   - digest is the publication's digest, lowercase hex SHA-256 of its public payload encoded by
//     Go's encoding/json (map keys sorted, no whitespace) — see [PayloadDigest];
//   - index is the leaf's position in the log, from 0;
//   - kind is ITEM_LIST, PLAN, TASK_ANNOUNCEMENT, DRAW_COMMITMENT, DRAW_EVENT, DRAW_REVEAL,
//     TASK_CANCELLATION, RESULT or CORRECTION (DRAW_EVENT and TASK_CANCELLATION: the steps of a
//     draw, docs/draw-algorithm.md §16);
//   - publicationId and subjectId are integers, subjectType the ent type name, e.g. "Result";
//   - publishedAt is the publication time in UTC, RFC 3339 with exactly six fractional digits,
//     e.g. "2026-07-01T02:00:00.000000Z" (the hub stores publication times to the microsecond,
//     which both SQLite and PostgreSQL keep exactly).
//
// The leaf hash is the RFC 6962 leaf hash SHA-256(0x00 ‖ leaf bytes); interior nodes are
// SHA-256(0x01 ‖ left ‖ right) ([github.com/transparency-dev/merkle/rfc6962]).
//
// # Checkpoint
//
// The signed text of a checkpoint is four lines, each ending with "\n":
//
//	ssgk-ledger/v1
//	<size, decimal>
//	<root, 64 lowercase hex digits>
//	<time, RFC 3339 UTC, whole seconds, e.g. 2026-07-01T02:00:00Z>
//
// signed with Ed25519 (RFC 8032); the key ID is the first 16 hex digits of SHA-256 of the 32-byte
// public key.
package ledger

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
	"github.com/transparency-dev/merkle/rfc6962"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/ledgerleaf"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/changefeed"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Error codes of the transparency log.
const (
	CodeInvalidProof      = "LEDGER_PROOF_INVALID"      // a proof does not lead to the checkpoint's root
	CodeInvalidSignature  = "LEDGER_SIGNATURE_INVALID"  // a checkpoint's signature or key does not verify
	CodeInvalidRecord     = "LEDGER_RECORD_INVALID"     // a leaf or its publication does not match
	CodeInconsistent      = "LEDGER_INCONSISTENT"       // the log as stored is not what was published
	CodeNotLogged         = "LEDGER_NOT_LOGGED"         // a publication has no leaf
	CodeSizeOutOfRange    = "LEDGER_SIZE_OUT_OF_RANGE"  // a size or index beyond the log
	CodeAlreadyLogged     = "LEDGER_ALREADY_LOGGED"     // Append of a publication that has a leaf
	CodeInvalidCheckpoint = "LEDGER_CHECKPOINT_INVALID" // a malformed checkpoint
	CodeAuditAnchor       = "AUDIT_ANCHOR_MISMATCH"     // the audit trail lacks the event a checkpoint anchored
)

// TimeFormat is the format of publishedAt in a leaf (always UTC).
const TimeFormat = "2006-01-02T15:04:05.000000Z"

// TimePrecision is the precision publication times are stored with.
const TimePrecision = time.Microsecond

// pgLedgerLock is the PostgreSQL advisory lock key that serialises appends to the log. It is
// always taken after the audit trail's lock (the publication row is written first), so the two
// never deadlock.
const pgLedgerLock = 0x5359_4c47 // "SYLG"

// Hasher is the RFC 6962 SHA-256 hasher of the log.
var Hasher = rfc6962.DefaultHasher

// Leaf is the content of one leaf. Its JSON encoding (Canonical) is what is hashed.
type Leaf struct {
	Corrects      *int64 `json:"corrects"`
	Digest        string `json:"digest"`
	Index         int64  `json:"index"`
	Kind          string `json:"kind"`
	PublicationID int    `json:"publicationId"`
	PublishedAt   string `json:"publishedAt"`
	SubjectID     int    `json:"subjectId"`
	SubjectType   string `json:"subjectType"`
}

// Canonical is the leaf's canonical JSON: members in the order above, no whitespace.
func (l Leaf) Canonical() string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(l) // cannot fail: strings and integers only
	return strings.TrimSuffix(b.String(), "\n")
}

// Hash is the RFC 6962 leaf hash of the canonical leaf, lowercase hex.
func (l Leaf) Hash() string { return LeafHash(l.Canonical()) }

// LeafHash is SHA-256(0x00 ‖ leaf), lowercase hex.
func LeafHash(leaf string) string { return hex.EncodeToString(Hasher.HashLeaf([]byte(leaf))) }

// ParseLeaf parses a leaf and checks that it is in canonical form.
func ParseLeaf(s string) (Leaf, error) {
	var l Leaf
	dec := json.NewDecoder(strings.NewReader(s))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&l); err != nil {
		return Leaf{}, apperr.Wrap(err, CodeInvalidRecord, "叶子内容不是有效的 JSON：%v", err)
	}
	if c := l.Canonical(); c != s {
		return Leaf{}, apperr.New(CodeInvalidRecord, "叶子内容不是规范格式（应为 %s）", c)
	}
	return l, nil
}

// FormatTime formats a publication time as in a leaf.
func FormatTime(t time.Time) string { return t.UTC().Truncate(TimePrecision).Format(TimeFormat) }

// PayloadDigest is SHA-256 over the JSON encoding of a publication's payload (encoding/json sorts
// map keys), lowercase hex — the publication's digest. publish.Digest is this function.
func PayloadDigest(v any) (string, error) {
	b, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// LeafOf builds the leaf of publication p at index; corrects is the leaf index of the corrected
// publication (nil if p corrects nothing).
func LeafOf(p *ent.Publication, index int64, corrects *int64) Leaf {
	return Leaf{
		Corrects: corrects, Digest: p.Digest, Index: index, Kind: string(p.Kind), PublicationID: p.ID,
		PublishedAt: FormatTime(p.PublishedAt), SubjectID: p.SubjectID, SubjectType: p.SubjectType,
	}
}

// Append appends publication p — just created in tx — to the log as the next leaf and sets its
// ledger_index (p is updated in place). Appends are serialised: on PostgreSQL by an advisory lock
// held until tx ends, on SQLite by the write lock the transaction holds from its start.
func Append(ctx context.Context, tx *ent.Tx, p *ent.Publication) (*ent.LedgerLeaf, error) {
	if p.LedgerIndex != nil {
		return nil, apperr.New(CodeAlreadyLogged, "公示 #%d 已记入透明日志（叶子 %d）", p.ID, *p.LedgerIndex)
	}
	var corrects *int64
	if p.CorrectsID != nil {
		orig, err := tx.Publication.Query().Where(publication.ID(*p.CorrectsID)).Only(ctx)
		if err != nil {
			return nil, err
		}
		if orig.LedgerIndex == nil {
			return nil, apperr.New(CodeNotLogged, "被更正的公示 #%d 尚未记入透明日志，请先执行 ssgk ledger backfill", orig.ID)
		}
		corrects = orig.LedgerIndex
	}
	index, err := nextIndex(ctx, tx)
	if err != nil {
		return nil, err
	}
	leaf := LeafOf(p, index, corrects).Canonical()
	// The log is the hub's: its rows are written under a system viewer that names the caller.
	v := viewer.FromContext(ctx)
	wctx := viewer.NewContext(ctx, &viewer.Viewer{Kind: viewer.System, Name: "ledger/" + v.Actor(), Operation: v.Operation})
	row, err := tx.LedgerLeaf.Create().SetIndex(index).SetPublicationID(p.ID).SetLeaf(leaf).
		SetLeafHash(LeafHash(leaf)).Save(wctx)
	if err != nil {
		return nil, err
	}
	if err := tx.Publication.UpdateOneID(p.ID).SetLedgerIndex(index).Exec(wctx); err != nil {
		return nil, err
	}
	if err := wake(ctx, tx, index); err != nil {
		return nil, err
	}
	p.LedgerIndex = &index
	return row, nil
}

// wake arranges for the change feed's readers — in every hub on the database — to be woken
// when tx commits (package changefeed): on PostgreSQL a NOTIFY in tx, which the server delivers
// only if tx commits; on SQLite the process-wide signal, from a commit hook.
func wake(ctx context.Context, tx *ent.Tx, index int64) error {
	if tx.Dialect() == dialect.Postgres {
		_, err := tx.ExecContext(ctx, "SELECT pg_notify($1, $2)", changefeed.Channel, strconv.FormatInt(index, 10))
		return err
	}
	tx.OnCommit(func(next ent.Committer) ent.Committer {
		return ent.CommitFunc(func(ctx context.Context, tx *ent.Tx) error {
			err := next.Commit(ctx, tx)
			if err == nil {
				changefeed.Committed()
			}
			return err
		})
	})
	return nil
}

// nextIndex locks the log for the transaction and returns the index of the next leaf. The
// ledger lock comes second in the hub's lock order, after the write lock every store-opened
// transaction holds since BEGIN (internal/store/writelock.go).
//
// The lock is held until tx commits — on PostgreSQL it is released only after the commit
// record is in the WAL — so leaf n+1 is assigned, and its commit record written, only after
// leaf n's commit: the leaves become visible in index order, on the primary and, since a
// standby replays commits in WAL order, on every streaming standby too. This is what keeps the
// change feed gap-free for a reader of a standby (DATABASE_READ_URL) and for any number of hubs
// sharing the database.
func nextIndex(ctx context.Context, tx *ent.Tx) (int64, error) {
	if tx.Dialect() == dialect.Postgres {
		if _, err := tx.ExecContext(ctx, "SELECT pg_advisory_xact_lock($1)", pgLedgerLock); err != nil {
			return 0, err
		}
	}
	tip, err := tx.LedgerLeaf.Query().Order(ledgerleaf.ByIndex(entsql.OrderDesc())).Select(ledgerleaf.FieldIndex).First(ctx)
	switch {
	case err == nil:
		return tip.Index + 1, nil
	case ent.IsNotFound(err):
		return 0, nil
	}
	return 0, err
}

// Backfill appends, in id order, the publications that have no leaf (those published before
// the log existed). It returns how many it appended.
func Backfill(ctx context.Context, tx *ent.Tx) (int, error) {
	ps, err := tx.Publication.Query().Where(publication.LedgerIndexIsNil()).Order(publication.ByID()).All(ctx)
	if err != nil {
		return 0, err
	}
	for _, p := range ps {
		if _, err := Append(ctx, tx, p); err != nil {
			return 0, err
		}
	}
	return len(ps), nil
}

// LeafPath is the portal path of leaf index's record; InclusionPath that of its inclusion proof
// in the latest checkpoint.
func LeafPath(index int64) string { return fmt.Sprintf("/ledger/leaves/%d", index) }

// InclusionPath is the path of the inclusion proof of leaf index (size: latest checkpoint).
func InclusionPath(index int64) string { return fmt.Sprintf("/ledger/proof/inclusion?index=%d", index) }
