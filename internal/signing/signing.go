// Package signing keeps the department heads' signing keys. A correction (更正) of a published
// result must be confirmed by the responsible department head (domain.md §2.8); the hub records
// that confirmation as an Ed25519 signature over the correction's digest.
//
// Each HEAD account has its own key pair. The public key is stored in the clear, so that anyone
// holding the database (and `ssgk audit verify`) can check signatures. The private key is
// stored sealed with AES-256-GCM under a key derived from the head's password with argon2id; the
// hub cannot sign on a head's behalf without the password, and the password is asked again for
// every signature.
package signing

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/subtle"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"

	"golang.org/x/crypto/argon2"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Error codes of this package.
const (
	// CodeAuthFailed: the password given to unseal the signing key is wrong. It is counted
	// nowhere else (it does not lock the account's login).
	CodeAuthFailed = "SIGNATURE_AUTH_FAILED"
	// CodeKeyMissing: the account has no signing key yet (Enroll first).
	CodeKeyMissing = "SIGNING_KEY_MISSING"
	// CodeKeyExists: the account already has a signing key. Old signatures are verified with the
	// stored public key, so a key is never silently replaced.
	CodeKeyExists = "SIGNING_KEY_EXISTS"
	// CodeNotHead: only a department head (HEAD) holds a signing key.
	CodeNotHead = "SIGNING_NOT_HEAD"
)

// Algorithm is the name recorded with each signature (Correction.signature_algorithm).
const Algorithm = "ED25519"

// Sealed blob layout: version byte | argon2id parameters | salt | nonce | AES-256-GCM(seed).
const (
	sealVersion  = 1
	saltLen      = 16
	argonTime    = 3
	argonMemory  = 64 * 1024 // KiB
	argonThreads = 2
	headerLen    = 1 + 4 + 4 + 1 // version, time, memory, threads
)

// Enroll generates the account's Ed25519 key pair and stores the public key and the sealed
// private key. The password must be the account's login password (checked against its
// argon2id hash). Only a HEAD account may enroll, by itself or through an operator command.
func Enroll(ctx context.Context, client *ent.Client, accountID int, password string) (ed25519.PublicKey, error) {
	v := viewer.FromContext(ctx)
	if err := authz.Check(v, authz.EnrollSigningKey); err != nil {
		return nil, err
	}
	if v.Kind != viewer.System && v.AccountID != accountID {
		return nil, apperr.New(apperr.Forbidden, "只有部门负责人本人登录后才能登记签名密钥")
	}
	acc, err := loadHead(ctx, client, accountID)
	if err != nil {
		return nil, err
	}
	if len(acc.SigningPublicKey) > 0 || len(acc.SigningKeySealed) > 0 {
		return nil, apperr.New(CodeKeyExists, "账号“%s”已有签名密钥；已签署的更正须用原公钥核验，不能重新生成", acc.Username)
	}
	if !auth.VerifyPassword(acc.PasswordHash, password) {
		return nil, apperr.New(CodeAuthFailed, "口令错误，未生成签名密钥")
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, err
	}
	sealed, err := seal(priv.Seed(), password, acc.ID, pub)
	if err != nil {
		return nil, err
	}
	// Accounts are written by system administrators only (authz); holding the password is the
	// authority here, as for a login.
	sys := viewer.NewContext(ctx, viewer.NewSystem("signing enroll:"+acc.Username))
	err = txn.Run(sys, client, func(tx *ent.Tx) error {
		return tx.Account.UpdateOneID(acc.ID).SetSigningPublicKey(pub).SetSigningKeySealed(sealed).Exec(sys)
	})
	if err != nil {
		return nil, err
	}
	return pub, nil
}

// Sign re-authenticates the head with password, unseals the private key and signs digest.
// A wrong password is SIGNATURE_AUTH_FAILED.
func Sign(ctx context.Context, client *ent.Client, accountID int, password string, digest []byte) ([]byte, error) {
	acc, err := loadHead(ctx, client, accountID)
	if err != nil {
		return nil, err
	}
	if len(acc.SigningPublicKey) != ed25519.PublicKeySize || len(acc.SigningKeySealed) == 0 {
		return nil, apperr.New(CodeKeyMissing, "账号“%s”尚未生成签名密钥，请先登记签名密钥", acc.Username)
	}
	seed, err := open(acc.SigningKeySealed, password, acc.ID, acc.SigningPublicKey)
	if err != nil {
		return nil, err
	}
	priv := ed25519.NewKeyFromSeed(seed)
	clear(seed)
	defer clear(priv)
	if subtle.ConstantTimeCompare(priv.Public().(ed25519.PublicKey), acc.SigningPublicKey) != 1 {
		return nil, apperr.New(apperr.Internal, "签名私钥与登记的公钥不符，请联系系统管理员")
	}
	return ed25519.Sign(priv, digest), nil
}

