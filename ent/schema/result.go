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

// Result is one department's inspection result for one target of a task (检查结果).
// "谁检查、谁录入、谁公开". A drawn target without a Result row is "not yet inspected" —
// there is no default pass.
type Result struct{ ent.Schema }

// Annotations of the Result.
func (Result) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("检查结果：谁检查、谁录入、谁公开；未录入即“尚未检查”，绝无默认合格；公示后不可修改，只能更正"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Result.
func (Result) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Result.
func (Result) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("status").Values("DRAFT", "PENDING_REVIEW", "RETURNED", "APPROVED", "PUBLISHED").Default("DRAFT").
			Comment("状态：DRAFT 录入中、PENDING_REVIEW 待审核、RETURNED 退回、APPROVED 已审核、PUBLISHED 已公示").
			Annotations(entgql.OrderField("STATUS"), class.Public),
		field.Int("version").Positive().Default(1).Comment("版本（更正后递增）").Annotations(class.Public),
		field.Time("inspection_end_date").Optional().Nillable().Comment("检查结束日期").Annotations(entgql.OrderField("INSPECTION_END_DATE"), class.Public),
		field.Time("due_date").Optional().Nillable().Comment("公示截止日期（检查结束后 20 个工作日）").Annotations(entgql.OrderField("DUE_DATE"), class.Public),
		field.Text("summary").Optional().Comment("检查情况概述").Annotations(class.Public),
		field.Text("review_note").Optional().Comment("内部审核意见（不予共享）").Annotations(class.Private),
		field.Bool("abnormal_flag").Default(false).Comment("结果代码涉及列入经营异常名录，待后续处置").Annotations(class.Public),
		field.String("idempotency_key").Optional().Nillable().Unique().Comment("客户端提交幂等键").Annotations(class.Private),
		field.Time("submitted_at").Optional().Nillable().Comment("提交审核时间").Annotations(class.Shared),
		field.Time("approved_at").Optional().Nillable().Comment("审核通过时间").Annotations(class.Shared),
		field.Time("published_at").Optional().Nillable().Comment("公示时间").Annotations(entgql.OrderField("PUBLISHED_AT"), class.Public),
		field.Int("task_id").Comment("任务").Annotations(class.Public),
		field.Int("target_id").Comment("检查对象").Annotations(class.Public),
		field.Int("department_id").Comment("检查并录入的部门").Annotations(class.Public),
		field.Int("team_id").Optional().Nillable().Comment("检查组").Annotations(class.Public),
		field.Int("follow_up_id").Optional().Nillable().Comment("后续处置方式").Annotations(class.Public),
		field.Int("adopted_from_id").Optional().Nillable().Comment("采信的其他部门结果").Annotations(class.Public),
	}
}

// Edges of the Result.
func (Result) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("task", Task.Type).Ref("results").Unique().Required().Field("task_id").Comment("任务").Annotations(class.Public),
		edge.From("target", Target.Type).Ref("results").Unique().Required().Field("target_id").Comment("检查对象").Annotations(class.Public),
		edge.From("department", Department.Type).Ref("results").Unique().Required().Field("department_id").Comment("检查并录入的部门").Annotations(class.Public),
		edge.From("team", InspectionTeam.Type).Ref("results").Unique().Field("team_id").Comment("检查组").Annotations(class.Shared),
		edge.To("codes", ResultCode.Type).Comment("检查结果代码（可多选）").
			StorageKey(edge.Table("result_code_links"), edge.Columns("result_id", "result_code_id")).Annotations(class.Public),
		edge.To("methods", InspectionMethod.Type).Comment("实际采用的检查方式").Annotations(class.Public),
		edge.To("follow_up", FollowUpOption.Type).Unique().Field("follow_up_id").Comment("后续处置方式").Annotations(class.Public),
		edge.To("items", ResultItem.Type).Comment("逐项检查情况").Annotations(entgql.RelayConnection(), class.Public),
		edge.To("evidence", Evidence.Type).Comment("证据材料（有条件共享）").Annotations(entgql.RelayConnection(), class.Conditional("evidence")),
		edge.To("adopted_by", Result.Type).Comment("采信本结果的其他结果").Annotations(class.Public).From("adopted_from").Unique().Field("adopted_from_id").Comment("采信的其他部门结果").Annotations(class.Public),
		edge.To("entered_by", Account.Type).Unique().Comment("录入人").Annotations(class.Shared),
		edge.To("approved_by", Account.Type).Unique().Comment("审核人").Annotations(class.Shared),
		edge.To("corrections", Correction.Type).Comment("对本结果的更正").Annotations(class.Public),
		edge.To("follow_ups", FollowUpAction.Type).Comment("后续处置跟踪（公示后仍可推进，不改变已公示的结果）").Annotations(class.Public),
	}
}

