package draw

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

// mustRun runs the whole pipeline on in: commit, seed, draw.
func mustRun(t testing.TB, in Inputs, secret []byte, entropy string) (Commitment, Hash, *Outcome) {
	t.Helper()
	c, err := Commit(in, SecretHash(secret))
	if err != nil {
		t.Fatalf("Commit: %v", err)
	}
	_, seed, err := DeriveSeed(c, secret, entropy)
	if err != nil {
		t.Fatalf("DeriveSeed: %v", err)
	}
	o, err := Run(in, seed)
	if err != nil {
		t.Fatalf("Run: %v", err)
	}
	return c, seed, o
}

func codeOf(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// ruleChecker re-states the team rules of docs/draw-algorithm.md §8 independently of team.go,
// to check teams produced by it.
type ruleChecker struct {
	p       Params
	seed    Hash
	pool    map[string]Inspector
	blocked map[[2]string]bool
	load    map[string]int
}

func newRuleChecker(in Inputs, seed Hash) *ruleChecker {
	rc := &ruleChecker{p: in.Params.Normalize(), seed: seed, pool: map[string]Inspector{},
		blocked: map[[2]string]bool{}, load: map[string]int{}}
	for _, x := range in.Inspectors {
		rc.pool[x.Key] = x
	}
	for _, c := range in.Conflicts {
		rc.blocked[[2]string{c.Inspector, c.Target}] = true
	}
	for _, a := range in.Rotation {
		rc.blocked[[2]string{a.Inspector, a.Target}] = true
	}
	return rc
}

// eligible says whether inspector x may join the team of target now, and why not.
func (rc *ruleChecker) eligible(x Inspector, target string, recused map[string]bool) (bool, string) {
	p := rc.p
	switch {
	case !x.Active:
		return false, "inactive"
	case !slices.Contains(append([]string{p.Initiator}, p.Participants...), x.Department):
		return false, "not a participating department"
	case !x.Expert && (x.CertificateExpires == "" || x.CertificateExpires < p.Window.End):
		return false, "certificate not valid through the window"
	case rc.blocked[[2]string{x.Key, target}]:
		return false, "conflict or rotation"
	case recused[x.Key]:
		return false, "recused"
	case p.Team.MaxPerInspector > 0 && rc.load[x.Key] >= p.Team.MaxPerInspector:
		return false, "workload cap"
	}
	for _, it := range p.Items {
		if it.Department != x.Department {
			continue
		}
		for _, q := range it.Qualifications {
			if !slices.Contains(x.Qualifications, q) {
				return false, "lacks qualification " + q
			}
		}
	}
	return true, ""
}

// check verifies one team against every rule and then adds it to the workload.
func (rc *ruleChecker) check(t testing.TB, team Team, recused map[string]bool) {
	t.Helper()
	p := rc.p
	seen := map[string]bool{}
	officers, experts := 0, 0
	depts := map[string]bool{}
	var chosenOfficers []Member
	for _, m := range team.Members {
		x, ok := rc.pool[m.Inspector]
		if !ok {
			t.Fatalf("target %s: member %s is not in the pool", team.Target, m.Inspector)
		}
		if seen[m.Inspector] {
			t.Fatalf("target %s: member %s twice", team.Target, m.Inspector)
		}
		seen[m.Inspector] = true
		if ok, why := rc.eligible(x, team.Target, recused); !ok {
			t.Fatalf("target %s: member %s is not eligible: %s", team.Target, m.Inspector, why)
		}
		if m.Rank != InspectorRank(rc.seed, team.Target, m.Inspector) || m.Expert != x.Expert || m.Department != x.Department {
			t.Fatalf("target %s: member %s carries wrong rank, expert flag or department", team.Target, m.Inspector)
		}
		if x.Expert {
			experts++
		} else {
			if experts > 0 {
				t.Fatalf("target %s: officers must be listed before experts", team.Target)
			}
			officers++
			depts[x.Department] = true
			chosenOfficers = append(chosenOfficers, m)
		}
	}
	// 行政处罚法 art. 42: at least two officers; experts never count.
	if officers != p.Team.Size || officers < 2 {
		t.Fatalf("target %s: %d officers, want %d (≥ 2)", team.Target, officers, p.Team.Size)
	}
	for _, d := range p.RequiredDepartments() {
		if !depts[d] {
			t.Fatalf("target %s: no officer of required department %s", team.Target, d)
		}
	}
	// Experts: as many as requested and available.
	availExperts := 0
	var eligibleOfficers []Inspector
	for _, x := range rc.pool {
		if ok, _ := rc.eligible(x, team.Target, recused); ok {
			if x.Expert {
				availExperts++
			} else {
				eligibleOfficers = append(eligibleOfficers, x)
			}
		}
	}
	if want := min(p.Team.Experts, availExperts); experts != want {
		t.Fatalf("target %s: %d experts, want %d", team.Target, experts, want)
	}
	// Minimality: an eligible officer left out may outrank a chosen one only if the chosen one
	// is the best-ranked eligible officer of a required department.
	rank := func(k string) string { return InspectorRank(rc.seed, team.Target, k).String() + k }
	bestOf := map[string]string{}
	for _, x := range eligibleOfficers {
		if b, ok := bestOf[x.Department]; !ok || rank(x.Key) < rank(b) {
			bestOf[x.Department] = x.Key
		}
	}
	for _, y := range eligibleOfficers {
		if seen[y.Key] {
			continue
		}
		for _, m := range chosenOfficers {
			if rank(y.Key) < rank(m.Inspector) {
				x := rc.pool[m.Inspector]
				if bestOf[x.Department] != x.Key || !slices.Contains(p.RequiredDepartments(), x.Department) {
					t.Fatalf("target %s: %s was left out although it outranks %s, which no department rule needs", team.Target, y.Key, m.Inspector)
				}
			}
		}
	}
	// Officers and experts each in rank order.
	for i := 1; i < len(team.Members); i++ {
		a, b := team.Members[i-1], team.Members[i]
		if a.Expert == b.Expert && strings.Compare(rank(a.Inspector), rank(b.Inspector)) > 0 {
			t.Fatalf("target %s: members not in rank order", team.Target)
		}
	}
	for _, m := range team.Members {
		rc.load[m.Inspector]++
	}
}

func (rc *ruleChecker) release(team Team) {
	for _, m := range team.Members {
		rc.load[m.Inspector]--
	}
}
