package main

import (
	"context"
	"fmt"
	"io"

	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/viewer"
)

// runAuditVerify: ssgk audit verify.
func runAuditVerify(ctx context.Context, cfg *config, checkpoints []string, stdout, stderr io.Writer) error {
	db, err := hub.Open(ctx, hub.Options{DatabaseURL: cfg.DatabaseURL, DataDir: cfg.DataDir})
	if err != nil {
		return err
	}
	defer db.Close()
	ctx = db.Context(ctx) // the hub's business clock
	ctx = viewer.NewContext(ctx, viewer.NewSystem("ssgk audit verify"))
	rep, err := audit.Verify(ctx, db.Client, func(stage string, done, total int) {
		fmt.Fprintf(stderr, "\r校验%s：%d/%d", stage, done, total)
	})
	fmt.Fprintln(stderr)
	if err != nil {
		return err
	}
	// Corrections of published results carry the department head's signature over their
	// digest: both are recomputed and checked.
	corr, err := results.VerifyCorrections(ctx, db.Client)
	if err != nil {
		return err
	}
	// Checkpoints saved by outsiders anchor the trail: its newest events up to each anchor must
	// still be there, unchanged.
	anchorProblems, err := verifySavedAnchors(ctx, db, checkpoints, stderr)
	if err != nil {
		return err
	}
	for _, p := range anchorProblems {
		rep.Problems = append(rep.Problems, audit.Problem{Message: p})
	}
	if rep.OK() && len(corr) == 0 {
		fmt.Fprintf(stdout, "审计日志校验通过：%d 条事件，%d 条记录，链头 %s；更正签名全部有效\n", rep.Events, rep.Rows, rep.Head)
		return nil
	}
	for _, p := range rep.Problems {
		fmt.Fprintln(stdout, p.String())
	}
	for _, p := range corr {
		fmt.Fprintln(stdout, p.String())
	}
	return fmt.Errorf("审计日志校验失败：发现 %d 处问题（共 %d 条事件、%d 条记录）、%d 处更正签名问题", len(rep.Problems), rep.Events, rep.Rows, len(corr))
}
