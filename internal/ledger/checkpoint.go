package ledger

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/checkpoint"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// CheckpointOrigin is the first line of a checkpoint's signed text.
const CheckpointOrigin = "ssgk-ledger/v1"

// KeyFile is the name of the hub's ledger key in the data directory.
const KeyFile = "ledger.key"

// pgCheckpointLock serialises checkpoint creation on PostgreSQL (never held while appending).
const pgCheckpointLock = 0x5359_4350 // "SYCP"

// SignedCheckpoint is a checkpoint as served at /ledger/checkpoint and saved by users.
type SignedCheckpoint struct {
	Size      int64  `json:"size"`
	Root      string `json:"root"`      // lowercase hex
	At        string `json:"at"`        // RFC 3339 UTC, whole seconds
	KeyID     string `json:"keyId"`     // first 16 hex digits of SHA-256(public key)
	Signature string `json:"signature"` // Ed25519 over Text(), standard base64
	PublicKey string `json:"publicKey,omitempty"`
	// AuditSeq and AuditHead anchor the audit trail: the sequence number and hash of its last
	// event when the checkpoint was signed. Whoever saved the checkpoint can later prove that
	// the trail still holds that event with that hash — so events up to it were neither
	// deleted nor rewritten (VerifyAuditAnchor). Checkpoints signed before anchoring have none.
	AuditSeq  int64  `json:"auditSeq,omitempty"`
	AuditHead string `json:"auditHead,omitempty"`
}

// CheckpointOriginAnchored is the first line of the signed text of a checkpoint that anchors
// the audit trail.
const CheckpointOriginAnchored = "ssgk-ledger/v2"

// Text is the signed text: origin, size, root and time, one per line — and, when the
// checkpoint anchors the audit trail (origin v2), the trail's last sequence number and hash.
func (c SignedCheckpoint) Text() string {
	if c.AuditHead != "" {
		return fmt.Sprintf("%s\n%d\n%s\n%s\n%d\n%s\n", CheckpointOriginAnchored, c.Size, c.Root, c.At, c.AuditSeq, c.AuditHead)
	}
	return fmt.Sprintf("%s\n%d\n%s\n%s\n", CheckpointOrigin, c.Size, c.Root, c.At)
}

// KeyID identifies a public key: the first 16 hex digits of its SHA-256.
func KeyID(pub ed25519.PublicKey) string {
	sum := sha256.Sum256(pub)
	return hex.EncodeToString(sum[:])[:16]
}

// EncodePublicKey is the standard base64 of the 32-byte public key.
func EncodePublicKey(pub ed25519.PublicKey) string { return base64.StdEncoding.EncodeToString(pub) }

// ParsePublicKey reads a public key in base64 (as served) or in PEM (PKIX).
func ParsePublicKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	if b, _ := pem.Decode([]byte(s)); b != nil {
		k, err := x509.ParsePKIXPublicKey(b.Bytes)
		if pub, ok := k.(ed25519.PublicKey); err == nil && ok {
			return pub, nil
		}
		return nil, apperr.New(CodeInvalidSignature, "公钥不是 Ed25519 公钥")
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, apperr.New(CodeInvalidSignature, "公钥格式错误：应为 32 字节 Ed25519 公钥的 Base64 编码")
	}
	return ed25519.PublicKey(b), nil
}

// formatAt is the checkpoint time format.
func formatAt(t time.Time) string { return t.UTC().Truncate(time.Second).Format(time.RFC3339) }

// Sign signs a checkpoint of size and root (hex) at time at.
func Sign(key ed25519.PrivateKey, size int64, root string, at time.Time) SignedCheckpoint {
	return SignAnchored(key, size, root, at, 0, "")
}

// SignAnchored signs a checkpoint that also anchors the audit trail at its event auditSeq with
// hash auditHead ("" for none).
func SignAnchored(key ed25519.PrivateKey, size int64, root string, at time.Time, auditSeq int64, auditHead string) SignedCheckpoint {
	pub := key.Public().(ed25519.PublicKey)
	c := SignedCheckpoint{Size: size, Root: root, At: formatAt(at), KeyID: KeyID(pub), PublicKey: EncodePublicKey(pub),
		AuditSeq: auditSeq, AuditHead: auditHead}
	c.Signature = base64.StdEncoding.EncodeToString(ed25519.Sign(key, []byte(c.Text())))
	return c
}

