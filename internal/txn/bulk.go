package txn

import "context"

type bulkKey struct{}

// WithBulk marks the transactions begun with ctx as bulk writes (an import's write
// transaction). On SQLite a bulk transaction waits for the one writer connection behind every
// interactive transaction waiting for it (internal/store, sqlitewriter.go), so that mutations
// wait for at most the bulk transaction in progress, never for a queue of them.
func WithBulk(ctx context.Context) context.Context { return context.WithValue(ctx, bulkKey{}, true) }

// IsBulk reports whether ctx carries WithBulk.
func IsBulk(ctx context.Context) bool {
	b, _ := ctx.Value(bulkKey{}).(bool)
	return b
}
