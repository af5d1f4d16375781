package library_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/uscc"
)

// TestConfirmation_BoundToContent: a confirmation holds while the department's libraries are
// as it saw them — also when other departments' data changed meanwhile — and every kind of
// change to them (an import, a target edited, a target leaving a library, an inspector edited)
// asks for a new one.
func TestConfirmation_BoundToContent(t *testing.T) {
	t.Parallel()
	f := newImportFixture(t)
	sys := testutil.System()
	c := f.db.Client
	code := func(n int) string {
		first := fmt.Sprintf("91370921MA3C5K%03d", n)
		return first + string(uscc.CheckChar(first))
	}
	csv := func(rows ...string) []byte {
		return []byte("统一社会信用代码,名称,住所\n" + strings.Join(rows, "\n") + "\n")
	}
	f.run(t, importer.KindTargets, bytesOpener(csv(
		code(1)+",宁阳县甲商贸有限公司,宁阳县文庙街道1号",
		code(2)+",宁阳县乙食品有限公司,宁阳县文庙街道2号")), false)
	var other *ent.Department
	if err := txn.Run(sys, c, func(tx *ent.Tx) error {
		var err error
		other, err = tx.Department.Create().SetCode("WJ").SetName("宁阳县卫生健康局").SetShortName("县卫健局").Save(sys)
		if err != nil {
			return err
		}
		return tx.TargetLibrary.Create().SetCode("MAIN").SetName("卫健库").SetDepartmentID(other.ID).Exec(sys)
	}); err != nil {
		t.Fatal(err)
	}
	confirm := func() {
		t.Helper()
		if _, err := library.Confirm(sys, c, f.dep.ID, "抽取前确认", 0); err != nil {
			t.Fatal(err)
		}
	}
	valid := func(what string, want bool) {
		t.Helper()
		_, err := library.ValidConfirmation(sys, c, f.dep.ID, time.Now())
		switch {
		case want && err != nil:
			t.Fatalf("%s: the confirmation should hold: %v", what, err)
		case !want && apperr.CodeOf(err) != library.CodeChangedSinceConfirmation:
			t.Fatalf("%s: err = %v, want %s", what, err, library.CodeChangedSinceConfirmation)
		}
	}
	confirm()
	valid("nothing changed", true)

	// Another department's library changes: the trail shows a change, the digest is the same.
	if err := txn.Run(sys, c, func(tx *ent.Tx) error {
		return tx.Department.UpdateOneID(other.ID).SetShortName("卫健局").Exec(sys)
	}); err != nil {
		t.Fatal(err)
	}
	if err := txn.Run(sys, c, func(tx *ent.Tx) error {
		return tx.TargetLibrary.Update().Where(targetlibrary.DepartmentID(other.ID)).SetName("卫健监管对象库").Exec(sys)
	}); err != nil {
		t.Fatal(err)
	}
	valid("another department's library renamed", true)

	// An import adds a target.
	f.run(t, importer.KindTargets, bytesOpener(csv(code(3)+",宁阳县丙餐饮店,宁阳县文庙街道3号")), true)
	valid("a target imported", false)
	confirm()
	valid("confirmed again", true)

	tg, err := c.Target.Query().First(sys)
	if err != nil {
		t.Fatal(err)
	}
	if err := txn.Run(sys, c, func(tx *ent.Tx) error {
		return tx.Target.UpdateOneID(tg.ID).SetName(tg.Name + "（更名）").Exec(sys)
	}); err != nil {
		t.Fatal(err)
	}
	valid("a target renamed", false)
	confirm()

	lib, err := c.TargetLibrary.Query().Where(targetlibrary.DepartmentID(f.dep.ID)).Only(sys)
	if err != nil {
		t.Fatal(err)
	}
	if err := txn.Run(sys, c, func(tx *ent.Tx) error {
		return tx.TargetLibrary.UpdateOneID(lib.ID).RemoveTargetIDs(tg.ID).Exec(sys)
	}); err != nil {
		t.Fatal(err)
	}
	valid("a target left the library", false)
	confirm()

	if err := txn.Run(sys, c, func(tx *ent.Tx) error {
		return tx.Inspector.Create().SetDepartmentID(f.dep.ID).SetName("张三").SetCertificateNo("37092100001").Exec(sys)
	}); err != nil {
		t.Fatal(err)
	}
	valid("an inspector added", false)
}
