package calendarstore_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/calendar/calendarstore"
	"github.com/ssgk/ssgk/internal/testutil"
)

func TestCalendarStore_LoadedYearIsInForce(t *testing.T) {
	db := testutil.Open(t)
	ctx := testutil.System()
	cal, err := calendarstore.Calendar(ctx, db.Client)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cal.Deadline(calendar.Date(2028, 3, 1)); apperr.CodeOf(err) != "CALENDAR_MISSING" {
		t.Fatalf("2028 before loading: err = %v", err)
	}
	// The 2026 National Day holiday: 2026-09-30 + 20 working days.
	if d, err := cal.Deadline(calendar.Date(2026, 9, 30)); err != nil || d.Format("2006-01-02") != "2026-11-03" {
		t.Fatalf("built-in 2026 deadline = %v, %v", d, err)
	}
	// A bad file stores nothing.
	if _, _, err := calendarstore.Load(ctx, db.Client, strings.NewReader(`{"year": 2028}`)); apperr.CodeOf(err) != "INVALID" {
		t.Fatalf("bad file: err = %v", err)
	}
	if n := db.Client.CalendarYear.Query().CountX(ctx); n != 0 {
		t.Fatalf("bad file stored %d years", n)
	}
	f, err := os.Open(filepath.Join("..", "..", "..", "testdata", "calendar", "2028-sample.json"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	y, row, err := calendarstore.Load(ctx, db.Client, f)
	if err != nil {
		t.Fatal(err)
	}
	if row.Year != 2028 || y.Year() != 2028 || len(row.Digest) != 64 || row.LoadedBy != "system:test" {
		t.Fatalf("stored = %+v", row)
	}
	cal, err = calendarstore.Calendar(ctx, db.Client)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cal.Deadline(calendar.Date(2028, 3, 1)); err != nil {
		t.Fatalf("2028 after loading: %v", err)
	}
	if src, ok := cal.Source(2028); !ok || src != y.Source() {
		t.Fatalf("source = %q, %v", src, ok)
	}
}
