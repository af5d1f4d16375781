package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// The plain-field fast path (issue 22). gqlgen resolves every field of every record through
// graphql.ResolveField: a field context, a context value, closures, the field-interceptor chain
// and a marshaller — about 20 allocations and a few microseconds for a field that only reads a
// struct field of a record the page has already loaded. A field is plain when
//
//   - its resolver closure is just `return obj.X, nil` (a struct field: no method taking ctx,
//     no resolver), with no middleware (directives) and a scalar field context;
//   - its marshaller neither reads the context nor can add an error (a scalar or enum
//     marshaller whose value can never be null, or one that returns null without an error).
//
// In each object marshaller `_T(ctx, sel, obj)`, the assignment of a plain field becomes
//
//	if plainOK && PlainFieldGate(ctx, &gqlseqGate_T_f, obj) {
//		out.Values[i] = ec.marshalX(ctx, field.Selections, obj.X)
//	} else {
//		out.Values[i] = ec._T_f(ctx, field, obj)
//	}
//
// where plainOK (worked out once per record) says the fast path is on for the operation and the
// selection has no concurrent field (resolver, edge) and nothing deferred, and PlainFieldGate —
// set by the application — says the field interceptors allow the field of this record (the
// field is named by a package variable of type PlainField, gqlseqGate_T_f, in which the
// application keeps what it worked out about the field once, rather than looking it up by name
// for every record): they
// take the decision they would take in the interceptor, with the same effects (a read recorded
// for the access log), and refuse nothing themselves — a field they would refuse is left to the
// interceptor on gqlgen's path, which refuses it. Every other field, and every plain field the gate refuses,
// takes gqlgen's path unchanged; the checks of the null results that follow stay as they are.
// The value written is that of the same marshaller, into the same graphql.FieldSet, so the
// response is byte for byte the one gqlgen writes.

// plainField is a plain field's function `_T_f`: the object type's name (as the field context
// gives it to interceptors), the struct field read and the marshaller called.
type plainField struct {
	object, structField, marshal string
	// fieldContext is set for a field of an object type (a record's struct field holding
	// another record, such as an edge's node): the function of its field context, which the fast
	// path still gives the nested record, so that what is resolved below it has its path.
	fieldContext string
}

// neverNull are the scalar marshallers of package graphql that never return graphql.Null: a
// generated non-null marshaller calling one of them never adds its "null" error.
var neverNull = map[string]bool{
	"MarshalString": true, "MarshalBoolean": true, "MarshalFloat": true, "MarshalID": true,
	"MarshalIntID": true, "MarshalInt": true, "MarshalInt32": true, "MarshalInt64": true,
	"MarshalUint": true, "MarshalUint32": true, "MarshalUint64": true,
}

const (
	objectType = "gqlseqObject"
	plainVar   = "plainOK"
	plainFunc  = "gqlseqPlain"
	gateVar    = "PlainFieldGate"
)

// concurrentFunc is the name of the function that reports the concurrent fields of object
// marshaller fn.
func concurrentFunc(fn string) string { return "gqlseqConcurrent" + fn }

// plainResult is what rewritePlain did.
type plainResult struct {
	src      []byte
	fields   int      // plain field assignments rewritten
	objects  []string // object marshallers with plain fields (rewritten now or before), sorted
	conc     map[string][]string
	gates    map[string]plainGate // the gate variables named by the rewritten fields
	analysed int                  // plain field functions found
}

// plainGate is the field a gate variable names.
type plainGate struct{ object, field string }

// gateName is the name of the gate variable of field f of object type t.
func gateName(t, f string) string { return "gqlseqGate_" + t + "_" + f }

// addGate records the gate variable of a field; two fields whose names run together into one
// variable name are an error.
func (r *plainResult) addGate(object, field string) (string, error) {
	name := gateName(object, field)
	if g, ok := r.gates[name]; ok && g != (plainGate{object, field}) {
		return "", fmt.Errorf("gate %s names both %s.%s and %s.%s", name, g.object, g.field, object, field)
	}
	r.gates[name] = plainGate{object, field}
	return name, nil
}

