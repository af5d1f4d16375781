package results

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/followupoption"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/ent/taskitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/calendar/calendarstore"
	"github.com/ssgk/ssgk/internal/codes"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Follow-up options that are tracked to completion after publication (internal/codes).
var trackedFollowUps = map[string]bool{
	"ORDER_CORRECTION":  true,
	"CASE_TRANSFER":     true,
	"JUDICIAL_TRANSFER": true,
	"NOTIFY_DEPT":       true,
}

const (
	followUpNotify   = "NOTIFY_DEPT"
	followUpJudicial = "JUDICIAL_TRANSFER"
)

// transition loads the result, checks the viewer for the authorisation action act (authz.Rules)
// and the state with from, and runs fn in the transaction with the workflow marker.
func transition(ctx context.Context, client *ent.Client, resultID int, action string, act authz.Action,
	from []result.Status, fn func(ctx context.Context, tx *ent.Tx, r *ent.Result) (*ent.Result, error)) (*ent.Result, error) {
	var out *ent.Result
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		r, err := tx.Result.Get(ctx, resultID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "检查结果不存在")
		} else if err != nil {
			return err
		}
		actx, err := authz.Require(ctx, act, r.DepartmentID)
		if err != nil {
			return err
		}
		ok := false
		for _, s := range from {
			ok = ok || r.Status == s
		}
		if !ok {
			return badState(r.Status, action)
		}
		out, err = fn(withWorkflow(actx), tx, r)
		return err
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Submit sends a draft (or returned) result for review. It needs the inspection end date and
// an entry for every one of the department's task items, and it computes and stores the
// publication deadline: 20 working days after the inspection ends (企业信息公示暂行条例 art. 6)
// by the official calendar — the same computation as `ssgk calendar deadline`. A missing
// calendar year refuses the submission (CALENDAR_MISSING): the hub never guesses a deadline.
func Submit(ctx context.Context, client *ent.Client, resultID int) (*ent.Result, error) {
	return transition(ctx, client, resultID, "提交审核", authz.EnterResults, []result.Status{result.StatusDRAFT, result.StatusRETURNED},
		func(ctx context.Context, tx *ent.Tx, r *ent.Result) (*ent.Result, error) {
			if r.InspectionEndDate == nil {
				return nil, apperr.New(apperr.Invalid, "请填写检查结束日期后再提交审核")
			}
			if calendar.DateOf(*r.InspectionEndDate).After(calendar.DateOf(clock.Now(ctx))) {
				return nil, apperr.New(apperr.Invalid, "检查结束日期晚于今天，请核对后再提交")
			}
			if n, err := tx.Result.QueryCodes(r).Count(ctx); err != nil {
				return nil, err
			} else if n == 0 {
				return nil, apperr.New(CodeCodeRequired, "请至少选择一项检查结果后再提交审核")
			}
			if err := checkItemsComplete(ctx, tx, r); err != nil {
				return nil, err
			}
			due, err := Deadline(ctx, client, *r.InspectionEndDate)
			if err != nil {
				return nil, err
			}
			up := tx.Result.UpdateOneID(r.ID).SetStatus(result.StatusPENDING_REVIEW).SetSubmittedAt(clock.Now(ctx)).SetDueDate(due)
			return up.Save(ctx)
		})
}

// Deadline is the last day to publish a result whose inspection ended on end: 20 working days
// after it by the calendar in force (calendarstore), failing closed with CALENDAR_MISSING.
func Deadline(ctx context.Context, client *ent.Client, end time.Time) (time.Time, error) {
	cal, err := calendarstore.Calendar(ctx, client)
	if err != nil {
		return time.Time{}, err
	}
	return cal.Deadline(end)
}

// checkItemsComplete: the public sees every item and its result, so each of the department's
// task items needs an entry (checked or not) before review.
func checkItemsComplete(ctx context.Context, tx *ent.Tx, r *ent.Result) error {
	tis, err := tx.TaskItem.Query().Where(taskitem.TaskID(r.TaskID), taskitem.DepartmentID(r.DepartmentID)).WithItem().All(ctx)
	if err != nil {
		return err
	}
	have, err := tx.ResultItem.Query().Where(resultitem.ResultID(r.ID)).Select(resultitem.FieldItemID).Ints(ctx)
	if err != nil {
		return err
	}
	got := dedup(have)
	var missing []string
	for _, ti := range tis {
		if !got[ti.ItemID] {
			missing = append(missing, fmt.Sprintf("%s %s", ti.Edges.Item.Code, ti.Edges.Item.Name))
		}
	}
	if len(missing) > 0 {
		return apperr.New(CodeItemsIncomplete, "以下抽查事项尚未录入检查情况：%s", strings.Join(missing, "；"))
	}
	return nil
}

