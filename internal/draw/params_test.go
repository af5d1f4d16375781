package draw

import (
	"strings"
	"testing"
)

func TestDrawCount_CeilExactIntegers(t *testing.T) {
	tests := []struct {
		spec StratumSpec
		N    int
		want int
	}{
		{StratumSpec{Mode: ModeRatio, RatioPPM: 50_000}, 8, 1},    // 0.4 → 1
		{StratumSpec{Mode: ModeRatio, RatioPPM: 50_000}, 20, 1},   // exactly 1
		{StratumSpec{Mode: ModeRatio, RatioPPM: 50_000}, 21, 2},   // 1.05 → 2
		{StratumSpec{Mode: ModeRatio, RatioPPM: 200_000}, 6, 2},   // 1.2 → 2
		{StratumSpec{Mode: ModeRatio, RatioPPM: 600_000}, 4, 3},   // 2.4 → 3
		{StratumSpec{Mode: ModeRatio, RatioPPM: 1_000_000}, 2, 2}, // all
		{StratumSpec{Mode: ModeRatio, RatioPPM: 30_000}, 1_000_000, 30_000},
		{StratumSpec{Mode: ModeRatio, RatioPPM: 333_333}, 33, 11}, // 10.999989 → 11
		{StratumSpec{Mode: ModeRatio, RatioPPM: 333_333}, 3_000_000, 999_999},
		{StratumSpec{Mode: ModeRatio, RatioPPM: 1}, 1, 1}, // any non-zero ratio draws one
		{StratumSpec{Mode: ModeRatio, RatioPPM: 0}, 100, 0},
		{StratumSpec{Mode: ModeRatio, RatioPPM: 50_000}, 0, 0},
		{StratumSpec{Mode: ModeRatio, RatioPPM: 1_000_000}, maxEligible, maxEligible},
		{StratumSpec{Mode: ModeCount, Count: 5}, 3, 3}, // capped at N
		{StratumSpec{Mode: ModeCount, Count: 5}, 30, 5},
	}
	for _, tt := range tests {
		if got := DrawCount(tt.spec, tt.N); got != tt.want {
			t.Errorf("DrawCount(%+v, %d) = %d, want %d", tt.spec, tt.N, got, tt.want)
		}
	}
}

func TestFormatPPM(t *testing.T) {
	for ppm, want := range map[int64]string{50_000: "5%", 125_000: "12.5%", 1: "0.0001%", 1_000_000: "100%", 0: "0%"} {
		if got := FormatPPM(ppm); got != want {
			t.Errorf("FormatPPM(%d) = %s, want %s", ppm, got, want)
		}
	}
}

