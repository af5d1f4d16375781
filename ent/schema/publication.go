package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/edge"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ssgk/ssgk/internal/sharing/class"
)

// Publication is one public act (公示): a list version, a plan, a task announcement, a draw
// commitment or reveal, a result, or a correction. Each becomes a leaf of the transparency log.
type Publication struct{ ent.Schema }

// Annotations of the Publication.
func (Publication) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("公示记录：清单、计划、任务公告、抽取承诺与揭示、检查结果、更正等公开行为；每条记入透明日志"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Publication.
func (Publication) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Publication.
func (Publication) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("ITEM_LIST", "PLAN", "TASK_ANNOUNCEMENT", "DRAW_COMMITMENT", "DRAW_REVEAL", "RESULT", "CORRECTION", "DRAW_EVENT", "TASK_CANCELLATION").
			Comment("公示类型：ITEM_LIST 抽查事项清单、PLAN 年度计划、TASK_ANNOUNCEMENT 任务公告、DRAW_COMMITMENT 抽取承诺、DRAW_REVEAL 抽取揭示、RESULT 检查结果、CORRECTION 更正").
			Annotations(entgql.OrderField("KIND"), class.Public),
		field.String("title").NotEmpty().Comment("标题").Annotations(class.Public),
		field.Time("published_at").Comment("公示时间").Annotations(entgql.OrderField("PUBLISHED_AT"), class.Public),
		field.String("subject_type").NotEmpty().Comment("公示对象类型").Annotations(class.Public),
		field.Int("subject_id").Comment("公示对象编号").Annotations(class.Public),
		field.JSON("payload", map[string]any{}).Optional().Comment("公示内容（公众可见部分）").Annotations(entgql.Type("Map"), class.Public),
		field.String("digest").NotEmpty().Comment("公示内容摘要（SHA-256，十六进制）").Annotations(class.Public),
		field.Int64("ledger_index").Optional().Nillable().Comment("透明日志叶子序号").Annotations(class.Public),
		field.Int("department_id").Optional().Nillable().Comment("公示部门").Annotations(class.Public),
		field.Int("corrects_id").Optional().Nillable().Comment("被本公示更正的公示").Annotations(class.Public),
	}
}

// Edges of the Publication.
func (Publication) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("department", Department.Type).Unique().Field("department_id").Comment("公示部门").Annotations(class.Public),
		edge.To("corrected_by", Publication.Type).Comment("更正本公示的公示").Annotations(class.Public).From("corrects").Unique().Field("corrects_id").Comment("被本公示更正的公示").Annotations(class.Public),
	}
}

// Indexes of the Publication.
func (Publication) Indexes() []ent.Index {
	return []ent.Index{index.Fields("subject_type", "subject_id"), index.Fields("kind", "published_at"), index.Fields("ledger_index").Unique()}
}

// Lead is a case lead (线索) from complaints and reports, transfers or data monitoring.
type Lead struct{ ent.Schema }

// Annotations of the Lead.
func (Lead) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("线索：投诉举报、转办交办、数据监测发现的违法违规个案线索"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Lead.
func (Lead) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Lead.
func (Lead) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("source").Values("COMPLAINT", "TRANSFER", "MONITORING").
			Comment("来源：COMPLAINT 投诉举报、TRANSFER 转办交办、MONITORING 数据监测").Annotations(class.Conditional("leads")),
		field.String("reference_no").Optional().Comment("来源编号（如投诉单号）").Annotations(class.Conditional("leads")),
		field.Time("received_at").Comment("接收时间").Annotations(entgql.OrderField("RECEIVED_AT"), class.Conditional("leads")),
		field.String("summary").NotEmpty().Comment("线索摘要").Annotations(class.Conditional("leads")),
		field.Text("description").Optional().Comment("详细情况（有条件共享）").Annotations(class.Conditional("leads")),
		field.String("industry_code").Optional().Comment("涉及行业（GB/T 4754）").Annotations(class.Conditional("leads")),
		field.Enum("status").Values("RECEIVED", "ASSIGNED", "HANDLING", "CLOSED").Default("RECEIVED").
			Comment("状态：RECEIVED 已接收、ASSIGNED 已分派、HANDLING 处理中、CLOSED 已办结").Annotations(class.Conditional("leads")),
		field.Text("outcome").Optional().Comment("处理结果").Annotations(class.Conditional("leads")),
		field.Time("closed_at").Optional().Nillable().Comment("办结时间").Annotations(class.Conditional("leads")),
		field.Int("department_id").Optional().Nillable().Comment("承办部门").Annotations(class.Conditional("leads")),
		field.Int("target_id").Optional().Nillable().Comment("涉及的检查对象").Annotations(class.Conditional("leads")),
		field.Int("item_id").Optional().Nillable().Comment("涉及的抽查事项").Annotations(class.Conditional("leads")),
		field.Int("special_task_id").Optional().Nillable().Comment("据此发起的专项检查任务").Annotations(class.Conditional("leads")),
	}
}

