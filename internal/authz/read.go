package authz

import (
	"slices"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/viewer"
)

// CheckDepartmentFiles is the rule for a department's files — import reports and library
// exports, which carry CONDITIONAL fields such as contact phones: the department itself, the
// office, or an operator command. (Field-level sharing for other readers comes with the
// sharing catalogue.)
func CheckDepartmentFiles(v *viewer.Viewer, departmentID int) error {
	switch {
	case v.IsAnonymous():
		return apperr.New(apperr.Unauthenticated, "请先登录或使用部门接口令牌")
	case v.Kind == viewer.System, v.HasRole(viewer.RoleOffice), v.DepartmentID == departmentID:
		return nil
	}
	return apperr.New(apperr.Forbidden, "只能下载本部门的文件")
}

// CheckExport is the rule for exporting a library or list: any department viewer may export any
// department's library; the columns it may not read are left empty by the sharing catalogue
// (package sharing). The public and pure system administrators export nothing.
func CheckExport(v *viewer.Viewer) error {
	switch {
	case v.IsAnonymous():
		return apperr.New(apperr.Unauthenticated, "请先登录或使用部门接口令牌")
	case onlySystemAdmin(v):
		return apperr.New(apperr.Forbidden, "系统管理员只管理账号，不能导出业务数据（职责分离）")
	}
	return nil
}

// onlySystemAdmin reports whether the viewer holds SYSTEM_ADMIN and no other role.
func onlySystemAdmin(v *viewer.Viewer) bool {
	return v.HasRole(viewer.RoleSystemAdmin) && !slices.ContainsFunc(v.Roles, func(r string) bool { return r != viewer.RoleSystemAdmin })
}