// rewritePlain rewrites the assignments of plain fields in the object marshallers of src.
func rewritePlain(src []byte) (plainResult, error) {
	fset := token.NewFileSet()
	file, err := parser.ParseFile(fset, "generated.go", src, parser.SkipObjectResolution)
	if err != nil {
		return plainResult{}, err
	}
	funcs := map[string]*ast.FuncDecl{}
	for _, d := range file.Decls {
		if fd, ok := d.(*ast.FuncDecl); ok && isECMethod(fd) {
			funcs[fd.Name.Name] = fd
		}
	}
	plains := map[string]plainField{}
	for name, fd := range funcs {
		if p, ok := asPlain(fd, funcs); ok {
			plains[name] = p
		}
	}
	type edit struct {
		start, end int
		text       string
	}
	var edits []edit
	res := plainResult{analysed: len(plains), conc: map[string][]string{}, gates: map[string]plainGate{}}
	names := make([]string, 0, len(funcs))
	for name := range funcs {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		fd := funcs[name]
		sw, collect := objectSwitch(fd)
		if sw == nil {
			continue
		}
		var conc []string
		var objEdits []edit
		already := false
		for _, st := range sw.Body.List {
			cc := st.(*ast.CaseClause)
			label := caseLabel(cc)
			if label == "" {
				continue
			}
			if containsCall(cc, "ResolveConcurrently") {
				conc = append(conc, label)
				continue
			}
			if len(cc.Body) > 0 {
				if is, ok := cc.Body[0].(*ast.IfStmt); ok && isPlainIf(is) {
					// Rewritten by an earlier run: its gate variable is declared again.
					callee, ok := elseAssignment(is)
					if !ok || plains[callee].object == "" {
						return plainResult{}, fmt.Errorf("%s: field %s rewritten but not recognised", name, label)
					}
					if _, err := res.addGate(plains[callee].object, label); err != nil {
						return plainResult{}, err
					}
					already = true
					continue
				}
			}
			if len(cc.Body) == 0 {
				continue
			}
			callee, ok := valuesAssignment(cc.Body[0])
			if !ok {
				continue
			}
			p, ok := plains[callee]
			if !ok {
				continue
			}
			as := cc.Body[0]
			gate, err := res.addGate(p.object, label)
			if err != nil {
				return plainResult{}, err
			}
			orig := string(src[fset.Position(as.Pos()).Offset:fset.Position(as.End()).Offset])
			var text string
			if p.fieldContext != "" {
				// The gate's Open alone: the application opens the fields its interceptor
				// leaves alone whoever reads (OpenPlainFields); it is never asked per record.
				text = fmt.Sprintf("if %s && %s.Open.Load() {\nout.Values[i] = %s(ctx, field, ec.%s, obj.%s, ec.%s)\n} else {\n%s\n}",
					plainVar, gate, objectFieldFunc, p.fieldContext, p.structField, p.marshal, orig)
			} else {
				value := fmt.Sprintf("ec.%s(ctx, field.Selections, obj.%s)", p.marshal, p.structField)
				if typ, ok := enumValue(funcs[p.marshal]); ok {
					value = fmt.Sprintf("%s(&%s, obj.%s)", enumFunc, enumCacheName(typ), p.structField)
				}
				text = fmt.Sprintf("if %s && (%s.Open.Load() || %s(ctx, &%s, obj)) {\nout.Values[i] = %s\n} else {\n%s\n}",
					plainVar, gate, gateVar, gate, value, orig)
			}
			objEdits = append(objEdits, edit{fset.Position(as.Pos()).Offset, fset.Position(as.End()).Offset, text})
		}
		if len(objEdits) == 0 && !already {
			continue
		}
		res.objects = append(res.objects, name)
		res.conc[name] = conc
		if len(objEdits) > 0 && !already {
			ret, ok := fd.Body.List[len(fd.Body.List)-1].(*ast.ReturnStmt)
			if !ok || len(ret.Results) != 1 || !isIdent(ret.Results[0], "out") {
				return plainResult{}, fmt.Errorf("%s does not end in return out", name)
			}
			end := fset.Position(collect.End()).Offset
			edits = append(edits, edit{end, end, fmt.Sprintf("\n%s := %s(ctx, fields, %s)", plainVar, plainFunc, concurrentFunc(name))})
			at := fset.Position(ret.Pos()).Offset
			edits = append(edits, edit{at, at, fmt.Sprintf("if %s {\nreturn %s{fields: fields, values: out.Values}\n}\n", plainVar, objectType)})
		}
		if already && len(objEdits) > 0 {
			return plainResult{}, fmt.Errorf("%s: partly rewritten", name)
		}
		edits = append(edits, objEdits...)
		res.fields += len(objEdits)
	}
	sort.Slice(edits, func(i, j int) bool { return edits[i].start > edits[j].start })
	out := src
	for _, e := range edits {
		out = append(out[:e.start:e.start], append([]byte(e.text), out[e.end:]...)...)
	}
	res.src = out
	return res, nil
}

