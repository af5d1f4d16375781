package store

import (
	"context"
	"database/sql"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"

	"github.com/ssgk/ssgk/internal/audit"
)

// The hub's lock order on PostgreSQL (issue 25). Every transaction the hub opens through ent
// takes, right after BEGIN and before it reads or writes anything:
//
//  1. the write lock — the audit chain's advisory lock (audit.PGWriteLock), held to commit;
//
// and only then, in whatever order its work needs:
//
//  2. the ledger's advisory lock (ledger.nextIndex), then the checkpoint lock (ledger.Checkpoint);
//  3. row locks: the ssgk_owner_generation row (bumped by triggers on library memberships), the
//     rows and unique-index entries the transaction writes, the foreign-key share locks.
//
// Because every writer holds lock 1 before it takes any other lock, no two transactions can
// wait for each other in a cycle: an import (which once took the chain lock and then the owner
// generation row) and createTarget with libraryIDs (which took them the other way round) no
// longer deadlock (40P01). It also makes PostgreSQL's writers behave like SQLite's
// (BEGIN IMMEDIATE, one writer): a transaction reads the state it changes only after the
// previous writer committed, so the loser of a race gets the same error on both databases
// (e.g. RESULT_BAD_STATE for a result published meanwhile, CORRECTION_INVALID for a second
// correction) instead of a trigger's or a unique index's. Migrations run outside ent with
// their own advisory locks and are not hub transactions.
//
// Writers were already serialised from their first audited write to their commit (the chain
// lock); taking it at BEGIN moves the wait before the transaction's first reads.

// writeLockDriver takes the write lock at the start of every transaction (PostgreSQL).
type writeLockDriver struct {
	*entsql.Driver
}

const writeLockSQL = "SELECT pg_advisory_xact_lock($1)"

// Tx implements dialect.Driver.
func (d writeLockDriver) Tx(ctx context.Context) (dialect.Tx, error) {
	return d.BeginTx(ctx, nil)
}

// BeginTx begins a transaction and takes the write lock in it.
func (d writeLockDriver) BeginTx(ctx context.Context, opts *sql.TxOptions) (dialect.Tx, error) {
	tx, err := d.Driver.BeginTx(ctx, opts)
	if err != nil {
		return nil, err
	}
	if opts != nil && opts.ReadOnly {
		return tx, nil
	}
	if err := tx.Exec(ctx, writeLockSQL, []any{int64(audit.PGWriteLock)}, nil); err != nil {
		_ = tx.Rollback()
		return nil, err
	}
	return tx, nil
}
