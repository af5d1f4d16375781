package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/settings"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/viewer"
)

// cmdSite: ssgk site show | set — the public portal's site identity (settings.Site). A running
// hub shows a change within seconds (the portal re-reads it every 10 s).
func cmdSite(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "show" && args[0] != "set") {
		return apperr.New(apperr.Invalid, "用法：ssgk site show | ssgk site set [--county 县名] [--sponsor 主办单位] …")
	}
	var cfg config
	fs := flag.NewFlagSet("site "+args[0], flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bind(fs)
	var in settings.Site
	fields := []struct {
		name, usage string
		v           *string
	}{
		{"county", "县（市、区）名称，显示在页眉，如 宁阳县", &in.County},
		{"sponsor", "主办单位，如 宁阳县市场监督管理局", &in.Sponsor},
		{"site-code", "网站标识码", &in.SiteCode},
		{"icp", "ICP 备案号，如 鲁ICP备12345678号", &in.ICP},
		{"police-record", "公安机关备案号", &in.PoliceRecord},
		{"contact", "联系方式（电话、地址或邮箱）", &in.Contact},
		{"verifier-url", "核验程序（ssgk 发布包）的下载地址，显示在“如何核验”页", &in.VerifierURL},
		{"verifier-notes", "核验程序取得方式的补充说明", &in.VerifierNotes},
	}
	for _, f := range fields {
		fs.StringVar(f.v, f.name, "", f.usage)
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	db, err := store.Open(ctx, store.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk site"))
	cur, err := settings.LoadSite(ctx, db.Client)
	if err != nil {
		return err
	}
	if args[0] == "set" {
		// Only the flags given change; an empty value ("--icp=") clears a field.
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		target := []*string{&cur.County, &cur.Sponsor, &cur.SiteCode, &cur.ICP, &cur.PoliceRecord, &cur.Contact, &cur.VerifierURL, &cur.VerifierNotes}
		for i, f := range fields {
			if set[f.name] {
				*target[i] = *f.v
			}
		}
		if err := settings.SaveSite(ctx, db.Client, cur, "ssgk site set"); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "站点信息已保存：")
	}
	b, _ := json.MarshalIndent(cur, "", "  ")
	fmt.Fprintln(stdout, string(b))
	return nil
}
