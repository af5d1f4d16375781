// Package accounts manages people's accounts and department systems' API tokens through
// GraphQL (the operator's CLI, ssgk admin …, stays): the office, a department administrator or a
// system administrator acts within their department (the office for every department), and
// nobody hands out a role above their own — a department administrator grants department roles
// only, the office every role but SYSTEM_ADMIN.
package accounts

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/account"
	"github.com/ssgk/ssgk/ent/apitoken"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// CodeRoleNotGrantable refuses handing out (or touching an account or token holding) a role the
// viewer may not grant.
const CodeRoleNotGrantable = "ROLE_NOT_GRANTABLE"

// departmentRoles are the roles a department administrator may grant.
var departmentRoles = []string{viewer.RoleDeptAdmin, viewer.RoleInspector, viewer.RoleApprover, viewer.RoleHead, viewer.RoleDashboard}

// grantable reports whether v may hand out role.
func grantable(v *viewer.Viewer, role string) bool {
	switch {
	case v.Kind == viewer.System, v.HasRole(viewer.RoleSystemAdmin):
		return true
	case v.HasRole(viewer.RoleOffice):
		return role != viewer.RoleSystemAdmin
	case v.HasRole(viewer.RoleDeptAdmin):
		return slices.Contains(departmentRoles, role)
	}
	return false
}

func checkRoles(v *viewer.Viewer, roles []string) error {
	for _, r := range roles {
		if !slices.Contains(viewer.AllRoles, r) {
			return apperr.New(apperr.Invalid, "未知角色“%s”", r)
		}
		if !grantable(v, r) {
			return apperr.New(CodeRoleNotGrantable, "无权授予或管理角色“%s”（%s）", r, viewer.RoleLabel(r))
		}
	}
	return nil
}

// system is ctx read as an operator command: accounts and tokens are private records, found
// first and then authorised by their department.
func system(ctx context.Context) context.Context {
	return viewer.NewContext(ctx, viewer.NewSystem("accounts"))
}

// Input is a new person's account.
type Input struct {
	Username, DisplayName, Password string
	DepartmentID                    int
	Roles                           []string
}

// Create creates a person's account in a department.
func Create(ctx context.Context, client *ent.Client, svc *auth.Service, in Input) (*ent.Account, error) {
	wctx, err := authz.Require(ctx, authz.ManageAccounts, in.DepartmentID)
	if err != nil {
		return nil, err
	}
	if err := checkRoles(viewer.FromContext(ctx), in.Roles); err != nil {
		return nil, err
	}
	if strings.TrimSpace(in.Username) == "" || strings.TrimSpace(in.DisplayName) == "" {
		return nil, apperr.New(apperr.Invalid, "请填写登录名和姓名")
	}
	dep, err := client.Department.Get(system(ctx), in.DepartmentID)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "部门不存在")
	} else if err != nil {
		return nil, err
	}
	if n, err := client.Account.Query().Where(account.Username(in.Username)).Count(system(ctx)); err != nil {
		return nil, err
	} else if n > 0 {
		return nil, apperr.New(apperr.Invalid, "登录名“%s”已被使用", in.Username)
	}
	return svc.CreateAccount(wctx, in.Username, in.DisplayName, in.Password, dep.Code, in.Roles)
}

// SetActive enables or disables an account of the viewer's department.
func SetActive(ctx context.Context, client *ent.Client, id int, active bool) (*ent.Account, error) {
	var out *ent.Account
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		a, err := tx.Account.Get(system(ctx), id)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "账号不存在")
		} else if err != nil {
			return err
		}
		wctx, err := authz.Require(ctx, authz.ManageAccounts, a.DepartmentID)
		if err != nil {
			return err
		}
		v := viewer.FromContext(ctx)
		if err := checkRoles(v, a.Roles); err != nil {
			return err
		}
		if !active && v.AccountID == a.ID {
			return apperr.New(apperr.Invalid, "不能停用自己的账号")
		}
		out, err = tx.Account.UpdateOneID(id).SetActive(active).Save(wctx)
		return err
	})
	return out, err
}

// IssuedToken is a new API token: the plaintext is shown once and never stored.
type IssuedToken struct {
	Token    string
	APIToken *ent.ApiToken
}

// CreateToken issues an API token for a department system.
func CreateToken(ctx context.Context, client *ent.Client, svc *auth.Service, departmentID int, name string, roles []string, expires *time.Time) (*IssuedToken, error) {
	wctx, err := authz.Require(ctx, authz.ManageAccounts, departmentID)
	if err != nil {
		return nil, err
	}
	if err := checkRoles(viewer.FromContext(ctx), roles); err != nil {
		return nil, err
	}
	if strings.TrimSpace(name) == "" {
		return nil, apperr.New(apperr.Invalid, "请填写令牌名称（用途）")
	}
	if expires != nil && !expires.After(clock.Now(ctx)) {
		return nil, apperr.New(apperr.Invalid, "失效时间须晚于现在")
	}
	dep, err := client.Department.Get(system(ctx), departmentID)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "部门不存在")
	} else if err != nil {
		return nil, err
	}
	plain, tok, err := svc.CreateToken(wctx, dep.Code, name, roles, expires)
	if err != nil {
		return nil, err
	}
	return &IssuedToken{Token: plain, APIToken: tok}, nil
}

// RevokeToken revokes an API token of the viewer's department; revoking twice is refused.
func RevokeToken(ctx context.Context, client *ent.Client, id int) (*ent.ApiToken, error) {
	var out *ent.ApiToken
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		t, err := tx.ApiToken.Query().Where(apitoken.ID(id)).Only(system(ctx))
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "令牌不存在")
		} else if err != nil {
			return err
		}
		wctx, err := authz.Require(ctx, authz.ManageAccounts, t.DepartmentID)
		if err != nil {
			return err
		}
		if err := checkRoles(viewer.FromContext(ctx), t.Roles); err != nil {
			return err
		}
		if t.RevokedAt != nil {
			return apperr.New(apperr.Invalid, "令牌已吊销")
		}
		out, err = tx.ApiToken.UpdateOneID(id).SetRevokedAt(clock.Now(ctx)).Save(wctx)
		return err
	})
	return out, err
}
