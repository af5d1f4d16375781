// Package authz decides what a viewer may do. The write rules (Rules, policy.go) apply on every
// path that changes data — GraphQL, CLI, import, bulk inserts — through two doors that meet in
// this package:
//
//   - a workflow (a domain package's verb: save a result, freeze a draw, decide a filing) calls
//     Require with its action and the owning department before it writes; its writes then carry
//     the mark;
//   - every other write is an entity write (the generic create and update mutations of targets,
//     libraries, inspectors, conflicts, lists, departments): the write hook (WriteHook, installed
//     on the client by hub.Open) finds its action from the entity type and checks the roles and
//     the ownership of the record before and after the change, edges included. A write of any
//     other type without a workflow's mark is refused: no code path can skip the rules by
//     writing through ent directly.
//
// Field-level read rules (sharing classes) build on the same viewer (package sharing).
package authz

import (
	"context"
	"strings"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/conflict"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/viewer"
)

// entityActions are the actions of the entity writes (generic create and update mutations).
var entityActions = map[string]Action{
	ent.TypeDepartment:         ManageDepartments,
	ent.TypeTarget:             EditTargets,
	ent.TypeTargetLibrary:      EditLibraries,
	ent.TypeInspector:          EditInspectors,
	ent.TypeConflict:           DeclareConflicts,
	ent.TypeItemList:           EditItems,
	ent.TypeInspectionItem:     EditItems,
	ent.TypeImplementationRule: EditItems,
	ent.TypePlan:               EditPlans,
	ent.TypePlanBatch:          EditPlans,
	ent.TypeAccount:            ManageAccounts,
	ent.TypeApiToken:           ManageAccounts,
}

// EntityAction returns the action of an entity write of the type, if the type has one.
func EntityAction(typ string) (Action, bool) {
	a, ok := entityActions[typ]
	return a, ok
}

// WriteHook applies the write rules to every mutation (see the package comment).
func WriteHook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			ctx, err := CheckWrite(ctx, viewer.FromContext(ctx), m)
			if err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}
}

// CheckWrite applies the write rules to one mutation and returns the context the rest of the
// mutation (and the writes it causes, such as a target's change record) runs with.
func CheckWrite(ctx context.Context, v *viewer.Viewer, m ent.Mutation) (context.Context, error) {
	switch {
	case m.Type() == ent.TypeAuditEvent, v.Kind == viewer.System:
		// The audit trail follows every write; operator commands may do everything.
		return ctx, nil
	case v.IsAnonymous():
		return ctx, apperr.New(apperr.Unauthenticated, "请先登录或使用接口令牌后再修改数据")
	}
	// Rules on values hold on every path, workflows included.
	if err := checkValues(ctx, v, m); err != nil {
		return ctx, err
	}
	if Authorised(ctx) != "" {
		return ctx, nil // a workflow that passed Require
	}
	a, ok := entityActions[m.Type()]
	if !ok {
		return ctx, apperr.New(apperr.Forbidden, "%s 只能通过相应的业务操作修改", m.Type())
	}
	if !m.Op().Is(ent.OpCreate | ent.OpUpdateOne) {
		return ctx, apperr.New(apperr.Forbidden, "批量修改或删除须由运维命令执行")
	}
	owners, err := ownersOf(ctx, m)
	if err != nil {
		return ctx, err
	}
	for _, o := range owners {
		if err := check(v, a, o, o == nil); err != nil {
			return ctx, err
		}
	}
	return context.WithValue(ctx, authorisedKey{}, a), nil
}

// checkValues applies the rules on the values a write sets, whatever path it comes from:
//
//   - the contact details of a target (contact person, contact phone, legal representative's
//     phone — its CONDITIONAL fields) belong to the department that recorded them
//     (contact_department_id): only it (or the office) changes them; the first department to
//     record them becomes their owner;
//   - a declared conflict (回避) stops applying only with a written reason, kept in the audit
//     trail with the change.
func checkValues(ctx context.Context, v *viewer.Viewer, m ent.Mutation) error {
	switch m := m.(type) {
	case *ent.TargetMutation:
		return checkContact(ctx, v, m)
	case *ent.ConflictMutation:
		active, ok := m.Active()
		if !ok || active {
			return nil
		}
		if m.Op().Is(ent.OpUpdateOne) {
			if old, err := m.OldActive(ctx); err != nil || !old {
				return err
			}
		}
		if reason, _ := m.EndedReason(); strings.TrimSpace(reason) == "" {
			return apperr.New(apperr.Invalid, "撤销回避关系须写明撤销原因（endedReason）")
		}
	}
	return nil
}

