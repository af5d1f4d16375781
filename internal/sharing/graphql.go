package sharing

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
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
	// Owners caches the owners of targets across operations (nil: none).
	Owners *OwnerCache
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
	r.UseOwnerCache(e.Owners)
	if oc := graphql.GetOperationContext(ctx); oc != nil && oc.Operation != nil {
		if asksConditional(oc.Operation.SelectionSet) {
			r.LoadGrants(ctx)
		}
		// A query runs outside any transaction: its access-log entries can be written while
		// it still resolves (never after the data is handed out: Flush waits for them).
		r.early = oc.Operation.Operation == ast.Query
	}
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
		resp.Errors = collapseRefusals(resp.Errors)
		return resp
	}
}

// InterceptField decides each field of an entity before it is resolved, and looks up the
// owners of the records a list or connection returns in one query. It keeps its own stack frame
// small — the work is in before and after — because everything below it (the nested fields of a
// record) is stacked on that frame, on the small stack of the goroutine gqlgen starts for each
// list element; growing that stack costs about 2 µs.
func (e *Extension) InterceptField(ctx context.Context, next graphql.Resolver) (any, error) {
	r, err := e.before(ctx)
	if err != nil {
		return nil, err
	}
	res, err := next(ctx)
	if r != nil && err == nil && res != nil {
		if err := r.after(ctx, res); err != nil {
			return nil, err
		}
	}
	return res, err
}

// before decides the field about to be resolved; it returns the read when the field's result
// may be a page of records whose owners are to be looked up (after). The common cases — a
// PUBLIC scalar, a SHARED one for a viewer who may read them all, a field decided with its page
// (prefetchResult) — take no further call.
//
//go:noinline
func (e *Extension) before(ctx context.Context) (*Reader, error) {
	fc := graphql.GetFieldContext(ctx)
	if fc == nil {
		return nil, nil
	}
	fi := infoOf(fc)
	page := fi.page && len(fc.Field.Selections) > 0
	if fi.public && !page && !fi.sealed {
		// A system administrator reaches no record with PUBLIC fields but accounts, tokens
		// and departments: the row rule (adminRows) keeps the others from it.
		return nil, nil
	}
	r := FromContext(ctx)
	if r == nil || r.v.Kind == viewer.System {
		return nil, nil
	}
	if !page && r.allowsEvery(fi) {
		return nil, nil
	}
	if fi.typed {
		if err := r.decideField(ctx, fc, fi.rule); err != nil {
			return nil, err
		}
	}
	if !page {
		return nil, nil
	}
	return r, nil
}

// Uniform reports whether field of the object type may be read on every record of the
// operation in ctx without a decision of its own: no per-record check, no access-log entry, no
// seal check — a PUBLIC field not sealed, a SHARED one when the viewer may read every SHARED
// field, any field of a type outside the catalogue, any field when no read is in ctx (the
// extension is disabled or not installed) or for the system. It is what InterceptField decides
// for such a field, so the executor may skip the interceptor for it (the plain-field fast path
// written by tools/gqlseq). A field for which it answers false goes through InterceptField.
// The field's catalogue facts are worked out once per process, the viewer's once per read.
func Uniform(ctx context.Context, object, field string) bool {
	fi := infoByName(object, field)
	if fi.public && !fi.sealed {
		return true
	}
	r := FromContext(ctx)
	return r == nil || r.v.Kind == viewer.System || r.allowsEvery(fi)
}

// AllowsRecord reports whether the read in ctx allows field of the object type on record,
// taking the decision InterceptField takes for it (decideField) with the same effect — an allowed
// cross-department read is recorded for the access log — but refusing nothing itself: a field it
// does not allow (refused, sealed, undecidable) is left to the interceptor, which decides it
// again and refuses it with FORBIDDEN_FIELD. The plain-field fast path of the executor
// (tools/gqlseq) calls it for every plain field of every record it writes.
func AllowsRecord(ctx context.Context, object, field string, record any) bool {
	return allowsRecord(ctx, infoByName(object, field), object, field, record)
}

// AllowsPlain is AllowsRecord for the executor's plain-field fast path, which keeps the field's
// catalogue facts in facts (one per field of an object type, empty at first): they are worked
// out on the first call and read from there afterwards, rather than looked up by name for every
// field of every record. A field allowed on every record for every reader (leftAlone) is
// marked in open, and the executor then writes it without calling again.
func AllowsPlain(ctx context.Context, facts *atomic.Value, open *atomic.Bool, object, field string, record any) bool {
	fi, _ := facts.Load().(*fieldInfo)
	if fi == nil {
		fi = infoByName(object, field)
		facts.Store(fi)
		if fi.leftAlone() {
			open.Store(true) // allowsRecord allows it whoever reads which record
		}
	}
	return allowsRecord(ctx, fi, object, field, record)
}

