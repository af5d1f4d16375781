package server

import (
	"fmt"
	"strings"

	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"

	"github.com/ssgk/ssgk/internal/apperr"
)

// checkDocument counts, on the parsed but not yet validated document, what validation and
// execution cost grows with. Fragments are expanded where they are spread, each fragment's
// figures computed once (a chain of fragments that each spread the next twice would otherwise
// double the work at every link); a cycle counts nothing here, and validation refuses it.
func (l Limits) checkDocument(doc *ast.QueryDocument) *gqlerror.Error {
	c := &docCounter{frags: map[string]*ast.FragmentDefinition{}, memo: map[string]*setFigures{}}
	for _, f := range doc.Fragments {
		c.frags[f.Name] = f
		c.directives = satAdd(c.directives, len(f.Directives))
	}
	fields, aliases, merges := 0, 0, 0
	for _, op := range doc.Operations {
		c.directives = satAdd(c.directives, len(op.Directives))
		for _, v := range op.VariableDefinitions {
			c.directives = satAdd(c.directives, len(v.Directives))
		}
		fig := c.set(op.SelectionSet)
		fields, aliases, merges = satAdd(fields, fig.fields), satAdd(aliases, fig.aliases), satAdd(merges, fig.merges)
		if op.Operation == ast.Mutation && fig.logins > 1 {
			return limitError(apperr.Invalid, fmt.Sprintf("一次请求只能包含一个 login（收到 %d 个）；请逐个登录", fig.logins))
		}
	}
	switch {
	case l.MaxFields > 0 && fields > l.MaxFields:
		return limitError(apperr.TooComplex, fmt.Sprintf("查询包含的字段（片段展开后）超过上限 %d 个；请拆分查询", l.MaxFields))
	case l.MaxAliases > 0 && aliases > l.MaxAliases:
		return limitError(apperr.TooComplex, fmt.Sprintf("查询使用的别名超过上限 %d 个；请拆分查询", l.MaxAliases))
	case l.MaxFieldMerges > 0 && merges > l.MaxFieldMerges:
		return limitError(apperr.TooComplex, fmt.Sprintf("查询中同一层重复出现的同名字段超过上限 %d 个；请删除重复字段", l.MaxFieldMerges))
	case l.MaxDirectives > 0 && c.directives > l.MaxDirectives:
		return limitError(apperr.TooComplex, fmt.Sprintf("查询使用的指令超过上限 %d 个", l.MaxDirectives))
	}
	return nil
}

type docCounter struct {
	frags      map[string]*ast.FragmentDefinition
	memo       map[string]*setFigures
	directives int
}

// setFigures are the counts of one selection set, fragments expanded.
type setFigures struct {
	fields, aliases, merges int
	logins                  int            // the set's own fields named login
	names                   map[string]int // the set's own fields (flattened) by response name
}

func (c *docCounter) set(sel ast.SelectionSet) *setFigures {
	fig := &setFigures{names: map[string]int{}}
	c.collect(sel, fig)
	for _, n := range fig.names {
		fig.merges = satAdd(fig.merges, n-1)
	}
	return fig
}

// collect adds the fields of sel to fig: its own fields by response name, and the counts of
// everything below them.
func (c *docCounter) collect(sel ast.SelectionSet, fig *setFigures) {
	for _, s := range sel {
		switch s := s.(type) {
		case *ast.Field:
			c.directives = satAdd(c.directives, len(s.Directives))
			fig.fields = satAdd(fig.fields, 1)
			key := s.Alias
			if key == "" {
				key = s.Name
			} else if key != s.Name {
				fig.aliases = satAdd(fig.aliases, 1)
			}
			fig.names[key] = satAdd(fig.names[key], 1)
			if s.Name == "login" {
				fig.logins++
			}
			if len(s.SelectionSet) > 0 {
				sub := c.set(s.SelectionSet)
				fig.fields = satAdd(fig.fields, sub.fields)
				fig.aliases = satAdd(fig.aliases, sub.aliases)
				fig.merges = satAdd(fig.merges, sub.merges)
			}
		case *ast.InlineFragment:
			c.directives = satAdd(c.directives, len(s.Directives))
			c.collect(s.SelectionSet, fig)
		case *ast.FragmentSpread:
			c.directives = satAdd(c.directives, len(s.Directives))
			f := c.fragment(s.Name)
			if f == nil {
				continue
			}
			// Each spread contributes the fragment's fields again, and its own fields join the
			// spreading set's (validation compares them with the set's fields of the same name).
			fig.fields = satAdd(fig.fields, f.fields)
			fig.aliases = satAdd(fig.aliases, f.aliases)
			fig.merges = satAdd(fig.merges, f.merges)
			fig.logins = satAdd(fig.logins, f.logins)
			for k, n := range f.names {
				fig.names[k] = satAdd(fig.names[k], n)
			}
		}
	}
}

