// Package auth authenticates people (argon2id passwords, lockout after repeated failures,
// HMAC-signed session tokens) and department systems (API tokens stored as SHA-256 hashes,
// revocable). It turns a request's credentials into a viewer.Viewer.
package auth

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
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
	LockFor     time.Duration // how long a lock lasts; it stops new logins, never live sessions
	SessionTTL  time.Duration // lifetime of a session token
	// ClientBurst login attempts may come from one client (network address) at once; after that
	// one more every ClientEvery. A successful login gives its attempt back. 0 turns it off.
	ClientBurst int
	ClientEvery time.Duration
}

// DefaultPolicy locks an account for 15 minutes after 5 consecutive failures and lets a client
// try 10 logins at once, then one every 6 seconds.
var DefaultPolicy = Policy{MaxFailures: 5, LockFor: 15 * time.Minute, SessionTTL: 8 * time.Hour,
	ClientBurst: 10, ClientEvery: 6 * time.Second}

// Service authenticates callers.
type Service struct {
	client  *ent.Client
	key     []byte // HMAC key for session tokens; never logged
	policy  Policy
	now     func() time.Time
	clients *clientLimiter
	cache   *viewerCache // nil: every request reads its credential's row (cache.go)
	watch   func()       // starts the cache's LISTEN, once, at the first credential
}

// New returns a Service. key must be at least 32 random bytes and the same on every replica.
func New(client *ent.Client, key []byte, policy Policy) (*Service, error) {
	if len(key) < 32 {
		return nil, errors.New("auth: session key must be at least 32 bytes")
	}
	go dummyHash() // ready before the first login, so that it costs what the others cost
	return &Service{client: client, key: key, policy: policy, now: time.Now,
		clients: newClientLimiter(policy.ClientBurst, policy.ClientEvery)}, nil
}

// SetClock replaces the clock (tests).
func (s *Service) SetClock(now func() time.Time) { s.now = now }

const (
	sessionPrefix = "ssgs."
	tokenPrefix   = "ssgk_"
)

// dummyHash is verified when no password check is due (unknown user, locked or disabled
// account), so that every failed login costs the same time. It is computed on first use, not
// at start: an argon2id hash takes 64 MiB and most of a second, which every ssgk command —
// --help included — paid before.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("ssgk-no-such-user")
	return h
})

// ErrLoginFailed is the one answer to every failed login — unknown user, wrong password, locked
// or disabled account — so that the answer does not tell which usernames exist.
func errLoginFailed(p Policy) error {
	return apperr.New(apperr.Unauthenticated, "用户名或口令错误；连续 %d 次失败的账号将暂停登录 %d 分钟（已登录的会话不受影响）",
		p.MaxFailures, int(p.LockFor.Minutes()))
}

