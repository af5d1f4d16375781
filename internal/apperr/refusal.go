package apperr

import (
	"strings"
	"sync"
)

// A database trigger that refuses a write on a rule of the domain cannot return an *Error: it
// raises a message. The message carries a marker, RefusalMarker followed by the error code
// (e.g. "ssgk-refusal:RESULT_PUBLISHED_IMMUTABLE"), which From maps to the code and the message
// the rule's package registered with Refusal — so the trigger and the Go path of the same rule
// give the same code and the same Chinese message, and apperr knows no domain code.
const RefusalMarker = "ssgk-refusal:"

var refusals sync.Map // code → message

// Refusal registers the message of a rule enforced by a database trigger and returns the
// marker the trigger's message must carry.
func Refusal(code, message string) string {
	refusals.Store(code, message)
	return RefusalMarker + code
}

// refusal finds a refusal marker in a database error's text.
func refusal(text string) (code, message string, ok bool) {
	i := strings.Index(text, RefusalMarker)
	if i < 0 {
		return "", "", false
	}
	rest := text[i+len(RefusalMarker):]
	n := 0
	for n < len(rest) && (rest[n] == '_' || rest[n] >= 'A' && rest[n] <= 'Z' || rest[n] >= '0' && rest[n] <= '9') {
		n++
	}
	if n == 0 {
		return "", "", false
	}
	code = rest[:n]
	if m, ok := refusals.Load(code); ok {
		return code, m.(string), true
	}
	return code, "数据库拒绝了本次修改（规则 " + code + "）", true
}
