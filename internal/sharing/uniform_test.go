package sharing

import (
	"context"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/sharing/class"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Uniform allows on every record exactly the fields InterceptField lets through without a
// decision of its own: PUBLIC fields not sealed, SHARED ones for a viewer who may read every
// SHARED field, fields of types outside the catalogue, and everything when no read is in the
// context (sharing disabled) or the reader is the system. CONDITIONAL and PRIVATE fields and
// sealed ones are decided record by record.
func TestUniform(t *testing.T) {
	dept := &viewer.Viewer{Kind: viewer.Token, DepartmentID: 7, DepartmentCode: "WJ", Roles: []string{viewer.RoleDeptAdmin}}
	office := &viewer.Viewer{Kind: viewer.Token, DepartmentID: 1, DepartmentCode: "SCJG", Roles: []string{viewer.RoleOffice}}
	anon := &viewer.Viewer{Kind: viewer.Anonymous}
	admin := &viewer.Viewer{Kind: viewer.Account, DepartmentID: 1, Roles: []string{viewer.RoleSystemAdmin}}
	system := viewer.NewSystem("test")
	read := func(v *viewer.Viewer) context.Context {
		return NewContext(context.Background(), NewReader(nil, v))
	}
	for _, c := range []struct {
		name          string
		ctx           context.Context
		object, field string
		want          bool
	}{
		{"PUBLIC, department", read(dept), "Target", "name", true},
		{"PUBLIC, anonymous", read(anon), "Target", "uscc", true},
		{"PUBLIC, system administrator", read(admin), "Target", "name", true},
		{"SHARED, department", read(dept), "Target", "industryCode", true},
		{"SHARED, anonymous", read(anon), "Target", "industryCode", false},
		{"SHARED, system administrator", read(admin), "Target", "industryCode", false},
		{"CONDITIONAL, department", read(dept), "Target", "contactPhone", false},
		{"CONDITIONAL, office", read(office), "Target", "contactPhone", false},
		{"PRIVATE, department", read(dept), "Inspector", "phone", false},
		{"sealed, department", read(dept), "Draw", "seed", false},
		{"sealed, office (checked per draw all the same)", read(office), "Draw", "seed", false},
		{"sealed, system", read(system), "Draw", "seed", true},
		{"PRIVATE, system", read(system), "Inspector", "phone", true},
		{"outside the catalogue", read(anon), "PageInfo", "hasNextPage", true},
		{"no read (sharing disabled)", context.Background(), "Target", "contactPhone", true},
	} {
		if got := Uniform(c.ctx, c.object, c.field); got != c.want {
			t.Errorf("%s: Uniform(%s.%s) = %v, want %v", c.name, c.object, c.field, got, c.want)
		}
	}
	// Every field of the catalogue Uniform allows a department viewer is PUBLIC or SHARED and
	// not sealed.
	for typ, fields := range ent.SharingCatalog {
		for f, rule := range fields {
			if Uniform(read(dept), typ, f) && (Restricted(rule) || sealedField(typ, f)) {
				t.Errorf("%s.%s (%s) is allowed on every record", typ, f, rule.Class)
			}
			if c := class.Class(rule.Class); (c == class.PublicClass || c == class.SharedClass) && !sealedField(typ, f) && !Uniform(read(dept), typ, f) {
				t.Errorf("%s.%s (%s) is not allowed on every record", typ, f, rule.Class)
			}
		}
	}
}
