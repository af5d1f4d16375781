package demo

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/ssgk/ssgk/ent/account"
	"github.com/ssgk/ssgk/ent/apitoken"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/signing"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Password is the password of every demo account; it is printed on start, never used outside
// demo data.
const Password = "ssgk-demo-2026"

// Account is a demo account.
type Account struct {
	Username, Name, Department string
	Roles                      []string
}

// Accounts are created with the demo data so that a newcomer can log in at once.
var Accounts = []Account{
	{"office", "联席会议办公室", "SCJG", []string{viewer.RoleOffice, viewer.RoleDeptAdmin}},
	{"scjg.inspector", "市场监管局检查员", "SCJG", []string{viewer.RoleInspector}},
	{"scjg.approver", "市场监管局审核人", "SCJG", []string{viewer.RoleApprover}},
	{"scjg.head", "市场监管局负责人", "SCJG", []string{viewer.RoleHead, viewer.RoleApprover}},
	{"wj.admin", "卫健局管理员", "WJ", []string{viewer.RoleDeptAdmin, viewer.RoleInspector}},
	{"wj.approver", "卫健局审核人", "WJ", []string{viewer.RoleApprover}},
	{"credit", "县信用中心", "FG", []string{viewer.RoleCreditCenter}},
	{"sysadmin", "系统管理员", "", []string{viewer.RoleSystemAdmin}},
}

// Token is a demo department system's API token.
type Token struct {
	Department, Name string
	Roles            []string
}

// Tokens are the department systems' API tokens created with the demo data.
var Tokens = []Token{
	{"SCJG", "市场监管业务系统", []string{viewer.RoleDeptAdmin, viewer.RoleInspector}},
	{"WJ", "卫生健康业务系统", []string{viewer.RoleDeptAdmin, viewer.RoleInspector}},
	{"FG", "信用中心同步", []string{viewer.RoleCreditCenter}},
}

// Setup loads the demo data when the database holds no departments, then makes sure the demo
// accounts exist and issues the demo tokens that do not exist yet (a token is shown only when
// it is created); it reports on out and returns the tokens it created, by department code.
// With sampleYear, a freshly loaded demo also runs one year of the regime (RunSampleYear), so
// that the portal and the transparency log show a published joint task, its results and a
// correction on first start. The accounts and tokens are made by the hub's auth service, the
// draw by its draw service.
func Setup(ctx context.Context, h *hub.Hub, out io.Writer, sampleYear bool) (map[string]string, error) {
	client, authSvc := h.Client, h.Auth
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk demo"))
	n, err := client.Department.Query().Count(ctx)
	if err != nil {
		return nil, err
	}
	fresh := n == 0
	if fresh {
		last := ""
		sum, err := Load(ctx, client, Options{Progress: func(step string, done, total int) {
			if step != last {
				fmt.Fprintf(out, "载入演示数据：%s…\n", step)
				last = step
			}
		}})
		if err != nil {
			return nil, err
		}
		fmt.Fprintf(out, "演示数据：%d 个部门、%d 名联席会议成员、%d 个抽查事项、%d 个检查对象（%d 个分库）、%d 名执法检查人员（%d 人证件已过期）、%d 条回避关系\n",
			sum.Departments, sum.Members, sum.Items, sum.Targets, sum.Libraries, sum.Inspectors, sum.ExpiredCertificates, sum.Conflicts)
	} else {
		fmt.Fprintf(out, "数据库已有 %d 个部门，不再载入演示数据。\n", n)
	}
	fmt.Fprintf(out, "\n演示账号（口令均为 %s；登录：mutation { login(username:\"office\", password:\"%s\") { token } }）：\n", Password, Password)
	for _, a := range Accounts {
		exists, err := client.Account.Query().Where(account.Username(a.Username)).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if !exists {
			acc, err := authSvc.CreateAccount(ctx, a.Username, a.Name, Password, a.Department, a.Roles)
			if err != nil {
				return nil, fmt.Errorf("创建演示账号 %s: %w", a.Username, err)
			}
			// A head signs corrections with a key sealed under the head's own password.
			if slices.Contains(a.Roles, viewer.RoleHead) {
				if _, err := signing.Enroll(ctx, client, acc.ID, Password); err != nil {
					return nil, fmt.Errorf("登记演示负责人签名密钥 %s: %w", a.Username, err)
				}
			}
		}
		fmt.Fprintf(out, "  %-16s %-14s 部门 %-5s 角色 %s\n", a.Username, a.Name, a.Department, strings.Join(a.Roles, ","))
	}
	if fresh && sampleYear {
		head, err := client.Account.Query().Where(account.Username("scjg.head")).Only(ctx)
		if err != nil {
			return nil, err
		}
		fmt.Fprintln(out, "\n演示一年的工作：年度计划、部门联合抽查任务的承诺与抽取、结果公示、抽取揭示与一次更正…")
		y, err := RunSampleYear(ctx, client, h.Drawer, head.ID, Password)
		if err != nil {
			return nil, fmt.Errorf("演示年度流程: %w", err)
		}
		fmt.Fprintf(out, "  计划 %s，任务 %s：%d 项结果已公示；抽取 #%d 已揭示（外部熵 %q，承诺摘要 %s），核验包 /draws/%d/bundle.json；更正的企业 %s\n",
			y.PlanNumber, y.TaskNumber, y.Results, y.DrawID, SampleEntropy, y.CommitmentDigest, y.DrawID, y.CorrectedUSCC)
		fmt.Fprintln(out, "  公示网站：/（查询企业、结果、任务与核验说明）；透明日志：/ledger/checkpoint")
	}
	fmt.Fprintln(out, "\n部门接口令牌（只在创建时显示一次；请求头 Authorization: Bearer 令牌）：")
	created := map[string]string{}
	for _, t := range Tokens {
		exists, err := client.ApiToken.Query().Where(apitoken.Name(t.Name), apitoken.RevokedAtIsNil()).Exist(ctx)
		if err != nil {
			return nil, err
		}
		if exists {
			fmt.Fprintf(out, "  %-5s %-10s （已创建过；如需新令牌：ssgk admin token create --department %s --name 名称）\n", t.Department, t.Name, t.Department)
			continue
		}
		plain, _, err := authSvc.CreateToken(ctx, t.Department, t.Name, t.Roles, nil)
		if err != nil {
			return nil, fmt.Errorf("创建演示令牌 %s: %w", t.Name, err)
		}
		created[t.Department] = plain
		fmt.Fprintf(out, "  %-5s %-10s %s\n", t.Department, t.Name, plain)
	}
	fmt.Fprintln(out)
	return created, nil
}
