package sharing

import (
	"context"
	"database/sql"
	"fmt"
	"sync"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/targetlibrary"
)

// The owners of a target are the departments whose sub-libraries hold it: a join of the
// membership table with the libraries, looked up for every page of targets a department reads
// another department's restricted fields of. An OwnerCache keeps those owners across reads, and
// stays exact: every statement that changes a membership or a library's department also bumps a
// generation number, in the same transaction (triggers installed by InstallOwnerGeneration:
// statement-level on PostgreSQL, row-level on SQLite, which has no other kind; bulk imports write
// memberships with COPY or multi-row INSERTs, which fire them too). A read takes the generation
// first and uses the cached owners only when they were looked up under the same generation —
// that is, from the very same memberships it would see.

// Lock order: the generation row is a row lock, taken (by the triggers) only after the write
// lock every hub transaction holds since BEGIN on PostgreSQL (internal/store/writelock.go).

// OwnerGenerationTable holds the one generation row.
const OwnerGenerationTable = "ssgk_owner_generation"

// ownerGenerationStmts create the generation row and the triggers that bump it, per dialect.
// Each ends by bumping the generation once, so that a process whose cache outlived a migration
// (run by another process) looks every owner up again.
var ownerGenerationStmts = map[string][]string{
	dialect.Postgres: {
		`CREATE TABLE IF NOT EXISTS ` + OwnerGenerationTable + ` (
			one boolean PRIMARY KEY DEFAULT true CHECK (one),
			generation bigint NOT NULL)`,
		`INSERT INTO ` + OwnerGenerationTable + ` (one, generation) VALUES (true, 1) ON CONFLICT DO NOTHING`,
		`CREATE OR REPLACE FUNCTION ssgk_bump_owner_generation() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN
			UPDATE ` + OwnerGenerationTable + ` SET generation = generation + 1;
			RETURN NULL;
		END $$`,
		fmt.Sprintf(`CREATE OR REPLACE TRIGGER ssgk_owner_generation AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON %s
			FOR EACH STATEMENT EXECUTE FUNCTION ssgk_bump_owner_generation()`, targetlibrary.TargetsTable),
		fmt.Sprintf(`CREATE OR REPLACE TRIGGER ssgk_owner_generation AFTER UPDATE OF %s OR DELETE OR TRUNCATE ON %s
			FOR EACH STATEMENT EXECUTE FUNCTION ssgk_bump_owner_generation()`, targetlibrary.FieldDepartmentID, targetlibrary.Table),
		bumpGeneration,
	},
	dialect.SQLite: sqliteGenerationStmts(),
}

const bumpGeneration = `UPDATE ` + OwnerGenerationTable + ` SET generation = generation + 1`

// sqliteTriggers: one row-level trigger per event (a membership inserted, changed or deleted;
// a library moved to another department or deleted). A row's trigger is an update of one row on
// a page the statement already holds: it added about 1 % to a bulk import (bench/README.md).
var sqliteTriggers = []struct{ name, event, table string }{
	{"ssgk_owner_generation_ins", "INSERT", targetlibrary.TargetsTable},
	{"ssgk_owner_generation_upd", "UPDATE", targetlibrary.TargetsTable},
	{"ssgk_owner_generation_del", "DELETE", targetlibrary.TargetsTable},
	{"ssgk_owner_generation_lib_upd", "UPDATE OF " + targetlibrary.FieldDepartmentID, targetlibrary.Table},
	{"ssgk_owner_generation_lib_del", "DELETE", targetlibrary.Table},
}

func sqliteGenerationStmts() []string {
	out := []string{
		`CREATE TABLE IF NOT EXISTS ` + OwnerGenerationTable + ` (
			one integer PRIMARY KEY CHECK (one = 1),
			generation integer NOT NULL)`,
		`INSERT OR IGNORE INTO ` + OwnerGenerationTable + ` (one, generation) VALUES (1, 1)`,
	}
	for _, t := range sqliteTriggers {
		out = append(out, fmt.Sprintf("CREATE TRIGGER IF NOT EXISTS %s AFTER %s ON %s BEGIN %s; END", t.name, t.event, t.table, bumpGeneration))
	}
	return append(out, bumpGeneration)
}

// InstallOwnerGeneration creates the generation row and its triggers. It is idempotent;
// hub.Migrate has store.Migrate call it after the migrations.
func InstallOwnerGeneration(ctx context.Context, db *sql.DB, dialectName string) error {
	stmts, ok := ownerGenerationStmts[dialectName]
	if !ok {
		return fmt.Errorf("sharing: no owner generation for dialect %q", dialectName)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck
	if dialectName == dialect.Postgres {
		// Replicas starting at once would race on CREATE OR REPLACE.
		if _, err := tx.ExecContext(ctx, fmt.Sprintf("SELECT pg_advisory_xact_lock(%d)", pgGenerationLock)); err != nil {
			return err
		}
	}
	for _, s := range stmts {
		if _, err := tx.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("sharing: installing the owner generation: %w", err)
		}
	}
	return tx.Commit()
}

