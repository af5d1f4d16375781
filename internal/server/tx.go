package server

import (
	"context"
	"log/slog"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/sharing"
)

// transactioner runs each mutation operation in one database transaction, as entgql's does,
// except that a response whose only errors are fields the viewer may not read
// (FORBIDDEN_FIELD) is committed: the write was allowed, and what the response shows of its
// result follows the read rule like any query (null in the refused places) — a mutation is never
// undone because its caller asked to see a field it may not read.
type transactioner struct {
	entgql.Transactioner
	log *slog.Logger
}

// InterceptResponse implements graphql.ResponseInterceptor.
func (t transactioner) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	op := graphql.GetOperationContext(ctx).Operation
	if op == nil || op.Operation != ast.Mutation || (t.SkipTxFunc != nil && t.SkipTxFunc(op)) {
		return next(ctx)
	}
	txCtx, tx, err := t.OpenTx(ctx)
	if err != nil {
		t.log.ErrorContext(ctx, "cannot begin a transaction", "err", err)
		return &graphql.Response{Errors: gqlerror.List{{Message: "数据库暂时无法处理请求，请稍后重试",
			Extensions: map[string]any{"code": apperr.Unavailable}}}}
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	rsp := next(txCtx)
	if rsp == nil {
		_ = tx.Rollback()
		return rsp
	}
	for _, e := range rsp.Errors {
		if code, _ := e.Extensions["code"].(string); code != sharing.CodeForbiddenField {
			_ = tx.Rollback()
			return &graphql.Response{Errors: rsp.Errors, Extensions: rsp.Extensions}
		}
	}
	if err := tx.Commit(); err != nil {
		t.log.ErrorContext(ctx, "cannot commit a transaction", "err", err)
		return &graphql.Response{Errors: gqlerror.List{{Message: "数据库未能保存本次修改（已全部撤销），请稍后重试",
			Extensions: map[string]any{"code": apperr.Unavailable}}}}
	}
	return rsp
}