// Indexes of the Result.
func (Result) Indexes() []ent.Index {
	return []ent.Index{
		index.Fields("task_id", "target_id", "department_id", "version").Unique(),
		index.Fields("target_id"),
		index.Fields("status", "due_date"),
	}
}

// ResultItem is the outcome of one inspection item within a result.
type ResultItem struct{ ent.Schema }

// Annotations of the ResultItem.
func (ResultItem) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("逐项检查情况：是否检查、发现的问题、处理情况"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the ResultItem.
func (ResultItem) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the ResultItem.
func (ResultItem) Fields() []ent.Field {
	return []ent.Field{
		field.Bool("checked").Comment("是否已检查该事项").Annotations(class.Public),
		field.Bool("problem_found").Default(false).Comment("是否发现问题").Annotations(class.Public),
		field.Text("problem").Optional().Comment("发现的问题").Annotations(class.Public),
		field.Text("handling").Optional().Comment("处理情况").Annotations(class.Public),
		field.Int("result_id").Comment("所属结果").Annotations(class.Public),
		field.Int("item_id").Comment("抽查事项").Annotations(class.Public),
	}
}

// Edges of the ResultItem.
func (ResultItem) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("result", Result.Type).Ref("items").Unique().Required().Field("result_id").Comment("所属结果").Annotations(class.Public),
		edge.To("item", InspectionItem.Type).Unique().Required().Field("item_id").Comment("抽查事项").Annotations(class.Public),
		edge.To("codes", ResultCode.Type).Comment("该事项的结果代码").Annotations(class.Public),
	}
}

// Indexes of the ResultItem.
func (ResultItem) Indexes() []ent.Index {
	return []ent.Index{index.Fields("result_id", "item_id").Unique()}
}

// Evidence is the metadata of an evidence attachment; the bytes live in the data directory,
// addressed by their SHA-256.
type Evidence struct{ ent.Schema }

// Annotations of the Evidence.
func (Evidence) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("证据材料：文件名、类型、大小与 SHA-256（文件本体按摘要存放）"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Evidence.
func (Evidence) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Evidence.
func (Evidence) Fields() []ent.Field {
	return []ent.Field{
		field.String("file_name").NotEmpty().Comment("文件名").Annotations(class.Conditional("evidence")),
		field.String("content_type").NotEmpty().Comment("文件类型（MIME）").Annotations(class.Conditional("evidence")),
		field.Int64("size").Positive().Comment("大小（字节）").Annotations(class.Conditional("evidence")),
		field.String("sha256").MinLen(64).MaxRuneLen(64).Comment("SHA-256（十六进制）").Annotations(class.Conditional("evidence")),
		field.Int("result_id").Comment("所属结果").Annotations(class.Conditional("evidence")),
	}
}

// Edges of the Evidence.
func (Evidence) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("result", Result.Type).Ref("evidence").Unique().Required().Field("result_id").Comment("所属结果").Annotations(class.Conditional("evidence")),
		edge.To("uploaded_by", Account.Type).Unique().Comment("上传人").Annotations(class.Conditional("evidence")),
	}
}

