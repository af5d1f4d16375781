// Package numbering issues plan and task numbers the way offices write them (domain.md §2.4):
// the 6-digit division code, the 4-digit year and a 4-digit sequence, e.g. 37092120260001.
package numbering

import (
	"context"
	"fmt"
	"github.com/ssgk/ssgk/internal/clock"
	"strconv"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/filing"
	"github.com/ssgk/ssgk/ent/plan"
	"github.com/ssgk/ssgk/ent/task"
)

// Format builds a number from its parts.
func Format(division string, year, seq int) string {
	return fmt.Sprintf("%s%04d%04d", division, year, seq)
}

// next returns the number after the highest existing one with the same prefix. Two writers
// racing for the same number collide on the unique index and one gets CONFLICT; nothing is
// silently renumbered.
func next(division string, year int, existing []string) (string, error) {
	prefix := fmt.Sprintf("%s%04d", division, year)
	max := 0
	for _, n := range existing {
		if len(n) != len(prefix)+4 || n[:len(prefix)] != prefix {
			continue
		}
		if s, err := strconv.Atoi(n[len(prefix):]); err == nil && s > max {
			max = s
		}
	}
	if max >= 9999 {
		return "", fmt.Errorf("numbering: sequence of %s exhausted", prefix)
	}
	return Format(division, year, max+1), nil
}

// NextPlan returns the next plan number of the division and year. Versions of one plan share
// its number.
func NextPlan(ctx context.Context, tx *ent.Tx, division string, year int) (string, error) {
	prefix := fmt.Sprintf("%s%04d", division, year)
	nums, err := tx.Plan.Query().Where(plan.NumberHasPrefix(prefix)).Select(plan.FieldNumber).Strings(ctx)
	if err != nil {
		return "", err
	}
	return next(division, year, nums)
}

// NextTask returns the next task number of the division and year.
func NextTask(ctx context.Context, tx *ent.Tx, division string, year int) (string, error) {
	prefix := fmt.Sprintf("%s%04d", division, year)
	nums, err := tx.Task.Query().Where(task.NumberHasPrefix(prefix)).Select(task.FieldNumber).Strings(ctx)
	if err != nil {
		return "", err
	}
	return next(division, year, nums)
}

// NextAcknowledgement numbers the office's acknowledgement of a filing (备案回执号), one register
// for lists and plans, per calendar year (China time): 备字〔2026〕第3号.
func NextAcknowledgement(ctx context.Context, tx *ent.Tx, now time.Time) (string, error) {
	year := now.In(clock.CST).Year()
	n, err := tx.Filing.Query().Where(filing.StatusEQ(filing.StatusACKNOWLEDGED),
		filing.DecidedAtGTE(time.Date(year, 1, 1, 0, 0, 0, 0, clock.CST))).Count(ctx)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("备字〔%d〕第%d号", year, n+1), nil
}
