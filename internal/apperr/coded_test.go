package apperr_test

import (
	"fmt"
	"testing"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/uscc"
)

// TestFrom_DomainErrorsThroughCoded: the errors of draw, calendar and uscc reach their codes and
// Chinese messages through apperr.Coded (apperr imports none of them), wrapped or not, and a
// draw error's target and rule become extensions.
func TestFrom_DomainErrorsThroughCoded(t *testing.T) {
	bad := "91370921MA3C5YKX0X"
	for _, tc := range []struct {
		name     string
		err      error
		code     string
		message  string
		ext      map[string]any
		checkMsg bool
	}{
		{name: "uscc", err: uscc.Validate(bad), code: apperr.InvalidUSCC, message: "统一社会信用代码“" + bad + "”无效：", checkMsg: true},
		{name: "id number", err: uscc.ValidateIDNumber("37092119900101123"), code: apperr.InvalidIDNumber, message: "公民身份号码无效：", checkMsg: true},
		{name: "calendar", err: fmt.Errorf("deadline: %w", &calendar.Error{Code: calendar.CodeCalendarMissing, Message: "缺少 2027 年的工作日历", Year: 2027}),
			code: calendar.CodeCalendarMissing, message: "缺少 2027 年的工作日历"},
		{name: "draw", err: fmt.Errorf("draw: %w", &draw.Error{Code: draw.CodePoolExhausted, Message: "可抽取的检查人员不足", Target: "t1", Rule: "回避"}),
			code: draw.CodePoolExhausted, message: "可抽取的检查人员不足", ext: map[string]any{"target": "t1", "rule": "回避"}},
		{name: "draw without details", err: &draw.Error{Code: draw.CodeInvalidFrame, Message: "抽取框无效"},
			code: draw.CodeInvalidFrame, message: "抽取框无效"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.err == nil {
				t.Fatal("the domain function accepted the bad value")
			}
			ae := apperr.From(tc.err)
			if ae.Code != tc.code {
				t.Fatalf("code %s, want %s", ae.Code, tc.code)
			}
			if tc.checkMsg {
				if len(ae.Message) <= len(tc.message) || ae.Message[:len(tc.message)] != tc.message {
					t.Fatalf("message %q, want it to start with %q", ae.Message, tc.message)
				}
			} else if ae.Message != tc.message {
				t.Fatalf("message %q, want %q", ae.Message, tc.message)
			}
			if len(ae.Extensions) != len(tc.ext) {
				t.Fatalf("extensions %v, want %v", ae.Extensions, tc.ext)
			}
			for k, v := range tc.ext {
				if ae.Extensions[k] != v {
					t.Fatalf("extensions %v, want %v", ae.Extensions, tc.ext)
				}
			}
		})
	}
}