// Correction is a correction (更正) of a published result: a new result version, with a reason,
// signed by the responsible department head. Both versions stay visible.
type Correction struct{ ent.Schema }

// Annotations of the Correction.
func (Correction) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("更正：对已公示结果的更正，形成新版本，须经责任部门主要负责人签字确认；新旧版本均保留可见"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Correction.
func (Correction) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Correction.
func (Correction) Fields() []ent.Field {
	return []ent.Field{
		field.Text("reason").NotEmpty().Comment("更正原因").Annotations(class.Public),
		field.String("digest").Optional().Comment("更正内容摘要（SHA-256，十六进制）").Annotations(class.Public),
		field.String("signature_algorithm").Default("ED25519").Comment("签名算法（ED25519 或 SM2）").Annotations(class.Public),
		field.String("signature").Optional().Comment("负责人对摘要的签名（Base64）").Annotations(class.Public),
		field.Time("signed_at").Optional().Nillable().Comment("签名时间").Annotations(class.Public),
		field.Time("published_at").Optional().Nillable().Comment("更正公示时间").Annotations(class.Public),
		field.Int("original_id").Comment("被更正的结果").Annotations(class.Public),
		field.Int("corrected_id").Unique().Comment("更正后的新版本结果").Annotations(class.Public),
	}
}

// Edges of the Correction.
func (Correction) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("original", Result.Type).Ref("corrections").Unique().Required().Field("original_id").Comment("被更正的结果").Annotations(class.Public),
		edge.To("corrected", Result.Type).Unique().Required().Field("corrected_id").Comment("更正后的新版本结果").Annotations(class.Public),
		edge.To("signed_by", Account.Type).Unique().Comment("签字的负责人").Annotations(class.Shared),
	}
}

// FollowUpAction tracks a result's follow-up (后续处置) to completion. It lives beside the result
// rather than in it: a published result never changes, while its follow-up goes on.
type FollowUpAction struct{ ent.Schema }

// Annotations of the FollowUpAction.
func (FollowUpAction) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("后续处置跟踪：责令改正复查、案件线索移交办案机构（涉嫌犯罪的移送司法机关）、抄告等，直至办结"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the FollowUpAction.
func (FollowUpAction) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the FollowUpAction.
func (FollowUpAction) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("status").Values("OPEN", "DONE").Default("OPEN").Comment("状态：OPEN 处置中、DONE 已办结").Annotations(class.Public),
		field.Bool("judicial_transfer").Default(false).Comment("是否涉嫌犯罪、移送司法机关").Annotations(class.Public),
		field.String("receiving_unit").Optional().Comment("接收单位（办案机构、司法机关或被抄告部门）").Annotations(class.Public),
		field.Time("transferred_on").Optional().Nillable().Comment("移交（移送）日期").Annotations(class.Public),
		field.Time("done_on").Optional().Nillable().Comment("办结日期").Annotations(class.Public),
		field.Text("note").Optional().Comment("处置情况说明").Annotations(class.Private),
		field.Int("result_id").Comment("检查结果").Annotations(class.Public),
		field.Int("option_id").Comment("处置方式").Annotations(class.Public),
	}
}

// Edges of the FollowUpAction.
func (FollowUpAction) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("result", Result.Type).Ref("follow_ups").Unique().Required().Field("result_id").Comment("检查结果").Annotations(class.Public),
		edge.To("option", FollowUpOption.Type).Unique().Required().Field("option_id").Comment("处置方式").Annotations(class.Public),
	}
}

// Indexes of the Correction: an enterprise's history reads the corrections of its results.
func (Correction) Indexes() []ent.Index {
	return []ent.Index{index.Fields("original_id")}
}

// Indexes of the FollowUpAction: an enterprise's history reads the follow-ups of its results.
func (FollowUpAction) Indexes() []ent.Index {
	return []ent.Index{index.Fields("result_id")}
}
