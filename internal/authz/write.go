// Package authz decides what a viewer may do. This file holds the write rules every mutation
// passes through, whatever path it comes from (GraphQL, CLI, import): they run as an ent hook
// installed by store.Open. Field-level read rules (sharing classes) build on the same viewer.
package authz

import (
	"context"
	"slices"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/viewer"
)

// accountTypes are what a system administrator manages. Separation of duties: a system
// administrator manages accounts and tokens but does not write business data.
var accountTypes = map[string]bool{ent.TypeAccount: true, ent.TypeApiToken: true, ent.TypeAuditEvent: true}

// WriteHook refuses writes by anonymous viewers, business writes by pure system
// administrators, department writes by non-office viewers, and writes to another department's
// records (records with a department_id belong to that department; the office may write all).
func WriteHook() ent.Hook {
	return func(next ent.Mutator) ent.Mutator {
		return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
			if err := CheckWrite(ctx, viewer.FromContext(ctx), m); err != nil {
				return nil, err
			}
			return next.Mutate(ctx, m)
		})
	}
}

// CheckWrite applies the write rules to one mutation: the rules for the record's type and
// department (CheckCreate), then, for updates and deletes, the department the record had.
func CheckWrite(ctx context.Context, v *viewer.Viewer, m ent.Mutation) error {
	newDep := 0
	if d, ok := m.Field("department_id"); ok {
		newDep, _ = d.(int)
	}
	if err := CheckCreate(v, m.Type(), newDep); err != nil || m.Op().Is(ent.OpCreate) {
		return err
	}
	switch {
	case m.Type() == ent.TypeAuditEvent, v.Kind == viewer.System, v.HasRole(viewer.RoleOffice), accountTypes[m.Type()]:
		return nil
	case !hasField(m, "department_id"):
		return nil
	case !m.Op().Is(ent.OpUpdateOne | ent.OpDeleteOne):
		return apperr.New(apperr.Forbidden, "批量修改或删除须由联席会议办公室执行")
	}
	old, err := m.OldField(ctx, "department_id")
	if err != nil {
		return err
	}
	id, _ := old.(int)
	if p, ok := old.(*int); ok && p != nil {
		id = *p // optional department columns (leads, publications)
	}
	if id != v.DepartmentID {
		return apperr.New(apperr.Forbidden, "该记录属于其他部门，不能修改")
	}
	return nil
}

// CheckCreate is the rule for creating a record of type typ that belongs to departmentID (0
// when the type has no department). Bulk paths that insert without ent builders call it.
func CheckCreate(v *viewer.Viewer, typ string, departmentID int) error {
	switch {
	case typ == ent.TypeAuditEvent:
		return nil
	case v.IsAnonymous():
		return apperr.New(apperr.Unauthenticated, "请先登录或使用接口令牌后再修改数据")
	case v.Kind == viewer.System:
		return nil
	}
	if accountTypes[typ] {
		if v.HasRole(viewer.RoleSystemAdmin) {
			return nil
		}
		return apperr.New(apperr.Forbidden, "只有系统管理员可以管理账号和令牌")
	}
	if onlySystemAdmin(v) {
		return apperr.New(apperr.Forbidden, "系统管理员只管理账号，不能修改业务数据（职责分离）")
	}
	office := v.HasRole(viewer.RoleOffice)
	if typ == ent.TypeDepartment && !office {
		return apperr.New(apperr.Forbidden, "只有联席会议办公室可以新增或修改部门")
	}
	if departmentID != 0 && departmentID != v.DepartmentID && !office {
		return apperr.New(apperr.Forbidden, "不能为其他部门新增或修改记录")
	}
	return nil
}

func onlySystemAdmin(v *viewer.Viewer) bool {
	if !v.HasRole(viewer.RoleSystemAdmin) {
		return false
	}
	for _, r := range v.Roles {
		if r != viewer.RoleSystemAdmin {
			return false
		}
	}
	return true
}

// hasField reports whether the mutated entity type has the named column.
func hasField(m ent.Mutation, name string) bool {
	return slices.Contains(ent.TypeColumns[m.Type()], name)
}
