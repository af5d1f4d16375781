package main

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"strings"
	"testing"
)

// generatedSample is the shape of what gqlgen writes for a list and for an object.
const generatedSample = `package generated

import (
	"context"

	"github.com/99designs/gqlgen/graphql"
)

func marshalList(ctx context.Context, v []string) graphql.Marshaler {
	return graphql.MarshalSliceConcurrently(ctx, len(v), 0, false, func(ctx context.Context, i int) graphql.Marshaler {
		return graphql.MarshalString(v[i])
	})
}

func object(ctx context.Context, fields []graphql.CollectedField) int {
	deferred := graphql.NewDeferredGroup(ctx)
	return len(deferred.Defers)
}
`

func TestRewrite_ReplacesEveryCallAndIsIdempotent(t *testing.T) {
	out, counts, err := rewrite([]byte(generatedSample))
	if err != nil {
		t.Fatal(err)
	}
	if counts[0] != 1 || counts[1] != 1 {
		t.Fatalf("counts %v, want one list and one group", counts)
	}
	head := out[:bytes.Index(out, []byte(marker))]
	for _, r := range rewrites {
		if bytes.Contains(head, []byte(r.from)) {
			t.Errorf("%s is still called outside the helper", r.from)
		}
		if !bytes.Contains(head, []byte(r.to)) {
			t.Errorf("%s is not called", r.to)
		}
	}
	again, counts, err := rewrite(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, out) || counts[0] != 0 || counts[1] != 0 {
		t.Errorf("a second run changed the file (counts %v)", counts)
	}
	if bytes.Count(again, []byte(marker)) != 1 {
		t.Error("the helper is not in the file exactly once")
	}
}

// The committed executor is the rewritten one: go generate ./graph runs gqlgen and then this
// command, and a generate without it would bring the goroutines back.
func TestCommittedExecutorIsRewritten(t *testing.T) {
	src, err := os.ReadFile("../../graph/generated/generated.go")
	if err != nil {
		t.Fatal(err)
	}
	out, counts, err := rewrite(src)
	if err != nil {
		t.Fatal(err)
	}
	if counts[0] != 0 || counts[1] != 0 || counts[2] != 0 || !bytes.Equal(out, src) {
		t.Fatalf("graph/generated/generated.go is not rewritten (%v calls left); run go generate ./graph", counts)
	}
}

// objectSample is the shape of what gqlgen writes for an object type and its fields: name is
// plain (a struct field, a never-null string marshaller), uscc is plain (nullable), createdAt is
// not (its marshaller may report a null with the record's context), note has a directive,
// score has a resolver and teams is resolved concurrently.
const objectSample = `package generated

import (
	"context"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
)

type executionContext struct{ *graphql.OperationContext }

type Target struct {
	Name      string
	Uscc      *string
	CreatedAt time.Time
	Note      string
}

var targetImplementors = []string{"Target"}

func (ec *executionContext) _Target(ctx context.Context, sel ast.SelectionSet, obj *Target) graphql.Marshaler {
	fields := graphql.CollectFields(ec.OperationContext, sel, targetImplementors)

	out := graphql.NewFieldSet(fields)
	deferred := deferredGroupFor(ctx, fields)
	for i, field := range fields {
		switch field.Name {
		case "__typename":
			out.Values[i] = graphql.MarshalString("Target")
		case "name":
			out.Values[i] = ec._Target_name(ctx, field, obj)
			if out.Values[i] == graphql.Null {
				atomic.AddUint32(&out.Invalids, 1)
			}
		case "uscc":
			out.Values[i] = ec._Target_uscc(ctx, field, obj)
		case "createdAt":
			out.Values[i] = ec._Target_createdAt(ctx, field, obj)
		case "note":
			out.Values[i] = ec._Target_note(ctx, field, obj)
		case "score":
			out.Values[i] = ec._Target_score(ctx, field, obj)
		case "teams":
			out.ResolveConcurrently(ec.OperationContext, &deferred, i,
				true, false,
				func(ctx context.Context) graphql.Marshaler {
					return ec._Target_name(ctx, field, obj)
				})
		default:
			panic("unknown field " + strconv.Quote(field.Name))
		}
	}
	out.Dispatch(ctx)
	if out.Invalids > 0 {
		return graphql.Null
	}
	return out
}

func (ec *executionContext) _Target_name(ctx context.Context, field graphql.CollectedField, obj *Target) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Target_name(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Name, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v string) graphql.Marshaler {
			return ec.marshalNString2string(ctx, selections, v)
		},
		true,
		true,
	)
}
func (ec *executionContext) fieldContext_Target_name(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("Target", field, false, false, "String")
}

func (ec *executionContext) _Target_uscc(ctx context.Context, field graphql.CollectedField, obj *Target) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Target_uscc(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Uscc, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v *string) graphql.Marshaler {
			return ec.marshalOString2ᚖstring(ctx, selections, v)
		},
		true,
		false,
	)
}
func (ec *executionContext) fieldContext_Target_uscc(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("Target", field, false, false, "String")
}

func (ec *executionContext) _Target_createdAt(ctx context.Context, field graphql.CollectedField, obj *Target) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Target_createdAt(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.CreatedAt, nil
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v time.Time) graphql.Marshaler {
			return ec.marshalNTime2timeᚐTime(ctx, selections, v)
		},
		true,
		true,
	)
}
func (ec *executionContext) fieldContext_Target_createdAt(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	return graphql.NewScalarFieldContext("Target", field, false, false, "Time")
}

func (ec *executionContext) _Target_note(ctx context.Context, field graphql.CollectedField, obj *Target) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return ec.fieldContext_Target_name(ctx, field)
		},
		func(ctx context.Context) (any, error) {
			return obj.Note, nil
		},
		func(ctx context.Context, next graphql.Resolver) graphql.Resolver {
			return next
		},
		func(ctx context.Context, selections ast.SelectionSet, v string) graphql.Marshaler {
			return ec.marshalNString2string(ctx, selections, v)
		},
		true,
		true,
	)
}

func (ec *executionContext) _Target_score(ctx context.Context, field graphql.CollectedField, obj *Target) (ret graphql.Marshaler) {
	return graphql.ResolveField(
		ctx,
		ec.OperationContext,
		field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) {
			return graphql.NewScalarFieldContext("Target", field, true, true, "String")
		},
		func(ctx context.Context) (any, error) {
			return ec.resolvers.Target().Score(ctx, obj)
		},
		nil,
		func(ctx context.Context, selections ast.SelectionSet, v string) graphql.Marshaler {
			return ec.marshalNString2string(ctx, selections, v)
		},
		true,
		true,
	)
}

func (ec *executionContext) marshalNString2string(ctx context.Context, sel ast.SelectionSet, v string) graphql.Marshaler {
	_ = sel
	res := graphql.MarshalString(v)
	if res == graphql.Null {
		graphql.AddInvalidNullFromMarshaler(ctx, "String!")
	}
	return res
}

func (ec *executionContext) marshalOString2ᚖstring(ctx context.Context, sel ast.SelectionSet, v *string) graphql.Marshaler {
	if v == nil {
		return graphql.Null
	}
	_ = sel
	_ = ctx
	res := graphql.MarshalString(*v)
	return res
}

func (ec *executionContext) marshalNTime2timeᚐTime(ctx context.Context, sel ast.SelectionSet, v time.Time) graphql.Marshaler {
	_ = sel
	res := graphql.MarshalTime(v)
	if res == graphql.Null {
		graphql.AddInvalidNullFromMarshaler(ctx, "Time!")
	}
	return res
}
`

