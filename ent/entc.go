//go:build ignore

// entc.go generates the ent client and, through entgql, the GraphQL schema (graph/ent.graphqls).
// Run with `go generate ./...` from the repository root.
package main

import (
	"log"
	"strings"

	"entgo.io/contrib/entgql"
	"entgo.io/ent/entc"
	"entgo.io/ent/entc/gen"
	"entgo.io/ent/schema"
	"github.com/vektah/gqlparser/v2/ast"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithWhereInputs(true),
		entgql.WithConfigPath("../gqlgen.yml"),
		entgql.WithSchemaPath("../graph/ent.graphqls"),
		entgql.WithSchemaHook(describeTypes, classifyFields, guardRowFilters),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeaturePrivacy,
			gen.FeatureEntQL,
			gen.FeatureUpsert,
			gen.FeatureGlobalID,
			gen.FeatureVersionedMigration,
			gen.FeatureIntercept,
			gen.FeatureExecQuery,
			gen.FeatureLock,
		},
	}, entc.Extensions(ex), entc.TemplateFiles("template/tables.tmpl", "template/sharing.tmpl"))
	if err != nil {
		log.Fatalf("running ent codegen: %v", err)
	}
}

// describeTypes copies each schema's Chinese comment (schema.Comment) onto its GraphQL object,
// connection and enum types, so GraphiQL documents the domain in the users' language.
func describeTypes(g *gen.Graph, s *ast.Schema) error {
	for _, t := range g.Nodes {
		text := ""
		if a, ok := t.Annotations[(&schema.CommentAnnotation{}).Name()].(map[string]any); ok {
			text, _ = a["Text"].(string)
		}
		if text == "" {
			continue
		}
		if def, ok := s.Types[t.Name]; ok {
			def.Description = text
		}
		if def, ok := s.Types[t.Name+"Connection"]; ok {
			def.Description = text + "（分页连接）"
		}
		if def, ok := s.Types[t.Name+"WhereInput"]; ok {
			def.Description = text + "的筛选条件"
		}
		if def, ok := s.Types[t.Name+"Order"]; ok {
			def.Description = text + "的排序方式"
		}
		// Relay-connection edges are generated without their comment; give it back.
		if def, ok := s.Types[t.Name]; ok {
			for _, e := range t.Edges {
				name := pascal(e.Name)
				name = strings.ToLower(name[:1]) + name[1:]
				if fd := def.Fields.ForName(name); fd != nil && fd.Description == "" {
					fd.Description = e.Comment()
				}
			}
		}
		for _, f := range t.Fields {
			if !f.IsEnum() {
				continue
			}
			name := t.Name + pascal(f.Name)
			if def, ok := s.Types[name]; ok && f.Comment() != "" {
				def.Description = f.Comment()
			}
		}
	}
	return nil
}

// classLabels are the Chinese names of the sharing classes (internal/sharing/class).
var classLabels = map[string]string{"PUBLIC": "公开", "SHARED": "无条件共享", "CONDITIONAL": "有条件共享", "PRIVATE": "不予共享"}

// classifyFields documents each entity field's sharing class in its GraphQL description and
// makes every field that is not PUBLIC nullable: a viewer who may not read it gets null and a
// FORBIDDEN_FIELD error for that field, and the rest of the response (design.md §5).
func classifyFields(g *gen.Graph, s *ast.Schema) error {
	for _, t := range g.Nodes {
		def, ok := s.Types[t.Name]
		if !ok {
			continue
		}
		mark := func(name string, ann map[string]any) {
			fd := def.Fields.ForName(name)
			if fd == nil {
				return
			}
			cls, _ := ann["Class"].(string)
			if cls == "" {
				cls = "PRIVATE"
			}
			label := "共享类别：" + classLabels[cls]
			if grp, _ := ann["Group"].(string); grp != "" {
				label += "（字段组 " + grp + "）"
			}
			if fd.Description != "" {
				fd.Description += "\n\n"
			}
			fd.Description += label
			if cls != "PUBLIC" && fd.Type.NonNull {
				fd.Type = &ast.Type{NamedType: fd.Type.NamedType, Elem: fd.Type.Elem, Position: fd.Type.Position}
			}
			if (cls == "CONDITIONAL" || cls == "PRIVATE") && !filterableRows[t.Name] {
				dropFilters(s.Types[t.Name+"WhereInput"], name)
			}
		}
		for _, f := range t.Fields {
			ann, _ := f.Annotations["Sharing"].(map[string]any)
			mark(gen.Funcs["camel"].(func(string) string)(f.Name), ann)
		}
		for _, e := range t.Edges {
			ann, _ := e.Annotations["Sharing"].(map[string]any)
			mark(gen.Funcs["camel"].(func(string) string)(e.Name), ann)
		}
	}
	return nil
}

