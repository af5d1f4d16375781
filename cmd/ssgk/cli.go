package main

// The command line is built with github.com/urfave/cli/v3 rather than cobra: it was already in
// the module graph (gqlgen's generator uses it), it needs no second flag package (pflag), its
// help output goes through one replaceable printer (helpPrinter below prints it in Chinese),
// and its usage errors reach one hook per command (OnUsageError), so that a wrong flag or a
// missing argument is one Chinese line and exit status 2 everywhere.
//
// This file holds the plumbing: the usage error, the help printer, the common flags and the
// helpers that build commands. The command tree itself — every command's flags, usage line,
// description and example — is commands.go; the work of each command is a function in the
// command's own file, called with plain values.

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/urfave/cli/v3"
)

// CodeUsage is the error code of a command line that cannot be run as typed: an unknown
// command or flag, a missing or extra argument, a flag value of the wrong kind. The program
// exits with status 2 after one line naming the problem and the command's --help.
const CodeUsage = "USAGE"

// usageError is a command line that cannot be run as typed (CodeUsage).
type usageError struct {
	msg  string // what is wrong, in Chinese
	path string // the command whose --help explains it, e.g. "ssgk import targets"
}

func (e *usageError) Error() string      { return e.msg }
func (e *usageError) AppCode() string    { return CodeUsage }
func (e *usageError) AppMessage() string { return e.msg + "；用 " + e.path + " --help 查看用法" }

func usageErrorf(cmd *cli.Command, format string, args ...any) error {
	return &usageError{msg: fmt.Sprintf(format, args...), path: cmd.FullName()}
}

// errBareCommand is returned after `ssgk` alone printed the overview to stderr.
var errBareCommand = errors.New("未指定命令")

func init() {
	cli.HelpFlag = &cli.BoolFlag{Name: "help", Aliases: []string{"h"}, Usage: "显示本帮助", HideDefault: true, Local: true}
	cli.HelpPrinter = helpPrinter
	cli.HelpPrinterCustom = func(w io.Writer, _ string, data any, _ map[string]any) { helpPrinter(w, "", data) }
}

// onUsageError turns the library's parse errors (English, from the flag package's wording)
// into one Chinese usage error.
func onUsageError(_ context.Context, cmd *cli.Command, err error, _ bool) error {
	var ue *usageError
	if errors.As(err, &ue) {
		return err
	}
	msg := err.Error()
	switch {
	case strings.HasPrefix(msg, "flag provided but not defined: -"):
		name := strings.TrimPrefix(msg, "flag provided but not defined: -")
		return usageErrorf(cmd, "未知参数 %s", dashed(name))
	case strings.HasPrefix(msg, "flag needs an argument: "):
		return usageErrorf(cmd, "参数 %s 需要一个值", strings.TrimPrefix(msg, "flag needs an argument: "))
	case strings.HasPrefix(msg, "invalid value "):
		// invalid value "abc" for flag -draw: parse error
		var val, name string
		if _, serr := fmt.Sscanf(msg, "invalid value %q for flag -%s", &val, &name); serr == nil || name != "" {
			return usageErrorf(cmd, "参数 %s 的值“%s”无效", dashed(strings.TrimSuffix(name, ":")), val)
		}
	case strings.HasPrefix(msg, "Required flag"):
		// Required flag "department" not set / Required flags "a, b" not set
		if i, j := strings.Index(msg, `"`), strings.LastIndex(msg, `"`); i >= 0 && j > i {
			var names []string
			for _, n := range strings.Split(msg[i+1:j], ", ") {
				names = append(names, dashed(n))
			}
			return usageErrorf(cmd, "缺少必填参数 %s", strings.Join(names, "、"))
		}
	}
	return usageErrorf(cmd, "命令行有误：%s", msg)
}

func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// leafSpec describes a command that does work.
type leafSpec struct {
	name     string
	usage    string   // one line, shown in the parent's list
	args     []string // the positional arguments, all required, e.g. {"文件"}
	desc     string   // what it does, in some detail
	examples []string // complete command lines
	flags    []cli.Flag
	run      func(ctx context.Context, c *call) error
}

// call is one invocation of a command: its parsed flags, its arguments, the output.
type call struct {
	cmd            *cli.Command
	args           []string
	stdout, stderr io.Writer
}

func (c *call) String(name string) string { return c.cmd.String(name) }
func (c *call) Bool(name string) bool     { return c.cmd.Bool(name) }
func (c *call) Int(name string) int       { return c.cmd.Int(name) }
func (c *call) IsSet(name string) bool    { return c.cmd.IsSet(name) }

