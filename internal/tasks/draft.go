package tasks

import (
	"context"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/lead"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/txn"
)

// CodeNotDraft refuses editing or deleting a task that is no longer a draft: once announced, a
// task changes only by its state machine (cancellation included).
const CodeNotDraft = "TASK_NOT_DRAFT"

// draft loads a DRAFT task for editing or deleting and authorises the viewer for its initiator.
func draft(ctx context.Context, tx *ent.Tx, id int) (*ent.Task, context.Context, error) {
	t, err := tx.Task.Get(ctx, id)
	if ent.IsNotFound(err) {
		return nil, ctx, apperr.New(apperr.NotFound, "抽查任务不存在")
	} else if err != nil {
		return nil, ctx, err
	}
	wctx, err := Authorize(ctx, t, authz.ManageTasks)
	if err != nil {
		return nil, ctx, err
	}
	if t.Status != task.StatusDRAFT {
		return nil, ctx, apperr.New(CodeNotDraft, "任务 %s 当前状态为“%s”，只有草稿可以修改或删除", t.Number, StatusName(t.Status))
	}
	return t, wctx, nil
}

// UpdateDraft replaces everything of a DRAFT task but its number: the same checks as Create
// (the plan, the lists, the libraries), every write on the audit trail.
func UpdateDraft(ctx context.Context, client *ent.Client, id int, in Input) (*ent.Task, error) {
	if _, err := authz.Require(ctx, authz.ManageTasks, in.InitiatorID); err != nil {
		return nil, err
	}
	itemIDs, err := prepare(ctx, client, &in)
	if err != nil {
		return nil, err
	}
	var out *ent.Task
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		t, wctx, err := draft(ctx, tx, id)
		if err != nil {
			return err
		}
		methods, err := itemsAndMethods(wctx, tx, &in, itemIDs)
		if err != nil {
			return err
		}
		if _, err := tx.TaskItem.Delete().Where(taskitem.TaskID(t.ID)).Exec(wctx); err != nil {
			return err
		}
		u := tx.Task.UpdateOneID(t.ID).SetName(in.Name).SetKind(in.Kind).SetSpecial(in.Special).
			SetWindowStart(in.WindowStart).SetWindowEnd(in.WindowEnd).SetInitiatorID(in.InitiatorID).
			ClearParticipants().AddParticipantIDs(in.ParticipantIDs...).ClearLibraries().AddLibraryIDs(in.LibraryIDs...).
			ClearInspectorPool().AddInspectorPoolIDs(in.InspectorIDs...).ClearMethods().AddMethodIDs(methods...)
		// Each column is either set or cleared, never both: PostgreSQL refuses two assignments
		// to one column in an UPDATE.
		if in.BatchID != nil {
			u.SetBatchID(*in.BatchID)
		} else {
			u.ClearBatch()
		}
		if in.Scope != nil {
			u.SetScope(in.Scope)
		} else {
			u.ClearScope()
		}
		if len(in.TargetIDs) > 0 {
			u.SetNamedTargetIds(in.TargetIDs).SetTargetReason(in.TargetReason)
		} else {
			u.ClearNamedTargetIds().ClearTargetReason()
		}
		if len(in.StratifyBy) > 0 {
			u.SetStratifyBy(in.StratifyBy)
		} else {
			u.ClearStratifyBy()
		}
		if len(in.Strata) == 0 {
			u.ClearStrata()
		}
		if len(in.Strata) > 0 {
			m := map[string]any{}
			for _, s := range in.Strata {
				if (s.RatioPPM > 0) == (s.Count > 0) && !(s.RatioPPM == 0 && s.Count == 0) {
					return apperr.New(CodeInvalid, "层“%s”只能按比例或按数量之一设定", s.Name)
				}
				m[s.Name] = map[string]any{"ratioPpm": s.RatioPPM, "count": s.Count}
			}
			u.SetStrata(m)
		}
		for _, f := range []struct {
			v   *int
			set func(int)
		}{
			{in.TeamSize, func(v int) { u.SetTeamSize(v) }}, {in.ExpertsPerTeam, func(v int) { u.SetExpertsPerTeam(v) }},
			{in.MaxPerInspector, func(v int) { u.SetMaxPerInspector(v) }}, {in.RotationMonths, func(v int) { u.SetRotationMonths(v) }},
			{in.RecentMonths, func(v int) { u.SetRecentMonths(v) }}, {in.YearlyCap, func(v int) { u.SetYearlyCap(v) }},
		} {
			if f.v != nil {
				f.set(*f.v)
			}
		}
		if out, err = u.Save(wctx); err != nil {
			return err
		}
		for _, it := range in.Items {
			if err := tx.TaskItem.Create().SetTaskID(t.ID).SetDepartmentID(it.DepartmentID).SetItemID(it.ItemID).
				SetDivisionCode(t.DivisionCode).Exec(wctx); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// DeleteDraft deletes a DRAFT task (nothing of it was announced): its items and links go with
// it, leads behind it are free again, and the audit trail keeps every deleted row's digest.
func DeleteDraft(ctx context.Context, client *ent.Client, id int) (*ent.Task, error) {
	var out *ent.Task
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		t, wctx, err := draft(ctx, tx, id)
		if err != nil {
			return err
		}
		out = t
		if _, err := tx.TaskItem.Delete().Where(taskitem.TaskID(t.ID)).Exec(wctx); err != nil {
			return err
		}
		if err := tx.Lead.Update().Where(lead.SpecialTaskID(t.ID)).ClearSpecialTaskID().Exec(wctx); err != nil {
			return err
		}
		if err := tx.Task.UpdateOneID(t.ID).ClearParticipants().ClearLibraries().ClearInspectorPool().ClearMethods().Exec(wctx); err != nil {
			return err
		}
		return tx.Task.DeleteOneID(t.ID).Exec(wctx)
	})
	return out, err
}
