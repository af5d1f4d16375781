package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/viewer"
)

// drawVerifyFlags are the bundle and the flags of ssgk draw verify.
type drawVerifyFlags struct {
	Bundle     string         // the verification bundle (JSON)
	Commitment string         // --commitment: the digest published before the draw
	Log        drawLogOptions // --url / --anchor / --save-anchor / --public-key: the draw's logged events
}

// runDrawVerify: ssgk draw verify BUNDLE [--commitment DIGEST] [--url HUB | --anchor FILE] —
// re-derives a published draw offline and checks its steps against the transparency log.
func runDrawVerify(ctx context.Context, o drawVerifyFlags, stdout io.Writer) error {
	want := &o.Commitment
	lo := o.Log
	raw, err := os.ReadFile(o.Bundle)
	if err != nil {
		return apperr.Wrap(err, apperr.NotFound, "无法读取验证包 %s", o.Bundle)
	}
	// Strict decoding (§10.1): unknown, missing, repeated or null members are INVALID_BUNDLE.
	b, err := draw.ParseBundle(raw)
	if err != nil {
		return err
	}
	if err := draw.Verify(b); err != nil {
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
		return verifyDrawLog(ctx, b, lo, stdout)
	}
	if *want == "" {
		fmt.Fprintln(stdout, "提示：请用 --commitment 核对抽取前公布的承诺摘要，以确认验证包就是当时承诺的抽取。")
	}
	if b.Log != nil {
		fmt.Fprintln(stdout, "提示：请用 --url 中枢地址 核对外部熵与回避、替换是否与抽取时记入透明日志的一致。")
	}
	return nil
}

// runDrawBundle: ssgk draw bundle --draw ID --out FILE — writes the bundle of a revealed draw.
func runDrawBundle(ctx context.Context, cfg *config, drawID int, outFile string, stdout io.Writer) error {
	id, out := &drawID, &outFile
	if *id == 0 || *out == "" {
		return apperr.New(apperr.Invalid, "请用 --draw 指定抽取编号、用 --out 指定输出文件")
	}
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk draw bundle"))
	b, err := db.Drawer.Bundle(ctx, *id)
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