// LeavesAlone reports whether the interceptor leaves field of an object type alone whoever reads
// it, when the field is neither a list nor a connection: a PUBLIC field, or one of a type outside
// the catalogue (an edge's node, a page's info), unless sealed until its draw's reveal. The
// executor writes such fields without it (tools/gqlseq: PlainField.Open).
func LeavesAlone(object, field string) bool {
	return infoByName(object, field).leftAlone()
}

// leftAlone: a PUBLIC field or one outside the catalogue, not sealed — allowed on every record
// whoever reads (allowsRecord, allowsEvery), and passed over by the interceptor when it is no page.
func (fi *fieldInfo) leftAlone() bool {
	return (fi.public || !fi.typed) && !fi.sealed
}

func allowsRecord(ctx context.Context, fi *fieldInfo, object, field string, record any) bool {
	if fi.public && !fi.sealed {
		return true
	}
	r := FromContext(ctx)
	if r == nil || r.v.Kind == viewer.System || r.allowsEvery(fi) {
		return true
	}
	if fi.sealed {
		return false // checked against its draw by the interceptor
	}
	if r.decidedAllowed(object, field, record) {
		return true
	}
	d, _, err := r.Check(ctx, object, field, record)
	return err == nil && d.Allowed
}

// allowsEvery reports whether the read allows fi (not a page) on every record without deciding
// it record by record: the one place that says so, for InterceptField (before) and Uniform.
func (r *Reader) allowsEvery(fi *fieldInfo) bool {
	switch {
	case fi.public && !fi.sealed:
		return true
	case r == nil || r.v.Kind == viewer.System:
		return true
	case !fi.typed:
		return true // decided by no rule (a type outside the catalogue, __typename)
	case fi.sealed:
		return false // checked against its draw, record by record
	}
	return fi.rule.Class == string(class.SharedClass) && r.sharedOK
}

type fieldName struct{ object, field string }

var fieldInfosByName sync.Map // fieldName → *fieldInfo (without page, which needs the definition)

// infoByName returns the catalogue facts of a field of an object type.
func infoByName(object, field string) *fieldInfo {
	k := fieldName{object, field}
	if v, ok := fieldInfosByName.Load(k); ok {
		return v.(*fieldInfo)
	}
	fi := newFieldInfo(object, field)
	fieldInfosByName.Store(k, fi)
	return fi
}

// newFieldInfo works out the catalogue facts of a field of an object type (all but page).
func newFieldInfo(object, field string) *fieldInfo {
	fi := &fieldInfo{object: object}
	var entity bool
	fi.rule, entity = ent.SharingCatalog[object][field]
	fi.public = entity && fi.rule.Class == string(class.PublicClass)
	_, typed := ent.SharingCatalog[object]
	fi.typed = typed && field != "__typename"
	fi.sealed = sealedField(object, field)
	return fi
}

// fieldInfo is what before needs to know of a field of an object type, worked out once per
// field definition of the schema rather than for every field of every record resolved.
type fieldInfo struct {
	object string          // the object type it was worked out for
	rule   ent.SharingRule // the field's rule (PRIVATE when unclassified)
	public bool            // a catalogued PUBLIC field
	typed  bool            // a field (not __typename) of an entity in the catalogue
	page   bool            // its type is a list or a connection
	sealed bool            // sealed until its draw's reveal (sealed.go)
}

var fieldInfos sync.Map // *ast.FieldDefinition → *fieldInfo

// infoOf returns the fieldInfo of the field about to resolve. A definition shared by several
// object types (a field selected on an interface) is worked out again when the type differs.
func infoOf(fc *graphql.FieldContext) *fieldInfo {
	def := fc.Field.Definition
	if def != nil {
		if v, ok := fieldInfos.Load(def); ok {
			if fi := v.(*fieldInfo); fi.object == fc.Object {
				return fi
			}
		}
	}
	fi := newFieldInfo(fc.Object, fc.Field.Name)
	if def != nil {
		fi.page = def.Type != nil && (def.Type.Elem != nil || strings.HasSuffix(def.Type.NamedType, "Connection"))
		fieldInfos.Store(def, fi)
	}
	return fi
}

