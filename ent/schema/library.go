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

// TargetChange is one change of a target's fields: who changed what, when, through which path.
// Targets are shared across departments, so their history is kept field by field.
type TargetChange struct{ ent.Schema }

// Annotations of the TargetChange.
func (TargetChange) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("检查对象变更记录：谁、何时、通过何种途径修改了哪些字段"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the TargetChange.
func (TargetChange) Mixin() []ent.Mixin { return []ent.Mixin{DivisionMixin{}} }

// Fields of the TargetChange.
func (TargetChange) Fields() []ent.Field {
	return []ent.Field{
		field.Time("at").Comment("变更时间").Annotations(entgql.OrderField("AT"), class.Shared),
		field.String("actor").Comment("操作者").Annotations(class.Shared),
		field.String("department_code").Optional().Comment("操作者所属部门编码").Annotations(class.Shared),
		field.String("source").Comment("途径（GraphQL 操作名、导入任务或命令）").Annotations(class.Shared),
		field.JSON("changes", map[string]any{}).Comment("变更内容：字段 → {old, new}").Annotations(entgql.Type("Map"), class.Private),
		field.Int("target_id").Comment("检查对象").Annotations(class.Shared),
	}
}

// Edges of the TargetChange.
func (TargetChange) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("target", Target.Type).Ref("history").Unique().Required().Field("target_id").Comment("检查对象").Annotations(class.Shared),
	}
}

// Indexes of the TargetChange.
func (TargetChange) Indexes() []ent.Index {
	return []ent.Index{index.Fields("target_id", "at")}
}

// ImportJob is one bulk import of a spreadsheet into a library or list.
type ImportJob struct{ ent.Schema }

// Annotations of the ImportJob.
func (ImportJob) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("导入任务：一次批量导入（文件、编码、结果统计与错误报告）"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the ImportJob.
func (ImportJob) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the ImportJob.
func (ImportJob) Fields() []ent.Field {
	return []ent.Field{
		field.Enum("kind").Values("TARGETS", "INSPECTORS", "ITEMS").Comment("导入类型：TARGETS 检查对象、INSPECTORS 执法检查人员、ITEMS 抽查事项").Annotations(class.Shared),
		field.String("file_name").Comment("文件名").Annotations(class.Private),
		field.String("file_sha256").Comment("文件 SHA-256").Annotations(class.Private),
		field.String("encoding").Optional().Comment("识别出的文件格式与编码").Annotations(class.Private),
		field.Bool("partial").Default(false).Comment("是否部分导入（仅导入有效行）").Annotations(class.Shared),
		field.Enum("status").Values("SUCCEEDED", "PARTIAL", "REJECTED").Comment("结果：SUCCEEDED 全部导入、PARTIAL 仅导入有效行、REJECTED 有错误行，未写入任何数据").Annotations(class.Shared),
		field.Int("rows_total").Default(0).Comment("数据行数").Annotations(class.Shared),
		field.Int("rows_rejected").Default(0).Comment("被拒绝的行数").Annotations(class.Shared),
		field.Int("created").Default(0).Comment("新增记录数").Annotations(class.Shared),
		field.Int("updated").Default(0).Comment("更新记录数").Annotations(class.Shared),
		field.Int("unchanged").Default(0).Comment("未变化记录数（重复导入）").Annotations(class.Shared),
		field.Int("rows_skipped").Default(0).Comment("跳过的行数（表头以下的空行、合计行和说明行）").Annotations(class.Shared),
		field.Int("added_to_library").Default(0).Comment("加入分库的已有检查对象数（新增的对象另计入新增）").Annotations(class.Shared),
		field.Text("summary").Optional().Comment("结果摘要（与命令行、错误报告中的汇总一致）").Annotations(class.Shared),
		field.Bytes("report").Optional().Comment("错误报告（XLSX）").Annotations(entgql.Skip(entgql.SkipAll), class.Private),
		field.Int("department_id").Comment("导入部门").Annotations(class.Private),
	}
}

// Edges of the ImportJob.
func (ImportJob) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("department", Department.Type).Unique().Required().Field("department_id").Comment("导入部门").Annotations(class.Private),
		edge.To("library", TargetLibrary.Type).Unique().Comment("导入到的分库").Annotations(class.Private),
	}
}
