package stats

import (
	"cmp"
	"context"
	"slices"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultitem"
)

// ItemProblemRate is how often checking an item found a problem in a year — where the risks
// are, and which items a targeted special inspection (专项检查) might take up.
type ItemProblemRate struct {
	// ItemID 抽查事项编号（同一编码有多个清单版本时取最新版本的事项）。
	ItemID int `json:"itemId"`
	// Code 事项编码。
	Code string `json:"code"`
	// Name 事项名称（取最新版本）。
	Name string `json:"name"`
	// DepartmentID 事项所属清单的部门编号。
	DepartmentID int `json:"departmentId"`
	// DepartmentName 事项所属清单的部门名称。
	DepartmentName string `json:"departmentName"`
	// Checked 检查次数：已公示结果中已检查该事项的次数。
	Checked int `json:"checked"`
	// ProblemFound 发现问题次数：其中发现问题的次数。
	ProblemFound int `json:"problemFound"`
	// Rate 问题发现率（发现问题次数 / 检查次数，0–1）。
	Rate float64 `json:"rate"`
}

// ProblemRate returns, per inspection item checked in the tasks of year, how many times it was
// checked and how many times a problem was found; the versions of an item (same department,
// same code) count as one item. Only published results count — they are
// final and what the public sees — and of a corrected result only its latest published
// version. Items never checked are left out (see ItemCoverage for those).
func ProblemRate(ctx context.Context, client *ent.Client, year int) ([]ItemProblemRate, error) {
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
	_, taskIDs, err := tasksOfYear(ctx, client, year)
	if err != nil {
		return nil, err
	}
	if len(taskIDs) == 0 {
		return []ItemProblemRate{}, nil
	}
	count := func(problem bool) (map[int]int, error) {
		q := client.ResultItem.Query().Where(resultitem.Checked(true),
			resultitem.HasResultWith(result.TaskIDIn(taskIDs...), result.StatusEQ(result.StatusPUBLISHED), latestPublished()))
		if problem {
			q.Where(resultitem.ProblemFound(true))
		}
		var rows []struct {
			ItemID int `json:"item_id"`
			Count  int `json:"count"`
		}
		if err := q.GroupBy(resultitem.FieldItemID).Aggregate(ent.Count()).Scan(ctx, &rows); err != nil {
			return nil, err
		}
		m := make(map[int]int, len(rows))
		for _, r := range rows {
			m[r.ItemID] = r.Count
		}
		return m, nil
	}
	checked, err := count(false)
	if err != nil {
		return nil, err
	}
	if len(checked) == 0 {
		return []ItemProblemRate{}, nil
	}
	problems, err := count(true)
	if err != nil {
		return nil, err
	}
	ids := make([]int, 0, len(checked))
	for id := range checked {
		ids = append(ids, id)
	}
	items, err := client.InspectionItem.Query().Where(inspectionitem.IDIn(ids...)).
		Select(inspectionitem.FieldCode, inspectionitem.FieldName, inspectionitem.FieldItemListID).
		WithItemList(func(q *ent.ItemListQuery) { q.Select(itemlist.FieldDepartmentID, itemlist.FieldVersion) }).All(ctx)
	if err != nil {
		return nil, err
	}
	// One row per item code of a department: the versions of an item are the same item.
	type itemKey struct {
		department int
		code       string
	}
	byKey := map[itemKey]*ItemProblemRate{}
	version := map[itemKey]int{}
	for _, it := range items {
		l := it.Edges.ItemList
		k := itemKey{l.DepartmentID, it.Code}
		r, ok := byKey[k]
		if !ok {
			r = &ItemProblemRate{Code: it.Code, DepartmentID: l.DepartmentID, DepartmentName: deps[l.DepartmentID].name}
			byKey[k] = r
		}
		if !ok || l.Version > version[k] {
			r.ItemID, r.Name, version[k] = it.ID, it.Name, l.Version
		}
		r.Checked += checked[it.ID]
		r.ProblemFound += problems[it.ID]
	}
	out := make([]ItemProblemRate, 0, len(byKey))
	for _, r := range byKey {
		r.Rate = ratio(r.ProblemFound, r.Checked)
		out = append(out, *r)
	}
	slices.SortFunc(out, func(a, b ItemProblemRate) int {
		if c := compareDepts(deps, a.DepartmentID, b.DepartmentID); c != 0 {
			return c
		}
		if c := cmp.Compare(a.Code, b.Code); c != 0 {
			return c
		}
		return a.ItemID - b.ItemID
	})
	return out, nil
}
