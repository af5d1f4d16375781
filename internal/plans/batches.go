package plans

import (
	"context"
	"strings"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/planbatch"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/txn"
)

// batchOfDraft loads a batch for editing or deleting and authorises the viewer for its plan's
// department; the hooks (rules.go) refuse a batch of a plan that is no longer editable.
func batchOfDraft(ctx context.Context, tx *ent.Tx, id int) (*ent.PlanBatch, context.Context, error) {
	b, err := tx.PlanBatch.Query().Where(planbatch.ID(id)).WithPlan().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ctx, apperr.New(apperr.NotFound, "计划批次不存在")
	} else if err != nil {
		return nil, ctx, err
	}
	wctx, err := authz.Require(ctx, authz.EditPlans, b.Edges.Plan.DepartmentID)
	if err != nil {
		return nil, ctx, err
	}
	return b, wctx, nil
}

// UpdateBatch replaces a batch of an editable (draft or returned) plan version; every write is
// on the audit trail.
func UpdateBatch(ctx context.Context, client *ent.Client, batchID int, in BatchInput) (*ent.PlanBatch, error) {
	if len(in.ItemIDs) == 0 {
		return nil, apperr.New(apperr.Invalid, "批次“%s”至少须列明一项抽查事项", in.Name)
	}
	var out *ent.PlanBatch
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		b, wctx, err := batchOfDraft(ctx, tx, batchID)
		if err != nil {
			return err
		}
		u := tx.PlanBatch.UpdateOneID(b.ID).SetSeq(in.Seq).SetName(strings.TrimSpace(in.Name)).SetScope(in.Scope).
			SetStartDate(in.Start).SetEndDate(in.End).SetInitiatorID(in.InitiatorID).
			ClearParticipants().AddParticipantIDs(unique(in.ParticipantIDs)...).ClearItems().AddItemIDs(unique(in.ItemIDs)...)
		// Set or cleared, never both (PostgreSQL refuses two assignments to one column).
		if in.PlannedCount != nil {
			u.SetPlannedCount(*in.PlannedCount)
		} else {
			u.ClearPlannedCount()
		}
		if in.PlannedRatio != nil {
			u.SetPlannedRatio(*in.PlannedRatio)
		} else {
			u.ClearPlannedRatio()
		}
		out, err = u.Save(wctx)
		return err
	})
	return out, err
}

// DeleteBatch deletes a batch of an editable plan version that no task uses.
func DeleteBatch(ctx context.Context, client *ent.Client, batchID int) (*ent.PlanBatch, error) {
	var out *ent.PlanBatch
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		b, wctx, err := batchOfDraft(ctx, tx, batchID)
		if err != nil {
			return err
		}
		n, err := tx.Task.Query().Where(task.BatchID(b.ID)).Count(wctx)
		if err != nil {
			return err
		}
		if n > 0 {
			return apperr.New(apperr.Conflict, "计划批次“%s”已有 %d 个任务，不能删除", b.Name, n)
		}
		if err := tx.PlanBatch.UpdateOneID(b.ID).ClearParticipants().ClearItems().Exec(wctx); err != nil {
			return err
		}
		out = b
		return tx.PlanBatch.DeleteOneID(b.ID).Exec(wctx)
	})
	return out, err
}