// decideField decides one field of an entity: FORBIDDEN_FIELD when the viewer may not read it.
func (r *Reader) decideField(ctx context.Context, fc *graphql.FieldContext, rule ent.SharingRule) error {
	var obj any
	if fc.Parent != nil {
		obj = fc.Parent.Result
	}
	if sealedField(fc.Object, fc.Field.Name) {
		if err := r.checkSealed(ctx, fc.Object, fc.Field.Name, obj); err != nil {
			return err
		}
	}
	if rule.Class == string(class.SharedClass) && r.sharedOK {
		return nil
	}
	if r.decidedAllowed(fc.Object, fc.Field.Name, obj) {
		return nil
	}
	d, full, err := r.Check(ctx, fc.Object, fc.Field.Name, obj)
	if err != nil {
		return err
	}
	if !d.Allowed {
		return Forbidden(fc.Object, fc.Field.Name, full, d.Reason)
	}
	return nil
}

// after looks up together the owners of the records of a resolved list or connection.
//
//go:noinline
func (r *Reader) after(ctx context.Context, res any) error {
	fc := graphql.GetFieldContext(ctx)
	return r.prefetchResult(ctx, res, fc.Field.Selections)
}

// selectsAny reports whether a selection set asks, anywhere below, for a field (of the object
// type that defines it) that satisfies pred.
func selectsAny(set ast.SelectionSet, depth int, pred func(typ, field string) bool) bool {
	if depth > 32 {
		return false
	}
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			if x.ObjectDefinition != nil && !strings.HasPrefix(x.Name, "__") && pred(x.ObjectDefinition.Name, x.Name) {
				return true
			}
			if selectsAny(x.SelectionSet, depth+1, pred) {
				return true
			}
		case *ast.InlineFragment:
			if selectsAny(x.SelectionSet, depth+1, pred) {
				return true
			}
		case *ast.FragmentSpread:
			if x.Definition != nil && selectsAny(x.Definition.SelectionSet, depth+1, pred) {
				return true
			}
		}
	}
	return false
}

// asksConditional reports whether a selection set asks for a CONDITIONAL field anywhere: then
// the viewer's grants are loaded before the operation fans out over many fields.
func asksConditional(set ast.SelectionSet) bool {
	return selectsAny(set, 0, func(typ, field string) bool {
		r, _ := Lookup(typ, field)
		return class.Class(r.Class) == class.ConditionalClass
	})
}

// selectsRestricted reports whether a selection set asks for a CONDITIONAL or PRIVATE field of
// the entity type: only then are the owners of a page of records looked up.
func selectsRestricted(typ string, set ast.SelectionSet) bool {
	return selectsAny(set, 0, func(t, field string) bool {
		if t != typ {
			return false
		}
		r, _ := Lookup(t, field)
		return Restricted(r)
	})
}

// maxRefusalPaths is how many paths a collapsed FORBIDDEN_FIELD error lists.
const maxRefusalPaths = 5

