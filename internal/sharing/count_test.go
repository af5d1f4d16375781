package sharing_test

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"sync"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// queryLog records the statements a client sends.
type queryLog struct {
	dialect.Driver
	mu   sync.Mutex
	text []string
}

func (d *queryLog) Query(ctx context.Context, q string, args, v any) error {
	d.mu.Lock()
	d.text = append(d.text, q)
	d.mu.Unlock()
	return d.Driver.Query(ctx, q, args, v)
}

func (d *queryLog) QueryContext(ctx context.Context, q string, args ...any) (*sql.Rows, error) {
	return d.Driver.(interface {
		QueryContext(context.Context, string, ...any) (*sql.Rows, error)
	}).QueryContext(ctx, q, args...)
}

func (d *queryLog) ExecContext(ctx context.Context, q string, args ...any) (sql.Result, error) {
	return d.Driver.(interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
	}).ExecContext(ctx, q, args...)
}

func (d *queryLog) take() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.text
	d.text = nil
	return out
}

// TestCount_StarOnlyWhereNoRowRepeats: a plain count (a filtered totalCount) is sent as COUNT(*)
// — which PostgreSQL can answer from an index — and gives the number of matching rows; a count
// through an edge, where a join may repeat a record, keeps COUNT(DISTINCT id); and a row rule
// (a system administrator sees no business rows) still applies to the COUNT(*).
func TestCount_StarOnlyWhereNoRowRepeats(t *testing.T) {
	var log *queryLog
	db := testutil.Open(t, testutil.Options{Driver: func(d dialect.Driver) dialect.Driver {
		log = &queryLog{Driver: d}
		return log
	}})
	sys := testutil.System()
	var lib *ent.TargetLibrary
	err := txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		dep, err := tx.Department.Create().SetCode("A").SetName("甲局").Save(sys)
		if err != nil {
			return err
		}
		if lib, err = tx.TargetLibrary.Create().SetCode("LA").SetName("甲库").SetDepartmentID(dep.ID).Save(sys); err != nil {
			return err
		}
		for i := range 30 {
			class := target.CreditRiskClassB
			if i%3 == 0 {
				class = target.CreditRiskClassD
			}
			c := tx.Target.Create().SetName(fmt.Sprintf("对象%02d", i)).SetCreditRiskClass(class)
			if i < 20 {
				c.AddLibraryIDs(lib.ID)
			}
			if _, err := c.Save(sys); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}

	log.take()
	n, err := db.Client.Target.Query().Where(target.CreditRiskClassEQ(target.CreditRiskClassD)).Count(sys)
	if err != nil || n != 10 {
		t.Fatalf("count of class D = %d, %v; want 10", n, err)
	}
	stmts := log.take()
	if len(stmts) != 1 || !strings.Contains(stmts[0], "COUNT(*)") {
		t.Fatalf("a plain count sent %q, want one COUNT(*)", stmts)
	}

	n, err = db.Client.TargetLibrary.QueryTargets(lib).Where(target.CreditRiskClassEQ(target.CreditRiskClassD)).Count(sys)
	if err != nil || n != 7 {
		t.Fatalf("count through the library = %d, %v; want 7", n, err)
	}
	if stmts := log.take(); len(stmts) != 1 || strings.Contains(stmts[0], "COUNT(*)") || !strings.Contains(stmts[0], "DISTINCT") {
		t.Fatalf("a count through an edge sent %q, want COUNT(DISTINCT …)", stmts)
	}

	// Selected columns keep ent's own count of them.
	if n, err = db.Client.Target.Query().Select(target.FieldName).Count(sys); err != nil || n != 30 {
		t.Fatalf("count with a selection = %d, %v; want 30", n, err)
	}
	if stmts := log.take(); len(stmts) != 1 || strings.Contains(stmts[0], "COUNT(*)") {
		t.Fatalf("a count of selected columns sent %q", stmts)
	}

	admin := testutil.As(&viewer.Viewer{Kind: viewer.Token, Name: "admin", DepartmentID: 1, DepartmentCode: "A", Roles: []string{viewer.RoleSystemAdmin}})
	if n, err = db.Client.Target.Query().Count(admin); err != nil || n != 0 {
		t.Fatalf("a system administrator counted %d targets (%v), want 0: the row rule must apply to COUNT(*)", n, err)
	}
	if stmts := log.take(); len(stmts) != 1 || !strings.Contains(stmts[0], "COUNT(*)") {
		t.Fatalf("sent %q", stmts)
	}
}
