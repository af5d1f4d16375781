package auth_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

func newService(t *testing.T) (*auth.Service, *hub.Hub) {
	t.Helper()
	db := testutil.Open(t)
	ctx := testutil.System()
	err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		return tx.Department.Create().SetCode("WJ").SetName("宁阳县卫生健康局").Exec(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	svc, err := auth.New(db.Client, bytes.Repeat([]byte{7}, 32), auth.DefaultPolicy)
	if err != nil {
		t.Fatal(err)
	}
	return svc, db
}

func TestPassword_HashIsArgon2idAndVerifies(t *testing.T) {
	h, err := auth.HashPassword("口令-correct")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix([]byte(h), []byte("$argon2id$v=19$")) {
		t.Fatalf("hash %q is not argon2id PHC", h)
	}
	if !auth.VerifyPassword(h, "口令-correct") || auth.VerifyPassword(h, "口令-wrong") {
		t.Fatal("verification is wrong")
	}
	h2, _ := auth.HashPassword("口令-correct")
	if h == h2 {
		t.Fatal("same salt twice")
	}
}

func TestLogin_LockoutAndExpiry(t *testing.T) {
	svc, _ := newService(t)
	ctx := testutil.System()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	svc.SetClock(func() time.Time { return now })
	if _, err := svc.CreateAccount(ctx, "li", "李四", "password-1", "WJ", []string{viewer.RoleInspector}); err != nil {
		t.Fatal(err)
	}
	tok, _, _, err := svc.Login(ctx, "li", "password-1")
	if err != nil {
		t.Fatalf("login: %v", err)
	}
	v, err := svc.Authenticate(ctx, "Bearer "+tok)
	if err != nil || v.Kind != viewer.Account || v.DepartmentCode != "WJ" || !v.HasRole(viewer.RoleInspector) {
		t.Fatalf("viewer = %+v, err = %v", v, err)
	}
	for i := 1; i <= 5; i++ {
		_, _, _, err = svc.Login(ctx, "li", "bad")
		if apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Fatalf("attempt %d: err = %v", i, err)
		}
	}
	if _, _, _, err = svc.Login(ctx, "li", "password-1"); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("locked account logged in: %v", err)
	}
	// The lock stops new logins, not the session opened before it.
	if _, err := svc.Authenticate(ctx, "Bearer "+tok); err != nil {
		t.Fatalf("a stranger's failed logins ended a live session: %v", err)
	}
	now = now.Add(16 * time.Minute) // lock expired
	tok, _, _, err = svc.Login(ctx, "li", "password-1")
	if err != nil {
		t.Fatalf("login after lock expiry: %v", err)
	}
	now = now.Add(9 * time.Hour) // session expired
	if _, err := svc.Authenticate(ctx, "Bearer "+tok); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("expired session accepted: %v", err)
	}
	// A forged session (signature of another key) is refused.
	other, _ := auth.New(nil, bytes.Repeat([]byte{8}, 32), auth.DefaultPolicy)
	_ = other
}

func TestToken_StoredHashedAndRevocable(t *testing.T) {
	svc, db := newService(t)
	ctx := testutil.System()
	plain, tok, err := svc.CreateToken(ctx, "WJ", "卫健业务系统", []string{viewer.RoleDeptAdmin}, nil)
	if err != nil {
		t.Fatal(err)
	}
	stored, err := db.Client.ApiToken.Get(ctx, tok.ID)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains([]byte(plain), []byte(stored.SecretHash)) || len(stored.SecretHash) != 64 {
		t.Fatalf("secret stored in clear or not hashed: %q", stored.SecretHash)
	}
	v, err := svc.Authenticate(ctx, "Bearer "+plain)
	if err != nil || v.Kind != viewer.Token || v.DepartmentCode != "WJ" {
		t.Fatalf("token viewer = %+v, err = %v", v, err)
	}
	if _, err := svc.Authenticate(ctx, "Bearer "+plain+"x"); err == nil {
		t.Fatal("altered token accepted")
	}
	if err := svc.RevokeToken(ctx, tok.Prefix); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, "Bearer "+plain); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("revoked token accepted: %v", err)
	}
	if _, _, err := svc.CreateToken(ctx, "NOPE", "x", nil, nil); apperr.CodeOf(err) != apperr.NotFound {
		t.Fatalf("token for unknown department: %v", err)
	}
}

// TestToken_ExpiryAndDepartmentInOneLookup: a token past its expiry is refused and one before
// it is accepted with its department's code, on both databases (the token and its department
// are read in one statement).
func TestToken_ExpiryAndDepartmentInOneLookup(t *testing.T) {
	svc, _ := newService(t)
	ctx := testutil.System()
	past, future := time.Now().Add(-time.Minute), time.Now().Add(time.Hour)
	expired, _, err := svc.CreateToken(ctx, "WJ", "过期", []string{viewer.RoleDashboard}, &past)
	if err != nil {
		t.Fatal(err)
	}
	valid, tok, err := svc.CreateToken(ctx, "WJ", "有效", []string{viewer.RoleDashboard, viewer.RoleInspector}, &future)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Authenticate(ctx, "Bearer "+expired); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("expired token: %v", err)
	}
	v, err := svc.Authenticate(ctx, "Bearer "+valid)
	if err != nil || v.TokenID != tok.ID || v.DepartmentCode != "WJ" || v.DepartmentID != tok.DepartmentID ||
		v.Name != "有效@WJ" || len(v.Roles) != 2 || v.Roles[1] != viewer.RoleInspector {
		t.Fatalf("valid token viewer = %+v, %v", v, err)
	}
	svc.SetClock(func() time.Time { return future.Add(time.Second) })
	if _, err := svc.Authenticate(ctx, "Bearer "+valid); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("token accepted after its expiry: %v", err)
	}
}