// The values of enum types. gqlgen's marshaller of an enum value is the value itself: written to
// the response, the ent enum quotes its name into a new string (strconv.Quote), and put into the
// record's values it is copied to the heap — two allocations per enum field per record, for
// one of a handful of names. The plain path writes instead the value's bytes as the type's own
// MarshalGQL wrote them the first time (gqlseqEnum), kept per enum type in a cache variable.
const enumFunc = "gqlseqEnum"

// enumCacheName is the cache variable of the enum type typ (as the generated file names it,
// e.g. target.Status).
func enumCacheName(typ string) string {
	return "gqlseqEnum_" + strings.NewReplacer(".", "_").Replace(typ)
}

var enumCacheRef = regexp.MustCompile(`&(gqlseqEnum_[A-Za-z0-9_]+),`)

// enumValue reports whether the marshaller fd is gqlgen's marshaller of a value of a named
// type of another package that is its own marshaller — `func (ec) marshalXT(ctx, sel, v pkg.T)
// graphql.Marshaler { return v }`, what gqlgen writes for an enum — and returns that type. The
// cache (gqlseqEnum) only accepts types whose values are strings: anything else would not
// compile.
func enumValue(fd *ast.FuncDecl) (string, bool) {
	if fd == nil || len(fd.Body.List) != 1 || len(fd.Type.Params.List) != 3 || len(fd.Type.Params.List[2].Names) != 1 {
		return "", false
	}
	param := fd.Type.Params.List[2]
	sel, ok := param.Type.(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	pkg, ok := sel.X.(*ast.Ident)
	if !ok || pkg.Name == "graphql" || pkg.Name == "entgql" {
		return "", false
	}
	ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 || !isIdent(ret.Results[0], param.Names[0].Name) {
		return "", false
	}
	return pkg.Name + "." + sel.Sel.Name, true
}

// tail is the code rewritePlain's rewrites call: the gate, the switch and, for each object
// marshaller rewritten, the function naming its concurrent fields.
func (r plainResult) tail() string {
	var b bytes.Buffer
	b.WriteString(plainHelper)
	caches := map[string]bool{}
	for _, m := range enumCacheRef.FindAllSubmatch(r.src, -1) {
		caches[string(m[1])] = true
	}
	if len(caches) > 0 {
		names := make([]string, 0, len(caches))
		for n := range caches {
			names = append(names, n)
		}
		sort.Strings(names)
		b.WriteString("\n// The marshallers of the values of the enum types of plain fields (gqlseqEnum), one cache per type.\nvar (\n")
		for _, n := range names {
			fmt.Fprintf(&b, "%s gqlseqEnumCache\n", n)
		}
		b.WriteString(")\n")
	}
	if len(r.gates) > 0 {
		names := make([]string, 0, len(r.gates))
		for n := range r.gates {
			names = append(names, n)
		}
		sort.Strings(names)
		b.WriteString("\n// The gate variables of the plain fields (PlainField), one per field of an object type.\nvar (\n")
		for _, n := range names {
			g := r.gates[n]
			fmt.Fprintf(&b, "%s = PlainField{Object: %s, Field: %s}\n", n, strconv.Quote(g.object), strconv.Quote(g.field))
		}
		b.WriteString(")\n")
		b.WriteString("\n// PlainFields is written by tools/gqlseq: every gate variable, for the application to open\n// the fields it leaves alone whoever reads (PlainField.Open) before serving.\nvar PlainFields = []*PlainField{\n")
		for _, n := range names {
			fmt.Fprintf(&b, "&%s,\n", n)
		}
		b.WriteString("}\n")
	}
	for _, name := range r.objects {
		fmt.Fprintf(&b, "\n// %s reports the fields of %s resolved concurrently.\nfunc %s(name string) bool {\n", concurrentFunc(name), name, concurrentFunc(name))
		if conc := r.conc[name]; len(conc) > 0 {
			q := make([]string, len(conc))
			for i, c := range conc {
				q[i] = strconv.Quote(c)
			}
			fmt.Fprintf(&b, "switch name {\ncase %s:\nreturn true\n}\n", strings.Join(q, ", "))
		}
		b.WriteString("return false\n}\n")
	}
	return b.String()
}

const plainHelper = `
// PlainField is written by tools/gqlseq: a plain field of an object type, as PlainFieldGate is
// asked about it. Facts is the application's own: what it works out about the field the first
// time it is asked, kept for the life of the process.
type PlainField struct {
	Object, Field string
	Facts         atomic.Value
	// Open is set by the application once it has found that it allows the field on every
	// record for every reader: the field is then written without asking PlainFieldGate.
	Open atomic.Bool
}

// PlainFieldGate is written by tools/gqlseq: whether the field interceptors of the operation in
// ctx allow field on record (the object being written), deciding it as they would in the
// interceptor and with the same effects. A plain field (a struct field marshalled
// as a scalar, see tools/gqlseq) it allows is written without gqlgen's field machinery — no
// field context, no interceptor; one it does not allow takes gqlgen's path, where the
// interceptor refuses it. The application sets it once, before serving; nil keeps every field
// on gqlgen's path.
var PlainFieldGate func(ctx context.Context, field *PlainField, record any) bool

type genericFieldsKey struct{}

// WithGenericFields is written by tools/gqlseq: ctx in which every field takes gqlgen's path
// (the plain-field fast path off), for comparisons and benchmarks.
func WithGenericFields(ctx context.Context) context.Context {
	return context.WithValue(ctx, genericFieldsKey{}, true)
}

// gqlseqObject is written by tools/gqlseq: a record's fields, written as graphql.FieldSet writes
// them — in order, each alias once, {"alias":value,…} — without the iterator, the copy of each
// field and the map of aliases the FieldSet's writer allocates. An object marshaller returns it
// instead of its FieldSet when nothing of the record was resolved concurrently or deferred.
type gqlseqObject struct {
	fields []graphql.CollectedField
	values []graphql.Marshaler
}

// MarshalGQL implements graphql.Marshaler.
func (o gqlseqObject) MarshalGQL(w io.Writer) {
	w.Write(gqlseqOpenBrace)
	first := true
fields:
	for i := range o.fields {
		alias := o.fields[i].Alias
		for j := range i {
			if o.fields[j].Alias == alias {
				continue fields // written already, as the FieldSet's writer skips it
			}
		}
		if !first {
			w.Write(gqlseqComma)
		}
		first = false
		if gqlseqIsName(alias) {
			w.Write(gqlseqQuote)
			io.WriteString(w, alias)
			w.Write(gqlseqQuoteColon)
		} else {
			graphql.MarshalString(alias).MarshalGQL(w)
			w.Write(gqlseqColon)
		}
		o.values[i].MarshalGQL(w)
	}
	w.Write(gqlseqCloseBrace)
}

// gqlseqEnumCache is written by tools/gqlseq: the marshallers of the values of one enum type,
// each the bytes the type's own MarshalGQL wrote for it, shared by every record (gqlseqEnum).
type gqlseqEnumCache struct {
	mu sync.Mutex
	m  atomic.Pointer[map[string]graphql.Marshaler]
}

// gqlseqEnumMax bounds a cache: an enum has a handful of values, and a column that holds more
// distinct ones than this (written around the schema) is not cached further.
const gqlseqEnumMax = 256

// gqlseqEnum is written by tools/gqlseq: the marshaller of the enum value v — what v.MarshalGQL
// writes, without copying v to the heap or quoting it again for every record.
func gqlseqEnum[E interface {
	~string
	graphql.Marshaler
}](c *gqlseqEnumCache, v E) graphql.Marshaler {
	if m := c.m.Load(); m != nil {
		if x, ok := (*m)[string(v)]; ok {
			return x
		}
	}
	var b bytes.Buffer
	v.MarshalGQL(&b)
	x := graphql.Marshaler(gqlseqRaw(b.Bytes()))
	c.mu.Lock()
	defer c.mu.Unlock()
	old := c.m.Load()
	if old != nil && len(*old) >= gqlseqEnumMax {
		return x
	}
	m := make(map[string]graphql.Marshaler, 1+func() int {
		if old == nil {
			return 0
		}
		return len(*old)
	}())
	if old != nil {
		for k, y := range *old {
			m[k] = y
		}
	}
	m[string(v)] = x
	c.m.Store(&m)
	return x
}

// gqlseqField is written by tools/gqlseq: a field whose value is another record held by the
// record, written as graphql.ResolveField writes it — in its own field context, with its result,
// a panic below it turned into null and an error — without the field interceptors, which the
// application has found leave the field alone whoever reads (PlainField.Open).
func gqlseqField[T any](ctx context.Context, field graphql.CollectedField,
	fieldContext func(context.Context, graphql.CollectedField) (*graphql.FieldContext, error),
	v T, marshal func(context.Context, ast.SelectionSet, T) graphql.Marshaler) (ret graphql.Marshaler) {
	fc, err := fieldContext(ctx, field)
	if err != nil {
		graphql.AddError(ctx, err)
		return graphql.Null
	}
	ctx = graphql.WithFieldContext(ctx, fc)
	defer func() {
		if r := recover(); r != nil {
			graphql.AddError(ctx, graphql.Recover(ctx, r))
			ret = graphql.Null
		}
	}()
	fc.Result = v
	return marshal(ctx, field.Selections, v)
}

// gqlseqRaw is written by tools/gqlseq: bytes written as they are.
type gqlseqRaw []byte

// MarshalGQL implements graphql.Marshaler.
func (r gqlseqRaw) MarshalGQL(w io.Writer) { w.Write(r) }

var (
	gqlseqOpenBrace  = []byte{'{'}
	gqlseqCloseBrace = []byte{'}'}
	gqlseqComma      = []byte{','}
	gqlseqColon      = []byte{':'}
	gqlseqQuote      = []byte{'"'}
	gqlseqQuoteColon = []byte{'"', ':'}
)

// gqlseqIsName reports whether s is a GraphQL name (every alias is): quoted as it is.
func gqlseqIsName(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || i > 0 && '0' <= c && c <= '9') {
			return false
		}
	}
	return s != ""
}

// gqlseqPlain is written by tools/gqlseq: whether the plain fields of a record may take the fast
// path — it is on, and the record's selection has no concurrent field and nothing deferred.
func gqlseqPlain(ctx context.Context, fields []graphql.CollectedField, concurrent func(string) bool) bool {
	if PlainFieldGate == nil || ctx.Value(genericFieldsKey{}) != nil {
		return false
	}
	for i := range fields {
		if concurrent(fields[i].Name) || fields[i].IsDeferred() {
			return false
		}
	}
	return true
}
`

func isECMethod(fd *ast.FuncDecl) bool {
	if fd.Recv == nil || len(fd.Recv.List) != 1 || fd.Body == nil {
		return false
	}
	st, ok := fd.Recv.List[0].Type.(*ast.StarExpr)
	if !ok {
		return false
	}
	id, ok := st.X.(*ast.Ident)
	return ok && id.Name == "executionContext"
}

// resolveFieldCall returns the call of a field function `_T_f` that is only
// `return graphql.ResolveField(…)` without directives. Its arguments: ctx, ec.OperationContext,
// field, init, resolver, middleware (nil), marshal, recover, nonNull.
func resolveFieldCall(fd *ast.FuncDecl) (*ast.CallExpr, bool) {
	if !strings.HasPrefix(fd.Name.Name, "_") || len(fd.Body.List) != 1 {
		return nil, false
	}
	ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return nil, false
	}
	call, ok := ret.Results[0].(*ast.CallExpr)
	if !ok || !isSelector(call.Fun, "graphql", "ResolveField") || len(call.Args) != 9 {
		return nil, false
	}
	if id, ok := call.Args[5].(*ast.Ident); !ok || id.Name != "nil" {
		return nil, false // directives
	}
	return call, true
}

