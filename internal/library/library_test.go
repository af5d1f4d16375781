package library_test

import (
	"context"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetchange"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

func TestLibrary_TargetHistoryAndConfirmation(t *testing.T) {
	t.Parallel()
	db := testutil.Open(t)
	sys := testutil.System()
	var dep *ent.Department
	var tg *ent.Target
	err := txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		var err error
		if dep, err = tx.Department.Create().SetCode("SCJG").SetName("宁阳县市场监督管理局").Save(sys); err != nil {
			return err
		}
		if tg, err = tx.Target.Create().SetUscc("91350200776049653A").SetName("宁阳县甲公司").SetCreditRiskClass(target.CreditRiskClassB).Save(sys); err != nil {
			return err
		}
		lib, err := tx.TargetLibrary.Create().SetCode("MAIN").SetName("市场主体库").SetDepartmentID(dep.ID).Save(sys)
		if err != nil {
			return err
		}
		if err := tx.TargetLibrary.UpdateOne(lib).AddTargetIDs(tg.ID).Exec(sys); err != nil {
			return err
		}
		return tx.Inspector.Create().SetName("王五").SetCertificateNo("37092100001").SetDepartmentID(dep.ID).Exec(sys)
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := library.ValidConfirmation(sys, db.Client, dep.ID, time.Now()); apperr.CodeOf(err) != "LIBRARY_NOT_CONFIRMED" {
		t.Fatalf("unconfirmed: err = %v", err)
	}

	clerk := testutil.As(&viewer.Viewer{Kind: viewer.Account, Name: "zhang", DepartmentID: dep.ID, DepartmentCode: "SCJG",
		Roles: []string{viewer.RoleDeptAdmin}, Operation: "graphql:UpdateTarget"})
	err = txn.Run(clerk, db.Client, func(tx *ent.Tx) error {
		return tx.Target.UpdateOneID(tg.ID).SetCreditRiskClass(target.CreditRiskClassD).SetAbnormalList(true).SetName("宁阳县甲公司").Exec(clerk)
	})
	if err != nil {
		t.Fatal(err)
	}
	h, err := db.Client.TargetChange.Query().Where(targetchange.TargetID(tg.ID)).Only(context.Background())
	if err != nil {
		t.Fatalf("history: %v", err)
	}
	if h.Actor != "account:zhang" || h.Source != "graphql:UpdateTarget" || h.DepartmentCode != "SCJG" {
		t.Fatalf("who/how = %+v", h)
	}
	if len(h.Changes) != 2 || h.Changes["credit_risk_class"] == nil || h.Changes["abnormal_list"] == nil {
		t.Fatalf("what = %v (unchanged name must not be recorded)", h.Changes)
	}
	if c := h.Changes["credit_risk_class"].(map[string]any); c["old"] != "B" || c["new"] != "D" {
		t.Fatalf("credit class change = %v", c)
	}

	c1, err := library.Confirm(sys, db.Client, dep.ID, "2026年第一批抽查前确认", 0)
	if err != nil {
		t.Fatal(err)
	}
	if c1.TargetCount != 1 || c1.InspectorCount != 1 || len(c1.Digest) != 64 || c1.ExpiresAt.Sub(c1.ConfirmedAt) != library.DefaultConfirmationValidity {
		t.Fatalf("confirmation = %+v", c1)
	}
	if _, err := library.ValidConfirmation(sys, db.Client, dep.ID, time.Now()); err != nil {
		t.Fatal(err)
	}
	if _, err := library.ValidConfirmation(sys, db.Client, dep.ID, time.Now().Add(31*24*time.Hour)); apperr.CodeOf(err) != "LIBRARY_NOT_CONFIRMED" {
		t.Fatalf("expired confirmation accepted: %v", err)
	}
	// A library change changes the digest of the next confirmation.
	err = txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		return tx.Target.UpdateOneID(tg.ID).SetAddress("宁阳县文庙街道").Exec(sys)
	})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := library.Confirm(sys, db.Client, dep.ID, "", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if c2.Digest == c1.Digest {
		t.Fatal("digest did not change after a target changed")
	}
}
