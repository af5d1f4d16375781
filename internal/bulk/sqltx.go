package bulk

import (
	"database/sql"
	"reflect"
)

// SQLTx digs the *sql.Tx out of an ent transaction (or any value wrapping one), or returns nil.
//
// ent's generated Tx offers ExecContext and QueryContext (feature sql/execquery) but not
// Prepare, and PostgreSQL's COPY (lib/pq: Prepare("COPY … FROM STDIN") on a *sql.Tx) needs it,
// as do statements prepared once and reused for a whole import. The generated code keeps the
// transaction in unexported fields (Tx.config.driver → txDriver.tx → entsql.Tx), so it is
// found by reflection: a bounded walk through struct fields, pointers and interfaces, looking
// for a *sql.Tx and reading it without calling any method on the way. When the walk finds
// nothing — another ent version, a driver wrapper without a *sql.Tx inside — callers fall back
// to plain multi-row statements; TestSQLTx (bulk) and the import tests fail loudly if the
// standard setup stops yielding one.
func SQLTx(tx any) *sql.Tx {
	if tx == nil {
		return nil
	}
	seen := map[uintptr]bool{}
	return findTx(reflect.ValueOf(tx), 0, seen)
}

var sqlTxType = reflect.TypeFor[*sql.Tx]()

// findTx walks at most maxDepth levels. The path in ent 0.14 is
// *ent.Tx → config (struct) → driver (interface) → *ent.txDriver → tx (interface) →
// *entsql.Tx → Tx (interface driver.Tx) → *sql.Tx: seven levels, ten steps of the walk, and
// three steps more on SQLite, where the transaction is the store's writerTx around the
// *entsql.Tx (internal/store, sqlitewriter.go); ent.Tx's other fields
// (entity clients, the client) are pointers to structs whose only route to the transaction
// is the same config, so the walk prefers the fields named along the known path.
func findTx(v reflect.Value, depth int, seen map[uintptr]bool) *sql.Tx {
	const maxDepth = 16
	if depth > maxDepth || !v.IsValid() {
		return nil
	}
	if v.Type() == sqlTxType {
		if v.IsNil() {
			return nil
		}
		return (*sql.Tx)(v.UnsafePointer())
	}
	switch v.Kind() {
	case reflect.Interface:
		if v.IsNil() {
			return nil
		}
		return findTx(v.Elem(), depth+1, seen)
	case reflect.Pointer:
		if v.IsNil() {
			return nil
		}
		p := v.Pointer()
		if seen[p] {
			return nil
		}
		seen[p] = true
		return findTx(v.Elem(), depth+1, seen)
	case reflect.Struct:
		t := v.Type()
		// Known names first (config, driver, tx, Tx, ExecQuerier, Conn), then nothing else:
		// walking every entity client of ent.Tx would only revisit the same config.
		for _, name := range []string{"config", "driver", "tx", "Tx", "Conn", "ExecQuerier", "Driver", "drv"} {
			if f, ok := t.FieldByName(name); ok && len(f.Index) == 1 {
				if found := findTx(v.Field(f.Index[0]), depth+1, seen); found != nil {
					return found
				}
			}
		}
	}
	return nil
}
