package authz_test

import (
	"os"
	"testing"

	"github.com/ssgk/ssgk/internal/authz"
)

// TestDoc_MatchesTheRules: docs/authorisation.md is the table the code enforces.
func TestDoc_MatchesTheRules(t *testing.T) {
	got, err := os.ReadFile("../../docs/authorisation.md")
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != authz.Markdown() {
		t.Fatal("docs/authorisation.md is stale: run go generate ./internal/authz")
	}
}
