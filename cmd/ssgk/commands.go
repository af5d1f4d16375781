package main

import (
	"context"
	"io"
	"strings"

	"github.com/urfave/cli/v3"

	"github.com/ssgk/ssgk/internal/viewer"
)

// newApp builds the command tree of ssgk: every command's usage line, description, example and
// flags. The work is done by the functions the commands call (runServe, runImport, …). It is
// built afresh for each run: the library keeps the parsed values in the flags.
func newApp(stdout, stderr io.Writer) *cli.Command {
	root := &cli.Command{
		Name:  "ssgk",
		Usage: "“双随机、一公开”监管数据中枢",
		Description: "一个程序提供中枢服务（GraphQL /graphql，GraphiQL /graphiql，公示网站）并完成全部运维操作。\n" +
			"数据库默认为数据目录中的内置 SQLite，设置 DATABASE_URL（或 --database-url）后使用 PostgreSQL。\n" +
			"每个参数也可用环境变量设置（见各命令的参数说明），变量名_FILE 可指向保存其值的文件。",
		Metadata: map[string]any{"examples": []string{
			"ssgk serve --demo",
			"ssgk import targets 名录.xlsx --department SCJG",
			"ssgk version",
		}},
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		HideVersion:     true,
		StopOnNthArg:    &one,
		// Errors are returned to run's caller, which prints them and picks the exit status.
		ExitErrHandler: func(context.Context, *cli.Command, error) {},
		Commands:       commandList(),
	}
	root.Action = func(ctx context.Context, cmd *cli.Command) error {
		args := cmd.Args().Slice()
		if len(args) == 0 {
			helpPrinter(stderr, "", cmd)
			return errBareCommand
		}
		if args[0] == "help" { // ssgk help [命令 …] is ssgk [命令 …] --help
			target := cmd
			for _, name := range args[1:] {
				sub := target.Command(name)
				if sub == nil {
					return usageErrorf(target, "未知命令 %s", name)
				}
				target = sub
			}
			helpPrinter(stdout, "", target)
			return nil
		}
		return usageErrorf(cmd, "未知命令 %s", args[0])
	}
	_ = root.Walk(func(c *cli.Command) error {
		c.OnUsageError = onUsageError
		c.DisableSliceFlagSeparator = true // --record a,b.json is one file, as before
		return nil
	})
	return root
}

