// Package server is the hub's HTTP edge: chi routes, authentication of each request into a
// viewer, the GraphQL endpoint with its limits, error presentation and metrics, GraphiQL,
// health and Prometheus metrics.
package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"runtime/debug"
	"time"

	"entgo.io/contrib/entgql"
	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler"
	"github.com/99designs/gqlgen/graphql/handler/extension"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/go-chi/chi/v5"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ssgk/ssgk/graph"
	"github.com/ssgk/ssgk/graph/generated"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/auth"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/graphiql"
	"github.com/ssgk/ssgk/internal/hub"
	"github.com/ssgk/ssgk/internal/logging"
	"github.com/ssgk/ssgk/internal/persisted"
	"github.com/ssgk/ssgk/internal/portal"
	"github.com/ssgk/ssgk/internal/sharing"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Server serves the hub over HTTP.
type Server struct {
	db      *hub.Hub
	auth    *auth.Service
	log     *slog.Logger
	opts    Options
	limits  Limits
	metrics *metrics
	router  chi.Router
	drawer  *draws.Drawer
	health  healthConn
	// sharingDisabled turns off field authorisation and access logging; only the overhead
	// benchmark sets it (DisableSharingForBenchmark).
	sharingDisabled bool
}

// DisableSharingForBenchmark rebuilds the GraphQL endpoint without field authorisation and
// access logging, so that a benchmark can measure their overhead against the same query. Never
// call it outside a benchmark.
func (s *Server) DisableSharingForBenchmark() {
	s.sharingDisabled = true
	r := chi.NewRouter()
	r.With(s.gate, s.authenticate).Handle("/graphql", s.graphqlHandler())
	r.Mount("/", s.router)
	s.router = r
}

// New builds the HTTP handler of the hub with the default options and the given GraphQL limits.
func New(h *hub.Hub, limits Limits) *Server {
	opts := DefaultOptions
	opts.Limits = limits
	return NewWithOptions(h, opts)
}

// NewWithOptions builds the HTTP handler of the hub: it serves the hub's client with the hub's
// auth service, draw service and transparency log, and logs to the hub's logger.
func NewWithOptions(h *hub.Hub, opts Options) *Server {
	opts = opts.withDefaults()
	logger := logging.Attach(h.Log)
	s := &Server{db: h, auth: h.Auth, log: logger, opts: opts, limits: opts.Limits, metrics: newMetrics(), drawer: h.Drawer}
	// Draws committed before their secrets were sealed at rest hold them in clear: seal them now.
	if n, err := s.drawer.SealStoredSecrets(h.Context(context.Background())); err != nil {
		logger.Error("cannot seal the stored draw secrets", "err", err)
	} else if n > 0 {
		logger.Info("sealed the stored draw secrets", "draws", n)
	}
	r := chi.NewRouter()
	// Security headers and the TCP peer first (the peer names the client unless it is a trusted
	// proxy); then the request ID every log line and error carries; then the access log.
	r.Use(securityHeaders, rememberPeer, s.requestID, s.logRequests, s.recoverPanics)
	r.Get("/healthz", s.healthz)
	r.Handle("/metrics", s.metricsOnMain())
	r.With(s.authenticate).Handle("/graphiql", s.graphiql())
	r.Handle("/graphiql/assets/*", graphiql.Handler("/graphql"))
	r.With(s.gate, s.authenticate, withResponseWriter).Handle("/graphql", s.graphqlHandler())
	r.With(s.authenticate).Group(s.fileRoutes)
	r.Get("/draws/{id}/bundle.json", s.drawBundle)
	r.Route("/ledger", s.ledgerRoutes)
	// The public portal (公示门户): its pages, open data and Chinese 404 for every other path —
	// read from the standby when DATABASE_READ_URL names one.
	r.Mount("/", refuseControlChars(portal.Handler(h.Reads(), portal.WithLogger(logger))))
	s.router = r
	return s
}