// config reads the common settings: the environment (or key_FILE), overridden by the flags
// given — the same precedence and the same checks (config.check) as before the CLI library.
func (c *call) config() *config {
	cfg := &config{}
	cfg.pick(c.cmd, &cfg.DatabaseURL, "database-url", "DATABASE_URL", "")
	cfg.ReadURL = cfg.env("DATABASE_READ_URL", "")
	cfg.pick(c.cmd, &cfg.DataDir, "data-dir", "DATA_DIR", "data")
	cfg.pick(c.cmd, &cfg.LogLevel, "log-level", "LOG_LEVEL", "info")
	cfg.pick(c.cmd, &cfg.LogFormat, "log-format", "LOG_FORMAT", "text")
	cfg.pick(c.cmd, &cfg.SecretFile, "secret-file", "SSGK_SECRET_FILE", "")
	return cfg
}

// pick sets *dst from the environment variable key (or key_FILE), then from the flag when it
// was given. The environment is read either way, so that a broken key_FILE is reported even
// when the flag overrides it (as before).
func (cfg *config) pick(cmd *cli.Command, dst *string, flag, key, def string) {
	*dst = cfg.env(key, def)
	if cmd.IsSet(flag) {
		*dst = cmd.String(flag)
	}
}

// commonFlags are the flags of every command that opens the hub's database (config).
func commonFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "database-url", Usage: "PostgreSQL 地址 postgres://…；环境变量 DATABASE_URL 或 DATABASE_URL_FILE", DefaultText: "空，使用数据目录中的内置 SQLite"},
		&cli.StringFlag{Name: "data-dir", Usage: "数据目录（SQLite 数据库、密钥、证据文件）；环境变量 DATA_DIR", DefaultText: "data"},
		&cli.StringFlag{Name: "log-level", Usage: "日志级别 debug|info|warn|error；环境变量 LOG_LEVEL", DefaultText: "info"},
		&cli.StringFlag{Name: "log-format", Usage: "日志格式 text|json；环境变量 LOG_FORMAT", DefaultText: "text"},
		&cli.StringFlag{Name: "secret-file", Usage: "会话签名密钥文件（不存在则生成；多副本须共用）；环境变量 SSGK_SECRET_FILE", DefaultText: "数据目录/session.key"},
	}
}

// withCommon is flags followed by the common flags.
func withCommon(flags ...cli.Flag) []cli.Flag { return append(flags, commonFlags()...) }

// placeholders name the value of a flag in the help (“--department 部门编码”).
var placeholders = map[string]string{
	"database-url": "地址", "data-dir": "目录", "log-level": "级别", "log-format": "格式", "secret-file": "文件",
	"listen": "地址", "addr-file": "文件", "trusted-proxies": "地址,…", "to": "版本",
	"department": "部门编码", "library": "分库编码", "report": "报告.xlsx", "out": "文件",
	"commitment": "承诺摘要", "draw": "抽取编号", "checkpoint": "检查点.json", "public-key": "公钥",
	"old-checkpoint": "旧检查点.json", "consistency": "证明.json", "url": "中枢地址", "save-checkpoint": "文件",
	"record": "叶子.json", "proof": "证明.json", "index": "叶子序号", "username": "用户名", "name": "名称",
	"roles": "角色,…", "password-file": "文件", "days": "天数", "prefix": "令牌前缀", "from": "目录",
	"county": "县名", "sponsor": "主办单位", "site-code": "网站标识码", "icp": "ICP备案号", "police-record": "公安备案号",
	"contact": "联系方式", "verifier-url": "地址", "verifier-notes": "说明", "anchor": "锚定.json", "save-anchor": "锚定.json",
}

// leaf builds a command that does work. Its positional arguments are checked before the
// work starts: a missing or extra one is a usage error.
func leaf(s leafSpec) *cli.Command {
	usageLine := s.name
	if len(s.args) > 0 {
		usageLine += " " + strings.Join(s.args, " ")
	}
	return &cli.Command{
		Name:        s.name,
		Usage:       s.usage,
		ArgsUsage:   strings.Join(s.args, " "),
		Description: s.desc,
		Flags:       s.flags,
		Metadata:    map[string]any{"examples": s.examples},
		Action: func(ctx context.Context, cmd *cli.Command) error {
			args := cmd.Args().Slice()
			if len(args) < len(s.args) {
				return usageErrorf(cmd, "缺少参数 %s", strings.Join(s.args[len(args):], " "))
			}
			if len(args) > len(s.args) {
				return usageErrorf(cmd, "多余的参数 %s", strings.Join(args[len(s.args):], " "))
			}
			w, ew := cmd.Root().Writer, cmd.Root().ErrWriter
			return s.run(ctx, &call{cmd: cmd, args: args, stdout: w, stderr: ew})
		},
	}
}

