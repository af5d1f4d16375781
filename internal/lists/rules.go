// Package lists keeps the item lists (抽查事项清单) and their implementation rules: versions,
// filing (备案) with the joint-meeting office, publication, and the rules that make a filed
// version immutable and let tasks use only items of a published version. The rules run as ent
// hooks installed by hub.Open, so every path (GraphQL, import, CLI) passes through them.
package lists

import (
	"context"
	"fmt"
	"github.com/ssgk/ssgk/internal/hooks"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/implementationrule"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/clock"
)

// Codes of list errors.
const (
	CodeNotEditable  = "LIST_NOT_EDITABLE"
	CodeNotPublished = "ITEM_NOT_PUBLISHED"
	CodeBadState     = "LIST_BAD_STATE" // a step the list version's state does not allow
	// CodeKeyItemRatioCap refuses an upper bound on the ratio of a 重点检查事项 (no upper limit).
	CodeKeyItemRatioCap = "ITEM_KEY_RATIO_CAP"
	// CodePreviousOtherDepartment refuses a list version whose previous version is another
	// department's list: versions chain within one department.
	CodePreviousOtherDepartment = "LIST_PREVIOUS_OTHER_DEPARTMENT"
	// CodeRatioOverCap refuses a plan batch whose planned ratio exceeds the upper bound of one
	// of its 一般检查事项.
	CodeRatioOverCap = "PLAN_RATIO_OVER_CAP"
)

type workflowKey struct{}

// withWorkflow marks ctx as the list workflow, the only writer of a list's status.
func withWorkflow(ctx context.Context) context.Context {
	return context.WithValue(ctx, workflowKey{}, true)
}

func isWorkflow(ctx context.Context) bool { return ctx.Value(workflowKey{}) != nil }

// editable: only a draft or a returned version may change.
func editable(s itemlist.Status) bool {
	return s == itemlist.StatusDRAFT || s == itemlist.StatusRETURNED
}

// Hooks returns the list rules as ent hooks.
func Hooks() []ent.Hook {
	return []ent.Hook{
		hooks.On(ent.TypeItemList, checkItemList),
		hooks.On(ent.TypeInspectionItem, checkItem),
		hooks.On(ent.TypeImplementationRule, checkRule),
		hooks.On(ent.TypeTaskItem, checkTaskItem),
		hooks.On(ent.TypePlanBatch, checkPlanBatch),
	}
}

func notEditable(v *ent.ItemList) error {
	return apperr.New(CodeNotEditable, "清单“%s”第 %d 版状态为%s，已备案的版本不可修改；如需调整请新建版本", v.Name, v.Version, StatusName(v.Status))
}

func checkItemList(ctx context.Context, m ent.Mutation) error {
	lm := m.(*ent.ItemListMutation)
	if err := checkPrevious(ctx, lm); err != nil {
		return err
	}
	if m.Op().Is(ent.OpCreate) {
		if s, ok := lm.Status(); ok && s != itemlist.StatusDRAFT && !isWorkflow(ctx) {
			return apperr.New(CodeBadState, "新建的清单版本只能是草稿")
		}
		return nil
	}
	if isWorkflow(ctx) {
		return nil
	}
	if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
		return apperr.New(CodeNotEditable, "清单版本只能新增，不能删除")
	}
	if _, ok := lm.Status(); ok {
		return apperr.New(CodeBadState, "清单状态只能通过报备、办理和公示改变")
	}
	ids, err := lm.IDs(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		v, err := lm.Client().ItemList.Get(ctx, id)
		if err != nil {
			return err
		}
		if !editable(v.Status) {
			return notEditable(v)
		}
	}
	return nil
}

