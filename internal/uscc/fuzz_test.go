package uscc_test

import (
	"testing"

	"github.com/ssgk/ssgk/internal/uscc"
)

// FuzzValidate: the code checks take any string without panicking, and what they accept has
// the check character they compute.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{"91350200776049653A", "91370921MA3C00000X", "110101199003074514", "370921200012341", "", "\x00", "９１３５０２００７７６０４９６５３Ａ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if uscc.Validate(s) == nil {
			if len(s) != 18 || uscc.CheckChar(s[:17]) != s[17] {
				t.Fatalf("Validate accepted %q with the wrong check character", s)
			}
		}
		if uscc.ValidateIDNumber(s) == nil {
			if len(s) != 18 || uscc.IDCheckChar(s[:17]) != s[17] {
				t.Fatalf("ValidateIDNumber accepted %q with the wrong check character", s)
			}
		}
		_ = uscc.ValidateRegNo(s)
		_ = uscc.Mask(s)
	})
}