// inProgress marks a fragment being counted: spreading it again is a cycle.
var inProgress = &setFigures{}

// fragment returns the figures of a fragment's selection set as seen by a set that spreads it:
// its own flattened names, and the counts below them (merges among its own names are counted
// in the spreading set).
func (c *docCounter) fragment(name string) *setFigures {
	if f, ok := c.memo[name]; ok {
		if f == inProgress {
			return nil
		}
		return f
	}
	def := c.frags[name]
	if def == nil {
		return nil
	}
	c.memo[name] = inProgress
	fig := &setFigures{names: map[string]int{}}
	c.collect(def.SelectionSet, fig)
	c.memo[name] = fig
	return fig
}

// checkVariables refuses variables nested deeper than MaxVarDepth and strings with control
// characters, before anything reads them.
func (l Limits) checkVariables(vars map[string]any) *gqlerror.Error {
	for name, v := range vars {
		if err := l.checkValue("$"+name, v, 1); err != nil {
			return err
		}
	}
	return nil
}

func (l Limits) checkValue(path string, v any, depth int) *gqlerror.Error {
	if l.MaxVarDepth > 0 && depth > l.MaxVarDepth {
		return limitError(apperr.Invalid, fmt.Sprintf("变量 %s 嵌套超过 %d 层", strings.SplitN(path, ".", 2)[0], l.MaxVarDepth))
	}
	switch x := v.(type) {
	case string:
		return checkText(path, x)
	case map[string]any:
		for k, e := range x {
			if err := l.checkValue(path+"."+k, e, depth+1); err != nil {
				return err
			}
		}
	case []any:
		for i, e := range x {
			if err := l.checkValue(fmt.Sprintf("%s[%d]", path, i), e, depth+1); err != nil {
				return err
			}
		}
	}
	return nil
}

// checkText refuses control characters in an argument: a NUL ends a string early in SQLite (a
// search for "\x00" matched every target) and is an error in PostgreSQL; the others have no
// place in a name, code or text. Tab, line feed and carriage return are text.
func checkText(path, s string) *gqlerror.Error {
	for i := 0; i < len(s); i++ {
		if hasControl(s[i : i+1]) {
			return limitError(apperr.Invalid, fmt.Sprintf("参数 %s 含有控制字符（U+%04X），请删除后重试", path, s[i]))
		}
	}
	return nil
}

// checkArguments refuses control characters in the literal arguments of a document.
func checkArguments(doc *ast.QueryDocument) *gqlerror.Error {
	var check func(path string, v *ast.Value) *gqlerror.Error
	check = func(path string, v *ast.Value) *gqlerror.Error {
		if v == nil {
			return nil
		}
		switch v.Kind {
		case ast.StringValue, ast.BlockValue:
			return checkText(path, v.Raw)
		case ast.ListValue, ast.ObjectValue:
			for _, c := range v.Children {
				p := path
				if c.Name != "" {
					p += "." + c.Name
				}
				if err := check(p, c.Value); err != nil {
					return err
				}
			}
		}
		return nil
	}
	var walk func(sel ast.SelectionSet) *gqlerror.Error
	walk = func(sel ast.SelectionSet) *gqlerror.Error {
		for _, s := range sel {
			if f, ok := s.(*ast.Field); ok {
				for _, a := range f.Arguments {
					if err := check(f.Name+"."+a.Name, a.Value); err != nil {
						return err
					}
				}
				if err := walk(f.SelectionSet); err != nil {
					return err
				}
			} else if f, ok := s.(*ast.InlineFragment); ok {
				if err := walk(f.SelectionSet); err != nil {
					return err
				}
			}
		}
		return nil
	}
	for _, op := range doc.Operations {
		if err := walk(op.SelectionSet); err != nil {
			return err
		}
		for _, v := range op.VariableDefinitions {
			if err := check("$"+v.Variable, v.DefaultValue); err != nil {
				return err
			}
		}
	}
	for _, f := range doc.Fragments {
		if err := walk(f.SelectionSet); err != nil {
			return err
		}
	}
	return nil
}