// DropOwnerGenerationTriggers removes the SQLite triggers while migrations rebuild tables;
// InstallOwnerGeneration puts them back (and bumps the generation) afterwards. PostgreSQL keeps
// its triggers through migrations.
func DropOwnerGenerationTriggers(ctx context.Context, db *sql.DB, dialectName string) error {
	if dialectName != dialect.SQLite {
		return nil
	}
	for _, t := range sqliteTriggers {
		if _, err := db.ExecContext(ctx, "DROP TRIGGER IF EXISTS "+t.name); err != nil {
			return err
		}
	}
	return nil
}

const pgGenerationLock = 0x5353_4f47 // "SSOG"

// readGeneration returns the current owner generation.
func readGeneration(ctx context.Context, db Querier) (int64, error) {
	rows, err := db.QueryContext(ctx, "SELECT generation FROM "+OwnerGenerationTable)
	if err != nil {
		return 0, fmt.Errorf("sharing: owner generation: %w", err)
	}
	defer rows.Close()
	var g int64
	for rows.Next() {
		if err := rows.Scan(&g); err != nil {
			return 0, err
		}
	}
	if err := rows.Err(); err != nil {
		return 0, err
	}
	if g == 0 {
		return 0, fmt.Errorf("sharing: owner generation row missing (run ssgk migrate)")
	}
	return g, nil
}

// OwnerCache keeps the owning departments of targets across reads, for one generation at a
// time (see above). It is safe for concurrent use. A nil cache caches nothing.
type OwnerCache struct {
	mu   sync.Mutex
	gen  int64
	m    map[int][]int
	max  int
	hits int64 // targets answered from the cache, for tests and metrics
}

// Hits returns how many targets' owners the cache has answered.
func (c *OwnerCache) Hits() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hits
}

// NewOwnerCache returns a cache of at most max targets' owners; when full it starts over.
func NewOwnerCache(max int) *OwnerCache {
	return &OwnerCache{max: max, m: map[int][]int{}}
}

// store keeps owners looked up under generation gen. Owners of an older generation than the
// cache's are dropped; a newer generation empties the cache first.
func (c *OwnerCache) store(gen int64, got map[int][]int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case gen <= 0 || gen < c.gen:
		return
	case gen > c.gen || len(c.m)+len(got) > c.max:
		c.gen, c.m = gen, make(map[int][]int, len(got))
	}
	for id, deps := range got {
		c.m[id] = deps
	}
}

// owners returns the owners of targets ids through the cache: the generation, then the
// cached owners, then one query for the rest that reads the generation in the same statement —
// so that what it stores is labelled with the memberships it saw (fill).
func (c *OwnerCache) owners(ctx context.Context, db Querier, gen int64, ids []int) (map[int][]int, error) {
	dst := make([][]int, len(ids))
	if err := c.fill(ctx, db, gen, ids, dst); err != nil {
		return nil, err
	}
	out := make(map[int][]int, len(ids))
	for i, id := range ids {
		out[id] = dst[i]
	}
	return out, nil
}

// fill sets dst[i] to the owners of target ids[i] for every i where dst[i] is nil and ids[i]
// is not 0, as owners does, without building a map of them: a page's owners go straight into
// the slice its decisions read.
func (c *OwnerCache) fill(ctx context.Context, db Querier, gen int64, ids []int, dst [][]int) error {
	var missing []int
	c.mu.Lock()
	for i, id := range ids {
		if dst[i] != nil || id == 0 {
			continue
		}
		if deps, ok := c.m[id]; ok && c.gen == gen {
			dst[i] = deps
			c.hits++
		} else {
			missing = append(missing, id)
		}
	}
	c.mu.Unlock()
	if len(missing) == 0 {
		return nil
	}
	got, seen, err := queryOwners(ctx, db, ent.TypeTarget, missing, true)
	if err != nil {
		return err
	}
	c.store(seen, got)
	for i, id := range ids {
		if dst[i] == nil {
			dst[i] = got[id]
		}
	}
	return nil
}

// generation is the owner generation a read uses the cache under, read once per read: in the
// background beside the grants when a GraphQL operation loads them (LoadGrants), else when the
// first page needs it.
type generation struct {
	once  sync.Once
	ready chan struct{}
	g     int64
	err   error
}

// UseOwnerCache makes the read look the owners of targets up through c (nil: no cache).
func (r *Reader) UseOwnerCache(c *OwnerCache) {
	r.cache = c
}

// ownerGeneration returns the generation of the read, reading it (in the background if async)
// the first time.
func (r *Reader) ownerGeneration(ctx context.Context, async bool) *generation {
	g := &r.gen
	g.once.Do(func() {
		g.ready = make(chan struct{})
		load := func() {
			defer close(g.ready)
			g.g, g.err = readGeneration(ctx, r.client)
		}
		if async {
			go load()
		} else {
			load()
		}
	})
	return g
}
