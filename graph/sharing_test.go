package graph_test

import (
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/graph"
	"github.com/ssgk/ssgk/internal/sharing"
)

// TestSharing_EveryExposedFieldHasAClass: every field an entity exposes through GraphQL — the
// generated ones and those added by `extend type` — carries a declared sharing class, and
// every entity with CONDITIONAL or PRIVATE fields has an ownership rule. A new field without
// a class fails here.
func TestSharing_EveryExposedFieldHasAClass(t *testing.T) {
	s := graph.NewSchema(nil).Schema()
	checked := 0
	for typ := range ent.SharingCatalog {
		def := s.Types[typ]
		if def == nil {
			continue // kept out of GraphQL (see TestSchema_DomainIsDocumentedInChinese)
		}
		restricted := false
		for _, f := range def.Fields {
			if strings.HasPrefix(f.Name, "__") {
				continue
			}
			r, declared := sharing.Lookup(typ, f.Name)
			if !declared {
				t.Errorf("%s.%s is exposed through GraphQL without a sharing class (annotate it with class.Public/Shared/Conditional/Private in ent/schema, or declare it in sharing.Extensions)", typ, f.Name)
				continue
			}
			checked++
			restricted = restricted || sharing.Restricted(r)
			if r.Class != "PUBLIC" && f.Type.NonNull {
				t.Errorf("%s.%s is %s but non-null: a refused read could not resolve to null", typ, f.Name, r.Class)
			}
			if r.Class == "CONDITIONAL" && r.Group == "" {
				t.Errorf("%s.%s is CONDITIONAL without a grant group", typ, f.Name)
			}
		}
		if restricted && !sharing.HasOwnerRule(typ) {
			t.Errorf("%s has CONDITIONAL or PRIVATE fields but no ownership rule in package sharing", typ)
		}
	}
	if checked < 500 {
		t.Fatalf("only %d fields checked; the catalogue or the schema was not read", checked)
	}
}
