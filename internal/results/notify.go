package results

import (
	"context"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/notification"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"
	"github.com/ssgk/ssgk/internal/txn"
)

// MarkNotificationRead records that the receiving department has read a notice (抄告): the
// first reading's time stays, a second call changes nothing. Only the receiving department
// (or the office) may mark it; the write goes through the audit trail like every other.
func MarkNotificationRead(ctx context.Context, client *ent.Client, id int) (*ent.Notification, error) {
	var out *ent.Notification
	err := txn.Run(ctx, client, func(tx *ent.Tx) error {
		n, err := tx.Notification.Query().Where(notification.ID(id)).Only(ctx)
		if ent.IsNotFound(err) {
			return apperr.New(apperr.NotFound, "抄告不存在")
		} else if err != nil {
			return err
		}
		wctx, err := authz.Require(ctx, authz.ReadNotifications, n.ToDepartmentID)
		if err != nil {
			return err
		}
		if n.ReadAt != nil {
			out = n
			return nil
		}
		out, err = tx.Notification.UpdateOneID(n.ID).SetReadAt(clock.Now(ctx)).Save(wctx)
		return err
	})
	return out, err
}