// VerifyCheckpoint checks a checkpoint's form, its key ID and its signature under pub.
func VerifyCheckpoint(pub ed25519.PublicKey, c SignedCheckpoint) error {
	if len(pub) != ed25519.PublicKeySize {
		return apperr.New(CodeInvalidSignature, "公钥长度错误")
	}
	if c.Size < 0 {
		return apperr.New(CodeInvalidCheckpoint, "检查点的日志大小为负数")
	}
	if r, err := hex.DecodeString(c.Root); err != nil || len(r) != Hasher.Size() || hex.EncodeToString(r) != c.Root {
		return apperr.New(CodeInvalidCheckpoint, "检查点的根哈希格式错误（应为 64 位小写十六进制）")
	}
	if t, err := time.Parse(time.RFC3339, c.At); err != nil || formatAt(t) != c.At {
		return apperr.New(CodeInvalidCheckpoint, "检查点的时间格式错误（应为 UTC RFC 3339，精确到秒，如 2026-07-01T02:00:00Z）")
	}
	if c.AuditHead != "" {
		if h, err := hex.DecodeString(c.AuditHead); err != nil || len(h) != sha256.Size || hex.EncodeToString(h) != c.AuditHead || c.AuditSeq < 0 {
			return apperr.New(CodeInvalidCheckpoint, "检查点锚定的审计日志哈希格式错误（应为 64 位小写十六进制）")
		}
	}
	if c.KeyID != KeyID(pub) {
		return apperr.New(CodeInvalidSignature, "检查点的签名密钥标识 %s 与所用公钥（%s）不符", c.KeyID, KeyID(pub))
	}
	if c.PublicKey != "" && c.PublicKey != EncodePublicKey(pub) {
		return apperr.New(CodeInvalidSignature, "检查点附带的公钥与所用公钥不符")
	}
	sig, err := base64.StdEncoding.DecodeString(c.Signature)
	if err != nil || len(sig) != ed25519.SignatureSize {
		return apperr.New(CodeInvalidSignature, "检查点的签名格式错误")
	}
	if !ed25519.Verify(pub, []byte(c.Text()), sig) {
		return apperr.New(CodeInvalidSignature, "检查点签名无效：大小、根哈希或时间已被改动，或并非该公钥签署")
	}
	return nil
}

// FromRow is the signed checkpoint of a stored row; pub (may be nil) fills PublicKey when the
// row was signed with it.
func FromRow(row *ent.Checkpoint, pub ed25519.PublicKey) SignedCheckpoint {
	c := SignedCheckpoint{Size: row.Size, Root: row.Root, At: formatAt(row.At), KeyID: row.KeyID, Signature: row.Signature,
		AuditSeq: row.AuditSeq, AuditHead: row.AuditHead}
	if pub != nil && KeyID(pub) == row.KeyID {
		c.PublicKey = EncodePublicKey(pub)
	}
	return c
}

