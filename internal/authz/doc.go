package authz

//go:generate go run ../../tools/authzdoc ../../docs/authorisation.md

import (
	"fmt"
	"sort"
	"strings"

	"github.com/ssgk/ssgk/internal/viewer"
)

var scopeLabels = map[Scope]string{
	Anyone: "任何人",
	Own:    "本部门的数据（办公室：所有部门）",
	All:    "所有部门",
	Self:   "本人",
}

// Markdown renders docs/authorisation.md from Rules and the entity writes: the document the
// write matrix test (internal/acceptance) checks the code against is the table the code
// enforces, so they cannot drift (a test compares the committed file with this output).
func Markdown() string {
	var b strings.Builder
	b.WriteString(docHead)
	b.WriteString("\n## 角色\n\n| 角色 | 名称 | 说明 |\n|---|---|---|\n")
	for _, r := range viewer.AllRoles {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", r, viewer.RoleLabel(r), roleNotes[r])
	}
	b.WriteString("\n## 写操作规则（authz.Rules）\n\n每个 GraphQL 变更、导入和命令行命令属于且只属于下表中的一项操作。“办理范围”为“本部门的数据”时，" +
		"只能办理“数据归属”一栏所述部门的数据；办公室角色（若在可办理角色之列）可办理所有部门的数据。\n\n")
	b.WriteString("| 操作 | 可办理的角色 | 办理范围 | 数据归属 | 其他部门 | GraphQL 变更 | 命令行 |\n|---|---|---|---|---|---|---|\n")
	for _, r := range Rules {
		roles := "任何人"
		if len(r.Roles) > 0 {
			roles = roleLabels(r.Roles)
		}
		fmt.Fprintf(&b, "| %s（`%s`） | %s | %s | %s | %s | %s | %s |\n", r.Label, r.Action, roles, scopeLabels[r.Scope], r.Owner, r.Others,
			codeList(r.Mutations), codeList(r.Commands))
	}
	b.WriteString("\n## 实体写入（通用新增、修改）\n\n没有经过上表业务操作的写入，按实体类型确定操作并核对修改前后的归属部门；下表以外的实体只能经业务操作写入，" +
		"直接写入一律拒绝（`FORBIDDEN`）。批量修改、删除只能由运维命令执行。\n\n| 实体 | 操作 | 归属部门 |\n|---|---|---|\n")
	types := make([]string, 0, len(entityActions))
	for t := range entityActions {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", t, RuleOf(entityActions[t]).Label, entityOwners[t])
	}
	b.WriteString(docTail)
	return b.String()
}

func codeList(list []string) string {
	if len(list) == 0 {
		return "—"
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = "`" + s + "`"
	}
	return strings.Join(out, "、")
}

var roleNotes = map[string]string{
	viewer.RoleOffice:       "联席会议办公室：备案决定、线索分派与专项检查决定；可办理所有部门的业务操作（结果录入、审核与更正除外：谁检查、谁录入、谁公开）",
	viewer.RoleDeptAdmin:    "本部门的两库、清单、计划、任务与抽取，结果录入",
	viewer.RoleInspector:    "录入本部门的检查结果与证据，办理后续处置与线索；不办理决定监管的操作（抽取、备案、确认、审批、公示）",
	viewer.RoleApprover:     "审核、退回、公示本部门的检查结果",
	viewer.RoleHead:         "更正本部门已公示的结果（本人签名），报送备案、公示清单与计划、两库确认、审批共享",
	viewer.RoleCreditCenter: "只读（申请、撤销共享与保存查询除外）",
	viewer.RoleDashboard:    "只读公开和无条件共享的字段（保存查询除外）",
	viewer.RoleSystemAdmin:  "只管理账号与令牌；不读写任何业务数据，公开字段也不读（公众请用公示网站）",
}

var entityOwners = map[string]string{
	"Account":            "系统管理员管理所有部门的账号",
	"ApiToken":           "系统管理员管理所有部门的令牌",
	"Conflict":           "检查人员所属部门",
	"Department":         "联席会议办公室",
	"ImplementationRule": "事项所在清单的部门",
	"InspectionItem":     "清单所属部门",
	"Inspector":          "所属部门（修改前后）",
	"ItemList":           "所属部门（修改前后）",
	"Plan":               "所属部门（修改前后）",
	"PlanBatch":          "计划所属部门",
	"Target":             "修改前收录它的部门；所加入、移出的分库须属本部门；联系方式属登记它的部门",
	"TargetLibrary":      "所属部门（修改前后）；收录任何对象",
}

