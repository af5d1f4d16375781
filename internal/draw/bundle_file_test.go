package draw

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// The fixture's published bundle is kept as a file, so that `ssgk draw verify` and other
// implementations can be tried on a real bundle. `go test ./internal/draw -update` rewrites it.
func TestBundleFile_MatchesFixtureAndVerifies(t *testing.T) {
	path := filepath.Join("testdata", "bundle.json")
	want, err := json.MarshalIndent(fixtureBundle(t), "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if *update {
		if err := os.WriteFile(path, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	got, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./internal/draw -update)", err)
	}
	if !bytes.Equal(got, want) {
		t.Fatal("testdata/bundle.json differs from the fixture's bundle; run go test ./internal/draw -update")
	}
	var b Bundle
	if err := json.Unmarshal(got, &b); err != nil {
		t.Fatal(err)
	}
	if err := Verify(&b); err != nil {
		t.Fatalf("the published bundle does not verify: %v", err)
	}
}
