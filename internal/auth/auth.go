// Package auth authenticates people (argon2id passwords, lockout after repeated failures,
// HMAC-signed session tokens) and department systems (API tokens stored as SHA-256 hashes,
// revocable). It turns a request's credentials into a viewer.Viewer.
package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/account"
	"github.com/ssgk/ssgk/ent/apitoken"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Policy is the login policy.
type Policy struct {
	MaxFailures int           // consecutive failures before the account locks
	LockFor     time.Duration // how long a lock lasts
	SessionTTL  time.Duration // lifetime of a session token
}

// DefaultPolicy locks an account for 15 minutes after 5 consecutive failures.
var DefaultPolicy = Policy{MaxFailures: 5, LockFor: 15 * time.Minute, SessionTTL: 8 * time.Hour}

// Service authenticates callers.
type Service struct {
	client *ent.Client
	key    []byte // HMAC key for session tokens; never logged
	policy Policy
	now    func() time.Time
}

// New returns a Service. key must be at least 32 random bytes and the same on every replica.
func New(client *ent.Client, key []byte, policy Policy) (*Service, error) {
	if len(key) < 32 {
		return nil, errors.New("auth: session key must be at least 32 bytes")
	}
	return &Service{client: client, key: key, policy: policy, now: time.Now}, nil
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

const (
	sessionPrefix = "ssgs."
	tokenPrefix   = "ssgk_"
)

// dummyHash is verified when the username does not exist, so that timing does not reveal
// which usernames exist.
var dummyHash, _ = HashPassword("ssgk-no-such-user")

// Login checks a username and password. It counts consecutive failures and locks the account
// for Policy.LockFor after Policy.MaxFailures of them. On success it returns a session token.
func (s *Service) Login(ctx context.Context, username, password string) (token string, expires time.Time, acc *ent.Account, err error) {
	sys := viewer.NewContext(ctx, viewer.NewSystem("login:"+username))
	acc, err = s.client.Account.Query().Where(account.Username(username)).Only(sys)
	if ent.IsNotFound(err) {
		VerifyPassword(dummyHash, password)
		return "", time.Time{}, nil, apperr.New(apperr.Unauthenticated, "用户名或口令错误")
	}
	if err != nil {
		return "", time.Time{}, nil, err
	}
	now := s.now()
	if !acc.Active {
		return "", time.Time{}, nil, apperr.New(apperr.Unauthenticated, "账号已停用，请联系系统管理员")
	}
	if acc.LockedUntil != nil && now.Before(*acc.LockedUntil) {
		return "", time.Time{}, nil, apperr.New(apperr.AccountLocked, "连续登录失败次数过多，账号已锁定至 %s", acc.LockedUntil.In(cst).Format("2006-01-02 15:04"))
	}
	if !VerifyPassword(acc.PasswordHash, password) {
		failures := acc.FailedLogins + 1
		err := txn.Run(sys, s.client, func(tx *ent.Tx) error {
			upd := tx.Account.UpdateOneID(acc.ID).SetFailedLogins(failures)
			if failures >= s.policy.MaxFailures {
				upd.SetLockedUntil(now.Add(s.policy.LockFor)).SetFailedLogins(0)
			}
			return upd.Exec(sys)
		})
		if err != nil {
			return "", time.Time{}, nil, err
		}
		if failures >= s.policy.MaxFailures {
			return "", time.Time{}, nil, apperr.New(apperr.AccountLocked, "连续 %d 次登录失败，账号已锁定 %d 分钟", failures, int(s.policy.LockFor.Minutes()))
		}
		return "", time.Time{}, nil, apperr.New(apperr.Unauthenticated, "用户名或口令错误（还可尝试 %d 次）", s.policy.MaxFailures-failures)
	}
	err = txn.Run(sys, s.client, func(tx *ent.Tx) error {
		return tx.Account.UpdateOneID(acc.ID).SetFailedLogins(0).ClearLockedUntil().SetLastLoginAt(now).Exec(sys)
	})
	if err != nil {
		return "", time.Time{}, nil, err
	}
	expires = now.Add(s.policy.SessionTTL)
	return s.signSession(acc.ID, expires), expires, acc, nil
}

var cst = time.FixedZone("CST", 8*3600)

func (s *Service) signSession(accountID int, expires time.Time) string {
	payload := make([]byte, 16)
	binary.BigEndian.PutUint64(payload[:8], uint64(accountID))
	binary.BigEndian.PutUint64(payload[8:], uint64(expires.Unix()))
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte("ssgk-session/v1"))
	mac.Write(payload)
	enc := base64.RawURLEncoding
	return sessionPrefix + enc.EncodeToString(payload) + "." + enc.EncodeToString(mac.Sum(nil))
}