func commandList() []*cli.Command {
	return []*cli.Command{
		leaf(leafSpec{
			name:  "serve",
			usage: "启动中枢服务（GraphQL、GraphiQL、公示网站、/healthz）",
			desc: "打开数据库（执行未执行的迁移）并在 --listen 地址上提供服务；收到 SIGTERM 或 Ctrl-C 时停止。\n" +
				"/metrics 与 /debug/pprof/ 在管理端口 ADMIN_LISTEN_ADDR 上；请求与上传限制见 README“限制与安全设置”。",
			examples: []string{
				"ssgk serve --demo",
				"DATABASE_URL_FILE=/run/secrets/db ssgk serve --listen 0.0.0.0:8080 --log-format json",
			},
			flags: withCommon(
				&cli.StringFlag{Name: "listen", Usage: "监听地址；环境变量 LISTEN_ADDR", DefaultText: "127.0.0.1:8080"},
				&cli.StringFlag{Name: "trusted-proxies", Usage: "可信反向代理的地址或网段（逗号分隔），其 X-Forwarded-For 才作为客户端地址；环境变量 TRUSTED_PROXIES"},
				&cli.BoolFlag{Name: "demo", Usage: "数据库为空时载入演示数据，并打印演示账号和令牌"},
				&cli.StringFlag{Name: "addr-file", Usage: "启动后把实际监听地址写入此文件（端口为 0 时便于测试）"},
			),
			run: func(ctx context.Context, c *call) error {
				cfg := c.config()
				cfg.pick(c.cmd, &cfg.ListenAddr, "listen", "LISTEN_ADDR", "127.0.0.1:8080")
				if c.IsSet("trusted-proxies") {
					cfg.TrustedProxies = c.String("trusted-proxies")
				}
				return runServe(ctx, cfg, serveFlags{Demo: c.Bool("demo"), AddrFile: c.String("addr-file")}, c.stdout, c.stderr)
			},
		}),
		leaf(leafSpec{
			name:     "demo",
			usage:    "向空数据库载入演示数据（宁阳县联席会议）",
			desc:     "载入演示用的部门、名录、人员、事项清单、年度计划与任务，并打印演示账号和接口令牌。只用于体验和测试。",
			examples: []string{"ssgk demo --data-dir /tmp/ssgk-demo"},
			flags:    commonFlags(),
			run: func(ctx context.Context, c *call) error {
				return runDemo(ctx, c.config(), c.stdout)
			},
		}),
		leaf(leafSpec{
			name:  "migrate",
			usage: "执行数据库迁移（serve 启动时自动执行）",
			desc:  "依次执行尚未执行的迁移，打印执行的迁移和数据库当前版本。--to 只迁移到给定版本（含），版本须是已知的迁移版本。",
			examples: []string{
				"ssgk migrate --data-dir /var/lib/ssgk",
				"ssgk migrate --to 20261127072910",
			},
			flags: withCommon(&cli.StringFlag{Name: "to", Usage: "只迁移到此版本（含）", DefaultText: "全部"}),
			run: func(ctx context.Context, c *call) error {
				return runMigrate(ctx, c.config(), c.String("to"), c.stdout)
			},
		}),
		leaf(leafSpec{
			name:  "version",
			usage: "显示版本、提交、构建日期、Go 版本与数据库版本",
			desc:  "数据库版本是已执行的最新迁移；按给定的参数（或环境变量）连接不到数据库时显示“未连接”。此命令不会新建数据库，也不执行迁移。",
			examples: []string{
				"ssgk version",
				"ssgk version --data-dir /var/lib/ssgk",
			},
			flags: commonFlags(),
			run: func(ctx context.Context, c *call) error {
				return runVersion(ctx, c.config(), c.stdout)
			},
		}),
		group("import", "批量导入名录库、人员名录、事项清单或线索",
			"导入 XLSX/CSV（UTF-8、GBK、GB18030 自动识别），逐行校验，默认全部或全不导入。",
			[]string{"ssgk import targets 名录.xlsx --department SCJG", "ssgk import leads 线索.csv"},
			importLeaf("targets", "导入检查对象名录（名录库）"),
			importLeaf("inspectors", "导入执法检查人员名录"),
			importLeaf("items", "导入随机抽查事项清单"),
			leaf(leafSpec{
				name:  "leads",
				usage: "导入线索（CSV，全部或全不），并提示达到阈值的专项检查",
				args:  []string{"文件.csv"},
				desc: "表头：来源（投诉举报/转办交办/数据监测）、来源编号、接收时间、线索摘要、详细情况、行业代码、行政区划、\n" +
					"统一社会信用代码、抽查事项编码、承办部门编码。任一行有错则不写入，列出各行错误。",
				examples: []string{"ssgk import leads 线索.csv --data-dir /var/lib/ssgk"},
				flags:    commonFlags(),
				run: func(ctx context.Context, c *call) error {
					return runImportLeads(ctx, c.config(), c.args[0], c.stdout)
				},
			}),
		),
		group("export", "按导入格式导出名录库、人员名录或事项清单",
			"导出的 XLSX 与导入格式相同，可直接修改后重新导入。",
			[]string{"ssgk export targets --department SCJG --out 名录.xlsx"},
			exportLeaf("targets", "导出检查对象名录"),
			exportLeaf("inspectors", "导出执法检查人员名录"),
			exportLeaf("items", "导出最新版本的随机抽查事项清单"),
		),
		group("draw", "复核随机抽取；导出核验包",
			"任何人都可以用公示的核验包离线复核一次随机抽取。",
			[]string{"ssgk draw verify 核验包.json --commitment 承诺摘要"},
			leaf(leafSpec{
				name:  "verify",
				usage: "离线复核随机抽取：重新推导抽取框、承诺、种子、抽中对象与检查组",
				args:  []string{"核验包.json"},
				desc: "核验包可从公示网站的任务页或 /draws/编号/bundle.json 下载。报告第一处不一致；\n" +
					"用 --commitment 核对抽取前公布的承诺摘要，确认核验包就是当时承诺的抽取。算法见 docs/draw-algorithm.md。",
				examples: []string{"ssgk draw verify bundle.json --commitment 3f5a…（抽取前公示的 64 位十六进制摘要）"},
				flags: []cli.Flag{
					&cli.StringFlag{Name: "commitment", Usage: "抽取前公布的承诺摘要（十六进制）；给出时核对核验包中的承诺与之一致"},
					&cli.StringFlag{Name: "url", Usage: "中枢地址：下载抽取各步骤的透明日志叶子与包含证明，核对外部熵与全部变更"},
					&cli.StringFlag{Name: "anchor", Usage: "离线核对：此前用 --save-anchor 保存的锚定信息文件"},
					&cli.StringFlag{Name: "save-anchor", Usage: "核验通过后保存锚定信息（检查点、叶子记录与证明）供离线复核"},
					&cli.StringFlag{Name: "public-key", Usage: "中枢公钥（Base64，见 /ledger/public-key）；缺省时取检查点附带的公钥"},
				},
				run: func(ctx context.Context, c *call) error {
					return runDrawVerify(ctx, drawVerifyFlags{Bundle: c.args[0], Commitment: c.String("commitment"),
						Log: drawLogOptions{url: c.String("url"), anchor: c.String("anchor"), saveAnchor: c.String("save-anchor"), publicKey: c.String("public-key")}}, c.stdout)
				},
			}),
			leaf(leafSpec{
				name:     "bundle",
				usage:    "导出已揭示抽取的核验包",
				desc:     "与 GET /draws/编号/bundle.json 相同。写出后可用 ssgk draw verify 离线复核。",
				examples: []string{"ssgk draw bundle --draw 12 --out 核验包.json"},
				flags: withCommon(
					&cli.IntFlag{Name: "draw", Usage: "抽取编号（GraphQL 中 Draw 的 id）", Required: true},
					&cli.StringFlag{Name: "out", Usage: "核验包输出文件（JSON）", Required: true},
				),
				run: func(ctx context.Context, c *call) error {
					return runDrawBundle(ctx, c.config(), c.Int("draw"), c.String("out"), c.stdout)
				},
			}),
		),
		group("calendar", "节假日安排与公示截止日",
			"公示期限按工作日计算（周末、法定节假日休息，调休上班）；每年载入国务院办公厅公布的次年安排。",
			[]string{"ssgk calendar load 2028.json", "ssgk calendar deadline 2026-09-30"},
			leaf(leafSpec{
				name:     "load",
				usage:    "载入一年的节假日安排（JSON，任何一处错误则整份不载入）",
				args:     []string{"文件.json"},
				desc:     "文件格式见 internal/calendar/README.md。",
				examples: []string{"ssgk calendar load testdata/calendar/2028-sample.json"},
				flags:    commonFlags(),
				run: func(ctx context.Context, c *call) error {
					return runCalendarLoad(ctx, c.config(), c.args[0], c.stdout)
				},
			}),
			leaf(leafSpec{
				name:     "list",
				usage:    "列出已知年份及依据",
				desc:     "列出数据库中已有节假日安排的年份，以及每年所依据的通知或数据来源。",
				examples: []string{"ssgk calendar list"},
				flags:    commonFlags(),
				run: func(ctx context.Context, c *call) error {
					return runCalendarList(ctx, c.config(), c.stdout)
				},
			}),
			leaf(leafSpec{
				name:     "deadline",
				usage:    "计算检查结束后 20 个工作日的公示截止日",
				args:     []string{"检查结束日期"},
				desc:     "日期格式 YYYY-MM-DD；检查结束当日不计。缺少某年的安排时报 CALENDAR_MISSING，绝不猜测。",
				examples: []string{"ssgk calendar deadline 2026-09-30"},
				flags:    commonFlags(),
				run: func(ctx context.Context, c *call) error {
					return runCalendarDeadline(ctx, c.config(), c.args[0], c.stdout)
				},
			}),
		),
		group("audit", "校验审计日志",
			"审计日志是哈希链：每条事件包含上一条的摘要，每条记录的摘要都可重新计算。",
			[]string{"ssgk audit verify --data-dir /var/lib/ssgk"},
			leaf(leafSpec{
				name:  "verify",
				usage: "校验审计日志哈希链、每条记录与更正签名",
				desc: "逐条核对审计事件的哈希链与每条记录的摘要，发现绕过系统修改或删除的记录即报错；\n" +
					"同时重新计算每条更正的摘要并用负责人公钥核验签名。",
				examples: []string{"ssgk audit verify --data-dir /var/lib/ssgk", "ssgk audit verify --checkpoint 上次保存的检查点.json"},
				flags: withCommon(&cli.StringSliceFlag{Name: "checkpoint",
					Usage: "此前保存的透明日志检查点文件（可多次指定）：核验审计日志仍含其锚定的事件（最新事件未被删除、日志未被重写）"}),
				run: func(ctx context.Context, c *call) error {
					return runAuditVerify(ctx, c.config(), c.cmd.StringSlice("checkpoint"), c.stdout, c.stderr)
				},
			}),
		),
		group("ledger", "透明日志：核验、审计、签署检查点",
			"每条公示都记入只增不改的透明日志（Merkle 树），中枢用 数据目录/ledger.key 签署检查点。格式见 docs/transparency-log.md。",
			[]string{"ssgk ledger verify --url https://中枢地址 --index 0", "ssgk ledger audit"},
			leaf(leafSpec{
				name:  "verify",
				usage: "离线核验透明日志：检查点签名、包含证明、一致性",
				desc: "离线：用 --checkpoint 给出检查点文件，--record/--proof 成对给出叶子与包含证明，\n" +
					"--old-checkpoint 与 --consistency 核对此前保存的检查点是当前日志的前缀。\n" +
					"在线：用 --url 从中枢下载最新检查点与证明后按同样方式核验。",
				examples: []string{
					"ssgk ledger verify --checkpoint checkpoint.json --public-key 公钥 --record leaf-0.json --proof proof-0.json",
					"ssgk ledger verify --url http://127.0.0.1:8080 --index 0 --old-checkpoint 上次.json --save-checkpoint 本次.json",
				},
				flags: []cli.Flag{
					&cli.StringFlag{Name: "checkpoint", Usage: "检查点文件（从 /ledger/checkpoint 下载）"},
					&cli.StringFlag{Name: "public-key", Usage: "中枢公钥：Base64 字符串或含公钥的文件（从 /ledger/public-key 获取并另行核对）"},
					&cli.StringFlag{Name: "old-checkpoint", Usage: "此前保存的旧检查点文件"},
					&cli.StringFlag{Name: "consistency", Usage: "旧检查点到新检查点的一致性证明文件（/ledger/proof/consistency）"},
					&cli.StringFlag{Name: "url", Usage: "中枢地址，如 http://127.0.0.1:8080：在线下载检查点与证明后核验"},
					&cli.StringFlag{Name: "save-checkpoint", Usage: "（--url）把核验通过的检查点保存到此文件，供下次作为 --old-checkpoint"},
					&cli.StringSliceFlag{Name: "record", Usage: "叶子记录文件（/ledger/leaves/序号），与 --proof 依次对应"},
					&cli.StringSliceFlag{Name: "proof", Usage: "包含证明文件（/ledger/proof/inclusion）"},
					&cli.StringSliceFlag{Name: "index", Usage: "（--url）要核验的叶子序号"},
				},
				run: func(ctx context.Context, c *call) error {
					return runLedgerVerify(ctx, ledgerVerifyFlags{
						Checkpoint: c.String("checkpoint"), PublicKey: c.String("public-key"), OldCheckpoint: c.String("old-checkpoint"),
						Consistency: c.String("consistency"), URL: c.String("url"), SaveCheckpoint: c.String("save-checkpoint"),
						Records: c.cmd.StringSlice("record"), Proofs: c.cmd.StringSlice("proof"), Indexes: c.cmd.StringSlice("index"),
					}, c.stdout)
				},
			}),
			leaf(leafSpec{
				name:     "audit",
				usage:    "联机校验透明日志与每条公示记录（被改动的记录即报错）",
				desc:     "对照数据库逐条重算全部叶子与公示内容摘要、检查点根哈希与签名。",
				examples: []string{"ssgk ledger audit --data-dir /var/lib/ssgk"},
				flags:    withCommon(&cli.StringFlag{Name: "public-key", Usage: "用此公钥核验检查点签名", DefaultText: "数据目录中的 ledger.key"}),
				run: func(ctx context.Context, c *call) error {
					return runLedgerAudit(ctx, c.config(), c.String("public-key"), c.stdout)
				},
			}),
			leaf(leafSpec{
				name:     "checkpoint",
				usage:    "签署并输出当前检查点",
				desc:     "用 数据目录/ledger.key（不存在则生成）签署当前日志大小与根哈希，输出 JSON 检查点，与 /ledger/checkpoint 相同。",
				examples: []string{"ssgk ledger checkpoint --out checkpoint.json"},
				flags:    withCommon(&cli.StringFlag{Name: "out", Usage: "把检查点写入此文件", DefaultText: "输出到屏幕"}),
				run: func(ctx context.Context, c *call) error {
					return runLedgerCheckpoint(ctx, c.config(), c.String("out"), c.stdout)
				},
			}),
			leaf(leafSpec{
				name:     "backfill",
				usage:    "把启用透明日志之前的公示依次补记入透明日志",
				desc:     "按公示顺序把尚未记入透明日志的公示追加为叶子；已记入的不重复追加，可重复执行。",
				examples: []string{"ssgk ledger backfill --data-dir /var/lib/ssgk"},
				flags:    commonFlags(),
				run: func(ctx context.Context, c *call) error {
					return runLedgerBackfill(ctx, c.config(), c.stdout)
				},
			}),
		),
		group("admin", "账号与部门接口令牌",
			"角色："+strings.Join(viewer.AllRoles, "、")+"。",
			[]string{"SSGK_PASSWORD=… ssgk admin account create --username zhang --name 张三 --department SCJG --roles INSPECTOR"},
			group("account", "账号", "登录 GraphQL 与管理界面的个人账号（argon2id 口令）。",
				[]string{"SSGK_PASSWORD=… ssgk admin account create --username zhang --name 张三 --department SCJG --roles INSPECTOR"},
				leaf(leafSpec{
					name:     "create",
					usage:    "创建账号",
					desc:     "口令从 --password-file 指定的文件或环境变量 SSGK_PASSWORD 读取，不在命令行上出现。",
					examples: []string{"SSGK_PASSWORD=… ssgk admin account create --username zhang --name 张三 --department SCJG --roles INSPECTOR"},
					flags: withCommon(
						&cli.StringFlag{Name: "username", Usage: "登录名", Required: true},
						&cli.StringFlag{Name: "name", Usage: "姓名", Required: true},
						&cli.StringFlag{Name: "department", Usage: "部门编码"},
						&cli.StringFlag{Name: "roles", Usage: "角色，逗号分隔：" + strings.Join(viewer.AllRoles, ",")},
						&cli.StringFlag{Name: "password-file", Usage: "从文件读取口令", DefaultText: "环境变量 SSGK_PASSWORD"},
					),
					run: func(ctx context.Context, c *call) error {
						return runAccountCreate(ctx, c.config(), accountFlags{Username: c.String("username"), Name: c.String("name"),
							Department: c.String("department"), Roles: c.String("roles"), PasswordFile: c.String("password-file")}, c.stdout)
					},
				}),
			),
			group("token", "部门业务系统的接口令牌", "令牌只保存摘要，签发时仅显示一次。",
				[]string{"ssgk admin token create --department WJ --name 卫健业务系统 --roles DEPT_ADMIN"},
				leaf(leafSpec{
					name:     "create",
					usage:    "签发接口令牌（仅显示一次）",
					desc:     "为部门业务系统签发接口令牌（请求头 Authorization: Bearer 令牌）。只保存摘要，令牌只在此时显示一次。",
					examples: []string{"ssgk admin token create --department WJ --name 卫健业务系统 --roles DEPT_ADMIN --days 365"},
					flags: withCommon(
						&cli.StringFlag{Name: "department", Usage: "部门编码", Required: true},
						&cli.StringFlag{Name: "name", Usage: "令牌名称", Required: true},
						&cli.StringFlag{Name: "roles", Usage: "角色，逗号分隔：" + strings.Join(viewer.AllRoles, ",")},
						&cli.IntFlag{Name: "days", Value: 365, Usage: "有效天数，0 表示不过期", DefaultText: "365"},
					),
					run: func(ctx context.Context, c *call) error {
						return runTokenCreate(ctx, c.config(), tokenFlags{Department: c.String("department"), Name: c.String("name"),
							Roles: c.String("roles"), Days: c.Int("days")}, c.stdout)
					},
				}),
				leaf(leafSpec{
					name:     "revoke",
					usage:    "吊销令牌",
					desc:     "吊销后使用该令牌的请求被拒绝（UNAUTHENTICATED）。前缀在签发时显示。",
					examples: []string{"ssgk admin token revoke --prefix 1a2b3c4d"},
					flags:    withCommon(&cli.StringFlag{Name: "prefix", Usage: "令牌前缀（ssgk_ 之后、第二个 _ 之前的部分）", Required: true}),
					run: func(ctx context.Context, c *call) error {
						return runTokenRevoke(ctx, c.config(), c.String("prefix"), c.stdout)
					},
				}),
			),
		),
		leaf(leafSpec{
			name:  "backup",
			usage: "备份数据库、ledger.key、session.key 与证据文件",
			desc: "SQLite：数据库的一致副本（可在服务运行中执行）。PostgreSQL：备份密钥与证据文件，并提示随即用 pg_dump 导出数据库。\n" +
				"备份中的密钥是机密，请加密保存。恢复方法写在备份目录中。",
			examples: []string{"ssgk backup --data-dir /var/lib/ssgk --out /var/backups/ssgk/2026-12-07"},
			flags:    withCommon(&cli.StringFlag{Name: "out", Usage: "备份目录（不存在或为空）", Required: true}),
			run: func(ctx context.Context, c *call) error {
				return runBackup(ctx, c.config(), c.String("out"), c.stdout)
			},
		}),
		leaf(leafSpec{
			name:     "restore",
			usage:    "从备份恢复到新的数据目录",
			desc:     "核对备份清单中每个文件的校验和，恢复到 --data-dir 指定的新目录（不覆盖现有文件）；之后请运行 audit verify 与 ledger audit。",
			examples: []string{"ssgk restore --from /var/backups/ssgk/2026-12-07 --data-dir /var/lib/ssgk-restored"},
			flags:    withCommon(&cli.StringFlag{Name: "from", Usage: "备份目录（ssgk backup --out 的目录）", Required: true}),
			run: func(ctx context.Context, c *call) error {
				return runRestore(ctx, c.config(), c.String("from"), c.stdout)
			},
		}),
		group("site", "公示网站的站点信息（县名、主办单位、备案号……）",
			"显示在公示网站的页眉、页脚和“如何核验”页；运行中的中枢约 10 秒内生效。",
			[]string{"ssgk site set --county 宁阳县 --sponsor 宁阳县市场监督管理局"},
			leaf(leafSpec{
				name:     "show",
				usage:    "查看站点信息",
				desc:     "以 JSON 显示当前的站点信息：县名、主办单位、网站标识码、ICP 备案号、公安备案号、联系方式、核验程序下载地址。",
				examples: []string{"ssgk site show"},
				flags:    commonFlags(),
				run: func(ctx context.Context, c *call) error {
					return runSite(ctx, c.config(), nil, c.stdout)
				},
			}),
			leaf(leafSpec{
				name:  "set",
				usage: "设置站点信息（只改给出的项；--icp= 清空一项）",
				desc:  "只修改命令行上给出的项，其余保持不变；值为空（如 --icp=）则清空该项。保存后显示全部站点信息。",
				examples: []string{
					"ssgk site set --county 宁阳县 --sponsor 宁阳县市场监督管理局 --site-code 3709210001 --icp 鲁ICP备12345678号",
					"ssgk site set --verifier-url https://example.gov.cn/ssgk/",
				},
				flags: withCommon(siteFlags()...),
				run: func(ctx context.Context, c *call) error {
					set := map[string]string{}
					for _, f := range siteFields {
						if c.IsSet(f.name) {
							set[f.name] = c.String(f.name)
						}
					}
					return runSite(ctx, c.config(), set, c.stdout)
				},
			}),
		),
	}
}