// contactFields are a target's contact details (its CONDITIONAL fields).
var contactFields = []string{target.FieldContactPerson, target.FieldContactPhone, target.FieldLegalRepPhone}

func checkContact(ctx context.Context, v *viewer.Viewer, m *ent.TargetMutation) error {
	changed := false
	for _, f := range contactFields {
		nv, set := m.Field(f)
		if !set {
			if m.FieldCleared(f) {
				changed = true
			}
			continue
		}
		if m.Op().Is(ent.OpCreate) {
			changed = changed || nv != ""
			continue
		}
		old, err := m.OldField(ctx, f)
		if err != nil {
			return err
		}
		changed = changed || old != nv
	}
	if !changed {
		return nil
	}
	var recorder *int
	if m.Op().Is(ent.OpUpdateOne) {
		var err error
		if recorder, err = m.OldContactDepartmentID(ctx); err != nil {
			return err
		}
	}
	if given, ok := m.ContactDepartmentID(); ok {
		recorder = &given // a workflow recording for a department (import)
	}
	switch {
	case recorder == nil && v.DepartmentID != 0:
		m.SetContactDepartmentID(v.DepartmentID)
	case recorder == nil:
		return apperr.New(apperr.Forbidden, "登记检查对象的联系方式须以部门身份进行")
	case *recorder != v.DepartmentID && !v.HasRole(viewer.RoleOffice):
		return apperr.New(apperr.Forbidden, "该检查对象的联系方式由其他部门登记，属于该部门：只有该部门或联席会议办公室可以修改（如需查看，请申请共享“contact”字段组）")
	}
	return nil
}

