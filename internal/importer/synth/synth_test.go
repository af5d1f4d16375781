package synth

import (
	"testing"

	"github.com/ssgk/ssgk/internal/uscc"
)

func TestUSCC_ValidAndUniqueForBothBodies(t *testing.T) {
	seen := map[string]int{}
	for i := range 200000 {
		for _, old := range []bool{false, true} {
			code := USCC(i, '1', old)
			if err := uscc.Validate(code); err != nil {
				t.Fatalf("USCC(%d, %v) = %s: %v", i, old, code, err)
			}
			if code[2:8] != DivisionCode {
				t.Fatalf("USCC(%d) = %s not in %s", i, code, DivisionCode)
			}
			if j, dup := seen[code]; dup {
				t.Fatalf("USCC(%d, %v) = %s repeats row %d", i, old, code, j)
			}
			seen[code] = i
		}
	}
}

func TestRegNoAndIDNumber_Valid(t *testing.T) {
	for i := range 1000 {
		if err := uscc.ValidateRegNo(RegNo(i, '0')); err != nil {
			t.Fatal(err)
		}
	}
	g := NewInspectors(1)
	for range 100 {
		cells := g.Next()
		if err := uscc.ValidateIDNumber(cells[1]); err != nil {
			t.Fatal(err)
		}
	}
}

func TestTargets_DefectsCycleEveryN(t *testing.T) {
	g := NewTargets(7, 5)
	var got []string
	for i := 1; i <= 30; i++ {
		_, d := g.Next()
		if (d != "") != (i%5 == 0) {
			t.Fatalf("row %d defect %q", i, d)
		}
		if d != "" {
			got = append(got, d)
		}
	}
	if len(got) != 6 || got[0] != DefectCheckDigit || got[5] != DefectDivision {
		t.Fatalf("defects = %v", got)
	}
}