// objectFieldFunc writes a plain field of an object type (gqlseqField).
const objectFieldFunc = "gqlseqField"

// asPlain reports whether fd is the function of a plain field: a struct field of the record
// (`return obj.X, nil`, no directives) that is either
//   - a scalar, with a scalar field context and a marshaller that can add no error; or
//   - another record, with a field context that is neither a method's nor a resolver's and takes
//     no arguments, marshalled as one record (not a list, not a connection: the interceptor looks
//     the owners of those up as a page); its field context function is kept (fieldContext).
func asPlain(fd *ast.FuncDecl, funcs map[string]*ast.FuncDecl) (plainField, bool) {
	call, ok := resolveFieldCall(fd)
	if !ok {
		return plainField{}, false
	}
	sf, ok := structFieldResolver(call.Args[4])
	if !ok {
		return plainField{}, false
	}
	marshal, ok := marshalClosure(call.Args[6])
	if !ok {
		return plainField{}, false
	}
	if object, ok := scalarFieldContext(call.Args[3], funcs); ok {
		if !safeMarshaller(funcs[marshal]) {
			return plainField{}, false
		}
		return plainField{object: object, structField: sf, marshal: marshal}, true
	}
	fcFunc, ok := singleECCall(call.Args[3])
	if !ok {
		return plainField{}, false
	}
	object, ok := objectFieldContext(funcs[fcFunc])
	if !ok || strings.Contains(marshal, "ᚕ") || strings.Contains(marshal, "Connection2") || funcs[marshal] == nil {
		return plainField{}, false
	}
	return plainField{object: object, structField: sf, marshal: marshal, fieldContext: fcFunc}, true
}

