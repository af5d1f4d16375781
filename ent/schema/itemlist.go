package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ssgk/ssgk/internal/fieldlimit"
	"github.com/ssgk/ssgk/internal/sharing/class"
)

// ItemList is one version of a department's list of inspection items (抽查事项清单).
// Every change creates a new version; a filed version is immutable.
type ItemList struct{ ent.Schema }

// Annotations of the ItemList.
func (ItemList) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("抽查事项清单（某部门清单的一个版本；备案后不可修改）"),
		entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Mixin of the ItemList.
func (ItemList) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the ItemList.
func (ItemList) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().Comment("清单名称").Annotations(class.Public),
		field.Int("version").Positive().Comment("版本号（同一部门内递增）").Annotations(entgql.OrderField("VERSION"), class.Public),
		field.Enum("status").Values("DRAFT", "FILED", "ACKNOWLEDGED", "RETURNED", "PUBLISHED", "SUPERSEDED").Default("DRAFT").
			Comment("状态：DRAFT 草稿、FILED 已报备案、ACKNOWLEDGED 备案已确认、RETURNED 备案退回、PUBLISHED 已公示、SUPERSEDED 已被新版本取代").
			Annotations(entgql.OrderField("STATUS"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
		field.Bool("county_wide").Default(false).Comment("是否全县汇总清单（由联席会议办公室维护）").Annotations(class.Public),
		field.Time("effective_date").Optional().Nillable().Comment("生效日期").Annotations(entgql.OrderField("EFFECTIVE_DATE"), class.Public),
		field.Time("published_at").Optional().Nillable().Comment("公示时间").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
		field.String("change_reason").Optional().Comment("本版本的调整说明").Annotations(class.Public),
		field.Int("department_id").Comment("所属部门").Annotations(class.Public),
		field.Int("previous_id").Optional().Nillable().Comment("上一版本").Annotations(class.Public),
	}
}

// Edges of the ItemList.
func (ItemList) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("department", Department.Type).Ref("item_lists").Unique().Required().Field("department_id").Comment("所属部门").Annotations(class.Public),
		edge.To("next", ItemList.Type).Comment("后续版本").Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public).
			From("previous").Unique().Field("previous_id").Comment("上一版本").Annotations(class.Public),
		edge.To("items", InspectionItem.Type).Comment("清单中的抽查事项").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
		edge.To("filings", Filing.Type).Comment("备案记录").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
	}
}

// Indexes of the ItemList.
func (ItemList) Indexes() []ent.Index {
	return []ent.Index{index.Fields("department_id", "version").Unique()}
}

// InspectionItem is one item on a list version (抽查事项). Its code is stable across versions.
type InspectionItem struct{ ent.Schema }

// Annotations of the InspectionItem.
func (InspectionItem) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("抽查事项：检查依据、主体、对象、内容、方式、比例、频次及人员要求"),
		entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Mixin of the InspectionItem.
func (InspectionItem) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the InspectionItem.
func (InspectionItem) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").NotEmpty().MaxRuneLen(fieldlimit.ItemCode).Comment("事项编码（跨版本稳定）").Annotations(entgql.OrderField("CODE"), class.Public),
		field.String("name").NotEmpty().Comment("事项名称").Annotations(entgql.OrderField("NAME"), class.Public),
		field.Enum("category").Values("KEY", "GENERAL").
			Comment("事项类别：KEY 重点检查事项（比例不设上限）、GENERAL 一般检查事项（比例须设上限）").
			Annotations(entgql.OrderField("CATEGORY"), class.Public),
		field.Text("legal_basis").NotEmpty().Comment("检查依据").Annotations(class.Public),
		field.String("responsible_body").NotEmpty().Comment("检查主体").Annotations(class.Public),
		field.String("target_type").NotEmpty().Comment("检查对象类型").Annotations(class.Public),
		field.Text("content").NotEmpty().Comment("检查内容").Annotations(class.Public),
		field.Float("ratio_min").Optional().Nillable().Min(0).Max(1).Comment("抽查比例下限（0–1）").Annotations(class.Public),
		field.Float("ratio_max").Optional().Nillable().Min(0).Max(1).Comment("抽查比例上限（0–1；一般检查事项必填）").Annotations(class.Public),
		field.String("frequency").NotEmpty().Comment("抽查频次（如“每年不少于 1 次”）").Annotations(class.Public),
		field.Text("inspector_requirements").Optional().Comment("检查人员要求（资格、专业）").Annotations(class.Public),
		field.Strings("required_qualifications").Default([]string{}).Comment("检查人员须具备的资格（用于抽取检查人员）").Annotations(class.Public),
		field.Int("item_list_id").Comment("所属清单版本").Annotations(class.Public),
	}
}

