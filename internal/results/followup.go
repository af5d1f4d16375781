package results

import (
	"context"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/followupaction"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/txn"
)

// followUp loads an open action with its option and result, checking the viewer: the
// follow-up belongs to the department that published the result (authz.HandleFollowUps). It
// returns the context authorised for the writes.
func followUp(ctx context.Context, tx *ent.Tx, actionID int) (*ent.FollowUpAction, context.Context, error) {
	a, err := tx.FollowUpAction.Query().Where(followupaction.ID(actionID)).WithOption().WithResult().Only(ctx)
	if ent.IsNotFound(err) {
		return nil, ctx, apperr.New(apperr.NotFound, "后续处置记录不存在")
	} else if err != nil {
		return nil, ctx, err
	}
	ctx, err = authz.Require(ctx, authz.HandleFollowUps, a.Edges.Result.DepartmentID)
	if err != nil {
		return nil, ctx, err
	}
	if a.Status != followupaction.StatusOPEN {
		return nil, ctx, apperr.New(CodeFollowUpBadState, "后续处置“%s”已办结，不能再办理", a.Edges.Option.Name)
	}
	return a, ctx, nil
}

func checkDay(ctx context.Context, d time.Time, what string, notBefore *time.Time) (time.Time, error) {
	if d.IsZero() {
		return time.Time{}, apperr.New(apperr.Invalid, "请填写%s", what)
	}
	day := calendar.DateOf(d)
	if day.After(calendar.DateOf(clock.Now(ctx))) {
		return time.Time{}, apperr.New(apperr.Invalid, "%s不能晚于今天", what)
	}
	if notBefore != nil && day.Before(calendar.DateOf(*notBefore)) {
		return time.Time{}, apperr.New(apperr.Invalid, "%s不能早于 %s", what, calendar.DateOf(*notBefore).Format(dateLayout))
	}
	return day, nil
}

// CompleteFollowUp closes an open follow-up action (办结). A case transfer must have been
// transferred first. The published result itself does not change.
func CompleteFollowUp(ctx context.Context, client *ent.Client, actionID int, doneOn time.Time, note string) (*ent.FollowUpAction, error) {
	var out *ent.FollowUpAction
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		a, ctx, err := followUp(ctx, tx, actionID)
		if err != nil {
			return err
		}
		if a.Edges.Option.TransfersCase && a.TransferredOn == nil {
			return apperr.New(CodeFollowUpBadState, "“%s”尚未移交，请先登记移交情况", a.Edges.Option.Name)
		}
		since := a.Edges.Result.PublishedAt
		if a.TransferredOn != nil {
			since = a.TransferredOn
		}
		day, err := checkDay(ctx, doneOn, "办结日期", since)
		if err != nil {
			return err
		}
		up := tx.FollowUpAction.UpdateOneID(a.ID).SetStatus(followupaction.StatusDONE).SetDoneOn(day)
		if note = strings.TrimSpace(note); note != "" {
			up.SetNote(note)
		}
		out, err = up.Save(ctx)
		return err
	})
	return out, err
}

// TransferCase records the transfer of a case lead to the case-handling unit, or — when a crime
// is suspected (judicial) — to the judicial organs (domain.md §2.9).
func TransferCase(ctx context.Context, client *ent.Client, actionID int, receivingUnit string, judicial bool, on time.Time) (*ent.FollowUpAction, error) {
	receivingUnit = strings.TrimSpace(receivingUnit)
	if receivingUnit == "" {
		return nil, apperr.New(apperr.Invalid, "请填写接收单位（办案机构或司法机关）")
	}
	var out *ent.FollowUpAction
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		a, ctx, err := followUp(ctx, tx, actionID)
		if err != nil {
			return err
		}
		if !a.Edges.Option.TransfersCase {
			return apperr.New(CodeFollowUpBadState, "后续处置方式为“%s”，不涉及案件移交", a.Edges.Option.Name)
		}
		if a.TransferredOn != nil {
			return apperr.New(CodeFollowUpBadState, "已于 %s 移交 %s，不能重复移交", calendar.DateOf(*a.TransferredOn).Format(dateLayout), a.ReceivingUnit)
		}
		day, err := checkDay(ctx, on, "移交日期", a.Edges.Result.PublishedAt)
		if err != nil {
			return err
		}
		out, err = tx.FollowUpAction.UpdateOneID(a.ID).SetReceivingUnit(receivingUnit).SetJudicialTransfer(judicial || a.JudicialTransfer).
			SetTransferredOn(day).Save(ctx)
		return err
	})
	return out, err
}