// objectFieldContext returns the object type of a field context function whose body is
// `fc = &graphql.FieldContext{Object: "T", Field: field, IsMethod: false, IsResolver: false,
// Child: …}; return fc, nil` — no arguments to parse, nothing that can fail.
func objectFieldContext(fd *ast.FuncDecl) (string, bool) {
	if fd == nil || len(fd.Body.List) != 2 {
		return "", false
	}
	as, ok := fd.Body.List[0].(*ast.AssignStmt)
	if !ok || len(as.Rhs) != 1 {
		return "", false
	}
	ue, ok := as.Rhs[0].(*ast.UnaryExpr)
	if !ok || ue.Op != token.AND {
		return "", false
	}
	lit, ok := ue.X.(*ast.CompositeLit)
	if !ok || !isSelector(lit.Type, "graphql", "FieldContext") {
		return "", false
	}
	if r, ok := fd.Body.List[1].(*ast.ReturnStmt); !ok || len(r.Results) != 2 || !isIdent(r.Results[1], "nil") {
		return "", false
	}
	object := ""
	for _, e := range lit.Elts {
		kv, ok := e.(*ast.KeyValueExpr)
		if !ok {
			return "", false
		}
		key, _ := kv.Key.(*ast.Ident)
		if key == nil {
			return "", false
		}
		switch key.Name {
		case "Object":
			bl, ok := kv.Value.(*ast.BasicLit)
			if !ok || bl.Kind != token.STRING {
				return "", false
			}
			object, _ = strconv.Unquote(bl.Value)
		case "Field":
			if !isIdent(kv.Value, "field") {
				return "", false
			}
		case "IsMethod", "IsResolver":
			if !isIdent(kv.Value, "false") {
				return "", false
			}
		case "Child":
		default:
			return "", false // Args, or anything this does not know
		}
	}
	return object, object != ""
}

