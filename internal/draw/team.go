package draw

import (
	"bytes"
	"crypto/sha256"
	"slices"
	"strconv"
	"strings"
	"sync"
)

// Member is an inspector of a team, with the rank that placed it there.
type Member struct {
	Inspector  string `json:"inspector"`
	Department string `json:"department"`
	Expert     bool   `json:"expert"`
	Rank       Hash   `json:"rank"`
}

// Team is a drawn target with its inspection team (检查组). Members list the enforcement
// officers in rank order, then the experts in rank order.
type Team struct {
	Target  string `json:"target"`
	Stratum string `json:"stratum"`
	// Position is the target's 0-based place in its stratum's ticket order: below n for a drawn
	// target, n and above for a replacement.
	Position int      `json:"position"`
	Ticket   Hash     `json:"ticket"`
	Members  []Member `json:"members"`
}

var inspectorWord = []byte("inspector\x00")

// InspectorRank is SHA-256(S ‖ "inspector" ‖ 0x00 ‖ target key ‖ 0x00 ‖ inspector key); lower
// ranks are drawn first, equal ranks (never seen in practice) are ordered by inspector key.
func InspectorRank(seed Hash, target, inspector string) Hash {
	var buf []byte
	return rankInto(&buf, seed, target, inspector)
}

// rankInto computes the rank in *buf, which it reuses and grows.
func rankInto(buf *[]byte, seed Hash, target, inspector string) Hash {
	b := append((*buf)[:0], seed[:]...)
	b = append(b, inspectorWord...)
	b = append(b, target...)
	b = append(b, 0)
	b = append(b, inspector...)
	*buf = b
	return sha256.Sum256(b)
}

// RankedInspector is an eligible inspector and its rank for one target.
type RankedInspector struct {
	Inspector Inspector
	Rank      Hash
}

func compareRanked(a, b RankedInspector) int {
	if c := bytes.Compare(a.Rank[:], b.Rank[:]); c != 0 {
		return c
	}
	return strings.Compare(a.Inspector.Key, b.Inspector.Key)
}

// staticEligible applies the rules that do not depend on the target or on the draw's progress.
func staticEligible(p Params, depts []string, quals map[string][]string, x Inspector) bool {
	if !x.Active {
		return false
	}
	// domain.md §2.6: a joint task's inspectors come from the participating departments.
	if _, ok := slices.BinarySearch(depts, x.Department); !ok {
		return false
	}
	// The certificate must be valid on every inspection date: it expires on or after the
	// window's last day (dates as YYYY-MM-DD compare as strings). Experts are not enforcement
	// officers and need none.
	if !x.Expert && (x.CertificateExpires == "" || x.CertificateExpires < p.Window.End) {
		return false
	}
	// Qualified for the items: holds every qualification that the items of its own department
	// require.
	for _, q := range quals[x.Department] {
		if _, ok := slices.BinarySearch(x.Qualifications, q); !ok {
			return false
		}
	}
	return true
}

// teamer draws teams and keeps the workload of the draw so far.
type teamer struct {
	seed     Hash
	params   Params
	pool     []Inspector // statically eligible, by key
	required []string
	blocked  map[string]map[string]bool // target → inspectors with a declared conflict or rotation history
	load     map[string]int             // targets assigned to each inspector in this draw
	buf      []byte
}

func newTeamer(pr *prepared, seed Hash) *teamer {
	t := &teamer{
		seed:     seed,
		params:   pr.params,
		required: pr.params.RequiredDepartments(),
		blocked:  map[string]map[string]bool{},
		load:     map[string]int{},
	}
	depts, quals := pr.params.Departments(), pr.params.RequiredQualifications()
	for _, x := range pr.pool {
		if staticEligible(pr.params, depts, quals, x) {
			t.pool = append(t.pool, x)
		}
	}
	block := func(inspector, target string) {
		m := t.blocked[target]
		if m == nil {
			m = map[string]bool{}
			t.blocked[target] = m
		}
		m[inspector] = true
	}
	for _, c := range pr.conflicts {
		block(c.Inspector, c.Target) // 行政处罚法 art. 43
	}
	for _, a := range pr.rotation {
		block(a.Inspector, a.Target) // rotation: not the same target again
	}
	return t
}

// ranked returns the inspectors eligible for target before workload is considered, ranked:
// officers and experts apart. It only reads the teamer, so several targets can be ranked at once;
// buf is the caller's scratch buffer.
//
// Without a workload cap, assign only ever takes the best-ranked officer of each required
// department and the best-ranked officers overall up to the team size — all of them among the
// best Size officers of their own department — and the best Experts experts. ranked then keeps
// just those (a bounded insertion per department) instead of sorting every eligible inspector:
// the team is the same, at a fraction of the cost. With a cap, inspectors may drop out as the
// draw goes on, so every eligible inspector is kept.
func (t *teamer) ranked(target string, recused map[string]bool, buf *[]byte) (officers, experts []RankedInspector) {
	return t.rank(target, recused, buf, false)
}

