package library

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/maphash"
	"runtime/debug"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"entgo.io/ent/dialect"
	"github.com/lib/pq"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/bulk"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/viewer"
)

// The fast path for new targets: ids reserved up front, rows streamed with COPY (PostgreSQL)
// or a prepared multi-row INSERT (SQLite), each row's audit digest computed from the values
// written — the digest of the row as SELECT * will read it back, which audit.Verify
// recomputes — and the events and sub-library memberships streamed the same way.

// targetInsertColumns are the columns a bulk insert of targets writes, id first.
var targetInsertColumns = append([]bulk.Column{{Name: target.FieldID, PGType: "bigint"}}, targetColumns...)

// digestable lists every column of the targets table the Go digest knows how to render; a
// column added by a later migration switches the import to reading rows back.
var digestable = map[string]bool{
	target.FieldID: true, target.FieldLastInspectedOn: true,
}

func init() {
	for _, c := range targetColumns {
		digestable[c.Name] = true
	}
}

// targetRowDigest knows the stored columns of targets and digests inserted rows.
type targetRowDigest struct {
	dialect string
	d       *audit.RowDigester
	vals    []any
	// from is, for each stored column, the index of its value in a row of
	// targetInsertColumns, or -1 for a column the import leaves NULL.
	from []int
	// The stored columns read back in another form than they are written, or -1.
	abnormal, licences, tags int
}

// newTargetRowDigest returns nil when a column of the table is unknown to it.
func newTargetRowDigest(ctx context.Context, tx *ent.Tx) (*targetRowDigest, error) {
	cols, err := audit.Columns(ctx, tx, target.Table)
	if err != nil {
		return nil, err
	}
	t := &targetRowDigest{dialect: tx.Dialect(), d: audit.NewRowDigester(cols), vals: make([]any, len(cols)),
		from: make([]int, len(cols)), abnormal: -1, licences: -1, tags: -1}
	for i, c := range cols {
		if !digestable[c] {
			return nil, nil
		}
		t.from[i] = slices.IndexFunc(targetInsertColumns, func(ic bulk.Column) bool { return ic.Name == c })
		switch c {
		case target.FieldAbnormalList:
			t.abnormal = i
		case target.FieldLicences:
			t.licences = i
		case target.FieldTags:
			t.tags = i
		}
	}
	return t, nil
}

// digest renders a row as inserted (the values of targetInsertColumns) as the driver reads it
// back: lib/pq scans bigint as int64, timestamptz as time.Time, boolean as bool, varchar as
// string and jsonb as []byte (PostgreSQL's own text of the value); modernc scans integer and
// bool columns as int64, datetime as time.Time (written as time.Time.String, read back to the
// nanosecond), text and JSON stored as text as string.
func (t *targetRowDigest) digest(row []any) string {
	for i, j := range t.from {
		if j < 0 {
			t.vals[i] = nil
		} else {
			t.vals[i] = row[j]
		}
	}
	if t.dialect == dialect.Postgres {
		for _, i := range []int{t.licences, t.tags} {
			if i >= 0 {
				t.vals[i] = []byte(t.vals[i].(string))
			}
		}
	} else if i := t.abnormal; i >= 0 {
		b := int64(0)
		if t.vals[i].(bool) {
			b = 1
		}
		t.vals[i] = b
	}
	return t.d.Digest(t.vals)
}

// jsonStrings renders a list of strings as JSON in PostgreSQL's jsonb output form (", "
// between elements; only '"', '\\' and control characters escaped, \b \f \n \r \t by name,
// the others as \u00xx), so that what jsonb stores and prints back is this very text.
func jsonStrings(list []string) string {
	if len(list) == 0 {
		return "[]"
	}
	var b strings.Builder
	b.WriteByte('[')
	for i, s := range list {
		if i > 0 {
			b.WriteString(", ")
		}
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "\uFFFD")
		}
		b.WriteByte('"')
		for j := 0; j < len(s); j++ {
			c := s[j]
			switch c {
			case '"':
				b.WriteString(`\"`)
			case '\\':
				b.WriteString(`\\`)
			case '\b':
				b.WriteString(`\b`)
			case '\f':
				b.WriteString(`\f`)
			case '\n':
				b.WriteString(`\n`)
			case '\r':
				b.WriteString(`\r`)
			case '\t':
				b.WriteString(`\t`)
			default:
				if c < 0x20 {
					b.WriteString(`\u00`)
					b.WriteByte("0123456789abcdef"[c>>4])
					b.WriteByte("0123456789abcdef"[c&0xf])
				} else {
					b.WriteByte(c)
				}
			}
		}
		b.WriteByte('"')
	}
	b.WriteByte(']')
	return b.String()
}

