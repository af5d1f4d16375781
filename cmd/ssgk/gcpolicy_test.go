package main

import "testing"

func TestServeGCPolicy(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	const gib = int64(1) << 30
	for _, c := range []struct {
		name  string
		env   map[string]string
		total int64
		want  gcPolicy
	}{
		{"defaults on 8 GiB", nil, 8 * gib, gcPolicy{Percent: 400, MemLimit: 2 * gib}},
		{"small machine: the floor", nil, 512 << 20, gcPolicy{Percent: 400, MemLimit: 256 << 20}},
		{"memory unknown: the floor", nil, 0, gcPolicy{Percent: 400, MemLimit: 256 << 20}},
		{"operator's GOGC", map[string]string{"GOGC": "100"}, 8 * gib, gcPolicy{MemLimit: 2 * gib}},
		{"operator's GOMEMLIMIT", map[string]string{"GOMEMLIMIT": "1GiB"}, 8 * gib, gcPolicy{Percent: 400}},
		{"operator's both", map[string]string{"GOGC": "off", "GOMEMLIMIT": "1GiB"}, 8 * gib, gcPolicy{}},
	} {
		if got := serveGCPolicy(env(c.env), c.total); got != c.want {
			t.Errorf("%s: got %+v, want %+v", c.name, got, c.want)
		}
	}
}

func TestMemTotal(t *testing.T) {
	in := []byte("MemTotal:       24610412 kB\nMemFree:        20000000 kB\n")
	if got, want := memTotal(in), int64(24610412)<<10; got != want {
		t.Errorf("memTotal = %d, want %d", got, want)
	}
	if got := memTotal([]byte("MemFree: 1 kB\n")); got != 0 {
		t.Errorf("memTotal without MemTotal = %d, want 0", got)
	}
	if got := availableMemory(); got <= 0 {
		t.Errorf("availableMemory on this Linux machine = %d, want > 0", got)
	}
}