// Return sends a result under review back to the inspectors with a reason.
func Return(ctx context.Context, client *ent.Client, resultID int, reason string) (*ent.Result, error) {
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return nil, apperr.New(CodeReasonRequired, "退回须写明原因")
	}
	return transition(ctx, client, resultID, "退回", authz.ReviewResults, []result.Status{result.StatusPENDING_REVIEW},
		func(ctx context.Context, tx *ent.Tx, r *ent.Result) (*ent.Result, error) {
			return tx.Result.UpdateOneID(r.ID).SetStatus(result.StatusRETURNED).SetReviewNote(reason).Save(ctx)
		})
}

// Approve approves a result under review. Separation of duties: the approver is not the
// account that entered it.
func Approve(ctx context.Context, client *ent.Client, resultID int) (*ent.Result, error) {
	return transition(ctx, client, resultID, "审核通过", authz.ReviewResults, []result.Status{result.StatusPENDING_REVIEW},
		func(ctx context.Context, tx *ent.Tx, r *ent.Result) (*ent.Result, error) {
			v := viewer.FromContext(ctx)
			up := tx.Result.UpdateOneID(r.ID).SetStatus(result.StatusAPPROVED).SetApprovedAt(clock.Now(ctx))
			if v.Kind == viewer.Account && v.AccountID != 0 {
				entered, err := tx.Result.QueryEnteredBy(r).OnlyID(ctx)
				if err != nil && !ent.IsNotFound(err) {
					return nil, err
				}
				if entered == v.AccountID {
					return nil, apperr.New(CodeSameAccount, "录入人不能审核自己录入的检查结果，请由本部门其他审核人审核")
				}
				up.SetApprovedByID(v.AccountID)
			}
			return up.Save(ctx)
		})
}

// PublishOptions complete a publication.
type PublishOptions struct {
	// NotifyDepartmentIDs are the departments in whose field the finding falls, for the
	// follow-up 抄告相关部门 (NOTIFY_DEPT); required for that follow-up.
	NotifyDepartmentIDs []int
	// At is the publication time; zero means now. Only operator commands (System viewers, e.g.
	// importing historical results) may set it: a backdated publication would hide lateness.
	At time.Time
}

// Publish publishes an approved result (一公开): records the RESULT publication with the public
// payload, records the inspection under the target (last_inspected_on), opens the follow-up
// actions that need tracking and sends the notices (抄告).
func Publish(ctx context.Context, client *ent.Client, resultID int, opt PublishOptions) (*ent.Result, error) {
	at := opt.At
	if !at.IsZero() && viewer.FromContext(ctx).Kind != viewer.System {
		return nil, apperr.New(apperr.Forbidden, "公示时间由系统记录，不能指定")
	}
	if at.IsZero() {
		at = clock.Now(ctx)
	}
	return transition(ctx, client, resultID, "公示（须先审核通过）", authz.ReviewResults, []result.Status{result.StatusAPPROVED},
		func(ctx context.Context, tx *ent.Tx, r *ent.Result) (*ent.Result, error) {
			if r.InspectionEndDate == nil {
				return nil, apperr.New(apperr.Invalid, "检查结束日期缺失，不能公示")
			}
			out, err := tx.Result.UpdateOneID(r.ID).SetStatus(result.StatusPUBLISHED).SetPublishedAt(at).Save(ctx)
			if err != nil {
				return nil, err
			}
			payload, err := publicResult(ctx, tx.Client(), out)
			if err != nil {
				return nil, err
			}
			_, err = publish.Record(ctx, tx, publish.Act{
				Kind: publication.KindRESULT, Title: fmt.Sprintf("%s：%s 检查结果", payload.TaskName, payload.TargetName),
				SubjectType: ent.TypeResult, SubjectID: out.ID, DepartmentID: out.DepartmentID, DivisionCode: out.DivisionCode,
				Payload: payload, At: at,
			})
			if err != nil {
				return nil, err
			}
			if err := afterPublish(ctx, tx, out, opt.NotifyDepartmentIDs); err != nil {
				return nil, err
			}
			return out, nil
		})
}

