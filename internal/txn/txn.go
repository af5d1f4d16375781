// Package txn runs units of work in one database transaction.
package txn

import (
	"context"

	"github.com/ssgk/ssgk/ent"
)

// Run runs fn in a transaction, committing on success and rolling back on error or panic.
// Every write of the hub goes through a transaction: the audit hook refuses writes outside one.
// Inside a GraphQL mutation the request's transaction is already in ctx; fn joins it, and the
// request commits or rolls back as a whole.
func Run(ctx context.Context, client *ent.Client, fn func(tx *ent.Tx) error) (err error) {
	if tx := ent.TxFromContext(ctx); tx != nil {
		return fn(tx)
	}
	tx, err := client.Tx(ctx)
	if err != nil {
		return err
	}
	defer func() {
		if r := recover(); r != nil {
			_ = tx.Rollback()
			panic(r)
		}
	}()
	if err := fn(tx); err != nil {
		// A failed rollback adds nothing the caller can act on: the transaction is undone
		// either way (a broken connection or a full disk has already aborted it).
		_ = tx.Rollback()
		return err
	}
	return tx.Commit()
}
