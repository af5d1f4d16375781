package redact

import (
	"strings"
	"testing"
)

// The prefilter never changes what String returns: over strings built from the patterns'
// literals, their case variants, separators and lookalike letters, String equals the masking
// without the prefilter.
func TestString_PrefilterChangesNothing(t *testing.T) {
	parts := []string{"ssgk_", "ssgk_0123abcd_", "0123456789abcdef", "ssgs.", "abc_-", ".x", "Bearer ", "BEARER\t", "bearer",
		"pass", "PASS", "Password", "passwd", "token", "TOKEN", "secret", "Secret", "=", ":", " = ", "\"", "\\\"", "'", "&", " ",
		"x", "口令", "密码", "paſſword", "toKen", "user", "route", "/graphql", "200", "ssgk"}
	seed := uint64(7)
	next := func(n int) int {
		seed ^= seed << 13
		seed ^= seed >> 7
		seed ^= seed << 17
		return int(seed % uint64(n))
	}
	for range 20000 {
		var b strings.Builder
		for range 1 + next(7) {
			b.WriteString(parts[next(len(parts))])
		}
		s := b.String()
		if got, want := String(s), mask(s); got != want {
			t.Fatalf("String(%q) = %q, the patterns give %q", s, got, want)
		}
	}
	for _, s := range []string{"http request", "/graphql", "route=/graphql status=200"} {
		if mayHoldSecret(s) {
			t.Errorf("%q is sent to the patterns, but holds none of their literals", s)
		}
	}
}