// afterPublish records the inspection under the target and opens the follow-ups.
func afterPublish(ctx context.Context, tx *ent.Tx, r *ent.Result, notify []int) error {
	tgt, err := tx.Target.Get(ctx, r.TargetID)
	if err != nil {
		return err
	}
	end := calendar.DateOf(*r.InspectionEndDate)
	if tgt.LastInspectedOn == nil || tgt.LastInspectedOn.Before(end) {
		if err := tx.Target.UpdateOneID(tgt.ID).SetLastInspectedOn(end).Exec(ctx); err != nil {
			return err
		}
	}
	if r.AbnormalFlag {
		if err := abnormalList(ctx, tx, r, tgt); err != nil {
			return err
		}
	}
	if r.FollowUpID == nil {
		if len(notify) > 0 {
			return apperr.New(apperr.Invalid, "后续处置方式不是“抄告相关部门”，不能指定抄告部门")
		}
		return nil
	}
	fo, err := tx.FollowUpOption.Query().Where(followupoption.ID(*r.FollowUpID)).Only(ctx)
	if err != nil {
		return err
	}
	if fo.Code != followUpNotify && len(notify) > 0 {
		return apperr.New(apperr.Invalid, "后续处置方式不是“抄告相关部门”，不能指定抄告部门")
	}
	if !trackedFollowUps[fo.Code] {
		return nil
	}
	if fo.Code == followUpNotify {
		targets := dedupSorted(notify)
		if len(targets) == 0 {
			return apperr.New(apperr.Invalid, "后续处置为“抄告相关部门”，请指定被抄告的部门")
		}
		from, err := tx.Department.Get(ctx, r.DepartmentID)
		if err != nil {
			return err
		}
		var names []string
		for _, id := range targets {
			if id == r.DepartmentID {
				return apperr.New(apperr.Invalid, "不能抄告本部门")
			}
			to, err := tx.Department.Get(ctx, id)
			if ent.IsNotFound(err) {
				return apperr.New(apperr.NotFound, "被抄告的部门不存在")
			} else if err != nil {
				return err
			}
			names = append(names, to.Name)
			msg := fmt.Sprintf("%s在抽查检查中发现“%s”存在属于贵单位职责范围的问题，特此抄告（检查结果编号 %d）。", from.Name, tgt.Name, r.ID)
			err = tx.Notification.Create().SetMessage(msg).SetFromDepartmentID(r.DepartmentID).SetToDepartmentID(id).
				SetResultID(r.ID).SetDivisionCode(r.DivisionCode).Exec(ctx)
			if err != nil {
				return err
			}
		}
		return tx.FollowUpAction.Create().SetResultID(r.ID).SetOptionID(fo.ID).SetDivisionCode(r.DivisionCode).
			SetReceivingUnit(strings.Join(names, "、")).SetTransferredOn(calendar.DateOf(clock.Now(ctx))).Exec(ctx)
	}
	return tx.FollowUpAction.Create().SetResultID(r.ID).SetOptionID(fo.ID).SetDivisionCode(r.DivisionCode).
		SetJudicialTransfer(fo.Code == followUpJudicial).Exec(ctx)
}

// abnormalList follows up a published result whose codes lead to the abnormal list (经营异常
// 名录, domain.md §2.7): the target's list status is set, and an open follow-up action
// "列入经营异常名录" is recorded under the result for the department to complete.
func abnormalList(ctx context.Context, tx *ent.Tx, r *ent.Result, tgt *ent.Target) error {
	if !tgt.AbnormalList {
		if err := tx.Target.UpdateOneID(tgt.ID).SetAbnormalList(true).Exec(ctx); err != nil {
			return err
		}
	}
	fo, err := tx.FollowUpOption.Query().Where(followupoption.Code(codes.AbnormalListFollowUp)).Only(ctx)
	if ent.IsNotFound(err) {
		return apperr.New(apperr.Internal, "缺少后续处置方式“列入经营异常名录”：请运行代码表初始化")
	} else if err != nil {
		return err
	}
	return tx.FollowUpAction.Create().SetResultID(r.ID).SetOptionID(fo.ID).SetDivisionCode(r.DivisionCode).Exec(ctx)
}
