package results

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"entgo.io/ent/dialect"
)

// The database half of "once published, a result cannot be changed" (domain.md §2.8): Hooks
// guards the ent paths; these triggers guard everything else that reaches the hub's database
// through its connection (raw SQL, a bulk path, a future bug). Each refusal carries
// immutableMarker ("ssgk-refusal:RESULT_PUBLISHED_IMMUTABLE") in its message, which
// apperr.From maps to CodeImmutable and the one message of the rule.

// childTables are the tables whose rows belong to a result through a result_id column.
var childTables = []string{"result_items", "evidences", "result_code_links", "result_methods"}

func sqliteTriggers() []string {
	raise := "SELECT RAISE(ABORT, '" + immutableMarker + "');"
	published := func(expr string) string {
		return "(SELECT status FROM results WHERE id = " + expr + ") = 'PUBLISHED'"
	}
	stmts := []string{
		`CREATE TRIGGER IF NOT EXISTS ssgk_results_immutable_update BEFORE UPDATE ON results FOR EACH ROW
		 WHEN OLD.status = 'PUBLISHED' BEGIN ` + raise + ` END`,
		`CREATE TRIGGER IF NOT EXISTS ssgk_results_immutable_delete BEFORE DELETE ON results FOR EACH ROW
		 WHEN OLD.status = 'PUBLISHED' BEGIN ` + raise + ` END`,
	}
	for _, t := range childTables {
		stmts = append(stmts,
			fmt.Sprintf(`CREATE TRIGGER IF NOT EXISTS ssgk_%[1]s_immutable_insert BEFORE INSERT ON %[1]s FOR EACH ROW
			 WHEN %[2]s BEGIN %[4]s END`, t, published("NEW.result_id"), "", raise),
			fmt.Sprintf(`CREATE TRIGGER IF NOT EXISTS ssgk_%[1]s_immutable_update BEFORE UPDATE ON %[1]s FOR EACH ROW
			 WHEN %[2]s OR %[3]s BEGIN %[4]s END`, t, published("OLD.result_id"), published("NEW.result_id"), raise),
			fmt.Sprintf(`CREATE TRIGGER IF NOT EXISTS ssgk_%[1]s_immutable_delete BEFORE DELETE ON %[1]s FOR EACH ROW
			 WHEN %[2]s BEGIN %[4]s END`, t, published("OLD.result_id"), "", raise),
		)
	}
	item := func(expr string) string {
		return "(SELECT r.status FROM results r JOIN result_items i ON i.result_id = r.id WHERE i.id = " + expr + ") = 'PUBLISHED'"
	}
	stmts = append(stmts,
		`CREATE TRIGGER IF NOT EXISTS ssgk_result_item_codes_immutable_insert BEFORE INSERT ON result_item_codes FOR EACH ROW
		 WHEN `+item("NEW.result_item_id")+` BEGIN `+raise+` END`,
		`CREATE TRIGGER IF NOT EXISTS ssgk_result_item_codes_immutable_update BEFORE UPDATE ON result_item_codes FOR EACH ROW
		 WHEN `+item("OLD.result_item_id")+` OR `+item("NEW.result_item_id")+` BEGIN `+raise+` END`,
		`CREATE TRIGGER IF NOT EXISTS ssgk_result_item_codes_immutable_delete BEFORE DELETE ON result_item_codes FOR EACH ROW
		 WHEN `+item("OLD.result_item_id")+` BEGIN `+raise+` END`,
	)
	return stmts
}

// triggerNames lists every trigger InstallTriggers creates (for DropTriggers).
func triggerNames() []string {
	names := []string{"ssgk_results_immutable_update", "ssgk_results_immutable_delete"}
	for _, t := range append(slicesClone(childTables), "result_item_codes") {
		for _, op := range []string{"insert", "update", "delete"} {
			names = append(names, "ssgk_"+t+"_immutable_"+op)
		}
	}
	return names
}

func slicesClone(s []string) []string { return append([]string(nil), s...) }

// pgFunctions has {{marker}} where each RAISE carries the marker (pgFunctionsSQL).
const pgFunctions = `
CREATE OR REPLACE FUNCTION ssgk_results_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		IF EXISTS (SELECT 1 FROM results WHERE status = 'PUBLISHED') THEN
			RAISE EXCEPTION '{{marker}}: 已公示的检查结果不能删除';
		END IF;
		RETURN NULL;
	END IF;
	IF OLD.status = 'PUBLISHED' THEN
		RAISE EXCEPTION '{{marker}}: 已公示的检查结果（编号 %）不能修改或删除', OLD.id;
	END IF;
	IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
	RETURN NEW;
END $$;

CREATE OR REPLACE FUNCTION ssgk_result_child_immutable() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
	rid bigint;
BEGIN
	IF TG_OP = 'TRUNCATE' THEN
		IF EXISTS (SELECT 1 FROM results WHERE status = 'PUBLISHED') THEN
			RAISE EXCEPTION '{{marker}}: 存在已公示的检查结果，不能清空 %', TG_TABLE_NAME;
		END IF;
		RETURN NULL;
	END IF;
	IF TG_OP IN ('UPDATE', 'DELETE') THEN
		IF TG_TABLE_NAME = 'result_item_codes' THEN
			SELECT i.result_id INTO rid FROM result_items i WHERE i.id = OLD.result_item_id;
		ELSE
			rid := (to_jsonb(OLD) ->> 'result_id')::bigint;
		END IF;
		IF EXISTS (SELECT 1 FROM results WHERE id = rid AND status = 'PUBLISHED') THEN
			RAISE EXCEPTION '{{marker}}: 已公示的检查结果（编号 %）的内容不能修改或删除', rid;
		END IF;
	END IF;
	IF TG_OP IN ('INSERT', 'UPDATE') THEN
		IF TG_TABLE_NAME = 'result_item_codes' THEN
			SELECT i.result_id INTO rid FROM result_items i WHERE i.id = NEW.result_item_id;
		ELSE
			rid := (to_jsonb(NEW) ->> 'result_id')::bigint;
		END IF;
		IF EXISTS (SELECT 1 FROM results WHERE id = rid AND status = 'PUBLISHED') THEN
			RAISE EXCEPTION '{{marker}}: 已公示的检查结果（编号 %）不能增加内容', rid;
		END IF;
	END IF;
	IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
	RETURN NEW;
END $$;
`