// group builds a command that only holds subcommands: without one, or with an unknown one,
// it is a usage error.
func group(name, usage, desc string, examples []string, subs ...*cli.Command) *cli.Command {
	return &cli.Command{
		Name:        name,
		Usage:       usage,
		Description: desc,
		Commands:    subs,
		Metadata:    map[string]any{"examples": examples},
		// Flags are parsed up to the first word only: after an unknown subcommand the rest is
		// not read as this command's flags, so that the error names the subcommand.
		StopOnNthArg: &one,
		Action: func(ctx context.Context, cmd *cli.Command) error {
			if cmd.NArg() == 0 {
				return usageErrorf(cmd, "缺少子命令（%s）", strings.Join(subNames(cmd), "、"))
			}
			return usageErrorf(cmd, "未知命令 %s（可用：%s）", cmd.Args().First(), strings.Join(subNames(cmd), "、"))
		},
	}
}

var one = 1

func subNames(cmd *cli.Command) []string {
	var out []string
	for _, c := range cmd.VisibleCommands() {
		out = append(out, c.Name)
	}
	return out
}

// helpPrinter prints a command's help in Chinese: name and usage, the usage line, the
// description, the subcommands, the flags and the examples. It replaces the library's
// templates (English headings); the template argument is ignored.
func helpPrinter(w io.Writer, _ string, data any) {
	cmd, ok := data.(*cli.Command)
	if !ok {
		return
	}
	full := cmd.FullName()
	fmt.Fprintf(w, "%s —— %s\n\n用法：\n", full, cmd.Usage)
	subs := cmd.VisibleCommands()
	switch {
	case cmd.Root() == cmd:
		fmt.Fprintf(w, "  %s 命令 [子命令] [参数]\n", full)
	case len(subs) > 0:
		fmt.Fprintf(w, "  %s 子命令 [参数]\n", full)
	default:
		line := "  " + full
		if cmd.ArgsUsage != "" {
			line += " " + cmd.ArgsUsage
		}
		for _, f := range cmd.VisibleFlags() {
			if r, ok := f.(cli.RequiredFlag); ok && r.IsRequired() {
				line += " " + flagSyntax(f)
			}
		}
		fmt.Fprintln(w, line+" [参数]")
	}
	if cmd.Description != "" {
		fmt.Fprintf(w, "\n说明：\n%s\n", indent(cmd.Description, "  "))
	}
	if len(subs) > 0 {
		fmt.Fprintln(w, "\n命令：")
		width := 0
		for _, s := range subs {
			width = max(width, len(s.Name))
		}
		for _, s := range subs {
			fmt.Fprintf(w, "  %-*s  %s\n", width, s.Name, s.Usage)
		}
	}
	if flags := cmd.VisibleFlags(); len(flags) > 0 {
		fmt.Fprintln(w, "\n参数：")
		type row struct{ syntax, usage string }
		var rows []row
		width := 0
		for _, f := range flags {
			r := row{syntax: flagSyntax(f)}
			if u, ok := f.(interface{ GetUsage() string }); ok {
				r.usage = u.GetUsage()
			}
			if rq, ok := f.(cli.RequiredFlag); ok && rq.IsRequired() {
				r.usage += "（必填）"
			} else if d, ok := f.(interface{ GetDefaultText() string }); ok && d.GetDefaultText() != "" {
				r.usage += "（默认：" + d.GetDefaultText() + "）"
			}
			if m, ok := f.(interface{ IsMultiValueFlag() bool }); ok && m.IsMultiValueFlag() {
				r.usage += "（可重复）"
			}
			width = max(width, displayWidth(r.syntax))
			rows = append(rows, r)
		}
		for _, r := range rows {
			fmt.Fprintf(w, "  %s%s  %s\n", r.syntax, strings.Repeat(" ", width-displayWidth(r.syntax)), r.usage)
		}
	}
	if ex, _ := cmd.Metadata["examples"].([]string); len(ex) > 0 {
		fmt.Fprintln(w, "\n示例：")
		for _, e := range ex {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
	if len(subs) > 0 {
		fmt.Fprintf(w, "\n用 %s 命令 --help 查看各命令的用法。\n", full)
	}
}

// flagSyntax is "--department 部门编码", "--partial" or "-h, --help".
func flagSyntax(f cli.Flag) string {
	names := append([]string(nil), f.Names()...)
	sort.Slice(names, func(i, j int) bool { return len(names[i]) < len(names[j]) })
	var parts []string
	for _, n := range names {
		parts = append(parts, dashed(n))
	}
	s := strings.Join(parts, ", ")
	if v, ok := f.(interface{ TakesValue() bool }); ok && v.TakesValue() {
		p := placeholders[f.Names()[0]]
		if p == "" {
			p = "值"
		}
		s += " " + p
	}
	return s
}

// displayWidth counts a CJK character as two columns, for aligning the help.
func displayWidth(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x1100 && (r < 0x2000 || r > 0x206f) { // … and other general punctuation: one
			n += 2
		} else {
			n++
		}
	}
	return n
}

func indent(s, pfx string) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	for i, l := range lines {
		if l != "" {
			lines[i] = pfx + l
		}
	}
	return strings.Join(lines, "\n")
}
