package draws

import (
	"context"
	"strings"

	"github.com/ssgk/ssgk/ent"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawevent"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/viewer"
)

// teamOf returns the active team row of a target key in the draw.
func (d *Drawer) teamOf(ctx context.Context, tx *ent.Tx, drawID int, key string) (*ent.InspectionTeam, error) {
	ids, err := d.targetIDs(ctx, tx, []string{key}, nil)
	if err != nil {
		return nil, err
	}
	id, ok := ids[key]
	if !ok {
		return nil, apperr.New(apperr.NotFound, "检查对象“%s”不存在", key)
	}
	tm, err := tx.InspectionTeam.Query().Where(inspectionteam.DrawID(drawID), inspectionteam.TargetID(id),
		inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).Only(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New(draw.CodeNotDrawn, "检查对象“%s”不在本次抽取的有效名单中", key)
	}
	return tm, err
}

// amend applies a recusal or a replacement: the old team row keeps its members and gets the
// status and reason; a new team row holds the redrawn team; the event logs the inputs.
func (d *Drawer) amend(ctx context.Context, drawID int, kind draw.AmendmentKind, key string, recused []string, reasonCode, reason string) (*ent.InspectionTeam, error) {
	ctx, err := d.authorizeDraw(ctx, drawID)
	if err != nil {
		return nil, err
	}
	if kind == draw.AmendRecuse {
		err = checkReasonCode(RecusalReasons, reasonCode, "回避重组")
	} else {
		err = checkReasonCode(ReplacementReasons, reasonCode, "对象替换")
	}
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(reason) == "" {
		return nil, apperr.New(CodeReasonRequired, "回避重组或对象替换须说明原因")
	}
	v := viewer.FromContext(ctx)
	office := v.Kind == viewer.System || v.HasRole(viewer.RoleOffice)
	var out *ent.InspectionTeam
	err = d.withDraw(ctx, drawID, func(tx *ent.Tx, dr *ent.Draw, t *ent.Task) error {
		if dr.Status != entdraw.StatusDRAWN {
			return apperr.New(CodeBadState, "第 %d 次抽取状态为 %s，只有已抽取、尚未揭示的抽取可以回避重组或替换对象", dr.Seq, dr.Status)
		}
		old, err := d.teamOf(ctx, tx, drawID, key)
		if err != nil {
			return err
		}
		n, err := tx.Result.Query().Where(result.TaskID(t.ID), result.TargetID(old.TargetID)).Count(ctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(CodeResultsExist, "检查对象“%s”已录入检查结果，不能再回避重组或替换", key)
		}
		over := false
		if kind == draw.AmendRecuse {
			done, err := tx.DrawEvent.Query().Where(drawevent.DrawID(drawID), drawevent.KindEQ(drawevent.KindRECUSE), drawevent.TargetKey(key)).Count(ctx)
			if err != nil {
				return err
			}
			if over = done >= MaxRecusals; over && !office {
				return apperr.New(CodeRecusalLimit, "检查对象“%s”的检查组已回避重组 %d 次，再次回避须由联席会议办公室办理", key, done)
			}
		}
		in, _, err := d.inputs(ctx, tx, drawID)
		if err != nil {
			return err
		}
		o, err := d.outcome(ctx, tx, dr, in)
		if err != nil {
			return err
		}
		if kind == draw.AmendRecuse {
			o, err = draw.Recuse(in, o, key, recused, reason)
		} else {
			o, err = draw.Replace(in, o, key, reason)
		}
		if err != nil {
			return err
		}
		a := o.Amendments[len(o.Amendments)-1]
		status, version, newKey := inspectionteam.StatusRECUSED, old.Version+1, key
		if kind == draw.AmendReplace {
			status, version, newKey = inspectionteam.StatusREPLACED, 1, a.Replacement.Key
		}
		if err := tx.InspectionTeam.UpdateOneID(old.ID).SetStatus(status).SetReason(reason).Exec(ctx); err != nil {
			return err
		}
		tids, err := d.targetIDs(ctx, tx, []string{newKey}, nil)
		if err != nil {
			return err
		}
		iids, err := inspectorIDs(ctx, tx, in.Inspectors)
		if err != nil {
			return err
		}
		members := make([]int, len(a.Team.Members))
		for i, m := range a.Team.Members {
			members[i] = iids[m.Inspector]
		}
		if out, err = tx.InspectionTeam.Create().SetDrawID(drawID).SetTargetID(tids[newKey]).SetStratum(a.Team.Stratum).
			SetTicket(a.Team.Ticket.String()).SetPosition(a.Team.Position).SetVersion(version).SetReason(reason).
			SetDivisionCode(dr.DivisionCode).AddMemberIDs(members...).Save(ctx); err != nil {
			return err
		}
		k, label := drawevent.KindRECUSE, "回避重组"
		if kind == draw.AmendReplace {
			k, label = drawevent.KindREPLACE, "对象替换"
		}
		secret, err := d.unseal(dr.Secret, dr.SealedSecret, dr.SecretHash)
		if err != nil {
			return err
		}
		ad, err := draw.AmendmentDigest(secret, a)
		if err != nil {
			return err
		}
		return d.event(ctx, tx, dr, t, k, label, &publish.DrawAmendment{
			Amendment: len(o.Amendments), ReasonCode: reasonCode, OfficeApproved: over, AmendmentDigest: ad,
		}, func(c *ent.DrawEventCreate) {
			c.SetTargetKey(key).SetReason(reason).SetReasonCode(reasonCode)
			if kind == draw.AmendRecuse {
				c.SetInspectors(a.Recused)
			} else {
				c.SetReplacementKey(newKey)
			}
		})
	})
	return unwrapTeam(ctx, out), err
}