// filterableRows are the entities whose restricted fields stay filterable: their row policy
// (package sharing) already limits the rows to the owning department's.
var filterableRows = map[string]bool{"Lead": true, "LeadCluster": true}

// whereSuffixes are the predicate suffixes entgql generates for a field or an edge.
var whereSuffixes = []string{"", "NEQ", "In", "NotIn", "GT", "GTE", "LT", "LTE", "Contains", "HasPrefix", "HasSuffix",
	"EqualFold", "ContainsFold", "IsNil", "NotNil"}

// dropFilters removes the where-input predicates of a CONDITIONAL or PRIVATE field or edge: a
// viewer who may not read a value must not be able to find it out by filtering on it.
func dropFilters(in *ast.Definition, name string) {
	if in == nil {
		return
	}
	drop := map[string]bool{}
	for _, suf := range whereSuffixes {
		drop[name+suf] = true
	}
	edge := "has" + strings.ToUpper(name[:1]) + name[1:]
	drop[edge], drop[edge+"With"] = true, true
	kept := in.Fields[:0]
	for _, f := range in.Fields {
		if !drop[f.Name] {
			kept = append(kept, f)
		}
	}
	in.Fields = kept
}

func pascal(s string) string {
	out := []rune{}
	up := true
	for _, r := range s {
		if r == '_' {
			up = true
			continue
		}
		if up && r >= 'a' && r <= 'z' {
			r -= 'a' - 'A'
		}
		up = false
		out = append(out, r)
	}
	return string(out)
}

// rowRuleDirective is applied to every where-input field that filters through an edge into a
// row-restricted entity (class.Rows): package sharing implements it by adding the entity's row
// rule to each nested filter, so that `targets(where: {hasResultsWith: …})` matches only the
// results the viewer may see, from any root and at any depth (design.md §5).
const rowRuleDirective = "rowRule"

// guardRowFilters puts @rowRule(type: "X") on the `hasEdge` and `hasEdgeWith` where-input
// fields of every edge whose far side is a row-restricted entity X.
func guardRowFilters(g *gen.Graph, s *ast.Schema) error {
	s.Directives[rowRuleDirective] = &ast.DirectiveDefinition{
		Name:        rowRuleDirective,
		Description: "筛选条件经关系进入按行限制可见的实体时，套用该实体的行可见规则（internal/sharing）",
		Arguments:   ast.ArgumentDefinitionList{{Name: "type", Type: ast.NonNullNamedType("String", nil)}},
		Locations:   []ast.DirectiveLocation{ast.LocationInputFieldDefinition},
	}
	for _, t := range g.Nodes {
		in := s.Types[t.Name+"WhereInput"]
		if in == nil {
			continue
		}
		for _, e := range t.Edges {
			if ann, _ := e.Type.Annotations["Rows"].(map[string]any); ann == nil || ann["Restricted"] != true {
				continue
			}
			name := "has" + pascal(e.Name)
			for _, fname := range []string{name, name + "With"} {
				if fd := in.Fields.ForName(fname); fd != nil {
					fd.Directives = append(fd.Directives, &ast.Directive{
						Name:      rowRuleDirective,
						Arguments: ast.ArgumentList{{Name: "type", Value: &ast.Value{Kind: ast.StringValue, Raw: e.Type.Name}}},
					})
				}
			}
		}
	}
	return nil
}
