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

	"github.com/ssgk/ssgk/internal/sharing/class"
)

func main() {
	ex, err := entgql.NewExtension(
		entgql.WithSchemaGenerator(),
		entgql.WithWhereInputs(true),
		entgql.WithConfigPath("../gqlgen.yml"),
		entgql.WithSchemaPath("../graph/ent.graphqls"),
		entgql.WithSchemaHook(describeTypes, classifyFields, describeConnections, guardRowFilters),
	)
	if err != nil {
		log.Fatalf("creating entgql extension: %v", err)
	}
	err = entc.Generate("./schema", &gen.Config{
		Features: []gen.Feature{
			gen.FeatureEntQL,
			gen.FeatureUpsert,
			gen.FeatureGlobalID,
			gen.FeatureVersionedMigration,
			gen.FeatureIntercept,
			gen.FeatureExecQuery,
			gen.FeatureLock,
		},
	}, entc.Extensions(ex), entc.TemplateFiles("template/tables.tmpl", "template/sharing.tmpl", "template/dialect.tmpl", "template/count.tmpl"))
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
			label := "共享类别：" + class.Class(cls).Label()
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

// entityName is the short Chinese name of an entity: its schema comment up to the first colon
// or bracket ("检查对象：企业、…" → "检查对象").
func entityName(t *gen.Type) string {
	text := ""
	if a, ok := t.Annotations[(&schema.CommentAnnotation{}).Name()].(map[string]any); ok {
		text, _ = a["Text"].(string)
	}
	if i := strings.IndexAny(text, "：（(;；，"); i > 0 {
		text = text[:i]
	}
	if text == "" {
		return t.Name
	}
	return text
}

// connectionArgs are the Chinese descriptions of the Relay connection arguments entgql
// generates (in English) on every list field.
var connectionArgs = map[string]string{
	"after":   "游标：返回此游标之后的记录（向后翻页，取上一页 pageInfo.endCursor）",
	"first":   "返回前 n 条（每页最多 1000 条；first 与 last 都未指定时默认 100 条）",
	"before":  "游标：返回此游标之前的记录（向前翻页，取上一页 pageInfo.startCursor）",
	"last":    "返回最后 n 条（每页最多 1000 条）",
	"orderBy": "排序方式（字段与方向）",
	"where":   "筛选条件（各字段的比较、包含、关联对象条件，可用 and/or/not 组合）",
}

// describeConnections describes in Chinese what entgql leaves in English or empty: every
// generated list field of Query (targets, results, …) from its entity's schema comment, the
// connection arguments, connections, edges, page info, ordering and the where-input
// predicates, so that GraphiQL's documentation reads in the users' language throughout.
func describeConnections(g *gen.Graph, s *ast.Schema) error {
	camel := gen.Funcs["camel"].(func(string) string)
	byConn := map[string]*gen.Type{}
	for _, t := range g.Nodes {
		byConn[t.Name+"Connection"] = t
	}
	for _, def := range s.Types {
		for _, fd := range def.Fields {
			if fd.Type == nil {
				continue
			}
			t := byConn[fd.Type.Name()]
			if t == nil {
				continue
			}
			if def.Name == "Query" && fd.Description == "" {
				fd.Description = entityName(t) + "列表：按 where 条件筛选、按 orderBy 排序、以 first/after 分页，totalCount 为符合条件的总数。" +
					"只返回调用者可见的记录（行可见性与字段共享类别见各字段说明）；匿名调用须先登录或使用部门接口令牌。"
			}
			for _, a := range fd.Arguments {
				if d, ok := connectionArgs[a.Name]; ok {
					a.Description = d
				}
			}
		}
	}
	for _, t := range g.Nodes {
		name := entityName(t)
		if def, ok := s.Types[t.Name+"Connection"]; ok {
			for _, fd := range def.Fields {
				switch fd.Name {
				case "edges":
					fd.Description = "本页的" + name + "（每条边含节点 node 与游标 cursor）"
				case "pageInfo":
					fd.Description = "翻页信息：是否还有下一页/上一页及首尾游标"
				case "totalCount":
					fd.Description = "符合条件的" + name + "总数（不受分页影响）"
				}
			}
		}
		if def, ok := s.Types[t.Name+"Edge"]; ok {
			def.Description = name + "连接中的一条边"
			for _, fd := range def.Fields {
				switch fd.Name {
				case "node":
					fd.Description = name
				case "cursor":
					fd.Description = "此条记录的游标，用于 after/before 翻页"
				}
			}
		}
		if def, ok := s.Types[t.Name+"Order"]; ok {
			for _, fd := range def.Fields {
				switch fd.Name {
				case "direction":
					fd.Description = "排序方向：ASC 升序（默认）、DESC 降序"
				case "field":
					fd.Description = "排序字段"
				}
			}
		}
		if def, ok := s.Types[t.Name+"OrderField"]; ok {
			def.Description = name + "可用于排序的字段"
		}
		if def, ok := s.Types[t.Name+"WhereInput"]; ok {
			comments := map[string]string{"id": "编号", "created_at": "创建时间", "updated_at": "更新时间"}
			for _, f := range t.Fields {
				if c := f.Comment(); c != "" {
					comments[f.Name] = c
				}
			}
			for _, e := range t.Edges {
				if c := e.Comment(); c != "" {
					comments[e.Name] = c
				}
			}
			for _, fd := range def.Fields {
				d := fd.Description
				switch {
				case strings.HasSuffix(d, " field predicates"):
					f := strings.TrimSuffix(d, " field predicates")
					fd.Description = "按字段 " + camel(f) + label(comments[f]) + "筛选"
				case strings.HasSuffix(d, " edge predicates"):
					e := strings.TrimSuffix(d, " edge predicates")
					fd.Description = "按关联 " + camel(e) + label(comments[e]) + "筛选"
				}
			}
		}
	}
	for _, t := range g.Nodes {
		if def, ok := s.Types["Create"+t.Name+"Input"]; ok {
			def.Description = "新建" + entityName(t) + "的输入"
		}
		if def, ok := s.Types["Update"+t.Name+"Input"]; ok {
			def.Description = "修改" + entityName(t) + "的输入（只传需要修改的字段）"
		}
	}
	if q, ok := s.Types["Query"]; ok {
		if fd := q.Fields.ForName("node"); fd != nil {
			fd.Description = "按全局编号 id 取任意一个对象（Relay Node 接口）"
			for _, a := range fd.Arguments {
				a.Description = "对象的全局编号"
			}
		}
		if fd := q.Fields.ForName("nodes"); fd != nil {
			fd.Description = "按一组全局编号取对象，顺序与 ids 相同，无权查看或不存在的为 null"
			for _, a := range fd.Arguments {
				a.Description = "对象的全局编号列表"
			}
		}
	}
	if def, ok := s.Types["Node"]; ok {
		def.Description = "具有全局编号 id 的对象（Relay 对象标识规范）"
	}
	if def, ok := s.Types["Cursor"]; ok {
		def.Description = "分页游标（不透明字符串），取自 pageInfo 或边的 cursor"
	}
	if def, ok := s.Types["PageInfo"]; ok {
		def.Description = "翻页信息（Relay 连接规范）"
		for _, fd := range def.Fields {
			switch fd.Name {
			case "hasNextPage":
				fd.Description = "向后翻页时是否还有更多记录"
			case "hasPreviousPage":
				fd.Description = "向前翻页时是否还有更多记录"
			case "startCursor":
				fd.Description = "本页第一条记录的游标（向前翻页时作为 before）"
			case "endCursor":
				fd.Description = "本页最后一条记录的游标（向后翻页时作为 after）"
			}
		}
	}
	if def, ok := s.Types["OrderDirection"]; ok {
		def.Description = "排序方向"
		for _, v := range def.EnumValues {
			switch v.Name {
			case "ASC":
				v.Description = "升序"
			case "DESC":
				v.Description = "降序"
			}
		}
	}
	return nil
}

// label is a field's comment in brackets, its first line only; a space when there is none.
func label(comment string) string {
	if i := strings.IndexByte(comment, '\n'); i >= 0 {
		comment = comment[:i]
	}
	if comment == "" {
		return " "
	}
	return "（" + comment + "）"
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