// createTargets inserts new targets (validated, DivisionCode filled in) and their library
// membership, and audits them; it returns their ids in order.
func (w *writer) createTargets(ctx context.Context, recs []*importer.TargetRecord) ([]int, error) {
	if !w.checkedCreate {
		if err := authz.CheckCreate(viewer.FromContext(ctx), ent.TypeTarget, 0); err != nil {
			return nil, err
		}
		w.checkedCreate = true
	}
	for _, rec := range recs {
		if err := validateTarget(rec); err != nil {
			return nil, err
		}
	}
	ids, err := bulk.ReserveIDs(ctx, w.tx, target.Table, len(recs))
	if err != nil {
		return nil, err
	}
	tw, err := bulk.NewWriter(ctx, w.tx, target.Table, targetInsertColumns)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	var created []audit.CreatedRow
	if w.digest != nil {
		created = make([]audit.CreatedRow, 0, len(recs))
	}
	var nowV any = now // boxed once
	row := make([]any, 0, len(targetInsertColumns))
	for i, rec := range recs {
		// In the order of targetInsertColumns.
		row = append(row[:0], int64(ids[i]), nowV, nowV, rec.DivisionCode, rec.Kind, nullable(rec.USCC), nullable(rec.RegNo),
			nullable(rec.ObjectCode), rec.Name, rec.LegalRepresentative, rec.LegalRepPhone, rec.Address, rec.IndustryCode,
			nullableTime(rec.RegisteredOn), rec.Status, rec.CreditRiskClass, rec.AbnormalList, jsonStrings(rec.Licences),
			jsonStrings(rec.Tags), rec.ContactPerson, rec.ContactPhone, w.contactRecorder(rec))
		if err := tw.Add(row...); err != nil {
			tw.Abort()
			return nil, err
		}
		if w.digest != nil {
			created = append(created, audit.CreatedRow{ID: ids[i], Digest: w.digest.digest(row)})
		}
	}
	if err := tw.Close(); err != nil {
		return nil, err
	}
	if w.digest != nil {
		err = audit.AppendCreated(ctx, w.tx, ent.TypeTarget, created)
	} else {
		err = audit.Created(ctx, w.tx, ent.TypeTarget, ids...)
	}
	if err != nil {
		return nil, err
	}
	// New targets are in no sub-library yet.
	return ids, w.addMembers(ctx, ids)
}

// contactRecorder is the contact_department_id of a new target: the importing department when
// the row records contact details (they are its own), else NULL.
func (w *writer) contactRecorder(rec *importer.TargetRecord) any {
	if rec.ContactPerson == "" && rec.ContactPhone == "" && rec.LegalRepPhone == "" {
		return nil
	}
	return int64(w.dep.ID)
}

// membershipColumns are the columns of the sub-library ⇄ target join table.
var membershipColumns = []bulk.Column{
	{Name: targetlibrary.TargetsPrimaryKey[0], PGType: "bigint"}, {Name: targetlibrary.TargetsPrimaryKey[1], PGType: "bigint"},
}

// addMembers puts targets that are not members yet into the import's sub-library. The join
// table is not an audited entity; the library itself is touched once at the end of the import
// (finishMembers), which audits the change of membership as an update of the library.
func (w *writer) addMembers(ctx context.Context, ids []int) error {
	if len(ids) == 0 {
		return nil
	}
	mw, err := bulk.NewWriter(ctx, w.tx, targetlibrary.TargetsTable, membershipColumns)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if err := mw.Add(int64(w.libraryID), int64(id)); err != nil {
			mw.Abort()
			return err
		}
	}
	w.membersAdded += len(ids)
	if err := mw.Close(); err != nil {
		return err
	}
	// Memberships are business state the audit trail covers, as each target's set of libraries.
	return audit.JoinSetsChanged(ctx, w.tx, targetlibrary.TargetsTable, ids)
}

