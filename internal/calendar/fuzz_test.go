package calendar_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/ssgk/ssgk/internal/calendar"
)

// FuzzParseYearFile: a holiday file is loaded whole or refused with a coded error, never a panic.
func FuzzParseYearFile(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "calendar", "*.json"))
	for _, p := range files {
		if b, err := os.ReadFile(p); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"year":2027,"source":"国办发明电〔2026〕1号","holidays":["2027-01-01"],"make_up_workdays":[]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		y, err := calendar.ParseYearFile(bytes.NewReader(data))
		if err != nil {
			var ce *calendar.Error
			if !errors.As(err, &ce) || ce.Code == "" {
				t.Fatalf("an error without a code: %v", err)
			}
			return
		}
		if y == nil {
			t.Fatal("no year and no error")
		}
	})
}
