package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/ssgk/ssgk/ent/targetlibrary"
)

// extraIndexes are indexes ent's schema cannot declare: on the join tables of many-to-many
// edges. The sharing catalogue looks a target's owning departments up by target id
// (internal/sharing owners), which the join table's primary key (library, target) cannot serve.
var extraIndexes = []string{
	fmt.Sprintf("CREATE INDEX IF NOT EXISTS %[1]s_%[2]s ON %[1]s (%[2]s)", targetlibrary.TargetsTable, targetlibrary.TargetsPrimaryKey[1]),
}

// InstallIndexes creates the extra indexes; it is idempotent.
func InstallIndexes(ctx context.Context, db *sql.DB) error {
	for _, stmt := range extraIndexes {
		if _, err := db.ExecContext(ctx, stmt); err != nil {
			return err
		}
	}
	return nil
}