// Edges of the Lead.
func (Lead) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("department", Department.Type).Ref("leads").Unique().Field("department_id").Comment("承办部门").Annotations(class.Conditional("leads")),
		edge.From("target", Target.Type).Ref("leads").Unique().Field("target_id").Comment("涉及的检查对象").Annotations(class.Conditional("leads")),
		edge.To("item", InspectionItem.Type).Unique().Field("item_id").Comment("涉及的抽查事项").Annotations(class.Conditional("leads")),
		edge.From("special_task", Task.Type).Ref("leads").Unique().Field("special_task_id").Comment("据此发起的专项检查任务").Annotations(class.Conditional("leads")),
		edge.From("clusters", LeadCluster.Type).Ref("leads").Comment("所属线索聚集").Annotations(class.Conditional("leads")),
	}
}

// AuditEvent is one link of the audit trail (审计日志). Each event is chained to the previous one
// by hash, so a changed or deleted row — of the trail or of the data it covers — is detectable.
type AuditEvent struct{ ent.Schema }

// Annotations of the AuditEvent.
func (AuditEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("审计日志：每次数据变更一条，按哈希链接，可由 ssgk audit verify 校验"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Fields of the AuditEvent.
func (AuditEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("seq").Unique().Immutable().Comment("链上序号（从 1 连续递增）").Annotations(entgql.OrderField("SEQ"), class.Private),
		field.Time("at").Immutable().Comment("发生时间").Annotations(entgql.OrderField("AT"), class.Private),
		field.String("actor").Immutable().Comment("操作者（账号、令牌或系统命令）").Annotations(class.Private),
		field.String("department_code").Optional().Immutable().Comment("操作者所属部门编码").Annotations(class.Private),
		field.String("action").Immutable().Comment("操作（CREATE、UPDATE、DELETE）").Annotations(class.Private),
		field.String("entity_type").Immutable().Comment("实体类型").Annotations(class.Private),
		field.Int("entity_id").Immutable().Comment("实体编号").Annotations(class.Private),
		field.String("before_digest").Optional().Immutable().Comment("变更前内容摘要").Annotations(class.Private),
		field.String("after_digest").Optional().Immutable().Comment("变更后内容摘要").Annotations(class.Private),
		field.String("operation").Optional().Immutable().Comment("GraphQL 操作名或命令").Annotations(class.Private),
		field.String("prev_hash").Immutable().Comment("上一条事件的哈希").Annotations(class.Private),
		field.String("hash").Immutable().Comment("本事件哈希 = SHA-256(上一条哈希 ‖ 本事件内容)").Annotations(class.Private),
	}
}

// Indexes of the AuditEvent.
func (AuditEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("entity_type", "entity_id"), index.Fields("at")}
}

// LeadCluster is a group of leads about the same item in the same industry or division within a
// window; past the configured threshold the office is offered a special inspection (专项检查).
type LeadCluster struct{ ent.Schema }

// Annotations of the LeadCluster.
func (LeadCluster) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("线索聚集：同一事项、同一行业或区域在时间窗口内的线索达到阈值时，向办公室提议专项检查"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the LeadCluster.
func (LeadCluster) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the LeadCluster.
func (LeadCluster) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Unique().Comment("聚集键（事项 + 行业或区域 + 窗口起始）").Annotations(class.Conditional("leads")),
		field.Enum("dimension").Values("INDUSTRY", "DIVISION").Comment("聚集维度：INDUSTRY 同一行业、DIVISION 同一区域").Annotations(class.Conditional("leads")),
		field.String("value").Comment("行业代码或区划代码").Annotations(class.Conditional("leads")),
		field.Time("window_start").Comment("窗口起始").Annotations(class.Conditional("leads")),
		field.Time("window_end").Comment("窗口结束").Annotations(class.Conditional("leads")),
		field.Int("lead_count").NonNegative().Comment("窗口内线索数").Annotations(class.Conditional("leads")),
		field.Enum("status").Values("OFFERED", "ACCEPTED", "DISMISSED").Default("OFFERED").
			Comment("状态：OFFERED 已提议专项检查、ACCEPTED 已据此创建任务、DISMISSED 已驳回").Annotations(class.Conditional("leads")),
		field.String("note").Optional().Comment("办理说明").Annotations(class.Conditional("leads")),
		field.Int("item_id").Comment("涉及的抽查事项").Annotations(class.Conditional("leads")),
		field.Int("task_id").Optional().Nillable().Comment("据此创建的专项检查任务").Annotations(class.Conditional("leads")),
	}
}

// Edges of the LeadCluster.
func (LeadCluster) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("item", InspectionItem.Type).Unique().Required().Field("item_id").Comment("涉及的抽查事项").Annotations(class.Conditional("leads")),
		edge.To("task", Task.Type).Unique().Field("task_id").Comment("据此创建的专项检查任务").Annotations(class.Conditional("leads")),
		edge.To("leads", Lead.Type).Comment("聚集的线索").Annotations(class.Conditional("leads")),
	}
}

