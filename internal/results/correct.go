package results

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/correction"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/signing"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// CorrectionInput is a correction (更正): the reason and the full content of the new version.
// TaskID, TargetID and DepartmentID of the embedded ResultInput are taken from the original;
// its IdempotencyKey is not used.
type CorrectionInput struct {
	Reason string
	ResultInput
	// NotifyDepartmentIDs: as PublishOptions, when the new version's follow-up is 抄告相关部门
	// and differs from the original's.
	NotifyDepartmentIDs []int
}

// correctionScheme names the digest's canonical form; a change of form is a new scheme.
const correctionScheme = "ssgk-correction/v1"

// correctionKey is the key of the publication payload that carries the correction itself; the
// rest of the payload is the new version's public payload.
const correctionKey = "correction"

// CorrectionDigest is SHA-256 over the canonical JSON (sorted keys, encoding/json) of
// {scheme, original result id, digest of the original's publication, new version's public
// payload, reason}. The head signs the 32 raw bytes.
func CorrectionDigest(originalID int, originalPublicationDigest string, payload map[string]any, reason string) ([]byte, error) {
	b, err := json.Marshal(map[string]any{
		"scheme":                      correctionScheme,
		"original_result_id":          originalID,
		"original_publication_digest": originalPublicationDigest,
		"payload":                     payload,
		"reason":                      reason,
	})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(b)
	return sum[:], nil
}

