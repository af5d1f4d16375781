package signing_test

import (
	"context"
	"crypto/sha256"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/signing"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/testutil/world"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

const password = "负责人口令-2026"

type fixture struct {
	client      *ent.Client
	head, clerk *ent.Account
	asHead      context.Context
	asOtherHead context.Context
	otherHeadID int
}

func setup(t *testing.T) *fixture {
	t.Helper()
	w := world.Build(t, testutil.Open(t), world.Departments(world.SCJG))
	f := &fixture{client: w.Client}
	accs := w.Accounts(password, world.Account{Username: "zhao", DisplayName: "赵局长", Dep: w.SCJG, Roles: []string{viewer.RoleHead}},
		world.Account{Username: "zhang", DisplayName: "张三", Dep: w.SCJG, Roles: []string{viewer.RoleInspector}},
		world.Account{Username: "qian", DisplayName: "钱局长", Dep: w.SCJG, Roles: []string{viewer.RoleHead}})
	f.head, f.clerk = accs[0], accs[1]
	f.asHead, f.asOtherHead, f.otherHeadID = w.As(f.head, w.SCJG), w.As(accs[2], w.SCJG), accs[2].ID
	return f
}

func code(err error) string { return apperr.CodeOf(err) }

func TestSigning_EnrollSignVerify(t *testing.T) {
	f := setup(t)
	if _, err := signing.Enroll(f.asHead, f.client, f.head.ID, "错误口令"); code(err) != signing.CodeAuthFailed {
		t.Fatalf("enroll with a wrong password: %v", err)
	}
	if _, err := signing.Enroll(f.asOtherHead, f.client, f.head.ID, password); code(err) != apperr.Forbidden {
		t.Fatalf("enrolling someone else: %v", err)
	}
	if _, err := signing.Enroll(testutil.System(), f.client, f.clerk.ID, password); code(err) != signing.CodeNotHead {
		t.Fatalf("enrolling a non-head: %v", err)
	}
	digest := sha256.Sum256([]byte("更正内容"))
	if _, err := signing.Sign(f.asHead, f.client, f.head.ID, password, digest[:]); code(err) != signing.CodeKeyMissing {
		t.Fatalf("sign before enrolment: %v", err)
	}
	pub, err := signing.Enroll(f.asHead, f.client, f.head.ID, password)
	if err != nil {
		t.Fatal(err)
	}
	acc := f.client.Account.GetX(testutil.System(), f.head.ID)
	if string(acc.SigningPublicKey) != string(pub) || len(acc.SigningKeySealed) < 60 {
		t.Fatalf("stored key: pub %x sealed %d bytes", acc.SigningPublicKey, len(acc.SigningKeySealed))
	}
	if _, err := signing.Enroll(f.asHead, f.client, f.head.ID, password); code(err) != signing.CodeKeyExists {
		t.Fatalf("re-enrolment: %v", err)
	}
	sig, err := signing.Sign(f.asHead, f.client, f.head.ID, password, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	if !signing.Verify(pub, digest[:], sig) {
		t.Fatal("signature does not verify")
	}
	other := sha256.Sum256([]byte("别的内容"))
	if signing.Verify(pub, other[:], sig) || signing.Verify(pub[:10], digest[:], sig) {
		t.Fatal("signature verifies for the wrong input")
	}
	// A wrong password fails, and is not counted as a failed login.
	if _, err := signing.Sign(f.asHead, f.client, f.head.ID, "错误口令", digest[:]); code(err) != signing.CodeAuthFailed {
		t.Fatalf("wrong password: %v", err)
	}
	if acc := f.client.Account.GetX(testutil.System(), f.head.ID); acc.FailedLogins != 0 || acc.LockedUntil != nil {
		t.Fatalf("wrong signing password counted as a login failure: %+v", acc)
	}
	// Someone else's key cannot be used, even with the password.
	if _, err := signing.Sign(f.asOtherHead, f.client, f.head.ID, password, digest[:]); code(err) != apperr.Forbidden {
		t.Fatalf("other head signs: %v", err)
	}
	// The sealed key is bound to its account: copied to another account it does not open.
	if _, err := signing.Enroll(f.asOtherHead, f.client, f.otherHeadID, password); err != nil {
		t.Fatal(err)
	}
	sys := testutil.System()
	err = txn.Run(sys, f.client, func(tx *ent.Tx) error {
		return tx.Account.UpdateOneID(f.otherHeadID).SetSigningKeySealed(acc.SigningKeySealed).Exec(sys)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := signing.Sign(f.asOtherHead, f.client, f.otherHeadID, password, digest[:]); code(err) != signing.CodeAuthFailed {
		t.Fatalf("copied sealed key: %v", err)
	}
	// A password change carries the key over.
	if err := signing.Reseal(f.asHead, f.client, f.head.ID, password, "新口令-2027"); err != nil {
		t.Fatal(err)
	}
	if _, err := signing.Sign(f.asHead, f.client, f.head.ID, password, digest[:]); code(err) != signing.CodeAuthFailed {
		t.Fatalf("old password after reseal: %v", err)
	}
	sig2, err := signing.Sign(f.asHead, f.client, f.head.ID, "新口令-2027", digest[:])
	if err != nil || !signing.Verify(pub, digest[:], sig2) {
		t.Fatalf("after reseal: %v", err)
	}
}
