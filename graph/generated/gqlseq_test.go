package generated

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strconv"
	"sync/atomic"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"

	"github.com/ssgk/ssgk/ent/target"
)

// gqlseqObject (written by tools/gqlseq) writes a record exactly as graphql.FieldSet does: in
// order, each alias once (the first), aliases quoted, nulls and nested values as they marshal.
func TestGqlseqObjectWritesAsFieldSet(t *testing.T) {
	cases := [][]struct {
		alias string
		value graphql.Marshaler
	}{
		{},
		{{"name", graphql.MarshalString(`引号"与\反斜杠` + "\n\u2028")}},
		{{"a", graphql.MarshalInt(1)}, {"b", graphql.Null}, {"a", graphql.MarshalInt(2)}, {"_c9", graphql.MarshalBoolean(true)}},
		{{"__typename", graphql.MarshalString("Target")}, {"x", graphql.Array{graphql.MarshalFloat(1.5), graphql.Null}}, {"x", graphql.Null}, {"y", graphql.MarshalString("")}},
		{{`odd"alias`, graphql.MarshalString("v")}, {"", graphql.Null}, {"9", graphql.MarshalID("9")}},
	}
	for i, c := range cases {
		fields := make([]graphql.CollectedField, len(c))
		values := make([]graphql.Marshaler, len(c))
		for j, f := range c {
			fields[j].Field = &ast.Field{Alias: f.alias}
			values[j] = f.value
		}
		fs := graphql.NewFieldSet(fields)
		copy(fs.Values, values)
		var want, got bytes.Buffer
		fs.MarshalGQL(&want)
		gqlseqObject{fields: fields, values: values}.MarshalGQL(&got)
		if got.String() != want.String() {
			t.Errorf("case %d: %s, FieldSet writes %s", i, got.String(), want.String())
		}
	}
}

// marshalSliceInOrder (written by tools/gqlseq) marshals every element once, in order, with its
// own index in its field context, into its own place; a panicking element becomes null with an
// error, or, with the panic handler omitted, the panic reaches the caller.
func TestMarshalSliceInOrder(t *testing.T) {
	for _, n := range []int{0, 1, 2, 3, 100, 1001} {
		ctx := graphql.WithResponseContext(context.Background(), graphql.DefaultErrorPresenter, func(context.Context, any) error { return errors.New("内部错误") })
		calls := make([]atomic.Int32, n)
		next := 0
		ret := marshalSliceInOrder(ctx, n, 0, false, func(ctx context.Context, i int) graphql.Marshaler {
			calls[i].Add(1)
			if i != next {
				t.Errorf("n=%d: element %d marshalled when %d was due", n, i, next)
			}
			next = i + 1
			if got := *graphql.GetFieldContext(ctx).Index; got != i {
				t.Errorf("n=%d: element %d has index %d in its field context", n, i, got)
			}
			if i == n/2 && n > 2 {
				panic("element panics")
			}
			return graphql.MarshalInt(i)
		})
		if len(ret) != n {
			t.Fatalf("n=%d: %d elements", n, len(ret))
		}
		for i := range n {
			if c := calls[i].Load(); c != 1 {
				t.Errorf("n=%d: element %d marshalled %d times", n, i, c)
			}
			var b bytes.Buffer
			ret[i].MarshalGQL(&b)
			want := strconv.Itoa(i)
			if i == n/2 && n > 2 {
				want = "null"
			}
			if b.String() != want {
				t.Errorf("n=%d: element %d written %s, want %s", n, i, b.String(), want)
			}
		}
		if errs := graphql.GetErrors(ctx); (n > 2) != (len(errs) == 1) {
			t.Errorf("n=%d: errors %v", n, errs)
		}
	}

	var done atomic.Int32
	func() {
		defer func() {
			if r := recover(); r != "last element panics" {
				t.Errorf("recovered %v, want the element's panic", r)
			}
			if d := done.Load(); d != 999 {
				t.Errorf("the panic reached the caller after %d of the 999 elements before it", d)
			}
		}()
		marshalSliceInOrder(context.Background(), 1000, 0, true, func(ctx context.Context, i int) graphql.Marshaler {
			if i == 999 {
				panic("last element panics")
			}
			done.Add(1)
			return graphql.Null
		})
		t.Error("no panic")
	}()
}

// shoutEnum is an enum type whose marshaller is not a plain quote: gqlseqEnum must write what
// the type's own MarshalGQL writes.
type shoutEnum string

func (e shoutEnum) MarshalGQL(w io.Writer) { io.WriteString(w, `"!`+string(e)+`"`) }

// gqlseqEnum (written by tools/gqlseq) writes an enum value as its type does, allocates nothing
// once a value has been seen, and keeps a bounded number of values per type.
func TestGqlseqEnum(t *testing.T) {
	var c gqlseqEnumCache
	for _, v := range []target.Status{target.StatusEXISTING, target.Status("带\"引号"), target.Status(""), target.StatusEXISTING} {
		var want, got bytes.Buffer
		v.MarshalGQL(&want)
		gqlseqEnum(&c, v).MarshalGQL(&got)
		if got.String() != want.String() {
			t.Errorf("%q: %s, the type writes %s", v, got.String(), want.String())
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = gqlseqEnum(&c, target.StatusEXISTING) }); n != 0 {
		t.Errorf("a value seen before: %v allocations, want 0", n)
	}
	var s gqlseqEnumCache
	for i := range gqlseqEnumMax + 50 {
		v := shoutEnum("v" + strconv.Itoa(i))
		var got bytes.Buffer
		gqlseqEnum(&s, v).MarshalGQL(&got)
		if want := `"!v` + strconv.Itoa(i) + `"`; got.String() != want {
			t.Fatalf("value %d: %s, want %s", i, got.String(), want)
		}
	}
	if n := len(*s.m.Load()); n != gqlseqEnumMax {
		t.Errorf("the cache holds %d values, want at most %d", n, gqlseqEnumMax)
	}
}
