package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/viewer"
)

// accountFlags are the flags of ssgk admin account create.
type accountFlags struct {
	Username, Name, Department string
	Roles                      string // comma-separated
	PasswordFile               string // "" → the environment variable SSGK_PASSWORD
}

// tokenFlags are the flags of ssgk admin token create.
type tokenFlags struct {
	Department, Name string
	Roles            string // comma-separated
	Days             int    // 0 → the token does not expire
}

func splitRoles(roles string) []string {
	var out []string
	for _, r := range strings.Split(roles, ",") {
		if r = strings.TrimSpace(r); r != "" {
			out = append(out, r)
		}
	}
	return out
}

// runAccountCreate: ssgk admin account create.
func runAccountCreate(ctx context.Context, cfg *config, o accountFlags, stdout io.Writer) error {
	password := os.Getenv("SSGK_PASSWORD")
	if o.PasswordFile != "" {
		b, err := os.ReadFile(o.PasswordFile)
		if err != nil {
			return err
		}
		password = strings.TrimSpace(string(b))
	}
	if o.Username == "" || o.Name == "" || password == "" {
		return fmt.Errorf("需要 --username、--name 和口令（--password-file 或环境变量 SSGK_PASSWORD）")
	}
	db, err := openHub(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk admin account create"))
	acc, err := db.Auth.CreateAccount(ctx, o.Username, o.Name, password, o.Department, splitRoles(o.Roles))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已创建账号 %s（编号 %d）\n", acc.Username, acc.ID)
	return nil
}

// runTokenCreate: ssgk admin token create.
func runTokenCreate(ctx context.Context, cfg *config, o tokenFlags, stdout io.Writer) error {
	if o.Department == "" || o.Name == "" {
		return fmt.Errorf("需要 --department 和 --name")
	}
	db, err := openHub(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk admin token create"))
	var exp *time.Time
	if o.Days > 0 {
		t := time.Now().AddDate(0, 0, o.Days)
		exp = &t
	}
	plain, tok, err := db.Auth.CreateToken(ctx, o.Department, o.Name, splitRoles(o.Roles), exp)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已为部门 %s 创建令牌“%s”（前缀 %s）。令牌只显示这一次，请妥善保存：\n%s\n", o.Department, tok.Name, tok.Prefix, plain)
	return nil
}

// runTokenRevoke: ssgk admin token revoke --prefix PREFIX.
func runTokenRevoke(ctx context.Context, cfg *config, prefix string, stdout io.Writer) error {
	if prefix == "" {
		return fmt.Errorf("需要 --prefix")
	}
	db, err := openHub(ctx, cfg, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk admin token revoke"))
	if err := db.Auth.RevokeToken(ctx, prefix); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已吊销令牌 %s\n", prefix)
	return nil
}