// scalarFieldContext returns the object type of an init closure
// `return ec.fieldContext_T_f(ctx, field)` whose function returns
// `graphql.NewScalarFieldContext("T", field, false, false, …)`.
func scalarFieldContext(e ast.Expr, funcs map[string]*ast.FuncDecl) (string, bool) {
	callee, ok := singleECCall(e)
	if !ok {
		return "", false
	}
	fd := funcs[callee]
	if fd == nil || len(fd.Body.List) != 1 {
		return "", false
	}
	ret, ok := fd.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return "", false
	}
	call, ok := ret.Results[0].(*ast.CallExpr)
	if !ok || !isSelector(call.Fun, "graphql", "NewScalarFieldContext") || len(call.Args) != 5 {
		return "", false
	}
	for _, a := range call.Args[2:4] {
		if id, ok := a.(*ast.Ident); !ok || id.Name != "false" {
			return "", false // a method or a resolver
		}
	}
	lit, ok := call.Args[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return "", false
	}
	s, err := strconv.Unquote(lit.Value)
	return s, err == nil
}

// structFieldResolver returns X of a resolver closure `func(ctx) (any, error) { return obj.X, nil }`.
func structFieldResolver(e ast.Expr) (string, bool) {
	fl, ok := e.(*ast.FuncLit)
	if !ok || len(fl.Body.List) != 1 {
		return "", false
	}
	ret, ok := fl.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 2 {
		return "", false
	}
	if id, ok := ret.Results[1].(*ast.Ident); !ok || id.Name != "nil" {
		return "", false
	}
	sel, ok := ret.Results[0].(*ast.SelectorExpr)
	if !ok {
		return "", false
	}
	if id, ok := sel.X.(*ast.Ident); !ok || id.Name != "obj" {
		return "", false
	}
	return sel.Sel.Name, true
}

