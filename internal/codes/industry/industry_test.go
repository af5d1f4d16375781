package industry

import "testing"

func TestLookup_NamesOfEveryLevel(t *testing.T) {
	for name, want := range map[string]string{
		"制造业": "C", "农、林、牧、渔业": "A", "农林牧渔业": "A", "批发零售业": "F",
		"农副食品加工业": "13", "餐饮业": "62", "房地产业": "70", "教育": "83",
		"正餐服务": "6210", " 超级市场零售 ": "5212", "门诊部(所)": "8425", "酒，饮料和精制茶制造业": "15",
	} {
		if got, ok := Lookup(name); !ok || got != want {
			t.Errorf("Lookup(%q) = %q, %v; want %q", name, got, ok, want)
		}
	}
	for _, name := range []string{"", "餐饮", "未知行业"} {
		if code, ok := Lookup(name); ok {
			t.Errorf("Lookup(%q) = %q, want not found", name, code)
		}
	}
}

func TestTables_CodesConsistent(t *testing.T) {
	if len(Divisions) != 97 || len(Sections) != 20 {
		t.Fatalf("%d divisions, %d sections", len(Divisions), len(Sections))
	}
	for i, d := range Divisions {
		if want := i + 1; d.Code[0]-'0' != byte(want/10) || d.Code[1]-'0' != byte(want%10) {
			t.Errorf("division %d has code %s", want, d.Code)
		}
	}
	for _, c := range Classes {
		div := int(c.Code[0]-'0')*10 + int(c.Code[1]-'0')
		if len(c.Code) != 4 || SectionOf(div) == 0 {
			t.Errorf("class %s %s", c.Code, c.Name)
		}
	}
}
