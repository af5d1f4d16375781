package draws

import (
	"context"
	"strings"

	"github.com/ssgk/ssgk/ent"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawevent"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/txn"
)

// Freeze freezes the task's frame and inputs and prepares the commitment (not yet published).
// A task already frozen or committed (but not drawn) may be frozen again, with a reason; the
// earlier draw is superseded and stays visible.
func (d *Drawer) Freeze(ctx context.Context, taskID int, reason string) (*ent.Draw, error) {
	ctx, err := d.authorizeTask(ctx, taskID)
	if err != nil {
		return nil, err
	}
	var out *ent.Draw
	var in draw.Inputs
	var fids *frameIDs
	var sum string
	err = txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		t, err := tx.Task.Get(ctx, taskID)
		if err != nil {
			return err
		}
		if !tasks.CanMove(t.Status, task.StatusFROZEN) {
			return apperr.New(tasks.CodeBadTransition, "任务 %s 当前状态为“%s”，不能冻结抽取框（须先公告任务；已抽取的任务不能重新冻结）",
				t.Number, tasks.StatusName(t.Status))
		}
		prev, err := tx.Draw.Query().Where(entdraw.TaskID(taskID)).Order(ent.Desc(entdraw.FieldSeq)).First(ctx)
		if ent.IsNotFound(err) {
			prev, err = nil, nil
		}
		if err != nil {
			return err
		}
		if prev != nil && strings.TrimSpace(reason) == "" {
			return apperr.New(CodeReasonRequired, "任务 %s 已有第 %d 次抽取（%s），重新冻结须说明原因", t.Number, prev.Seq, prev.Status)
		}
		now := clock.Now(ctx)
		depts, err := tasks.Departments(ctx, tx.Client(), taskID)
		if err != nil {
			return err
		}
		var confirmations []int
		for _, dp := range depts {
			c, err := library.ValidConfirmation(ctx, tx.Client(), dp.ID, now)
			if err != nil {
				if apperr.CodeOf(err) == "LIBRARY_NOT_CONFIRMED" {
					return apperr.New("LIBRARY_NOT_CONFIRMED", "抽取前须对两库进行更新确认：%s没有有效的两库更新确认", dp.Name)
				}
				return err
			}
			confirmations = append(confirmations, c.ID)
		}
		if in, fids, err = d.inputsOf(ctx, tx, t, now); err != nil {
			return err
		}
		// The snapshot (JSON + gzip) is encoded while the commitment hashes the frame.
		type encoded struct {
			data []byte
			sum  string
			size int64
			err  error
		}
		snap := make(chan encoded, 1)
		go func() {
			var e encoded
			e.data, e.sum, e.size, e.err = encodeSnapshot(in)
			snap <- e
		}()
		secret, err := d.NewSecret()
		if err != nil {
			<-snap
			return err
		}
		c, err := draw.Commit(in, draw.SecretHash(secret))
		enc := <-snap
		if err != nil {
			return err
		}
		cj, err := c.CanonicalJSON()
		if err != nil {
			return err
		}
		digest, err := c.Digest()
		if err != nil {
			return err
		}
		seq := 1
		if prev != nil {
			seq = prev.Seq + 1
		}
		sealed, err := d.seal(secret, c.SecretHash.String())
		if err != nil {
			return err
		}
		pdigest, err := draw.ParamsDigest(c)
		if err != nil {
			return err
		}
		create := tx.Draw.Create().SetTaskID(taskID).SetSeq(seq).SetStatus(entdraw.StatusFROZEN).SetDivisionCode(t.DivisionCode).
			SetFrameRoot(c.FrameRoot.String()).SetFrameSize(c.FrameSize).SetParameters(parameters(c, in.Frame)).
			SetInspectorPoolDigest(c.InspectorPoolDigest.String()).SetSecretHash(c.SecretHash.String()).
			SetSealedSecret(sealed).SetCommitment(string(cj)).SetCommitmentDigest(digest.String()).
			AddConfirmationIDs(confirmations...)
		supersedes := 0
		if prev != nil {
			if prev.Status != entdraw.StatusSUPERSEDED {
				if prev.Status != entdraw.StatusFROZEN && prev.Status != entdraw.StatusCOMMITTED {
					return apperr.New(CodeAlreadyDrawn, "任务 %s 的第 %d 次抽取已完成，不能重新冻结", t.Number, prev.Seq)
				}
				if err := d.supersede(ctx, tx, prev, t, seq, reason); err != nil {
					return err
				}
			}
			create.SetSupersedesID(prev.ID).SetReason(reason)
			supersedes = prev.Seq
		}
		if out, err = create.Save(ctx); err != nil {
			return err
		}
		if enc.err != nil {
			return enc.err
		}
		sum = enc.sum
		if err := tx.DrawSnapshot.Create().SetDrawID(out.ID).SetData(enc.data).SetSha256(enc.sum).SetSize(enc.size).Exec(ctx); err != nil {
			return err
		}
		if err := d.event(ctx, tx, out, t, drawevent.KindFREEZE, "冻结抽取框", &publish.DrawFreeze{
			FrameRoot: c.FrameRoot.String(), FrameSize: c.FrameSize, ParametersDigest: pdigest,
			InspectorPoolDigest: c.InspectorPoolDigest.String(), SecretHash: c.SecretHash.String(),
			Supersedes: supersedes, Reason: reason,
		}, func(c *ent.DrawEventCreate) { c.SetReason(reason) }); err != nil {
			return err
		}
		_, err = tasks.Move(ctx, tx, t, task.StatusFROZEN)
		return err
	})
	if err != nil {
		return nil, err
	}
	d.remember(out.ID, sum, in, fids)
	return unwrap(ctx, out), nil
}

// parameters is the summary stored on the draw row: per-stratum N, excluded by reason, and n.
func parameters(c draw.Commitment, f *draw.Frame) map[string]any {
	strata := []any{}
	total := 0
	for _, s := range c.Strata {
		reasons := map[string]int{}
		if fs := f.Stratum(s.Name); fs != nil {
			for _, e := range fs.Excluded {
				reasons[string(e.Reason)]++
			}
		}
		strata = append(strata, map[string]any{"name": s.Name, "eligible": s.Eligible, "excluded": s.Excluded, "draw": s.Draw, "excludedByReason": reasons})
		total += s.Draw
	}
	return map[string]any{"algorithm": c.Algorithm, "strata": strata, "drawTotal": total, "team": c.Params.Team, "exclusion": c.Params.Exclusion}
}
