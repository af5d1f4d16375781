// Package viewer describes who is calling: every request and every CLI command carries a
// Viewer in its context. Anonymous is a viewer too. Field-level sharing decisions (PUBLIC /
// SHARED / CONDITIONAL / PRIVATE) are made from it.
package viewer

import (
	"context"
	"slices"
)

// Kind says how the caller authenticated.
type Kind string

// Kinds of viewers.
const (
	Anonymous Kind = "ANONYMOUS" // the public
	Account   Kind = "ACCOUNT"   // a person who logged in
	Token     Kind = "TOKEN"     // a department system with an API token
	System    Kind = "SYSTEM"    // an operator command (ssgk demo, import, admin …)
)

// Roles (design.md §5; separation of duties: SYSTEM_ADMIN manages accounts, not business data).
const (
	RoleOffice       = "OFFICE"
	RoleDeptAdmin    = "DEPT_ADMIN"
	RoleInspector    = "INSPECTOR"
	RoleApprover     = "APPROVER"
	RoleHead         = "HEAD"
	RoleCreditCenter = "CREDIT_CENTER"
	RoleDashboard    = "DASHBOARD"
	RoleSystemAdmin  = "SYSTEM_ADMIN"
)

// AllRoles lists every role, in a stable order.
var AllRoles = []string{RoleOffice, RoleDeptAdmin, RoleInspector, RoleApprover, RoleHead, RoleCreditCenter, RoleDashboard, RoleSystemAdmin}

// roleLabels are the Chinese names of the roles.
var roleLabels = map[string]string{
	RoleOffice: "联席会议办公室", RoleDeptAdmin: "部门管理员", RoleInspector: "检查人员", RoleApprover: "审核人",
	RoleHead: "部门负责人", RoleCreditCenter: "信用中心", RoleDashboard: "数据看板", RoleSystemAdmin: "系统管理员",
}

// RoleLabel is the Chinese name of a role (the role itself when unknown).
func RoleLabel(role string) string {
	if l, ok := roleLabels[role]; ok {
		return l
	}
	return role
}

// Viewer is the caller of one request or command.
type Viewer struct {
	Kind           Kind
	Name           string // username, token name or command
	AccountID      int
	TokenID        int
	DepartmentID   int // 0 when the viewer belongs to no department
	DepartmentCode string
	Roles          []string
	Operation      string // GraphQL operation name or CLI command, for the audit trail
	Purpose        string // the purpose a department system declares for its reads (access log)
}

// HasRole reports whether the viewer holds the role.
func (v *Viewer) HasRole(role string) bool { return v != nil && slices.Contains(v.Roles, role) }

// IsAnonymous reports whether the viewer is the public.
func (v *Viewer) IsAnonymous() bool { return v == nil || v.Kind == Anonymous }

// Actor is the audit-trail name of the viewer, e.g. "account:zhangsan" or "system:ssgk demo".
func (v *Viewer) Actor() string {
	if v == nil {
		return "anonymous"
	}
	switch v.Kind {
	case Account:
		return "account:" + v.Name
	case Token:
		return "token:" + v.Name
	case System:
		return "system:" + v.Name
	}
	return "anonymous"
}

type ctxKey struct{}

// NewContext returns a context carrying v.
func NewContext(ctx context.Context, v *Viewer) context.Context {
	return context.WithValue(ctx, ctxKey{}, v)
}

// FromContext returns the viewer in ctx, or an anonymous viewer when there is none.
func FromContext(ctx context.Context) *Viewer {
	if v, ok := ctx.Value(ctxKey{}).(*Viewer); ok && v != nil {
		return v
	}
	return &Viewer{Kind: Anonymous, Name: "anonymous"}
}

// NewSystem returns the viewer of an operator command.
func NewSystem(command string) *Viewer {
	return &Viewer{Kind: System, Name: command, Operation: command}
}
