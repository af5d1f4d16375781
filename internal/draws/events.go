package draws

import (
	"context"
	"fmt"
	"strings"

	"github.com/ssgk/ssgk/ent"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawevent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/task"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Error codes of the logged steps.
const (
	CodeReasonCodeRequired = "REASON_CODE_REQUIRED"
	CodeRecusalLimit       = "RECUSAL_LIMIT"
	CodeCancelForbidden    = "TASK_CANCEL_OFFICE_ONLY"
)

// MaxRecusals is how many recusals a target's team may have without the office.
const MaxRecusals = 2

// ReasonCode is one entry of the fixed table of amendment reasons (docs/draw-algorithm.md §16.3).
type ReasonCode struct{ Code, Name string }

// RecusalReasons and ReplacementReasons are the fixed reason-code tables.
var (
	RecusalReasons = []ReasonCode{{"DECLARED_CONFLICT", "申报的利害关系"}, {"KINSHIP", "亲属关系"},
		{"PRIOR_INVOLVEMENT", "曾参与相关处理"}, {"ILLNESS_ABSENCE", "疾病或缺勤"}, {"OTHER", "其他"}}
	ReplacementReasons = []ReasonCode{{"CLOSED", "已注销或吊销"}, {"NOT_FOUND", "经营场所查无"},
		{"OUT_OF_SCOPE", "不属检查范围"}, {"OTHER", "其他"}}
)

// ReasonName is the Chinese name of a reason code ("" if unknown).
func ReasonName(code string) string {
	for _, t := range [][]ReasonCode{RecusalReasons, ReplacementReasons} {
		for _, r := range t {
			if r.Code == code {
				return r.Name
			}
		}
	}
	return ""
}

func checkReasonCode(table []ReasonCode, code, what string) error {
	names := make([]string, len(table))
	for i, r := range table {
		if r.Code == code {
			return nil
		}
		names[i] = r.Code + " " + r.Name
	}
	return apperr.New(CodeReasonCodeRequired, "%s须选择原因代码：%s（收到“%s”）", what, strings.Join(names, "、"), code)
}

// eventName is the payload name of an event kind.
func eventName(k drawevent.Kind) string {
	if k == drawevent.KindDRAW {
		return draw.EventExecute
	}
	return string(k)
}

// logged writes one step of a draw: the DrawEvent row and its publication — a leaf of the
// transparency log — with the common members of docs/draw-algorithm.md §16.1 added to payload.
// It returns the leaf index.
func (d *Drawer) logged(ctx context.Context, tx *ent.Tx, dr *ent.Draw, t *ent.Task, kind drawevent.Kind, pk publication.Kind,
	title string, payload publish.DrawEvent, set func(*ent.DrawEventCreate)) (int64, error) {
	n, err := tx.DrawEvent.Query().Where(drawevent.DrawID(dr.ID)).Count(ctx)
	if err != nil {
		return 0, err
	}
	payload.SetHead(publish.DrawEventHead{Format: draw.EventFormat, Event: eventName(kind), Task: t.Number, DrawSeq: dr.Seq, EventSeq: n + 1})
	now := clock.Now(ctx)
	p, err := publish.Record(ctx, tx, publish.Act{Kind: pk, Title: title, SubjectType: ent.TypeDraw, SubjectID: dr.ID,
		DepartmentID: t.InitiatorID, DivisionCode: dr.DivisionCode, Payload: payload, At: now})
	if err != nil {
		return 0, err
	}
	c := tx.DrawEvent.Create().SetDrawID(dr.ID).SetSeq(n + 1).SetKind(kind).SetAt(now).
		SetActor(actor(ctx)).SetDivisionCode(dr.DivisionCode).SetLedgerIndex(*p.LedgerIndex)
	if set != nil {
		set(c)
	}
	if err := c.Exec(ctx); err != nil {
		return 0, err
	}
	return *p.LedgerIndex, nil
}

// event logs a step whose publication is a DRAW_EVENT.
func (d *Drawer) event(ctx context.Context, tx *ent.Tx, dr *ent.Draw, t *ent.Task, kind drawevent.Kind, label string,
	payload publish.DrawEvent, set func(*ent.DrawEventCreate)) error {
	_, err := d.logged(ctx, tx, dr, t, kind, publication.KindDRAW_EVENT,
		fmt.Sprintf("抽取事件：任务 %s 第 %d 次抽取%s", t.Number, dr.Seq, label), payload, set)
	return err
}

// eventLeaves are the leaf indexes of a draw's logged events, in order.
func eventLeaves(ctx context.Context, tx *ent.Tx, drawID int) ([]int64, []*ent.DrawEvent, error) {
	evs, err := tx.DrawEvent.Query().Where(drawevent.DrawID(drawID)).Order(ent.Asc(drawevent.FieldSeq)).All(ctx)
	if err != nil {
		return nil, nil, err
	}
	out := make([]int64, 0, len(evs))
	for _, e := range evs {
		if e.LedgerIndex != nil {
			out = append(out, *e.LedgerIndex)
		}
	}
	return out, evs, nil
}

// supersede marks a frozen or committed draw superseded, reveals its secret and logs the step.
// by is the seq of the draw replacing it (0: the task is cancelled).
func (d *Drawer) supersede(ctx context.Context, tx *ent.Tx, dr *ent.Draw, t *ent.Task, by int, reason string) error {
	secret, err := d.unseal(dr.Secret, dr.SealedSecret, dr.SecretHash)
	if err != nil {
		return err
	}
	n, err := tx.Draw.Update().Where(entdraw.ID(dr.ID), entdraw.StatusIn(entdraw.StatusFROZEN, entdraw.StatusCOMMITTED)).
		SetStatus(entdraw.StatusSUPERSEDED).SetSecret(hexOf(secret)).Save(ctx)
	if err != nil {
		return err
	}
	if n == 0 {
		return apperr.New(CodeAlreadyDrawn, "任务 %s 的第 %d 次抽取已完成，不能取代", t.Number, dr.Seq)
	}
	leaves, _, err := eventLeaves(ctx, tx, dr.ID)
	if err != nil {
		return err
	}
	return d.event(ctx, tx, dr, t, drawevent.KindSUPERSEDE, "被取代", &publish.DrawSupersede{
		Reason: reason, Status: string(dr.Status), SupersededBy: by, Secret: hexOf(secret), EventLeaves: leaves,
	}, func(c *ent.DrawEventCreate) { c.SetReason(reason) })
}

// CancelTask cancels a task. A draft is cancelled by its initiator as before; once announced,
// only the office may cancel, with a reason: the cancellation is a leaf of the transparency log
// and every frozen or committed draw of the task is superseded with its secret revealed.
func (d *Drawer) CancelTask(ctx context.Context, taskID int, reason string) (*ent.Task, error) {
	client := d.Client
	if tx := ent.TxFromContext(ctx); tx != nil {
		client = tx.Client()
	}
	t, err := client.Task.Get(ctx, taskID)
	if ent.IsNotFound(err) {
		return nil, apperr.New(apperr.NotFound, "抽查任务不存在")
	} else if err != nil {
		return nil, err
	}
	if t.Status == task.StatusDRAFT {
		return tasks.Cancel(ctx, d.Client, taskID)
	}
	if ctx, err = tasks.Authorize(ctx, t, authz.ManageTasks); err != nil {
		return nil, err
	}
	if v := viewer.FromContext(ctx); v.Kind != viewer.System && !v.HasRole(viewer.RoleOffice) {
		return nil, apperr.New(CodeCancelForbidden, "任务 %s 已公告，撤销须由联席会议办公室办理并说明原因", t.Number)
	}
	if strings.TrimSpace(reason) == "" {
		return nil, apperr.New(CodeReasonRequired, "任务 %s 已公告，撤销须说明原因", t.Number)
	}
	var out *ent.Task
	err = txn.Run(ctx, d.Client, func(tx *ent.Tx) error {
		t, err := tx.Task.Get(ctx, taskID)
		if err != nil {
			return err
		}
		before := t.Status
		if out, err = tasks.Move(ctx, tx, t, task.StatusCANCELLED); err != nil {
			return err
		}
		drs, err := tx.Draw.Query().Where(entdraw.TaskID(taskID), entdraw.StatusIn(entdraw.StatusFROZEN, entdraw.StatusCOMMITTED)).
			Order(ent.Asc(entdraw.FieldSeq)).All(ctx)
		if err != nil {
			return err
		}
		seqs := []int{}
		for _, dr := range drs {
			if err := d.supersede(ctx, tx, dr, t, 0, "任务撤销："+reason); err != nil {
				return err
			}
			seqs = append(seqs, dr.Seq)
		}
		_, err = publish.Record(ctx, tx, publish.Act{Kind: publication.KindTASK_CANCELLATION,
			Title:       fmt.Sprintf("抽查任务撤销：%s（%s）", t.Name, t.Number),
			SubjectType: ent.TypeTask, SubjectID: t.ID, DepartmentID: t.InitiatorID, DivisionCode: t.DivisionCode,
			Payload: publish.TaskCancellation{Format: draw.EventFormat, Event: draw.EventTaskCancel, Task: t.Number,
				Status: string(before), Reason: reason, SupersededDraws: seqs}})
		return err
	})
	if err != nil {
		return nil, err
	}
	return unwrapTask(ctx, out), nil
}

// unwrap detaches an entity read in the drawer's own transaction, so that the caller can load
// its edges after the commit (GraphQL resolves executeDraw's teams after the mutation).
func unwrap(ctx context.Context, dr *ent.Draw) *ent.Draw {
	if dr == nil || ent.TxFromContext(ctx) != nil {
		return dr
	}
	return dr.Unwrap()
}

func unwrapTask(ctx context.Context, t *ent.Task) *ent.Task {
	if t == nil || ent.TxFromContext(ctx) != nil {
		return t
	}
	return t.Unwrap()
}

func unwrapTeam(ctx context.Context, t *ent.InspectionTeam) *ent.InspectionTeam {
	if t == nil || ent.TxFromContext(ctx) != nil {
		return t
	}
	return t.Unwrap()
}
