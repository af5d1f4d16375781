package draw

import (
	"errors"
	"fmt"
)

// Error codes returned by this package. They are stable: the GraphQL layer puts them into
// extensions.code and the CLI prints them.
const (
	CodeInvalidFrame         = "INVALID_FRAME"
	CodeInvalidParameters    = "INVALID_PARAMETERS"
	CodeInvalidPool          = "INVALID_POOL"
	CodeInvalidSecret        = "INVALID_SECRET"
	CodeInvalidEntropy       = "INVALID_ENTROPY"
	CodePoolExhausted        = "POOL_EXHAUSTED"
	CodeReplacementExhausted = "REPLACEMENT_EXHAUSTED"
	CodeNotDrawn             = "NOT_DRAWN"
	CodeNotInTeam            = "NOT_IN_TEAM"
	CodeVerifyMismatch       = "VERIFY_MISMATCH"
)

// Causes of a VERIFY_MISMATCH (Error.Cause; docs/draw-algorithm.md §11.2). A check whose failure
// is one of the codes above (INVALID_FRAME, INVALID_SECRET, POOL_EXHAUSTED, NOT_DRAWN, …) has that
// code as its cause.
const (
	CauseUnsupportedAlgorithm     = "UNSUPPORTED_ALGORITHM"
	CauseFrameMismatch            = "FRAME_MISMATCH"
	CauseCountsMismatch           = "COUNTS_MISMATCH"
	CauseDigestMismatch           = "DIGEST_MISMATCH"
	CauseCommitmentDigestMismatch = "COMMITMENT_DIGEST_MISMATCH"
	CauseSeedMismatch             = "SEED_MISMATCH"
	CauseTargetsMismatch          = "TARGETS_MISMATCH"
	CauseTeamsMismatch            = "TEAMS_MISMATCH"
	CauseAmendmentMismatch        = "AMENDMENT_MISMATCH"
)

// Team rules a POOL_EXHAUSTED error can name (Error.Rule).
const (
	// RuleMinInspectors: 行政处罚法 art. 42 — at least two enforcement officers; experts never count.
	RuleMinInspectors = "MIN_INSPECTORS"
	// RuleDepartment: joint task — the initiator and every department with items send one.
	RuleDepartment = "DEPARTMENT_COVERAGE"
)

// Error is the one error type of the package: a code a program can switch on and a Chinese
// message a clerk can act on. Target and Rule are set where the error concerns one target
// (POOL_EXHAUSTED, NOT_DRAWN, …) so that callers can point at it without parsing the message.
type Error struct {
	Code    string
	Message string
	Target  string // target key concerned, if any
	Rule    string // team rule that could not be met (POOL_EXHAUSTED), if any
	// Cause says which check of the verification failed (docs/draw-algorithm.md §11.2): set on
	// VERIFY_MISMATCH and INVALID_BUNDLE errors, e.g. SEED_MISMATCH or INVALID_POOL.
	Cause string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// AppCode and AppMessage make an Error an application error (apperr.Coded).
func (e *Error) AppCode() string { return e.Code }

// AppMessage is the Chinese message (apperr.Coded).
func (e *Error) AppMessage() string { return e.Message }

// AppExtensions name the target and the rule of POOL_EXHAUSTED and friends, so that a client
// can point at them (apperr.Extended); nil when there are none.
func (e *Error) AppExtensions() map[string]any {
	if e.Target == "" && e.Rule == "" {
		return nil
	}
	ext := map[string]any{}
	if e.Target != "" {
		ext["target"] = e.Target
	}
	if e.Rule != "" {
		ext["rule"] = e.Rule
	}
	return ext
}

func errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// messageOf is the Chinese message of err (its text if it is not an *Error).
func messageOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Message
	}
	return err.Error()
}
