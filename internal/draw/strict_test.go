package draw

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// json.Unmarshal into a Bundle is the strict decoding of §10.1, so every caller that decodes a
// bundle (ssgk draw verify, the hub's tests) rejects unknown, missing and null members.
func TestBundle_UnmarshalIsStrict(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("testdata", "bundle.json"))
	if err != nil {
		t.Fatal(err)
	}
	var b Bundle
	if err := json.Unmarshal(raw, &b); err != nil {
		t.Fatalf("the published bundle: %v", err)
	}
	for name, text := range map[string]string{
		"unknown member": strings.Replace(string(raw), `"entropy":`, `"extra": 1, "entropy":`, 1),
		"missing member": strings.Replace(string(raw), `"algorithm": "ssgk-draw/v1",`, ``, 1),
		"null list":      strings.Replace(string(raw), `"conflicts": [`, `"conflicts": null, "x": [`, 1),
		"invalid UTF-8":  strings.Replace(string(raw), "骰子", "\xff", 1),
	} {
		var b Bundle
		err := json.Unmarshal([]byte(text), &b)
		if codeOf(err) != CodeInvalidBundle {
			t.Errorf("%s: err = %v, want INVALID_BUNDLE", name, err)
		}
	}
	// json.Unmarshal reports a syntax error itself; ParseBundle reports every failure as
	// INVALID_BUNDLE.
	if _, err := ParseBundle(append(raw, "{}"...)); codeOf(err) != CodeInvalidBundle {
		t.Errorf("trailing content: err = %v, want INVALID_BUNDLE", err)
	}
}

// The JSON shape is derived from the Go types: every member of every object of the v1 bundle is
// required, and only the amendment's replacement may be null. Optional members (json omitempty)
// are extensions at the top level, defined by the last section of the specification.
func TestBundle_ShapeFromTypes(t *testing.T) {
	var nullable []string
	var walk func(prefix string, ms []member)
	walk = func(prefix string, ms []member) {
		for _, m := range ms {
			if m.optional {
				if prefix != "" {
					t.Errorf("%s%s is optional; only top-level extensions may be", prefix, m.name)
				}
				continue
			}
			typ := m.t
			if typ.Kind() == reflect.Pointer {
				nullable = append(nullable, prefix+m.name)
				typ = typ.Elem()
			}
			for typ.Kind() == reflect.Slice {
				typ = typ.Elem()
			}
			if typ.Kind() == reflect.Struct {
				walk(prefix+m.name+".", membersOf(typ))
			}
		}
	}
	walk("", membersOf(reflect.TypeFor[Bundle]()))
	if strings.Join(nullable, ",") != "outcome.amendments.replacement" {
		t.Fatalf("nullable members: %v", nullable)
	}
}
