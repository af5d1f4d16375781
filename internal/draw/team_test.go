package draw

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

func TestTeams_FixtureObeysEveryRule(t *testing.T) {
	in := fixtureInputs()
	_, seed, o := mustRun(t, in, fixtureSecret, fixtureEntropy)
	rc := newRuleChecker(in, seed)
	for _, team := range o.Teams {
		rc.check(t, team, nil)
	}
	// Teams come in global ticket order.
	for i := 1; i < len(o.Teams); i++ {
		if comparePicks(Pick{o.Teams[i-1].Target, o.Teams[i-1].Ticket}, Pick{o.Teams[i].Target, o.Teams[i].Ticket}) >= 0 {
			t.Fatal("teams are not in ascending ticket order")
		}
	}
	// The fixture's ineligible inspectors never appear.
	for _, team := range o.Teams {
		for _, m := range team.Members {
			switch m.Inspector {
			case "SCJG-004", "SCJG-005", "SCJG-006", "SCJG-007", "YJ-001":
				t.Fatalf("ineligible inspector %s drawn for %s", m.Inspector, team.Target)
			}
		}
	}
}

func TestTeams_CertificateValidThroughWindowEnd(t *testing.T) {
	p := fixtureInputs().Params.Normalize()
	depts, quals := p.Departments(), p.RequiredQualifications()
	x := Inspector{Key: "X", Department: "SCJG", Active: true, Qualifications: []string{"食品安全"}}
	for expiry, want := range map[string]bool{"2026-06-30": true, "2026-07-01": true, "2026-06-29": false, "": false} {
		x.CertificateExpires = expiry
		if got := staticEligible(p, depts, quals, x); got != want {
			t.Errorf("certificate until %q: eligible=%v, want %v", expiry, got, want)
		}
	}
	x.Expert, x.CertificateExpires = true, ""
	if !staticEligible(p, depts, quals, x) {
		t.Error("an expert needs no enforcement certificate")
	}
}

// pool returns n officers of dept, all eligible for the fixture's task.
func pool(dept string, n int, expert bool) []Inspector {
	q := map[string]string{"SCJG": "食品安全", "WJ": "公共场所卫生"}[dept]
	var out []Inspector
	for i := range n {
		prefix := dept + "-"
		if expert {
			prefix += "E"
		}
		out = append(out, Inspector{Key: fmt.Sprintf("%s%02d", prefix, i), Department: dept, Expert: expert,
			Active: true, CertificateExpires: "2030-01-01", Qualifications: []string{q}})
	}
	return out
}

func TestTeams_PoolExhaustedNamesTargetAndRule(t *testing.T) {
	tests := []struct {
		name  string
		pool  []Inspector
		rule  string
		words string
	}{
		// Experts never count: one officer and plenty of experts is not a team.
		{"experts never count", append(append(pool("SCJG", 1, false), pool("WJ", 0, false)...), pool("SCJG", 5, true)...), RuleDepartment, "部门“WJ”没有符合条件的执法人员"},
		{"too few officers", append(pool("SCJG", 1, false), pool("WJ", 1, false)...), "", ""},
		{"one department missing", pool("SCJG", 9, false), RuleDepartment, "部门“WJ”"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := fixtureInputs()
			in.Inspectors = tt.pool
			in.Conflicts, in.Rotation = nil, nil
			if tt.rule == "" {
				// Two officers (one per department) suffice for Size 2; ask for three.
				in.Params.Team.Size = 3
				tt.rule, tt.words = RuleMinInspectors, "只有 2 名，每组需要 3 名（行政处罚法第四十二条"
			}
			c, err := Commit(in, SecretHash(fixtureSecret))
			if err != nil {
				t.Fatal(err)
			}
			_, seed, _ := DeriveSeed(c, fixtureSecret, fixtureEntropy)
			_, err = Run(in, seed)
			var e *Error
			if !errors.As(err, &e) || e.Code != CodePoolExhausted || e.Rule != tt.rule {
				t.Fatalf("got %v, want POOL_EXHAUSTED/%s", err, tt.rule)
			}
			if e.Target == "" || !strings.Contains(e.Message, "对象“"+e.Target+"”") || !strings.Contains(e.Message, tt.words) {
				t.Fatalf("message does not name the target %q and the rule: %s", e.Target, e.Message)
			}
		})
	}
}

