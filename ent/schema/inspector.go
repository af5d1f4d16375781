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

// Inspector is an entry of the inspector library (执法检查人员名录库).
type Inspector struct{ ent.Schema }

// Annotations of the Inspector.
func (Inspector) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("执法检查人员：执法类公务员、具有执法资格的工作人员、日常监管人员及综合执法队伍人员；专家可参加检查组但不计入两人"),
		entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Mixin of the Inspector.
func (Inspector) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Inspector.
func (Inspector) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().MaxRuneLen(fieldlimit.InspectorName).Comment("姓名").Annotations(entgql.OrderField("NAME"), class.Shared),
		field.String("id_number").Optional().Validate(uscc.ValidateIDNumber).Comment("公民身份号码（有条件共享）").Annotations(class.Conditional("identity")),
		field.String("phone").Optional().Comment("联系电话（不予共享）").Annotations(class.Private),
		field.Enum("kind").Values("CIVIL_SERVANT", "QUALIFIED_STAFF", "ROUTINE_STAFF", "ENFORCEMENT_TEAM").Default("CIVIL_SERVANT").
			Comment("人员类别：CIVIL_SERVANT 行政执法类公务员、QUALIFIED_STAFF 具有执法资格的工作人员、ROUTINE_STAFF 日常监管人员、ENFORCEMENT_TEAM 综合执法队伍人员").Annotations(class.Shared),
		field.String("certificate_no").Optional().Nillable().Unique().Comment("执法证号").Annotations(entgql.OrderField("CERTIFICATE_NO"), class.Shared),
		field.Time("certificate_expires_on").Optional().Nillable().Comment("执法证有效期至").
			Annotations(entgql.OrderField("CERTIFICATE_EXPIRES_ON"), class.Shared),
		field.Strings("qualifications").Default([]string{}).Comment("执法资格（领域）").Annotations(class.Shared),
		field.Strings("specialties").Default([]string{}).Comment("业务专长").Annotations(class.Shared),
		field.Bool("is_expert").Default(false).Comment("是否专家（可加入检查组，但不计入至少两名执法人员）").Annotations(class.Shared),
		field.Bool("active").Default(true).Comment("是否在岗可抽取").Annotations(class.Shared),
		field.Int("department_id").Comment("所属部门").Annotations(class.Shared),
	}
}

// Edges of the Inspector.
func (Inspector) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("department", Department.Type).Ref("inspectors").Unique().Required().Field("department_id").Comment("所属部门").Annotations(class.Shared),
		edge.To("conflicts", Conflict.Type).Comment("本人申报的回避关系").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Private),
		edge.From("task_pools", Task.Type).Ref("inspector_pool").Comment("被选派参加的任务").Annotations(entgql.Skip(entgql.SkipAll), class.Shared),
		edge.From("teams", InspectionTeam.Type).Ref("members").Comment("参加的检查组").
			Annotations(entgql.RelayConnection(), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Shared),
	}
}

// Indexes of the Inspector.
func (Inspector) Indexes() []ent.Index {
	return []ent.Index{index.Fields("department_id", "active")}
}

// Conflict is a declared relationship between an inspector and a target that requires
// avoidance (回避, 行政处罚法 art. 43). The draw excludes it.
type Conflict struct{ ent.Schema }

// Annotations of the Conflict.
func (Conflict) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("回避关系：检查人员与检查对象存在利害关系，抽取时排除（行政处罚法第四十三条）"),
		entgql.QueryField(), entgql.RelayConnection(),
		entgql.Mutations(entgql.MutationCreate(), entgql.MutationUpdate()),
	}
}

// Mixin of the Conflict.
func (Conflict) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Conflict.
func (Conflict) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("relation").Values("FAMILY", "FORMER_EMPLOYER", "INVESTMENT", "OTHER").
			Comment("关系类型：FAMILY 近亲属、FORMER_EMPLOYER 曾任职、INVESTMENT 投资关系、OTHER 其他利害关系").Annotations(class.Private),
		field.String("reason").NotEmpty().Comment("回避原因说明").Annotations(class.Private),
		field.Time("declared_at").Comment("申报时间").Annotations(class.Private),
		field.Bool("active").Default(true).Comment("是否有效（撤销须写明原因）").Annotations(class.Private),
		field.String("ended_reason").Optional().Comment("撤销原因（回避关系停止生效时必填，记入审计日志）").Annotations(class.Private),
		field.Int("inspector_id").Immutable().Comment("检查人员").Annotations(class.Private),
		field.Int("target_id").Immutable().Comment("检查对象").Annotations(class.Private),
	}
}

// Edges of the Conflict.
func (Conflict) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("inspector", Inspector.Type).Ref("conflicts").Unique().Required().Immutable().Field("inspector_id").Comment("检查人员").Annotations(class.Private),
		edge.From("target", Target.Type).Ref("conflicts").Unique().Required().Immutable().Field("target_id").Comment("检查对象").Annotations(class.Private),
	}
}

// Indexes of the Conflict.
func (Conflict) Indexes() []ent.Index {
	return []ent.Index{index.Fields("inspector_id", "target_id")}
}

// LibraryConfirmation records a department's confirmation that its two libraries are up to date
// before a draw (两库更新确认). The draw refers to it.
type LibraryConfirmation struct{ ent.Schema }

// Annotations of the LibraryConfirmation.
func (LibraryConfirmation) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("两库更新确认：抽查前部门确认检查对象名录库与执法检查人员名录库已更新，记录范围与摘要"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the LibraryConfirmation.
func (LibraryConfirmation) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the LibraryConfirmation.
func (LibraryConfirmation) Fields() []ent.Field {
	return []ent.Field{
		field.Time("confirmed_at").Comment("确认时间").Annotations(entgql.OrderField("CONFIRMED_AT"), class.Shared),
		field.Time("expires_at").Comment("确认失效时间").Annotations(class.Shared),
		field.Int("target_count").NonNegative().Comment("确认时分库对象数").Annotations(class.Shared),
		field.Int("inspector_count").NonNegative().Comment("确认时在岗检查人员数").Annotations(class.Shared),
		field.String("digest").NotEmpty().Comment("两库内容摘要（SHA-256，十六进制）").Annotations(class.Shared),
		field.String("note").Optional().Comment("说明").Annotations(class.Shared),
		field.Int("department_id").Comment("确认部门").Annotations(class.Shared),
	}
}

// Edges of the LibraryConfirmation.
func (LibraryConfirmation) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("department", Department.Type).Ref("confirmations").Unique().Required().Field("department_id").Comment("确认部门").Annotations(class.Shared),
		edge.To("confirmed_by", Account.Type).Unique().Comment("确认人").Annotations(class.Shared),
		edge.From("draws", Draw.Type).Ref("confirmations").Comment("依据本确认的抽取").Annotations(entgql.Skip(entgql.SkipAll), class.Shared),
	}
}
