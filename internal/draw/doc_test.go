package draw

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const specPath = "../../docs/draw-algorithm.md"

// docBlock returns the fenced block that follows the line "<!-- marker -->" in the
// specification.
func docBlock(t *testing.T, marker string) []byte {
	t.Helper()
	doc, err := os.ReadFile(specPath)
	if err != nil {
		t.Fatal(err)
	}
	m := []byte("<!-- " + marker + " -->\n")
	i := bytes.Index(doc, m)
	if i < 0 {
		t.Fatalf("%s has no line %q", specPath, strings.TrimSpace(string(m)))
	}
	rest := doc[i+len(m):]
	open := []byte("```json\n")
	if !bytes.HasPrefix(rest, open) {
		t.Fatalf("the line %q is not followed by a ```json block", strings.TrimSpace(string(m)))
	}
	rest = rest[len(open):]
	j := bytes.Index(rest, []byte("\n```\n"))
	if j < 0 {
		t.Fatal("unterminated block")
	}
	return rest[:j+1]
}

// The inputs of §12 are printed in the specification, byte for byte the file the vectors are
// computed from (fixtureInputs reads it; TestVectors_MatchImplementation and
// TestBundleFile_MatchesFixtureAndVerifies compare what it gives with the vector files).
func TestDoc_InputsBlockIsTheFile(t *testing.T) {
	file, err := os.ReadFile(filepath.FromSlash(inputsPath))
	if err != nil {
		t.Fatal(err)
	}
	if block := docBlock(t, "testdata/inputs.json"); !bytes.Equal(block, file) {
		t.Fatalf("the JSON block of §12.1 in %s differs from %s; copy the file into the document", specPath, inputsPath)
	}
}
