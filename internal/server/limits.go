package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/credit"
)

// Limits bound what one GraphQL operation may ask for, so a hand-written dashboard query cannot
// take the hub down (design.md §7).
type Limits struct {
	MaxDepth        int // deepest field nesting, counting edges/node levels
	MaxComplexity   int // estimated number of objects the operation may return
	MaxPageSize     int // largest first/last on a connection
	DefaultPageSize int // first applied to a connection that names neither first nor last
}

// DefaultLimits are generous for dashboards and tight for abuse.
var DefaultLimits = Limits{MaxDepth: 15, MaxComplexity: 250_000, MaxPageSize: 1000, DefaultPageSize: 100}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationContextMutator
} = Limits{}

// ExtensionName implements graphql.HandlerExtension.
func (Limits) ExtensionName() string { return "ssgk-limits" }

// Validate implements graphql.HandlerExtension.
func (Limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationContext checks depth, page sizes and complexity of the parsed operation, and
// gives connections without first/last the default page size (written into the operation, so
// that resolvers and entgql's eager loading of nested connections see the same bound).
func (l Limits) MutateOperationContext(_ context.Context, rc *graphql.OperationContext) *gqlerror.Error {
	if rc.Operation == nil {
		return nil
	}
	w := walker{limits: l, vars: rc.Variables}
	cost := w.selection(rc.Operation.SelectionSet, 1)
	if w.err != nil {
		return w.err
	}
	if cost > l.MaxComplexity {
		return limitError(apperr.TooComplex, fmt.Sprintf("查询过于复杂：估计返回 %d 个对象，上限为 %d；请减小分页大小或嵌套层数", cost, l.MaxComplexity))
	}
	return nil
}

type walker struct {
	limits Limits
	vars   map[string]any
	err    *gqlerror.Error
}

func limitError(code, msg string) *gqlerror.Error {
	return &gqlerror.Error{Message: msg, Extensions: map[string]any{"code": code}}
}

// selection returns the estimated number of objects a selection set yields.
func (w *walker) selection(set ast.SelectionSet, depth int) int {
	if w.err != nil {
		return 0
	}
	if depth > w.limits.MaxDepth {
		w.err = limitError(apperr.TooComplex, fmt.Sprintf("查询嵌套过深：超过 %d 层", w.limits.MaxDepth))
		return 0
	}
	total := 0
	for _, sel := range set {
		switch s := sel.(type) {
		case *ast.Field:
			total += w.field(s, depth)
		case *ast.InlineFragment:
			total += w.selection(s.SelectionSet, depth)
		case *ast.FragmentSpread:
			if s.Definition != nil {
				total += w.selection(s.Definition.SelectionSet, depth)
			}
		}
	}
	return total
}

// feedPageSizes are the larger page caps of sync feeds: the credit centre's nightly sync reads
// the change feed in pages of up to credit.MaxPage.
var feedPageSizes = map[string]int{"ChangeConnection": credit.MaxPage}

func (w *walker) field(f *ast.Field, depth int) int {
	if len(f.SelectionSet) == 0 {
		return 0
	}
	mult := 1
	if f.Definition != nil && f.Definition.Type != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection") &&
		f.Definition.Arguments.ForName("first") != nil {
		mult = w.pageSize(f)
	}
	return 1 + mult*w.selection(f.SelectionSet, depth+1)
}

// pageSize checks first/last of a connection field and returns the page size it implies.
func (w *walker) pageSize(f *ast.Field) int {
	args := f.ArgumentMap(w.vars)
	size := -1
	for _, name := range []string{"first", "last"} {
		v, ok := args[name]
		if !ok || v == nil {
			continue
		}
		n, ok := toInt(v)
		if !ok {
			continue
		}
		if n < 0 {
			w.err = limitError(apperr.Invalid, fmt.Sprintf("字段 %s 的 %s 不能为负数", f.Alias, name))
			return 0
		}
		limit := w.limits.MaxPageSize
		if l, ok := feedPageSizes[f.Definition.Type.Name()]; ok && l > limit {
			limit = l
		}
		if n > limit {
			w.err = limitError(apperr.PageTooLarge, fmt.Sprintf("字段 %s 的 %s=%d 超过分页上限 %d；请分页获取", f.Alias, name, n, limit))
			return 0
		}
		if n > size {
			size = n
		}
	}
	if size >= 0 {
		return size
	}
	// Neither first nor last: bound the page explicitly.
	f.Arguments = append(f.Arguments, &ast.Argument{
		Name:  "first",
		Value: &ast.Value{Kind: ast.IntValue, Raw: strconv.Itoa(w.limits.DefaultPageSize)},
	})
	return w.limits.DefaultPageSize
}

func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case int64:
		return int(x), true
	case float64:
		return int(x), true
	case string:
		n, err := strconv.Atoi(x)
		return n, err == nil
	}
	return 0, false
}
