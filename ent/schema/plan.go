package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ssgk/ssgk/internal/sharing/class"
)

// Plan is one version of an annual inspection plan (年度抽查计划). Adjustments are new
// published versions with a reason; the number stays.
type Plan struct{ ent.Schema }

// Annotations of the Plan.
func (Plan) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("年度抽查计划（一个版本）：每年 1 月底前备案并公示，年中调整形成新版本"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Plan.
func (Plan) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Plan.
func (Plan) Fields() []ent.Field {
	return []ent.Field{
		field.String("number").NotEmpty().MaxLen(14).MinLen(14).
			Comment("计划编号：6 位行政区划代码 + 4 位年份 + 4 位序号（如 37092120260001）").Annotations(entgql.OrderField("NUMBER"), class.Public),
		field.Int("version").Positive().Default(1).Comment("版本号").Annotations(entgql.OrderField("VERSION"), class.Public),
		field.Int("year").Min(2000).Max(2100).Comment("计划年度").Annotations(entgql.OrderField("YEAR"), class.Public),
		field.String("name").NotEmpty().Comment("计划名称").Annotations(class.Public),
		field.Bool("county_wide").Default(false).Comment("是否全县统一计划").Annotations(class.Public),
		field.Enum("status").Values("DRAFT", "FILED", "PUBLISHED", "SUPERSEDED").Default("DRAFT").
			Comment("状态：DRAFT 草稿、FILED 已备案、PUBLISHED 已公示、SUPERSEDED 已被调整版本取代").Annotations(class.Public),
		field.String("adjustment_reason").Optional().Comment("调整原因（第 2 版起必填）").Annotations(class.Public),
		field.Time("filed_at").Optional().Nillable().Comment("报送备案时间").Annotations(class.Public),
		field.Bool("late_filing").Default(false).Comment("是否晚于当年 1 月底报送备案").Annotations(class.Public),
		field.Time("published_at").Optional().Nillable().Comment("公示时间").Annotations(class.Public),
		field.Int("department_id").Comment("制定部门").Annotations(class.Public),
		field.Int("previous_id").Optional().Nillable().Comment("上一版本").Annotations(class.Public),
	}
}

// Edges of the Plan.
func (Plan) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("department", Department.Type).Ref("plans").Unique().Required().Field("department_id").Comment("制定部门").Annotations(class.Public),
		edge.To("next", Plan.Type).Comment("调整后的版本").Annotations(class.Public).From("previous").Unique().Field("previous_id").Comment("上一版本").Annotations(class.Public),
		edge.To("batches", PlanBatch.Type).Comment("计划批次").Annotations(entgql.RelayConnection(), class.Public),
		edge.To("filings", Filing.Type).Comment("备案记录").Annotations(class.Public),
	}
}

// Indexes of the Plan.
func (Plan) Indexes() []ent.Index {
	return []ent.Index{index.Fields("number", "version").Unique(), index.Fields("year")}
}

// PlanBatch is one batch of a plan: scope, count and timing.
type PlanBatch struct{ ent.Schema }

// Annotations of the PlanBatch.
func (PlanBatch) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("计划批次：抽查范围、数量与时间安排"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the PlanBatch.
func (PlanBatch) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the PlanBatch.
func (PlanBatch) Fields() []ent.Field {
	return []ent.Field{
		field.Int("seq").Positive().Comment("批次序号").Annotations(entgql.OrderField("SEQ"), class.Public),
		field.String("name").NotEmpty().Comment("批次名称").Annotations(class.Public),
		field.Text("scope").Optional().Comment("抽查范围说明").Annotations(class.Public),
		field.Int("planned_count").Optional().Nillable().NonNegative().Comment("计划抽查对象数").Annotations(class.Public),
		field.Float("planned_ratio").Optional().Nillable().Min(0).Max(1).Comment("计划抽查比例").Annotations(class.Public),
		field.Time("start_date").Comment("计划开始日期").Annotations(class.Public),
		field.Time("end_date").Comment("计划结束日期").Annotations(class.Public),
		field.Int("plan_id").Comment("所属计划").Annotations(class.Public),
		field.Int("initiator_id").Comment("发起部门").Annotations(class.Public),
	}
}

// Edges of the PlanBatch.
func (PlanBatch) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("plan", Plan.Type).Ref("batches").Unique().Required().Field("plan_id").Comment("所属计划").Annotations(class.Public),
		edge.To("initiator", Department.Type).Unique().Required().Field("initiator_id").Comment("发起部门").Annotations(class.Public),
		edge.To("participants", Department.Type).Comment("参与部门").Annotations(class.Public),
		edge.To("items", InspectionItem.Type).Comment("涉及的抽查事项").Annotations(class.Public),
		edge.To("tasks", Task.Type).Comment("据此批次创建的任务").Annotations(entgql.RelayConnection(), class.Public),
	}
}
