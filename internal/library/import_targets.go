package library

import (
	"context"
	"strings"
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
	cols    []string
	d       *audit.RowDigester
	vals    []any
	pos     map[string]int
}

// newTargetRowDigest returns nil when a column of the table is unknown to it.
func newTargetRowDigest(ctx context.Context, tx *ent.Tx, dialectName string) (*targetRowDigest, error) {
	cols, err := audit.Columns(ctx, tx, target.Table)
	if err != nil {
		return nil, err
	}
	pos := map[string]int{}
	for i, c := range cols {
		if !digestable[c] {
			return nil, nil
		}
		pos[c] = i
	}
	return &targetRowDigest{dialect: dialectName, cols: cols, d: audit.NewRowDigester(cols), vals: make([]any, len(cols)), pos: pos}, nil
}

// digest renders the inserted values as the driver reads them back: lib/pq scans bigint as
// int64, timestamptz as time.Time, boolean as bool, varchar as string and jsonb as []byte
// (PostgreSQL's own text of the value); modernc scans integer and bool columns as int64,
// datetime as time.Time (written as time.Time.String, read back to the nanosecond), text and
// JSON stored as text as string.
func (t *targetRowDigest) digest(id int, now time.Time, rec *importer.TargetRecord, licences, tags string) string {
	for i := range t.vals {
		t.vals[i] = nil
	}
	set := func(col string, v any) {
		if i, ok := t.pos[col]; ok {
			t.vals[i] = v
		}
	}
	set(target.FieldID, int64(id))
	set(target.FieldCreatedAt, now)
	set(target.FieldUpdatedAt, now)
	set(target.FieldDivisionCode, rec.DivisionCode)
	set(target.FieldKind, rec.Kind)
	set(target.FieldUscc, nullable(rec.USCC))
	set(target.FieldRegNo, nullable(rec.RegNo))
	set(target.FieldObjectCode, nullable(rec.ObjectCode))
	set(target.FieldName, rec.Name)
	set(target.FieldLegalRepresentative, rec.LegalRepresentative)
	set(target.FieldLegalRepPhone, rec.LegalRepPhone)
	set(target.FieldAddress, rec.Address)
	set(target.FieldIndustryCode, rec.IndustryCode)
	set(target.FieldRegisteredOn, nullableTime(rec.RegisteredOn))
	set(target.FieldStatus, rec.Status)
	set(target.FieldCreditRiskClass, rec.CreditRiskClass)
	set(target.FieldContactPerson, rec.ContactPerson)
	set(target.FieldContactPhone, rec.ContactPhone)
	if t.dialect == dialect.Postgres {
		set(target.FieldAbnormalList, rec.AbnormalList)
		set(target.FieldLicences, []byte(licences))
		set(target.FieldTags, []byte(tags))
	} else {
		b := int64(0)
		if rec.AbnormalList {
			b = 1
		}
		set(target.FieldAbnormalList, b)
		set(target.FieldLicences, licences)
		set(target.FieldTags, tags)
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
	ids, err := bulk.ReserveIDs(ctx, w.tx, w.opt.Dialect, target.Table, len(recs))
	if err != nil {
		return nil, err
	}
	tw, err := bulk.NewWriter(ctx, w.tx, w.opt.Dialect, target.Table, targetInsertColumns)
	if err != nil {
		return nil, err
	}
	now := time.Now().UTC().Truncate(time.Microsecond)
	var created []audit.CreatedRow
	if w.digest != nil {
		created = make([]audit.CreatedRow, 0, len(recs))
	}
	for i, rec := range recs {
		lic, tags := jsonStrings(rec.Licences), jsonStrings(rec.Tags)
		err := tw.Add(int64(ids[i]), now, now, rec.DivisionCode, rec.Kind, nullable(rec.USCC), nullable(rec.RegNo), nullable(rec.ObjectCode),
			rec.Name, rec.LegalRepresentative, rec.LegalRepPhone, rec.Address, rec.IndustryCode, nullableTime(rec.RegisteredOn),
			rec.Status, rec.CreditRiskClass, rec.AbnormalList, lic, tags, rec.ContactPerson, rec.ContactPhone)
		if err != nil {
			tw.Abort()
			return nil, err
		}
		if w.digest != nil {
			created = append(created, audit.CreatedRow{ID: ids[i], Digest: w.digest.digest(ids[i], now, rec, lic, tags)})
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
	mw, err := bulk.NewWriter(ctx, w.tx, w.opt.Dialect, targetlibrary.TargetsTable, membershipColumns)
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
	return mw.Close()
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
	if w.opt.Dialect != dialect.Postgres {
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