// Checkpoint returns the latest checkpoint of the log signed with key: the stored one when the
// log has not grown since, otherwise a new one, stored.
func Checkpoint(ctx context.Context, client *ent.Client, key ed25519.PrivateKey) (*SignedCheckpoint, error) {
	pub := key.Public().(ed25519.PublicKey)
	kid := KeyID(pub)
	size, err := Size(ctx, client)
	if err != nil {
		return nil, err
	}
	latest := func(c *ent.Client) (*ent.Checkpoint, error) {
		row, err := c.Checkpoint.Query().Where(checkpoint.Size(size), checkpoint.KeyID(kid)).
			Order(checkpoint.ByID()).First(ctx)
		if ent.IsNotFound(err) {
			return nil, nil
		}
		return row, err
	}
	if row, err := latest(client); err != nil || row != nil {
		if err != nil {
			return nil, err
		}
		c := FromRow(row, pub)
		return &c, nil
	}
	root, err := Root(ctx, client, size)
	if err != nil {
		return nil, err
	}
	var out SignedCheckpoint
	// The checkpoint is the hub's statement, written under a system viewer whatever the caller.
	wctx := viewer.NewContext(ctx, viewer.NewSystem("ledger checkpoint"))
	err = txn.Run(wctx, client, func(tx *ent.Tx) error {
		if tx.Dialect() == dialect.Postgres {
			if _, err := tx.ExecContext(wctx, "SELECT pg_advisory_xact_lock($1)", pgCheckpointLock); err != nil {
				return err
			}
		}
		if row, err := latest(tx.Client()); err != nil || row != nil {
			if err == nil {
				out = FromRow(row, pub)
			}
			return err
		}
		// The audit trail's head, read under the write lock this transaction holds (PostgreSQL;
		// SQLite has one writer): the checkpoint row's own event comes after it.
		seq, head, err := audit.Head(wctx, tx)
		if err != nil {
			return err
		}
		out = SignAnchored(key, size, root, clock.Now(ctx), seq, head)
		at, _ := time.Parse(time.RFC3339, out.At)
		c := tx.Checkpoint.Create().SetSize(size).SetRoot(root).SetAt(at).SetKeyID(kid).SetSignature(out.Signature)
		if head != "" {
			c.SetAuditSeq(seq).SetAuditHead(head)
		}
		return c.Exec(wctx)
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// LoadOrCreateKey reads the hub's ledger signing key from dataDir/ledger.key (PKCS #8 PEM),
// creating it (mode 0600) on first use. Hub replicas must share it.
func LoadOrCreateKey(dataDir string) (ed25519.PrivateKey, error) {
	path := filepath.Join(dataDir, KeyFile)
	if k, err := readKey(path); err == nil || !errors.Is(err, os.ErrNotExist) {
		return k, err
	}
	if err := os.MkdirAll(dataDir, 0o750); err != nil {
		return nil, fmt.Errorf("创建数据目录 %s 失败: %w", dataDir, err)
	}
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	// Write a temporary file and link it into place: the key appears whole or not at all, and
	// of two processes creating it at once, one wins and the other reads the winner's key.
	f, err := os.CreateTemp(dataDir, KeyFile+".*.tmp")
	if err != nil {
		return nil, fmt.Errorf("创建透明日志签名密钥失败: %w", err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	if err := f.Chmod(0o600); err != nil {
		f.Close()
		return nil, err
	}
	if err := pem.Encode(f, &pem.Block{Type: "PRIVATE KEY", Bytes: der}); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	if err := os.Link(tmp, path); err != nil {
		if errors.Is(err, os.ErrExist) {
			return readKey(path)
		}
		return nil, fmt.Errorf("创建透明日志签名密钥 %s 失败: %w", path, err)
	}
	return key, nil
}

// LoadKey reads the hub's ledger signing key from dataDir without creating it; the error wraps
// os.ErrNotExist when there is none.
func LoadKey(dataDir string) (ed25519.PrivateKey, error) {
	return readKey(filepath.Join(dataDir, KeyFile))
}

func readKey(path string) (ed25519.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	blk, _ := pem.Decode(b)
	if blk == nil {
		return nil, fmt.Errorf("透明日志签名密钥 %s 格式错误：不是 PEM 文件", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(blk.Bytes)
	if err != nil {
		return nil, fmt.Errorf("透明日志签名密钥 %s 格式错误: %w", path, err)
	}
	key, ok := k.(ed25519.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("透明日志签名密钥 %s 不是 Ed25519 密钥", path)
	}
	return key, nil
}

// VerifyAuditAnchor checks that the audit trail still holds the event a checkpoint anchored
// (same sequence number, same hash): a trail whose newest events were deleted, or which was
// rewritten and re-hashed, fails against any checkpoint saved since. It returns nil for a
// checkpoint without an anchor. Run audit.Verify as well: it checks the links up to the head.
func VerifyAuditAnchor(ctx context.Context, client *ent.Client, c SignedCheckpoint) error {
	if c.AuditHead == "" {
		return nil
	}
	ok, err := audit.HasEvent(ctx, client, c.AuditSeq, c.AuditHead)
	if err != nil {
		return err
	}
	if !ok {
		return apperr.New(CodeAuditAnchor, "检查点（%s 签署）锚定的审计日志事件 #%d（哈希 %s…）不存在或已被改写：审计日志被删除或重写",
			c.At, c.AuditSeq, c.AuditHead[:16])
	}
	return nil
}
