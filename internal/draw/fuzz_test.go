package draw_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssgk/ssgk/internal/draw"
)

// FuzzVerifyBundle: ssgk draw verify reads a bundle anyone can hand it; any JSON is verified or
// refused, never a panic.
func FuzzVerifyBundle(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "bundle.json")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"algorithm":"ssgk-draw/v1"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var b draw.Bundle
		if json.Unmarshal(data, &b) != nil {
			return
		}
		_ = draw.Verify(&b)
	})
}
