package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/ssgk/ssgk/internal/sharing/class"
	"github.com/ssgk/ssgk/internal/uscc"
)

// Department is a member unit of the joint meeting (县直部门).
type Department struct{ ent.Schema }

// Annotations of the Department.
func (Department) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("部门：联席会议成员单位，拥有自己的抽查事项清单、两库、计划与结果"),
		entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Mixin of the Department.
func (Department) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Department.
func (Department) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").Unique().Match(codeRe).
			Comment("部门编码（唯一，如 SCJG）").Annotations(entgql.OrderField("CODE"), class.Public),
		field.String("name").NotEmpty().MaxRuneLen(100).
			Comment("部门全称").Annotations(entgql.OrderField("NAME"), class.Public),
		field.String("short_name").Optional().MaxRuneLen(30).
			Comment("部门简称").Annotations(class.Public),
		field.String("uscc").Optional().Nillable().Unique().Validate(uscc.Validate).
			Comment("机关统一社会信用代码（如有）").Annotations(class.Public),
		field.Bool("is_office").Default(false).
			Comment("是否联席会议办公室所在部门（县市场监管局），负责清单与计划备案").Annotations(class.Public),
		field.Int("sort_order").Default(0).
			Comment("排序号（按成员名单顺序）").Annotations(entgql.OrderField("SORT_ORDER"), class.Public),
	}
}

// Edges of the Department.
func (Department) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("members", MeetingMember.Type).Comment("本部门的联席会议成员").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
		edge.To("accounts", Account.Type).Comment("本部门的用户账号").
			Annotations(entgql.Skip(entgql.SkipAll), class.Shared),
		edge.To("api_tokens", ApiToken.Type).Comment("本部门的接口令牌").
			Annotations(entgql.Skip(entgql.SkipAll), class.Private),
		edge.To("item_lists", ItemList.Type).Comment("本部门的抽查事项清单各版本").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
		edge.To("target_libraries", TargetLibrary.Type).Comment("本部门的检查对象名录分库").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Shared),
		edge.To("inspectors", Inspector.Type).Comment("本部门的执法检查人员").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Shared),
		edge.To("plans", Plan.Type).Comment("本部门制定的年度抽查计划").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
		edge.To("initiated_tasks", Task.Type).Comment("本部门发起的抽查任务").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
		edge.From("participated_tasks", Task.Type).Ref("participants").Comment("本部门参与的联合抽查任务").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
		edge.To("results", Result.Type).Comment("本部门录入的检查结果").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
		edge.To("confirmations", LibraryConfirmation.Type).Comment("本部门的两库更新确认记录").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Shared),
		edge.From("participated_batches", PlanBatch.Type).Ref("participants").Comment("本部门参与的计划批次").Annotations(entgql.Skip(entgql.SkipAll), class.Public),
		edge.To("leads", Lead.Type).Comment("分派给本部门的线索").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Private),
	}
}
