package credit_test

import (
	"testing"

	"entgo.io/contrib/entgql"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/credit"
)

// FuzzCursor: the page cursors callers send back — the change feed's and entgql's — are parsed
// or refused with a code, never a panic.
func FuzzCursor(f *testing.F) {
	for _, s := range []string{"41", "", "-1", "9223372036854775808", "gaJpZAE", "Z2FyYmFnZQ==", "\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if n, err := credit.ParseCursor(s); err == nil && (n < 0) != (s == "") { // "" is the beginning, -1
			t.Fatalf("ParseCursor(%q) = %d", s, n)
		} else if err != nil && apperr.CodeOf(err) != credit.CodeBadCursor {
			t.Fatalf("ParseCursor(%q): %v", s, err)
		}
		var c entgql.Cursor[int]
		_ = c.UnmarshalGQL(s)
	})
}
