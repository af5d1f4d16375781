package server

import (
	"context"
	"log/slog"
	"net/http"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/logging"
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
	idem, err := idempotencyOf(ctx)
	if err != nil {
		ae := apperr.From(err)
		return &graphql.Response{Errors: gqlerror.List{{Message: ae.Message, Extensions: map[string]any{"code": ae.Code}}}}
	}
	txCtx, tx, err := t.OpenTx(ctx)
	if err != nil {
		return t.faultResponse(ctx, "cannot begin a transaction", err)
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	if idem != nil {
		stored, err := t.replay(txCtx, ent.TxFromContext(txCtx), idem)
		if err != nil {
			_ = tx.Rollback()
			return t.faultResponse(ctx, "cannot read an idempotency key", err)
		}
		if stored != nil {
			_ = tx.Rollback()
			return stored
		}
	}
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
	if idem != nil {
		if err := t.remember(txCtx, ent.TxFromContext(txCtx), idem, rsp); err != nil {
			_ = tx.Rollback()
			return t.faultResponse(ctx, "cannot store an idempotency key", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return t.commitFaultResponse(ctx, err)
	}
	return rsp
}

// commitFaultResponse answers a mutation whose COMMIT failed. When the connection broke during
// the COMMIT the database may have committed before the answer was lost, so the client is told
// the outcome is unknown (extensions.outcome = UNKNOWN) and to retry with the same
// Idempotency-Key, which returns the first committed answer if there was one. A COMMIT the
// database refused (busy, disk full) wrote nothing, as faultResponse says.
func (t transactioner) commitFaultResponse(ctx context.Context, err error) *graphql.Response {
	ae := apperr.Fault(err)
	if ae != nil && ae.Code != apperr.Unavailable && ae.Code != apperr.Deadline {
		return t.faultResponse(ctx, "cannot commit a transaction", err)
	}
	code := apperr.Unavailable
	if ae != nil {
		code = ae.Code
	}
	t.log.ErrorContext(ctx, "commit outcome unknown", "code", code, "err", err)
	ext := map[string]any{"code": code, "outcome": "UNKNOWN"}
	if id := logging.RequestID(ctx); id != "" {
		ext["requestId"] = id
	}
	return &graphql.Response{Errors: gqlerror.List{{Message: commitUnknownMessage, Extensions: ext}}}
}

// commitUnknownMessage: the connection broke while the database was committing.
const commitUnknownMessage = "提交修改时与数据库的连接中断，本次修改可能已经保存：请使用相同的 Idempotency-Key 重试（已保存时返回首次结果），或先查询确认后再操作"

// faultResponse answers a mutation whose transaction could not begin or commit: a coded error
// (BUSY, DISK_FULL, DEADLINE, else UNAVAILABLE — nothing was written), logged with the request
// ID, which the error carries too.
func (t transactioner) faultResponse(ctx context.Context, what string, err error) *graphql.Response {
	ae := apperr.Fault(err)
	if ae == nil {
		ae = apperr.Wrap(err, apperr.Unavailable, "数据库未能处理本次修改（已全部撤销），请稍后重试")
	}
	t.log.ErrorContext(ctx, what, "code", ae.Code, "err", err)
	ext := map[string]any{"code": ae.Code}
	if id := logging.RequestID(ctx); id != "" {
		ext["requestId"] = id
	}
	return &graphql.Response{Errors: gqlerror.List{{Message: ae.Message, Extensions: ext}}}
}

// faultStatus gives a GraphQL response that failed for a fault of the database or the machine
// the HTTP status a proxy or client retries on: 503 (with Retry-After) for UNAVAILABLE and BUSY,
// 507 for DISK_FULL, 504 for DEADLINE — not 200 with an error inside.
type faultStatus struct{}

var (
	_ graphql.HandlerExtension    = faultStatus{}
	_ graphql.ResponseInterceptor = faultStatus{}
)

func (faultStatus) ExtensionName() string                   { return "FaultStatus" }
func (faultStatus) Validate(graphql.ExecutableSchema) error { return nil }
func (faultStatus) InterceptResponse(ctx context.Context, next graphql.ResponseHandler) *graphql.Response {
	rsp := next(ctx)
	if rsp == nil {
		return rsp
	}
	for _, e := range rsp.Errors {
		code, _ := e.Extensions["code"].(string)
		if st := apperr.HTTPStatus(code); st != 0 {
			if w, ok := ctx.Value(responseWriterKey{}).(http.ResponseWriter); ok {
				if st == http.StatusServiceUnavailable {
					w.Header().Set("Retry-After", "5")
				}
				w.WriteHeader(st)
			}
			break
		}
	}
	return rsp
}

type responseWriterKey struct{}

// withResponseWriter lets faultStatus set the status of the response the transport writes, and
// the transactioner read the request's Idempotency-Key.
func withResponseWriter(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), responseWriterKey{}, w)
		if k := r.Header.Get(IdempotencyKeyHeader); k != "" {
			ctx = context.WithValue(ctx, idempotencyKeyKey{}, k)
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}
