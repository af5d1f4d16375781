package sharing

import (
	"context"
	"reflect"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/sharing/class"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Extension enforces the sharing catalogue on GraphQL: a field the viewer may not read resolves
// to null with an error entry (extensions.code FORBIDDEN_FIELD, the path, the class) while the
// rest of the response is returned; cross-department reads of CONDITIONAL and PRIVATE fields
// are written to the access log before the response leaves.
type Extension struct {
	Client *ent.Client
	// Disabled turns enforcement off. Only the overhead benchmark sets it.
	Disabled bool
}

var (
	_ graphql.HandlerExtension     = (*Extension)(nil)
	_ graphql.OperationInterceptor = (*Extension)(nil)
	_ graphql.FieldInterceptor     = (*Extension)(nil)
)

// ExtensionName implements graphql.HandlerExtension.
func (*Extension) ExtensionName() string { return "SharingCatalogue" }

// Validate implements graphql.HandlerExtension.
func (*Extension) Validate(graphql.ExecutableSchema) error { return nil }

type readerKey struct{}

// NewContext returns ctx carrying the read r.
func NewContext(ctx context.Context, r *Reader) context.Context {
	return context.WithValue(ctx, readerKey{}, r)
}

// FromContext returns the read in ctx, or nil.
func FromContext(ctx context.Context) *Reader {
	r, _ := ctx.Value(readerKey{}).(*Reader)
	return r
}

// InterceptOperation starts a Reader for the operation and flushes its access-log entries
// before each response is handed out; when they cannot be written, the data is withheld.
func (e *Extension) InterceptOperation(ctx context.Context, next graphql.OperationHandler) graphql.ResponseHandler {
	if e.Disabled {
		return next(ctx)
	}
	r := NewReader(e.Client, viewer.FromContext(ctx))
	respond := next(NewContext(ctx, r))
	return func(ctx context.Context) *graphql.Response {
		resp := respond(ctx)
		if resp == nil {
			return nil
		}
		if err := r.Flush(ctx); err != nil {
			return &graphql.Response{Errors: gqlerror.List{{
				Message:    "访问日志写入失败，本次查询结果未返回，请稍后重试",
				Extensions: map[string]any{"code": apperr.Internal},
			}}}
		}
		return resp
	}
}

// InterceptField decides each field of an entity before it is resolved, and looks up the
// owners of the records a list or connection returns in one query.
func (e *Extension) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	r := FromContext(ctx)
	fc := graphql.GetFieldContext(ctx)
	if r == nil || fc == nil || r.v.Kind == viewer.System {
		return next(ctx)
	}
	if _, entity := ent.SharingCatalog[fc.Object]; entity && fc.Field.Name != "__typename" {
		var obj any
		if fc.Parent != nil {
			obj = fc.Parent.Result
		}
		d, rule, err := r.Check(ctx, fc.Object, fc.Field.Name, obj)
		if err != nil {
			return nil, err
		}
		if !d.Allowed {
			return nil, Forbidden(fc.Object, fc.Field.Name, rule, d.Reason)
		}
	}
	res, err := next(ctx)
	if err == nil && res != nil && len(fc.Field.Selections) > 0 {
		if err := r.prefetchResult(ctx, res); err != nil {
			return nil, err
		}
	}
	return res, err
}

// Forbidden is the FORBIDDEN_FIELD error of one field.
func Forbidden(typ, field string, rule Rule, reason string) *gqlerror.Error {
	c := class.Class(rule.Class)
	ext := map[string]any{"code": CodeForbiddenField, "class": string(c), "type": typ, "field": field}
	if rule.Group != "" {
		ext["group"] = rule.Group
	}
	return &gqlerror.Error{
		Message:    "无权查看 " + typ + "." + field + "（" + c.Label() + "）：" + reason,
		Extensions: ext,
	}
}

// prefetchResult finds records of query-owned types in a resolved value — a record, a slice of
// records, or a Relay connection — and looks up their owners together.
func (r *Reader) prefetchResult(ctx context.Context, res any) error {
	v := reflect.ValueOf(res)
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	var elems []reflect.Value
	switch v.Kind() {
	case reflect.Slice:
		for i := range v.Len() {
			elems = append(elems, v.Index(i))
		}
	case reflect.Struct:
		edges := v.FieldByName("Edges")
		if edges.IsValid() && edges.Kind() == reflect.Slice && v.FieldByName("PageInfo").IsValid() {
			for i := range edges.Len() {
				e := edges.Index(i)
				for e.Kind() == reflect.Pointer && !e.IsNil() {
					e = e.Elem()
				}
				if e.Kind() == reflect.Struct {
					if n := e.FieldByName("Node"); n.IsValid() {
						elems = append(elems, n)
					}
				}
			}
		}
	}
	if len(elems) < 2 {
		return nil
	}
	byType := map[string][]int{}
	for _, el := range elems {
		if !el.CanInterface() {
			continue
		}
		x := el.Interface()
		n, ok := x.(ent.Noder)
		if !ok {
			continue
		}
		typ := reflect.Indirect(reflect.ValueOf(n)).Type().Name()
		if _, ok := ownerQueries[typ]; ok {
			byType[typ] = append(byType[typ], idOf(x))
		}
	}
	for typ, ids := range byType {
		if err := r.Prefetch(ctx, typ, ids); err != nil {
			return err
		}
	}
	return nil
}
