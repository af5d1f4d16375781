package store

import (
	"context"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	entsql "entgo.io/ent/dialect/sql"
)

// The name search index (issue 7): the portal finds published results by a fragment of the
// enterprise name — Chinese, often only two to four characters — and `name LIKE '%…%'` reads
// every target. The index holds, for each target, the grams of its name: the substring of three
// characters starting at each character (the last two are shorter: the last two characters and
// the last one). A fragment of three characters or more is in a name only if all its
// three-character substrings are grams of the name; a fragment of one or two characters is in a
// name only if it is the beginning of one of its grams. So the index narrows the search to a few
// candidates, and the LIKE the portal keeps beside it decides: the index is never the answer,
// only a superset of it, and a missing entry is the one thing that must not happen.
//
// The index is kept current by the database itself, whatever writes the targets (the hub, an
// import, plain SQL):
//
//   - PostgreSQL: a GIN index on the expression ssgk_name_grams(name), a tsvector whose lexemes
//     are the grams as they are (LIKE is case-sensitive there). A fragment becomes a tsquery: the
//     AND of its trigrams, or one prefix lexeme ('粮油':*). Only core PostgreSQL is used (no
//     pg_trgm, whose trigrams also need three characters and whose extension may not be allowed).
//   - SQLite: an FTS5 table without content, rowid = targets.id, whose text is the grams of
//     lower(name) (LIKE folds ASCII case there, and so does lower()), each written in hex so that
//     the "ascii" tokenizer keeps every gram whole whatever its characters; triggers on targets
//     maintain it. A fragment becomes an FTS5 query: the AND of its trigrams, or one prefix token.
//
// Changing how grams are made means new names for the function, index and table (the old index
// would silently disagree with the new query); InstallSearch then builds the new one.

const (
	// NameGramsTable is the SQLite FTS5 table of target name grams (rowid = targets.id).
	NameGramsTable = "ssgk_target_name_grams"
	// NameGramsFunc is the PostgreSQL function whose value on targets.name is indexed.
	NameGramsFunc = "ssgk_name_grams"
	// nameGramsIndex is the PostgreSQL GIN index on NameGramsFunc(targets.name).
	nameGramsIndex = "ssgk_targets_name_grams"
)

// sqliteGrams is the SQLite expression of the grams text of name: hex(substr(lower(name), n, 3))
// for n = 1…length(name), space-separated. Trigger bodies cannot hold a WITH clause, so the
// positions come from json_each over a JSON array of length(name) zeros (zeroblob gives the
// length, replace the commas).
func sqliteGrams(name string) string {
	return fmt.Sprintf(`(SELECT group_concat(hex(substr(lower(%[1]s), j.key + 1, 3)), ' ')
		FROM json_each('[' || replace(hex(zeroblob(length(%[1]s) - 1)), '00', '0,') || '0]') AS j)`, name)
}

func sqliteSearchStmts() []string {
	return []string{
		`CREATE TRIGGER IF NOT EXISTS ssgk_target_name_grams_insert AFTER INSERT ON targets FOR EACH ROW BEGIN
			DELETE FROM ` + NameGramsTable + ` WHERE rowid = NEW.id;
			INSERT INTO ` + NameGramsTable + ` (rowid, grams) VALUES (NEW.id, ` + sqliteGrams("NEW.name") + `);
		END`,
		`CREATE TRIGGER IF NOT EXISTS ssgk_target_name_grams_update AFTER UPDATE OF id, name ON targets FOR EACH ROW BEGIN
			DELETE FROM ` + NameGramsTable + ` WHERE rowid = OLD.id;
			DELETE FROM ` + NameGramsTable + ` WHERE rowid = NEW.id;
			INSERT INTO ` + NameGramsTable + ` (rowid, grams) VALUES (NEW.id, ` + sqliteGrams("NEW.name") + `);
		END`,
		`CREATE TRIGGER IF NOT EXISTS ssgk_target_name_grams_delete AFTER DELETE ON targets FOR EACH ROW BEGIN
			DELETE FROM ` + NameGramsTable + ` WHERE rowid = OLD.id;
		END`,
	}
}

