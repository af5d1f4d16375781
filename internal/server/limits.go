package server

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/99designs/gqlgen/graphql"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/parser"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/credit"
)

// Limits bound what one GraphQL operation may ask for, so a hand-written dashboard query — or a
// hostile one — cannot take the hub down (design.md §7). The size, token, field, alias, merge,
// directive and login limits are checked on the query text before it is validated (validation
// itself is quadratic in repeated fields); depth, page sizes and complexity after.
type Limits struct {
	MaxDepth        int // deepest field nesting, counting edges/node levels
	MaxComplexity   int // estimated number of objects the operation may return
	MaxPageSize     int // largest first/last on a connection
	DefaultPageSize int // first applied to a connection that names neither first nor last
	// ListSize is the number of elements assumed for a list field that is not a connection
	// page (taskResultStatus, codes of a result…): such a list costs ListSize times its children.
	ListSize int

	MaxQueryBytes int // length of the query text
	MaxTokens     int // lexical tokens of the query text
	MaxFields     int // field selections, fragments expanded where they are spread
	MaxAliases    int // aliased fields: each alias of a root field runs its resolver again
	MaxDirectives int
	// MaxFieldMerges bounds the fields that share a response name with another in the same
	// selection set (fragments included): validation compares each such pair.
	MaxFieldMerges int
	MaxVarDepth    int // nesting of variable values (objects and lists)
}

// DefaultLimits are generous for dashboards and tight for abuse.
var DefaultLimits = Limits{MaxDepth: 15, MaxComplexity: 250_000, MaxPageSize: 1000, DefaultPageSize: 100, ListSize: 10,
	MaxQueryBytes: 32 << 10, MaxTokens: 3000, MaxFields: 1000, MaxAliases: 30, MaxDirectives: 50, MaxFieldMerges: 100, MaxVarDepth: 32}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
	graphql.OperationContextMutator
} = Limits{}

// ExtensionName implements graphql.HandlerExtension.
func (Limits) ExtensionName() string { return "ssgk-limits" }

// Validate implements graphql.HandlerExtension.
func (Limits) Validate(graphql.ExecutableSchema) error { return nil }

// MutateOperationParameters checks the request before its query is parsed and validated: the
// size of the text, its tokens, then — on a parse of its own — fields, aliases, repeated
// fields, directives and logins, and the variables' nesting and characters.
func (l Limits) MutateOperationParameters(_ context.Context, p *graphql.RawParams) *gqlerror.Error {
	if l.MaxQueryBytes > 0 && len(p.Query) > l.MaxQueryBytes {
		return limitError(apperr.QueryTooLarge, fmt.Sprintf("查询文本长 %d 字节，超过上限 %d 字节", len(p.Query), l.MaxQueryBytes))
	}
	if err := l.checkVariables(p.Variables); err != nil {
		return err
	}
	if p.Query == "" {
		return nil
	}
	doc, err := parser.ParseQueryWithTokenLimit(&ast.Source{Input: p.Query}, l.MaxTokens)
	if err != nil {
		if l.MaxTokens > 0 && strings.Contains(err.Error(), "exceeded token limit") {
			return limitError(apperr.QueryTooLarge, fmt.Sprintf("查询包含的词法单元超过上限 %d 个；请拆分查询", l.MaxTokens))
		}
		return nil // the executor reports the syntax error itself
	}
	if err := checkArguments(doc); err != nil {
		return err
	}
	return l.checkDocument(doc)
}

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
			total = satAdd(total, w.field(s, depth))
		case *ast.InlineFragment:
			total = satAdd(total, w.selection(s.SelectionSet, depth))
		case *ast.FragmentSpread:
			if s.Definition != nil {
				total = satAdd(total, w.selection(s.Definition.SelectionSet, depth))
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
	if f.Definition == nil || f.Definition.Type == nil {
		return 1 + w.selection(f.SelectionSet, depth+1)
	}
	if strings.HasSuffix(f.Definition.Type.Name(), "Connection") && f.Definition.Arguments.ForName("first") != nil {
		return satAdd(1, satMul(w.pageSize(f), w.selection(f.SelectionSet, depth+1)))
	}
	if f.Definition.Type.Elem != nil && (f.ObjectDefinition == nil || !strings.HasSuffix(f.ObjectDefinition.Name, "Connection")) {
		// A list that is not the page of a connection returns all its elements: each costs
		// itself and its children.
		return satAdd(1, satMul(w.limits.ListSize, satAdd(1, w.selection(f.SelectionSet, depth+1))))
	}
	return satAdd(1, w.selection(f.SelectionSet, depth+1))
}

// costCap is where estimated costs stop growing: nested pages multiply, and a sum that wrapped
// around would let the largest queries through.
const costCap = 1 << 40

func satAdd(a, b int) int { return min(a+b, costCap) }

func satMul(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	if a > costCap/b {
		return costCap
	}
	return min(a*b, costCap)
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