func TestValidateParams(t *testing.T) {
	general := func(p *Params) {
		p.Items = []Item{{Code: "SCJG-GS-01", Department: "SCJG", Category: CategoryGeneral, MaxRatioPPM: 100_000}}
	}
	tests := []struct {
		name   string
		mutate func(p *Params)
		want   string // substring of the message; "" = valid
	}{
		{"fixture is valid", func(*Params) {}, ""},
		{"KEY items allow 100%", func(p *Params) { p.Strata = []StratumSpec{{Name: "D", Mode: ModeRatio, RatioPPM: PPM}} }, ""},
		{"GENERAL item caps the ratio", func(p *Params) { general(p); p.Participants = nil }, "超过一般检查事项“SCJG-GS-01”的比例上限 10%"},
		{"GENERAL item at its cap", func(p *Params) {
			general(p)
			p.Participants = nil
			p.Strata = []StratumSpec{{Name: "A", Mode: ModeRatio, RatioPPM: 50_000}, {Name: "B", Mode: ModeRatio, RatioPPM: 100_000}}
		}, ""},
		{"GENERAL item needs a cap", func(p *Params) { general(p); p.Items[0].MaxRatioPPM = 0 }, "必须设定抽查比例上限"},
		{"KEY item has no cap", func(p *Params) { p.Items[0].MaxRatioPPM = 100_000 }, "不设上限"},
		{"no items", func(p *Params) { p.Items = nil }, "无事项不检查"},
		{"item of a non-participant", func(p *Params) { p.Items[0].Department = "YJ" }, "不是本任务的发起部门或参与部门"},
		{"one officer is not enough", func(p *Params) { p.Team.Size = 1 }, "行政处罚法第四十二条"},
		{"more required departments than officers", func(p *Params) {
			p.Participants = []string{"WJ", "YJ"}
			p.Items = append(p.Items, Item{Code: "YJ-01", Department: "YJ", Category: CategoryKey})
		}, "超过每组执法人员人数 2"},
		{"ratio above 100%", func(p *Params) { p.Strata[0].RatioPPM = PPM + 1 }, "比例须在 0 到 1000000"},
		{"negative count", func(p *Params) { p.Strata[0] = StratumSpec{Name: "A", Mode: ModeCount, Count: -1} }, "数量不能为负"},
		{"unknown mode", func(p *Params) { p.Strata[0].Mode = "PERCENT" }, "抽取方式“PERCENT”无效"},
		{"duplicate stratum", func(p *Params) { p.Strata[1].Name = "A" }, "重复"},
		{"window reversed", func(p *Params) { p.Window = Window{Start: "2026-06-30", End: "2026-04-01"} }, "早于开始日期"},
		{"window not a date", func(p *Params) { p.Window.End = "2026-6-30" }, "YYYY-MM-DD"},
		{"rounding other than CEIL", func(p *Params) { p.Rounding = "FLOOR" }, "只支持 CEIL"},
		{"no strata", func(p *Params) { p.Strata = nil }, "至少需要一个抽取层"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := fixtureInputs().Params
			tt.mutate(&p)
			err := ValidateParams(p.Normalize())
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("unexpected error: %v", err)
			case tt.want != "" && (codeOf(err) != CodeInvalidParameters || !strings.Contains(err.Error(), tt.want)):
				t.Fatalf("got %v, want INVALID_PARAMETERS containing %q", err, tt.want)
			}
		})
	}
}

// A fixed count is held to a GENERAL item's cap once N is known: at most ceil(N × cap).
func TestCommit_CountModeRespectsGeneralCap(t *testing.T) {
	in := fixtureInputs()
	in.Params.Participants = nil
	in.Params.Items = []Item{{Code: "SCJG-GS-01", Department: "SCJG", Category: CategoryGeneral, MaxRatioPPM: 100_000}}
	in.Params.Strata = []StratumSpec{
		{Name: "A", Mode: ModeCount, Count: 1}, // ceil(8 × 10%) = 1: allowed
		{Name: "B", Mode: ModeCount, Count: 2}, // ceil(6 × 10%) = 1: too many
		{Name: "C", Mode: ModeRatio, RatioPPM: 100_000},
		{Name: "D", Mode: ModeRatio, RatioPPM: 100_000},
	}
	_, err := Commit(in, SecretHash(fixtureSecret))
	if codeOf(err) != CodeInvalidParameters || !strings.Contains(err.Error(), "第 2 层（B）抽取 2 户") {
		t.Fatalf("got %v", err)
	}
	in.Params.Strata[1].Count = 1
	if _, err := Commit(in, SecretHash(fixtureSecret)); err != nil {
		t.Fatal(err)
	}
}

func TestParams_NormalizeIsCanonical(t *testing.T) {
	p := fixtureInputs().Params
	p.Participants = []string{"WJ", "SCJG", "WJ"}
	n := p.Normalize()
	if got := strings.Join(n.Participants, ","); got != "WJ" {
		t.Fatalf("participants %q: initiator and duplicates must go", got)
	}
	if n.Items[0].Code != "SCJG-SP-01" || n.Strata[0].Name != "A" || n.Rounding != RoundingCeil {
		t.Fatalf("not normalised: %+v", n)
	}
	a, _ := canonicalJSON(n)
	b, _ := canonicalJSON(n.Normalize())
	if string(a) != string(b) {
		t.Fatal("Normalize is not idempotent")
	}
}
