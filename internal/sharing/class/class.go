// Package class declares the sharing class of a field (共享目录, design.md §5). Each field and
// edge of the ent schema carries one of these annotations; `go generate` collects them into
// ent.SharingCatalog, and package sharing enforces them on every read path. The package has no
// dependencies so that the schema can import it.
package class

import "entgo.io/ent/schema"

// Class is one of the four sharing classes.
type Class string

// The sharing classes, from the most to the least open.
const (
	// PublicClass: anyone, the anonymous public included — for records that are published
	// (a PUBLIC field of an unpublished record is read as SHARED; row policies keep
	// unpublished records away from the public).
	PublicClass Class = "PUBLIC"
	// SharedClass: any authenticated department (无条件共享).
	SharedClass Class = "SHARED"
	// ConditionalClass: the owning department, and departments holding an approved,
	// unexpired grant for the field's group (有条件共享).
	ConditionalClass Class = "CONDITIONAL"
	// PrivateClass: the owning department only (不予共享). Unclassified fields are PRIVATE.
	PrivateClass Class = "PRIVATE"
)

// labels are the Chinese names of the classes: the one table, read by Label here and by
// ent/entc.go when it documents each GraphQL field's class.
var labels = map[Class]string{
	PublicClass:      "公开",
	SharedClass:      "无条件共享",
	ConditionalClass: "有条件共享",
	PrivateClass:     "不予共享",
}

// Label is the Chinese name of the class; an unknown class reads as PRIVATE's.
func (c Class) Label() string {
	if l, ok := labels[c]; ok {
		return l
	}
	return labels[PrivateClass]
}

// Annotation is the schema annotation carrying a field's class and, for CONDITIONAL fields,
// the field group a grant is applied for.
type Annotation struct {
	Class Class
	Group string `json:",omitempty"`
}

// Name implements schema.Annotation.
func (Annotation) Name() string { return "Sharing" }

var _ schema.Annotation = Annotation{}

// The annotations to put on fields and edges.
var (
	Public  = Annotation{Class: PublicClass}
	Shared  = Annotation{Class: SharedClass}
	Private = Annotation{Class: PrivateClass}
)

// Conditional is the annotation of a CONDITIONAL field in the named group (e.g. "contact",
// "evidence"); a grant covers one group of one owning department.
func Conditional(group string) Annotation {
	return Annotation{Class: ConditionalClass, Group: group}
}

// RowsAnnotation marks an entity whose rows are restricted by a row rule (package sharing):
// besides direct reads and edge traversals, every filter that reaches the entity through an
// edge (`hasXWith` in a GraphQL where input, from any root) applies the same rule, so that no
// filter, count or ordering tells a viewer anything about rows it may not see.
type RowsAnnotation struct {
	Restricted bool
}

// Name implements schema.Annotation.
func (RowsAnnotation) Name() string { return "Rows" }

// Rows is the annotation of a row-restricted entity.
var Rows = RowsAnnotation{Restricted: true}
