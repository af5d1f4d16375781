package draw

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// The tampered-bundle vectors of docs/draw-algorithm.md §12.10: each case is a patch of
// testdata/bundle.json and the result a verifier must report — VALID or the cause of the first
// failure (§11.2). The patches are language-neutral (a subset of RFC 6902 JSON Patch, plus a
// textual find/replace on the file for what a JSON tree cannot express), so that testdata/reimpl.py
// checks the same cases.

const tamperedPath = "testdata/tampered.json"

type tamperFile struct {
	Note  string       `json:"note"`
	Base  string       `json:"base"`
	Cases []tamperCase `json:"cases"`
}

type tamperCase struct {
	Name   string    `json:"name"`
	Patch  []patchOp `json:"patch"`
	Expect string    `json:"expect"`
}

// patchOp is one step: "replace", "add" or "remove" at a JSON Pointer path (RFC 6902), or "text":
// replace the first occurrence of Find in the file by Replace (applied to the file's bytes;
// a case's text steps come before its JSON steps and are the only ones when present).
type patchOp struct {
	Op      string          `json:"op"`
	Path    string          `json:"path,omitempty"`
	Value   json.RawMessage `json:"value,omitempty"`
	Find    string          `json:"find,omitempty"`
	Replace string          `json:"replace,omitempty"`
}

func rawJSON(t testing.TB, v any) json.RawMessage {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	return json.RawMessage(bytes.TrimSpace(buf.Bytes()))
}

