package lists

import (
	"context"
	"strings"
	"time"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/filing"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/numbering"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// FilingDecision is what a decision on a filing (备案) applies to: an item list's here, a
// plan's in package plans.
type FilingDecision struct {
	// Check returns an error when the filing is not of this kind.
	Check func(f *ent.Filing) error
	// BadState is the error code for a filing already decided.
	BadState string
	// Apply updates the filed subject in the decision's transaction, after the filing.
	Apply func(ctx context.Context, tx *ent.Tx, f *ent.Filing, accept bool) error
}

// RecordFiling saves a filing (备案) of a list or plan version as submitted at the given time
// by the viewer of ctx (its account, when it has one): c holds the kind, the subject and its
// department.
func RecordFiling(ctx context.Context, c *ent.FilingCreate, at time.Time) (*ent.Filing, error) {
	c.SetSubmittedAt(at)
	if id := viewer.FromContext(ctx).AccountID; id != 0 {
		c.SetSubmittedByID(id)
	}
	return c.Save(ctx)
}

// DecideFiling is the office's decision on a submitted filing: acknowledge it (with the next
// acknowledgement number) or return it with a reason (the comment, trimmed; a blank reason is
// refused). Only the joint-meeting office decides (authz.DecideFiling), once.
func DecideFiling(ctx context.Context, client *ent.Client, filingID int, accept bool, comment string, d FilingDecision) (*ent.Filing, error) {
	ctx, err := authz.Require(ctx, authz.DecideFiling)
	if err != nil {
		return nil, err
	}
	comment = strings.TrimSpace(comment)
	if !accept && comment == "" {
		return nil, apperr.New(apperr.Invalid, "退回备案须说明原因")
	}
	var out *ent.Filing
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		f, err := tx.Filing.Get(ctx, filingID)
		if err != nil {
			return err
		}
		if err := d.Check(f); err != nil {
			return err
		}
		if f.Status != filing.StatusSUBMITTED {
			return apperr.New(d.BadState, "该备案已办理，不能重复办理")
		}
		at := clock.Now(ctx)
		u := tx.Filing.UpdateOneID(filingID).SetDecidedAt(at).SetComment(comment)
		if id := viewer.FromContext(ctx).AccountID; id != 0 {
			u.SetDecidedByID(id)
		}
		if accept {
			no, err := numbering.NextAcknowledgement(ctx, tx, at)
			if err != nil {
				return err
			}
			u.SetStatus(filing.StatusACKNOWLEDGED).SetAcknowledgementNo(no)
		} else {
			u.SetStatus(filing.StatusRETURNED)
		}
		if out, err = u.Save(ctx); err != nil {
			return err
		}
		return d.Apply(ctx, tx, f, accept)
	})
	return out, err
}
