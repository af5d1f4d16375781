package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/ssgk/ssgk/internal/sharing/class"
)

// codeFields are the fields shared by the seeded code tables.
func codeFields() []ent.Field {
	return []ent.Field{
		field.String("code").Unique().Match(codeRe).Comment("代码").Annotations(entgql.OrderField("CODE"), class.Public),
		field.String("name").NotEmpty().Comment("名称（标准表述）").Annotations(class.Public),
		field.Int("sort_order").Default(0).Comment("排序号").Annotations(entgql.OrderField("SORT_ORDER"), class.Public),
		field.Bool("active").Default(true).Comment("是否在用").Annotations(class.Public),
	}
}

// ResultCode is one standard result label (检查结果代码表, domain.md §2.7). Results refer to
// codes; they are never stored as free text or comma-joined strings.
type ResultCode struct{ ent.Schema }

// Annotations of the ResultCode.
func (ResultCode) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("检查结果代码（标准结果表述，可多选）"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Fields of the ResultCode.
func (ResultCode) Fields() []ent.Field {
	return append(codeFields(),
		field.Bool("problem_found").Default(false).Comment("是否表示发现问题").Annotations(class.Public),
		field.Bool("leads_to_abnormal_list").Default(false).Comment("是否导致列入经营异常名录（需后续处置）").Annotations(class.Public),
		field.Int("parent_id").Optional().Comment("上级代码（子项，如“发现问题待后续处理”下的违反哪类规定）").Annotations(class.Public),
	)
}

// Edges of the ResultCode.
func (ResultCode) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("children", ResultCode.Type).Comment("下级代码").Annotations(class.Public).
			From("parent").Unique().Field("parent_id").Comment("上级代码").Annotations(class.Public),
		edge.From("results", Result.Type).Ref("codes").Comment("使用本代码的结果").Annotations(entgql.Skip(entgql.SkipAll), class.Public),
		edge.From("result_items", ResultItem.Type).Ref("codes").Comment("使用本代码的逐项结果").Annotations(entgql.Skip(entgql.SkipAll), class.Public),
	}
}

// InspectionMethod is a method of inspection (检查方式).
type InspectionMethod struct{ ent.Schema }

// Annotations of the InspectionMethod.
func (InspectionMethod) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("检查方式代码：ON_SITE 实地核查、WRITTEN 书面检查、ONLINE 网络监测、TESTING 检验检测、ADOPTED 采信其他结论"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Fields of the InspectionMethod.
func (InspectionMethod) Fields() []ent.Field { return codeFields() }

// Edges of the InspectionMethod.
func (InspectionMethod) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("items", InspectionItem.Type).Ref("methods").Comment("采用本方式的抽查事项").Annotations(entgql.Skip(entgql.SkipAll), class.Public),
		edge.From("tasks", Task.Type).Ref("methods").Comment("采用本方式的任务").Annotations(entgql.Skip(entgql.SkipAll), class.Public),
		edge.From("results", Result.Type).Ref("methods").Comment("采用本方式的结果").Annotations(entgql.Skip(entgql.SkipAll), class.Public),
	}
}

// FollowUpOption is a follow-up action after a result (后续处置).
type FollowUpOption struct{ ent.Schema }

// Annotations of the FollowUpOption.
func (FollowUpOption) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("后续处置方式代码"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Fields of the FollowUpOption.
func (FollowUpOption) Fields() []ent.Field {
	return append(codeFields(),
		field.Bool("transfers_case").Default(false).Comment("是否移交办案机构（案件线索）").Annotations(class.Public),
	)
}
