package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"

	"github.com/urfave/cli/v3"

	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/settings"
	"github.com/ssgk/ssgk/internal/viewer"
)

// siteFields are the flags of ssgk site set, one per field of settings.Site.
var siteFields = []struct {
	name, usage string
	field       func(*settings.Site) *string
}{
	{"county", "县（市、区）名称，显示在页眉，如 宁阳县", func(s *settings.Site) *string { return &s.County }},
	{"sponsor", "主办单位，如 宁阳县市场监督管理局", func(s *settings.Site) *string { return &s.Sponsor }},
	{"site-code", "网站标识码", func(s *settings.Site) *string { return &s.SiteCode }},
	{"icp", "ICP 备案号，如 鲁ICP备12345678号", func(s *settings.Site) *string { return &s.ICP }},
	{"police-record", "公安机关备案号", func(s *settings.Site) *string { return &s.PoliceRecord }},
	{"contact", "联系方式（电话、地址或邮箱）", func(s *settings.Site) *string { return &s.Contact }},
	{"verifier-url", "核验程序（ssgk 发布包）的下载地址，显示在“如何核验”页", func(s *settings.Site) *string { return &s.VerifierURL }},
	{"verifier-notes", "核验程序取得方式的补充说明", func(s *settings.Site) *string { return &s.VerifierNotes }},
}

func siteFlags() []cli.Flag {
	var out []cli.Flag
	for _, f := range siteFields {
		out = append(out, &cli.StringFlag{Name: f.name, Usage: f.usage})
	}
	return out
}

// runSite: ssgk site show (set == nil) | ssgk site set — the public portal's site identity
// (settings.Site). set holds the flags given, by name: only they change; an empty value
// ("--icp=") clears a field. A running hub shows a change within seconds (the portal re-reads
// it every 10 s).
func runSite(ctx context.Context, cfg *config, set map[string]string, stdout io.Writer) error {
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk site"))
	cur, err := settings.LoadSite(ctx, db.Client)
	if err != nil {
		return err
	}
	if set != nil {
		for _, f := range siteFields {
			if v, ok := set[f.name]; ok {
				*f.field(&cur) = v
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