func TestRewrite_PlainFields(t *testing.T) {
	out, counts, err := rewrite([]byte(objectSample))
	if err != nil {
		t.Fatal(err)
	}
	if counts[2] != 2 {
		t.Errorf("%d plain field assignments rewritten, want 2 (name, uscc)", counts[2])
	}
	s := string(out)
	for _, want := range []string{
		"plainOK := gqlseqPlain(ctx, fields, gqlseqConcurrent_Target)",
		`if plainOK && (gqlseqGate_Target_name.Open.Load() || PlainFieldGate(ctx, &gqlseqGate_Target_name, obj)) {
				out.Values[i] = ec.marshalNString2string(ctx, field.Selections, obj.Name)
			} else {
				out.Values[i] = ec._Target_name(ctx, field, obj)
			}
			if out.Values[i] == graphql.Null {`,
		`out.Values[i] = ec.marshalOString2ᚖstring(ctx, field.Selections, obj.Uscc)`,
		"if plainOK {\n\t\treturn gqlseqObject{fields: fields, values: out.Values}\n\t}\n\treturn out\n}",
		"func gqlseqConcurrent_Target(name string) bool {\n\tswitch name {\n\tcase \"teams\":\n\t\treturn true\n\t}\n\treturn false\n}",
		"\t\"io\"\n",
		"gqlseqGate_Target_name = PlainField{Object: \"Target\", Field: \"name\"}",
		"gqlseqGate_Target_uscc = PlainField{Object: \"Target\", Field: \"uscc\"}",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("the rewritten object lacks\n%s", want)
		}
	}
	for _, not := range []string{`gqlseqGate_Target_createdAt`, `gqlseqGate_Target_note`, `gqlseqGate_Target_score`, `gqlseqGate_Target_teams`, `gqlseqGate_Target___typename`} {
		if strings.Contains(s, not) {
			t.Errorf("%s is given the fast path", not)
		}
	}
	again, counts, err := rewrite(out)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(again, out) || counts[2] != 0 {
		t.Errorf("a second run changed the file (counts %v)", counts)
	}
}

