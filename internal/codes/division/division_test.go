package division

import "testing"

func TestLookup_CountyTownsAndPrefixedForms(t *testing.T) {
	tab := NewTable(Builtin, []Entry{{"370902", "泰山区"}, {"370902", "岱庙街道"}})
	for name, want := range map[string]string{
		"磁窑镇": "370921", " 文庙 街道": "370921", "宁阳县": "370921", "宁阳县磁窑镇": "370921",
		"山东省泰安市宁阳县乡饮乡": "370921", "岱庙街道": "370902", "泰山区岱庙街道": "370902",
	} {
		if got, ok := tab.Lookup(name); !ok || got != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"城区", "宁阳县城区", "泰山区磁窑镇", ""} {
		if got, ok := tab.Lookup(name); ok {
			t.Errorf("Lookup(%q) = %q, want not found", name, got)
		}
	}
}
