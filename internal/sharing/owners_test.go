package sharing_test

import (
	"fmt"
	"slices"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
)

// TestQueryOwners_TargetsByLibrary: a target belongs to every department whose sub-library holds
// it, for a page of close ids (one range scan) and for scattered ids (one probe each) alike, and
// records outside the page never leak into the answer.
func TestQueryOwners_TargetsByLibrary(t *testing.T) {
	db := testutil.Open(t)
	sys := testutil.System()
	var a, b *ent.Department
	var ids []int
	err := txn.Run(sys, db.Client, func(tx *ent.Tx) error {
		var err error
		if a, err = tx.Department.Create().SetCode("A").SetName("甲局").Save(sys); err != nil {
			return err
		}
		if b, err = tx.Department.Create().SetCode("B").SetName("乙局").Save(sys); err != nil {
			return err
		}
		la, err := tx.TargetLibrary.Create().SetCode("LA").SetName("甲库").SetDepartmentID(a.ID).Save(sys)
		if err != nil {
			return err
		}
		lb, err := tx.TargetLibrary.Create().SetCode("LB").SetName("乙库").SetDepartmentID(b.ID).Save(sys)
		if err != nil {
			return err
		}
		for i := range 40 {
			tg, err := tx.Target.Create().SetName(fmt.Sprintf("对象%02d", i)).Save(sys)
			if err != nil {
				return err
			}
			ids = append(ids, tg.ID)
			switch {
			case i%3 == 0: // both libraries
				err = tx.TargetLibrary.UpdateOne(la).AddTargetIDs(tg.ID).Exec(sys)
				if err == nil {
					err = tx.TargetLibrary.UpdateOne(lb).AddTargetIDs(tg.ID).Exec(sys)
				}
			case i%3 == 1:
				err = tx.TargetLibrary.UpdateOne(la).AddTargetIDs(tg.ID).Exec(sys)
			} // i%3 == 2: in no library
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := func(i int) []int {
		switch i % 3 {
		case 0:
			return []int{a.ID, b.ID}
		case 1:
			return []int{a.ID}
		}
		return nil
	}
	pages := map[string][]int{
		"close ids":     ids[5:25],
		"scattered ids": {ids[0], ids[39]},
		"one id":        {ids[7]},
		"close, gaps":   {ids[10], ids[12], ids[13]},
	}
	for name, page := range pages {
		got, err := sharing.QueryOwners(sys, db.Client, ent.TypeTarget, page)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(page) {
			t.Errorf("%s: answered for %d records, asked %d", name, len(got), len(page))
		}
		for _, id := range page {
			i := slices.Index(ids, id)
			deps := got[id]
			slices.Sort(deps)
			if !slices.Equal(deps, want(i)) {
				t.Errorf("%s: target %d owned by %v, want %v", name, i, deps, want(i))
			}
		}
	}
}