func importLeaf(kind, usage string) *cli.Command {
	return leaf(leafSpec{
		name:  kind,
		usage: usage,
		args:  []string{"文件"},
		desc: "XLSX 或 CSV（UTF-8、GBK、GB18030 自动识别；表头中文同义词、列顺序不限）。逐行校验，逐列说明导入为哪一项；\n" +
			"默认有任一行错误则不写入任何数据（--partial 只导入有效行）。导入报告（XLSX）默认保存为 文件名.report.xlsx。\n" +
			"数据库（数据目录/ssgk.db）不存在时拒绝运行，--create-db 才新建。样例文件见 testdata/。",
		examples: []string{
			"ssgk import " + kind + " " + map[string]string{"targets": "名录.xlsx", "inspectors": "人员.xlsx", "items": "事项清单.xlsx"}[kind] + " --department SCJG",
			"ssgk import " + kind + " 文件.csv --department SCJG --partial --report 报告.xlsx",
		},
		flags: withCommon(
			&cli.StringFlag{Name: "department", Usage: "导入部门编码", Required: true},
			&cli.StringFlag{Name: "library", Usage: "检查对象加入的分库编码", DefaultText: "MAIN 或该部门第一个分库"},
			&cli.BoolFlag{Name: "partial", Usage: "只导入有效行（默认：有任一行错误则不写入任何数据）"},
			&cli.StringFlag{Name: "report", Usage: "导入报告（XLSX：错误、跳过的行、列、汇总）保存路径", DefaultText: "文件名.report.xlsx"},
			&cli.BoolFlag{Name: "create-db", Usage: "数据库不存在时新建（默认拒绝运行，以免在错误的目录中导入到一个新的空数据库）"},
		),
		run: func(ctx context.Context, c *call) error {
			return runImport(ctx, c.config(), kind, importFlags{Path: c.args[0], Department: c.String("department"),
				Library: c.String("library"), Partial: c.Bool("partial"), Report: c.String("report"), CreateDB: c.Bool("create-db")},
				c.stdout, c.stderr)
		},
	})
}

func exportLeaf(kind, usage string) *cli.Command {
	return leaf(leafSpec{
		name:     kind,
		usage:    usage,
		desc:     "写出的文件与导入格式相同。",
		examples: []string{"ssgk export " + kind + " --department SCJG --out " + kind + ".xlsx"},
		flags: withCommon(
			&cli.StringFlag{Name: "department", Usage: "部门编码", Required: true},
			&cli.StringFlag{Name: "library", Usage: "只导出该分库（检查对象）"},
			&cli.StringFlag{Name: "out", Usage: "输出文件（XLSX）", Required: true},
		),
		run: func(ctx context.Context, c *call) error {
			return runExport(ctx, c.config(), kind, exportFlags{Department: c.String("department"), Library: c.String("library"), Out: c.String("out")}, c.stdout)
		},
	})
}
