package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/drawing"
	"github.com/ssgk/ssgk/internal/store"
	"github.com/ssgk/ssgk/internal/viewer"
)

// cmdDraw: ssgk draw verify BUNDLE [--commitment DIGEST] — re-derives a published draw offline;
// ssgk draw bundle --draw ID --out FILE — writes the bundle of a revealed draw.
func cmdDraw(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) >= 1 && args[0] == "bundle" {
		return cmdDrawBundle(ctx, args[1:], stdout, stderr)
	}
	if len(args) < 2 || args[0] != "verify" {
		fmt.Fprint(stderr, usage)
		return flag.ErrHelp
	}
	fs := flag.NewFlagSet("draw verify", flag.ContinueOnError)
	fs.SetOutput(stderr)
	want := fs.String("commitment", "", "抽取前公布的承诺摘要（十六进制）；给出时核对验证包中的承诺与之一致")
	var lo drawLogOptions
	fs.StringVar(&lo.url, "url", "", "中枢地址：下载抽取各步骤的透明日志叶子与包含证明，核对外部熵与全部变更")
	fs.StringVar(&lo.anchor, "anchor", "", "离线核对：此前用 --save-anchor 保存的锚定信息文件")
	fs.StringVar(&lo.saveAnchor, "save-anchor", "", "核验通过后保存锚定信息（检查点、叶子记录与证明）供离线复核")
	fs.StringVar(&lo.publicKey, "public-key", "", "中枢公钥（Base64，见 /ledger/public-key）；缺省时取检查点附带的公钥")
	if err := fs.Parse(args[2:]); err != nil {
		return err
	}
	raw, err := os.ReadFile(args[1])
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "无法读取验证包 %s", args[1])
	}
	var b draw.Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		return apperr.Wrap(err, apperr.Invalid, "验证包不是有效的 JSON：%v", err)
	}
	if err := draw.Verify(&b); err != nil {
		return err
	}
	if *want != "" && *want != b.CommitmentDigest.String() {
		return apperr.New(draw.CodeVerifyMismatch, "验证包中的承诺摘要为 %s，与抽取前公布的 %s 不一致", b.CommitmentDigest, *want)
	}
	drawn := 0
	for _, s := range b.Outcome.Strata {
		drawn += len(s.Drawn)
	}
	fmt.Fprintf(stdout, "验证通过：算法 %s，抽取框 %d 个对象，抽中 %d 个，检查组 %d 个，变更 %d 次；承诺摘要 %s\n",
		b.Algorithm, b.Commitment.FrameSize, drawn, len(b.Outcome.Teams), len(b.Outcome.Amendments), b.CommitmentDigest)
	if lo.wanted() {
		return verifyDrawLog(ctx, &b, lo, stdout)
	}
	if *want == "" {
		fmt.Fprintln(stdout, "提示：请用 --commitment 核对抽取前公布的承诺摘要，以确认验证包就是当时承诺的抽取。")
	}
	if b.Log != nil {
		fmt.Fprintln(stdout, "提示：请用 --url 中枢地址 核对外部熵与回避、替换是否与抽取时记入透明日志的一致。")
	}
	return nil
}

func cmdDrawBundle(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var cfg config
	fs := flag.NewFlagSet("draw bundle", flag.ContinueOnError)
	fs.SetOutput(stderr)
	cfg.bind(fs)
	id := fs.Int("draw", 0, "抽取编号（GraphQL 中 Draw 的 id）")
	out := fs.String("out", "", "核验包输出文件（JSON）")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *id == 0 || *out == "" {
		return apperr.New(apperr.Invalid, "请用 --draw 指定抽取编号、用 --out 指定输出文件")
	}
	db, err := store.Open(ctx, store.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk draw bundle"))
	b, err := drawing.New(db.Client, db.Dialect).Bundle(ctx, *id)
	if err != nil {
		return err
	}
	raw, err := json.MarshalIndent(b, "", " ")
	if err != nil {
		return err
	}
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, append(raw, '\n'), 0o644); err != nil {
		return err
	}
	if err := os.Rename(tmp, *out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "已写出核验包 %s（%d 字节），可用 ssgk draw verify %s 离线复核\n", *out, len(raw)+1, *out)
	return nil
}