// marshalClosure returns the marshaller of `func(ctx, selections, v T) graphql.Marshaler {
// return ec.marshalX(ctx, selections, v) }`, T not an interface written as any.
func marshalClosure(e ast.Expr) (string, bool) {
	fl, ok := e.(*ast.FuncLit)
	if !ok || len(fl.Body.List) != 1 || len(fl.Type.Params.List) != 3 {
		return "", false
	}
	switch t := fl.Type.Params.List[2].Type.(type) {
	case *ast.InterfaceType:
		return "", false
	case *ast.Ident:
		if t.Name == "any" {
			return "", false
		}
	}
	ret, ok := fl.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return "", false
	}
	call, ok := ret.Results[0].(*ast.CallExpr)
	if !ok || len(call.Args) != 3 {
		return "", false
	}
	sel, ok := call.Fun.(*ast.SelectorExpr)
	if !ok || !isIdent(sel.X, "ec") || !strings.HasPrefix(sel.Sel.Name, "marshal") {
		return "", false
	}
	if !isIdent(call.Args[0], "ctx") || !isIdent(call.Args[1], "selections") || !isIdent(call.Args[2], "v") {
		return "", false
	}
	return sel.Sel.Name, true
}

// safeMarshaller reports whether a marshaller can be called with the record's context: it does
// not use its context (which names no field of its own on the fast path) but to report that a
// never-null scalar was null, and calls no other method of the executor.
func safeMarshaller(fd *ast.FuncDecl) bool {
	if fd == nil || len(fd.Type.Params.List) != 3 || len(fd.Type.Params.List[0].Names) != 1 {
		return false
	}
	ctxName := fd.Type.Params.List[0].Names[0].Name
	neverNullRes := ""
	safe := true
	for _, st := range fd.Body.List {
		switch s := st.(type) {
		case *ast.AssignStmt:
			if len(s.Lhs) == 1 && len(s.Rhs) == 1 && isIdent(s.Lhs[0], "_") {
				continue // _ = ctx, _ = sel
			}
			if len(s.Lhs) == 1 && len(s.Rhs) == 1 {
				if c, ok := s.Rhs[0].(*ast.CallExpr); ok {
					if sel, ok := c.Fun.(*ast.SelectorExpr); ok && isIdent(sel.X, "graphql") && neverNull[sel.Sel.Name] {
						if id, ok := s.Lhs[0].(*ast.Ident); ok {
							neverNullRes = id.Name
						}
					}
				}
			}
		case *ast.IfStmt:
			if neverNullRes != "" && isNullCheckOf(s, neverNullRes) {
				continue // the value is never null: the error is never added
			}
		}
		ast.Inspect(st, func(n ast.Node) bool {
			switch x := n.(type) {
			case *ast.Ident:
				if x.Name == ctxName || x.Name == "ec" {
					safe = false
				}
			case *ast.FuncLit, *ast.GoStmt, *ast.DeferStmt:
				safe = false
			}
			return safe
		})
		if !safe {
			return false
		}
	}
	return true
}

// isNullCheckOf reports whether s is `if res == graphql.Null { graphql.AddInvalidNullFromMarshaler(…) }`.
func isNullCheckOf(s *ast.IfStmt, res string) bool {
	if s.Init != nil || s.Else != nil || len(s.Body.List) != 1 {
		return false
	}
	be, ok := s.Cond.(*ast.BinaryExpr)
	if !ok || be.Op != token.EQL || !isIdent(be.X, res) || !isSelector(be.Y, "graphql", "Null") {
		return false
	}
	es, ok := s.Body.List[0].(*ast.ExprStmt)
	if !ok {
		return false
	}
	c, ok := es.X.(*ast.CallExpr)
	return ok && isSelector(c.Fun, "graphql", "AddInvalidNullFromMarshaler")
}

