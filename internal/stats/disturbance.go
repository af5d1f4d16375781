package stats

import (
	"context"
	"slices"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/target"
)

// topEnterprises is how many of the most inspected targets Disturbance lists.
const topEnterprises = 10

// Disturbance is the "least disturbance" measure of a year (无事不扰): how many times each
// enterprise was drawn. Joint tasks exist so that one visit covers several departments' items;
// this shows whether that worked.
type Disturbance struct {
	// Year 统计年度。
	Year int `json:"year"`
	// Inspected 被抽查对象数：当年至少被一个任务抽中的检查对象数。
	Inspected int `json:"inspected"`
	// Once 被抽查 1 次的对象数。
	Once int `json:"once"`
	// Twice 被抽查 2 次的对象数。
	Twice int `json:"twice"`
	// ThreeOrMore 被抽查 3 次及以上的对象数。
	ThreeOrMore int `json:"threeOrMore"`
	// Max 单个对象最多被抽查次数。
	Max int `json:"max"`
	// Mean 被抽查对象平均被抽查次数（只计被抽查过的对象）。
	Mean float64 `json:"mean"`
	// Top 被抽查次数最多的对象（最多 10 户，按次数从多到少）。
	Top []EnterpriseCount `json:"top"`
}

// EnterpriseCount is how many tasks drew one target in a year.
type EnterpriseCount struct {
	// TargetID 检查对象编号。
	TargetID int `json:"targetId"`
	// USCC 统一社会信用代码（无则为空）。
	USCC string `json:"uscc"`
	// Name 对象名称。
	Name string `json:"name"`
	// Count 被抽查次数：当年抽中该对象的不同任务数（联合抽查计一次）。
	Count int `json:"count"`
}

// InspectionsPerEnterprise counts, per target, the distinct tasks of year that drew it —
// a joint task is one visit however many departments take part — and summarises the
// distribution.
func InspectionsPerEnterprise(ctx context.Context, client *ent.Client, year int) (Disturbance, error) {
	out := Disturbance{Year: year, Top: []EnterpriseCount{}}
	if _, err := requireViewer(ctx); err != nil {
		return out, err
	}
	if err := checkYear(year); err != nil {
		return out, err
	}
	_, taskIDs, err := tasksOfYear(ctx, client, year)
	if err != nil {
		return out, err
	}
	drawTask, drawIDs, err := drawsOfTasks(ctx, client, taskIDs)
	if err != nil {
		return out, err
	}
	if len(drawIDs) == 0 {
		return out, nil
	}
	var pairs []struct {
		TargetID int `json:"target_id"`
		DrawID   int `json:"draw_id"`
	}
	err = client.InspectionTeam.Query().
		Where(inspectionteam.DrawIDIn(drawIDs...), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		Unique(true).Select(inspectionteam.FieldTargetID, inspectionteam.FieldDrawID).Scan(ctx, &pairs)
	if err != nil {
		return out, err
	}
	type visit struct{ target, task int }
	seen := map[visit]bool{}
	counts := map[int]int{}
	for _, p := range pairs {
		v := visit{p.TargetID, drawTask[p.DrawID]}
		if !seen[v] {
			seen[v] = true
			counts[p.TargetID]++
		}
	}
	ranked := make([]EnterpriseCount, 0, len(counts))
	total := 0
	for id, n := range counts {
		total += n
		switch {
		case n == 1:
			out.Once++
		case n == 2:
			out.Twice++
		default:
			out.ThreeOrMore++
		}
		out.Max = max(out.Max, n)
		ranked = append(ranked, EnterpriseCount{TargetID: id, Count: n})
	}
	out.Inspected = len(counts)
	out.Mean = ratio(total, out.Inspected)
	slices.SortFunc(ranked, func(a, b EnterpriseCount) int {
		if a.Count != b.Count {
			return b.Count - a.Count
		}
		return a.TargetID - b.TargetID
	})
	ranked = ranked[:min(len(ranked), topEnterprises)]
	ids := make([]int, len(ranked))
	for i, r := range ranked {
		ids[i] = r.TargetID
	}
	targets, err := client.Target.Query().Where(target.IDIn(ids...)).Select(target.FieldUscc, target.FieldName).All(ctx)
	if err != nil {
		return out, err
	}
	byID := make(map[int]*ent.Target, len(targets))
	for _, t := range targets {
		byID[t.ID] = t
	}
	for i := range ranked {
		if t := byID[ranked[i].TargetID]; t != nil {
			ranked[i].Name = t.Name
			if t.Uscc != nil {
				ranked[i].USCC = *t.Uscc
			}
		}
	}
	out.Top = ranked
	return out, nil
}