// pgGramsFunc is IMMUTABLE (a function of its argument only), as an index expression must be.
const pgGramsFunc = `CREATE FUNCTION ` + NameGramsFunc + `(name text) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
	SELECT array_to_tsvector(ARRAY(SELECT substr(name, n, 3) FROM generate_series(1, length(name)) AS n))
$$`

// pgSearchLock serialises InstallSearch across replicas starting at once.
const pgSearchLock = 0x5353_4b4e // "SSKN"

// InstallSearch creates the name search index if it is missing, filling it from the existing
// targets, and (SQLite) the triggers that keep it current. It is idempotent and runs in one
// transaction; store.Migrate calls it after the migrations. The first run on a large database
// reads every target once.
func InstallSearch(ctx context.Context, db *sql.DB, dialectName string) error {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	var stmts []string
	switch dialectName {
	case dialect.SQLite:
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_master WHERE name = ?`, NameGramsTable).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			// Contentless (the grams are derived data), contentless_delete so that a row can be
			// deleted by rowid, detail=none: only which targets hold a gram, not where.
			stmts = append(stmts,
				`CREATE VIRTUAL TABLE `+NameGramsTable+` USING fts5(grams, content='', contentless_delete=1, detail='none', tokenize='ascii')`,
				`INSERT INTO `+NameGramsTable+` (rowid, grams) SELECT t.id, `+sqliteGrams("t.name")+` FROM targets AS t`)
		}
		stmts = append(stmts, sqliteSearchStmts()...)
	case dialect.Postgres:
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", pgSearchLock)); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM pg_proc p JOIN pg_namespace s ON s.oid = p.pronamespace
			WHERE p.proname = $1 AND s.nspname = current_schema()`, NameGramsFunc).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			stmts = append(stmts, pgGramsFunc)
		}
		// Looked up first: CREATE INDEX IF NOT EXISTS would lock the table to find out.
		var exists bool
		if err := tx.QueryRowContext(ctx, `SELECT to_regclass(quote_ident(current_schema()) || '.' || $1) IS NOT NULL`, nameGramsIndex).Scan(&exists); err != nil {
			return err
		}
		if !exists {
			// The planner estimates how many names a fragment is in (NameCandidatesBroad) from
			// the statistics ANALYZE keeps on the index expression: take them now rather than
			// at the next automatic ANALYZE, which on a table that rarely changes may be far off.
			stmts = append(stmts, `CREATE INDEX IF NOT EXISTS `+nameGramsIndex+` ON targets USING gin (`+NameGramsFunc+`(name))`,
				`ANALYZE targets`)
		}
	default:
		return fmt.Errorf("store: name search index for dialect %q is not supported", dialectName)
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("store: installing the name search index: %w", err)
		}
	}
	return tx.Commit()
}

// maxQueryGrams bounds the trigrams of one query: enough to pin a fragment down, few enough to
// keep the index lookup cheap for a long one (the LIKE beside it checks the whole fragment).
const maxQueryGrams = 12

// queryGrams returns the grams to look up for a fragment, in runes: its trigrams when it has
// three characters or more (first every third one, so that all characters are covered, then the
// others, at most maxQueryGrams), or the fragment itself as a prefix.
func queryGrams(fragment string) (grams []string, prefix bool) {
	rs := []rune(fragment)
	if len(rs) < 3 {
		return []string{fragment}, true
	}
	var order []int
	for i := 0; i+3 <= len(rs); i += 3 {
		order = append(order, i)
	}
	if last := len(rs) - 3; last%3 != 0 {
		order = append(order, last)
	}
	for i := 0; i+3 <= len(rs); i++ {
		if i%3 != 0 && i != len(rs)-3 {
			order = append(order, i)
		}
	}
	seen := map[string]bool{}
	for _, i := range order {
		g := string(rs[i : i+3])
		if seen[g] {
			continue
		}
		seen[g] = true
		grams = append(grams, g)
		if len(grams) == maxQueryGrams {
			break
		}
	}
	return grams, false
}

// lowerASCII is SQLite's lower(): ASCII letters only.
func lowerASCII(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}, s)
}

// sqliteMatch is the FTS5 query of a fragment: each gram as a quoted hex token, ANDed, or one
// prefix token.
func sqliteMatch(fragment string) string {
	grams, prefix := queryGrams(lowerASCII(fragment))
	toks := make([]string, len(grams))
	for i, g := range grams {
		toks[i] = `"` + hex.EncodeToString([]byte(g)) + `"`
	}
	if prefix {
		return toks[0] + "*"
	}
	return strings.Join(toks, " AND ")
}