// collapseRefusals reports each refused field once per response: the first FORBIDDEN_FIELD
// error of a type and field keeps its message and path and gains extensions.count (how many
// places were refused) and extensions.paths (the first few); the others are dropped. Every
// refused place is still null in the data. Two hundred rows with one refused field give one
// error, not two hundred.
func collapseRefusals(errs gqlerror.List) gqlerror.List {
	type key struct{ typ, field string }
	first := map[key]*gqlerror.Error{}
	out := errs[:0:0]
	for _, e := range errs {
		if e == nil || e.Extensions == nil || e.Extensions["code"] != CodeForbiddenField {
			out = append(out, e)
			continue
		}
		typ, _ := e.Extensions["type"].(string)
		field, _ := e.Extensions["field"].(string)
		k := key{typ, field}
		f := first[k]
		if f == nil {
			f = e
			first[k] = f
			f.Extensions["count"] = 0
			f.Extensions["paths"] = []string{}
			out = append(out, f)
		}
		f.Extensions["count"] = f.Extensions["count"].(int) + 1
		if ps := f.Extensions["paths"].([]string); len(ps) < maxRefusalPaths {
			f.Extensions["paths"] = append(ps, e.Path.String())
		}
	}
	return out
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

// shape says where a resolved value of a Go type holds records of a query-owned type: a slice
// of them, a Relay connection of them, or neither. It is computed once per type.
type shape struct {
	kind        int    // 0 none, 1 slice, 2 connection
	typ         string // the entity type
	edges, node int    // a connection's Edges field, and its edges' Node field (indices)
}

var shapes sync.Map // reflect.Type → shape

func shapeOf(t reflect.Type) shape {
	if s, ok := shapes.Load(t); ok {
		return s.(shape)
	}
	s := shape{}
	entity := func(et reflect.Type) string {
		for et.Kind() == reflect.Pointer {
			et = et.Elem()
		}
		if _, ok := ownerQueries[et.Name()]; ok && et.PkgPath() == reflect.TypeFor[ent.Target]().PkgPath() {
			return et.Name()
		}
		return ""
	}
	base := t
	for base.Kind() == reflect.Pointer {
		base = base.Elem()
	}
	switch base.Kind() {
	case reflect.Slice:
		if name := entity(base.Elem()); name != "" {
			s = shape{kind: 1, typ: name}
		}
	case reflect.Struct:
		if ef, ok := base.FieldByName("Edges"); ok && ef.Type.Kind() == reflect.Slice {
			if _, ok := base.FieldByName("PageInfo"); ok {
				et := ef.Type.Elem()
				for et.Kind() == reflect.Pointer {
					et = et.Elem()
				}
				if nf, ok := et.FieldByName("Node"); ok && len(ef.Index) == 1 && len(nf.Index) == 1 {
					if name := entity(nf.Type); name != "" {
						s = shape{kind: 2, typ: name, edges: ef.Index[0], node: nf.Index[0]}
					}
				}
			}
		}
	}
	shapes.Store(t, s)
	return s
}

// prefetchResult looks up together the owners of the records of a query-owned type in a
// resolved list or Relay connection.
func (r *Reader) prefetchResult(ctx context.Context, res any, sel ast.SelectionSet) error {
	sh := shapeOf(reflect.TypeOf(res))
	if sh.kind == 0 || !selectsRestricted(sh.typ, sel) {
		return nil
	}
	v := reflect.ValueOf(res)
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return nil
		}
		v = v.Elem()
	}
	var ids []int
	var objs []any
	switch sh.kind {
	case 1:
		for i := range v.Len() {
			objs = append(objs, v.Index(i).Interface())
			ids = append(ids, idOf(objs[len(objs)-1]))
		}
	case 2:
		edges := v.Field(sh.edges)
		ids = make([]int, 0, edges.Len())
		objs = make([]any, 0, edges.Len())
		for i := range edges.Len() {
			e := edges.Index(i)
			for e.Kind() == reflect.Pointer && !e.IsNil() {
				e = e.Elem()
			}
			if e.Kind() == reflect.Struct {
				objs = append(objs, e.Field(sh.node).Interface())
				ids = append(ids, idOf(objs[len(objs)-1]))
			}
		}
	}
	if len(ids) < 2 {
		return nil
	}
	if !r.early {
		return r.Prefetch(ctx, sh.typ, ids)
	}
	// A query: the restricted fields asked of every record are decided now, the reads recorded
	// as they would be when each field resolves, and the access-log entry is written while the
	// page's fields resolve (decidePage). Deciding in the background as well measured slower:
	// the page's goroutines then wait for it.
	return r.decidePage(ctx, sh.typ, ids, objs, pageFields(sh, sel))
}

// pageFields returns the restricted (CONDITIONAL or PRIVATE) fields of typ asked directly of
// each record of a list (kind 1) or of each edges.node of a connection (kind 2). A field under
// a directive (@skip, @include) is left to be decided when — if — it resolves.
func pageFields(sh shape, set ast.SelectionSet) []string {
	if sh.kind == 2 {
		var nodeSet ast.SelectionSet
		for _, e := range fieldsOf(set, 0) {
			if e.Name == "edges" && len(e.Directives) == 0 {
				for _, n := range fieldsOf(e.SelectionSet, 0) {
					if n.Name == "node" && len(n.Directives) == 0 {
						nodeSet = append(nodeSet, n.SelectionSet...)
					}
				}
			}
		}
		set = nodeSet
	}
	var out []string
	for _, f := range fieldsOf(set, 0) {
		if len(f.Directives) > 0 || f.ObjectDefinition == nil || f.ObjectDefinition.Name != sh.typ || slices.Contains(out, f.Name) {
			continue
		}
		if rule, _ := Lookup(sh.typ, f.Name); Restricted(rule) && !rule.Edge {
			out = append(out, f.Name)
		}
	}
	return out
}

// fieldsOf returns the fields of a selection set, those of its fragments included (not those
// of a fragment under a directive).
func fieldsOf(set ast.SelectionSet, depth int) []*ast.Field {
	var out []*ast.Field
	if depth > 32 {
		return nil
	}
	for _, sel := range set {
		switch x := sel.(type) {
		case *ast.Field:
			out = append(out, x)
		case *ast.InlineFragment:
			if len(x.Directives) == 0 {
				out = append(out, fieldsOf(x.SelectionSet, depth+1)...)
			}
		case *ast.FragmentSpread:
			if len(x.Directives) == 0 && x.Definition != nil {
				out = append(out, fieldsOf(x.Definition.SelectionSet, depth+1)...)
			}
		}
	}
	return out
}
