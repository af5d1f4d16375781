package audit_test

import (
	"context"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

func seedDepartment(t *testing.T, db *hub.Hub) *ent.Department {
	t.Helper()
	ctx := testutil.System()
	var d *ent.Department
	err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		var err error
		d, err = tx.Department.Create().SetCode("SCJG").SetName("宁阳县市场监督管理局").Save(ctx)
		if err != nil {
			return err
		}
		return tx.Department.UpdateOne(d).SetShortName("县市场监管局").Exec(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func verify(t *testing.T, db *hub.Hub) *audit.Report {
	t.Helper()
	rep, err := audit.Verify(testutil.System(), db.Client, nil)
	if err != nil {
		t.Fatal(err)
	}
	return rep
}

func TestAudit_EveryMutationIsChained(t *testing.T) {
	db := testutil.Open(t)
	seedDepartment(t, db)
	rep := verify(t, db)
	if !rep.OK() {
		t.Fatalf("fresh trail does not verify: %v", rep.Problems)
	}
	evs, err := db.Client.AuditEvent.Query().Order(ent.Asc("seq")).All(testutil.System())
	if err != nil {
		t.Fatal(err)
	}
	// Code tables seeded by testutil plus the department's create and update.
	if len(evs) < 3 {
		t.Fatalf("got %d events", len(evs))
	}
	last := evs[len(evs)-1]
	if last.Action != "UPDATE" || last.EntityType != ent.TypeDepartment || last.BeforeDigest == "" || last.BeforeDigest == last.AfterDigest {
		t.Fatalf("last event = %+v", last)
	}
	if last.Actor != "system:test" {
		t.Fatalf("actor = %q", last.Actor)
	}
	for i, e := range evs {
		if e.Seq != int64(i+1) {
			t.Fatalf("event %d has seq %d", i, e.Seq)
		}
	}
}

func TestAudit_DetectsRowChangedAroundTheHub(t *testing.T) {
	db := testutil.Open(t)
	d := seedDepartment(t, db)
	if _, err := db.SQL.Exec(rebind(db.Dialect, "UPDATE departments SET name = ? WHERE id = ?"), "篡改后的名称", d.ID); err != nil {
		t.Fatal(err)
	}
	rep := verify(t, db)
	if !hasProblem(rep, "绕过系统修改") {
		t.Fatalf("tampered row not detected: %+v", rep.Problems)
	}
}

func TestAudit_DetectsDeletedEventAndRow(t *testing.T) {
	db := testutil.Open(t)
	d := seedDepartment(t, db)
	if _, err := db.SQL.Exec(rebind(db.Dialect, "DELETE FROM audit_events WHERE seq = ?"), 2); err != nil {
		t.Fatal(err)
	}
	rep := verify(t, db)
	if !hasProblem(rep, "缺少事件") {
		t.Fatalf("deleted event not detected: %+v", rep.Problems)
	}

	db2 := testutil.Open(t)
	d = seedDepartment(t, db2)
	if _, err := db2.SQL.Exec(rebind(db2.Dialect, "DELETE FROM departments WHERE id = ?"), d.ID); err != nil {
		t.Fatal(err)
	}
	rep = verify(t, db2)
	if !hasProblem(rep, "记录已被删除") {
		t.Fatalf("deleted row not detected: %+v", rep.Problems)
	}
}

func TestAudit_DetectsEditedEvent(t *testing.T) {
	db := testutil.Open(t)
	seedDepartment(t, db)
	if _, err := db.SQL.Exec(rebind(db.Dialect, "UPDATE audit_events SET actor = ? WHERE seq = ?"), "someone-else", 1); err != nil {
		t.Fatal(err)
	}
	rep := verify(t, db)
	if !hasProblem(rep, "事件被修改") {
		t.Fatalf("edited event not detected: %+v", rep.Problems)
	}
}

func TestAudit_RefusesWritesOutsideTransaction(t *testing.T) {
	db := testutil.Open(t)
	_, err := db.Client.Department.Create().SetCode("X").SetName("无事务").Save(testutil.System())
	if err == nil || !strings.Contains(err.Error(), "transaction") {
		t.Fatalf("write outside a transaction: err = %v", err)
	}
	if n, _ := db.Client.Department.Query().Count(context.Background()); n != 0 {
		t.Fatalf("department written without audit: %d rows", n)
	}
}

func TestAudit_TrailIsAppendOnly(t *testing.T) {
	db := testutil.Open(t)
	seedDepartment(t, db)
	ctx := testutil.System()
	err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		return tx.AuditEvent.Update().Exec(ctx)
	})
	if apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("updating the trail: err = %v", err)
	}
	err = txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		_, err := tx.AuditEvent.Delete().Exec(ctx)
		return err
	})
	if apperr.CodeOf(err) != apperr.Forbidden {
		t.Fatalf("deleting the trail: err = %v", err)
	}
}

func TestAudit_AnonymousCannotWrite(t *testing.T) {
	db := testutil.Open(t)
	ctx := testutil.As(&viewer.Viewer{Kind: viewer.Anonymous})
	err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		return tx.Department.Create().SetCode("X").SetName("匿名").Exec(ctx)
	})
	if apperr.CodeOf(err) != apperr.Unauthenticated {
		t.Fatalf("anonymous write: err = %v", err)
	}
}

// rebind turns ? placeholders into $n for PostgreSQL.
func rebind(dialectName, q string) string {
	if dialectName != "postgres" {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteString("$" + string(rune('0'+n)))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func hasProblem(rep *audit.Report, text string) bool {
	for _, p := range rep.Problems {
		if strings.Contains(p.Message, text) {
			return true
		}
	}
	return false
}

func TestAudit_BatchModeWritesTheSameChain(t *testing.T) {
	db := testutil.Open(t)
	d := seedDepartment(t, db)
	ctx := audit.WithBatch(testutil.System())
	before, _ := db.Client.AuditEvent.Query().Count(testutil.System())
	err := txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		bulk := []*ent.TargetLibraryCreate{
			tx.TargetLibrary.Create().SetCode("A").SetName("甲库").SetDepartmentID(d.ID),
			tx.TargetLibrary.Create().SetCode("B").SetName("乙库").SetDepartmentID(d.ID),
			tx.TargetLibrary.Create().SetCode("C").SetName("丙库").SetDepartmentID(d.ID),
		}
		libs, err := tx.TargetLibrary.CreateBulk(bulk...).Save(ctx)
		if err != nil {
			return err
		}
		// An update after the create in the same transaction is audited too.
		return tx.TargetLibrary.UpdateOne(libs[0]).SetName("甲库（改）").Exec(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	after, _ := db.Client.AuditEvent.Query().Count(testutil.System())
	if after-before != 4 {
		t.Fatalf("batch wrote %d events, want 4", after-before)
	}
	if rep := verify(t, db); !rep.OK() {
		t.Fatalf("batch-mode trail does not verify: %v", rep.Problems)
	}
	// A rolled-back batch leaves no events behind.
	err = txn.Run(ctx, db.Client, func(tx *ent.Tx) error {
		if err := tx.TargetLibrary.Create().SetCode("D").SetName("丁库").SetDepartmentID(d.ID).Exec(ctx); err != nil {
			return err
		}
		return apperr.New(apperr.Invalid, "模拟失败")
	})
	if apperr.CodeOf(err) != apperr.Invalid {
		t.Fatalf("err = %v", err)
	}
	if n, _ := db.Client.AuditEvent.Query().Count(testutil.System()); n != after {
		t.Fatalf("rolled-back batch left events: %d → %d", after, n)
	}
}
