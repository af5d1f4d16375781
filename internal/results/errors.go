// Package results keeps inspection results (检查结果, domain.md §2.7–§2.9): entry by the
// department that inspected ("谁检查、谁录入、谁公开"), evidence, review and approval,
// publication within 20 working days, immutability once published, signed corrections,
// follow-up tracking and the office's deadline view.
//
// A drawn target without a Result is "not yet inspected" (NOT_INSPECTED) — never a default pass.
package results

import (
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/internal/apperr"
)

// Error codes of this package (extensions.code).
const (
	CodeBadState          = "RESULT_BAD_STATE"           // transition not allowed from the current state
	CodeImmutable         = "RESULT_PUBLISHED_IMMUTABLE" // a published result, its items, evidence or links
	CodeNotDrawn          = "RESULT_TARGET_NOT_DRAWN"    // the target is not drawn in the task
	CodeNotParticipant    = "RESULT_NOT_PARTICIPANT"     // the department has no items in the task
	CodeItemNotInTask     = "RESULT_ITEM_NOT_IN_TASK"    // an item that is not the department's task item
	CodeItemsIncomplete   = "RESULT_ITEMS_INCOMPLETE"    // submit without every task item
	CodeCodeRequired      = "RESULT_CODE_REQUIRED"       // no result code
	CodeCodesConflict     = "RESULT_CODES_CONFLICT"      // mutually exclusive result codes
	CodeProblemMismatch   = "RESULT_PROBLEM_MISMATCH"    // items' problem_found vs. result codes
	CodeAdoptionInvalid   = "RESULT_ADOPTION_INVALID"    // 采信 of something that is not adoptable
	CodeSameAccount       = "RESULT_SEPARATION_OF_DUTIES"
	CodeReasonRequired    = "RESULT_REASON_REQUIRED"
	CodeEvidenceTooLarge  = "EVIDENCE_TOO_LARGE"
	CodeEvidenceBadType   = "EVIDENCE_BAD_TYPE"
	CodeFollowUpBadState  = "FOLLOW_UP_BAD_STATE"
	CodeCorrectionInvalid = "CORRECTION_INVALID"
)

// StatusName is the Chinese name of a result status (domain.md §2.7: 未录入 → 待审核 → 退回 /
// 已审核 → 已公示).
func StatusName(s result.Status) string {
	switch s {
	case result.StatusDRAFT:
		return "录入中"
	case result.StatusPENDING_REVIEW:
		return "待审核"
	case result.StatusRETURNED:
		return "已退回"
	case result.StatusAPPROVED:
		return "已审核"
	case result.StatusPUBLISHED:
		return "已公示"
	}
	return string(s)
}

func badState(s result.Status, action string) error {
	if s == result.StatusPUBLISHED {
		return apperr.New(CodeBadState, "检查结果当前状态为“%s”，不能%s；已公示的结果确有错误的，须由部门负责人签字更正", StatusName(s), action)
	}
	return apperr.New(CodeBadState, "检查结果当前状态为“%s”，不能%s", StatusName(s), action)
}

// immutableMessage is the one message of CodeImmutable, from the hooks and from the triggers.
const immutableMessage = "检查结果已公示，不能修改或删除；确有错误的，须由部门负责人签字更正，形成新版本"

// immutableMarker is what the triggers raise (apperr.Refusal): apperr.From maps it to
// CodeImmutable with immutableMessage.
var immutableMarker = apperr.Refusal(CodeImmutable, immutableMessage)

func immutable() error {
	return apperr.New(CodeImmutable, "%s", immutableMessage)
}