// ServeHTTP implements http.Handler. Every request runs on the hub's business clock: it is put
// into the request's context (clock.With), where the resolvers and domain code read it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.router.ServeHTTP(w, r.WithContext(s.db.Context(r.Context())))
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	status, code := "ok", http.StatusOK
	if err := s.pingDatabase(ctx); err != nil {
		status, code = "数据库不可用", http.StatusServiceUnavailable
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]string{"status": status, "database": s.db.Dialect})
}

// PurposeHeader carries the purpose a department system declares for its reads (percent-encoded
// UTF-8); it is written to the access log with every cross-department read.
const PurposeHeader = "X-SSGK-Purpose"

// authenticate puts the request's viewer into its context. A bad credential is refused with
// 401; no credential is the anonymous viewer.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v, err := s.auth.Authenticate(r.Context(), r.Header.Get("Authorization"))
		if err != nil {
			ae := apperr.From(err)
			status := http.StatusUnauthorized
			if ae.Code == apperr.Internal || apperr.IsFault(ae.Code) {
				// The credential could not be checked — the database is down or busy: not a bad
				// credential (never 401), and logged with the request ID.
				s.log.ErrorContext(r.Context(), "authentication failed", "code", ae.Code, "err", err)
				if status = apperr.HTTPStatus(ae.Code); status == 0 {
					status = http.StatusInternalServerError
				}
				if status == http.StatusServiceUnavailable {
					w.Header().Set("Retry-After", "5")
				}
			}
			writeJSONError(w, status, ae.Code, ae.Message)
			return
		}
		if p := r.Header.Get(PurposeHeader); p != "" && !v.IsAnonymous() {
			if decoded, err := url.QueryUnescape(p); err == nil {
				p = decoded
			}
			v.Purpose = p
		}
		ctx := auth.WithClient(viewer.NewContext(r.Context(), v), s.clientAddr(r))
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

// publicRootFields are the root fields an anonymous viewer may call. Published data for the
// public is served by the portal; GraphQL is for departments, the credit centre and dashboards.
// Introspection (__schema, __type) is the schema's, see schemaRootFields.
var publicRootFields = map[string]bool{"viewer": true, "login": true, "__typename": true}

// adminRootFields are the root fields a system administrator (SYSTEM_ADMIN and no other role)
// may call: it manages accounts and tokens and reads no business data — no counts, aggregates
// or feeds either (separation of duties).
var adminRootFields = map[string]bool{"viewer": true, "login": true, "accounts": true, "apiTokens": true, "node": true, "nodes": true,
	"createAccount": true, "setAccountActive": true, "createApiToken": true, "revokeApiToken": true,
	"__schema": true, "__type": true, "__typename": true}