// pgQuery is the tsquery of a fragment in tsquery input syntax: each gram as a quoted lexeme
// (quotes and backslashes doubled), ANDed, or one prefix lexeme.
func pgQuery(fragment string) string {
	grams, prefix := queryGrams(fragment)
	lex := make([]string, len(grams))
	for i, g := range grams {
		lex[i] = "'" + strings.NewReplacer(`'`, `''`, `\`, `\\`).Replace(g) + "'"
	}
	if prefix {
		return lex[0] + ":*"
	}
	return strings.Join(lex, " & ")
}

// NameCandidates returns a predicate on the targets table that holds for every target whose name
// contains fragment (and for a few more: apply the exact test as well, e.g.
// target.NameContains). ok is false when the index cannot help: an empty fragment, or one that
// is not valid UTF-8.
func NameCandidates(fragment string) (pred func(*entsql.Selector), ok bool) {
	if fragment == "" || !utf8.ValidString(fragment) || strings.ContainsRune(fragment, 0) {
		return nil, false
	}
	return func(s *entsql.Selector) {
		id, name := s.C("id"), s.C("name")
		s.Where(entsql.P(func(b *entsql.Builder) {
			if b.Dialect() == dialect.Postgres {
				b.WriteString(NameGramsFunc + "(").Ident(name).WriteString(") @@ CAST(").Arg(pgQuery(fragment)).WriteString(" AS tsquery)")
				return
			}
			b.Ident(id).WriteString(" IN (SELECT rowid FROM " + NameGramsTable + " WHERE " + NameGramsTable + " MATCH ").
				Arg(sqliteMatch(fragment)).WriteString(")")
		}))
	}, true
}

// BroadName is the number of candidate targets above which the index no longer pays: past it,
// reading every name once (what a plain LIKE does) costs less than going from each candidate
// to its row — and on PostgreSQL, whose planner then reads the whole table anyway, less than
// computing the grams of every name that the LIKE lets through. A fragment such as the
// county's name, in nearly every enterprise name, is broad. A variable for tests only.
var BroadName = 100_000

// Querier runs a query and tells its SQL dialect: an ent.Client (built with the sql/execquery
// feature) or a connection pool as an ent SQL driver (entsql.OpenDB) do.
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	Dialect() string
}

// NameCandidatesBroad reports whether more than BroadName targets are candidates for fragment:
// on SQLite it counts them in the index, stopping at BroadName+1 (a few milliseconds); on
// PostgreSQL it asks the planner for its estimate (from the statistics ANALYZE keeps on the
// index expression), without running anything.
func NameCandidatesBroad(ctx context.Context, db Querier, fragment string) (bool, error) {
	var (
		query string
		arg   any
	)
	dialectName := db.Dialect()
	switch dialectName {
	case dialect.SQLite:
		query = fmt.Sprintf(`SELECT count(*) FROM (SELECT 1 FROM %[1]s WHERE %[1]s MATCH ? LIMIT %[2]d)`, NameGramsTable, BroadName+1)
		arg = sqliteMatch(fragment)
	case dialect.Postgres:
		query = `EXPLAIN (FORMAT JSON) SELECT 1 FROM targets WHERE ` + NameGramsFunc + `(name) @@ CAST($1 AS tsquery)`
		arg = pgQuery(fragment)
	default:
		return false, fmt.Errorf("store: name search index for dialect %q is not supported", dialectName)
	}
	rows, err := db.QueryContext(ctx, query, arg)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	var n float64
	for rows.Next() {
		if dialectName == dialect.SQLite {
			err = rows.Scan(&n)
		} else {
			var plan string
			if err = rows.Scan(&plan); err == nil {
				var p []struct {
					Plan struct {
						Rows float64 `json:"Plan Rows"`
					}
				}
				if err = json.Unmarshal([]byte(plan), &p); err == nil && len(p) > 0 {
					n = p[0].Plan.Rows
				}
			}
		}
		if err != nil {
			return false, err
		}
	}
	if err := rows.Err(); err != nil {
		return false, err
	}
	return n > float64(BroadName), nil
}