// Reseal re-encrypts the account's private key under a new password; the auth package calls it
// when a head changes the password, so that the key follows the password.
func Reseal(ctx context.Context, client *ent.Client, accountID int, oldPassword, newPassword string) error {
	acc, err := loadHead(ctx, client, accountID)
	if err != nil {
		return err
	}
	if len(acc.SigningKeySealed) == 0 {
		return nil // nothing to carry over
	}
	seed, err := open(acc.SigningKeySealed, oldPassword, acc.ID, acc.SigningPublicKey)
	if err != nil {
		return err
	}
	defer clear(seed)
	sealed, err := seal(seed, newPassword, acc.ID, acc.SigningPublicKey)
	if err != nil {
		return err
	}
	sys := viewer.NewContext(ctx, viewer.NewSystem("signing reseal:"+acc.Username))
	return txn.Run(sys, client, func(tx *ent.Tx) error {
		return tx.Account.UpdateOneID(acc.ID).SetSigningKeySealed(sealed).Exec(sys)
	})
}

// Verify reports whether sig is pub's Ed25519 signature of digest.
func Verify(pub, digest, sig []byte) bool {
	if len(pub) != ed25519.PublicKeySize || len(sig) != ed25519.SignatureSize {
		return false
	}
	return ed25519.Verify(ed25519.PublicKey(pub), digest, sig)
}

// loadHead loads an active HEAD account that the viewer may act for: the account itself, or an
// operator command.
func loadHead(ctx context.Context, client *ent.Client, accountID int) (*ent.Account, error) {
	v := viewer.FromContext(ctx)
	if v.Kind != viewer.System && !(v.Kind == viewer.Account && v.AccountID == accountID) {
		return nil, apperr.New(apperr.Forbidden, "只能使用本人的签名密钥")
	}
	acc, err := client.Account.Get(viewer.NewContext(ctx, viewer.NewSystem("signing")), accountID)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "账号不存在")
	}
	if err != nil {
		return nil, err
	}
	if !acc.Active {
		return nil, apperr.New(apperr.Unauthenticated, "账号“%s”已停用", acc.Username)
	}
	if !slices.Contains(acc.Roles, viewer.RoleHead) {
		return nil, apperr.New(CodeNotHead, "账号“%s”不是部门负责人，不能持有签名密钥", acc.Username)
	}
	return acc, nil
}

// aad binds a sealed key to its account and public key: a blob copied to another account does
// not open.
func aad(accountID int, pub []byte) []byte {
	b := []byte("ssgk-signing-key/v1\x00")
	b = binary.BigEndian.AppendUint64(b, uint64(accountID))
	return append(b, pub...)
}

func seal(seed []byte, password string, accountID int, pub []byte) ([]byte, error) {
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return nil, err
	}
	out := []byte{sealVersion}
	out = binary.BigEndian.AppendUint32(out, argonTime)
	out = binary.BigEndian.AppendUint32(out, argonMemory)
	out = append(out, argonThreads)
	out = append(out, salt...)
	gcm, err := newGCM(password, salt, argonTime, argonMemory, argonThreads)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, gcm.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	out = append(out, nonce...)
	return gcm.Seal(out, nonce, seed, aad(accountID, pub)), nil
}

func open(blob []byte, password string, accountID int, pub []byte) ([]byte, error) {
	bad := errors.New("signing: malformed sealed key")
	if len(blob) < headerLen+saltLen || blob[0] != sealVersion {
		return nil, apperr.Wrap(bad, apperr.Internal, "签名私钥格式无法识别，请联系系统管理员")
	}
	t := binary.BigEndian.Uint32(blob[1:5])
	m := binary.BigEndian.Uint32(blob[5:9])
	p := blob[9]
	if t == 0 || t > 16 || m < 8*1024 || m > 1024*1024 || p == 0 {
		return nil, apperr.Wrap(bad, apperr.Internal, "签名私钥参数异常，请联系系统管理员")
	}
	salt := blob[headerLen : headerLen+saltLen]
	gcm, err := newGCM(password, salt, t, m, p)
	if err != nil {
		return nil, err
	}
	rest := blob[headerLen+saltLen:]
	if len(rest) < gcm.NonceSize()+gcm.Overhead() {
		return nil, apperr.Wrap(bad, apperr.Internal, "签名私钥格式无法识别，请联系系统管理员")
	}
	seed, err := gcm.Open(nil, rest[:gcm.NonceSize()], rest[gcm.NonceSize():], aad(accountID, pub))
	if err != nil {
		return nil, apperr.New(CodeAuthFailed, "口令错误，签名未完成")
	}
	if len(seed) != ed25519.SeedSize {
		return nil, apperr.Wrap(fmt.Errorf("signing: seed of %d bytes", len(seed)), apperr.Internal, "签名私钥内容异常，请联系系统管理员")
	}
	return seed, nil
}

func newGCM(password string, salt []byte, t, m uint32, p uint8) (cipher.AEAD, error) {
	key := argon2.IDKey([]byte(password), salt, t, m, p, 32)
	defer clear(key)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
