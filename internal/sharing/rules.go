// Package sharing enforces the sharing catalogue (共享目录, design.md §5): for every field of every
// record, who may read it. The classes are declared next to each field in the ent schema
// (package class) and collected by `go generate` into ent.SharingCatalog; Decide is the one rule,
// used by the GraphQL field middleware, the exports and every other read path.
package sharing

import (
	"slices"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/sharing/class"
	"github.com/ssgk/ssgk/internal/viewer"
)

// CodeForbiddenField is the error code of a field the viewer may not read.
const CodeForbiddenField = "FORBIDDEN_FIELD"

// Rule is the declared class of one field (ent.SharingRule).
type Rule = ent.SharingRule

// adminTypes are the records a system administrator manages (separation of duties: accounts
// and tokens, not business data); it also reads the PUBLIC and SHARED fields of the
// departments they belong to (adminRows).
var adminTypes = map[string]bool{ent.TypeAccount: true, ent.TypeApiToken: true}

// adminRows are the types whose rows a system administrator sees.
var adminRows = map[string]bool{ent.TypeAccount: true, ent.TypeApiToken: true, ent.TypeDepartment: true}

// businessRoles may read CONDITIONAL and PRIVATE fields of their own department's records (and
// CONDITIONAL ones under a grant). DASHBOARD and SYSTEM_ADMIN may not: dashboards aggregate what
// is shared, administrators manage accounts.
var businessRoles = []string{viewer.RoleOffice, viewer.RoleDeptAdmin, viewer.RoleInspector, viewer.RoleApprover, viewer.RoleHead, viewer.RoleCreditCenter}

// Grants answers whether the viewer's department holds an approved, unexpired grant for a
// field group of an owning department, and which.
type Grants interface {
	Grant(owner int, group string) (id int, purpose string, ok bool)
}

// NoGrants is the Grants of a viewer that holds none.
var NoGrants Grants = noGrants{}

type noGrants struct{}

func (noGrants) Grant(int, string) (int, string, bool) { return 0, "", false }

// Decision is the outcome of Decide for one field of one record.
type Decision struct {
	Allowed bool
	// CrossDepartment is set when an allowed read of a CONDITIONAL or PRIVATE field crosses a
	// department boundary: it must be written to the access log.
	CrossDepartment bool
	Owner           int // the owning department the decision was made for (0: none)
	GrantID         int
	Purpose         string
	Reason          string // Chinese, for a refusal
}

// Lookup returns the declared rule of a GraphQL field of an entity type (or of an extension
// field declared in Extensions). Unknown fields are PRIVATE and undeclared.
func Lookup(typ, field string) (Rule, bool) {
	if fields, ok := ent.SharingCatalog[typ]; ok {
		if r, ok := fields[field]; ok {
			return r, true
		}
	}
	if r, ok := Extensions[typ][field]; ok {
		return r, true
	}
	return Rule{Class: string(class.PrivateClass), Name: field}, false
}

// Decide is the sharing rule: may viewer v read a field with rule r of a record of type typ
// owned by the departments owners?
//
//   - an operator command (SYSTEM viewer) reads everything;
//   - a system administrator (SYSTEM_ADMIN and no other role) reads accounts and tokens only —
//     not even PUBLIC business fields: separation of duties (the portal is there for what the
//     public reads);
//   - PUBLIC fields: anyone who can see the record (row policies keep unpublished records from
//     the public);
//   - the anonymous public reads nothing else;
//   - SHARED fields: any authenticated department viewer;
//   - CONDITIONAL and PRIVATE fields need a business role (not DASHBOARD alone); then the owning
//     department reads them, and — CONDITIONAL only — a department holding an approved,
//     unexpired grant for the field's group of one of the owners.
func Decide(v *viewer.Viewer, typ string, r Rule, owners []int, grants Grants) Decision {
	c := class.Class(r.Class)
	switch {
	case v != nil && v.Kind == viewer.System:
		return Decision{Allowed: true}
	case OnlySystemAdmin(v):
		if adminTypes[typ] || typ == ent.TypeDepartment && (c == class.PublicClass || c == class.SharedClass) {
			return Decision{Allowed: true}
		}
		return Decision{Reason: "系统管理员只管理账号，不能查看业务数据（职责分离）"}
	case c == class.PublicClass:
		return Decision{Allowed: true}
	case v.IsAnonymous():
		return Decision{Reason: "公众只能查看公开字段"}
	case c == class.SharedClass:
		return Decision{Allowed: true}
	case !hasAny(v, businessRoles):
		return Decision{Reason: "该角色只能查看公开和无条件共享的字段"}
	}
	if v.DepartmentID != 0 && slices.Contains(owners, v.DepartmentID) {
		return Decision{Allowed: true, Owner: v.DepartmentID}
	}
	if c == class.ConditionalClass && grants != nil {
		for _, o := range owners {
			if id, purpose, ok := grants.Grant(o, r.Group); ok {
				return Decision{Allowed: true, CrossDepartment: true, Owner: o, GrantID: id, Purpose: purpose}
			}
		}
		return Decision{Reason: "有条件共享字段：须由数据所属部门批准共享申请（字段组 " + r.Group + "）"}
	}
	return Decision{Reason: "不予共享字段：仅数据所属部门可以查看"}
}

// Restricted reports whether the class needs an ownership decision (CONDITIONAL or PRIVATE).
func Restricted(r Rule) bool {
	c := class.Class(r.Class)
	return c == class.ConditionalClass || c == class.PrivateClass
}

// OnlySystemAdmin reports whether the viewer is a system administrator and nothing else: it
// manages accounts and tokens and reads no business data.
func OnlySystemAdmin(v *viewer.Viewer) bool { return onlyRoles(v, viewer.RoleSystemAdmin) }

func onlyRoles(v *viewer.Viewer, roles ...string) bool {
	if v == nil || len(v.Roles) == 0 {
		return false
	}
	for _, r := range v.Roles {
		if !slices.Contains(roles, r) {
			return false
		}
	}
	return true
}

func hasAny(v *viewer.Viewer, roles []string) bool {
	for _, r := range roles {
		if v.HasRole(r) {
			return true
		}
	}
	return false
}
