package draw

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// The event-log vectors of docs/draw-algorithm.md §16: the fixture's bundle (testdata/bundle.json)
// with the events a hub logs for it, the digests they carry, and tampered variants that pass
// Verify but must fail VerifyLog. `go test ./internal/draw -update` rewrites
// testdata/events/vectors.json; a re-implementation reads the file and checks the same.
type eventVectorFile struct {
	Format  string `json:"format"`
	Note    string `json:"note"`
	Digests struct {
		ParametersDigest string   `json:"parametersDigest"`
		SeedHash         string   `json:"seedHash"`
		OutcomeDigest    string   `json:"outcomeDigest"`
		FinalDigest      string   `json:"finalDigest"`
		AmendmentDigests []string `json:"amendmentDigests"`
	} `json:"digests"`
	Log      Log               `json:"log"`
	Events   []eventVector     `json:"events"`
	Tampered []tamperedLogCase `json:"tampered"`
}

type eventVector struct {
	Leaf        int64          `json:"leaf"`
	SubjectType string         `json:"subjectType"`
	SubjectID   int            `json:"subjectId"`
	Payload     map[string]any `json:"payload"`
}

// tamperedLogCase is one change to the bundle (or its log) and the code a verifier must report.
type tamperedLogCase struct {
	Name string `json:"name"`
	// DropAmendments removes these positions (0-based) from outcome.amendments.
	DropAmendments []int `json:"dropAmendments,omitempty"`
	// DropLogEvents removes these positions (0-based) from log.events.
	DropLogEvents []int `json:"dropLogEvents,omitempty"`
	// AppendRecusal applies one more recusal (§9.1) to the outcome: the last current team's
	// first member, with this reason.
	AppendRecusal string `json:"appendRecusal,omitempty"`
	// Entropy replaces the entropy and recomputes the seed, the outcome (no amendments) and
	// everything else from it.
	Entropy string `json:"entropy,omitempty"`
	Expect  string `json:"expect"`
}

// fixtureLog is what a hub logs for the fixture's bundle: the draw has id 7, its events are
// leaves 40, 41, 43, 47, 52, 60 (other publications in between).
func fixtureLog(t testing.TB, b *Bundle) (*Log, []LoggedEvent) {
	t.Helper()
	secret, _ := hex.DecodeString(b.Secret)
	pd, err := ParamsDigest(b.Commitment)
	if err != nil {
		t.Fatal(err)
	}
	od, err := OutcomeDigest(secret, b.Outcome.Teams)
	if err != nil {
		t.Fatal(err)
	}
	fd, err := FinalDigest(b.Outcome.CurrentTeams())
	if err != nil {
		t.Fatal(err)
	}
	c := b.Commitment
	common := func(event string, seq int, m map[string]any) map[string]any {
		m["format"], m["event"], m["task"], m["drawSeq"], m["eventSeq"] = EventFormat, event, c.Params.Task, 1, seq
		return m
	}
	leaves := []int64{40, 41, 43, 47, 52, 60}
	payloads := []map[string]any{
		common(EventFreeze, 1, map[string]any{"frameRoot": c.FrameRoot.String(), "frameSize": c.FrameSize, "parametersDigest": pd,
			"inspectorPoolDigest": c.InspectorPoolDigest.String(), "secretHash": c.SecretHash.String(), "supersedes": 0, "reason": ""}),
		common(EventCommit, 2, map[string]any{"commitmentDigest": b.CommitmentDigest.String(), "targetCount": len(b.Outcome.Teams)}),
		common(EventExecute, 3, map[string]any{"entropy": b.Entropy, "seedHash": SeedHash(b.Outcome.Seed),
			"targetCount": len(b.Outcome.Teams), "outcomeDigest": od}),
	}
	codes := map[AmendmentKind]string{AmendRecuse: "KINSHIP", AmendReplace: "CLOSED"}
	for i, a := range b.Outcome.Amendments {
		ad, err := AmendmentDigest(secret, a)
		if err != nil {
			t.Fatal(err)
		}
		payloads = append(payloads, common(string(a.Kind), 4+i, map[string]any{"amendment": i + 1, "reasonCode": codes[a.Kind],
			"officeApproved": false, "amendmentDigest": ad}))
	}
	payloads = append(payloads, common(EventReveal, len(payloads)+1, map[string]any{"secret": b.Secret, "secretHash": c.SecretHash.String(),
		"entropy": b.Entropy, "seed": b.Outcome.Seed.String(), "commitmentDigest": b.CommitmentDigest.String(),
		"amendments": len(b.Outcome.Amendments), "recusals": 1, "replacements": 1, "eventLeaves": leaves[:len(leaves)-1], "outcomeDigest": fd}))
	lg := &Log{Format: LogFormat}
	var evs []LoggedEvent
	for i, p := range payloads {
		// As served: the JSON round trip (numbers are float64).
		raw, _ := json.Marshal(p)
		var back map[string]any
		_ = json.Unmarshal(raw, &back)
		evs = append(evs, LoggedEvent{Leaf: leaves[i], SubjectType: "Draw", SubjectID: 7, Payload: back})
		lg.Events = append(lg.Events, LogEvent{Event: p["event"].(string), Leaf: leaves[i]})
	}
	return lg, evs
}

