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

// Draw is one verifiable random draw of a task (随机抽取, design.md §4). Draws are append-only:
// a re-draw is a new Draw with a reason that points at the one it supersedes.
type Draw struct{ ent.Schema }

// Annotations of the Draw.
func (Draw) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("随机抽取：冻结抽取框、承诺、外部熵、种子与抽取结果；只增不删，重抽须说明理由"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the Draw.
func (Draw) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the Draw.
func (Draw) Fields() []ent.Field {
	return []ent.Field{
		field.Int("seq").Positive().Comment("本任务内的抽取序号").Annotations(entgql.OrderField("SEQ"), class.Public),
		field.Enum("status").Values("FROZEN", "COMMITTED", "DRAWN", "REVEALED", "SUPERSEDED").Default("FROZEN").
			Comment("状态：FROZEN 抽取框已冻结、COMMITTED 已公布承诺、DRAWN 已抽取、REVEALED 已公开服务端密钥、SUPERSEDED 已被重抽取代").Annotations(class.Public),
		field.String("algorithm_version").Default("ssgk-draw/v1").Comment("算法版本").Annotations(class.Public),
		field.String("frame_root").Optional().Comment("抽取框 Merkle 根（RFC 6962，十六进制）").Annotations(class.Public),
		field.Int("frame_size").Default(0).NonNegative().Comment("抽取框候选对象总数").Annotations(class.Public),
		field.JSON("parameters", map[string]any{}).Optional().Comment("抽取参数（各层 N 与 n、比例、排除规则）").Annotations(entgql.Type("Map"), class.Public),
		field.String("inspector_pool_digest").Optional().Comment("检查人员池摘要").Annotations(class.Public),
		field.String("secret_hash").Optional().Comment("服务端密钥的 SHA-256 承诺 H(secret)").Annotations(class.Public),
		field.String("secret").Optional().Sensitive().Comment("服务端密钥（揭示、抽取失败或被取代时写入并公开；此前为空）").Annotations(class.Private),
		field.String("sealed_secret").Optional().Sensitive().Comment("封存的服务端密钥（以透明日志签名密钥派生的密钥加密，数据库读者无法使用）").Annotations(class.Private),
		field.Text("commitment").Optional().Comment("承诺内容（规范 JSON，公示并记入透明日志）").Annotations(class.Public),
		field.String("commitment_digest").Optional().Comment("承诺摘要").Annotations(class.Public),
		field.Time("committed_at").Optional().Nillable().Comment("承诺公布时间").Annotations(class.Public),
		field.String("external_entropy").Optional().Comment("外部熵（现场骰子数字或公开信标，原样字符串）").Annotations(class.Public),
		// The seed, the tickets and the positions rank every candidate and inspector: before the
		// reveal only the office reads them (package sharing, sealedUntilReveal), and no filter
		// may probe them.
		field.String("seed").Optional().Comment("种子 S（十六进制；揭示前仅联席会议办公室可见）").Annotations(entgql.Skip(entgql.SkipWhereInput), class.Public),
		field.Time("drawn_at").Optional().Nillable().Comment("抽取时间").Annotations(class.Public),
		field.Time("revealed_at").Optional().Nillable().Comment("密钥公开时间").Annotations(class.Public),
		field.String("reason").Optional().Comment("重抽原因").Annotations(class.Public),
		field.Int("task_id").Comment("所属任务").Annotations(class.Public),
		field.Int("supersedes_id").Optional().Nillable().Comment("被本次抽取取代的上一次抽取").Annotations(class.Public),
	}
}

// Edges of the Draw.
func (Draw) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("task", Task.Type).Ref("draws").Unique().Required().Field("task_id").Comment("所属任务").Annotations(class.Public),
		edge.To("superseded_by", Draw.Type).Comment("取代本次抽取的重抽").Annotations(class.Public).From("supersedes").Unique().Field("supersedes_id").Comment("被取代的抽取").Annotations(class.Public),
		edge.To("confirmations", LibraryConfirmation.Type).Comment("抽取所依据的两库更新确认").Annotations(class.Shared),
		edge.To("teams", InspectionTeam.Type).Comment("抽中的对象及检查组").Annotations(entgql.RelayConnection(), class.Shared),
		edge.To("events", DrawEvent.Type).Comment("抽取过程事件（冻结、承诺、抽取、回避重组、替换、揭示），只增不删").Annotations(class.Public),
	}
}

// Indexes of the Draw.
func (Draw) Indexes() []ent.Index {
	return []ent.Index{index.Fields("task_id", "seq").Unique()}
}

// InspectionTeam is a drawn target with its inspector team (检查组). A recusal creates a new
// version; the old one stays with its status and reason.
type InspectionTeam struct{ ent.Schema }

