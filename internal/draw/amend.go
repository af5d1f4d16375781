package draw

import (
	"slices"
	"strconv"
)

// AmendmentKind is the kind of a change after the draw.
type AmendmentKind string

// Amendment kinds.
const (
	// AmendRecuse 回避: the target's team is redrawn without the recused inspectors.
	AmendRecuse AmendmentKind = "RECUSE"
	// AmendReplace: the target (e.g. found closed) is replaced by the next target of its
	// stratum's replacement order, which gets a team of its own.
	AmendReplace AmendmentKind = "REPLACE"
)

func (k AmendmentKind) label() string {
	switch k {
	case AmendRecuse:
		return "回避重组"
	case AmendReplace:
		return "对象替换"
	}
	return string(k)
}

// Amendment is one logged change after the draw. Kind, Target, Recused and Reason are its
// inputs; Replacement and Team are what the algorithm derives from them and are re-derived by
// Verify. Reason is free text for the record and is not verified.
type Amendment struct {
	Kind        AmendmentKind `json:"kind"`
	Target      string        `json:"target"`
	Recused     []string      `json:"recused"` // RECUSE: the inspectors recused now (sorted); REPLACE: empty
	Reason      string        `json:"reason"`
	Replacement *Pick         `json:"replacement"` // REPLACE: the replacing target; RECUSE: null
	Team        Team          `json:"team"`        // the new team: of Target (RECUSE) or of Replacement (REPLACE)
}

// Outcome is the result of a draw: the seed, the drawn targets per stratum, the teams in global
// ticket order, and the amendments applied since, in order. A draw is append-only (design.md
// §4.8): amendments are added, nothing is rewritten.
type Outcome struct {
	Seed       Hash          `json:"seed"`
	Strata     []StratumDraw `json:"strata"`
	Teams      []Team        `json:"teams"`
	Amendments []Amendment   `json:"amendments"`
}

// Run draws the targets of every stratum and the team of every drawn target.
func Run(in Inputs, seed Hash) (*Outcome, error) {
	pr, err := prepare(in)
	if err != nil {
		return nil, err
	}
	return run(pr, seed)
}

// RunWith is Run, but as soon as the targets are selected — before their teams are drawn, the
// larger part of the work — it calls drawn with them in global ticket order: the order of
// Outcome.Teams, each with target, stratum, position and ticket and no members yet. A caller can
// store them meanwhile (drawn must return promptly; it is not called if the selection fails,
// and the teams may still fail afterwards). The outcome is the one Run returns.
func RunWith(in Inputs, seed Hash, drawn func(targets []Team)) (*Outcome, error) {
	pr, err := prepare(in)
	if err != nil {
		return nil, err
	}
	return runWith(pr, seed, drawn)
}

func run(pr *prepared, seed Hash) (*Outcome, error) { return runWith(pr, seed, nil) }

func runWith(pr *prepared, seed Hash, drawn func([]Team)) (*Outcome, error) {
	counts := make(map[string]int, len(pr.counts))
	for _, c := range pr.counts {
		counts[c.Name] = c.Draw
	}
	draws, err := SelectTargets(seed, pr.frame, counts)
	if err != nil {
		return nil, err
	}
	order := globalOrder(draws)
	if drawn != nil {
		targets := make([]Team, len(order))
		for i, s := range order {
			targets[i] = Team{Target: s.Key, Stratum: s.stratum, Position: s.position, Ticket: s.Ticket}
		}
		drawn(targets)
	}
	teams, err := assignAll(newTeamer(pr, seed), order)
	if err != nil {
		return nil, err
	}
	return &Outcome{Seed: seed, Strata: draws, Teams: teams, Amendments: []Amendment{}}, nil
}

// CurrentTeams returns the teams as they stand after all amendments, in the slots of the
// original teams (a replacement takes the slot of the target it replaces).
func (o *Outcome) CurrentTeams() []Team {
	teams := slices.Clone(o.Teams)
	idx := make(map[string]int, len(teams))
	for i, t := range teams {
		idx[t.Target] = i
	}
	for _, a := range o.Amendments {
		i, ok := idx[a.Target]
		if !ok {
			continue
		}
		teams[i] = a.Team
		if a.Kind == AmendReplace {
			delete(idx, a.Target)
			idx[a.Team.Target] = i
		}
	}
	return teams
}

// state is a draw in progress through its amendments.
type state struct {
	pr       *prepared
	seed     Hash
	t        *teamer
	teams    []Team
	index    map[string]int             // current target → slot
	drawn    map[string]int             // stratum → n
	replaced map[string]int             // stratum → replacements so far
	recused  map[string]map[string]bool // target → inspectors recused so far
}

func newState(pr *prepared, o *Outcome) *state {
	st := &state{
		pr: pr, seed: o.Seed, t: newTeamer(pr, o.Seed),
		teams: slices.Clone(o.Teams), index: map[string]int{},
		drawn: map[string]int{}, replaced: map[string]int{}, recused: map[string]map[string]bool{},
	}
	for _, d := range o.Strata {
		st.drawn[d.Stratum] = len(d.Drawn)
	}
	for i, team := range st.teams {
		st.index[team.Target] = i
		for _, m := range team.Members {
			st.t.load[m.Inspector]++
		}
	}
	return st
}

