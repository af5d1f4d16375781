package store_test

import (
	"context"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/uscc"
)

// TestMigrate_UpgradeKeepsData creates a database at migration N-1, writes a row the way that
// version's hub would, upgrades to N and reads the row back through the current client.
func TestMigrate_UpgradeKeepsData(t *testing.T) {
	ctx := context.Background()
	db := testutil.Open(t, testutil.Options{SkipMigrate: true})
	all, err := store.Migrations(db.Dialect)
	if err != nil {
		t.Fatal(err)
	}
	if len(all) < 2 {
		t.Fatalf("need at least two migrations, have %d", len(all))
	}
	prev := all[len(all)-2].Version
	ran, err := hub.Migrate(ctx, db.DB, prev)
	if err != nil {
		t.Fatal(err)
	}
	if len(ran) != len(all)-1 {
		t.Fatalf("applied %v up to %s", ran, prev)
	}
	insert := "INSERT INTO departments (created_at, updated_at, division_code, code, name, short_name, is_office, sort_order) VALUES (?, ?, '370921', 'SCJG', '宁阳县市场监督管理局', '县市场监管局', ?, 22)"
	if db.Dialect == "postgres" {
		insert = "INSERT INTO departments (created_at, updated_at, division_code, code, name, short_name, is_office, sort_order) VALUES ($1, $2, '370921', 'SCJG', '宁阳县市场监督管理局', '县市场监管局', $3, 22)"
	}
	now := "2026-01-05 08:00:00"
	if _, err := db.SQL.ExecContext(ctx, insert, now, now, true); err != nil {
		t.Fatalf("writing at N-1: %v", err)
	}

	ran, err = hub.Migrate(ctx, db.DB, "")
	if err != nil {
		t.Fatalf("upgrading: %v", err)
	}
	if len(ran) != 1 || ran[0] != all[len(all)-1].Version {
		t.Fatalf("upgrade applied %v", ran)
	}
	d, err := db.Client.Department.Query().Where(department.Code("SCJG")).Only(ctx)
	if err != nil {
		t.Fatalf("reading back after upgrade: %v", err)
	}
	if d.Name != "宁阳县市场监督管理局" || d.ShortName != "县市场监管局" || !d.IsOffice || d.SortOrder != 22 || d.Uscc != nil {
		t.Fatalf("row after upgrade = %+v", d)
	}
	// The new column works, and the ID sequence keeps its global-ID range.
	sys := testutil.System()
	err = txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		code := "11370921MB286123" + "4"
		code += string(uscc.CheckChar(code))
		n, err := tx.Department.Create().SetCode("WJ").SetName("宁阳县卫生健康局").SetUscc(code).Save(sys)
		if err != nil {
			return err
		}
		if n.ID <= d.ID {
			t.Errorf("new id %d not after %d", n.ID, d.ID)
		}
		return nil
	})
	if err != nil {
		t.Fatalf("using the new column after upgrade: %v", err)
	}
	// Re-running is a no-op.
	if ran, err = hub.Migrate(ctx, db.DB, ""); err != nil || len(ran) != 0 {
		t.Fatalf("second run applied %v, err %v", ran, err)
	}
}