const docHead = `# 授权：谁可以读写什么

<!-- 本文件由 go generate ./internal/authz 从 internal/authz（Rules 等）生成，请勿手工修改。 -->

本文件说明写操作的归属模型与角色规则，以及它们与读规则（字段共享类别、行可见性）的关系。
读写规则各只有一处实现：写规则在 ` + "`internal/authz`" + `（本表），字段读规则在 ` + "`internal/sharing`" + `
（` + "`ent/schema`" + ` 中紧挨字段声明的共享类别），行可见性在 ` + "`internal/sharing/rows.go`" + `。GraphQL、导入、
导出、命令行、信用中心接口与公示网站都经过它们。运维命令（` + "`ssgk import`" + ` 等，以 SYSTEM 身份运行）
不受角色限制，但仍经过同样的值规则（如联系方式的登记部门）并写入审计日志。

## 归属模型

- **检查人员**属于其部门；**回避关系**属于检查人员所属部门（企业申请的回避由该部门登记），只有它能撤销，撤销须写明原因（` + "`endedReason`" + `），记入审计日志。
- **检查对象**是共享的基础数据，属于收录它的分库所在部门（可多个）。只有**修改前**已收录它的部门可以修改其字段；
  任何部门可以把对象加入**本部门**的分库（谁审批谁监管），由此成为收录部门，但**不会因此获得其他部门登记的值**：
  对象的有条件共享字段（联系人、联系电话、法定代表人电话）属于**登记它们的部门**（` + "`contactDepartmentID`" + `），
  只有该部门（或办公室）能修改；其他部门（包括后来收录它的部门）须申请“contact”字段组的共享才能读取。
  批量导入时，此前不在本部门分库中的已有对象只加入分库、不改其字段，导入结果中单独计数。
  （本版本以前登记、未记录登记部门的联系方式，仍以收录部门为归属，直到被重新登记。）
- **清单、计划、两库确认**属于编制它的部门；**备案决定**属于办公室。
- **任务**与其**抽取**属于发起部门（牵头部门）；参与部门在结果公示前只能看到本任务的名单与检查组。
- **检查结果**、其事项、证据与后续处置属于实施检查并录入的部门（谁检查、谁录入、谁公开）；**更正**须该部门负责人本人签名。
- **线索**属于承办部门；线索聚集属于事项所属部门；**共享申请**属于申请部门与数据所属部门；**访问日志**属于数据所属部门与读取部门。

## 读规则摘要

- 字段：公开（任何人，仅限已公示的记录）、无条件共享（任何部门用户）、有条件共享（所属部门，及持有已批准、未过期申请的部门）、
  不予共享（仅所属部门）。系统管理员除账号、令牌外什么也不读；数据看板只读公开和无条件共享字段。
- 行：未公示的结果（及其事项、证据、后续处置）只有任务相关部门与办公室可见；抽中的对象与检查组在其结果公示或抽取揭示前
  只有任务相关部门与办公室可见，回避与替换事件同样；线索、审计日志只有所属部门的工作角色与办公室可见；共享申请与访问日志
  只有相关部门（含信用中心）与办公室可见。行规则同样作用于任何 ` + "`hasXWith`" + ` 筛选（由 ` + "`@rowRule`" + ` 指令在每条经关系
  进入这些实体的筛选上套用），计数只计可见的行；不能携带规则的 ` + "`hasX: Boolean`" + ` 筛选只对办公室开放。
- 字段被拒时该处为 null；同一字段在一次响应中只报告一次错误（` + "`extensions.count`" + ` 为被拒处数，` + "`paths`" + ` 列出前几处）。
  变更的响应同样遵循读规则，不会因为选择了无权查看的字段而撤销已允许的写入。
`

const docTail = `
## 如何保证

- 每个业务操作（领域包中的动词）在写入前调用 ` + "`authz.Require(ctx, 操作, 归属部门…)`" + `，通过后其写入带有授权标记；
  写入钩子（` + "`authz.WriteHook`" + `，由 ` + "`hub.Open`" + ` 安装在客户端上）对没有标记的写入按上面的实体表核对，其余一律拒绝。
  因此任何绕过业务操作、直接用 ent 写入的代码路径都会被拒绝。
- ` + "`internal/acceptance/writes_test.go`" + ` 从 GraphQL 模式生成写矩阵：每个变更 × 每个角色 × 归属部门 / 其他部门 /
  持有共享授权的其他部门，期望结果取自本表；被拒的请求不得留下任何写入。新增变更若没有本表中的规则或没有测试样例，测试失败。
- ` + "`internal/acceptance/rows_test.go`" + ` 从模式生成筛选路径矩阵：每条经关系进入按行限制实体的筛选都带 ` + "`@rowRule`" + `，
  且对看不到相应行的部门计数为零。
`
