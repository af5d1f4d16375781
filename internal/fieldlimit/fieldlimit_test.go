package fieldlimit_test

import (
	"strings"
	"testing"

	_ "github.com/ssgk/ssgk/ent" // sets the validators
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/fieldlimit"
)

// The schema's validators take their limits from this package: a value of exactly the limit
// passes, one character more does not.
func TestSchemaUsesTheLimits(t *testing.T) {
	for _, c := range []struct {
		name     string
		validate func(string) error
		limit    int
	}{
		{"target name", target.NameValidator, fieldlimit.TargetName},
		{"inspector name", inspector.NameValidator, fieldlimit.InspectorName},
		{"item code", inspectionitem.CodeValidator, fieldlimit.ItemCode},
	} {
		if err := c.validate(strings.Repeat("名", c.limit)); err != nil {
			t.Errorf("%s of %d characters: %v", c.name, c.limit, err)
		}
		if err := c.validate(strings.Repeat("名", c.limit+1)); err == nil {
			t.Errorf("%s of %d characters passed", c.name, c.limit+1)
		}
	}
}
