package calendar

import (
	"errors"
	"fmt"
	"strings"
)

// Codes carried by *Error. CodeInvalid is the same string as apperr.Invalid so that the CLI and
// GraphQL layers can pass it through unchanged.
const (
	// CodeCalendarMissing: the working-day calendar of a year is not known. domain.md §2.8:
	// "If the calendar of a year is missing, fail closed — never guess."
	CodeCalendarMissing = "CALENDAR_MISSING"
	// CodeInvalid: an override file (or a NewYear call, or an argument) is not acceptable.
	CodeInvalid = "INVALID"
)

// Sentinels for errors.Is. Every error this package returns is an *Error; these match by code.
var (
	ErrCalendarMissing = errors.New("缺少工作日历")
	ErrInvalid         = errors.New("工作日历数据无效")
)

// Problem kinds reported by ParseYearFile and NewYear, one per finding, so that a program (and
// the tests) can tell the findings apart without matching Chinese text.
const (
	ProblemSyntax           = "SYNTAX"              // not well-formed JSON, or not one JSON object
	ProblemTooLarge         = "TOO_LARGE"           // file larger than maxFileSize
	ProblemEncoding         = "ENCODING"            // not UTF-8 (e.g. saved as GBK)
	ProblemUnknownField     = "UNKNOWN_FIELD"       // a key the format does not define (e.g. a typo)
	ProblemDuplicateField   = "DUPLICATE_FIELD"     // the same key twice in the object
	ProblemMissingField     = "MISSING_FIELD"       // year, source, days_off or make_up_workdays absent
	ProblemFieldType        = "FIELD_TYPE"          // e.g. year given as a string
	ProblemYear             = "YEAR"                // year outside the plausible range
	ProblemSource           = "SOURCE"              // source blank or too long
	ProblemDateFormat       = "DATE_FORMAT"         // not YYYY-MM-DD, or no such date (2028-02-30)
	ProblemRangeOrder       = "RANGE_ORDER"         // range end before its start
	ProblemRangeTooLong     = "RANGE_TOO_LONG"      // range longer than maxRangeDays
	ProblemOutsideYear      = "OUTSIDE_YEAR"        // date not in the file's year
	ProblemDuplicateDate    = "DUPLICATE_DATE"      // date listed twice in the same list
	ProblemMakeUpNotWeekend = "MAKE_UP_NOT_WEEKEND" // 调休上班日 falling on Monday–Friday
	ProblemBothLists        = "BOTH_LISTS"          // date is both a day off and a make-up day
	ProblemNoDaysOff        = "NO_DAYS_OFF"         // days_off empty
)

// Problem is one finding about an override year.
type Problem struct {
	Kind    string // one of the Problem* constants
	Message string // Chinese, names the field, the item and the date
}

// Error is the one error type of this package: a code a program can switch on and a Chinese
// message an operator or clerk can act on, the same shape as apperr.Error. apperr.From can map it
// with: var ce *calendar.Error; errors.As(err, &ce) → apperr.Wrap(err, ce.Code, "%s", ce.Message).
type Error struct {
	Code     string
	Message  string
	Year     int       // the year concerned, 0 if none
	Problems []Problem // for CodeInvalid from ParseYearFile/NewYear: every finding, in file order
	Err      error     // cause, for logs only
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// AppCode and AppMessage make an Error an application error (apperr.Coded).
func (e *Error) AppCode() string { return e.Code }

// AppMessage is the Chinese message (apperr.Coded).
func (e *Error) AppMessage() string { return e.Message }

func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrCalendarMissing) and errors.Is(err, ErrInvalid) work.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrCalendarMissing:
		return e.Code == CodeCalendarMissing
	case ErrInvalid:
		return e.Code == CodeInvalid
	}
	return false
}

// IsMissing reports whether err is (or wraps) a CALENDAR_MISSING error, and for which year.
func IsMissing(err error) (year int, ok bool) {
	var e *Error
	if errors.As(err, &e) && e.Code == CodeCalendarMissing {
		return e.Year, true
	}
	return 0, false
}

func missingError(year int, cause error) *Error {
	msg := fmt.Sprintf("缺少%d年的工作日历（国务院办公厅当年部分节假日安排），无法推算工作日；"+
		"请按当年通知编写日历文件，并用“ssgk calendar load 文件”载入", year)
	if cause != nil {
		// The shipped lunar-go data for this year failed our own validation, so it is not used.
		msg = fmt.Sprintf("%d年的内置节假日数据（lunar-go）未通过校验，已停用，无法推算工作日；"+
			"请按当年通知编写日历文件，并用“ssgk calendar load 文件”载入", year)
	}
	return &Error{Code: CodeCalendarMissing, Message: msg, Year: year, Err: cause}
}

func invalidError(year int, problems []Problem) *Error {
	var b strings.Builder
	if year != 0 {
		fmt.Fprintf(&b, "%d年工作日历文件有 %d 处错误，未载入：", year, len(problems))
	} else {
		fmt.Fprintf(&b, "工作日历文件有 %d 处错误，未载入：", len(problems))
	}
	for i, p := range problems {
		fmt.Fprintf(&b, "\n%d. %s", i+1, p.Message)
	}
	return &Error{Code: CodeInvalid, Message: b.String(), Year: year, Problems: problems}
}