// listOfItem loads the list version an item mutation touches.
func checkItem(ctx context.Context, m ent.Mutation) error {
	im := m.(*ent.InspectionItemMutation)
	client := im.Client()
	var listIDs []int
	if id, ok := im.ItemListID(); ok {
		listIDs = append(listIDs, id)
	}
	var olds []*ent.InspectionItem
	if !m.Op().Is(ent.OpCreate) {
		ids, err := im.IDs(ctx)
		if err != nil {
			return err
		}
		if olds, err = client.InspectionItem.Query().Where(inspectionitem.IDIn(ids...)).All(ctx); err != nil {
			return err
		}
		for _, o := range olds {
			listIDs = append(listIDs, o.ItemListID)
		}
	}
	for _, id := range listIDs {
		v, err := client.ItemList.Get(ctx, id)
		if err != nil {
			return err
		}
		if !editable(v.Status) {
			return notEditable(v)
		}
	}
	if m.Op().Is(ent.OpDelete | ent.OpDeleteOne) {
		return nil
	}
	// 一般检查事项 must have an upper bound on the ratio; 重点检查事项 has none (domain.md §2.1).
	check := func(cat inspectionitem.Category, min, max *float64) error {
		if cat == inspectionitem.CategoryGENERAL && max == nil {
			return apperr.New(apperr.Invalid, "一般检查事项必须设定抽查比例上限")
		}
		if cat == inspectionitem.CategoryKEY && max != nil {
			return apperr.New(CodeKeyItemRatioCap, "重点检查事项的抽查比例不设上限，请去掉比例上限（%.4g）", *max)
		}
		if min != nil && max != nil && *min > *max {
			return apperr.New(apperr.Invalid, "抽查比例下限 %.4g 大于上限 %.4g", *min, *max)
		}
		return nil
	}
	cat, catSet := im.Category()
	minV, minSet := im.RatioMin()
	maxV, maxSet := im.RatioMax()
	if m.Op().Is(ent.OpCreate) {
		return check(cat, ptr(minV, minSet), ptr(maxV, maxSet))
	}
	for _, o := range olds {
		c, lo, hi := o.Category, o.RatioMin, o.RatioMax
		if catSet {
			c = cat
		}
		if minSet {
			lo = &minV
		} else if im.RatioMinCleared() {
			lo = nil
		}
		if maxSet {
			hi = &maxV
		} else if im.RatioMaxCleared() {
			hi = nil
		}
		if err := check(c, lo, hi); err != nil {
			return fmt.Errorf("事项 %s：%w", o.Code, err)
		}
	}
	return nil
}

func ptr(v float64, ok bool) *float64 {
	if !ok {
		return nil
	}
	return &v
}

func checkRule(ctx context.Context, m ent.Mutation) error {
	rm := m.(*ent.ImplementationRuleMutation)
	client := rm.Client()
	var itemIDs []int
	if id, ok := rm.ItemID(); ok {
		itemIDs = append(itemIDs, id)
	}
	if !m.Op().Is(ent.OpCreate) {
		ids, err := rm.IDs(ctx)
		if err != nil {
			return err
		}
		rules, err := client.ImplementationRule.Query().Where(implementationrule.IDIn(ids...)).All(ctx)
		if err != nil {
			return err
		}
		for _, r := range rules {
			itemIDs = append(itemIDs, r.ItemID)
		}
	}
	for _, id := range itemIDs {
		it, err := client.InspectionItem.Query().Where(inspectionitem.ID(id)).WithItemList().Only(ctx)
		if err != nil {
			return err
		}
		if v := it.Edges.ItemList; !editable(v.Status) {
			return notEditable(v)
		}
	}
	return nil
}

// CheckUsable enforces "no item, no inspection": a task or plan may only use items of the
// current published version of a list (CurrentVersions: effective dates honoured).
func CheckUsable(ctx context.Context, client *ent.Client, itemIDs ...int) error {
	if len(itemIDs) == 0 {
		return nil
	}
	items, err := client.InspectionItem.Query().Where(inspectionitem.IDIn(itemIDs...)).WithItemList().All(ctx)
	if err != nil {
		return err
	}
	if len(items) != len(dedup(itemIDs)) {
		return apperr.New(apperr.NotFound, "引用的抽查事项不存在")
	}
	// The current version at the business time (current.go): a version published with a later
	// effective date is not usable before that date, the one it replaces is until then.
	return usableAt(ctx, client, clock.Now(ctx), items)
}

