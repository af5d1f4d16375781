package generated

import (
	"bytes"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
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