// finishMembers records, through ent and so through the audit trail, that the sub-library
// gained members.
func (w *writer) finishMembers(ctx context.Context) error {
	if w.membersAdded == 0 || w.libraryID == 0 {
		return nil
	}
	return w.tx.TargetLibrary.UpdateOneID(w.libraryID).Exec(ctx)
}

// existingMembers returns which of ids are already in the import's sub-library.
func (w *writer) existingMembers(ctx context.Context, ids []int) (map[int]bool, error) {
	member := map[int]bool{}
	if len(ids) == 0 {
		return member, nil
	}
	in, err := w.tx.TargetLibrary.Query().Where(targetlibrary.ID(w.libraryID)).QueryTargets().Where(target.IDIn(ids...)).IDs(ctx)
	if err != nil {
		return nil, err
	}
	for _, id := range in {
		member[id] = true
	}
	return member, nil
}

// existingTargets loads the stored targets with one of the keys. On PostgreSQL the keys travel
// as three array parameters (a statement with 5,000 parameters costs more to parse and plan
// than the index lookups themselves), and only matches are loaded through ent.
func (w *writer) existingTargets(ctx context.Context, usccs, codes, regNos []string) ([]*ent.Target, error) {
	if len(usccs)+len(codes)+len(regNos) == 0 {
		return nil, nil
	}
	if w.tx.Dialect() != dialect.Postgres {
		return w.tx.Target.Query().Where(target.Or(target.UsccIn(usccs...), target.ObjectCodeIn(codes...), target.RegNoIn(regNos...))).All(ctx)
	}
	rows, err := w.tx.QueryContext(ctx, `SELECT "id" FROM "targets" WHERE "uscc" = ANY($1::text[]) OR "object_code" = ANY($2::text[]) OR "reg_no" = ANY($3::text[])`,
		pq.Array(usccs), pq.Array(codes), pq.Array(regNos))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, nil
	}
	return w.tx.Target.Query().Where(target.IDIn(ids...)).All(ctx)
}

// Large imports. Once an import has processed largeImportRows rows, the rest of it changes,
// inside its transaction:
//
//   - Stored targets are found through an in-memory map of the keys of the targets stored when
//     it was read (keyFilter): a batch loads by id only the rows whose keys are in it, instead
//     of querying the key columns. The file's own keys are unique per column (the reader rejects
//     repeats), so a row can only match a target stored before the import.
//   - Once it has created at least largeImportRows targets and at least as many as the table
//     held before, the upkeep of the secondary indexes of targets (and, on PostgreSQL, the
//     foreign-key checks of the membership table) is moved to the end: they are dropped and
//     recreated from their own stored definitions before the transaction commits — building an
//     index once is far cheaper than inserting a million random keys into it. A rollback
//     restores them with the rest of the transaction.
//   - The garbage collector runs more often (largeImportGCPercent), to keep the peak memory
//     of a file of a million rows well under 300 MB.

// largeImportRows is the number of rows from which an import counts as large.
var largeImportRows = 100_000

// maxFilterKeys bounds keyFilter (16 bytes a key): with more keys stored, batches keep looking
// stored targets up by key in the database, and the unique indexes stay in place.
const maxFilterKeys = 2_000_000

// filterReadRatio: the key map is read only when the table holds at most this many rows per
// row the import has already processed, so that reading it costs less than the lookups it
// saves.
const filterReadRatio = 20

// largeImportGCPercent is the garbage collector's GOGC while a large import runs (when GOGC is
// higher). The reader's map of the file's keys, some 55 MB for a million rows, is most of the
// live heap; at the default 100 the heap grows to twice that and more before a collection.
const largeImportGCPercent = 50

// keyFilter maps hashes of the keys (USCC, object code, registration number) of the stored
// targets to their ids. A key that is not in it is not stored; a hash collision only costs
// loading a row that does not match.
type keyFilter struct {
	seeds   [3]maphash.Seed
	entries []keyEntry // sorted by hash
}

type keyEntry struct {
	hash uint64
	id   int
}

