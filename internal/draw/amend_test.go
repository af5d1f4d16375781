package draw

import (
	"slices"
	"testing"
)

func TestRecuse_NextRankStepsIn(t *testing.T) {
	in := fixtureInputs()
	in.Params.Team.MaxPerInspector = 0 // isolate the ranking from the workload
	_, seed, o := mustRun(t, in, fixtureSecret, fixtureEntropy)
	team := o.Teams[0]
	recused := team.Members[0]
	o2, err := Recuse(in, o, team.Target, []string{recused.Inspector}, "企业申请：检查人员曾在该企业任职")
	if err != nil {
		t.Fatal(err)
	}
	if len(o.Amendments) != 0 {
		t.Fatal("Recuse modified its input")
	}
	a := o2.Amendments[0]
	if a.Kind != AmendRecuse || a.Target != team.Target || !slices.Equal(a.Recused, []string{recused.Inspector}) {
		t.Fatalf("amendment %+v", a)
	}
	for _, m := range a.Team.Members {
		if m.Inspector == recused.Inspector {
			t.Fatal("the recused inspector is still in the team")
		}
	}
	// The other members stay; the newcomer is the best-ranked eligible inspector of the same
	// department that was not in the team.
	ranked, err := RankInspectors(seed, in, team.Target)
	if err != nil {
		t.Fatal(err)
	}
	var want string
	for _, r := range ranked {
		inTeam := slices.ContainsFunc(team.Members, func(m Member) bool { return m.Inspector == r.Inspector.Key })
		if !inTeam && r.Inspector.Department == recused.Department && r.Inspector.Expert == recused.Expert {
			want = r.Inspector.Key
			break
		}
	}
	var got []string
	for _, m := range a.Team.Members {
		got = append(got, m.Inspector)
	}
	for _, m := range team.Members[1:] {
		if !slices.Contains(got, m.Inspector) {
			t.Fatalf("member %s left the team although not recused", m.Inspector)
		}
	}
	if !slices.Contains(got, want) {
		t.Fatalf("team %v: the next-ranked %s did not step in", got, want)
	}
	// Recusals accumulate: recusing the newcomer too keeps the first one out.
	o3, err := Recuse(in, o2, team.Target, []string{want}, "第二次回避")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range o3.Amendments[1].Team.Members {
		if m.Inspector == recused.Inspector || m.Inspector == want {
			t.Fatalf("recused inspector %s came back", m.Inspector)
		}
	}
}

func TestRecuse_Errors(t *testing.T) {
	in := fixtureInputs()
	_, _, o := mustRun(t, in, fixtureSecret, fixtureEntropy)
	if _, err := Recuse(in, o, o.Teams[0].Target, []string{"YJ-001"}, ""); codeOf(err) != CodeNotInTeam {
		t.Fatalf("recusing a non-member: got %v, want NOT_IN_TEAM", err)
	}
	if _, err := Recuse(in, o, "91370921FFCB13446B", []string{"SCJG-001"}, ""); codeOf(err) != CodeNotDrawn {
		t.Fatalf("recusing for an undrawn target: got %v, want NOT_DRAWN", err)
	}
	if _, err := Recuse(in, o, o.Teams[0].Target, nil, ""); codeOf(err) != CodeInvalidParameters {
		t.Fatalf("recusing nobody: got %v, want INVALID_PARAMETERS", err)
	}
}

func TestReplace_NextInReplacementOrder(t *testing.T) {
	in := fixtureInputs()
	_, seed, o := mustRun(t, in, fixtureSecret, fixtureEntropy)
	fs := in.Frame.Stratum("B")
	order := TicketOrder(seed, "B", fs.Eligible)
	n := len(o.Strata[1].Drawn)
	first := o.Strata[1].Drawn[0].Key
	o2, err := Replace(in, o, first, "已注销")
	if err != nil {
		t.Fatal(err)
	}
	a := o2.Amendments[0]
	if *a.Replacement != order[n] || a.Team.Target != order[n].Key || a.Team.Position != n {
		t.Fatalf("replacement %+v, want %+v at position %d", a.Replacement, order[n], n)
	}
	// The replacement, found closed too, is replaced by the next one; the replaced target is
	// no longer drawn.
	o3, err := Replace(in, o2, order[n].Key, "已吊销")
	if err != nil {
		t.Fatal(err)
	}
	if o3.Amendments[1].Replacement.Key != order[n+1].Key {
		t.Fatalf("second replacement %s, want %s", o3.Amendments[1].Replacement.Key, order[n+1].Key)
	}
	if _, err := Replace(in, o3, first, ""); codeOf(err) != CodeNotDrawn {
		t.Fatalf("replacing a replaced target: got %v, want NOT_DRAWN", err)
	}
	cur := o3.CurrentTeams()
	if len(cur) != len(o.Teams) || !slices.ContainsFunc(cur, func(t Team) bool { return t.Target == order[n+1].Key }) {
		t.Fatal("CurrentTeams does not show the replacement in place")
	}
}

func TestReplace_StratumExhausted(t *testing.T) {
	in := fixtureInputs()
	_, _, o := mustRun(t, in, fixtureSecret, fixtureEntropy)
	// D is drawn at 100%: nothing is left to replace with.
	if _, err := Replace(in, o, o.Strata[3].Drawn[0].Key, "已注销"); codeOf(err) != CodeReplacementExhausted {
		t.Fatalf("got %v, want REPLACEMENT_EXHAUSTED", err)
	}
}
