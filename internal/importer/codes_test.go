package importer

import (
	"testing"

	"github.com/ssgk/ssgk/internal/codes"
)

// The method codes the importer produces must be those of the code table the database seeds.
func TestMethods_AreTheCodeTable(t *testing.T) {
	table := map[string]bool{}
	for _, m := range codes.Methods {
		table[m.Code] = true
	}
	if len(methodLabels) != len(table) {
		t.Errorf("importer knows %d methods, code table has %d", len(methodLabels), len(table))
	}
	for _, m := range methodLabels {
		if !table[m.Value] {
			t.Errorf("method %s is not in internal/codes.Methods", m.Value)
		}
		if parseMethod(m.Label) != m.Value {
			t.Errorf("export label %s does not read back as %s", m.Label, m.Value)
		}
	}
	for _, m := range codes.Methods {
		if got := parseMethod(m.Name); got != m.Code {
			t.Errorf("code table name %q reads as %q, want %s", m.Name, got, m.Code)
		}
	}
}