// Recuse redraws a target's team without the recused inspectors (an enterprise's recusal
// request or a newly found conflict), from the same seed's order. reasonCode is one of
// RecusalReasons; a target's team is recused at most MaxRecusals times unless the office runs it.
func (d *Drawer) Recuse(ctx context.Context, drawID int, targetKey string, inspectors []string, reasonCode, reason string) (*ent.InspectionTeam, error) {
	return d.amend(ctx, drawID, draw.AmendRecuse, targetKey, inspectors, reasonCode, reason)
}

// Replace replaces a target found closed by the next target of its stratum's replacement order.
// reasonCode is one of ReplacementReasons.
func (d *Drawer) Replace(ctx context.Context, drawID int, targetKey, reasonCode, reason string) (*ent.InspectionTeam, error) {
	return d.amend(ctx, drawID, draw.AmendReplace, targetKey, nil, reasonCode, reason)
}

// Pending counts the drawn targets × departments with items that have no published result.
func Pending(ctx context.Context, client *ent.Client, dr *ent.Draw) (int, error) {
	targets, err := client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID), inspectionteam.StatusEQ(inspectionteam.StatusACTIVE)).
		Select(inspectionteam.FieldTargetID).Ints(ctx)
	if err != nil {
		return 0, err
	}
	depts, err := client.TaskItem.Query().Where(taskitem.TaskID(dr.TaskID)).Unique(true).Select(taskitem.FieldDepartmentID).Ints(ctx)
	if err != nil {
		return 0, err
	}
	type pair struct{ t, d int }
	done := map[pair]bool{}
	var rs []struct {
		TargetID     int `json:"target_id"`
		DepartmentID int `json:"department_id"`
	}
	if err := client.Result.Query().Where(result.TaskID(dr.TaskID), result.StatusEQ(result.StatusPUBLISHED)).
		Select(result.FieldTargetID, result.FieldDepartmentID).Scan(ctx, &rs); err != nil {
		return 0, err
	}
	for _, r := range rs {
		done[pair{r.TargetID, r.DepartmentID}] = true
	}
	n := 0
	for _, t := range targets {
		for _, dp := range depts {
			if !done[pair{t, dp}] {
				n++
			}
		}
	}
	return n, nil
}
