package lists

import (
	"context"
	"sort"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/predicate"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/clock"
)

// CodeNotYetEffective refuses an item of a published list version whose effective date has not
// come: until then the version it replaces stays current.
const CodeNotYetEffective = "LIST_NOT_YET_EFFECTIVE"

// The one notion of "the current list version": of a department's published versions
// (PUBLISHED, or SUPERSEDED once a successor took effect), the highest-numbered one whose
// effective date (its publication time when it has none) is not after the business time. A
// version published with a later effective date does not replace the old one at once: the old
// one stays current — for tasks' and plans' item checks, the county list, lead imports and the
// portal alike — until the new one's date. A department whose only published version is not yet
// in effect has no current list. Every caller asking for "the current list" goes through
// CurrentVersions (or one of the helpers below); the status SUPERSEDED is bookkeeping, set for
// versions replaced by one in effect at the department's next list step.

// Version is one published list version as the current-version rule sees it.
type Version struct {
	ID, DepartmentID, Version int
	// CountyWide: the office's county-wide summary list, a chain of versions of its own.
	CountyWide bool
	// From is the start of its effect: the effective date, else the publication time.
	From time.Time
}

// chain identifies a chain of versions: a department's list, or its county-wide list.
type chain struct {
	department int
	countyWide bool
}

// currentOf picks the current version of every chain at `at` from vs (ascending versions
// within a department).
func currentOf(vs []Version, at time.Time) map[chain]Version {
	out := map[chain]Version{}
	for _, v := range vs { // ascending: the last one in effect wins
		if !v.From.After(at) {
			out[chain{v.DepartmentID, v.CountyWide}] = v
		}
	}
	return out
}

// versionsOf reads every published version (PUBLISHED or SUPERSEDED), departmentID 0: all.
func versionsOf(ctx context.Context, client *ent.Client, departmentID int) ([]Version, error) {
	q := client.ItemList.Query().Where(itemlist.StatusIn(itemlist.StatusPUBLISHED, itemlist.StatusSUPERSEDED))
	if departmentID != 0 {
		q.Where(itemlist.DepartmentID(departmentID))
	}
	rows, err := q.Select(itemlist.FieldDepartmentID, itemlist.FieldVersion, itemlist.FieldCountyWide, itemlist.FieldEffectiveDate, itemlist.FieldPublishedAt).All(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]Version, 0, len(rows))
	for _, l := range rows {
		v := Version{ID: l.ID, DepartmentID: l.DepartmentID, Version: l.Version, CountyWide: l.CountyWide}
		switch {
		case l.EffectiveDate != nil:
			v.From = *l.EffectiveDate
		case l.PublishedAt != nil:
			v.From = *l.PublishedAt
		}
		out = append(out, v)
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].DepartmentID != out[j].DepartmentID {
			return out[i].DepartmentID < out[j].DepartmentID
		}
		return out[i].Version < out[j].Version
	})
	return out, nil
}

// CurrentVersions maps each department to its own list version current at `at` (see above;
// the county-wide summary list is a chain of its own, in CurrentIDs); departmentID 0 reads every
// department. A department without a current version is absent.
func CurrentVersions(ctx context.Context, client *ent.Client, at time.Time, departmentID int) (map[int]Version, error) {
	vs, err := versionsOf(ctx, client, departmentID)
	if err != nil {
		return nil, err
	}
	out := map[int]Version{}
	for c, v := range currentOf(vs, at) {
		if !c.countyWide {
			out[c.department] = v
		}
	}
	return out, nil
}

// CurrentIDs are the ids of the current list versions of every department (and of the
// county-wide list) at `at`.
func CurrentIDs(ctx context.Context, client *ent.Client, at time.Time) ([]int, error) {
	vs, err := versionsOf(ctx, client, 0)
	if err != nil {
		return nil, err
	}
	cur := currentOf(vs, at)
	ids := make([]int, 0, len(cur))
	for _, v := range cur {
		ids = append(ids, v.ID)
	}
	sort.Ints(ids)
	return ids, nil
}

// CurrentItems is the predicate of the items of the current list versions at `at`.
func CurrentItems(ctx context.Context, client *ent.Client, at time.Time) (predicate.InspectionItem, error) {
	ids, err := CurrentIDs(ctx, client, at)
	if err != nil {
		return nil, err
	}
	return inspectionitem.ItemListIDIn(ids...), nil
}

// usableAt explains why the items' list versions are not current at `at`, nil when they all are.
func usableAt(ctx context.Context, client *ent.Client, at time.Time, items []*ent.InspectionItem) error {
	deps := map[int]bool{}
	for _, it := range items {
		deps[it.Edges.ItemList.DepartmentID] = true
	}
	cur := map[chain]Version{}
	for d := range deps {
		vs, err := versionsOf(ctx, client, d)
		if err != nil {
			return err
		}
		for k, v := range currentOf(vs, at) {
			cur[k] = v
		}
	}
	for _, it := range items {
		l := it.Edges.ItemList
		c, ok := cur[chain{l.DepartmentID, l.CountyWide}]
		if ok && c.ID == l.ID {
			continue
		}
		switch {
		case l.Status != itemlist.StatusPUBLISHED && l.Status != itemlist.StatusSUPERSEDED:
			return apperr.New(CodeNotPublished, "抽查事项“%s”（%s）所在清单第 %d 版%s，任务只能使用已备案并公示的现行清单中的事项",
				it.Name, it.Code, l.Version, StatusName(l.Status))
		case (!ok || c.Version < l.Version) && l.EffectiveDate != nil && l.EffectiveDate.After(at):
			if ok {
				return apperr.New(CodeNotYetEffective, "抽查事项“%s”（%s）所在清单第 %d 版自 %s 起生效，在此之前现行的是第 %d 版，请使用第 %d 版中的事项",
					it.Name, it.Code, l.Version, l.EffectiveDate.In(clock.CST).Format("2006-01-02"), c.Version, c.Version)
			}
			return apperr.New(CodeNotYetEffective, "抽查事项“%s”（%s）所在清单第 %d 版自 %s 起生效，尚未生效",
				it.Name, it.Code, l.Version, l.EffectiveDate.In(clock.CST).Format("2006-01-02"))
		default:
			return apperr.New(CodeNotPublished, "抽查事项“%s”（%s）所在清单第 %d 版已被现行的第 %d 版取代，任务只能使用现行清单中的事项",
				it.Name, it.Code, l.Version, c.Version)
		}
	}
	return nil
}

// supersedeReplaced marks SUPERSEDED the PUBLISHED versions of a department older than its
// current one (bookkeeping only: the current version is computed, not read from the status).
func supersedeReplaced(ctx context.Context, tx *ent.Tx, departmentID int, at time.Time) error {
	cur, err := CurrentVersions(ctx, tx.Client(), at, departmentID)
	if err != nil {
		return err
	}
	c, ok := cur[departmentID]
	if !ok {
		return nil
	}
	return tx.ItemList.Update().Where(itemlist.DepartmentID(departmentID), itemlist.CountyWide(false),
		itemlist.StatusEQ(itemlist.StatusPUBLISHED), itemlist.VersionLT(c.Version)).
		SetStatus(itemlist.StatusSUPERSEDED).Exec(withWorkflow(ctx))
}
