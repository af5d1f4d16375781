package authz

import (
	"context"
	"slices"
	"strings"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Action is one kind of write a viewer asks for: every GraphQL mutation, import and CLI
// command that changes business data performs exactly one (Rules).
type Action string

// The actions. Their roles and scopes are in Rules, the one table that the code, the generated
// docs/authorisation.md and the write matrix test (internal/acceptance) all read.
const (
	Login              Action = "login"
	ManageDepartments  Action = "departments.manage"
	EditTargets        Action = "targets.edit"
	EditLibraries      Action = "libraries.edit"
	EditInspectors     Action = "inspectors.edit"
	DeclareConflicts   Action = "conflicts.declare"
	EditItems          Action = "items.edit"
	SubmitFiling       Action = "filings.submit"
	DecideFiling       Action = "filings.decide"
	PublishList        Action = "lists.publish"
	ConfirmLibraries   Action = "libraries.confirm"
	Import             Action = "import"
	EditPlans          Action = "plans.edit"
	ManageTasks        Action = "tasks.manage"
	RunDraws           Action = "draws.run"
	EnterResults       Action = "results.enter"
	ReviewResults      Action = "results.review"
	CorrectResults     Action = "results.correct"
	EnrollSigningKey   Action = "signing.enroll"
	HandleFollowUps    Action = "followups.handle"
	ReceiveLeads       Action = "leads.receive"
	AssignLeads        Action = "leads.assign"
	HandleLeads        Action = "leads.handle"
	DecideLeadClusters Action = "leadclusters.decide"
	RequestGrants      Action = "grants.request"
	DecideGrants       Action = "grants.decide"
	RevokeGrants       Action = "grants.revoke"
	SaveQueries        Action = "queries.save"
	ManageAccounts     Action = "accounts.manage"
	ReadNotifications  Action = "notifications.read"
)

// Scope says whose records an action may touch.
type Scope string

// Scopes.
const (
	// Anyone: no viewer is needed (logging in).
	Anyone Scope = "ANYONE"
	// Own: records owned by the viewer's department (Owners); the office for every department
	// when OFFICE is among the action's roles.
	Own Scope = "OWN"
	// All: the action's roles act for every department (the office's decisions, accounts).
	All Scope = "ALL"
	// Self: the viewer's own account (a rHead's signing key).
	Self Scope = "SELF"
)

// Rule is the write rule of one action.
type Rule struct {
	Action Action
	Label  string   // Chinese, for messages and the docs
	Roles  []string // the roles that may perform it (any one of them)
	Scope  Scope
	// Owner says, in Chinese, whose records these are (the owning department of the docs'
	// ownership table).
	Owner string
	// Others says, in Chinese, what every other department may do with them.
	Others string
	// Mutations are the GraphQL mutations that perform the action; every mutation of the
	// schema appears in exactly one rule (a test checks it).
	Mutations []string
	// Commands are the CLI commands that perform it (as the operator: a SYSTEM viewer).
	Commands []string
}

var (
	rOffice    = viewer.RoleOffice
	rDeptAdmin = viewer.RoleDeptAdmin
	rInspector = viewer.RoleInspector
	rApprover  = viewer.RoleApprover
	rHead      = viewer.RoleHead
	rCredit    = viewer.RoleCreditCenter
	rDashboard = viewer.RoleDashboard
	rSysAdmin  = viewer.RoleSystemAdmin
)

// Rules is the write-authorisation table (design.md §5: writes follow ownership; separation of
// duties: DASHBOARD and CREDIT_CENTER read, INSPECTOR enters results and decides nothing of
// the regime, SYSTEM_ADMIN manages accounts and tokens and touches no business data).
var Rules = []Rule{
	{Action: Login, Label: "登录", Scope: Anyone, Owner: "—", Others: "任何人可以尝试登录（失败计数与锁定见 README）",
		Mutations: []string{"login"}},
	{Action: ManageDepartments, Label: "新增或修改联席会议成员单位", Roles: []string{rOffice}, Scope: All,
		Owner: "联席会议办公室", Others: "只读", Mutations: []string{"createDepartment", "updateDepartment"}},
	{Action: EditTargets, Label: "新增或修改检查对象", Roles: []string{rOffice, rDeptAdmin}, Scope: Own,
		Owner:     "修改前已在本部门分库中收录该对象的部门（可多个）；有条件共享的联系方式属于登记它的部门",
		Others:    "不能修改；可以把对象加入本部门的分库（由此成为收录部门），但不因此获得其他部门登记的联系方式",
		Mutations: []string{"createTarget", "updateTarget"}, Commands: []string{"ssgk import targets"}},
	{Action: EditLibraries, Label: "新增或修改分库及其收录的对象", Roles: []string{rOffice, rDeptAdmin}, Scope: Own,
		Owner: "分库所属部门", Others: "只读（分库名称与收录关系为无条件共享）",
		Mutations: []string{"createTargetLibrary", "updateTargetLibrary"}},
	{Action: EditInspectors, Label: "新增或修改执法检查人员", Roles: []string{rOffice, rDeptAdmin}, Scope: Own,
		Owner: "人员所属部门", Others: "只读无条件共享字段；身份证号、电话不予共享",
		Mutations: []string{"createInspector", "updateInspector"}, Commands: []string{"ssgk import inspectors"}},
	{Action: DeclareConflicts, Label: "登记或撤销回避关系", Roles: []string{rOffice, rDeptAdmin}, Scope: Own,
		Owner: "检查人员所属部门（企业申请的回避由该部门登记）", Others: "不能登记、修改或撤销；撤销须写明原因，记入审计日志",
		Mutations: []string{"createConflict", "updateConflict"}},
	{Action: EditItems, Label: "编辑抽查事项清单、事项与实施细则", Roles: []string{rOffice, rDeptAdmin}, Scope: Own,
		Owner: "清单所属部门", Others: "只读已公示的版本",
		Mutations: []string{"createItemList", "updateItemList", "createInspectionItem", "updateInspectionItem",
			"createImplementationRule", "updateImplementationRule", "newItemListVersion"}, Commands: []string{"ssgk import items"}},
	{Action: SubmitFiling, Label: "报送备案（清单、年度计划）", Roles: []string{rOffice, rDeptAdmin, rHead}, Scope: Own,
		Owner: "清单或计划所属部门", Others: "不能报送", Mutations: []string{"submitItemList", "submitPlan"}},
	{Action: DecideFiling, Label: "确认或退回备案", Roles: []string{rOffice}, Scope: All,
		Owner: "联席会议办公室", Others: "不能决定", Mutations: []string{"decideFiling"}},
	{Action: PublishList, Label: "公示清单或年度计划", Roles: []string{rOffice, rDeptAdmin, rHead}, Scope: Own,
		Owner: "清单或计划所属部门", Others: "不能公示", Mutations: []string{"publishItemList", "publishPlan"}},
	{Action: ConfirmLibraries, Label: "两库更新确认", Roles: []string{rOffice, rDeptAdmin, rHead}, Scope: Own,
		Owner: "两库所属部门", Others: "不能代为确认", Mutations: []string{"confirmLibraries"}},
	{Action: Import, Label: "批量导入", Roles: []string{rOffice, rDeptAdmin}, Scope: Own,
		Owner: "导入部门（写入本部门的分库、人员库或清单）", Others: "不能向其他部门导入", Mutations: []string{"importFile"},
		Commands: []string{"ssgk import"}},
	{Action: EditPlans, Label: "编制或调整年度抽查计划", Roles: []string{rOffice, rDeptAdmin}, Scope: Own,
		Owner: "计划所属部门", Others: "只读已公示的计划", Mutations: []string{"createPlan", "addPlanBatch", "adjustPlan"}},
	{Action: ManageTasks, Label: "新建、修改或删除草稿、公告、取消抽查任务或开始检查", Roles: []string{rOffice, rDeptAdmin}, Scope: Own,
		Owner: "发起部门（牵头部门）；任务公告后的撤销仅限联席会议办公室，须说明原因并记入透明日志", Others: "参与部门只读任务及本部门的检查组",
		Mutations: []string{"createTask", "updateTask", "deleteTask", "announceTask", "cancelTask", "startInspection"}},
	{Action: RunDraws, Label: "随机抽取（冻结、承诺、抽取、回避重组、替换、揭示）与办结任务", Roles: []string{rOffice, rDeptAdmin}, Scope: Own,
		Owner: "任务的发起部门（同一对象第三次回避须由联席会议办公室办理）", Others: "不能办理；参与部门揭示前只能看到本任务的检查组，看不到种子、抽签值与名次",
		Mutations: []string{"freezeDraw", "commitDraw", "executeDraw", "recuseTeam", "replaceTarget", "revealDraw", "closeTask"}},
	{Action: EnterResults, Label: "录入、提交检查结果与证据", Roles: []string{rDeptAdmin, rInspector}, Scope: Own,
		Owner: "实施检查并录入结果的部门（谁检查、谁录入）", Others: "公示前看不到；公示后只读",
		Mutations: []string{"saveResult", "addEvidence", "submitResult"}},
	{Action: ReviewResults, Label: "审核、退回、公示检查结果", Roles: []string{rApprover}, Scope: Own,
		Owner: "录入结果的部门（谁检查、谁公开）", Others: "不能审核或公示",
		Mutations: []string{"returnResult", "approveResult", "publishResult"}},
	{Action: CorrectResults, Label: "更正已公示的检查结果（负责人签名）", Roles: []string{rHead}, Scope: Own,
		Owner: "录入结果的部门，由其负责人本人签名", Others: "不能更正", Mutations: []string{"correctResult"}},
	{Action: EnrollSigningKey, Label: "登记更正签名密钥", Roles: []string{rHead}, Scope: Self,
		Owner: "负责人本人", Others: "不能代为登记", Mutations: []string{"enrollSigningKey"}},
	{Action: HandleFollowUps, Label: "办理后续处置", Roles: []string{rDeptAdmin, rInspector, rApprover, rHead}, Scope: Own,
		Owner: "公示结果的部门", Others: "只读公开字段", Mutations: []string{"completeFollowUp", "transferCase"}},
	{Action: ReceiveLeads, Label: "接收线索（含批量导入）", Roles: []string{rOffice, rDeptAdmin}, Scope: Own,
		Owner: "承办部门（未指定时为办公室所在部门）", Others: "看不到其他部门的线索",
		Mutations: []string{"receiveLead", "importLeads"}, Commands: []string{"ssgk import leads"}},
	{Action: AssignLeads, Label: "分派线索", Roles: []string{rOffice}, Scope: All,
		Owner: "联席会议办公室", Others: "不能分派", Mutations: []string{"assignLead"}},
	{Action: HandleLeads, Label: "办理线索", Roles: []string{rOffice, rDeptAdmin, rInspector}, Scope: Own,
		Owner: "线索的承办部门", Others: "看不到、不能办理", Mutations: []string{"startLeadHandling", "closeLead"}},
	{Action: DecideLeadClusters, Label: "将线索聚集转为专项检查或不予立项", Roles: []string{rOffice}, Scope: All,
		Owner: "联席会议办公室", Others: "事项所属部门只读", Mutations: []string{"acceptLeadCluster", "dismissLeadCluster"}},
	{Action: RequestGrants, Label: "申请共享有条件共享字段", Roles: []string{rOffice, rDeptAdmin, rHead, rCredit}, Scope: Own,
		Owner: "申请部门", Others: "数据所属部门审批", Mutations: []string{"requestGrant"}},
	{Action: DecideGrants, Label: "批准或拒绝共享申请", Roles: []string{rOffice, rDeptAdmin, rHead}, Scope: Own,
		Owner: "数据所属部门", Others: "申请部门不能自行批准", Mutations: []string{"approveGrant", "refuseGrant"}},
	{Action: RevokeGrants, Label: "撤销共享", Roles: []string{rOffice, rDeptAdmin, rHead, rCredit}, Scope: Own,
		Owner: "数据所属部门或申请部门", Others: "不能撤销", Mutations: []string{"revokeGrant"}},
	{Action: SaveQueries, Label: "保存查询（供看板按编号调用；以调用者身份执行）",
		Roles: []string{rOffice, rDeptAdmin, rInspector, rApprover, rHead, rCredit, rDashboard}, Scope: Own,
		Owner: "保存查询的部门", Others: "可以调用，但以调用者身份执行、受同样的共享规则约束", Mutations: []string{"savePersistedQuery"}},
	{Action: ReadNotifications, Label: "阅知抄告", Roles: []string{rOffice, rDeptAdmin, rInspector, rApprover, rHead}, Scope: Own,
		Owner: "接收抄告的部门", Others: "抄告部门只读阅知时间，不能代为阅知", Mutations: []string{"markNotificationRead"}},
	{Action: ManageAccounts, Label: "管理账号与接口令牌", Roles: []string{rOffice, rDeptAdmin, rSysAdmin}, Scope: Own,
		Owner:     "账号、令牌所属部门（办公室管理所有部门；部门管理员、系统管理员管理本部门；只能授予不高于本人的角色：部门管理员只授予部门角色，办公室不授予系统管理员；系统管理员不能读写业务数据）",
		Others:    "不能管理",
		Mutations: []string{"createAccount", "setAccountActive", "createApiToken", "revokeApiToken"},
		Commands:  []string{"ssgk admin account create", "ssgk admin token create", "ssgk admin token revoke"}},
}

var byAction = func() map[Action]*Rule {
	m := make(map[Action]*Rule, len(Rules))
	for i := range Rules {
		m[Rules[i].Action] = &Rules[i]
	}
	return m
}()

// RuleOf returns the rule of an action.
func RuleOf(a Action) *Rule { return byAction[a] }

// MutationRule returns the rule of a GraphQL mutation.
func MutationRule(name string) (*Rule, bool) {
	for i := range Rules {
		if slices.Contains(Rules[i].Mutations, name) {
			return &Rules[i], true
		}
	}
	return nil, false
}

// Check decides whether viewer v may perform action a on records owned by the given
// departments (for Own; ignored otherwise). Operator commands (SYSTEM viewers) may do
// everything; the anonymous public nothing but log in.
func Check(v *viewer.Viewer, a Action, owners ...int) error {
	return check(v, a, owners, false)
}

// CheckRole is Check for a record no department owns yet: the viewer's roles decide.
func CheckRole(v *viewer.Viewer, a Action) error { return check(v, a, nil, true) }

func check(v *viewer.Viewer, a Action, owners []int, unowned bool) error {
	r := byAction[a]
	if r == nil {
		return apperr.New(apperr.Internal, "未定义的操作 %s", a)
	}
	switch {
	case r.Scope == Anyone, v != nil && v.Kind == viewer.System:
		return nil
	case v.IsAnonymous():
		return apperr.New(apperr.Unauthenticated, "请先登录或使用部门接口令牌后再%s", r.Label)
	case !hasAny(v, r.Roles):
		return apperr.New(apperr.Forbidden, "“%s”须由以下角色办理：%s", r.Label, roleLabels(r.Roles))
	}
	switch {
	case r.Scope == All, r.Scope == Self, unowned && v.DepartmentID != 0:
		return nil
	}
	if v.HasRole(rOffice) && slices.Contains(r.Roles, rOffice) {
		return nil
	}
	if v.DepartmentID == 0 || !slices.Contains(owners, v.DepartmentID) {
		return apperr.New(apperr.Forbidden, "只能%s本部门的数据：这些数据属于%s", r.Label, r.Owner)
	}
	return nil
}

type authorisedKey struct{}

// Require is Check for a workflow: on success it returns ctx marked as authorised for a, so
// that the write hook lets the workflow's own writes (of any record type) through. A write
// that reaches the hook without such a mark is an entity write (a generic create or update)
// and is checked by the hook itself.
func Require(ctx context.Context, a Action, owners ...int) (context.Context, error) {
	if err := Check(viewer.FromContext(ctx), a, owners...); err != nil {
		return ctx, err
	}
	return context.WithValue(ctx, authorisedKey{}, a), nil
}

// Authorised returns the action the context was authorised for by Require ("" if none).
func Authorised(ctx context.Context) Action {
	a, _ := ctx.Value(authorisedKey{}).(Action)
	return a
}

func hasAny(v *viewer.Viewer, roles []string) bool {
	return slices.ContainsFunc(roles, v.HasRole)
}

func roleLabels(roles []string) string {
	out := make([]string, len(roles))
	for i, r := range roles {
		out[i] = viewer.RoleLabel(r)
	}
	return strings.Join(out, "、")
}
