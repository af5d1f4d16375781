package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"os"

	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/codes"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/store"
)

// openHub opens the database (migrating it), seeds the code tables and builds the auth service.
func openHub(ctx context.Context, cfg *config) (*store.DB, *auth.Service, error) {
	if err := cfg.check(); err != nil {
		return nil, nil, err
	}
	if err := applyImportLimits(cfg); err != nil {
		return nil, nil, err
	}
	db, err := store.Open(ctx, store.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return nil, nil, err
	}
	if err := codes.Seed(ctx, db.Client); err != nil {
		db.Close()
		return nil, nil, fmt.Errorf("初始化代码表失败: %w", err)
	}
	key, err := cfg.sessionKey()
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	authSvc, err := auth.New(db.Client, key, auth.DefaultPolicy)
	if err != nil {
		db.Close()
		return nil, nil, err
	}
	return db, authSvc, nil
}

func cmdServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bind(fs)
	fs.StringVar(&cfg.ListenAddr, "listen", cfg.env("LISTEN_ADDR", "127.0.0.1:8080"), "监听地址；环境变量 LISTEN_ADDR")
	withDemo := fs.Bool("demo", false, "数据库为空时载入演示数据，并打印演示账号和令牌")
	addrFile := fs.String("addr-file", "", "启动后把实际监听地址写入此文件（端口为 0 时便于测试）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	opts, adminAddr, err := serveOptions(&cfg)
	if err != nil {
		return err
	}
	if err := serveTimeouts(&cfg, &opts); err != nil {
		return err
	}
	log := cfg.logger(stderr)
	db, authSvc, err := openHub(ctx, &cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	log.Info("database ready", "dialect", db.Dialect, "url", store.Redact(cfg.DatabaseURL), "data_dir", cfg.DataDir)
	if *withDemo {
		if err := loadDemo(ctx, db, authSvc, stdout, true); err != nil {
			return err
		}
	}
	ln, err := net.Listen("tcp", cfg.ListenAddr)
	if err != nil {
		return fmt.Errorf("无法监听 %s: %w", cfg.ListenAddr, err)
	}
	addr := ln.Addr().String()
	if *addrFile != "" {
		if err := os.WriteFile(*addrFile, []byte(addr), 0o644); err != nil {
			return err
		}
	}
	hub := server.NewWithOptions(db, authSvc, log, opts)
	if adminAddr != "" {
		stopAdmin, err := serveAdmin(adminAddr, hub.AdminHandler(), log)
		if err != nil {
			return err
		}
		defer stopAdmin()
	}
	fmt.Fprintf(stdout, "ssgk 已启动：http://%s/graphiql （GraphQL 接口 http://%s/graphql）\n", addr, addr)
	log.Info("listening", "addr", addr, "version", versionString())
	return server.Serve(ctx, hub.HTTPServer(), ln, hub.ShutdownTimeout(), log)
}

func cmdMigrate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bind(fs)
	to := fs.String("to", "", "只迁移到此版本（含）；默认全部")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if err := cfg.check(); err != nil {
		return err
	}
	db, err := store.Open(ctx, store.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir, SkipMigrate: true})
	if err != nil {
		return err
	}
	defer db.Close()
	ran, err := store.Migrate(ctx, db.SQL, db.Dialect, *to)
	for _, v := range ran {
		fmt.Fprintf(stdout, "已执行迁移 %s\n", v)
	}
	if err != nil {
		return err
	}
	all, err := store.AppliedVersions(ctx, db.SQL)
	if err != nil {
		return err
	}
	if len(all) > 0 {
		fmt.Fprintf(stdout, "数据库（%s）当前版本：%s，共 %d 个迁移\n", db.Dialect, all[len(all)-1], len(all))
	}
	return nil
}
