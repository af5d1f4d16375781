package auth_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent/account"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/viewer"
)

// TestLogin_ParallelGuessesCannotOutrunTheLock sends 16 wrong passwords at once, then the right
// one: the count is taken atomically, so the account locks after 5 and the right password
// issues no token (issue 19: 8 parallel guesses used to leave the counter at 1).
func TestLogin_ParallelGuessesCannotOutrunTheLock(t *testing.T) {
	svc, db := newService(t)
	ctx := testutil.System()
	if _, err := svc.CreateAccount(ctx, "li", "李四", "password-1", "WJ", []string{viewer.RoleInspector}); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	codes := make([]string, 16)
	for i := range codes {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _, _, err := svc.Login(context.Background(), "li", "guess-"+string(rune('a'+i)))
			codes[i] = apperr.CodeOf(err)
		}()
	}
	wg.Wait()
	for i, c := range codes {
		if c != apperr.Unauthenticated {
			t.Fatalf("attempt %d: code %q", i, c)
		}
	}
	acc := db.Client.Account.Query().Where(account.Username("li")).OnlyX(ctx)
	if acc.LockedUntil == nil {
		t.Fatalf("16 parallel wrong passwords did not lock the account (failed_logins = %d)", acc.FailedLogins)
	}
	if _, _, _, err := svc.Login(context.Background(), "li", "password-1"); apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("the right password after the race: %v", err)
	}
}

// TestLogin_SameAnswerForUnknownWrongLockedDisabled: the answer does not tell which usernames
// exist or what state they are in.
func TestLogin_SameAnswerForUnknownWrongLockedDisabled(t *testing.T) {
	svc, db := newService(t)
	ctx := testutil.System()
	for _, u := range []string{"locked", "wrong", "disabled"} {
		if _, err := svc.CreateAccount(ctx, u, "某", "password-1", "WJ", nil); err != nil {
			t.Fatal(err)
		}
	}
	for range 5 {
		_, _, _, _ = svc.Login(ctx, "locked", "bad")
	}
	tx, err := db.Client.Tx(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := tx.Account.Update().Where(account.Username("disabled")).SetActive(false).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	var first *apperr.Error
	for _, c := range []struct{ user, pw string }{
		{"nobody", "password-1"}, {"wrong", "bad"}, {"locked", "password-1"}, {"disabled", "password-1"},
	} {
		_, _, _, err := svc.Login(ctx, c.user, c.pw)
		ae := apperr.From(err)
		if ae == nil || ae.Code != apperr.Unauthenticated {
			t.Fatalf("%s: %v", c.user, err)
		}
		if first == nil {
			first = ae
		} else if ae.Message != first.Message {
			t.Fatalf("%s answers %q, an unknown user %q", c.user, ae.Message, first.Message)
		}
	}
}

// TestLogin_ClientRateLimit: a client that spends its attempts waits; successful logins give
// theirs back, and another client is not affected.
func TestLogin_ClientRateLimit(t *testing.T) {
	svc, _ := newService(t)
	ctx := testutil.System()
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, time.UTC)
	svc.SetClock(func() time.Time { return now })
	if _, err := svc.CreateAccount(ctx, "li", "李四", "password-1", "WJ", nil); err != nil {
		t.Fatal(err)
	}
	a := auth.WithClient(context.Background(), "203.0.113.7:50000")
	for i := range 3 { // failures use up the budget ...
		if _, _, _, err := svc.Login(a, "nobody", "x"); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	for i := range 4 { // ... successes do not
		if _, _, _, err := svc.Login(a, "li", "password-1"); err != nil {
			t.Fatalf("login %d: %v", i, err)
		}
	}
	for i := range auth.DefaultPolicy.ClientBurst - 3 {
		if _, _, _, err := svc.Login(a, "nobody-"+string(rune('a'+i)), "x"); apperr.CodeOf(err) != apperr.Unauthenticated {
			t.Fatalf("attempt %d: %v", i, err)
		}
	}
	if _, _, _, err := svc.Login(a, "li", "password-1"); apperr.CodeOf(err) != apperr.RateLimited {
		t.Fatalf("attempt past the burst: %v", err)
	}
	b := auth.WithClient(context.Background(), "198.51.100.1:1234")
	if _, _, _, err := svc.Login(b, "li", "password-1"); err != nil {
		t.Fatalf("another client is limited too: %v", err)
	}
	now = now.Add(auth.DefaultPolicy.ClientEvery)
	if _, _, _, err := svc.Login(a, "li", "password-1"); err != nil {
		t.Fatalf("after waiting: %v", err)
	}
}
