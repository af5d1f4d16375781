package draws

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/ssgk/ssgk/ent"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawevent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/tasks"
)

// Commit publishes the draw's commitment (frame root, per-stratum N and n, parameters, pool
// digest, H(secret)) before any entropy exists. A draw is committed once.
func (d *Drawer) Commit(ctx context.Context, drawID int) (*ent.Draw, error) {
	ctx, err := d.authorizeDraw(ctx, drawID)
	if err != nil {
		return nil, err
	}
	var out *ent.Draw
	err = d.withDraw(ctx, drawID, func(tx *ent.Tx, dr *ent.Draw, t *ent.Task) error {
		switch dr.Status {
		case entdraw.StatusFROZEN:
		case entdraw.StatusCOMMITTED, entdraw.StatusDRAWN, entdraw.StatusREVEALED:
			return apperr.New(CodeAlreadyCommitted, "任务 %s 的第 %d 次抽取已公布承诺，不能重复承诺", t.Number, dr.Seq)
		default:
			return apperr.New(CodeBadState, "第 %d 次抽取已被重抽取代，不能承诺", dr.Seq)
		}
		now := clock.Now(ctx)
		n, err := tx.Draw.Update().Where(entdraw.ID(drawID), entdraw.StatusEQ(entdraw.StatusFROZEN)).
			SetStatus(entdraw.StatusCOMMITTED).SetCommittedAt(now).Save(ctx)
		if err != nil {
			return err
		}
		if n == 0 {
			return apperr.New(CodeAlreadyCommitted, "任务 %s 的第 %d 次抽取已由其他操作承诺", t.Number, dr.Seq)
		}
		var commitment draw.Commitment
		if err := json.Unmarshal([]byte(dr.Commitment), &commitment); err != nil {
			return err
		}
		total := 0
		if v, ok := dr.Parameters["drawTotal"].(float64); ok {
			total = int(v)
		}
		if _, err := d.logged(ctx, tx, dr, t, drawevent.KindCOMMIT, publication.KindDRAW_COMMITMENT,
			fmt.Sprintf("抽取承诺：任务 %s 第 %d 次抽取", t.Number, dr.Seq),
			&publish.DrawCommitment{TaskName: t.Name, Commitment: commitment, CommitmentDigest: dr.CommitmentDigest,
				TargetCount: total, Supersedes: dr.SupersedesID, Reason: dr.Reason}, nil); err != nil {
			return err
		}
		if _, err := tasks.Move(ctx, tx, t, task.StatusCOMMITTED); err != nil {
			return err
		}
		if err := tx.Task.UpdateOneID(t.ID).SetAnnouncedTargetCount(total).Exec(ctx); err != nil {
			return err
		}
		out, err = tx.Draw.Get(ctx, drawID)
		return err
	})
	return unwrap(ctx, out), err
}
