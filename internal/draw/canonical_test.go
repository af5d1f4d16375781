package draw

import (
	"encoding/json"
	"testing"
)

func TestCanonicalJSON(t *testing.T) {
	tests := []struct {
		name string
		in   any
		want string
	}{
		{"sorted members, no whitespace", map[string]any{"b": 1, "a": []any{true, false}, "A": "x"}, `{"A":"x","a":[true,false],"b":1}`},
		{"minimal escapes, UTF-8 kept", map[string]any{"s": "\"\\\b\f\n\r\t\x01\x1f<>&\u2028中/"}, `{"s":"\"\\\b\f\n\r\t\u0001\u001f<>&` + "\u2028" + `中/"}`},
		{"struct tags name members", StratumCount{Name: "A", Eligible: 8, Excluded: 1, Draw: 1}, `{"draw":1,"eligible":8,"excluded":1,"name":"A"}`},
		{"negative and large integers", []any{-1, int64(1) << 62}, `[-1,4611686018427387904]`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := canonicalJSON(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if string(got) != tt.want {
				t.Fatalf("got  %s\nwant %s", got, tt.want)
			}
		})
	}
	for _, bad := range []any{map[string]any{"x": nil}, []any{1.5}, map[string]any{"x": []string(nil)}} {
		if _, err := canonicalJSON(bad); err == nil {
			t.Fatalf("canonicalJSON(%v): want an error", bad)
		}
	}
}

func TestHash_TextForm(t *testing.T) {
	h := Hash{0xab, 0x01}
	b, _ := json.Marshal(h)
	if string(b) != `"ab01000000000000000000000000000000000000000000000000000000000000"` {
		t.Fatalf("got %s", b)
	}
	var back Hash
	if err := json.Unmarshal(b, &back); err != nil || back != h {
		t.Fatalf("round trip: %v %v", back, err)
	}
	if err := json.Unmarshal([]byte(`"AB01000000000000000000000000000000000000000000000000000000000000"`), &back); err == nil {
		t.Fatal("upper-case hex must be rejected: every hash has one textual form")
	}
}
