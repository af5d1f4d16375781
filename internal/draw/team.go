package draw

import (
	"bytes"
	"crypto/sha256"
	"slices"
	"strconv"
	"strings"
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
	blocked  map[string]bool // pairKey(inspector, target): declared conflict or rotation history
	load     map[string]int  // targets assigned to each inspector in this draw
	buf      []byte
}

func newTeamer(pr *prepared, seed Hash) *teamer {
	t := &teamer{
		seed:     seed,
		params:   pr.params,
		required: pr.params.RequiredDepartments(),
		blocked:  make(map[string]bool, len(pr.conflicts)+len(pr.rotation)),
		load:     map[string]int{},
	}
	depts, quals := pr.params.Departments(), pr.params.RequiredQualifications()
	for _, x := range pr.pool {
		if staticEligible(pr.params, depts, quals, x) {
			t.pool = append(t.pool, x)
		}
	}
	for _, c := range pr.conflicts {
		t.blocked[pairKey(c.Inspector, c.Target)] = true // 行政处罚法 art. 43
	}
	for _, a := range pr.rotation {
		t.blocked[pairKey(a.Inspector, a.Target)] = true // rotation: not the same target again
	}
	return t
}

// eligible returns the inspectors eligible for target now, ranked: officers and experts apart.
func (t *teamer) eligible(target string, recused map[string]bool) (officers, experts []RankedInspector) {
	maxLoad := t.params.Team.MaxPerInspector
	for _, x := range t.pool {
		if t.blocked[pairKey(x.Key, target)] || recused[x.Key] {
			continue
		}
		// Workload balance: an inspector who already has MaxPerInspector targets in this draw
		// is skipped.
		if maxLoad > 0 && t.load[x.Key] >= maxLoad {
			continue
		}
		r := RankedInspector{Inspector: x, Rank: rankInto(&t.buf, t.seed, target, x.Key)}
		if x.Expert {
			experts = append(experts, r)
		} else {
			officers = append(officers, r)
		}
	}
	slices.SortFunc(officers, compareRanked)
	slices.SortFunc(experts, compareRanked)
	return officers, experts
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

func assignAll(t *teamer, draws []StratumDraw) ([]Team, error) {
	order := globalOrder(draws)
	teams := make([]Team, 0, len(order))
	for _, s := range order {
		team, err := t.assign(s.Key, s.stratum, s.position, s.Ticket, nil)
		if err != nil {
			return nil, err
		}
		teams = append(teams, team)
	}
	return teams, nil
}

// AssignTeams draws the team of every drawn target, in global ticket order.
func AssignTeams(seed Hash, in Inputs, draws []StratumDraw) ([]Team, error) {
	pr, err := prepare(in)
	if err != nil {
		return nil, err
	}
	return assignAll(newTeamer(pr, seed), draws)
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
	officers, experts := t.eligible(target, nil)
	all := append(officers, experts...)
	slices.SortFunc(all, compareRanked)
	return all, nil
}