// Login checks a username and password and returns a session token.
//
// Every attempt first reserves a try on the account in one conditional UPDATE (failed_logins + 1
// where the account is active and not locked), committed before the password is checked: the
// row's write lock (PostgreSQL) or the single writer (SQLite) orders parallel attempts, so that
// at most Policy.MaxFailures passwords are ever checked before the account locks, however many
// arrive at once. The reservation that reaches MaxFailures sets the lock; a correct password
// clears counter and lock. Unknown, disabled and locked accounts reserve nothing and are
// checked against a dummy hash: the same message, code and work as a wrong password.
func (s *Service) Login(ctx context.Context, username, password string) (token string, expires time.Time, acc *ent.Account, err error) {
	client := clientFrom(ctx)
	if ok, wait := s.clients.take(client, s.now()); !ok {
		return "", time.Time{}, nil, apperr.New(apperr.RateLimited, "登录尝试过于频繁，请 %d 秒后再试", int(wait.Seconds())+1)
	}
	sys := viewer.NewContext(ctx, viewer.NewSystem("login:"+username))
	now := s.now()
	var reserved *ent.Account
	err = txn.Run(sys, s.client, func(tx *ent.Tx) error {
		n, err := tx.Account.Update().
			Where(account.Username(username), account.Active(true),
				account.Or(account.LockedUntilIsNil(), account.LockedUntilLTE(now))).
			AddFailedLogins(1).Save(sys)
		if err != nil || n == 0 {
			return err
		}
		// This transaction holds the row now: the count read is the one just written.
		if reserved, err = tx.Account.Query().Where(account.Username(username)).Only(sys); err != nil {
			return err
		}
		if reserved.FailedLogins >= s.policy.MaxFailures {
			return tx.Account.UpdateOneID(reserved.ID).SetLockedUntil(now.Add(s.policy.LockFor)).SetFailedLogins(0).Exec(sys)
		}
		return nil
	})
	if err != nil {
		return "", time.Time{}, nil, err
	}
	if reserved == nil {
		VerifyPassword(dummyHash(), password)
		return "", time.Time{}, nil, errLoginFailed(s.policy)
	}
	if !VerifyPassword(reserved.PasswordHash, password) {
		return "", time.Time{}, nil, errLoginFailed(s.policy)
	}
	err = txn.Run(sys, s.client, func(tx *ent.Tx) error {
		return tx.Account.UpdateOneID(reserved.ID).SetFailedLogins(0).ClearLockedUntil().SetLastLoginAt(now).Exec(sys)
	})
	if err != nil {
		return "", time.Time{}, nil, err
	}
	s.clients.giveBack(client)
	expires = now.Add(s.policy.SessionTTL)
	return s.signSession(reserved.ID, expires), expires, reserved, nil
}

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
	expires := time.Unix(int64(binary.BigEndian.Uint64(payload[8:])), 0)
	now := s.now()
	if !now.Before(expires) {
		return nil, bad
	}
	key, gen, v := s.cached(cred, now)
	if v != nil {
		return v, nil
	}
	acc, found, err := s.lookupAccount(ctx, id)
	if err != nil {
		return nil, lookupFailed(err)
	}
	// A lock stops new logins only: a stranger who guesses wrong five times must not end the
	// account's live sessions. Disabling the account does end them.
	if !found || !acc.active {
		return nil, bad
	}
	v = &viewer.Viewer{Kind: viewer.Account, Name: acc.username, AccountID: acc.id, Roles: acc.roles,
		DepartmentID: acc.depID, DepartmentCode: acc.depCode}
	s.cache.put(key, gen, v, expires)
	return v, nil
}

func (s *Service) authToken(ctx context.Context, cred string) (*viewer.Viewer, error) {
	bad := apperr.New(apperr.Unauthenticated, "接口令牌无效、已过期或已吊销")
	rest := strings.TrimPrefix(cred, tokenPrefix)
	prefix, secret, ok := strings.Cut(rest, "_")
	if !ok || prefix == "" || secret == "" {
		return nil, bad
	}
	key, gen, v := s.cached(cred, s.now())
	if v != nil {
		return v, nil
	}
	tok, found, err := s.lookupToken(ctx, prefix)
	if err != nil {
		return nil, lookupFailed(err)
	}
	if !found || !hmac.Equal([]byte(tok.secretHash), []byte(hashSecret(secret))) {
		return nil, bad
	}
	now := s.now()
	if tok.revoked || (tok.expiresAt != nil && !now.Before(*tok.expiresAt)) {
		return nil, bad
	}
	v = &viewer.Viewer{Kind: viewer.Token, Name: tok.name + "@" + tok.depCode, TokenID: tok.id,
		DepartmentID: tok.depID, DepartmentCode: tok.depCode, Roles: tok.roles}
	var expires time.Time
	if tok.expiresAt != nil {
		expires = *tok.expiresAt
	}
	s.cache.put(key, gen, v, expires)
	return v, nil
}

// tokenRow is what authenticating an API token needs of it and of its department.
type tokenRow struct {
	id, depID        int
	name, secretHash string
	depCode          string
	roles            []string
	revoked          bool
	expiresAt        *time.Time
}

