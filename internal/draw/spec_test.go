package draw

import (
	"slices"
	"testing"
)

// Rules that docs/draw-algorithm.md states explicitly since issue 18, each checked once.

// §2, §4.1: every integer parameter lies in 0 … 2⁵³ − 1.
func TestSpec_IntegerParametersUpTo2To53(t *testing.T) {
	for name, change := range map[string]func(p *Params){
		"count":           func(p *Params) { p.Strata[0] = StratumSpec{Name: "A", Mode: ModeCount, Count: MaxInt + 1} },
		"recentMonths":    func(p *Params) { p.Exclusion.RecentMonths = MaxInt + 1 },
		"yearlyCap":       func(p *Params) { p.Exclusion.YearlyCap = -1 },
		"team size":       func(p *Params) { p.Team.Size = MaxInt + 1 },
		"experts":         func(p *Params) { p.Team.Experts = MaxInt + 1 },
		"maxPerInspector": func(p *Params) { p.Team.MaxPerInspector = MaxInt + 1 },
		"rotationMonths":  func(p *Params) { p.Team.RotationMonths = MaxInt + 1 },
	} {
		in := fixtureInputs()
		change(&in.Params)
		if _, err := Commit(in, SecretHash(fixtureSecret)); codeOf(err) != CodeInvalidParameters {
			t.Errorf("%s out of range: %v, want INVALID_PARAMETERS", name, err)
		}
	}
	in := fixtureInputs()
	in.Params.Strata[0] = StratumSpec{Name: "A", Mode: ModeCount, Count: MaxInt}
	if _, err := Commit(in, SecretHash(fixtureSecret)); err != nil {
		t.Errorf("count 2⁵³−1 is valid: %v", err)
	}
}

// §4.1 step 7: a date is a real calendar day of the years 0001–9999.
func TestSpec_Dates(t *testing.T) {
	for _, d := range []string{"0000-01-01", "2026-02-29", "2026-13-01", "2026-4-01", "20260401"} {
		if validDate(d) {
			t.Errorf("%s accepted", d)
		}
	}
	for _, d := range []string{"0001-01-01", "2028-02-29", "9999-12-31"} {
		if !validDate(d) {
			t.Errorf("%s rejected", d)
		}
	}
	in := fixtureInputs()
	in.Params.Window.Start = "0000-12-31"
	if _, err := Commit(in, SecretHash(fixtureSecret)); codeOf(err) != CodeInvalidParameters {
		t.Errorf("window from year 0: %v", err)
	}
}

// §8.2 rule 4 applies to experts: an expert without its department's qualification is never
// drawn, although it needs no certificate.
func TestSpec_QualificationRuleAppliesToExperts(t *testing.T) {
	in := fixtureInputs()
	for i := range in.Inspectors {
		if in.Inspectors[i].Key == "SCJG-E01" {
			in.Inspectors[i].Qualifications = []string{"市场监管"} // lacks 食品安全
		}
	}
	_, seed, o := mustRun(t, in, fixtureSecret, fixtureEntropy)
	for _, team := range o.Teams {
		if slices.ContainsFunc(team.Members, func(m Member) bool { return m.Inspector == "SCJG-E01" }) {
			t.Fatalf("unqualified expert SCJG-E01 drawn for %s", team.Target)
		}
	}
	ranked, err := RankInspectors(seed, in, o.Teams[0].Target)
	if err != nil {
		t.Fatal(err)
	}
	if slices.ContainsFunc(ranked, func(r RankedInspector) bool { return r.Inspector.Key == "SCJG-E01" }) {
		t.Fatal("unqualified expert ranked as eligible")
	}
}

// §4.1 step 10: the GENERAL cap on a COUNT stratum counts targets, ceil(N × cap / 10⁶).
func TestSpec_GeneralCapOnCountInTargets(t *testing.T) {
	in := fixtureInputs() // A has N = 8
	in.Params.Items[0].Category, in.Params.Items[0].MaxRatioPPM = CategoryGeneral, 100_000
	for i := range in.Params.Strata {
		in.Params.Strata[i] = StratumSpec{Name: in.Params.Strata[i].Name, Mode: ModeRatio, RatioPPM: 100_000}
	}
	in.Params.Strata[0] = StratumSpec{Name: "A", Mode: ModeCount, Count: 1} // ceil(8 × 10%) = 1
	if _, err := Commit(in, SecretHash(fixtureSecret)); err != nil {
		t.Fatalf("count 1 of 8 under a 10%% cap: %v", err)
	}
	in.Params.Strata[0].Count = 2
	if _, err := Commit(in, SecretHash(fixtureSecret)); codeOf(err) != CodeInvalidParameters {
		t.Fatalf("count 2 of 8 under a 10%% cap: %v", err)
	}
}