var logTamperCases = []tamperedLogCase{
	{Name: "dropped recusal", DropAmendments: []int{0}, Expect: CodeLogMismatch},
	{Name: "dropped replacement", DropAmendments: []int{1}, Expect: CodeLogMismatch},
	{Name: "dropped recusal and its log entry", DropAmendments: []int{0}, DropLogEvents: []int{3}, Expect: CodeLogMismatch},
	{Name: "added amendment", AppendRecusal: "事后补录的回避", Expect: CodeLogMismatch},
	{Name: "other entropy, everything recomputed", Entropy: "6 6 6 6 6 6", Expect: CodeLogMismatch},
}

// applyLogTamper returns the bundle changed as c says, and the logged events the verifier then
// fetches (those its log lists).
func applyLogTamper(t testing.TB, good *Bundle, evs []LoggedEvent, c tamperedLogCase) (*Bundle, []LoggedEvent) {
	t.Helper()
	b := roundTrip(t, good)
	in := Inputs{Frame: &b.Frame, Params: b.Commitment.Params, Inspectors: b.Inspectors, Conflicts: b.Conflicts, Rotation: b.Rotation}
	secret, _ := hex.DecodeString(b.Secret)
	if c.Entropy != "" {
		_, seed, err := DeriveSeed(b.Commitment, secret, c.Entropy)
		if err != nil {
			t.Fatal(err)
		}
		o, err := Run(in, seed)
		if err != nil {
			t.Fatal(err)
		}
		nb, err := NewBundle(in, b.Commitment, c.Entropy, secret, o)
		if err != nil {
			t.Fatal(err)
		}
		nb.Log = b.Log
		b = nb
	}
	if len(c.DropAmendments) > 0 {
		var keep []Amendment
		for i, a := range b.Outcome.Amendments {
			if !containsInt(c.DropAmendments, i) {
				keep = append(keep, a)
			}
		}
		b.Outcome.Amendments = append([]Amendment{}, keep...)
	}
	if c.AppendRecusal != "" {
		cur := b.Outcome.CurrentTeams()
		last := cur[len(cur)-1]
		o, err := Recuse(in, &b.Outcome, last.Target, []string{last.Members[0].Inspector}, c.AppendRecusal)
		if err != nil {
			t.Fatal(err)
		}
		b.Outcome = *o
	}
	var fetched []LoggedEvent
	var listed []LogEvent
	for i, e := range b.Log.Events {
		if !containsInt(c.DropLogEvents, i) {
			listed = append(listed, e)
			fetched = append(fetched, evs[i])
		}
	}
	b.Log = &Log{Format: b.Log.Format, Events: listed}
	return roundTrip(t, b), fetched
}

func containsInt(l []int, x int) bool {
	for _, y := range l {
		if y == x {
			return true
		}
	}
	return false
}