const (
	keyUSCC = iota
	keyObjectCode
	keyRegNo
)

// candidates appends the ids of the stored targets that may hold one of keys in column col.
func (f *keyFilter) candidates(ids []int, col int, keys []string) []int {
	for _, k := range keys {
		h := maphash.String(f.seeds[col], k)
		i, _ := slices.BinarySearchFunc(f.entries, h, func(e keyEntry, h uint64) int { return cmp.Compare(e.hash, h) })
		for ; i < len(f.entries) && f.entries[i].hash == h; i++ {
			ids = append(ids, f.entries[i].id)
		}
	}
	return ids
}

// loadKeyFilter reads the keys of every stored target; nil when there are more than
// maxFilterKeys.
func loadKeyFilter(ctx context.Context, tx *ent.Tx) (*keyFilter, error) {
	f := &keyFilter{seeds: [3]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed(), maphash.MakeSeed()}}
	rows, err := tx.QueryContext(ctx, fmt.Sprintf(`SELECT %q, %q, %q, %q FROM %q`,
		target.FieldID, target.FieldUscc, target.FieldObjectCode, target.FieldRegNo, target.Table))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		id   int
		cols [3]sql.RawBytes
	)
	for rows.Next() {
		if err := rows.Scan(&id, &cols[keyUSCC], &cols[keyObjectCode], &cols[keyRegNo]); err != nil {
			return nil, err
		}
		for c, v := range cols {
			if v != nil {
				f.entries = append(f.entries, keyEntry{maphash.Bytes(f.seeds[c], v), id})
			}
		}
		if len(f.entries) > maxFilterKeys {
			return nil, rows.Close()
		}
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	slices.SortFunc(f.entries, func(a, b keyEntry) int { return cmp.Compare(a.hash, b.hash) })
	return f, nil
}

// existingByFilter loads the stored targets with one of the keys through the key set: by id,
// keeping the rows that hold one of the keys in its column, as existingTargets' query would.
func (w *writer) existingByFilter(ctx context.Context, usccs, codes, regNos []string) ([]*ent.Target, error) {
	f := w.filter
	ids := f.candidates(f.candidates(f.candidates(nil, keyUSCC, usccs), keyObjectCode, codes), keyRegNo, regNos)
	if len(ids) == 0 {
		return nil, nil
	}
	found, err := w.tx.Target.Query().Where(target.IDIn(ids...)).All(ctx)
	if err != nil {
		return nil, err
	}
	set := func(keys []string) map[string]bool {
		m := make(map[string]bool, len(keys))
		for _, k := range keys {
			m[k] = true
		}
		return m
	}
	u, o, r := set(usccs), set(codes), set(regNos)
	in := func(m map[string]bool, v *string) bool { return v != nil && m[*v] }
	out := found[:0]
	for _, t := range found {
		if in(u, t.Uscc) || in(o, t.ObjectCode) || in(r, t.RegNo) {
			out = append(out, t)
		}
	}
	return out, nil
}

// schemaObject is an index or constraint dropped for the time of an import, with the statement
// that recreates it.
type schemaObject struct {
	name, drop, create string
}