// Authenticate turns an Authorization header value into a viewer. An empty header is the
// anonymous viewer; a bad credential is an error (never silently anonymous).
func (s *Service) Authenticate(ctx context.Context, header string) (*viewer.Viewer, error) {
	if header == "" {
		return &viewer.Viewer{Kind: viewer.Anonymous, Name: "anonymous"}, nil
	}
	cred, ok := strings.CutPrefix(header, "Bearer ")
	if !ok {
		return nil, apperr.New(apperr.Unauthenticated, "Authorization 头格式应为“Bearer 令牌”")
	}
	cred = strings.TrimSpace(cred)
	switch {
	case strings.HasPrefix(cred, sessionPrefix):
		return s.authSession(ctx, cred)
	case strings.HasPrefix(cred, tokenPrefix):
		return s.authToken(ctx, cred)
	}
	return nil, apperr.New(apperr.Unauthenticated, "无法识别的令牌")
}

func (s *Service) authSession(ctx context.Context, cred string) (*viewer.Viewer, error) {
	parts := strings.Split(strings.TrimPrefix(cred, sessionPrefix), ".")
	bad := apperr.New(apperr.Unauthenticated, "会话令牌无效或已过期，请重新登录")
	if len(parts) != 2 {
		return nil, bad
	}
	enc := base64.RawURLEncoding
	payload, err1 := enc.DecodeString(parts[0])
	sig, err2 := enc.DecodeString(parts[1])
	if err1 != nil || err2 != nil || len(payload) != 16 {
		return nil, bad
	}
	mac := hmac.New(sha256.New, s.key)
	mac.Write([]byte("ssgk-session/v1"))
	mac.Write(payload)
	if !hmac.Equal(sig, mac.Sum(nil)) {
		return nil, bad
	}
	id := int(binary.BigEndian.Uint64(payload[:8]))
	if s.now().Unix() >= int64(binary.BigEndian.Uint64(payload[8:])) {
		return nil, bad
	}
	sys := viewer.NewContext(ctx, viewer.NewSystem("auth"))
	acc, err := s.client.Account.Query().Where(account.ID(id)).WithDepartment().Only(sys)
	if err != nil || !acc.Active || (acc.LockedUntil != nil && s.now().Before(*acc.LockedUntil)) {
		return nil, bad
	}
	v := &viewer.Viewer{Kind: viewer.Account, Name: acc.Username, AccountID: acc.ID, Roles: acc.Roles}
	if d := acc.Edges.Department; d != nil {
		v.DepartmentID, v.DepartmentCode = d.ID, d.Code
	}
	return v, nil
}

func (s *Service) authToken(ctx context.Context, cred string) (*viewer.Viewer, error) {
	bad := apperr.New(apperr.Unauthenticated, "接口令牌无效、已过期或已吊销")
	rest := strings.TrimPrefix(cred, tokenPrefix)
	prefix, secret, ok := strings.Cut(rest, "_")
	if !ok || prefix == "" || secret == "" {
		return nil, bad
	}
	sys := viewer.NewContext(ctx, viewer.NewSystem("auth"))
	tok, err := s.client.ApiToken.Query().Where(apitoken.Prefix(prefix)).WithDepartment().Only(sys)
	if err != nil {
		return nil, bad
	}
	if !hmac.Equal([]byte(tok.SecretHash), []byte(hashSecret(secret))) {
		return nil, bad
	}
	now := s.now()
	if tok.RevokedAt != nil || (tok.ExpiresAt != nil && !now.Before(*tok.ExpiresAt)) {
		return nil, bad
	}
	d := tok.Edges.Department
	return &viewer.Viewer{Kind: viewer.Token, Name: tok.Name + "@" + d.Code, TokenID: tok.ID,
		DepartmentID: d.ID, DepartmentCode: d.Code, Roles: tok.Roles}, nil
}

func hashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}

// CreateToken issues an API token for a department system and returns its plaintext, which is
// shown once and never stored.
func (s *Service) CreateToken(ctx context.Context, departmentCode, name string, roles []string, expires *time.Time) (string, *ent.ApiToken, error) {
	for _, r := range roles {
		if !validRole(r) {
			return "", nil, apperr.New(apperr.Invalid, "未知角色“%s”", r)
		}
	}
	dep, err := s.client.Department.Query().Where(department.Code(departmentCode)).Only(ctx)
	if ent.IsNotFound(err) {
		return "", nil, apperr.New(apperr.NotFound, "部门编码“%s”不存在", departmentCode)
	} else if err != nil {
		return "", nil, err
	}
	prefix, secret := randomHex(6), randomHex(24)
	var tok *ent.ApiToken
	err = txn.Run(ctx, s.client, func(tx *ent.Tx) error {
		c := tx.ApiToken.Create().SetName(name).SetPrefix(prefix).SetSecretHash(hashSecret(secret)).
			SetRoles(roles).SetScopes([]string{"read", "write"}).SetDepartmentID(dep.ID).SetDivisionCode(dep.DivisionCode)
		if expires != nil {
			c.SetExpiresAt(*expires)
		}
		tok, err = c.Save(ctx)
		return err
	})
	if err != nil {
		return "", nil, err
	}
	return tokenPrefix + prefix + "_" + secret, tok, nil
}

// RevokeToken revokes the token with the given prefix (the part after "ssgk_").
func (s *Service) RevokeToken(ctx context.Context, prefix string) error {
	return txn.Run(ctx, s.client, func(tx *ent.Tx) error {
		n, err := tx.ApiToken.Update().Where(apitoken.Prefix(prefix), apitoken.RevokedAtIsNil()).SetRevokedAt(s.now()).Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.New(apperr.NotFound, "未找到有效的令牌“%s”", prefix)
		}
		return nil
	})
}

// CreateAccount creates a person's account with an argon2id password hash.
func (s *Service) CreateAccount(ctx context.Context, username, displayName, password, departmentCode string, roles []string) (*ent.Account, error) {
	if len(password) < 8 {
		return nil, apperr.New(apperr.Invalid, "口令至少 8 位")
	}
	for _, r := range roles {
		if !validRole(r) {
			return nil, apperr.New(apperr.Invalid, "未知角色“%s”", r)
		}
	}
	hash, err := HashPassword(password)
	if err != nil {
		return nil, err
	}
	var acc *ent.Account
	err = txn.Run(ctx, s.client, func(tx *ent.Tx) error {
		c := tx.Account.Create().SetUsername(username).SetDisplayName(displayName).SetPasswordHash(hash).SetRoles(roles)
		if departmentCode != "" {
			dep, err := tx.Department.Query().Where(department.Code(departmentCode)).Only(ctx)
			if ent.IsNotFound(err) {
				return apperr.New(apperr.NotFound, "部门编码“%s”不存在", departmentCode)
			} else if err != nil {
				return err
			}
			c.SetDepartmentID(dep.ID).SetDivisionCode(dep.DivisionCode)
		}
		acc, err = c.Save(ctx)
		return err
	})
	return acc, err
}

func validRole(r string) bool {
	for _, x := range viewer.AllRoles {
		if x == r {
			return true
		}
	}
	return false
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(fmt.Sprintf("crypto/rand: %v", err))
	}
	return hex.EncodeToString(b)
}