// objectSwitch returns the switch over field.Name of an object marshaller and its statement
// `fields := graphql.CollectFields(…)`.
func objectSwitch(fd *ast.FuncDecl) (*ast.SwitchStmt, ast.Stmt) {
	if len(fd.Type.Params.List) != 3 || len(fd.Body.List) < 4 {
		return nil, nil
	}
	collect, ok := fd.Body.List[0].(*ast.AssignStmt)
	if !ok || len(collect.Lhs) != 1 || !isIdent(collect.Lhs[0], "fields") || len(collect.Rhs) != 1 {
		return nil, nil
	}
	if c, ok := collect.Rhs[0].(*ast.CallExpr); !ok || !isSelector(c.Fun, "graphql", "CollectFields") {
		return nil, nil
	}
	if p := fd.Type.Params.List[2]; len(p.Names) != 1 || p.Names[0].Name != "obj" {
		return nil, nil
	}
	for _, st := range fd.Body.List {
		rs, ok := st.(*ast.RangeStmt)
		if !ok || !isIdent(rs.Key, "i") || !isIdent(rs.Value, "field") || len(rs.Body.List) != 1 {
			continue
		}
		sw, ok := rs.Body.List[0].(*ast.SwitchStmt)
		if ok && isSelector(sw.Tag, "field", "Name") {
			return sw, collect
		}
	}
	return nil, nil
}

func caseLabel(cc *ast.CaseClause) string {
	if len(cc.List) != 1 {
		return ""
	}
	lit, ok := cc.List[0].(*ast.BasicLit)
	if !ok || lit.Kind != token.STRING {
		return ""
	}
	s, _ := strconv.Unquote(lit.Value)
	return s
}

// valuesAssignment returns the callee of `out.Values[i] = ec.CALLEE(ctx, field, obj)`.
func valuesAssignment(st ast.Stmt) (string, bool) {
	as, ok := st.(*ast.AssignStmt)
	if !ok || as.Tok != token.ASSIGN || len(as.Lhs) != 1 || len(as.Rhs) != 1 {
		return "", false
	}
	ix, ok := as.Lhs[0].(*ast.IndexExpr)
	if !ok || !isSelector(ix.X, "out", "Values") || !isIdent(ix.Index, "i") {
		return "", false
	}
	c, ok := as.Rhs[0].(*ast.CallExpr)
	if !ok || len(c.Args) != 3 || !isIdent(c.Args[0], "ctx") || !isIdent(c.Args[1], "field") || !isIdent(c.Args[2], "obj") {
		return "", false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || !isIdent(sel.X, "ec") {
		return "", false
	}
	return sel.Sel.Name, true
}

// elseAssignment returns the callee of the gqlgen assignment in the else branch of a rewritten
// plain-field if.
func elseAssignment(s *ast.IfStmt) (string, bool) {
	blk, ok := s.Else.(*ast.BlockStmt)
	if !ok || len(blk.List) != 1 {
		return "", false
	}
	return valuesAssignment(blk.List[0])
}

// isPlainIf reports whether s is a rewritten plain-field assignment (`if plainOK && …`).
func isPlainIf(s *ast.IfStmt) bool {
	be, ok := s.Cond.(*ast.BinaryExpr)
	return ok && be.Op == token.LAND && isIdent(be.X, plainVar)
}

func singleECCall(e ast.Expr) (string, bool) {
	fl, ok := e.(*ast.FuncLit)
	if !ok || len(fl.Body.List) != 1 {
		return "", false
	}
	ret, ok := fl.Body.List[0].(*ast.ReturnStmt)
	if !ok || len(ret.Results) != 1 {
		return "", false
	}
	c, ok := ret.Results[0].(*ast.CallExpr)
	if !ok {
		return "", false
	}
	sel, ok := c.Fun.(*ast.SelectorExpr)
	if !ok || !isIdent(sel.X, "ec") {
		return "", false
	}
	return sel.Sel.Name, true
}

func containsCall(n ast.Node, method string) bool {
	found := false
	ast.Inspect(n, func(n ast.Node) bool {
		if c, ok := n.(*ast.CallExpr); ok {
			if sel, ok := c.Fun.(*ast.SelectorExpr); ok && sel.Sel.Name == method {
				found = true
			}
		}
		return !found
	})
	return found
}

func isIdent(e ast.Expr, name string) bool {
	id, ok := e.(*ast.Ident)
	return ok && id.Name == name
}

func isSelector(e ast.Expr, x, sel string) bool {
	s, ok := e.(*ast.SelectorExpr)
	return ok && isIdent(s.X, x) && s.Sel.Name == sel
}
