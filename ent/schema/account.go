package schema

import (
	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"

	"github.com/ssgk/ssgk/internal/sharing/class"
)

// Roles a person or a department system may hold (design.md §5, issue 6 roles).
var roleValues = []string{"OFFICE", "DEPT_ADMIN", "INSPECTOR", "APPROVER", "HEAD", "CREDIT_CENTER", "DASHBOARD", "SYSTEM_ADMIN"}

// Account is a person who logs in (inspectors, approvers, department heads, the office, admins).
type Account struct{ ent.Schema }

// Annotations of the Account.
func (Account) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("用户账号：登录本系统的人员（检查人员、审核人、部门负责人、办公室、管理员）"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Account.
func (Account) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Account.
func (Account) Fields() []ent.Field {
	return []ent.Field{
		field.String("username").Unique().NotEmpty().MaxRuneLen(64).Comment("登录名").Annotations(entgql.OrderField("USERNAME"), class.Shared),
		field.String("display_name").NotEmpty().Comment("姓名").Annotations(class.Shared),
		// argon2id PHC string; never exposed through any API.
		field.String("password_hash").Sensitive().Comment("口令摘要（argon2id）").Annotations(class.Private),
		field.Strings("roles").Default([]string{}).Comment("角色：OFFICE 办公室、DEPT_ADMIN 部门管理员、INSPECTOR 检查人员、APPROVER 审核人、HEAD 部门负责人、CREDIT_CENTER 信用中心、DASHBOARD 数据看板、SYSTEM_ADMIN 系统管理员").Annotations(class.Private),
		field.Bool("active").Default(true).Comment("是否启用").Annotations(class.Private),
		field.Int("failed_logins").Default(0).Comment("连续登录失败次数").Annotations(entgql.Skip(entgql.SkipWhereInput), class.Private),
		field.Time("locked_until").Optional().Nillable().Comment("锁定截止时间（连续失败后锁定）").Annotations(class.Private),
		field.Time("last_login_at").Optional().Nillable().Comment("最近登录时间").Annotations(class.Private),
		field.Bytes("signing_public_key").Optional().Comment("部门负责人签名公钥（Ed25519），用于更正签名核验").Annotations(entgql.Skip(entgql.SkipAll), class.Private),
		field.Bytes("signing_key_sealed").Optional().Sensitive().Comment("以负责人口令派生密钥加密的签名私钥（仅在再次验证口令后解封）").Annotations(entgql.Skip(entgql.SkipAll), class.Private),
		field.Int("department_id").Optional().Comment("所属部门").Annotations(class.Shared),
		field.Int("inspector_id").Optional().Nillable().Comment("对应的执法检查人员（如有）").Annotations(class.Private),
	}
}

// Edges of the Account.
func (Account) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("department", Department.Type).Ref("accounts").Unique().Field("department_id").Comment("所属部门").Annotations(class.Shared),
		edge.To("inspector", Inspector.Type).Unique().Field("inspector_id").Comment("对应的执法检查人员").Annotations(class.Private),
	}
}

// ApiToken authenticates a department system. Only a hash of the secret is stored.
type ApiToken struct{ ent.Schema }

// Annotations of the ApiToken.
func (ApiToken) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("接口令牌：部门业务系统调用本系统的凭据（只保存摘要，可吊销）"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the ApiToken.
func (ApiToken) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the ApiToken.
func (ApiToken) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().Comment("令牌名称（用途）").Annotations(class.Shared),
		field.String("prefix").Unique().NotEmpty().Comment("令牌前缀（公开部分，用于查找）").Annotations(class.Private),
		field.String("secret_hash").Sensitive().Comment("令牌密文部分的 SHA-256 摘要").Annotations(class.Private),
		field.Strings("roles").Default([]string{}).Comment("授予的角色").Annotations(class.Private),
		field.Strings("scopes").Default([]string{}).Comment("权限范围（read、write）").Annotations(class.Private),
		field.Time("expires_at").Optional().Nillable().Comment("失效时间").Annotations(class.Private),
		field.Time("revoked_at").Optional().Nillable().Comment("吊销时间").Annotations(class.Private),
		field.Time("last_used_at").Optional().Nillable().Comment("最近使用时间").Annotations(class.Private),
		field.Int("department_id").Comment("所属部门").Annotations(class.Private),
	}
}

// Edges of the ApiToken.
func (ApiToken) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("department", Department.Type).Ref("api_tokens").Unique().Required().Field("department_id").Comment("所属部门").Annotations(class.Private),
	}
}