func buildTamperCases(t testing.TB) []tamperCase {
	b := fixtureBundle(t)
	rep := func(path string, v any) patchOp { return patchOp{Op: "replace", Path: path, Value: rawJSON(t, v)} }
	add := func(path string, v any) patchOp { return patchOp{Op: "add", Path: path, Value: rawJSON(t, v)} }
	rem := func(path string) patchOp { return patchOp{Op: "remove", Path: path} }
	text := func(find, replace string) patchOp { return patchOp{Op: "text", Find: find, Replace: replace} }
	c := func(name, expect string, ops ...patchOp) tamperCase {
		return tamperCase{Name: name, Patch: append([]patchOp{}, ops...), Expect: expect}
	}
	o := b.Outcome
	a0, a1 := o.Amendments[0], o.Amendments[1]

	// Other entropy with everything recomputed: a v1 bundle alone cannot tell (§10.3).
	in := fixtureInputs()
	otherEntropy := "骰子 1-2-3-4-5-6 / 6-5-4-3-2-1"
	_, _, other := mustRun(t, in, fixtureSecret, otherEntropy)

	// A full amendment object for amendments that fail before their derived values are compared.
	replaceD := Amendment{Kind: AmendReplace, Target: o.Strata[3].Drawn[0].Key, Recused: []string{}, Reason: "现场核查发现已注销",
		Replacement: &Pick{Key: o.Strata[3].Drawn[1].Key, Ticket: o.Strata[3].Drawn[1].Ticket}, Team: o.Teams[0]}

	// Recusing the WJ officer of the first target again and again until no WJ officer is left:
	// every recusal but the last is recorded as derived, the last cannot be drawn.
	exhausted := func() []Amendment {
		cur := &Outcome{Seed: o.Seed, Strata: o.Strata, Teams: o.Teams, Amendments: o.Amendments}
		for range 10 {
			var team Team
			for _, tm := range cur.CurrentTeams() {
				if tm.Target == a0.Target {
					team = tm
				}
			}
			var wj string
			for _, m := range team.Members {
				if m.Department == "WJ" && !m.Expert {
					wj = m.Inspector
				}
			}
			next, err := Recuse(in, cur, a0.Target, []string{wj}, "申报利害关系")
			if err != nil {
				if codeOf(err) != CodePoolExhausted {
					t.Fatal(err)
				}
				return append(slices.Clone(cur.Amendments), Amendment{Kind: AmendRecuse, Target: a0.Target,
					Recused: []string{wj}, Reason: "申报利害关系", Team: team})
			}
			cur = next
		}
		t.Fatal("the pool was not exhausted")
		return nil
	}()

	return []tamperCase{
		c("the published bundle", "VALID"),
		c("reason of an amendment changed (free text, not verified)", "VALID", rep("/outcome/amendments/0/reason", "另一理由")),
		c("last amendment dropped (only the event log can tell, see the last section)", "VALID", rem("/outcome/amendments/1")),
		c("all amendments dropped (only the event log can tell)", "VALID", rep("/outcome/amendments", []any{})),
		c("other entropy, everything recomputed (only the logged entropy can tell)", "VALID",
			rep("/entropy", otherEntropy), rep("/outcome", other)),
		c("largest integer 2^53-1 is read, then changes the commitment", CauseCommitmentDigestMismatch,
			rep("/commitment/params/team/rotationMonths", json.Number("9007199254740991"))),
		c("paired surrogate escape is a character (entropy changed)", CauseSeedMismatch,
			text(`"entropy": "`, `"entropy": "\ud83c\udfb2`)),

		c("unknown top-level member", CodeInvalidBundle, add("/signature", "x")),
		c("unknown member of an inspector", CodeInvalidBundle, add("/inspectors/0/phone", "13800000000")),
		c("unknown member of the commitment", CodeInvalidBundle, add("/commitment/note", "")),
		c("unknown member of an amendment", CodeInvalidBundle, add("/outcome/amendments/0/reasonCode", "KINSHIP")),
		c("missing member: conflicts", CodeInvalidBundle, rem("/conflicts")),
		c("missing member: team.experts", CodeInvalidBundle, rem("/commitment/params/team/experts")),
		c("missing member: replacement of a recusal", CodeInvalidBundle, rem("/outcome/amendments/0/replacement")),
		c("null list", CodeInvalidBundle, rep("/rotation", nil)),
		c("null recused list", CodeInvalidBundle, rep("/outcome/amendments/1/recused", nil)),
		c("null string", CodeInvalidBundle, rep("/outcome/amendments/0/reason", nil)),
		c("integer as a string", CodeInvalidBundle, rep("/commitment/frameSize", "24")),
		c("integer with a fraction", CodeInvalidBundle, text(`"frameSize": 24,`, `"frameSize": 24.0,`)),
		c("integer with an exponent", CodeInvalidBundle, text(`"frameSize": 24,`, `"frameSize": 2.4e1,`)),
		c("negative integer", CodeInvalidBundle, rep("/commitment/params/exclusion/recentMonths", -1)),
		c("integer 2^53", CodeInvalidBundle, rep("/commitment/params/team/rotationMonths", json.Number("9007199254740992"))),
		c("boolean as a string", CodeInvalidBundle, rep("/inspectors/0/expert", "false")),
		c("hash in upper case", CodeInvalidBundle, rep("/outcome/seed", strings.ToUpper(o.Seed.String()))),
		c("member twice", CodeInvalidBundle, text(`"entropy": "`, `"entropy": "x", "entropy": "`)),
		c("unpaired surrogate escape", CodeInvalidBundle, text(`"entropy": "`, `"entropy": "\ud800`)),

		c("other algorithm", CauseUnsupportedAlgorithm, rep("/algorithm", "ssgk-draw/v2")),
		c("secret in upper case", CodeInvalidSecret, rep("/secret", strings.ToUpper(b.Secret))),
		c("secret of 31 bytes", CodeInvalidSecret, rep("/secret", b.Secret[:62])),
		c("other secret", CodeInvalidSecret, rep("/secret", strings.Repeat("ab", 32))),
		c("items out of order", CodeInvalidParameters,
			rep("/commitment/params/items/0", b.Commitment.Params.Items[1]), rep("/commitment/params/items/1", b.Commitment.Params.Items[0])),
		c("rounding left out (empty)", CodeInvalidParameters, rep("/commitment/params/rounding", "")),
		c("team of one officer", CodeInvalidParameters, rep("/commitment/params/team/size", 1)),
		c("ratio above a GENERAL item's cap", CodeInvalidParameters,
			rep("/commitment/params/items/0/category", "GENERAL"), rep("/commitment/params/items/0/maxRatioPpm", 100000)),
		c("window end before start", CodeInvalidParameters, rep("/commitment/params/window/end", "2026-03-31")),
		c("inspectors out of order", CodeInvalidPool, rep("/inspectors/0", b.Inspectors[1]), rep("/inspectors/1", b.Inspectors[0])),
		c("qualifications out of order", CodeInvalidPool, rep("/inspectors/0/qualifications", []string{"食品安全", "市场监管"})),
		c("conflict twice", CodeInvalidPool, add("/conflicts/1", b.Conflicts[0])),
		c("certificate date that does not exist", CodeInvalidPool, rep("/inspectors/1/certificateExpires", "2027-02-30")),
		c("frame keys out of order", CodeInvalidFrame,
			rep("/frame/strata/0/eligible/0", b.Frame.Strata[0].Eligible[1]), rep("/frame/strata/0/eligible/1", b.Frame.Strata[0].Eligible[0])),
		c("frame key in two strata", CodeInvalidFrame, add("/frame/strata/1/eligible/0", "913709212798398800")),
		c("unknown exclusion reason", CodeInvalidFrame, rep("/frame/strata/0/excluded/0/reason", "MOVED")),
		c("frame stratum not in the parameters", CodeInvalidFrame,
			add("/frame/strata/-", FrameStratum{Name: "E", Eligible: []string{"91370921000000000X"}, Excluded: []ExcludedKey{}})),
		c("candidate removed from the frame", CauseFrameMismatch, rem("/frame/strata/0/eligible/7")),
		c("candidate moved to excluded", CauseFrameMismatch, rem("/frame/strata/0/eligible/7"),
			add("/frame/strata/0/excluded/-", ExcludedKey{Key: b.Frame.Strata[0].Eligible[7], Reason: ReasonYearlyCap})),
		c("committed n edited", CauseCountsMismatch, rep("/commitment/strata/0/draw", 2)),
		c("inspector's certificate edited", CauseDigestMismatch, rep("/inspectors/4/certificateExpires", "2030-01-01")),
		c("conflict hidden", CauseDigestMismatch, rem("/conflicts/0")),
		c("rotation history hidden", CauseDigestMismatch, rep("/rotation", []any{})),
		c("ratio edited", CauseCommitmentDigestMismatch, rep("/commitment/params/strata/0/ratioPpm", 40000)),
		c("commitment digest edited", CauseCommitmentDigestMismatch, rep("/commitmentDigest", strings.Repeat("0", 64))),
		c("empty entropy", CodeInvalidEntropy, rep("/entropy", "")),
		c("entropy changed by one digit", CauseSeedMismatch, rep("/entropy", strings.Replace(b.Entropy, "3-6-1", "3-6-2", 1))),
		c("entropy with a trailing space", CauseSeedMismatch, rep("/entropy", b.Entropy+" ")),
		c("seed edited", CauseSeedMismatch, rep("/outcome/seed", strings.Repeat("1", 64))),
		c("drawn target swapped", CauseTargetsMismatch, rep("/outcome/strata/1/drawn/0/key", "91370921C3DB74665N")),
		c("drawn target dropped", CauseTargetsMismatch, rem("/outcome/strata/2/drawn/2")),
		c("ticket edited", CauseTargetsMismatch, rep("/outcome/strata/0/drawn/0/ticket", strings.Repeat("0", 64))),
		c("team member swapped", CauseTeamsMismatch, rep("/outcome/teams/2/members/1/inspector", "SCJG-E01")),
		c("team position edited", CauseTeamsMismatch, rep("/outcome/teams/0/position", 1)),
		c("team dropped", CauseTeamsMismatch, rem("/outcome/teams/7")),
		c("expert flag edited", CauseTeamsMismatch, rep("/outcome/teams/0/members/2/expert", false)),
		c("recusal's new team edited", CauseAmendmentMismatch, rep("/outcome/amendments/0/team/members/0/inspector", "SCJG-E01")),
		c("recused list with a repeat", CauseAmendmentMismatch, rep("/outcome/amendments/0/recused", []string{a0.Recused[0], a0.Recused[0]})),
		c("replacement on a recusal", CauseAmendmentMismatch, rep("/outcome/amendments/0/replacement", a1.Replacement)),
		c("replacement edited", CauseAmendmentMismatch, rep("/outcome/amendments/1/replacement/key", "91370921C3DB74665N")),
		c("replacement's position edited", CauseAmendmentMismatch, rep("/outcome/amendments/1/team/position", 1)),
		c("recused list on a replacement", CauseAmendmentMismatch, rep("/outcome/amendments/1/recused", []string{"SCJG-001"})),
		c("amendment of an undrawn target", CodeNotDrawn, rep("/outcome/amendments/0/target", "91370921FFCB13446B")),
		c("replaced target amended again", CodeNotDrawn, add("/outcome/amendments/-", a1)),
		c("recusal of an inspector not in the team", CodeNotInTeam, rep("/outcome/amendments/0/recused", []string{"WJ-004"})),
		c("replacement order exhausted", CodeReplacementExhausted, add("/outcome/amendments/-", replaceD)),
		c("unknown amendment kind", CodeInvalidParameters, rep("/outcome/amendments/0/kind", "SWAP")),
		c("recusals until no officer of a required department is left", CodePoolExhausted, rep("/outcome/amendments", exhausted)),
	}
}