// enumValue recognises gqlgen's marshaller of an enum value (the value is its own marshaller)
// and nothing else that returns its argument.
func TestEnumValue(t *testing.T) {
	for _, c := range []struct {
		src  string
		want string
	}{
		{`func (ec *executionContext) marshalNTargetStatus2x(ctx context.Context, sel ast.SelectionSet, v target.Status) graphql.Marshaler { return v }`, "target.Status"},
		{`func (ec *executionContext) marshalNCursor2x(ctx context.Context, sel ast.SelectionSet, v entgql.Cursor[int]) graphql.Marshaler { return v }`, ""},
		{`func (ec *executionContext) marshalNUpload2x(ctx context.Context, sel ast.SelectionSet, v graphql.Upload) graphql.Marshaler { return v }`, ""},
		{`func (ec *executionContext) marshalOTargetStatus2ᚖx(ctx context.Context, sel ast.SelectionSet, v *target.Status) graphql.Marshaler { if v == nil { return graphql.Null }; return v }`, ""},
		{`func (ec *executionContext) marshalNString2string(ctx context.Context, sel ast.SelectionSet, v string) graphql.Marshaler { res := graphql.MarshalString(v); return res }`, ""},
		{`func (ec *executionContext) marshalNX2x(ctx context.Context, sel ast.SelectionSet, v target.Status) graphql.Marshaler { return other }`, ""},
	} {
		f, err := parser.ParseFile(token.NewFileSet(), "x.go", "package x\n"+c.src, 0)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := enumValue(f.Decls[0].(*ast.FuncDecl))
		if got != c.want || ok != (c.want != "") {
			t.Errorf("%.60s…: %q %v, want %q", c.src, got, ok, c.want)
		}
	}
	if got := enumCacheName("target.CreditRiskClass"); got != "gqlseqEnum_target_CreditRiskClass" {
		t.Errorf("enumCacheName = %s", got)
	}
}

// asPlain takes a field holding another record in a struct field, with a field context that
// takes no arguments and is no method's or resolver's, marshalled as one record; nothing else.
func TestAsPlainObjectField(t *testing.T) {
	const fc = `func (ec *executionContext) fieldContext_TargetEdge_node(_ context.Context, field graphql.CollectedField) (fc *graphql.FieldContext, err error) {
	fc = &graphql.FieldContext{Object: "TargetEdge", Field: field, IsMethod: %s, IsResolver: false, Child: nil%s}
	return fc, nil
}
`
	const field = `func (ec *executionContext) _TargetEdge_node(ctx context.Context, field graphql.CollectedField, obj *ent.TargetEdge) (ret graphql.Marshaler) {
	return graphql.ResolveField(ctx, ec.OperationContext, field,
		func(ctx context.Context, field graphql.CollectedField) (*graphql.FieldContext, error) { return ec.fieldContext_TargetEdge_node(ctx, field) },
		func(ctx context.Context) (any, error) { return %s, nil },
		%s,
		func(ctx context.Context, selections ast.SelectionSet, v *ent.Target) graphql.Marshaler { return ec.%s(ctx, selections, v) },
		true, false)
}
func (ec *executionContext) marshalOTarget2ᚖx(ctx context.Context, sel ast.SelectionSet, v *ent.Target) graphql.Marshaler { return nil }
func (ec *executionContext) marshalOTarget2ᚕx(ctx context.Context, sel ast.SelectionSet, v *ent.Target) graphql.Marshaler { return nil }
func (ec *executionContext) marshalNTargetConnection2ᚖx(ctx context.Context, sel ast.SelectionSet, v *ent.Target) graphql.Marshaler { return nil }
`
	for _, c := range []struct {
		name                           string
		isMethod, args, res, mw, marsh string
		want                           bool
	}{
		{"an edge's node", "false", "", "obj.Node", "nil", "marshalOTarget2ᚖx", true},
		{"a method", "true", "", "obj.Node", "nil", "marshalOTarget2ᚖx", false},
		{"arguments", "false", ", Args: nil", "obj.Node", "nil", "marshalOTarget2ᚖx", false},
		{"a resolver call", "false", "", "ec.resolvers.Node(ctx, obj)", "nil", "marshalOTarget2ᚖx", false},
		{"directives", "false", "", "obj.Node", "ec.directives", "marshalOTarget2ᚖx", false},
		{"a list", "false", "", "obj.Node", "nil", "marshalOTarget2ᚕx", false},
		{"a connection", "false", "", "obj.Node", "nil", "marshalNTargetConnection2ᚖx", false},
	} {
		src := "package x\n" + fmt.Sprintf(fc, c.isMethod, c.args) + fmt.Sprintf(field, c.res, c.mw, c.marsh)
		f, err := parser.ParseFile(token.NewFileSet(), "x.go", src, 0)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		funcs := map[string]*ast.FuncDecl{}
		for _, d := range f.Decls {
			fd := d.(*ast.FuncDecl)
			funcs[fd.Name.Name] = fd
		}
		p, ok := asPlain(funcs["_TargetEdge_node"], funcs)
		if ok != c.want {
			t.Errorf("%s: recognised %v, want %v", c.name, ok, c.want)
		}
		if ok && (p.object != "TargetEdge" || p.structField != "Node" || p.fieldContext != "fieldContext_TargetEdge_node" || p.marshal != c.marsh) {
			t.Errorf("%s: %+v", c.name, p)
		}
	}
}