// ownersOf returns, for an entity write, the sets of departments of which the viewer must be
// in each: the record's owners before the change (update), its owners after it (the
// department it is created for or moved to), and the owners of the records an edge change
// links or unlinks (the libraries a target is added to or removed from). A nil set is a record
// no department owns yet (a new target in no library): the viewer's roles decide.
func ownersOf(ctx context.Context, m ent.Mutation) ([][]int, error) {
	sys := viewer.NewContext(ctx, viewer.NewSystem("authz"))
	var out [][]int
	add := func(deps ...int) { out = append(out, deps) }
	if m.Type() == ent.TypeAccount || m.Type() == ent.TypeApiToken || m.Type() == ent.TypeDepartment {
		return [][]int{nil}, nil // scope All: the roles decide
	}
	update := m.Op().Is(ent.OpUpdateOne)
	id := 0
	if update {
		if x, ok := m.(interface{ ID() (int, bool) }); ok {
			id, _ = x.ID()
		}
	}
	switch m := m.(type) {
	case *ent.TargetMutation:
		if update {
			holders, err := TargetHolders(sys, m.Client(), id)
			if err != nil {
				return nil, err
			}
			add(holders...)
		}
		libs := append(m.LibrariesIDs(), m.RemovedLibrariesIDs()...)
		if len(libs) > 0 {
			deps, err := m.Client().TargetLibrary.Query().Where(targetlibrary.IDIn(libs...)).
				Select(targetlibrary.FieldDepartmentID).Ints(sys)
			if err != nil {
				return nil, err
			}
			for _, d := range deps {
				add(d)
			}
		}
	case *ent.ConflictMutation:
		ids := []int{}
		if update {
			old, err := m.Client().Conflict.Query().Where(conflict.ID(id)).Select(conflict.FieldInspectorID).Ints(sys)
			if err != nil {
				return nil, err
			}
			ids = append(ids, old...)
		}
		if nid, ok := m.InspectorID(); ok {
			ids = append(ids, nid)
		}
		for _, iid := range ids {
			deps, err := m.Client().Inspector.Query().Where(inspector.ID(iid)).Select(inspector.FieldDepartmentID).Ints(sys)
			if err != nil {
				return nil, err
			}
			add(deps...)
		}
	case *ent.InspectionItemMutation:
		lists := []int{}
		if update {
			old, err := m.Client().InspectionItem.Query().Where(inspectionitem.ID(id)).Select(inspectionitem.FieldItemListID).Ints(sys)
			if err != nil {
				return nil, err
			}
			lists = append(lists, old...)
		}
		if lid, ok := m.ItemListID(); ok {
			lists = append(lists, lid)
		}
		for _, lid := range lists {
			deps, err := m.Client().ItemList.Query().Where(itemlist.ID(lid)).Select(itemlist.FieldDepartmentID).Ints(sys)
			if err != nil {
				return nil, err
			}
			add(deps...)
		}
	case *ent.PlanBatchMutation:
		plans := []int{}
		if update {
			old, err := m.OldPlanID(ctx)
			if err != nil {
				return nil, err
			}
			plans = append(plans, old)
		}
		if pid, ok := m.PlanID(); ok {
			plans = append(plans, pid)
		}
		for _, pid := range plans {
			deps, err := m.Client().Plan.Query().Where(plan.ID(pid)).Select(plan.FieldDepartmentID).Ints(sys)
			if err != nil {
				return nil, err
			}
			add(deps...)
		}
	case *ent.ImplementationRuleMutation:
		items := []int{}
		if update {
			old, err := m.OldItemID(ctx)
			if err != nil {
				return nil, err
			}
			items = append(items, old)
		}
		if iid, ok := m.ItemID(); ok {
			items = append(items, iid)
		}
		for _, iid := range items {
			deps, err := m.Client().ItemList.Query().Where(itemlist.HasItemsWith(inspectionitem.ID(iid))).
				Select(itemlist.FieldDepartmentID).Ints(sys)
			if err != nil {
				return nil, err
			}
			add(deps...)
		}
	default:
		// Records with a department column belong to that department: before and after.
		if update {
			old, err := m.OldField(ctx, "department_id")
			if err != nil {
				return nil, err
			}
			add(intOf(old))
		}
		if d, ok := m.Field("department_id"); ok {
			add(intOf(d))
		}
	}
	if len(out) == 0 {
		return [][]int{nil}, nil
	}
	return out, nil
}

func intOf(x any) int {
	switch v := x.(type) {
	case int:
		return v
	case *int:
		if v != nil {
			return *v
		}
	}
	return 0
}

// TargetHolders returns the departments whose sub-libraries hold the target: its owners, who
// alone may change it (design.md §5).
func TargetHolders(ctx context.Context, client *ent.Client, targetID int) ([]int, error) {
	return client.TargetLibrary.Query().Where(targetlibrary.HasTargetsWith(target.ID(targetID))).
		Unique(true).Select(targetlibrary.FieldDepartmentID).Ints(ctx)
}

// CheckCreate is the rule for creating a record of type typ that belongs to departmentID (0
// when the type has no department) on a bulk path that inserts without ent builders (import):
// the importing workflow has passed Require; this keeps the department boundary.
func CheckCreate(v *viewer.Viewer, typ string, departmentID int) error {
	switch {
	case typ == ent.TypeAuditEvent, v != nil && v.Kind == viewer.System:
		return nil
	case v.IsAnonymous():
		return apperr.New(apperr.Unauthenticated, "请先登录或使用接口令牌后再修改数据")
	}
	if a, ok := entityActions[typ]; ok {
		if departmentID == 0 {
			return Check(v, a, v.DepartmentID)
		}
		return Check(v, a, departmentID)
	}
	if departmentID != 0 && departmentID != v.DepartmentID && !v.HasRole(viewer.RoleOffice) {
		return apperr.New(apperr.Forbidden, "不能为其他部门新增或修改记录")
	}
	return nil
}