// Edges of the InspectionItem.
func (InspectionItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("item_list", ItemList.Type).Ref("items").Unique().Required().Field("item_list_id").Comment("所属清单版本").Annotations(class.Public),
		edge.To("methods", InspectionMethod.Type).Comment("检查方式").Annotations(class.Public),
		edge.From("plan_batches", PlanBatch.Type).Ref("items").Comment("纳入本事项的计划批次").Annotations(entgql.Skip(entgql.SkipAll), class.Public),
		edge.To("rule", ImplementationRule.Type).Unique().Comment("抽查实施细则").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
	}
}

// Indexes of the InspectionItem.
func (InspectionItem) Indexes() []ent.Index {
	return []ent.Index{index.Fields("item_list_id", "code").Unique(), index.Fields("code")}
}

// ImplementationRule is the implementation rule of one item version (抽查实施细则).
type ImplementationRule struct{ ent.Schema }

// Annotations of the ImplementationRule.
func (ImplementationRule) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("抽查实施细则：检查依据、内容、流程、审批权限、公示程序、归档方式"),
		entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Mixin of the ImplementationRule.
func (ImplementationRule) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the ImplementationRule.
func (ImplementationRule) Fields() []ent.Field {
	return []ent.Field{
		field.Text("basis").NotEmpty().Comment("检查依据").Annotations(class.Public),
		field.Text("content").NotEmpty().Comment("检查内容").Annotations(class.Public),
		field.Text("procedure").NotEmpty().Comment("检查流程").Annotations(class.Public),
		field.String("approval_authority").NotEmpty().Comment("审批权限").Annotations(class.Public),
		field.Text("publication_procedure").NotEmpty().Comment("公示程序").Annotations(class.Public),
		field.String("archiving").NotEmpty().Comment("归档方式").Annotations(class.Public),
		field.Int("item_id").Unique().Comment("对应抽查事项").Annotations(class.Public),
	}
}

// Edges of the ImplementationRule.
func (ImplementationRule) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("item", InspectionItem.Type).Ref("rule").Unique().Required().Field("item_id").Comment("对应抽查事项").Annotations(class.Public),
	}
}

// Filing is the filing (备案) of a list version or a plan with the joint-meeting office.
type Filing struct{ ent.Schema }

// Annotations of the Filing.
func (Filing) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("备案：清单版本或年度计划向联席会议办公室（县市场监管局）备案的记录"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Filing.
func (Filing) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Filing.
func (Filing) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("ITEM_LIST", "PLAN").Comment("备案对象：ITEM_LIST 抽查事项清单、PLAN 年度抽查计划").Annotations(class.Public),
		field.Enum("status").Values("SUBMITTED", "ACKNOWLEDGED", "RETURNED").Default("SUBMITTED").
			Comment("状态：SUBMITTED 已报送、ACKNOWLEDGED 已确认备案、RETURNED 已退回").Annotations(class.Public),
		field.Time("submitted_at").Comment("报送时间").Annotations(entgql.OrderField("SUBMITTED_AT"), class.Public),
		field.Time("decided_at").Optional().Nillable().Comment("办理时间").Annotations(class.Public),
		field.String("acknowledgement_no").Optional().Comment("备案回执号").Annotations(class.Public),
		field.String("comment").Optional().Comment("办理意见（退回原因）").Annotations(class.Private),
		field.Bool("late").Default(false).Comment("是否逾期报送（年度计划应于 1 月底前备案）").Annotations(class.Public),
		field.Int("department_id").Comment("报送部门").Annotations(class.Public),
		field.Int("item_list_id").Optional().Nillable().Comment("备案的清单版本").Annotations(class.Public),
		field.Int("plan_id").Optional().Nillable().Comment("备案的年度计划版本").Annotations(class.Public),
	}
}

// Edges of the Filing.
func (Filing) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("department", Department.Type).Unique().Required().Field("department_id").Comment("报送部门").Annotations(class.Public),
		edge.From("item_list", ItemList.Type).Ref("filings").Unique().Field("item_list_id").Comment("备案的清单版本").Annotations(class.Public),
		edge.From("plan", Plan.Type).Ref("filings").Unique().Field("plan_id").Comment("备案的年度计划版本").Annotations(class.Public),
		edge.To("submitted_by", Account.Type).Unique().Comment("报送人").Annotations(class.Shared),
		edge.To("decided_by", Account.Type).Unique().Comment("办理人").Annotations(class.Shared),
	}
}
