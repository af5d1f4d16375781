package draws

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/ssgk/ssgk/ent"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// CodeSealKeyMissing: the drawer has no key to seal or unseal draw secrets.
const CodeSealKeyMissing = "DRAW_SEAL_KEY_MISSING"

// sealPrefix tags a sealed secret: AES-256-GCM under a key derived from the ledger signing key,
// "v1:" + hex(nonce ‖ ciphertext). The additional data is the draw's secret hash, so a sealed
// value cannot be moved to another draw.
const sealPrefix = "v1:"

// sealKeyLabel separates the derived key from every other use of the ledger key.
const sealKeyLabel = "ssgk-draw-seal/v1\x00"

// SealKeyFromLedger derives the 32-byte key that seals draw secrets at rest from the hub's
// ledger signing key (dataDir/ledger.key): SHA-256(label ‖ Ed25519 seed). Replicas share the
// ledger key, hence the sealing key; a database dump without ledger.key cannot unseal.
func SealKeyFromLedger(dataDir string) ([]byte, error) {
	k, err := ledger.LoadOrCreateKey(dataDir)
	if err != nil {
		return nil, err
	}
	h := sha256.Sum256(append([]byte(sealKeyLabel), k.Seed()...))
	return h[:], nil
}

// WithKeyDir makes d seal secrets with the key derived from dataDir's ledger key, and returns d.
func (d *Drawer) WithKeyDir(dataDir string) *Drawer {
	d.SealKey = func() ([]byte, error) { return SealKeyFromLedger(dataDir) }
	return d
}

func (d *Drawer) sealKey() ([]byte, error) {
	if d.SealKey == nil {
		return nil, apperr.New(CodeSealKeyMissing, "抽取服务未配置封存服务端密钥所用的密钥（ledger.key）")
	}
	k, err := d.SealKey()
	if err != nil {
		return nil, err
	}
	if len(k) != 32 {
		return nil, fmt.Errorf("draws: seal key of %d bytes", len(k))
	}
	return k, nil
}

func (d *Drawer) gcm() (cipher.AEAD, error) {
	k, err := d.sealKey()
	if err != nil {
		return nil, err
	}
	b, err := aes.NewCipher(k)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// seal encrypts a draw secret for storage.
func (d *Drawer) seal(secret []byte, secretHash string) (string, error) {
	g, err := d.gcm()
	if err != nil {
		return "", err
	}
	nonce := make([]byte, g.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", err
	}
	return sealPrefix + hex.EncodeToString(g.Seal(nonce, nonce, secret, []byte(secretHash))), nil
}

// unseal returns a draw's secret: the revealed one when the secret column holds it, else the
// sealed one decrypted.
func (d *Drawer) unseal(plain, sealed, secretHash string) ([]byte, error) {
	if plain != "" {
		return hex.DecodeString(plain)
	}
	raw, ok := strings.CutPrefix(sealed, sealPrefix)
	if !ok {
		return nil, fmt.Errorf("draws: the draw has no sealed secret")
	}
	b, err := hex.DecodeString(raw)
	if err != nil {
		return nil, err
	}
	g, err := d.gcm()
	if err != nil {
		return nil, err
	}
	if len(b) < g.NonceSize() {
		return nil, fmt.Errorf("draws: sealed secret too short")
	}
	s, err := g.Open(nil, b[:g.NonceSize()], b[g.NonceSize():], []byte(secretHash))
	if err != nil {
		return nil, apperr.Wrap(err, CodeSealKeyMissing, "无法解封服务端密钥：ledger.key 与封存时的不同")
	}
	return s, nil
}

// SealStoredSecrets seals the secrets that draws made before sealing existed still hold in
// clear although they are not yet public (frozen, committed or drawn, not revealed): the hub
// runs it at start. It returns how many it sealed.
func (d *Drawer) SealStoredSecrets(ctx context.Context) (int, error) {
	ctx = viewer.NewContext(ctx, viewer.NewSystem("drawing/seal"))
	n := 0
	err := txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		drs, err := tx.Draw.Query().Where(entdraw.StatusIn(entdraw.StatusFROZEN, entdraw.StatusCOMMITTED, entdraw.StatusDRAWN),
			entdraw.SecretNEQ(""), entdraw.Or(entdraw.SealedSecretIsNil(), entdraw.SealedSecret(""))).All(ctx)
		if err != nil || len(drs) == 0 {
			return err
		}
		for _, dr := range drs {
			secret, err := hex.DecodeString(dr.Secret)
			if err != nil {
				return err
			}
			sealed, err := d.seal(secret, dr.SecretHash)
			if err != nil {
				return err
			}
			if err := tx.Draw.UpdateOneID(dr.ID).SetSealedSecret(sealed).SetSecret("").Exec(ctx); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	return n, err
}
