// Package schema is the single source of truth of the ssgk domain model. Each entity lives in its
// own file; names follow docs/glossary.md; every field carries a Chinese comment that becomes its
// GraphQL description.
package schema

import (
	"time"

	"entgo.io/contrib/entgql"
	"entgo.io/ent"
	"entgo.io/ent/schema/field"
	"entgo.io/ent/schema/index"
	"entgo.io/ent/schema/mixin"

	"github.com/ssgk/ssgk/internal/sharing/class"
)

// TimeMixin records when a row was created and last changed.
type TimeMixin struct{ mixin.Schema }

// Fields of the TimeMixin.
func (TimeMixin) Fields() []ent.Field {
	return []ent.Field{
		field.Time("created_at").Default(time.Now).Immutable().
			Comment("创建时间").
			Annotations(entgql.OrderField("CREATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Shared),
		field.Time("updated_at").Default(time.Now).UpdateDefault(time.Now).
			Comment("最后修改时间").
			Annotations(entgql.OrderField("UPDATED_AT"), entgql.Skip(entgql.SkipMutationCreateInput, entgql.SkipMutationUpdateInput), class.Shared),
	}
}

// DivisionMixin gives every table the administrative division code (GB/T 2260), so that a
// distributed PostgreSQL can shard by division without a schema change (design.md §8).
type DivisionMixin struct{ mixin.Schema }

// Fields of the DivisionMixin.
func (DivisionMixin) Fields() []ent.Field {
	return []ent.Field{
		field.String("division_code").MaxLen(6).MinLen(6).Default("370921").
			Match(divisionRe).
			Comment("行政区划代码（GB/T 2260，6 位）").
			Annotations(entgql.OrderField("DIVISION_CODE"), class.Public),
	}
}

// Indexes of the DivisionMixin.
func (DivisionMixin) Indexes() []ent.Index {
	return []ent.Index{index.Fields("division_code")}
}