// rank is ranked; all keeps every eligible inspector (for display and the test vectors).
func (t *teamer) rank(target string, recused map[string]bool, buf *[]byte, all bool) (officers, experts []RankedInspector) {
	blocked := t.blocked[target]
	keep, keepExperts := 0, 0
	if !all && t.params.Team.MaxPerInspector <= 0 {
		keep, keepExperts = t.params.Team.Size, max(t.params.Team.Experts, 0)
	}
	var byDept []deptBest
	for _, x := range t.pool {
		if blocked[x.Key] || recused[x.Key] {
			continue
		}
		if keep > 0 && x.Expert && keepExperts == 0 {
			continue // no expert is wanted
		}
		r := RankedInspector{Inspector: x, Rank: rankInto(buf, t.seed, target, x.Key)}
		switch {
		case keep == 0 && x.Expert:
			experts = append(experts, r)
		case keep == 0:
			officers = append(officers, r)
		case x.Expert:
			experts = keepBest(experts, r, keepExperts)
		default:
			i := slices.IndexFunc(byDept, func(d deptBest) bool { return d.dept == x.Department })
			if i < 0 {
				byDept = append(byDept, deptBest{dept: x.Department})
				i = len(byDept) - 1
			}
			byDept[i].best = keepBest(byDept[i].best, r, keep)
		}
	}
	for _, d := range byDept {
		officers = append(officers, d.best...)
	}
	slices.SortFunc(officers, compareRanked)
	slices.SortFunc(experts, compareRanked)
	return officers, experts
}

// deptBest holds a department's best-ranked officers for one target.
type deptBest struct {
	dept string
	best []RankedInspector
}

// keepBest inserts r into best (ascending by rank, at most n entries), dropping the worst.
func keepBest(best []RankedInspector, r RankedInspector, n int) []RankedInspector {
	if len(best) == n {
		if compareRanked(r, best[n-1]) >= 0 {
			return best
		}
		best = best[:n-1]
	}
	i, _ := slices.BinarySearchFunc(best, r, compareRanked)
	return slices.Insert(best, i, r)
}

// underCap drops the inspectors who already have MaxPerInspector targets in this draw
// (workload balance); the rank order is kept.
func (t *teamer) underCap(rs []RankedInspector) []RankedInspector {
	maxLoad := t.params.Team.MaxPerInspector
	if maxLoad <= 0 {
		return rs
	}
	out := rs[:0:0]
	for _, r := range rs {
		if t.load[r.Inspector.Key] < maxLoad {
			out = append(out, r)
		}
	}
	return out
}

// eligible returns the inspectors eligible for target now, ranked: officers and experts apart.
func (t *teamer) eligible(target string, recused map[string]bool) (officers, experts []RankedInspector) {
	officers, experts = t.ranked(target, recused, &t.buf)
	return t.underCap(officers), t.underCap(experts)
}

func (t *teamer) conditions() string {
	p := t.params
	s := "在岗、属于参与部门、执法证有效期至 " + p.Window.End + " 或以后、具备本部门事项要求的执法资格、未申报回避、轮换期内未检查过该对象"
	if p.Team.MaxPerInspector > 0 {
		s += "、本次承担对象未达上限"
	}
	return s
}

// assign draws the team of one target and adds it to the workload. It takes, among the eligible
// enforcement officers in rank order, first the best-ranked officer of each required department
// (departments in bytewise order), then the best-ranked remaining officers until the team has
// Size officers; then up to Experts experts in rank order. A rule that cannot be met is an
// error — never bent.
func (t *teamer) assign(target, stratum string, position int, ticket Hash, recused map[string]bool) (Team, error) {
	officers, experts := t.eligible(target, recused)
	return t.assignFrom(target, stratum, position, ticket, officers, experts)
}