func (s *Server) graphqlHandler() http.Handler {
	srv := handler.New(graph.NewSchema(s.db))
	// Subscriptions (the credit centre's feed of newly published results) over websocket; the
	// credential travels in the connection_init payload as {"Authorization": "Bearer …"}.
	srv.AddTransport(transport.Websocket{
		KeepAlivePingInterval: 15 * time.Second,
		InitFunc: func(ctx context.Context, p transport.InitPayload) (context.Context, *transport.InitPayload, error) {
			v, err := s.auth.Authenticate(ctx, p.Authorization())
			if err != nil {
				return ctx, nil, err
			}
			if v.IsAnonymous() {
				return ctx, nil, apperr.New(apperr.Unauthenticated, "订阅须在 connection_init 中提供 Authorization")
			}
			return viewer.NewContext(ctx, v), nil, nil
		},
	})
	srv.AddTransport(transport.Options{})
	srv.AddTransport(transport.GET{})
	srv.AddTransport(postJSON{})
	srv.AddTransport(transport.MultipartForm{MaxUploadSize: s.opts.MaxUploadBytes, MaxMemory: 16 << 20})
	srv.SetQueryCache(lru.New[*ast.QueryDocument](1000))
	srv.SetParserTokenLimit(s.limits.MaxTokens)
	use(srv, extension.Introspection{})
	// Persisted queries (dashboards): only queries saved with savePersistedQuery are served by
	// hash; they run as the caller, under the same rules.
	use(srv, extension.AutomaticPersistedQuery{Cache: persisted.Cache{Client: s.db.Client}})
	// The operation name goes into the viewer first: the access log (sharing) and the audit
	// trail record it.
	srv.AroundOperations(func(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
		oc := graphql.GetOperationContext(ctx)
		name := oc.OperationName
		if name == "" && oc.Operation != nil {
			name = oc.Operation.Name // named in the document but not in the request
		}
		v := *viewer.FromContext(ctx)
		label := s.metrics.operationLabel(name, oc.Extensions["persistedQuery"] != nil, !v.IsAnonymous())
		v.Operation = "graphql:" + operationName(name)
		ctx = viewer.NewContext(ctx, &v)
		if s.opts.GenericFields {
			ctx = generated.WithGenericFields(ctx)
		}
		start := time.Now()
		opType := "query"
		if oc.Operation != nil {
			opType = string(oc.Operation.Operation)
		}
		respond := next(ctx)
		return func(ctx context.Context) *graphql.Response {
			resp := respond(ctx)
			outcome := "ok"
			if resp != nil && len(resp.Errors) > 0 {
				outcome = "error"
			}
			s.metrics.gqlTotal.WithLabelValues(label, opType, outcome).Inc()
			s.metrics.gqlSeconds.WithLabelValues(label, opType).Observe(time.Since(start).Seconds())
			return resp
		}
	})
	use(srv, s.limits)
	// The sharing extension is the only field interceptor: the executor writes a plain field
	// without calling it when sharing.Uniform (graph: generated.PlainFieldGate) says it would
	// allow the field on every record. Another field interceptor would be bypassed for those
	// fields, so use refuses one (and srv.AroundFields is not called).
	use(srv, &sharing.Extension{Client: s.db.Client, Owners: s.db.Owners, Disabled: s.sharingDisabled})
	// Mutations run in one transaction each, except login — its failure counter must be stored
	// even though the login itself answers with an error — and executeDraw, whose failed attempt
	// (entropy and reason) must stay on record although the draw answers with an error.
	use(srv, faultStatus{})
	use(srv, transactioner{Transactioner: entgql.Transactioner{TxOpener: s.db.Client, SkipTxFunc: entgql.SkipIfHasFields("login", "executeDraw")}, log: s.log})

	srv.AroundRootFields(func(ctx context.Context, next graphql.RootResolver) graphql.Marshaler {
		fc := graphql.GetRootFieldContext(ctx)
		v := viewer.FromContext(ctx)
		if fc != nil && !s.anonymousMay(fc.Field.Name) && v.IsAnonymous() {
			graphql.AddError(ctx, apperr.New(apperr.Unauthenticated, "请先登录或使用部门接口令牌访问“%s”", fc.Field.Name))
			return graphql.Null
		}
		if fc != nil && !adminRootFields[fc.Field.Name] && sharing.OnlySystemAdmin(v) {
			graphql.AddError(ctx, apperr.New(apperr.Forbidden, "系统管理员只管理账号和令牌，不能查询或修改业务数据（“%s”）", fc.Field.Name))
			return graphql.Null
		}
		return next(ctx)
	})
	srv.SetErrorPresenter(s.presentError)
	srv.SetRecoverFunc(func(ctx context.Context, p any) error {
		s.log.Error("panic in GraphQL resolver", "panic", p, "stack", string(debug.Stack()))
		return apperr.New(apperr.Internal, "内部错误，请联系系统管理员")
	})
	return srv
}

