package store

import (
	"context"
	"database/sql"

	"entgo.io/ent/dialect"
)

// IdempotencyTable keeps, per caller and Idempotency-Key, the response of a mutation that
// committed, written in the mutation's own transaction (internal/server/idempotency.go). It is a
// cache of answers, not business state: outside ent and the audit trail, rows older than a day
// are deleted.
const IdempotencyTable = "ssgk_idempotency"

var idempotencyStmts = map[string][]string{
	dialect.Postgres: {
		`CREATE TABLE IF NOT EXISTS ` + IdempotencyTable + ` (
			principal text NOT NULL,
			key text NOT NULL,
			request_hash text NOT NULL,
			response text NOT NULL,
			created_at timestamptz NOT NULL,
			PRIMARY KEY (principal, key))`,
		`CREATE INDEX IF NOT EXISTS ssgk_idempotency_created ON ` + IdempotencyTable + ` (created_at)`,
	},
	dialect.SQLite: {
		`CREATE TABLE IF NOT EXISTS ` + IdempotencyTable + ` (
			principal text NOT NULL,
			key text NOT NULL,
			request_hash text NOT NULL,
			response text NOT NULL,
			created_at datetime NOT NULL,
			PRIMARY KEY (principal, key))`,
		`CREATE INDEX IF NOT EXISTS ssgk_idempotency_created ON ` + IdempotencyTable + ` (created_at)`,
	},
}

// InstallIdempotency creates the idempotency table; idempotent, run by Migrate.
func InstallIdempotency(ctx context.Context, db *sql.DB, dialectName string) error {
	for _, s := range idempotencyStmts[dialectName] {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return err
		}
	}
	return nil
}
