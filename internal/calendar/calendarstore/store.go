// Package calendarstore keeps the operator-loaded holiday years in the database and builds the
// calendar in force from them: the built-in data (lunar-go) overridden, year by year, by the
// latest load. Loading a new year is an operator command, never a code change.
package calendarstore

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/calendaryear"
	"github.com/ssgk/ssgk/internal/calendar"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Load validates a year file (calendar.ParseYearFile) and stores it. A file with any problem
// stores nothing.
func Load(ctx context.Context, client *ent.Client, r io.Reader) (*calendar.Year, *ent.CalendarYear, error) {
	y, err := calendar.ParseYearFile(r)
	if err != nil {
		return nil, nil, err
	}
	canonical, err := y.MarshalJSON()
	if err != nil {
		return nil, nil, err
	}
	sum := sha256.Sum256(canonical)
	var row *ent.CalendarYear
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		row, err = tx.CalendarYear.Create().SetYear(y.Year()).SetSource(y.Source()).SetArrangement(string(canonical)).
			SetDigest(hex.EncodeToString(sum[:])).SetLoadedBy(viewer.FromContext(ctx).Actor()).Save(ctx)
		return err
	})
	return y, row, err
}

// Calendar builds the calendar in force: built-in years, replaced by the latest load of each
// loaded year.
func Calendar(ctx context.Context, client *ent.Client) (*calendar.Calendar, error) {
	rows, err := client.CalendarYear.Query().Order(ent.Asc(calendaryear.FieldLoadedAt), ent.Asc(calendaryear.FieldID)).All(ctx)
	if err != nil {
		return nil, err
	}
	years := make([]*calendar.Year, 0, len(rows))
	for _, r := range rows {
		y, err := calendar.ParseYearFile(bytes.NewReader([]byte(r.Arrangement)))
		if err != nil {
			return nil, err
		}
		years = append(years, y) // later loads of a year come later and win (calendar.New)
	}
	return calendar.New(years...), nil
}