// Correct corrects a published result: a new version with the given content, published at
// once, confirmed by the department head's signature (domain.md §2.8). The original stays as it
// was and both stay visible; the CORRECTION publication points at the original's publication.
// The head re-enters the password to sign; a wrong password (SIGNATURE_AUTH_FAILED) stores
// nothing.
func Correct(ctx context.Context, client *ent.Client, originalID int, in CorrectionInput, headAccountID int, headPassword string) (*ent.Result, *ent.Correction, error) {
	reason := strings.TrimSpace(in.Reason)
	if reason == "" {
		return nil, nil, apperr.New(CodeReasonRequired, "更正须写明原因")
	}
	v := viewer.FromContext(ctx)
	var (
		newRes *ent.Result
		corr   *ent.Correction
	)
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		orig, err := tx.Result.Get(ctx, originalID)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "检查结果不存在")
		} else if err != nil {
			return err
		}
		if ctx, err = authz.Require(ctx, authz.CorrectResults, orig.DepartmentID); err != nil {
			return err
		}
		if err := canCorrect(ctx, tx, v, orig, headAccountID); err != nil {
			return err
		}
		if orig.Status != result.StatusPUBLISHED {
			return apperr.New(CodeBadState, "检查结果当前状态为“%s”，只有已公示的结果需要更正；未公示的结果请退回修改", StatusName(orig.Status))
		}
		cur, err := latest(ctx, tx, orig.TaskID, orig.TargetID, orig.DepartmentID)
		if err != nil {
			return err
		}
		if cur.ID != orig.ID {
			return apperr.New(CodeCorrectionInvalid, "该结果已被更正为第 %d 版，请在最新版本上更正", cur.Version)
		}
		origPub, err := tx.Publication.Query().Where(publication.SubjectType(ent.TypeResult), publication.SubjectID(orig.ID),
			publication.KindIn(publication.KindRESULT, publication.KindCORRECTION)).
			Order(ent.Desc(publication.FieldPublishedAt), ent.Desc(publication.FieldID)).First(ctx)
		if err != nil {
			if ent.IsNotFound(err) {
				return apperr.New(CodeCorrectionInvalid, "原结果没有公示记录，无法更正")
			}
			return err
		}
		ri := in.ResultInput
		ri.TaskID, ri.TargetID, ri.DepartmentID, ri.IdempotencyKey = orig.TaskID, orig.TargetID, orig.DepartmentID, ""
		if ri.InspectionEndDate.IsZero() {
			return apperr.New(apperr.Invalid, "请填写检查结束日期")
		}
		c, err := check(ctx, tx, &ri)
		if err != nil {
			return err
		}
		now := clock.Now(ctx)
		wctx := withWorkflow(ctx)
		// Built as APPROVED and switched to PUBLISHED last: the triggers refuse content added to
		// a row that is already published.
		cr := tx.Result.Create().SetTaskID(orig.TaskID).SetTargetID(orig.TargetID).SetDepartmentID(orig.DepartmentID).
			SetDivisionCode(orig.DivisionCode).SetVersion(orig.Version + 1).SetStatus(result.StatusAPPROVED).
			SetTeamID(c.teamID).SetSummary(ri.Summary).SetAbnormalFlag(c.abnormal).AddCodeIDs(c.codeIDs...).AddMethodIDs(c.methodIDs...).
			SetInspectionEndDate(calendar.DateOf(ri.InspectionEndDate)).SetNillableDueDate(orig.DueDate).
			SetSubmittedAt(now).SetApprovedAt(now).SetApprovedByID(headAccountID)
		if v.Kind == viewer.Account && v.AccountID != 0 {
			cr.SetEnteredByID(v.AccountID)
		} else {
			cr.SetEnteredByID(headAccountID)
		}
		if ri.FollowUpOptionID != 0 {
			cr.SetFollowUpID(ri.FollowUpOptionID)
		}
		if ri.AdoptedFromID != 0 {
			cr.SetAdoptedFromID(ri.AdoptedFromID)
		}
		nr, err := cr.Save(wctx)
		if err != nil {
			return err
		}
		if err := saveItems(wctx, tx, nr.ID, nr.DivisionCode, ri.Items); err != nil {
			return err
		}
		if err := checkItemsComplete(ctx, tx, nr); err != nil {
			return err
		}
		pub, err := publicResult(ctx, tx.Client(), nr)
		if err != nil {
			return err
		}
		payload, err := normalize(pub)
		if err != nil {
			return err
		}
		digest, err := CorrectionDigest(orig.ID, origPub.Digest, payload, reason)
		if err != nil {
			return err
		}
		sig, err := signing.Sign(ctx, tx.Client(), headAccountID, headPassword, digest)
		if err != nil {
			return err
		}
		sigB64 := base64.StdEncoding.EncodeToString(sig)
		corr, err = tx.Correction.Create().SetReason(reason).SetDigest(hex.EncodeToString(digest)).
			SetSignatureAlgorithm(signing.Algorithm).SetSignature(sigB64).SetSignedAt(now).SetPublishedAt(now).
			SetOriginalID(orig.ID).SetCorrectedID(nr.ID).SetSignedByID(headAccountID).SetDivisionCode(orig.DivisionCode).Save(ctx)
		if err != nil {
			return err
		}
		if nr, err = tx.Result.UpdateOneID(nr.ID).SetStatus(result.StatusPUBLISHED).SetPublishedAt(now).Save(wctx); err != nil {
			return err
		}
		pub.Correction = &publish.ResultCorrection{
			Reason:                    reason,
			OriginalResultID:          orig.ID,
			OriginalVersion:           orig.Version,
			OriginalPublicationDigest: origPub.Digest,
			Digest:                    hex.EncodeToString(digest),
			SignatureAlgorithm:        signing.Algorithm,
			Signature:                 sigB64,
			SignedBy:                  headAccountID,
			SignedAt:                  now.UTC().Format(time.RFC3339),
		}
		_, err = publish.Record(ctx, tx, publish.Act{
			Kind: publication.KindCORRECTION, Title: fmt.Sprintf("更正：%s：%s 检查结果（第 %d 版）", pub.TaskName, pub.TargetName, nr.Version),
			SubjectType: ent.TypeResult, SubjectID: nr.ID, DepartmentID: nr.DepartmentID, DivisionCode: nr.DivisionCode,
			Payload: pub, Corrects: origPub.ID, At: now,
		})
		if err != nil {
			return err
		}
		// The new version's follow-up is opened only when it changed; the original's actions go on.
		if !sameIntPtr(orig.FollowUpID, nr.FollowUpID) {
			if err := afterPublish(ctx, tx, nr, in.NotifyDepartmentIDs); err != nil {
				return err
			}
		} else if len(in.NotifyDepartmentIDs) > 0 {
			return apperr.New(apperr.Invalid, "后续处置方式未变更，不需要再次抄告")
		}
		newRes = nr
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	return newRes, corr, nil
}