// pgFunctionsSQL is pgFunctions with the marker in every RAISE. (The marker is a constant of
// capitals and punctuation: nothing to quote.)
func pgFunctionsSQL() string {
	return strings.ReplaceAll(pgFunctions, "{{marker}}", immutableMarker)
}

func pgTriggers() []string {
	stmts := []string{
		`DROP TRIGGER IF EXISTS ssgk_results_immutable ON results`,
		`CREATE TRIGGER ssgk_results_immutable BEFORE UPDATE OR DELETE ON results FOR EACH ROW EXECUTE FUNCTION ssgk_results_immutable()`,
		`DROP TRIGGER IF EXISTS ssgk_results_immutable_truncate ON results`,
		`CREATE TRIGGER ssgk_results_immutable_truncate BEFORE TRUNCATE ON results FOR EACH STATEMENT EXECUTE FUNCTION ssgk_results_immutable()`,
	}
	for _, t := range append(slicesClone(childTables), "result_item_codes") {
		stmts = append(stmts,
			fmt.Sprintf(`DROP TRIGGER IF EXISTS ssgk_%[1]s_immutable ON %[1]s`, t),
			fmt.Sprintf(`CREATE TRIGGER ssgk_%[1]s_immutable BEFORE INSERT OR UPDATE OR DELETE ON %[1]s FOR EACH ROW EXECUTE FUNCTION ssgk_result_child_immutable()`, t),
			fmt.Sprintf(`DROP TRIGGER IF EXISTS ssgk_%[1]s_immutable_truncate ON %[1]s`, t),
			fmt.Sprintf(`CREATE TRIGGER ssgk_%[1]s_immutable_truncate BEFORE TRUNCATE ON %[1]s FOR EACH STATEMENT EXECUTE FUNCTION ssgk_result_child_immutable()`, t),
		)
	}
	return stmts
}

// pgTriggerLock serialises InstallTriggers across replicas starting at once.
const pgTriggerLock = 0x5353_4b52 // "SSKR"

// InstallTriggers creates the immutability triggers on the result tables. It is idempotent and
// runs in one transaction; call it after the migrations (hub.Migrate). dialectName is
// dialect.SQLite or dialect.Postgres.
func InstallTriggers(ctx context.Context, db *sql.DB, dialectName string) error {
	var stmts []string
	switch dialectName {
	case dialect.SQLite:
		// Dropped first, so that a database whose triggers raise an older text gets these.
		for _, n := range triggerNames() {
			stmts = append(stmts, "DROP TRIGGER IF EXISTS "+n)
		}
		stmts = append(stmts, sqliteTriggers()...)
	case dialect.Postgres:
		stmts = append([]string{fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", pgTriggerLock), pgFunctionsSQL()}, pgTriggers()...)
	default:
		return fmt.Errorf("results: triggers for dialect %q are not supported", dialectName)
	}
	return inTx(ctx, db, stmts)
}

// DropTriggers removes the triggers InstallTriggers creates. SQLite refuses to rename a table
// while a trigger refers to a missing one, and a migration that rebuilds the results table
// (create new_results, copy, drop, rename) goes through exactly that state: run migrations
// between DropTriggers and InstallTriggers.
func DropTriggers(ctx context.Context, db *sql.DB, dialectName string) error {
	var stmts []string
	switch dialectName {
	case dialect.SQLite:
		for _, n := range triggerNames() {
			stmts = append(stmts, "DROP TRIGGER IF EXISTS "+n)
		}
	case dialect.Postgres:
		// PostgreSQL migrations rename and rebuild without tripping over the triggers, and a
		// dropped table takes its triggers with it.
		return nil
	default:
		return fmt.Errorf("results: triggers for dialect %q are not supported", dialectName)
	}
	return inTx(ctx, db, stmts)
}

func inTx(ctx context.Context, db *sql.DB, stmts []string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			_ = tx.Rollback()
			return fmt.Errorf("results: installing triggers: %w", err)
		}
	}
	return tx.Commit()
}