func TestTeams_WorkloadCapSpreadsTargets(t *testing.T) {
	in := fixtureInputs()
	in.Inspectors = append(pool("SCJG", 4, false), pool("WJ", 4, false)...)
	in.Conflicts, in.Rotation = nil, nil
	in.Params.Team = TeamRules{Size: 2, MaxPerInspector: 2}
	_, seed, o := mustRun(t, in, fixtureSecret, fixtureEntropy)
	load := map[string]int{}
	for _, team := range o.Teams {
		for _, m := range team.Members {
			load[m.Inspector]++
		}
	}
	for k, n := range load {
		if n > 2 {
			t.Fatalf("%s has %d targets, cap 2", k, n)
		}
	}
	// 8 targets × 1 officer per department = 8 assignments per department over 4 officers × 2.
	in.Params.Team.MaxPerInspector = 1
	c, _ := Commit(in, SecretHash(fixtureSecret))
	_, seed, _ = DeriveSeed(c, fixtureSecret, fixtureEntropy)
	if _, err := Run(in, seed); codeOf(err) != CodePoolExhausted {
		t.Fatalf("cap 1 with 4 officers per department for 8 targets: got %v, want POOL_EXHAUSTED", err)
	}
}

// randomTask builds a random joint task and pool from r.
func randomTask(r *rand.Rand) Inputs {
	all := []string{"SCJG", "WJ", "YJ", "ZJ"}
	quals := []string{"q1", "q2", "q3"}
	p := Params{
		Task: "T", Initiator: "SCJG", Rounding: RoundingCeil,
		Window: Window{Start: "2026-04-01", End: "2026-06-30"},
		Team:   TeamRules{Size: 2 + r.IntN(3), Experts: r.IntN(3), MaxPerInspector: r.IntN(4)},
	}
	for _, d := range all[1:] {
		if r.IntN(2) == 0 {
			p.Participants = append(p.Participants, d)
		}
	}
	depts := append([]string{"SCJG"}, p.Participants...)
	for i, d := range depts {
		if i == 0 || r.IntN(3) > 0 {
			var qs []string
			for _, q := range quals {
				if r.IntN(3) == 0 {
					qs = append(qs, q)
				}
			}
			p.Items = append(p.Items, Item{Code: fmt.Sprintf("%s-%d", d, i), Department: d, Category: CategoryKey, Qualifications: qs})
		}
	}
	p.Team.Size = max(p.Team.Size, len(p.RequiredDepartments()))
	nTargets := 1 + r.IntN(12)
	var cands []Candidate
	for i := range nTargets {
		cands = append(cands, Candidate{Key: fmt.Sprintf("T%02d", i), Stratum: []string{"A", "B"}[i%2]})
	}
	p.Strata = []StratumSpec{{Name: "A", Mode: ModeRatio, RatioPPM: int64(r.IntN(PPM + 1))}, {Name: "B", Mode: ModeCount, Count: int64(r.IntN(8))}}
	f, err := NewFrame(cands, nil)
	if err != nil {
		panic(err)
	}
	in := Inputs{Frame: f, Params: p}
	expiries := []string{"", "2026-06-29", "2026-06-30", "2027-01-01", "2030-12-31", "2030-12-31", "2030-12-31"}
	for i := range 4 + r.IntN(40) {
		x := Inspector{Key: fmt.Sprintf("I%02d", i), Department: all[r.IntN(len(all))], Expert: r.IntN(5) == 0,
			Active: r.IntN(8) > 0, CertificateExpires: expiries[r.IntN(len(expiries))]}
		for _, q := range quals {
			if r.IntN(6) > 0 {
				x.Qualifications = append(x.Qualifications, q)
			}
		}
		in.Inspectors = append(in.Inspectors, x)
	}
	for range r.IntN(15) {
		in.Conflicts = append(in.Conflicts, Conflict{Inspector: in.Inspectors[r.IntN(len(in.Inspectors))].Key, Target: cands[r.IntN(nTargets)].Key})
	}
	for range r.IntN(15) {
		in.Rotation = append(in.Rotation, Assignment{Inspector: in.Inspectors[r.IntN(len(in.Inspectors))].Key, Target: cands[r.IntN(nTargets)].Key})
	}
	return in
}

