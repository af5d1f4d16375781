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

// Task is an inspection task (抽查任务), possibly a joint task (部门联合抽查) when it has
// participating departments besides its initiator.
type Task struct{ ent.Schema }

// Annotations of the Task.
func (Task) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("抽查任务：属于计划批次，由发起部门牵头；有参与部门时为部门联合抽查"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Task.
func (Task) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Task.
func (Task) Fields() []ent.Field {
	return []ent.Field{
		field.String("number").Unique().NotEmpty().MaxRuneLen(32).
			Comment("任务编号（唯一，6 位行政区划代码 + 年份 + 序号）").Annotations(entgql.OrderField("NUMBER"), class.Public),
		field.String("name").NotEmpty().Comment("任务名称").Annotations(entgql.OrderField("NAME"), class.Public),
		field.Enum("kind").Values("UNTARGETED", "TARGETED").Default("UNTARGETED").
			Comment("任务类型：UNTARGETED 不定向、TARGETED 定向（按类型、规模、行业、区域）").Annotations(class.Public),
		field.Bool("special").Default(false).Comment("是否由线索引发的专项检查").Annotations(class.Public),
		field.Enum("status").Values("DRAFT", "ANNOUNCED", "FROZEN", "COMMITTED", "DRAWN", "INSPECTING", "REPORTING", "CLOSED", "CANCELLED").Default("DRAFT").
			Comment("状态：DRAFT 草稿、ANNOUNCED 已公告、FROZEN 抽取框已冻结、COMMITTED 已承诺、DRAWN 已抽取、INSPECTING 检查中、REPORTING 结果录入公示中、CLOSED 已办结、CANCELLED 已撤销").
			Annotations(entgql.OrderField("STATUS"), class.Public),
		field.JSON("scope", map[string]any{}).Optional().
			Comment("抽查范围：分库、筛选条件、排除规则（如近 N 个月已检查、每户每年上限）").Annotations(entgql.Type("Map"), class.Public),
		field.Ints("named_target_ids").Optional().
			Comment("定向检查点名的检查对象（不经抽样，全部检查；结果公示前不公开名单）").Annotations(entgql.Skip(entgql.SkipAll), class.Private),
		field.String("target_reason").Optional().
			Comment("点名检查对象的理由（线索聚集或人工选定的说明）").Annotations(class.Public),
		field.JSON("strata", map[string]any{}).Optional().
			Comment("分层及各层比例或数量（默认按信用风险分类 A–D）").Annotations(entgql.Type("Map"), class.Public),
		field.Time("window_start").Comment("检查开始日期").Annotations(entgql.OrderField("WINDOW_START"), class.Public),
		field.Time("window_end").Comment("检查结束日期").Annotations(entgql.OrderField("WINDOW_END"), class.Public),
		field.Int("announced_target_count").Optional().Nillable().NonNegative().
			Comment("公告的抽查对象数量（结果公示前只公开数量，不公开名单）").Annotations(class.Public),
		field.Time("announced_at").Optional().Nillable().Comment("任务公告时间").Annotations(class.Public),
		field.Strings("stratify_by").Optional().
			Comment("分层依据（为空时按信用风险分类）：creditRisk 信用风险分类、kind 对象类型、industry 行业门类；多项时组合分层").Annotations(class.Shared),
		field.Int("team_size").Default(2).Min(2).Comment("每组执法人员数（至少 2 名，专家不计入）").Annotations(class.Shared),
		field.Int("experts_per_team").Default(0).NonNegative().Comment("每组加入的专家数（不计入执法人员数）").Annotations(class.Shared),
		field.Int("max_per_inspector").Default(0).NonNegative().Comment("每名检查人员在本任务中最多承担的对象数（0 为不限，用于均衡工作量）").Annotations(class.Shared),
		field.Int("rotation_months").Default(12).NonNegative().Comment("轮换期（月）：期内检查过同一对象的人员不再派往该对象（0 为不限）").Annotations(class.Shared),
		field.Int("recent_months").Default(6).NonNegative().Comment("排除近 N 个月内已被检查的对象（0 为不排除）").Annotations(class.Shared),
		field.Int("yearly_cap").Default(2).NonNegative().Comment("每户每年被抽查次数上限（跨部门合计，0 为不限）").Annotations(class.Shared),
		field.Int("batch_id").Optional().Nillable().Comment("所属计划批次").Annotations(class.Public),
		field.Int("initiator_id").Comment("发起部门").Annotations(class.Public),
	}
}

// Edges of the Task.
func (Task) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("batch", PlanBatch.Type).Ref("tasks").Unique().Field("batch_id").Comment("所属计划批次").Annotations(class.Public),
		edge.From("initiator", Department.Type).Ref("initiated_tasks").Unique().Required().Field("initiator_id").Comment("发起部门（牵头）").Annotations(class.Public),
		edge.To("participants", Department.Type).Comment("参与部门").Annotations(class.Public),
		edge.To("task_items", TaskItem.Type).Comment("各部门纳入本任务的抽查事项").Annotations(entgql.RelayConnection(), class.Public),
		edge.To("methods", InspectionMethod.Type).Comment("检查方式（联合抽查默认实地核查）").Annotations(class.Public),
		edge.To("inspector_pool", Inspector.Type).Comment("各部门选派的检查人员（抽取范围）").Annotations(entgql.RelayConnection(), class.Shared),
		edge.To("libraries", TargetLibrary.Type).Comment("抽取的对象分库").Annotations(class.Public),
		edge.To("draws", Draw.Type).Comment("抽取记录（只增不删）").Annotations(entgql.RelayConnection(), class.Public),
		edge.To("results", Result.Type).Comment("检查结果").Annotations(entgql.RelayConnection(), class.Public),
		edge.To("leads", Lead.Type).Comment("引发本专项检查的线索").Annotations(class.Private),
	}
}

// TaskItem is one department's inspection item in a task ("进一次门、查多项事").
type TaskItem struct{ ent.Schema }

// Annotations of the TaskItem.
func (TaskItem) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("任务事项：某部门在任务中负责检查的抽查事项"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the TaskItem.
func (TaskItem) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the TaskItem.
func (TaskItem) Fields() []ent.Field {
	return []ent.Field{
		field.Int("task_id").Comment("任务").Annotations(class.Public),
		field.Int("department_id").Comment("负责部门").Annotations(class.Public),
		field.Int("item_id").Comment("抽查事项").Annotations(class.Public),
	}
}

// Edges of the TaskItem.
func (TaskItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("task", Task.Type).Ref("task_items").Unique().Required().Field("task_id").Comment("任务").Annotations(class.Public),
		edge.To("department", Department.Type).Unique().Required().Field("department_id").Comment("负责部门").Annotations(class.Public),
		edge.To("item", InspectionItem.Type).Unique().Required().Field("item_id").Comment("抽查事项").Annotations(class.Public),
	}
}

// Indexes of the TaskItem.
func (TaskItem) Indexes() []ent.Index {
	return []ent.Index{index.Fields("task_id", "item_id").Unique()}
}
