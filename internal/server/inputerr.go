package server

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ssgk/ssgk/internal/apperr"
)

// InvalidCursor is the code of a page cursor that is not one the hub handed out.
const InvalidCursor = "INVALID_CURSOR"

// inputError classifies an error raised while an argument was read — a cursor that does not
// decode, a time without its time of day, an ID that is not a number — as the caller's mistake,
// with a Chinese message naming the argument. Such errors carry the argument's path below the
// field's own; a resolver's errors carry the field's path. It returns nil for other errors.
func inputError(ctx context.Context, gerr *gqlerror.Error, cause error) *apperr.Error {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil || cause == nil {
		return nil
	}
	var ae *apperr.Error
	if errors.As(cause, &ae) {
		return nil // already a coded error of the hub
	}
	fieldPath := fc.Path()
	if len(gerr.Path) <= len(fieldPath) {
		return nil
	}
	var arg []string
	for _, p := range gerr.Path[len(fieldPath):] {
		switch p := p.(type) {
		case ast.PathName:
			arg = append(arg, string(p))
		case ast.PathIndex:
			arg = append(arg, fmt.Sprint(int(p)))
		}
	}
	name := strings.Join(arg, ".")
	last := ""
	if len(arg) > 0 {
		last = arg[len(arg)-1]
	}
	var pe *time.ParseError
	switch {
	case last == "after" || last == "before":
		return apperr.Wrap(cause, InvalidCursor, "参数 %s 的游标无效：应原样使用上一页返回的 endCursor 或 startCursor", name)
	case errors.As(cause, &pe):
		return apperr.Wrap(cause, apperr.Invalid, "参数 %s 的时间“%s”格式不正确：应为 RFC 3339 格式并含时刻与时区，如 2026-01-01T00:00:00+08:00", name, clip(pe.Value))
	case strings.Contains(cause.Error(), "parsing time") || strings.Contains(cause.Error(), "time should be"):
		return apperr.Wrap(cause, apperr.Invalid, "参数 %s 的时间格式不正确：应为 RFC 3339 格式并含时刻与时区，如 2026-01-01T00:00:00+08:00", name)
	case last == "id" || strings.HasSuffix(last, "ID") || strings.HasSuffix(last, "IDs") || strings.HasSuffix(last, "Id"):
		return apperr.Wrap(cause, apperr.Invalid, "参数 %s 不是有效的编号（ID）：应使用接口返回的 id", name)
	}
	return apperr.Wrap(cause, apperr.Invalid, "参数 %s 的值无效：%s", name, clip(cause.Error()))
}

// clip keeps an echoed value short.
func clip(s string) string {
	const n = 80
	r := []rune(s)
	if len(r) > n {
		return string(r[:n]) + "…"
	}
	return s
}

// requestError is a transport's error about a request it could not read.
func requestError(gerr *gqlerror.Error) *gqlerror.Error {
	msg := gerr.Message
	if i := strings.Index(msg, " body:"); i >= 0 {
		msg = msg[:i]
	}
	gerr.Message = "请求格式错误：" + clip(msg)
	gerr.Extensions = map[string]any{"code": apperr.BadRequest}
	return gerr
}