// The executor writes a plain field (a struct field marshalled as a scalar, tools/gqlseq)
// without gqlgen's field machinery when the sharing extension allows it on the record
// (sharing.AllowsPlain: the interceptor's own decision, with its access-log record); a field it
// would refuse, and every other field, goes through the interceptor. The field's catalogue facts
// are kept in its gate variable. (Set here, not in package graph: gqlgen type-checks graph before
// gqlseq has written the gate.)
func init() {
	generated.PlainFieldGate = func(ctx context.Context, f *generated.PlainField, record any) bool {
		return sharing.AllowsPlain(ctx, &f.Facts, &f.Open, f.Object, f.Field, record)
	}
	// The fields the interceptor leaves alone whoever reads are written without asking: among
	// them the fields holding another record (an edge's node), which the gate is never asked
	// about.
	for _, f := range generated.PlainFields {
		if sharing.LeavesAlone(f.Object, f.Field) {
			f.Open.Store(true)
		}
	}
}

// use adds an extension to the GraphQL handler. The plain-field fast path skips the field
// interceptors for the fields the sharing extension allows on every record, so no other
// extension may intercept fields.
func use(srv *handler.Server, ext graphql.HandlerExtension) {
	if _, ok := ext.(graphql.FieldInterceptor); ok {
		if _, sharingExt := ext.(*sharing.Extension); !sharingExt {
			panic(fmt.Sprintf("server: %s intercepts fields, which the plain-field fast path would bypass (see tools/gqlseq)", ext.ExtensionName()))
		}
	}
	srv.Use(ext)
}

// presentError gives every GraphQL error a code and a Chinese message; internal errors are
// logged with their cause and shown without it.
func (s *Server) presentError(ctx context.Context, err error) *gqlerror.Error {
	gerr := s.codedError(ctx, err)
	// The request ID lets an operator find the log lines of the failure (an INTERNAL error's
	// cause is only in the log).
	if id := logging.RequestID(ctx); id != "" && gerr != nil {
		if gerr.Extensions == nil {
			gerr.Extensions = map[string]any{}
		}
		gerr.Extensions["requestId"] = id
	}
	return gerr
}

// codedError is presentError without the request ID.
func (s *Server) codedError(ctx context.Context, err error) *gqlerror.Error {
	gerr := graphql.DefaultErrorPresenter(ctx, err)
	if gerr.Extensions != nil && gerr.Extensions["code"] != nil {
		// Parser, validation and limit errors already carry a code; the parser's English
		// detail stays after a Chinese lead for the developer who wrote the query.
		switch gerr.Extensions["code"] {
		case "GRAPHQL_PARSE_FAILED":
			gerr.Message = "GraphQL 语法错误：" + gerr.Message
		case "GRAPHQL_VALIDATION_FAILED":
			gerr.Message = "查询不符合接口定义：" + gerr.Message
		}
		return gerr
	}
	if !graphql.HasOperationContext(ctx) {
		// The transport could not read the request; its message may quote the body (and a
		// password in it), so only its lead is kept, and nothing is logged.
		return requestError(gerr)
	}
	var ge *gqlerror.Error
	cause := err
	if errors.As(err, &ge) && ge.Err != nil {
		cause = ge.Err
	}
	if ae := inputError(ctx, gerr, cause); ae != nil {
		gerr.Message, gerr.Extensions = ae.Message, map[string]any{"code": ae.Code}
		return gerr
	}
	ae := apperr.From(cause)
	switch {
	case ae.Code == apperr.Internal:
		s.log.ErrorContext(ctx, "internal error", "err", cause, "path", gerr.Path.String())
	case apperr.IsFault(ae.Code):
		s.log.ErrorContext(ctx, "database fault", "code", ae.Code, "err", cause, "path", gerr.Path.String())
	}
	gerr.Message = ae.Message
	if gerr.Extensions == nil {
		gerr.Extensions = map[string]any{}
	}
	gerr.Extensions["code"] = ae.Code
	// POOL_EXHAUSTED and friends name the target and the rule, so a client can point at them.
	for k, v := range ae.Extensions {
		gerr.Extensions[k] = v
	}
	return gerr
}
