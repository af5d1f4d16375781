package stats

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/calendar"
)

// ItemRef names an inspection item.
type ItemRef struct {
	// Code 事项编码（跨版本稳定）。
	Code string `json:"code"`
	// Name 事项名称（取当年生效的最新版本）。
	Name string `json:"name"`
}

// DepartmentCoverage says whether a department used every item of its list in a year
// ("照单抽查": no item, no inspection — and an item never used is an item never inspected).
type DepartmentCoverage struct {
	// DepartmentID 部门编号。
	DepartmentID int `json:"departmentId"`
	// DepartmentCode 部门编码。
	DepartmentCode string `json:"departmentCode"`
	// DepartmentName 部门名称。
	DepartmentName string `json:"departmentName"`
	// Total 清单事项数：当年生效的清单版本中的事项数（按事项编码去重）。
	Total int `json:"total"`
	// Used 已使用事项数：当年至少一个抽查任务纳入的事项数。
	Used int `json:"used"`
	// Rate 事项覆盖率（已使用事项数 / 清单事项数，0–1）。
	Rate float64 `json:"rate"`
	// AllUsed 清单事项是否全部使用。
	AllUsed bool `json:"allUsed"`
	// Unused 未使用的事项（按编码排序）。
	Unused []ItemRef `json:"unused"`
}

// ItemCoverage returns, per department, the items of the list version(s) in effect during year
// and how many of them a task of the year used (TaskItem). A list version is in effect from its
// effective date (or, without one, its publication; with neither, from the start) until the
// next published version takes effect; only published versions — PUBLISHED, or SUPERSEDED
// after being published — count, and the county-wide list, which only collects the
// departments' items, is left out. Items are matched by code, so a task that used an item of
// an earlier version of the same list counts for it.
func ItemCoverage(ctx context.Context, client *ent.Client, year int) ([]DepartmentCoverage, error) {
	if _, err := requireViewer(ctx); err != nil {
		return nil, err
	}
	if err := checkYear(year); err != nil {
		return nil, err
	}
	deps, err := departments(ctx, client)
	if err != nil {
		return nil, err
	}
	lists, err := client.ItemList.Query().
		Where(itemlist.StatusIn(itemlist.StatusPUBLISHED, itemlist.StatusSUPERSEDED), itemlist.CountyWide(false)).
		Select(itemlist.FieldDepartmentID, itemlist.FieldVersion, itemlist.FieldEffectiveDate, itemlist.FieldPublishedAt).
		Order(ent.Asc(itemlist.FieldDepartmentID), ent.Asc(itemlist.FieldVersion)).All(ctx)
	if err != nil {
		return nil, err
	}
	yearStart, yearEnd := calendar.Date(year, 1, 1), calendar.Date(year, 12, 31)
	startOf := func(l *ent.ItemList) *time.Time {
		t := l.EffectiveDate
		if t == nil {
			t = l.PublishedAt
		}
		if t == nil {
			return nil
		}
		d := calendar.DateOf(*t)
		return &d
	}
	inEffect := map[int]*ent.ItemList{} // list id → list
	var listIDs []int
	for i, l := range lists {
		start := startOf(l)
		if start != nil && start.After(yearEnd) {
			continue
		}
		// In effect until the next version of the same department with a known start.
		var end *time.Time
		for _, n := range lists[i+1:] {
			if n.DepartmentID != l.DepartmentID {
				break
			}
			if end = startOf(n); end != nil {
				break
			}
		}
		if end != nil && !end.After(yearStart) {
			continue
		}
		inEffect[l.ID] = l
		listIDs = append(listIDs, l.ID)
	}
	if len(listIDs) == 0 {
		return []DepartmentCoverage{}, nil
	}
	items, err := client.InspectionItem.Query().Where(inspectionitem.ItemListIDIn(listIDs...)).
		Select(inspectionitem.FieldCode, inspectionitem.FieldName, inspectionitem.FieldItemListID).All(ctx)
	if err != nil {
		return nil, err
	}

	// Items used by the year's tasks, keyed by (department of the item's list, code).
	type itemKey struct {
		department int
		code       string
	}
	used := map[itemKey]bool{}
	_, taskIDs, err := tasksOfYear(ctx, client, year)
	if err != nil {
		return nil, err
	}
	if len(taskIDs) > 0 {
		usedIDs, err := client.TaskItem.Query().Where(taskitem.TaskIDIn(taskIDs...)).Unique(true).
			Select(taskitem.FieldItemID).Ints(ctx)
		if err != nil {
			return nil, err
		}
		if len(usedIDs) > 0 {
			usedItems, err := client.InspectionItem.Query().Where(inspectionitem.IDIn(usedIDs...)).
				Select(inspectionitem.FieldCode, inspectionitem.FieldItemListID).
				WithItemList(func(q *ent.ItemListQuery) { q.Select(itemlist.FieldDepartmentID) }).All(ctx)
			if err != nil {
				return nil, err
			}
			for _, it := range usedItems {
				used[itemKey{it.Edges.ItemList.DepartmentID, it.Code}] = true
			}
		}
	}

	// Per department: the listed codes, named after the latest version listing them.
	type listed struct {
		name    string
		version int
	}
	byDep := map[int]map[string]listed{}
	for _, it := range items {
		l := inEffect[it.ItemListID]
		codes := byDep[l.DepartmentID]
		if codes == nil {
			codes = map[string]listed{}
			byDep[l.DepartmentID] = codes
		}
		if c, ok := codes[it.Code]; !ok || l.Version > c.version {
			codes[it.Code] = listed{it.Name, l.Version}
		}
	}
	out := make([]DepartmentCoverage, 0, len(byDep))
	for depID, codes := range byDep {
		d := deps[depID]
		c := DepartmentCoverage{DepartmentID: depID, DepartmentCode: d.code, DepartmentName: d.name, Total: len(codes), Unused: []ItemRef{}}
		for code, l := range codes {
			if used[itemKey{depID, code}] {
				c.Used++
			} else {
				c.Unused = append(c.Unused, ItemRef{Code: code, Name: l.name})
			}
		}
		slices.SortFunc(c.Unused, func(a, b ItemRef) int { return cmp.Compare(a.Code, b.Code) })
		c.Rate = ratio(c.Used, c.Total)
		c.AllUsed = c.Used == c.Total
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b DepartmentCoverage) int { return compareDepts(deps, a.DepartmentID, b.DepartmentID) })
	return out, nil
}
