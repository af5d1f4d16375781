// Command ssgk is the 双随机、一公开 data hub: one binary that serves the hub and runs every
// operator task.
//
//	ssgk serve [--demo]           run the hub (GraphQL at /graphql, GraphiQL at /graphiql)
//	ssgk demo                     load the demo data into an empty database
//	ssgk migrate [--to VERSION]   apply database migrations (serve does this on start)
//	ssgk import KIND FILE …       bulk import a spreadsheet (all or nothing by default)
//	ssgk import leads FILE        import leads (CSV, all or nothing)
//	ssgk export KIND …            export a library or list in the import layout
//	ssgk draw verify BUNDLE       re-derive a published draw offline
//	ssgk draw bundle --draw ID    write the verification bundle of a revealed draw
//	ssgk calendar load FILE       load a year of the official holiday arrangement
//	ssgk audit verify             check the audit trail's hash chain and every row against it
//	ssgk ledger verify …          check the transparency log offline (checkpoint, inclusion, consistency)
//	ssgk ledger audit             check the transparency log against the database
//	ssgk admin account create …   create a person's account
//	ssgk admin token create …     issue a department API token (shown once)
//	ssgk admin token revoke …     revoke a token
//	ssgk backup --out DIR         back up the database (SQLite online copy), keys and evidence
//	ssgk restore --from DIR       restore a backup into a new data directory
//	ssgk site show|set …          the portal's site identity (county, sponsor, ICP number …)
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/ssgk/ssgk/internal/apperr"
)

const usage = `ssgk —— “双随机、一公开”监管数据中枢

用法：
  ssgk serve [--demo] [--listen 地址]     启动服务（GraphQL /graphql，GraphiQL /graphiql，/healthz，/metrics）
  ssgk demo                              向空数据库载入演示数据（宁阳县联席会议）
  ssgk migrate [--to 版本]               执行数据库迁移（serve 启动时自动执行）
  ssgk import targets|inspectors|items 文件 --department 部门编码 [--library 分库编码] [--partial] [--report 报告.xlsx] [--create-db]
                                         批量导入（XLSX/CSV，UTF-8/GBK/GB18030 自动识别；默认全部或全不）
  ssgk import leads 文件.csv              批量导入线索（来源、来源编号、接收时间、线索摘要……；全部或全不），并提示达到阈值的专项检查
  ssgk export targets|inspectors|items --department 部门编码 [--library 分库编码] --out 文件.xlsx
                                         按导入格式导出名录库或清单
  ssgk draw verify 验证包.json [--commitment 承诺摘要] [--url 中枢地址 [--save-anchor 文件] | --anchor 文件] [--public-key 公钥]
                                         离线复核随机抽取：重新推导抽取框、承诺、种子、抽中对象与检查组
  ssgk draw bundle --draw 抽取编号 --out 核验包.json
                                         导出已揭示抽取的核验包（亦可从 /draws/编号/bundle.json 下载）
  ssgk calendar load 文件.json | list | deadline 检查结束日期
                                         载入次年节假日安排（国务院通知）、列出已知年份、计算 20 个工作日公示截止日
  ssgk audit verify                      校验审计日志哈希链及每条记录
  ssgk ledger verify --checkpoint 检查点.json [--public-key 公钥] [--old-checkpoint 旧检查点.json --consistency 证明.json]
                     [--record 叶子.json --proof 证明.json]…
                                         离线核验透明日志：检查点签名、公示包含证明、与旧检查点的一致性
  ssgk ledger verify --url http://中枢地址 [--old-checkpoint 旧检查点.json] [--index 叶子序号]… [--save-checkpoint 文件]
                                         下载最新检查点与证明后核验
  ssgk ledger audit                      联机校验透明日志与每条公示记录（被改动的记录即报错）
  ssgk ledger checkpoint [--out 文件] | backfill
                                         签署当前检查点；把启用前的公示补记入透明日志
  ssgk backup --out 目录                  备份：SQLite 数据库的一致副本（可在运行中执行）、ledger.key、session.key、证据文件
                                         （PostgreSQL 另用 pg_dump 导出数据库，见备份目录中的恢复说明）
  ssgk restore --from 目录 [--data-dir 新数据目录]
                                         从备份恢复到新的数据目录（不覆盖现有文件），之后运行 audit verify 与 ledger audit
  ssgk site show | set [--county 县名] [--sponsor 主办单位] [--site-code 网站标识码] [--icp ICP备案号]
                       [--police-record 公安备案号] [--contact 联系方式] [--verifier-url 核验程序下载地址]
                                         查看或设置公示网站的站点信息（页眉、页脚）
  ssgk admin account create --username 用户名 --name 姓名 --department 部门编码 --roles 角色,… [--password-file 文件]
  ssgk admin token create --department 部门编码 --name 名称 [--roles 角色,…] [--days 有效天数]
  ssgk admin token revoke --prefix 令牌前缀

通用参数（亦可用环境变量）：--database-url (DATABASE_URL)  --data-dir (DATA_DIR)
  --log-level (LOG_LEVEL)  --log-format (LOG_FORMAT)  --secret-file (SSGK_SECRET_FILE)
  serve 另有：--listen (LISTEN_ADDR)  --trusted-proxies (TRUSTED_PROXIES)
`

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(2)
		}
		ae := apperr.From(err)
		if ae.Code == apperr.Internal {
			fmt.Fprintf(os.Stderr, "错误：%v\n", err)
		} else {
			fmt.Fprintf(os.Stderr, "错误 [%s]：%s\n", ae.Code, ae.Message)
		}
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	switch args[0] {
	case "serve":
		return cmdServe(ctx, args[1:], stdout, stderr)
	case "demo":
		return cmdDemo(ctx, args[1:], stdout, stderr)
	case "migrate":
		return cmdMigrate(ctx, args[1:], stdout, stderr)
	case "import":
		return cmdImport(ctx, args[1:], stdout, stderr)
	case "export":
		return cmdExport(ctx, args[1:], stdout, stderr)
	case "calendar":
		return cmdCalendar(ctx, args[1:], stdout, stderr)
	case "draw":
		return cmdDraw(ctx, args[1:], stdout, stderr)
	case "audit":
		if len(args) > 1 && args[1] == "verify" {
			return cmdAuditVerify(ctx, args[2:], stdout, stderr)
		}
	case "ledger":
		return cmdLedger(ctx, args[1:], stdout, stderr)
	case "admin":
		return cmdAdmin(ctx, args[1:], stdout, stderr)
	case "backup":
		return cmdBackup(ctx, args[1:], stdout, stderr)
	case "restore":
		return cmdRestore(ctx, args[1:], stdout, stderr)
	case "site":
		return cmdSite(ctx, args[1:], stdout, stderr)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("未知命令：%v", args)
}
