// Package apperr is the hub's one error type: a code a program can switch on and a Chinese
// message a clerk can act on. Internal errors are logged, never shown.
package apperr

import (
	"errors"
	"fmt"
	"strings"

	"github.com/ssgk/ssgk/ent"
)

// Codes carried in GraphQL errors' extensions.code and in CLI output.
const (
	Invalid         = "INVALID"
	InvalidUSCC     = "INVALID_USCC"
	InvalidIDNumber = "INVALID_ID_NUMBER"
	NotFound        = "NOT_FOUND"
	Conflict        = "CONFLICT"
	Unauthenticated = "UNAUTHENTICATED"
	Forbidden       = "FORBIDDEN"
	AccountLocked   = "ACCOUNT_LOCKED"
	TooComplex      = "QUERY_TOO_COMPLEX"
	PageTooLarge    = "PAGE_SIZE_EXCEEDED"
	Internal        = "INTERNAL"
	// Unavailable: the database cannot serve the request now (down, unreachable, shutting
	// down); nothing was written; retrying later is safe. See also Busy, DiskFull and Deadline
	// (fault.go).
	Unavailable = "UNAVAILABLE"
)

// Codes of refused requests: too many attempts, too big or malformed (issue 19).
const (
	RateLimited       = "RATE_LIMITED"
	QueryTooLarge     = "QUERY_TOO_LARGE"
	RequestTooLarge   = "REQUEST_TOO_LARGE"
	UploadTooLarge    = "UPLOAD_TOO_LARGE"
	BadRequest        = "BAD_REQUEST"
	BatchNotSupported = "BATCH_NOT_SUPPORTED"
)

// Error is an error with a code and a Chinese message.
type Error struct {
	Code    string
	Message string
	Err     error // the cause, for logs only
	// Extensions are details a client can act on (Extended), shown beside the code in a
	// GraphQL error's extensions; nil for most errors.
	Extensions map[string]any
}

func (e *Error) Error() string {
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, e.Message, e.Err)
	}
	return e.Code + ": " + e.Message
}

func (e *Error) Unwrap() error { return e.Err }

// New returns an Error.
func New(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Wrap returns an Error that keeps err as its cause.
func Wrap(err error, code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...), Err: err}
}

// Coded is implemented by errors of domain packages that carry their own code and Chinese
// message (draw.Error, calendar.Error, uscc.Error, importer.SourceError…), so that apperr
// depends on no domain package: From maps them through this interface.
type Coded interface {
	error
	AppCode() string
	AppMessage() string
}

// Extended is optionally implemented by a Coded error with details a client can act on (the
// target and rule of draw's POOL_EXHAUSTED); From copies them into Error.Extensions.
type Extended interface {
	AppExtensions() map[string]any
}

// From classifies any error into an Error: application errors pass through; ent validation,
// not-found and constraint errors get their codes; failures of the database or the machine get
// BUSY, DISK_FULL, UNAVAILABLE or DEADLINE (Fault); everything else is INTERNAL.
func From(err error) *Error {
	if err == nil {
		return nil
	}
	var ae *Error
	if errors.As(err, &ae) {
		return ae
	}
	var coded Coded
	if errors.As(err, &coded) {
		ae := Wrap(err, coded.AppCode(), "%s", coded.AppMessage())
		if x, ok := coded.(Extended); ok {
			ae.Extensions = x.AppExtensions()
		}
		return ae
	}
	var ve *ent.ValidationError
	if errors.As(err, &ve) {
		return Wrap(err, Invalid, "字段“%s”的值不符合要求：%v", ve.Name, errors.Unwrap(ve))
	}
	var nf *ent.NotFoundError
	if errors.As(err, &nf) {
		return Wrap(err, NotFound, "未找到对应记录")
	}
	if strings.Contains(err.Error(), "ent: empty predicate ") {
		// entgql refuses an empty filter object nested in and/or/not (e.g. where: {or: [{}]}).
		return Wrap(err, Invalid, "筛选条件 where 中有空的条件对象（如 or: [{}]）：请删除它或写明条件")
	}
	if code, msg, ok := refusal(err.Error()); ok {
		// Raised by a database trigger that enforces a rule (refusal.go).
		return Wrap(err, code, "%s", msg)
	}
	if f := Fault(err); f != nil {
		return f
	}
	if ent.IsConstraintError(err) || isUniqueViolation(err) || isForeignKeyViolation(err) {
		switch {
		case isUniqueViolation(err):
			return Wrap(err, Conflict, "记录已存在：业务编码（如统一社会信用代码、任务编号、执法证号）重复")
		case isForeignKeyViolation(err):
			return Wrap(err, NotFound, "引用的记录不存在（如部门、对象或事项编号有误）")
		}
		return Wrap(err, Conflict, "数据约束冲突")
	}
	return Wrap(err, Internal, "内部错误，请联系系统管理员")
}

// CodeOf returns the code of err, or "" for nil.
func CodeOf(err error) string {
	if err == nil {
		return ""
	}
	return From(err).Code
}