// apply derives and applies one amendment.
func (st *state) apply(kind AmendmentKind, target string, recused []string, reason string) (Amendment, error) {
	i, ok := st.index[target]
	if !ok {
		return Amendment{}, &Error{Code: CodeNotDrawn, Target: target,
			Message: "对象“" + target + "”不是本次抽取当前的检查对象（未抽中或已被替换）"}
	}
	cur := st.teams[i]
	switch kind {
	case AmendRecuse:
		rs := sortedSet(recused)
		if len(rs) == 0 {
			return Amendment{}, invalid("回避重组须指明回避的检查人员")
		}
		for _, r := range rs {
			if !slices.ContainsFunc(cur.Members, func(m Member) bool { return m.Inspector == r }) {
				return Amendment{}, &Error{Code: CodeNotInTeam, Target: target,
					Message: "检查人员“" + r + "”不在对象“" + target + "”的检查组中，无需回避"}
			}
		}
		set := st.recused[target]
		if set == nil {
			set = map[string]bool{}
			st.recused[target] = set
		}
		for _, r := range rs {
			set[r] = true
		}
		// 行政处罚法 art. 43: the team is drawn again by the same rule and the same ranks, with
		// the recused inspectors (all so far for this target) left out.
		st.t.release(cur)
		team, err := st.t.assign(target, cur.Stratum, cur.Position, cur.Ticket, set)
		if err != nil {
			return Amendment{}, err
		}
		st.teams[i] = team
		return Amendment{Kind: kind, Target: target, Recused: rs, Reason: reason, Team: team}, nil
	case AmendReplace:
		s := cur.Stratum
		var keys []string
		if fs := st.pr.frame.Stratum(s); fs != nil {
			keys = fs.Eligible
		}
		// The next unused place of the stratum's pre-declared replacement order.
		rank := st.drawn[s] + st.replaced[s]
		if rank >= len(keys) {
			return Amendment{}, &Error{Code: CodeReplacementExhausted, Target: target,
				Message: "层“" + s + "”的候选对象已全部抽中或用于替换（共 " + strconv.Itoa(len(keys)) + " 户），无法替换对象“" + target + "”"}
		}
		p := Replacements(st.seed, s, keys, rank, 1)[0]
		st.t.release(cur)
		team, err := st.t.assign(p.Key, s, rank, p.Ticket, nil)
		if err != nil {
			return Amendment{}, err
		}
		st.replaced[s]++
		delete(st.index, target)
		st.index[p.Key] = i
		st.teams[i] = team
		return Amendment{Kind: kind, Target: target, Recused: []string{}, Reason: reason, Replacement: &p, Team: team}, nil
	}
	return Amendment{}, invalid("变更类型“%s”无效：应为 RECUSE 或 REPLACE", kind)
}

// replay rebuilds the state of o by re-deriving its amendments in order; with check, a
// re-derived amendment that differs from the recorded one is a VERIFY_MISMATCH.
func replay(pr *prepared, o *Outcome, check bool) (*state, error) {
	st := newState(pr, o)
	for k, a := range o.Amendments {
		got, err := st.apply(a.Kind, a.Target, a.Recused, a.Reason)
		label := "第 " + strconv.Itoa(k+1) + " 项变更（" + a.Kind.label() + "，对象 " + a.Target + "）"
		if err != nil {
			if check {
				return nil, mismatch(causeOf(err, CauseAmendmentMismatch), "%s无法重放：%s", label, messageOf(err))
			}
			return nil, err
		}
		if check {
			if err := diffAmendment(label, got, a); err != nil {
				return nil, err
			}
		}
	}
	return st, nil
}

func amend(in Inputs, o *Outcome, kind AmendmentKind, target string, recused []string, reason string) (*Outcome, error) {
	pr, err := prepare(in)
	if err != nil {
		return nil, err
	}
	st, err := replay(pr, o, true)
	if err != nil {
		return nil, err
	}
	a, err := st.apply(kind, target, recused, reason)
	if err != nil {
		return nil, err
	}
	out := *o
	out.Amendments = append(slices.Clone(o.Amendments), a)
	return &out, nil
}

// Recuse redraws the team of target without the recused inspectors (回避, 行政处罚法 art. 43):
// the same rule over the same ranks, so the next-ranked eligible inspectors step in. The result
// is o with the amendment appended; o itself is not modified.
func Recuse(in Inputs, o *Outcome, target string, inspectors []string, reason string) (*Outcome, error) {
	return amend(in, o, AmendRecuse, target, inspectors, reason)
}

// Replace replaces target (e.g. found closed) by the next target of its stratum's replacement
// order and draws that target's team. The result is o with the amendment appended.
func Replace(in Inputs, o *Outcome, target, reason string) (*Outcome, error) {
	return amend(in, o, AmendReplace, target, nil, reason)
}
