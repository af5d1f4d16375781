package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/viewer"
)

func cmdAdmin(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	var cfg config
	fs := flag.NewFlagSet("admin "+args[0]+" "+args[1], flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bind(fs)
	var (
		username = fs.String("username", "", "登录名")
		name     = fs.String("name", "", "姓名或令牌名称")
		dept     = fs.String("department", "", "部门编码")
		roles    = fs.String("roles", "", "角色，逗号分隔："+strings.Join(viewer.AllRoles, ","))
		pwFile   = fs.String("password-file", "", "从文件读取口令（默认从环境变量 SSGK_PASSWORD 读取）")
		days     = fs.Int("days", 365, "令牌有效天数（0 表示不过期）")
		prefix   = fs.String("prefix", "", "令牌前缀（ssgk_ 之后、第二个 _ 之前的部分）")
	)
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	var roleList []string
	for _, r := range strings.Split(*roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			roleList = append(roleList, r)
		}
	}
	db, authSvc, err := openHub(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk admin "+args[0]+" "+args[1]))

	switch args[0] + " " + args[1] {
	case "account create":
		password := os.Getenv("SSGK_PASSWORD")
		if *pwFile != "" {
			b, err := os.ReadFile(*pwFile)
			if err != nil {
				return err
			}
			password = strings.TrimSpace(string(b))
		}
		if *username == "" || *name == "" || password == "" {
			return fmt.Errorf("需要 --username、--name 和口令（--password-file 或环境变量 SSGK_PASSWORD）")
		}
		acc, err := authSvc.CreateAccount(ctx, *username, *name, password, *dept, roleList)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已创建账号 %s（编号 %d）\n", acc.Username, acc.ID)
	case "token create":
		if *dept == "" || *name == "" {
			return fmt.Errorf("需要 --department 和 --name")
		}
		var exp *time.Time
		if *days > 0 {
			t := time.Now().AddDate(0, 0, *days)
			exp = &t
		}
		plain, tok, err := authSvc.CreateToken(ctx, *dept, *name, roleList, exp)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已为部门 %s 创建令牌“%s”（前缀 %s）。令牌只显示这一次，请妥善保存：\n%s\n", *dept, tok.Name, tok.Prefix, plain)
	case "token revoke":
		if *prefix == "" {
			return fmt.Errorf("需要 --prefix")
		}
		if err := authSvc.RevokeToken(ctx, *prefix); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "已吊销令牌 %s\n", *prefix)
	default:
		fmt.Fprint(stderr, usage)
		return fmt.Errorf("未知的管理命令：%s %s", args[0], args[1])
	}
	return nil
}
