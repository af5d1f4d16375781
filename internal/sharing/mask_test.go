package sharing

import "testing"

func TestMasks(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{MaskIDNumber("37092119900101123X"), "3709**********123X"},
		{MaskPhone("13853812345"), "138****2345"},
		{MaskPhone("05385621234"), "0538***1234"},
		{MaskPhone("12345"), "****5"},
		{MaskIDNumber(""), ""},
	} {
		if c.in != c.want {
			t.Errorf("masked %q, want %q", c.in, c.want)
		}
	}
}
