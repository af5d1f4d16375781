package draws

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/ssgk/ssgk/ent"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawevent"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/txn"
)

// Reveal publishes the server secret once every drawn target's results are published, so
// that anybody can re-derive the draw from the bundle.
func (d *Drawer) Reveal(ctx context.Context, drawID int) (*ent.Draw, error) {
	ctx, err := d.authorizeDraw(ctx, drawID)
	if err != nil {
		return nil, err
	}
	var out *ent.Draw
	err = d.withDraw(ctx, drawID, func(tx *ent.Tx, dr *ent.Draw, t *ent.Task) error {
		if dr.Status != entdraw.StatusDRAWN {
			return apperr.New(CodeBadState, "第 %d 次抽取状态为 %s，只有已抽取的抽取可以揭示", dr.Seq, dr.Status)
		}
		n, err := Pending(ctx, tx.Client(), dr)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(CodeResultsPending, "任务 %s 还有 %d 项检查结果未公示，结果全部公示后才能公开服务端密钥", t.Number, n)
		}
		secret, err := d.unseal(dr.Secret, dr.SealedSecret, dr.SecretHash)
		if err != nil {
			return err
		}
		in, _, err := d.inputs(ctx, tx, drawID)
		if err != nil {
			return err
		}
		o, err := d.outcome(ctx, tx, dr, in)
		if err != nil {
			return err
		}
		fd, err := draw.FinalDigest(o.CurrentTeams())
		if err != nil {
			return err
		}
		leaves, evs, err := eventLeaves(ctx, tx, drawID)
		if err != nil {
			return err
		}
		recusals, replacements := 0, 0
		for _, e := range evs {
			switch e.Kind {
			case drawevent.KindRECUSE:
				recusals++
			case drawevent.KindREPLACE:
				replacements++
			}
		}
		now := clock.Now(ctx)
		if m, err := tx.Draw.Update().Where(entdraw.ID(drawID), entdraw.StatusEQ(entdraw.StatusDRAWN)).
			SetStatus(entdraw.StatusREVEALED).SetRevealedAt(now).SetSecret(hexOf(secret)).Save(ctx); err != nil || m == 0 {
			if err == nil {
				err = apperr.New(CodeBadState, "第 %d 次抽取已由其他操作揭示", dr.Seq)
			}
			return err
		}
		if _, err := d.logged(ctx, tx, dr, t, drawevent.KindREVEAL, publication.KindDRAW_REVEAL,
			fmt.Sprintf("抽取揭示：任务 %s 第 %d 次抽取", t.Number, dr.Seq),
			&publish.DrawReveal{Secret: hexOf(secret), SecretHash: dr.SecretHash,
				Entropy: dr.ExternalEntropy, Seed: dr.Seed, CommitmentDigest: dr.CommitmentDigest,
				Amendments: len(o.Amendments), Recusals: recusals, Replacements: replacements,
				EventLeaves: leaves, OutcomeDigest: fd}, nil); err != nil {
			return err
		}
		out, err = tx.Draw.Get(ctx, drawID)
		return err
	})
	return unwrap(ctx, out), err
}