// deferredSchema lists what a large import drops and recreates: the secondary indexes of
// targets on plain columns — the unique ones too when withUnique (the import then finds stored
// targets through its key map; recreating a unique index fails on any duplicate, so none can be
// committed) — and, on PostgreSQL, the foreign keys of the sub-library membership table, whose
// per-row checks cost several times one validation at the end. The name search index on
// PostgreSQL (GIN, on an expression) stays: rebuilding it alone at the end measured no faster
// than maintaining it during the COPY, where its work overlaps with the importer's. Definitions
// are read from the database's catalogue, so what is recreated is exactly what the migrations
// made.
func deferredSchema(ctx context.Context, tx *ent.Tx, withUnique bool) ([]schemaObject, error) {
	var objs []schemaObject
	read := func(query string, args []any, mk func(name, def string) schemaObject) error {
		rows, err := tx.QueryContext(ctx, query, args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var name, def string
			if err := rows.Scan(&name, &def); err != nil {
				return err
			}
			objs = append(objs, mk(name, def))
		}
		return rows.Err()
	}
	if tx.Dialect() != dialect.Postgres {
		// origin 'c': made by CREATE INDEX (not by a UNIQUE or PRIMARY KEY clause of the table).
		err := read(`SELECT m.name, m.sql FROM sqlite_master m JOIN pragma_index_list(?) l ON l.name = m.name
			WHERE m.type = 'index' AND m.tbl_name = ? AND (l."unique" = 0 OR ?) AND l.origin = 'c' AND m.sql IS NOT NULL
			ORDER BY m.name`, []any{target.Table, target.Table, withUnique}, func(name, def string) schemaObject {
			return schemaObject{name: name, drop: fmt.Sprintf("DROP INDEX %q", name), create: def}
		})
		return objs, err
	}
	// Not the primary key, nor an index that backs a constraint; nothing pg_get_indexdef leaves
	// out (a tablespace, a comment).
	err := read(`SELECT format('%I.%I', n.nspname, c.relname), pg_get_indexdef(c.oid)
		FROM pg_index x JOIN pg_class c ON c.oid = x.indexrelid JOIN pg_namespace n ON n.oid = c.relnamespace
		JOIN pg_am a ON a.oid = c.relam
		WHERE x.indrelid = $1::regclass AND (NOT x.indisunique OR $2) AND NOT x.indisprimary AND x.indisvalid AND x.indisready
		AND a.amname = 'btree' AND x.indexprs IS NULL AND x.indpred IS NULL
		AND c.reltablespace = 0 AND obj_description(c.oid, 'pg_class') IS NULL
		AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = x.indexrelid) ORDER BY c.relname`,
		[]any{pq.QuoteIdentifier(target.Table), withUnique}, func(name, def string) schemaObject {
			return schemaObject{name: name, drop: "DROP INDEX " + name, create: def}
		})
	if err != nil {
		return nil, err
	}
	table := pq.QuoteIdentifier(targetlibrary.TargetsTable)
	err = read(`SELECT format('%I', conname), pg_get_constraintdef(oid) FROM pg_constraint
		WHERE conrelid = $1::regclass AND contype = 'f' AND obj_description(oid, 'pg_constraint') IS NULL ORDER BY conname`,
		[]any{table}, func(name, def string) schemaObject {
			return schemaObject{name: name, drop: fmt.Sprintf("ALTER TABLE %s DROP CONSTRAINT %s", table, name),
				create: fmt.Sprintf("ALTER TABLE %s ADD CONSTRAINT %s %s", table, name, def)}
		})
	return objs, err
}

// pgLockTimeout bounds the wait for the exclusive locks of the drops on PostgreSQL: behind a
// long-running reader the import keeps its indexes rather than make every later reader queue.
const pgLockTimeout = "2s"

// testHookSchemaDeferred, when set (tests), is called with the names of what a large import
// dropped.
var testHookSchemaDeferred func(names []string)

// large switches an import to its large-import mode once it has grown enough; it runs between
// batches, with no statement open.
func (w *writer) large(ctx context.Context) error {
	if w.processed < largeImportRows {
		return nil
	}
	if w.restoreGC == nil {
		w.restoreGC = lowerGC()
	}
	if !w.counted {
		var n int
		if err := bulk.ScanOne(ctx, w.tx, &n, fmt.Sprintf(`SELECT count(*) FROM %q`, target.Table)); err != nil {
			return err
		}
		w.before, w.counted = n-w.created, true
	}
	// The key map is read once this transaction holds the audit chain (it has appended an
	// event): every transaction that writes targets takes it before it commits, so none can
	// commit a target this read misses (on SQLite the import holds the only write lock anyway).
	if w.filter == nil && !w.noFilter && w.created+w.updated > 0 && w.before <= filterReadRatio*w.processed {
		f, err := loadKeyFilter(ctx, w.tx)
		if err != nil {
			return err
		}
		w.filter, w.noFilter = f, f == nil
	}
	if w.deferDone || w.created < max(largeImportRows, w.before) {
		return nil
	}
	w.deferDone = true
	objs, err := deferredSchema(ctx, w.tx, w.filter != nil)
	if err != nil {
		return err
	}
	return w.dropSchema(ctx, objs)
}