// Notification is a notice (抄告) of a finding to another department in whose field it falls.
type Notification struct{ ent.Schema }

// Annotations of the Notification.
func (Notification) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("抄告：检查发现属于其他部门职责的问题时，告知相关部门"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Notification.
func (Notification) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Notification.
func (Notification) Fields() []ent.Field {
	return []ent.Field{
		field.Text("message").NotEmpty().Comment("抄告内容").Annotations(class.Private),
		field.Time("read_at").Optional().Nillable().Comment("接收部门阅知时间").Annotations(class.Shared),
		field.Int("from_department_id").Comment("抄告部门").Annotations(class.Private),
		field.Int("to_department_id").Comment("接收部门").Annotations(class.Private),
		field.Int("result_id").Optional().Nillable().Comment("相关检查结果").Annotations(class.Private),
	}
}

// Edges of the Notification.
func (Notification) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("from_department", Department.Type).Unique().Required().Field("from_department_id").Comment("抄告部门").Annotations(class.Private),
		edge.To("to_department", Department.Type).Unique().Required().Field("to_department_id").Comment("接收部门").Annotations(class.Private),
		edge.To("result", Result.Type).Unique().Field("result_id").Comment("相关检查结果").Annotations(class.Private),
	}
}

// Setting is an operator-configurable value of the hub ([configurable] in domain.md): e.g. the
// lead-cluster threshold. Values are JSON; the code defines the defaults.
type Setting struct{ ent.Schema }

// Annotations of the Setting.
func (Setting) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("系统参数：可由运维或办公室调整的规则参数（如线索聚集阈值），未设置时使用默认值"),
		entgql.QueryField(),
	}
}

// Mixin of the Setting.
func (Setting) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}} }

// Fields of the Setting.
func (Setting) Fields() []ent.Field {
	return []ent.Field{
		field.String("key").Unique().NotEmpty().Comment("参数名").Annotations(class.Shared),
		field.String("value").Comment("参数值（JSON）").Annotations(class.Shared),
		field.String("note").Optional().Comment("说明").Annotations(class.Shared),
	}
}

// LedgerLeaf is one leaf of the transparency log (透明日志, design.md §6): an RFC 6962 Merkle
// log of every public act, appended in the transaction that publishes it and never changed.
type LedgerLeaf struct{ ent.Schema }

// Annotations of the LedgerLeaf.
func (LedgerLeaf) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("透明日志叶子：每一项公示行为一片叶子（RFC 6962 Merkle 日志），只增不改；通过 /ledger 接口提供证明"),
		entgql.Skip(entgql.SkipAll),
	}
}

// Fields of the LedgerLeaf.
func (LedgerLeaf) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("index").Unique().Immutable().NonNegative().Comment("叶子序号（从 0 起连续）").Annotations(class.Public),
		field.Int("publication_id").Unique().Immutable().Comment("对应的公示记录").Annotations(class.Public),
		field.Text("leaf").Immutable().Comment("叶子内容（规范 JSON）").Annotations(class.Public),
		field.String("leaf_hash").Immutable().Comment("叶子哈希 SHA-256(0x00 ‖ 叶子内容)，十六进制").Annotations(class.Public),
		field.Time("created_at").Immutable().Default(time.Now).Comment("写入时间").Annotations(class.Public),
	}
}

// Checkpoint is a signed statement of the log's size and root at a time (检查点).
type Checkpoint struct{ ent.Schema }

// Annotations of the Checkpoint.
func (Checkpoint) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("透明日志检查点：日志大小、根哈希与时间，由中枢密钥签名"),
		entgql.Skip(entgql.SkipAll),
	}
}

// Fields of the Checkpoint.
func (Checkpoint) Fields() []ent.Field {
	return []ent.Field{
		field.Int64("size").Immutable().NonNegative().Comment("日志大小（叶子数）").Annotations(class.Public),
		field.String("root").Immutable().Comment("根哈希（十六进制）").Annotations(class.Public),
		field.Time("at").Immutable().Comment("签署时间").Annotations(class.Public),
		field.String("key_id").Immutable().Comment("签名公钥标识（公钥 SHA-256 前 16 位十六进制）").Annotations(class.Public),
		field.String("signature").Immutable().Comment("对检查点正文的 Ed25519 签名（Base64）").Annotations(class.Public),
		field.Int64("audit_seq").Optional().Immutable().NonNegative().Comment("签署时审计日志最后一条事件的序号（锚定审计日志）").Annotations(class.Public),
		field.String("audit_head").Optional().Immutable().Comment("签署时审计日志最后一条事件的哈希（十六进制）").Annotations(class.Public),
	}
}

// Indexes of the Checkpoint.
func (Checkpoint) Indexes() []ent.Index {
	return []ent.Index{index.Fields("size")}
}
