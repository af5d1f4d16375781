package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"

	"github.com/ssgk/ssgk/internal/sharing/class"
)

// CalendarYear is an operator-loaded year of China's official holiday arrangement (节假日安排),
// loaded with `ssgk calendar load FILE` when the State Council publishes the next year's notice.
// It replaces the built-in data for its whole year; the latest load of a year is in force.
type CalendarYear struct{ ent.Schema }

// Annotations of the CalendarYear.
func (CalendarYear) Annotations() []schema.Annotation {
	return []schema.Annotation{
		schema.Comment("工作日历年度：运维人员按国务院办公厅节假日安排通知载入的某一年放假与调休安排"),
		entgql.QueryField(), entgql.RelayConnection(),
	}
}

// Fields of the CalendarYear.
func (CalendarYear) Fields() []ent.Field {
	return []ent.Field{
		field.Int("year").Min(2000).Max(2100).Immutable().Comment("年份").Annotations(entgql.OrderField("YEAR"), class.Public),
		field.String("source").NotEmpty().Immutable().Comment("依据（通知名称及文号）").Annotations(class.Public),
		field.Text("arrangement").Immutable().Comment("放假与调休安排（载入文件的规范化 JSON）").Annotations(class.Public),
		field.String("digest").Immutable().Comment("安排内容 SHA-256").Annotations(class.Public),
		field.String("loaded_by").Immutable().Comment("载入者").Annotations(class.Shared),
		field.Time("loaded_at").Default(time.Now).Immutable().Comment("载入时间").Annotations(entgql.OrderField("LOADED_AT"), class.Public),
	}
}

// Indexes of the CalendarYear.
func (CalendarYear) Indexes() []ent.Index {
	return []ent.Index{index.Fields("year", "loaded_at")}
}