// dropSchema drops objs. On PostgreSQL the drops hold an exclusive lock on targets, the
// sub-libraries and the membership table until commit — readers of those tables wait for the
// import to end; when the locks are not granted within pgLockTimeout, nothing is dropped and
// the import goes on with its indexes.
func (w *writer) dropSchema(ctx context.Context, objs []schemaObject) error {
	if len(objs) == 0 {
		return nil
	}
	exec := func(q string, args ...any) error {
		_, err := w.tx.ExecContext(ctx, q, args...)
		return err
	}
	if w.tx.Dialect() == dialect.Postgres {
		var prev string
		if err := bulk.ScanOne(ctx, w.tx, &prev, `SELECT current_setting('lock_timeout')`); err != nil {
			return err
		}
		if err := exec(`SAVEPOINT ssgk_large_import`); err != nil {
			return err
		}
		err := exec(`SELECT set_config('lock_timeout', $1, true)`, pgLockTimeout)
		for _, o := range objs {
			if err != nil {
				break
			}
			err = exec(o.drop)
		}
		if err == nil {
			err = exec(`SELECT set_config('lock_timeout', $1, true)`, prev)
		}
		if err != nil {
			var pe *pq.Error
			if !errors.As(err, &pe) || pe.Code != "55P03" { // lock_not_available
				return err
			}
			// Rolling back to the savepoint undoes the drops and lock_timeout.
			return exec(`ROLLBACK TO SAVEPOINT ssgk_large_import`)
		}
		if err := exec(`RELEASE SAVEPOINT ssgk_large_import`); err != nil {
			return err
		}
	} else {
		// DROP INDEX also deletes the index's row of planner statistics, if ANALYZE made any:
		// keep them to put back.
		var n int
		if err := bulk.ScanOne(ctx, w.tx, &n, `SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'sqlite_stat1'`); err != nil {
			return err
		}
		if n > 0 {
			for _, o := range objs {
				rows, err := w.tx.QueryContext(ctx, `SELECT tbl, idx, stat FROM sqlite_stat1 WHERE idx = ?`, o.name)
				if err != nil {
					return err
				}
				for rows.Next() {
					var tbl, idx, stat sql.NullString
					if err := rows.Scan(&tbl, &idx, &stat); err != nil {
						rows.Close()
						return err
					}
					w.stats = append(w.stats, []any{tbl, idx, stat})
				}
				if err := rows.Close(); err != nil {
					return err
				}
			}
		}
		for _, o := range objs {
			if err := exec(o.drop); err != nil {
				return err
			}
		}
	}
	w.deferred = objs
	if testHookSchemaDeferred != nil {
		names := make([]string, len(objs))
		for i, o := range objs {
			names[i] = o.name
		}
		testHookSchemaDeferred(names)
	}
	return nil
}

// restoreSchema recreates what dropSchema dropped, before the import commits.
func (w *writer) restoreSchema(ctx context.Context) error {
	for _, o := range w.deferred {
		if _, err := w.tx.ExecContext(ctx, o.create); err != nil {
			return fmt.Errorf("library: recreating %s after the import: %w", o.name, err)
		}
	}
	for _, st := range w.stats {
		if _, err := w.tx.ExecContext(ctx, `INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES (?, ?, ?)`, st...); err != nil {
			return err
		}
	}
	w.deferred, w.stats = nil, nil
	return nil
}

// lowerGC sets GOGC to largeImportGCPercent while large imports run (unless it is lower or
// off) and returns the function that restores it when the last one ends.
func lowerGC() (restore func()) {
	gcMu.Lock()
	defer gcMu.Unlock()
	if gcUsers == 0 {
		gcPrev = debug.SetGCPercent(largeImportGCPercent)
		if gcPrev < largeImportGCPercent { // lower already, or off
			debug.SetGCPercent(gcPrev)
		}
	}
	gcUsers++
	var once sync.Once
	return func() {
		once.Do(func() {
			gcMu.Lock()
			defer gcMu.Unlock()
			if gcUsers--; gcUsers == 0 {
				debug.SetGCPercent(gcPrev)
			}
		})
	}
}

var (
	gcMu    sync.Mutex
	gcUsers int
	gcPrev  int
)
