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
	"github.com/ssgk/ssgk/internal/uscc"
)

// Target is one entry of the target library (检查对象名录库): an enterprise, individual business,
// farmer cooperative, or a product, project or behaviour.
type Target struct{ ent.Schema }

// Annotations of the Target.
func (Target) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("检查对象：企业、个体工商户、农民专业合作社，或产品、项目、行为"),
		entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Mixin of the Target.
func (Target) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Target.
func (Target) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("ENTERPRISE", "INDIVIDUAL", "COOPERATIVE", "PRODUCT", "PROJECT", "BEHAVIOUR").Default("ENTERPRISE").
			Comment("对象类型：ENTERPRISE 企业、INDIVIDUAL 个体工商户、COOPERATIVE 农民专业合作社、PRODUCT 产品、PROJECT 项目、BEHAVIOUR 行为").Annotations(class.Public),
		field.String("uscc").Optional().Nillable().Unique().Validate(uscc.Validate).
			Comment("统一社会信用代码（GB 32100，18 位，含校验位）").Annotations(entgql.OrderField("USCC"), class.Public),
		field.String("reg_no").Optional().Nillable().Unique().Validate(uscc.ValidateRegNo).
			Comment("注册号（旧 15 位，作为第二标识）").Annotations(class.Public),
		field.String("object_code").Optional().Nillable().Unique().
			Comment("对象编码（产品、项目、行为等无统一社会信用代码的对象）").Annotations(class.Public),
		field.String("name").NotEmpty().MaxRuneLen(fieldlimit.TargetName).Comment("名称").Annotations(entgql.OrderField("NAME"), class.Public),
		field.String("legal_representative").Optional().Comment("法定代表人（负责人、经营者）").Annotations(class.Shared),
		field.String("legal_rep_phone").Optional().Comment("法定代表人联系电话（有条件共享）").Annotations(class.Conditional("contact")),
		field.String("address").Optional().Comment("住所（经营场所）").Annotations(class.Shared),
		field.String("industry_code").Optional().MaxRuneLen(5).Comment("国民经济行业分类代码（GB/T 4754）").
			Annotations(entgql.OrderField("INDUSTRY_CODE"), class.Shared),
		field.Time("registered_on").Optional().Nillable().Comment("成立（登记）日期").Annotations(entgql.OrderField("REGISTERED_ON"), class.Shared),
		field.Enum("status").Values("EXISTING", "CANCELLED", "REVOKED", "MOVED_OUT").Default("EXISTING").
			Comment("登记状态：EXISTING 存续、CANCELLED 注销、REVOKED 吊销、MOVED_OUT 迁出").Annotations(entgql.OrderField("STATUS"), class.Shared),
		field.Enum("credit_risk_class").Values("A", "B", "C", "D").Default("B").
			Comment("信用风险分类：A 低、B 一般、C 较高、D 高").Annotations(entgql.OrderField("CREDIT_RISK_CLASS"), class.Shared),
		field.Bool("abnormal_list").Default(false).Comment("是否列入经营异常名录").Annotations(class.Shared),
		field.Strings("licences").Default([]string{}).Comment("许可证（名称及编号）").Annotations(class.Shared),
		field.Strings("tags").Default([]string{}).Comment("标签").Annotations(class.Shared),
		field.Time("last_inspected_on").Optional().Nillable().Comment("最近一次被检查日期").Annotations(entgql.OrderField("LAST_INSPECTED_ON"), class.Shared),
		field.String("contact_person").Optional().Comment("联系人（有条件共享）").Annotations(class.Conditional("contact")),
		field.String("contact_phone").Optional().Comment("联系电话（有条件共享）").Annotations(class.Conditional("contact")),
		field.Int("contact_department_id").Optional().Nillable().
			Comment("登记联系方式（联系人、联系电话、法定代表人电话）的部门：有条件共享的联系方式属于它，而非所有收录部门").
			Annotations(entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Shared),
	}
}

// Edges of the Target.
func (Target) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("libraries", TargetLibrary.Type).Ref("targets").Comment("所在分库（一个对象可在多个部门的分库中）").
			Annotations(entgql.RelayConnection(), class.Shared),
		edge.To("conflicts", Conflict.Type).Comment("与本对象有利害关系、须回避的检查人员声明").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Private),
		edge.To("teams", InspectionTeam.Type).Comment("抽中本对象的检查组").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Shared),
		edge.To("results", Result.Type).Comment("本对象的检查结果").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Public),
		edge.To("history", TargetChange.Type).Comment("变更记录").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Shared),
		edge.To("leads", Lead.Type).Comment("涉及本对象的线索").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Private),
	}
}

// Indexes of the Target.
func (Target) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("name"),
		index.Fields("industry_code"),
		index.Fields("status", "credit_risk_class"),
	}
}

// TargetLibrary is a department's sub-library (分库) of the target library, built on
// "谁审批谁监管、谁主管谁监管".
type TargetLibrary struct{ ent.Schema }

// Annotations of the TargetLibrary.
func (TargetLibrary) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("检查对象名录分库：某部门按“谁审批谁监管、谁主管谁监管”管理的对象集合"),
		entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Mixin of the TargetLibrary.
func (TargetLibrary) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the TargetLibrary.
func (TargetLibrary) Fields() []ent.Field {
	return []ent.Field{
		field.String("code").Match(codeRe).Comment("分库编码（部门内唯一）").Annotations(entgql.OrderField("CODE"), class.Shared),
		field.String("name").NotEmpty().Comment("分库名称").Annotations(entgql.OrderField("NAME"), class.Shared),
		field.String("domain").Optional().Comment("监管领域").Annotations(class.Shared),
		field.Int("department_id").Comment("所属部门").Annotations(class.Shared),
	}
}

// Edges of the TargetLibrary.
func (TargetLibrary) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("department", Department.Type).Ref("target_libraries").Unique().Required().Field("department_id").Comment("所属部门").Annotations(class.Shared),
		edge.To("targets", Target.Type).Comment("分库中的检查对象").Annotations(entgql.RelayConnection(), class.Shared),
		edge.From("tasks", Task.Type).Ref("libraries").Comment("从本分库抽取的任务").Annotations(entgql.Skip(entgql.SkipAll), class.Shared),
	}
}

// Indexes of the TargetLibrary.
func (TargetLibrary) Indexes() []ent.Index {
	return []ent.Index{index.Fields("department_id", "code").Unique()}
}
