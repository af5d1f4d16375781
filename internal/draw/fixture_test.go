package draw

// The fixture behind testdata/vectors.json, testdata/bundle.json and testdata/tampered.json: a
// joint task of 县市场监管局 (SCJG, initiator) and 县卫健局 (WJ) over 24 targets in the four
// credit-risk strata, with an inspector pool that exercises every eligibility rule once. Its
// inputs are data, testdata/inputs.json, printed verbatim in docs/draw-algorithm.md §12.1
// (TestDoc_InputsBlockIsTheFile), so that every vector can be reproduced from the document.

import (
	"bytes"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
)

const inputsPath = "testdata/inputs.json"

// fixtureFile is the content of testdata/inputs.json.
type fixtureFile struct {
	Params     Params           `json:"params"`
	Frame      Frame            `json:"frame"`
	Inspectors []Inspector      `json:"inspectors"`
	Conflicts  []Conflict       `json:"conflicts"`
	Rotation   []Assignment     `json:"rotation"`
	Secret     string           `json:"secret"`
	Entropy    string           `json:"entropy"`
	Amendments []fixtureAmendOp `json:"amendments"`
}

// fixtureAmendOp is an amendment's input: what the hub logs; replacement and team are derived.
type fixtureAmendOp struct {
	Kind    AmendmentKind `json:"kind"`
	Target  string        `json:"target"`
	Recused []string      `json:"recused"`
	Reason  string        `json:"reason"`
}

func readFixtureFile() fixtureFile {
	raw, err := os.ReadFile(filepath.FromSlash(inputsPath))
	if err != nil {
		panic(err)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	var f fixtureFile
	if err := dec.Decode(&f); err != nil {
		panic(inputsPath + ": " + err.Error())
	}
	return f
}

var fixture = readFixtureFile()

// fixtureSecret contains 0x00 bytes on purpose: the secret is raw bytes of fixed length.
var fixtureSecret = func() []byte {
	b, err := hex.DecodeString(fixture.Secret)
	if err != nil || len(b) != SecretSize {
		panic("bad fixture secret")
	}
	return b
}()

// fixtureEntropy is what the witnesses read out, exactly as entered (Chinese and spaces kept).
var fixtureEntropy = fixture.Entropy

// fixtureInputs returns a fresh copy of the fixture's inputs (tests change them); the frame is
// built by NewFrameBuilder like the hub's.
func fixtureInputs() Inputs {
	f := readFixtureFile()
	fb := NewFrameBuilder()
	for _, s := range f.Frame.Strata {
		for _, k := range s.Eligible {
			if err := fb.Eligible(s.Name, k); err != nil {
				panic(err)
			}
		}
		for _, e := range s.Excluded {
			if err := fb.Excluded(s.Name, e.Key, e.Reason); err != nil {
				panic(err)
			}
		}
	}
	frame, err := fb.Frame()
	if err != nil {
		panic(err)
	}
	return Inputs{Frame: frame, Params: f.Params, Inspectors: f.Inspectors, Conflicts: f.Conflicts, Rotation: f.Rotation}
}