// tokenQuery reads a token and its department in one statement: one round trip per request
// instead of the two of an ent query with its department edge (issue 22). $1 is a placeholder
// on PostgreSQL and on SQLite alike.
var tokenQuery = fmt.Sprintf(`SELECT t.%s, t.%s, t.%s, t.%s, t.%s IS NOT NULL, t.%s, d.%s, d.%s FROM %s t JOIN %s d ON d.%s = t.%s WHERE t.%s = $1`,
	apitoken.FieldID, apitoken.FieldName, apitoken.FieldSecretHash, apitoken.FieldRoles, apitoken.FieldRevokedAt, apitoken.FieldExpiresAt,
	department.FieldID, department.FieldCode, apitoken.Table, department.Table, department.FieldID, apitoken.FieldDepartmentID, apitoken.FieldPrefix)

// lookupToken returns the token with the prefix; found is false when there is none. An expiry
// the driver does not hand back as a time is read again through ent (never guessed).
func (s *Service) lookupToken(ctx context.Context, prefix string) (t tokenRow, found bool, err error) {
	sys := viewer.NewContext(ctx, viewer.NewSystem("auth"))
	rows, err := s.client.QueryContext(sys, tokenQuery, prefix)
	if err != nil {
		return t, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return t, false, rows.Err()
	}
	var roles []byte
	var expires any
	if err := rows.Scan(&t.id, &t.name, &t.secretHash, &roles, &t.revoked, &expires, &t.depID, &t.depCode); err != nil {
		return t, false, err
	}
	if rows.Next() {
		return t, false, fmt.Errorf("auth: prefix %q names more than one token", prefix)
	}
	if err := rows.Err(); err != nil {
		return t, false, err
	}
	if len(roles) > 0 {
		if err := json.Unmarshal(roles, &t.roles); err != nil {
			return t, false, fmt.Errorf("auth: roles of token %d: %w", t.id, err)
		}
	}
	switch x := expires.(type) {
	case nil:
	case time.Time:
		t.expiresAt = &x
	default:
		tok, err := s.client.ApiToken.Get(sys, t.id)
		if err != nil {
			return t, false, err
		}
		t.expiresAt = tok.ExpiresAt
	}
	return t, true, nil
}

// accountRow is what authenticating a session needs of its account and department.
type accountRow struct {
	id, depID         int
	username, depCode string
	roles             []string
	active            bool
}

// accountQuery reads an account and its department (if any) in one statement, as tokenQuery
// does for tokens: one round trip, where an ent query with its department edge took two.
var accountQuery = fmt.Sprintf(`SELECT a.%s, a.%s, a.%s, a.%s, d.%s, d.%s FROM %s a LEFT JOIN %s d ON d.%s = a.%s WHERE a.%s = $1`,
	account.FieldID, account.FieldUsername, account.FieldRoles, account.FieldActive, department.FieldID, department.FieldCode,
	account.Table, department.Table, department.FieldID, account.FieldDepartmentID, account.FieldID)

// lookupAccount returns the account with the id; found is false when there is none.
func (s *Service) lookupAccount(ctx context.Context, id int) (a accountRow, found bool, err error) {
	sys := viewer.NewContext(ctx, viewer.NewSystem("auth"))
	rows, err := s.client.QueryContext(sys, accountQuery, id)
	if err != nil {
		return a, false, err
	}
	defer rows.Close()
	if !rows.Next() {
		return a, false, rows.Err()
	}
	var roles []byte
	var depID sql.NullInt64
	var depCode sql.NullString
	if err := rows.Scan(&a.id, &a.username, &roles, &a.active, &depID, &depCode); err != nil {
		return a, false, err
	}
	if err := rows.Err(); err != nil {
		return a, false, err
	}
	if len(roles) > 0 {
		if err := json.Unmarshal(roles, &a.roles); err != nil {
			return a, false, fmt.Errorf("auth: roles of account %d: %w", a.id, err)
		}
	}
	if depID.Valid {
		a.depID, a.depCode = int(depID.Int64), depCode.String
	}
	return a, true, nil
}

// lookupFailed is the error of a credential that could not be checked because the database
// failed (down, busy, timed out): the fault's own code — UNAVAILABLE when the failure is of no
// known kind — and never UNAUTHENTICATED, which would tell a client with a valid token to
// throw it away.
func lookupFailed(err error) error {
	if f := apperr.Fault(err); f != nil {
		return f
	}
	return apperr.Wrap(err, apperr.Unavailable, "暂时无法核验令牌（数据库不可用），请稍后重试")
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