func sameIntPtr(a, b *int) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// canCorrect: a correction is confirmed by the head (HEAD) of the department that published the
// result, signing with their own key — as that account, or through an operator command.
func canCorrect(ctx context.Context, tx *ent.Tx, v *viewer.Viewer, r *ent.Result, headAccountID int) error {
	switch {
	case v.IsAnonymous():
		return apperr.New(apperr.Unauthenticated, "请先登录后再更正检查结果")
	case v.Kind == viewer.System:
	case v.Kind != viewer.Account || v.AccountID != headAccountID:
		return apperr.New(apperr.Forbidden, "更正须由部门负责人本人签字确认")
	case v.DepartmentID != r.DepartmentID || !v.HasRole(viewer.RoleHead):
		return apperr.New(apperr.Forbidden, "只有本部门负责人可以更正本部门已公示的检查结果")
	}
	acc, err := tx.Account.Get(ctx, headAccountID)
	if ent.IsNotFound(err) {
		return apperr.New(apperr.NotFound, "签字负责人的账号不存在")
	} else if err != nil {
		return err
	}
	if acc.DepartmentID != r.DepartmentID || !slices.Contains(acc.Roles, viewer.RoleHead) {
		return apperr.New(apperr.Forbidden, "签字人“%s”不是该结果所属部门的负责人", acc.DisplayName)
	}
	return nil
}

// Problem is one finding of VerifyCorrections.
type Problem struct {
	CorrectionID int
	ResultID     int // the corrected (new) version
	Message      string
}

func (p Problem) String() string {
	return fmt.Sprintf("更正 #%d（结果 #%d）：%s", p.CorrectionID, p.ResultID, p.Message)
}

// VerifyCorrections checks every correction against the stored rows: the CORRECTION
// publication's own digest, the correction digest recomputed from the original's publication,
// the published payload and the stored reason, the head's signature with the signer's public
// key, and the new version's own content against what was published. `ssgk audit verify`
// reports the findings.
func VerifyCorrections(ctx context.Context, client *ent.Client) ([]Problem, error) {
	corrs, err := client.Correction.Query().WithSignedBy().Order(ent.Asc(correction.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	var out []Problem
	for _, c := range corrs {
		add := func(format string, args ...any) {
			out = append(out, Problem{CorrectionID: c.ID, ResultID: c.CorrectedID, Message: fmt.Sprintf(format, args...)})
		}
		pub, err := client.Publication.Query().Where(publication.KindEQ(publication.KindCORRECTION),
			publication.SubjectType(ent.TypeResult), publication.SubjectID(c.CorrectedID)).
			Order(ent.Asc(publication.FieldID)).First(ctx)
		if ent.IsNotFound(err) {
			add("缺少更正公示记录")
			continue
		} else if err != nil {
			return nil, err
		}
		if d, err := publish.Digest(pub.Payload); err != nil || d != pub.Digest {
			add("更正公示内容与其摘要不符，公示记录被修改")
		}
		if pub.CorrectsID == nil {
			add("更正公示未指向被更正的公示")
			continue
		}
		origPub, err := client.Publication.Get(ctx, *pub.CorrectsID)
		if err != nil {
			if ent.IsNotFound(err) {
				add("被更正的公示记录不存在")
				continue
			}
			return nil, err
		}
		if origPub.SubjectID != c.OriginalID {
			add("被更正的公示（#%d）不是原结果 #%d 的公示", origPub.ID, c.OriginalID)
		}
		version := maps.Clone(pub.Payload)
		delete(version, correctionKey)
		digest, err := CorrectionDigest(c.OriginalID, origPub.Digest, version, c.Reason)
		if err != nil {
			return nil, err
		}
		if hex.EncodeToString(digest) != c.Digest {
			add("更正摘要与记录不符：更正原因、原结果或更正内容被修改")
		}
		sig, err := base64.StdEncoding.DecodeString(c.Signature)
		switch {
		case c.Edges.SignedBy == nil:
			add("缺少签字负责人")
		case c.SignatureAlgorithm != signing.Algorithm:
			add("不支持的签名算法 %s", c.SignatureAlgorithm)
		case err != nil || !signing.Verify(c.Edges.SignedBy.SigningPublicKey, digest, sig):
			add("负责人签名核验失败（签字人 %s）", c.Edges.SignedBy.DisplayName)
		}
		nr, err := client.Result.Get(ctx, c.CorrectedID)
		if err != nil {
			if ent.IsNotFound(err) {
				add("更正后的结果不存在")
				continue
			}
			return nil, err
		}
		content, err := resultContent(ctx, client, nr)
		if err != nil {
			return nil, err
		}
		stored, err := normalize(content)
		if err != nil {
			return nil, err
		}
		have, err1 := subset(stored)
		want, err2 := subset(version)
		if err1 != nil || err2 != nil || have != want {
			add("更正后结果的内容与公示内容不一致")
		}
		if nr.Status != result.StatusPUBLISHED {
			add("更正后的结果状态为“%s”，应为已公示", StatusName(nr.Status))
		}
	}
	return out, nil
}