func dedup(ids []int) map[int]bool {
	m := map[int]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func checkTaskItem(ctx context.Context, m ent.Mutation) error {
	tm := m.(*ent.TaskItemMutation)
	if id, ok := tm.ItemID(); ok {
		return CheckUsable(ctx, tm.Client(), id)
	}
	return nil
}

func checkPlanBatch(ctx context.Context, m ent.Mutation) error {
	pm := m.(*ent.PlanBatchMutation)
	if err := CheckUsable(ctx, pm.Client(), pm.ItemsIDs()...); err != nil {
		return err
	}
	// The planned ratio is checked against the caps of the 一般检查事项 when the batch is made,
	// not only at the draw's freeze.
	ratio, ok := pm.PlannedRatio()
	itemIDs := pm.ItemsIDs()
	if !ok && len(itemIDs) == 0 {
		return nil
	}
	if !m.Op().Is(ent.OpCreate) {
		ids, err := pm.IDs(ctx)
		if err != nil {
			return err
		}
		bs, err := pm.Client().PlanBatch.Query().Where(planbatch.IDIn(ids...)).WithItems().All(ctx)
		if err != nil {
			return err
		}
		for _, b := range bs {
			r := ratio
			if !ok {
				if b.PlannedRatio == nil {
					continue
				}
				r = *b.PlannedRatio
			}
			all := append([]int(nil), itemIDs...)
			for _, it := range b.Edges.Items {
				all = append(all, it.ID)
			}
			if err := ratioWithinCaps(ctx, pm.Client(), r, all); err != nil {
				return err
			}
		}
		return nil
	}
	if !ok {
		return nil
	}
	return ratioWithinCaps(ctx, pm.Client(), ratio, itemIDs)
}

func ratioWithinCaps(ctx context.Context, client *ent.Client, ratio float64, itemIDs []int) error {
	if len(itemIDs) == 0 {
		return nil
	}
	items, err := client.InspectionItem.Query().Where(inspectionitem.IDIn(itemIDs...),
		inspectionitem.CategoryEQ(inspectionitem.CategoryGENERAL), inspectionitem.RatioMaxNotNil()).All(ctx)
	if err != nil {
		return err
	}
	for _, it := range items {
		if ratio > *it.RatioMax {
			return apperr.New(CodeRatioOverCap, "计划抽查比例 %.4g 超过一般检查事项“%s”（%s）的比例上限 %.4g", ratio, it.Name, it.Code, *it.RatioMax)
		}
	}
	return nil
}

// checkPrevious keeps a list's chain of versions within its department.
func checkPrevious(ctx context.Context, lm *ent.ItemListMutation) error {
	prev, ok := lm.PreviousID()
	if !ok {
		return nil
	}
	dep, depSet := lm.DepartmentID()
	if !depSet {
		ids, err := lm.IDs(ctx)
		if err != nil {
			return err
		}
		ls, err := lm.Client().ItemList.Query().Where(itemlist.IDIn(ids...)).All(ctx)
		if err != nil {
			return err
		}
		for _, l := range ls {
			if err := samePrevious(ctx, lm.Client(), prev, l.DepartmentID); err != nil {
				return err
			}
		}
		return nil
	}
	return samePrevious(ctx, lm.Client(), prev, dep)
}

func samePrevious(ctx context.Context, client *ent.Client, prevID, departmentID int) error {
	p, err := client.ItemList.Get(ctx, prevID)
	if ent.IsNotFound(err) {
		return apperr.New(apperr.NotFound, "上一版本清单不存在")
	} else if err != nil {
		return err
	}
	if p.DepartmentID != departmentID {
		return apperr.New(CodePreviousOtherDepartment, "清单版本只能接续本部门的清单：上一版本“%s”属于其他部门", p.Name)
	}
	return nil
}

// StatusName is the Chinese name of a list status.
func StatusName(s itemlist.Status) string {
	switch s {
	case itemlist.StatusDRAFT:
		return "草稿"
	case itemlist.StatusFILED:
		return "已报备案"
	case itemlist.StatusACKNOWLEDGED:
		return "备案已确认"
	case itemlist.StatusRETURNED:
		return "备案被退回"
	case itemlist.StatusPUBLISHED:
		return "已公示"
	case itemlist.StatusSUPERSEDED:
		return "已被新版本取代"
	}
	return string(s)
}