// Bundle rebuilds the verification bundle of a revealed draw from its frozen inputs, its
// commitment, entropy and secret and its logged amendments, and checks that the teams stored in
// the database are the ones the algorithm gives.
func (d *Drawer) Bundle(ctx context.Context, drawID int) (*draw.Bundle, error) {
	var out *draw.Bundle
	err := txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		dr, err := tx.Draw.Get(ctx, drawID)
		if err != nil {
			return err
		}
		if dr.Status != entdraw.StatusREVEALED {
			return apperr.New(CodeNotRevealed, "第 %d 次抽取尚未揭示：结果全部公示、服务端密钥公开后才能下载核验包", dr.Seq)
		}
		in, _, err := d.inputs(ctx, tx, drawID)
		if err != nil {
			return err
		}
		o, err := d.outcome(ctx, tx, dr, in)
		if err != nil {
			return err
		}
		if err := d.checkStored(ctx, tx, dr, o); err != nil {
			return err
		}
		var c draw.Commitment
		if err := json.Unmarshal([]byte(dr.Commitment), &c); err != nil {
			return err
		}
		secret, err := hex.DecodeString(dr.Secret)
		if err != nil {
			return err
		}
		if out, err = draw.NewBundle(in, c, dr.ExternalEntropy, secret, o); err != nil {
			return err
		}
		_, evs, err := eventLeaves(ctx, tx, drawID)
		if err != nil {
			return err
		}
		lg := &draw.Log{Format: draw.LogFormat, Events: []draw.LogEvent{}}
		for _, e := range evs {
			if e.LedgerIndex == nil {
				return nil // a draw made before the event log: a v1 bundle
			}
			lg.Events = append(lg.Events, draw.LogEvent{Event: eventName(e.Kind), Leaf: *e.LedgerIndex})
		}
		out.Log = lg
		return nil
	})
	return out, err
}

// checkStored compares the active teams in the database with the recomputed outcome.
func (d *Drawer) checkStored(ctx context.Context, tx *ent.Tx, dr *ent.Draw, o *draw.Outcome) error {
	stored, err := tx.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		WithTarget().WithMembers().All(ctx)
	if err != nil {
		return err
	}
	want := map[string][]string{}
	for _, tm := range o.CurrentTeams() {
		ks := []string{}
		for _, m := range tm.Members {
			ks = append(ks, m.Inspector)
		}
		want[tm.Target] = ks
	}
	if len(stored) != len(want) {
		return apperr.New(draw.CodeVerifyMismatch, "数据库中的有效检查组数（%d）与重新计算的结果（%d）不一致", len(stored), len(want))
	}
	for _, s := range stored {
		k := library.TargetKey(s.Edges.Target)
		ks, ok := want[k]
		if !ok || len(ks) != len(s.Edges.Members) {
			return apperr.New(draw.CodeVerifyMismatch, "数据库中检查对象“%s”的检查组与重新计算的结果不一致", k)
		}
		have := map[string]bool{}
		for _, m := range s.Edges.Members {
			have[InspectorKey(m)] = true
		}
		for _, x := range ks {
			if !have[x] {
				return apperr.New(draw.CodeVerifyMismatch, "数据库中检查对象“%s”的检查组与重新计算的结果不一致", k)
			}
		}
	}
	return nil
}

// CloseTask closes a task once every drawn target's results are published (a task still
// inspecting passes through REPORTING). The draw can then be revealed.
func (d *Drawer) CloseTask(ctx context.Context, taskID int) (*ent.Task, error) {
	ctx, err := d.authorizeTask(ctx, taskID)
	if err != nil {
		return nil, err
	}
	var out *ent.Task
	err = txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		t, err := tx.Task.Get(ctx, taskID)
		if err != nil {
			return err
		}
		dr, err := tx.Draw.Query().Where(entdraw.TaskID(taskID), entdraw.StatusIn(entdraw.StatusDRAWN, entdraw.StatusREVEALED)).Only(ctx)
		if ent.IsNotFound(err) {
			return apperr.New(tasks.CodeBadTransition, "任务 %s 尚未完成抽取，不能办结", t.Number)
		}
		if err != nil {
			return err
		}
		n, err := Pending(ctx, tx.Client(), dr)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(CodeResultsPending, "任务 %s 还有 %d 项检查结果未公示，不能办结", t.Number, n)
		}
		if t.Status == task.StatusINSPECTING {
			if t, err = tasks.Move(ctx, tx, t, task.StatusREPORTING); err != nil {
				return err
			}
		}
		out, err = tasks.Move(ctx, tx, t, task.StatusCLOSED)
		return err
	})
	return out, err
}
