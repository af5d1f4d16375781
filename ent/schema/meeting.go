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

// JointMeeting is the 联席会议 of a jurisdiction; its office sits in the market regulator.
type JointMeeting struct{ ent.Schema }

// Annotations of the JointMeeting.
func (JointMeeting) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("“双随机、一公开”监管工作联席会议"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the JointMeeting.
func (JointMeeting) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the JointMeeting.
func (JointMeeting) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().Comment("联席会议名称").Annotations(class.Public),
		field.String("basis").Optional().Comment("设立依据（文件名称及文号）").Annotations(class.Public),
	}
}

// Edges of the JointMeeting.
func (JointMeeting) Edges() []ent.Edge {
	return []ent.Edge{
		edge.To("office", Department.Type).Unique().Comment("办公室所在部门").Annotations(class.Public),
		edge.To("members", MeetingMember.Type).Comment("联席会议成员").Annotations(entgql.RelayConnection(), class.Public),
	}
}

// MeetingMember is one person on the joint meeting's member list.
type MeetingMember struct{ ent.Schema }

// Annotations of the MeetingMember.
func (MeetingMember) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("联席会议成员"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Mixin of the MeetingMember.
func (MeetingMember) Mixin() []ent.Mixin { return []ent.Mixin{TimeMixin{}, DivisionMixin{}} }

// Fields of the MeetingMember.
func (MeetingMember) Fields() []ent.Field {
	return []ent.Field{
		field.String("name").NotEmpty().Comment("姓名").Annotations(entgql.OrderField("NAME"), class.Public),
		field.Enum("role").Values("CHIEF_CONVENER", "CONVENER", "DEPUTY_CONVENER", "MEMBER").Default("MEMBER").
			Comment("会议职务：CHIEF_CONVENER 总召集人、CONVENER 召集人、DEPUTY_CONVENER 副召集人、MEMBER 成员").Annotations(class.Public),
		field.String("title").Optional().Comment("职务（原文）").Annotations(class.Public),
		field.Bool("office_director").Default(false).Comment("是否兼任联席会议办公室主任").Annotations(class.Public),
		field.Int("sort_order").Default(0).Comment("名单顺序").Annotations(entgql.OrderField("SORT_ORDER"), class.Public),
		field.Int("department_id").Optional().Comment("所在部门").Annotations(class.Public),
	}
}

// Edges of the MeetingMember.
func (MeetingMember) Edges() []ent.Edge {
	return []ent.Edge{
		edge.From("meeting", JointMeeting.Type).Ref("members").Unique().Comment("所属联席会议").Annotations(class.Public),
		edge.From("department", Department.Type).Ref("members").Unique().Field("department_id").Comment("所在部门").Annotations(class.Public),
	}
}

// Indexes of the MeetingMember.
func (MeetingMember) Indexes() []ent.Index {
	return []ent.Index{index.Fields("sort_order")}
}