// applyPatch applies a case's patch to the bundle file's bytes.
func applyPatch(t testing.TB, raw []byte, ops []patchOp) []byte {
	t.Helper()
	if len(ops) > 0 && ops[0].Op == "text" {
		for _, op := range ops {
			if op.Op != "text" || !bytes.Contains(raw, []byte(op.Find)) {
				t.Fatalf("text step %+v does not apply", op)
			}
			raw = bytes.Replace(raw, []byte(op.Find), []byte(op.Replace), 1)
		}
		return raw
	}
	if len(ops) == 0 {
		return raw
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var doc any
	if err := dec.Decode(&doc); err != nil {
		t.Fatal(err)
	}
	for _, op := range ops {
		var v any
		if op.Op != "remove" {
			d := json.NewDecoder(bytes.NewReader(op.Value))
			d.UseNumber()
			if err := d.Decode(&v); err != nil {
				t.Fatalf("%+v: %v", op, err)
			}
		}
		var err error
		if doc, err = patchAt(doc, strings.Split(op.Path, "/")[1:], op.Op, v); err != nil {
			t.Fatalf("%+v: %v", op, err)
		}
	}
	out, err := json.Marshal(doc)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func patchAt(doc any, path []string, op string, v any) (any, error) {
	if len(path) == 0 {
		return nil, errors.New("empty path")
	}
	last := len(path) == 1
	switch x := doc.(type) {
	case map[string]any:
		k := path[0]
		if !last {
			c, ok := x[k]
			if !ok {
				return nil, errors.New("no member " + k)
			}
			n, err := patchAt(c, path[1:], op, v)
			x[k] = n
			return x, err
		}
		_, exists := x[k]
		switch {
		case op == "add":
			x[k] = v
		case !exists:
			return nil, errors.New("no member " + k)
		case op == "replace":
			x[k] = v
		case op == "remove":
			delete(x, k)
		}
		return x, nil
	case []any:
		i := len(x)
		if path[0] != "-" {
			var err error
			if i, err = strconv.Atoi(path[0]); err != nil || i < 0 || i > len(x) {
				return nil, errors.New("bad index " + path[0])
			}
		}
		if !last {
			n, err := patchAt(x[i], path[1:], op, v)
			x[i] = n
			return x, err
		}
		switch {
		case op == "add":
			return append(x[:i], append([]any{v}, x[i:]...)...), nil
		case i == len(x):
			return nil, errors.New("index out of range")
		case op == "replace":
			x[i] = v
		case op == "remove":
			return append(x[:i], x[i+1:]...), nil
		}
		return x, nil
	}
	return nil, errors.New("path into a scalar")
}

// verifyResult is what a verifier reports for a bundle file: VALID or the cause of the failure.
func verifyResult(raw []byte) string {
	b, err := ParseBundle(raw)
	if err == nil {
		err = Verify(b)
	}
	if err == nil {
		return "VALID"
	}
	var e *Error
	if errors.As(err, &e) && e.Cause != "" {
		return e.Cause
	}
	return "UNEXPECTED " + err.Error()
}

func TestTampered_VectorsMatchAndFail(t *testing.T) {
	f := tamperFile{
		Note: "Tampered-bundle vectors of docs/draw-algorithm.md §12.10. Each patch applies to bundle.json; expect is VALID or the cause of the first failure (§11.2). " +
			"Generated by `go test ./internal/draw -run TestTampered -update`; checked by TestTampered_VectorsMatchAndFail and by testdata/reimpl.py.",
		Base:  "bundle.json",
		Cases: buildTamperCases(t),
	}
	want := encodeVectors(t, &f)
	if *update {
		if err := os.WriteFile(tamperedPath, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(tamperedPath)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("%s differs from the cases in tamper_test.go; regenerate with -update", tamperedPath)
	}
	base, err := os.ReadFile(filepath.Join("testdata", f.Base))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range f.Cases {
		t.Run(tc.Name, func(t *testing.T) {
			raw := applyPatch(t, slicesClone(base), tc.Patch)
			if got := verifyResult(raw); got != tc.Expect {
				t.Fatalf("verifier reports %s, want %s", got, tc.Expect)
			}
		})
	}
}

func slicesClone(b []byte) []byte { return append([]byte(nil), b...) }