// assignFrom is assign over already ranked, workload-filtered candidates.
func (t *teamer) assignFrom(target, stratum string, position int, ticket Hash, officers, experts []RankedInspector) (Team, error) {
	used := make([]bool, len(officers))
	var chosen []int
	for _, d := range t.required {
		i := slices.IndexFunc(officers, func(r RankedInspector) bool { return r.Inspector.Department == d })
		if i < 0 {
			return Team{}, &Error{Code: CodePoolExhausted, Target: target, Rule: RuleDepartment,
				Message: "对象“" + target + "”无法组成检查组：部门“" + d + "”没有符合条件的执法人员，" +
					"而发起部门及每个有事项的部门须各派至少一名执法人员（符合条件指" + t.conditions() + "）"}
		}
		if !used[i] {
			used[i] = true
			chosen = append(chosen, i)
		}
	}
	for i := 0; len(chosen) < t.params.Team.Size; i++ {
		if i == len(officers) {
			return Team{}, &Error{Code: CodePoolExhausted, Target: target, Rule: RuleMinInspectors,
				Message: "对象“" + target + "”无法组成检查组：符合条件的执法人员只有 " + strconv.Itoa(len(officers)) +
					" 名，每组需要 " + strconv.Itoa(t.params.Team.Size) + " 名（行政处罚法第四十二条：执法人员不得少于两人，专家不计入；符合条件指" +
					t.conditions() + "）"}
		}
		if !used[i] {
			used[i] = true
			chosen = append(chosen, i)
		}
	}
	slices.Sort(chosen) // officers in rank order
	team := Team{Target: target, Stratum: stratum, Position: position, Ticket: ticket}
	add := func(r RankedInspector) {
		team.Members = append(team.Members, Member{Inspector: r.Inspector.Key, Department: r.Inspector.Department,
			Expert: r.Inspector.Expert, Rank: r.Rank})
		t.load[r.Inspector.Key]++
	}
	for _, i := range chosen {
		add(officers[i])
	}
	// Experts are optional members: as many as requested and available, never counted above.
	for _, r := range experts[:min(t.params.Team.Experts, len(experts))] {
		add(r)
	}
	return team, nil
}

// release removes a team from the workload (its target was replaced or its team redrawn).
func (t *teamer) release(team Team) {
	for _, m := range team.Members {
		t.load[m.Inspector]--
	}
}

// slot is a target waiting for its team.
type slot struct {
	Pick
	stratum  string
	position int
}

// globalOrder lists all drawn targets ascending by ticket (then key) across strata: teams are
// drawn in this order, so that under a workload cap no stratum is systematically served first.
func globalOrder(draws []StratumDraw) []slot {
	var out []slot
	for _, d := range draws {
		for i, p := range d.Drawn {
			out = append(out, slot{Pick: p, stratum: d.Stratum, position: i})
		}
	}
	slices.SortFunc(out, func(a, b slot) int { return comparePicks(a.Pick, b.Pick) })
	return out
}

// assignAll draws the teams in global ticket order (order is globalOrder of the draws). Ranking — one hash per eligible inspector
// and target, the bulk of the work — does not depend on the draw's progress, so the targets of
// each chunk are ranked in parallel; the assignment itself, which depends on the workload so
// far, stays sequential. The result is the same as assigning one target after the other.
func assignAll(t *teamer, order []slot) ([]Team, error) {
	teams := make([]Team, 0, len(order))
	workers := Workers()
	const chunk = 512
	type ranks struct{ officers, experts []RankedInspector }
	pre := make([]ranks, chunk)
	bufs := make([][]byte, workers)
	for lo := 0; lo < len(order); lo += chunk {
		hi := min(lo+chunk, len(order))
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func(w int) {
				defer wg.Done()
				for i := lo + w; i < hi; i += workers {
					o, e := t.ranked(order[i].Key, nil, &bufs[w])
					pre[i-lo] = ranks{o, e}
				}
			}(w)
		}
		wg.Wait()
		for i := lo; i < hi; i++ {
			s, r := order[i], pre[i-lo]
			team, err := t.assignFrom(s.Key, s.stratum, s.position, s.Ticket, t.underCap(r.officers), t.underCap(r.experts))
			if err != nil {
				return nil, err
			}
			teams = append(teams, team)
		}
	}
	return teams, nil
}

// AssignTeams draws the team of every drawn target, in global ticket order.
func AssignTeams(seed Hash, in Inputs, draws []StratumDraw) ([]Team, error) {
	pr, err := prepare(in)
	if err != nil {
		return nil, err
	}
	return assignAll(newTeamer(pr, seed), globalOrder(draws))
}

// RankInspectors returns the inspectors eligible for target (ignoring workload, which depends
// on the draw's progress), officers and experts together, in rank order — for display and for
// the test vectors.
func RankInspectors(seed Hash, in Inputs, target string) ([]RankedInspector, error) {
	pr, err := prepare(in)
	if err != nil {
		return nil, err
	}
	t := newTeamer(pr, seed)
	t.params.Team.MaxPerInspector = 0
	officers, experts := t.rank(target, nil, &t.buf, true)
	all := append(officers, experts...)
	slices.SortFunc(all, compareRanked)
	return all, nil
}