// Annotations of the InspectionTeam.
func (InspectionTeam) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("检查组：抽中的检查对象及其检查人员（至少两名执法人员，专家不计入）"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the InspectionTeam.
func (InspectionTeam) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the InspectionTeam.
func (InspectionTeam) Fields() []ent.Field {
	return []ent.Field{
		field.String("stratum").Comment("所在层").Annotations(entgql.OrderField("STRATUM"), class.Shared),
		field.String("ticket").Comment("抽签值（SHA-256，十六进制；揭示前仅联席会议办公室可见）").Annotations(entgql.Skip(entgql.SkipWhereInput), class.Shared),
		field.Int("position").NonNegative().Comment("层内名次（按抽签值从小到大；揭示前仅联席会议办公室可见）").Annotations(entgql.Skip(entgql.SkipWhereInput), class.Shared),
		field.Int("version").Positive().Default(1).Comment("版本（回避重抽后递增）").Annotations(class.Shared),
		field.Enum("status").Values("ACTIVE", "RECUSED", "REPLACED").Default("ACTIVE").
			Comment("状态：ACTIVE 有效、RECUSED 因回避已重组、REPLACED 对象已替换（如已注销）").Annotations(class.Shared),
		field.String("reason").Optional().Comment("重组或替换原因").Annotations(class.Shared),
		field.Int("draw_id").Comment("所属抽取").Annotations(class.Shared),
		field.Int("target_id").Comment("检查对象").Annotations(class.Shared),
	}
}

// Edges of the InspectionTeam.
func (InspectionTeam) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("draw", Draw.Type).Ref("teams").Unique().Required().Field("draw_id").Comment("所属抽取").Annotations(class.Shared),
		edge.From("target", Target.Type).Ref("teams").Unique().Required().Field("target_id").Comment("检查对象").Annotations(class.Public),
		edge.To("members", Inspector.Type).Comment("检查人员").Annotations(class.Shared),
		edge.To("results", Result.Type).Comment("本组录入的检查结果").Annotations(class.Public),
	}
}

// Indexes of the InspectionTeam.
func (InspectionTeam) Indexes() []ent.Index {
	return []ent.Index{index.Fields("draw_id", "target_id", "version").Unique(), index.Fields("target_id")}
}

// DrawEvent is one logged step of a draw: freeze, commit, draw, recusal, replacement, reveal.
// Events are append-only; recusals and replacements are replayed from them in order.
type DrawEvent struct{ ent.Schema }

// Annotations of the DrawEvent.
func (DrawEvent) Annotations() []schema.Annotation {
	return []schema.Annotation{
		class.Rows,
		schema.Comment("抽取事件：冻结、承诺、抽取、回避重组、对象替换、揭示；只增不删，回避与替换按序重放可复核"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the DrawEvent.
func (DrawEvent) Mixin() []ent.Mixin { return []ent.Mixin{DivisionMixin{}} }

// Fields of the DrawEvent.
func (DrawEvent) Fields() []ent.Field {
	return []ent.Field{
		field.Int("seq").Positive().Immutable().Comment("本抽取内的事件序号").Annotations(entgql.OrderField("SEQ"), class.Public),
		field.Enum("kind").Values("FREEZE", "COMMIT", "DRAW", "RECUSE", "REPLACE", "REVEAL", "FAIL", "SUPERSEDE").Immutable().
			Comment("事件类型：FREEZE 冻结抽取框、COMMIT 公布承诺、DRAW 输入外部熵并抽取、RECUSE 回避重组、REPLACE 对象替换、REVEAL 公开服务端密钥、FAIL 抽取失败、SUPERSEDE 被重抽或任务取消所取代").Annotations(class.Public),
		field.Time("at").Immutable().Comment("发生时间").Annotations(class.Public),
		field.String("actor").Immutable().Comment("操作者").Annotations(class.Public),
		field.String("target_key").Optional().Immutable().Comment("涉及的检查对象（业务键）").Annotations(class.Public),
		field.Strings("inspectors").Optional().Immutable().Comment("回避的检查人员（业务键）").Annotations(class.Public),
		field.String("replacement_key").Optional().Immutable().Comment("替换进来的检查对象（业务键）").Annotations(class.Public),
		field.String("reason").Optional().Immutable().Comment("原因").Annotations(class.Public),
		field.String("reason_code").Optional().Immutable().Comment("原因代码（回避：DECLARED_CONFLICT、KINSHIP、PRIOR_INVOLVEMENT、ILLNESS_ABSENCE、OTHER；替换：CLOSED、NOT_FOUND、OUT_OF_SCOPE、OTHER）").Annotations(class.Public),
		field.Int64("ledger_index").Optional().Nillable().Immutable().Comment("本事件在透明日志中的叶子序号").Annotations(class.Public),
		field.Int("draw_id").Immutable().Comment("所属抽取").Annotations(class.Public),
	}
}

// Edges of the DrawEvent.
func (DrawEvent) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("draw", Draw.Type).Ref("events").Unique().Required().Immutable().Field("draw_id").Comment("所属抽取").Annotations(class.Public),
	}
}

// Indexes of the DrawEvent.
func (DrawEvent) Indexes() []ent.Index {
	return []ent.Index{index.Fields("draw_id", "seq").Unique()}
}

// DrawSnapshot holds the frozen inputs of a draw — the frame with every candidate key and
// exclusion, the inspector pool, conflicts and rotation history — as gzip-compressed canonical
// JSON. It is written once at freeze and never changed; the verification bundle is built from it.
// It is not exposed through GraphQL: before the reveal it would let anyone pre-compute tickets
// for a leaked secret, and after the reveal the bundle carries it.
type DrawSnapshot struct{ ent.Schema }

// Annotations of the DrawSnapshot.
func (DrawSnapshot) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("抽取输入快照：冻结时的抽取框、检查人员池、回避与轮换记录（压缩 JSON），写入后不可修改"),
		entgql.Skip(entgql.SkipAll),
	}
}

// Fields of the DrawSnapshot.
func (DrawSnapshot) Fields() []ent.Field {
	return []ent.Field{
		field.Int("draw_id").Unique().Immutable().Comment("所属抽取").Annotations(class.Private),
		field.Bytes("data").Immutable().Comment("gzip 压缩的规范 JSON").Annotations(class.Private),
		field.String("sha256").Immutable().Comment("未压缩内容的 SHA-256").Annotations(class.Private),
		field.Int64("size").Immutable().Comment("未压缩内容字节数").Annotations(class.Private),
		field.Time("created_at").Immutable().Default(time.Now).Comment("创建时间").Annotations(class.Private),
	}
}