// Over many random pools no team ever breaks a rule; when the pool cannot satisfy a target the
// error names it and the rule really cannot be met at that point; recusals and replacements
// keep every rule; and every bundle verifies.
func TestTeams_PropertyNoRuleEverBroken(t *testing.T) {
	r := rand.New(rand.NewPCG(20260401, 42)) // fixed: the test is deterministic
	var ok, exhausted, amended int
	for iter := range 2000 {
		in := randomTask(r)
		secret := fixtureSecret
		entropy := fmt.Sprint(iter)
		c, err := Commit(in, SecretHash(secret))
		if err != nil {
			t.Fatalf("iteration %d: Commit: %v", iter, err)
		}
		_, seed, _ := DeriveSeed(c, secret, entropy)
		o, err := Run(in, seed)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodePoolExhausted {
				t.Fatalf("iteration %d: unexpected error %v", iter, err)
			}
			checkExhausted(t, in, seed, e)
			exhausted++
			continue
		}
		ok++
		rc := newRuleChecker(in, seed)
		for _, team := range o.Teams {
			rc.check(t, team, nil)
		}
		// Amend: recuse a member of a random team, or replace a random target.
		if len(o.Teams) == 0 {
			continue
		}
		team := o.Teams[r.IntN(len(o.Teams))]
		var o2 *Outcome
		if r.IntN(2) == 0 {
			o2, err = Recuse(in, o, team.Target, []string{team.Members[r.IntN(len(team.Members))].Inspector}, "企业申请回避")
		} else {
			o2, err = Replace(in, o, team.Target, "已注销")
		}
		if err != nil {
			if c := codeOf(err); c != CodePoolExhausted && c != CodeReplacementExhausted {
				t.Fatalf("iteration %d: amendment: %v", iter, err)
			}
			continue
		}
		amended++
		a := o2.Amendments[0]
		rc.release(team)
		recused := map[string]bool{}
		for _, k := range a.Recused {
			recused[k] = true
		}
		rc.check(t, a.Team, recused)
		if a.Kind == AmendReplace && a.Replacement.Key == team.Target {
			t.Fatalf("iteration %d: a target replaced by itself", iter)
		}
		b, err := NewBundle(in, c, entropy, secret, o2)
		if err != nil {
			t.Fatal(err)
		}
		if err := Verify(b); err != nil {
			t.Fatalf("iteration %d: bundle does not verify: %v", iter, err)
		}
	}
	t.Logf("%d draws complete (%d amended), %d POOL_EXHAUSTED", ok, amended, exhausted)
	if ok < 100 || exhausted < 100 || amended < 50 {
		t.Fatalf("the generator should exercise both outcomes: %d complete, %d exhausted, %d amended", ok, exhausted, amended)
	}
}

// checkExhausted replays the draw up to the failing target and confirms, with the independent
// checker, that the named rule cannot be met there.
func checkExhausted(t *testing.T, in Inputs, seed Hash, e *Error) {
	t.Helper()
	pr, err := prepare(in)
	if err != nil {
		t.Fatal(err)
	}
	counts := map[string]int{}
	for _, c := range pr.counts {
		counts[c.Name] = c.Draw
	}
	draws, _ := SelectTargets(seed, pr.frame, counts)
	order := globalOrder(draws)
	i := slices.IndexFunc(order, func(s slot) bool { return s.Key == e.Target })
	if i < 0 {
		t.Fatalf("POOL_EXHAUSTED names %q, which is not a drawn target", e.Target)
	}
	if !strings.Contains(e.Message, e.Target) {
		t.Fatalf("message does not name the target: %s", e.Message)
	}
	tm := newTeamer(pr, seed)
	rc := newRuleChecker(in, seed)
	for _, s := range order[:i] {
		team, err := tm.assign(s.Key, s.stratum, s.position, s.Ticket, nil)
		if err != nil {
			t.Fatalf("an earlier target failed: %v", err)
		}
		rc.check(t, team, nil)
	}
	officers := map[string]int{}
	total := 0
	for _, x := range rc.pool {
		if ok, _ := rc.eligible(x, e.Target, nil); ok && !x.Expert {
			officers[x.Department]++
			total++
		}
	}
	switch e.Rule {
	case RuleDepartment:
		missing := false
		for _, d := range pr.params.RequiredDepartments() {
			missing = missing || officers[d] == 0
		}
		if !missing {
			t.Fatalf("DEPARTMENT_COVERAGE for %s, but every required department has an eligible officer", e.Target)
		}
	case RuleMinInspectors:
		if total >= pr.params.Team.Size {
			t.Fatalf("MIN_INSPECTORS for %s, but %d eligible officers ≥ %d", e.Target, total, pr.params.Team.Size)
		}
	default:
		t.Fatalf("unknown rule %q", e.Rule)
	}
}