func TestVerifyLog_FixtureAndTampering(t *testing.T) {
	good := fixtureBundle(t)
	lg, evs := fixtureLog(t, good)
	good.Log = lg
	good = roundTrip(t, good)
	if err := Verify(good); err != nil {
		t.Fatal(err)
	}
	if err := VerifyLog(good, evs); err != nil {
		t.Fatalf("the fixture's bundle against its log: %v", err)
	}
	for _, c := range logTamperCases {
		b, fetched := applyLogTamper(t, good, evs, c)
		if err := Verify(b); err != nil {
			t.Errorf("%s: the algorithm's check already refuses it (%v); the case tests nothing of the log", c.Name, err)
		}
		if err := VerifyLog(b, fetched); codeOfErr(err) != c.Expect {
			t.Errorf("%s: VerifyLog gave %v, want %s", c.Name, err, c.Expect)
		}
	}
	// A v1 bundle has no log: VerifyLog says so rather than passing.
	v1 := roundTrip(t, good)
	v1.Log = nil
	if err := VerifyLog(v1, evs); codeOfErr(err) != CodeLogMismatch {
		t.Errorf("bundle without log: %v", err)
	}

	// The vector file.
	var f eventVectorFile
	f.Format, f.Note = LogFormat, "docs/draw-algorithm.md §16. The bundle is ../bundle.json with this file's log added; "+
		"events are the records a verifier fetches for the log's leaves. Each tampered case changes that bundle as described and must fail with expect."
	secret, _ := hex.DecodeString(good.Secret)
	f.Digests.ParametersDigest, _ = ParamsDigest(good.Commitment)
	f.Digests.SeedHash = SeedHash(good.Outcome.Seed)
	f.Digests.OutcomeDigest, _ = OutcomeDigest(secret, good.Outcome.Teams)
	f.Digests.FinalDigest, _ = FinalDigest(good.Outcome.CurrentTeams())
	for _, a := range good.Outcome.Amendments {
		d, _ := AmendmentDigest(secret, a)
		f.Digests.AmendmentDigests = append(f.Digests.AmendmentDigests, d)
	}
	f.Log = *lg
	for _, e := range evs {
		f.Events = append(f.Events, eventVector{Leaf: e.Leaf, SubjectType: e.SubjectType, SubjectID: e.SubjectID, Payload: e.Payload})
	}
	f.Tampered = logTamperCases
	want, err := json.MarshalIndent(f, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	path := filepath.Join("testdata", "events", "vectors.json")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/draw -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("testdata/events/vectors.json differs from the fixture; run go test ./internal/draw -update")
	}
}

// codeOfErr is the code of a draw error, "" for nil or another error.
func codeOfErr(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return ""
}

// The §16 digests are recomputed from the document by a short Python script (standard library
// only) over testdata/bundle.json. Skipped where python3 is absent.
func TestVerifyLog_PythonDigests(t *testing.T) {
	py, err := exec.LookPath("python3")
	if err != nil {
		t.Skip("python3 not found")
	}
	out, err := exec.Command(py, filepath.Join("testdata", "events", "check_digests.py")).CombinedOutput()
	if err != nil || !strings.Contains(string(out), "ALL OK") {
		t.Fatalf("check_digests.py: %v\n%s", err, out)
	}
	t.Logf("%s", out)
}

// The streamed summary is the canonical JSON of the generic path, byte for byte.
func TestSummaries_CanonicalJSON(t *testing.T) {
	teams := fixtureBundle(t).Outcome.Teams
	teams = append(teams, Team{Target: "键\"\\\x01é", Members: []Member{{Inspector: "a\u2028b<>&"}}})
	var got bytes.Buffer
	if err := writeSummaries(&got, teams); err != nil {
		t.Fatal(err)
	}
	out := make([]any, len(teams))
	for i, tm := range teams {
		ms := make([]any, len(tm.Members))
		for j, m := range tm.Members {
			ms[j] = m.Inspector
		}
		out[i] = map[string]any{"members": ms, "target": tm.Target}
	}
	want, err := canonicalJSON(map[string]any{"teams": out})
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Fatalf("streamed summary\n%s\ndiffers from canonical JSON\n%s", got.Bytes(), want)
	}
}
