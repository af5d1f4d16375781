package schema

import (
	"regexp"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ssgk/ssgk/internal/sharing/class"
)

// ShareGrant is a department's application for a CONDITIONAL field group of another
// department's records (共享申请), and the owner's (or the office's) decision on it.
type ShareGrant struct{ ent.Schema }

// Annotations of the ShareGrant.
func (ShareGrant) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("共享申请：部门申请使用其他部门的有条件共享字段组，注明用途与期限，由数据所属部门或联席会议办公室审批，可到期、可撤销"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the ShareGrant.
func (ShareGrant) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the ShareGrant.
func (ShareGrant) Fields() []ent.Field {
	return []ent.Field{
		field.String("group").NotEmpty().Comment("申请的字段组（如 contact 联系方式、evidence 证据材料、leads 线索）").Annotations(class.Shared),
		field.Text("purpose").NotEmpty().Comment("用途").Annotations(class.Shared),
		field.Time("expires_at").Comment("有效期至").Annotations(entgql.OrderField("EXPIRES_AT"), class.Shared),
		field.Enum("status").Values("PENDING", "APPROVED", "REFUSED", "REVOKED").Default("PENDING").
			Comment("状态：PENDING 待审批、APPROVED 已批准、REFUSED 已拒绝、REVOKED 已撤销（到期后自动失效）").
			Annotations(entgql.OrderField("STATUS"), class.Shared),
		field.Time("decided_at").Optional().Nillable().Comment("审批时间").Annotations(class.Shared),
		field.String("decision_note").Optional().Comment("审批意见").Annotations(class.Shared),
		field.Time("revoked_at").Optional().Nillable().Comment("撤销时间").Annotations(class.Shared),
		field.Int("requester_id").Comment("申请部门").Annotations(class.Shared),
		field.Int("owner_id").Comment("数据所属部门").Annotations(class.Shared),
	}
}

// Edges of the ShareGrant.
func (ShareGrant) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("requester", Department.Type).Unique().Required().Field("requester_id").Comment("申请部门").Annotations(class.Shared),
		edge.To("owner", Department.Type).Unique().Required().Field("owner_id").Comment("数据所属部门").Annotations(class.Shared),
		edge.To("requested_by", Account.Type).Unique().Comment("申请人").Annotations(class.Shared),
		edge.To("decided_by", Account.Type).Unique().Comment("审批人").Annotations(class.Shared),
	}
}

// Indexes of the ShareGrant.
func (ShareGrant) Indexes() []ent.Index {
	return []ent.Index{index.Fields("requester_id", "owner_id", "group", "status")}
}

// AccessLog records one read of CONDITIONAL or PRIVATE fields of a department's records by a
// viewer of another department (访问日志). Rows are only ever appended.
type AccessLog struct{ ent.Schema }

// Annotations of the AccessLog.
func (AccessLog) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("访问日志：跨部门读取有条件共享或不予共享字段的记录（谁、何时、以何用途读取了哪些字段、多少条）"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the AccessLog.
func (AccessLog) Mixin() []ent.Mixin { return []ent.Mixin{DivisionMixin{}} }

// Fields of the AccessLog.
func (AccessLog) Fields() []ent.Field {
	return []ent.Field{
		field.Time("read_at").Comment("读取时间").Annotations(entgql.OrderField("READ_AT"), class.Shared),
		field.String("actor").NotEmpty().Comment("读取者（账号或接口令牌）").Annotations(class.Shared),
		field.Int("viewer_department_id").Optional().Nillable().Comment("读取者所属部门").Annotations(class.Shared),
		field.Int("account_id").Optional().Nillable().Comment("读取账号").Annotations(class.Shared),
		field.Int("token_id").Optional().Nillable().Comment("读取所用接口令牌").Annotations(class.Shared),
		field.String("operation").Optional().Comment("操作（GraphQL 操作名或命令）").Annotations(class.Shared),
		field.String("entity_type").NotEmpty().Comment("记录类型").Annotations(class.Shared),
		field.Strings("fields").Comment("读取的字段").Annotations(class.Shared),
		field.Int("record_count").NonNegative().Comment("记录条数").Annotations(class.Shared),
		field.String("purpose").Optional().Comment("用途（依据的共享申请或请求声明的用途）").Annotations(class.Shared),
		field.Int("grant_id").Optional().Nillable().Comment("依据的共享申请").Annotations(class.Shared),
		field.Int("owner_id").Comment("数据所属部门").Annotations(class.Shared),
	}
}

// Edges of the AccessLog.
func (AccessLog) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("owner", Department.Type).Unique().Required().Field("owner_id").Comment("数据所属部门").Annotations(class.Shared),
	}
}

// Indexes of the AccessLog.
func (AccessLog) Indexes() []ent.Index {
	return []ent.Index{index.Fields("owner_id", "read_at")}
}

// PersistedQuery is a GraphQL query stored under the SHA-256 of its text, so that a dashboard
// can call it by id (保存的查询).
type PersistedQuery struct{ ent.Schema }

// Annotations of the PersistedQuery.
func (PersistedQuery) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("保存的查询：按查询文本的 SHA-256 保存，看板按编号调用"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the PersistedQuery.
func (PersistedQuery) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the PersistedQuery.
func (PersistedQuery) Fields() []ent.Field {
	return []ent.Field{
		field.String("hash").Unique().Immutable().Match(hexDigestRe).Comment("查询文本的 SHA-256（十六进制），即调用编号").Annotations(class.Shared),
		field.String("name").NotEmpty().MaxRuneLen(100).Comment("名称").Annotations(entgql.OrderField("NAME"), class.Shared),
		field.Text("query").NotEmpty().Immutable().Comment("GraphQL 查询文本").Annotations(class.Shared),
		field.Int("department_id").Comment("保存部门").Annotations(class.Shared),
	}
}

// Edges of the PersistedQuery.
func (PersistedQuery) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("department", Department.Type).Unique().Required().Field("department_id").Comment("保存部门").Annotations(class.Shared),
		edge.To("created_by", Account.Type).Unique().Comment("保存人").Annotations(class.Shared),
	}
}

var hexDigestRe = regexp.MustCompile(`^[0-9a-f]{64}$`)
