// Package library keeps the two libraries (两库): the target library with its sub-libraries and
// field-by-field history, the inspector library, and the confirmation a department gives
// before a draw that both are up to date (两库更新确认).
package library

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/clock"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/libraryconfirmation"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// Hooks returns the library rules as ent hooks: every change of a target is recorded with
// who, when, through which path and what changed.
func Hooks() []ent.Hook {
	return []ent.Hook{targetHistory}
}

func targetHistory(next ent.Mutator) ent.Mutator {
	return ent.MutateFunc(func(ctx context.Context, m ent.Mutation) (ent.Value, error) {
		tm, ok := m.(*ent.TargetMutation)
		if !ok || !m.Op().Is(ent.OpUpdate|ent.OpUpdateOne) {
			return next.Mutate(ctx, m)
		}
		ids, err := tm.IDs(ctx)
		if err != nil {
			return nil, err
		}
		olds, err := tm.Client().Target.Query().Where(target.IDIn(ids...)).All(ctx)
		if err != nil {
			return nil, err
		}
		v, err := next.Mutate(ctx, m)
		if err != nil {
			return nil, err
		}
		if err := RecordTargetChanges(ctx, tm.Client(), olds, tm); err != nil {
			return nil, err
		}
		return v, nil
	})
}

// ignoredFields change on every write and are not history.
var ignoredFields = map[string]bool{target.FieldUpdatedAt: true}

// RecordTargetChanges writes one TargetChange per target whose fields the mutation changed.
func RecordTargetChanges(ctx context.Context, client *ent.Client, olds []*ent.Target, m *ent.TargetMutation) error {
	vw := viewer.FromContext(ctx)
	now := clock.Now(ctx)
	bulk := make([]*ent.TargetChangeCreate, 0, len(olds))
	for _, old := range olds {
		before := map[string]any{}
		b, err := json.Marshal(old)
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, &before); err != nil {
			return err
		}
		changes := map[string]any{}
		for _, f := range m.Fields() {
			if ignoredFields[f] {
				continue
			}
			nv, _ := m.Field(f)
			if !sameValue(before[f], nv) {
				changes[f] = map[string]any{"old": before[f], "new": nv}
			}
		}
		for _, f := range m.ClearedFields() {
			if !sameValue(before[f], nil) {
				changes[f] = map[string]any{"old": before[f], "new": nil}
			}
		}
		if len(changes) == 0 {
			continue
		}
		source := vw.Operation
		if source == "" {
			source = string(vw.Kind)
		}
		bulk = append(bulk, client.TargetChange.Create().SetTargetID(old.ID).SetAt(now).SetActor(vw.Actor()).
			SetDepartmentCode(vw.DepartmentCode).SetSource(source).SetChanges(changes).SetDivisionCode(old.DivisionCode))
	}
	if len(bulk) == 0 {
		return nil
	}
	return client.TargetChange.CreateBulk(bulk...).Exec(ctx)
}

// sameValue compares a JSON-decoded old value with a new Go value through their JSON forms.
// Empty and missing are the same value: the JSON of a stored row leaves empty fields out, so
// an industry code "" or an empty list of licences is no change from a field that was absent.
func sameValue(old, nv any) bool {
	a, _ := json.Marshal(old)
	b, _ := json.Marshal(nv)
	if string(a) == string(b) || emptyJSON[string(a)] && emptyJSON[string(b)] {
		return true
	}
	// Times: compare instants, not representations.
	if t, ok := nv.(time.Time); ok {
		if s, ok := old.(string); ok {
			if ot, err := time.Parse(time.RFC3339Nano, s); err == nil {
				return ot.Equal(t)
			}
		}
	}
	return false
}

// emptyJSON are the JSON forms of an empty value.
var emptyJSON = map[string]bool{"null": true, `""`: true, "[]": true, "{}": true, "false": true, "0": true}

// DefaultConfirmationValidity is how long a library confirmation stays valid [configurable].
const DefaultConfirmationValidity = 30 * 24 * time.Hour

// Confirm records that a department confirms its two libraries are up to date. It records the
// number of targets in the department's sub-libraries and of its active inspectors, and a digest
// over their keys and last-change times, so that a later draw can show what was confirmed.
func Confirm(ctx context.Context, client *ent.Client, departmentID int, note string, validity time.Duration) (*ent.LibraryConfirmation, error) {
	if validity <= 0 {
		validity = DefaultConfirmationValidity
	}
	ctx, err := authz.Require(ctx, authz.ConfirmLibraries, departmentID)
	if err != nil {
		return nil, err
	}
	var out *ent.LibraryConfirmation
	err = txn.Run(ctx, client, func(tx *ent.Tx) error {
		dep, err := tx.Department.Get(ctx, departmentID)
		if err != nil {
			return err
		}
		digest, nTargets, nInspectors, err := contentDigest(ctx, tx.Client(), departmentID)
		if err != nil {
			return err
		}
		if nTargets == 0 && nInspectors == 0 {
			return apperr.New(apperr.Invalid, "部门“%s”的检查对象名录库和执法检查人员名录库均为空，无法确认", dep.Name)
		}
		now := clock.Now(ctx)
		c := tx.LibraryConfirmation.Create().SetDepartmentID(departmentID).SetConfirmedAt(now).SetExpiresAt(now.Add(validity)).
			SetTargetCount(nTargets).SetInspectorCount(nInspectors).SetDigest(digest).
			SetNote(note).SetDivisionCode(dep.DivisionCode)
		if id := viewer.FromContext(ctx).AccountID; id != 0 {
			c.SetConfirmedByID(id)
		}
		out, err = c.Save(ctx)
		return err
	})
	return out, err
}

// ValidConfirmation returns the department's latest confirmation still valid at t, or an error
// with code LIBRARY_NOT_CONFIRMED.
func ValidConfirmation(ctx context.Context, client *ent.Client, departmentID int, t time.Time) (*ent.LibraryConfirmation, error) {
	c, err := client.LibraryConfirmation.Query().
		Where(libraryconfirmation.DepartmentID(departmentID), libraryconfirmation.ExpiresAtGT(t)).
		Order(ent.Desc(libraryconfirmation.FieldConfirmedAt), ent.Desc(libraryconfirmation.FieldID)).First(ctx)
	if ent.IsNotFound(err) {
		return nil, apperr.New("LIBRARY_NOT_CONFIRMED", "抽取前须对两库进行更新确认：该部门没有有效的两库更新确认")
	} else if err != nil {
		return nil, err
	}
	// The confirmation is of the content it saw: a target or inspector added, changed or removed
	// since then needs a new confirmation. When the audit trail shows no change to targets,
	// memberships, libraries or inspectors since the confirmation's own event, the content is
	// the one it digested; otherwise the digest is recomputed and compared.
	unchanged, err := noLibraryChangeSince(ctx, client, c.ID)
	if err != nil {
		return nil, err
	}
	if unchanged {
		return c, nil
	}
	digest, _, _, err := contentDigest(ctx, client, departmentID)
	if err != nil {
		return nil, err
	}
	if digest != c.Digest {
		return nil, apperr.New(CodeChangedSinceConfirmation, "两库在 %s 的更新确认之后发生了变化（对象或人员有增删改），须重新确认",
			c.ConfirmedAt.In(clock.CST).Format("2006-01-02 15:04"))
	}
	return c, nil
}

// noLibraryChangeSince reports whether the audit trail holds no event of a target, a library,
// a library membership or an inspector after the creation of confirmation confirmationID —
// every write path of those tables appends one (internal/audit). Without the confirmation's
// own event it reports false, and the caller compares digests.
func noLibraryChangeSince(ctx context.Context, client *ent.Client, confirmationID int) (bool, error) {
	rows, err := client.QueryContext(ctx, `SELECT MIN(seq) FROM audit_events WHERE entity_type = '`+ent.TypeLibraryConfirmation+`' AND entity_id = `+
		strconv.Itoa(confirmationID))
	if err != nil {
		return false, err
	}
	var since sql.NullInt64
	for rows.Next() {
		if err := rows.Scan(&since); err != nil {
			rows.Close()
			return false, err
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil || !since.Valid {
		return false, err
	}
	rows, err = client.QueryContext(ctx, `SELECT 1 FROM audit_events WHERE seq > `+strconv.FormatInt(since.Int64, 10)+
		` AND entity_type IN ('`+ent.TypeTarget+`', '`+ent.TypeTargetLibrary+`', '`+target.LibrariesTable+`', '`+ent.TypeInspector+`') LIMIT 1`)
	if err != nil {
		return false, err
	}
	defer rows.Close()
	changed := rows.Next()
	return !changed, rows.Err()
}

// CodeChangedSinceConfirmation refuses a draw whose department's libraries changed after their
// latest confirmation.
const CodeChangedSinceConfirmation = "LIBRARY_CHANGED_SINCE_CONFIRMATION"

// contentDigest is the SHA-256 of a department's two libraries as a confirmation sees them:
// every target of its sub-libraries (in id order) and then every active inspector (in id
// order), each with its key and last change, one line each.
//
// Freezing a draw recomputes it over frames of a million targets, so the targets are read with
// one plain statement and hashed as they stream (through ent, with every row materialised and
// sorted, it cost several seconds of the draw).
func contentDigest(ctx context.Context, client *ent.Client, departmentID int) (string, int, int, error) {
	h := sha256.New()
	line := make([]byte, 0, 128)
	// The key and the time are read as text: parsing a million times was a third of the read.
	// The text is the database's own (SQLite's stored text; PostgreSQL's output in the session's
	// time zone): a digest is only ever compared with one computed by the same database, and a
	// changed server setting at worst asks for a new confirmation.
	rows, err := client.QueryContext(ctx, `SELECT t.id, COALESCE(t.uscc, t.object_code, t.reg_no, ''), CAST(t.updated_at AS TEXT)
FROM targets t WHERE t.id IN (SELECT m.target_id FROM target_library_targets m
JOIN target_libraries l ON l.id = m.target_library_id WHERE l.department_id = `+strconv.Itoa(departmentID)+`) ORDER BY t.id`)
	if err != nil {
		return "", 0, 0, err
	}
	defer rows.Close()
	nTargets := 0
	var (
		id           int64
		key, updated []byte
	)
	for rows.Next() {
		if err := rows.Scan(&id, &key, &updated); err != nil {
			return "", 0, 0, err
		}
		line = append(line[:0], "T|"...)
		if len(key) > 0 {
			line = append(line, key...)
		} else {
			line = append(line, "id:"...)
			line = strconv.AppendInt(line, id, 10)
		}
		line = append(line, '|')
		line = append(line, updated...)
		line = append(line, '\n')
		h.Write(line)
		nTargets++
	}
	if err := rows.Err(); err != nil {
		return "", 0, 0, err
	}
	inspectors, err := client.Inspector.Query().Where(inspector.DepartmentID(departmentID), inspector.Active(true)).
		Order(ent.Asc(inspector.FieldID)).
		Select(inspector.FieldID, inspector.FieldCertificateNo, inspector.FieldUpdatedAt).All(ctx)
	if err != nil {
		return "", 0, 0, err
	}
	for _, in := range inspectors {
		key := fmt.Sprintf("id:%d", in.ID)
		if in.CertificateNo != nil {
			key = *in.CertificateNo
		}
		fmt.Fprintf(h, "I|%s|%s\n", key, in.UpdatedAt.UTC().Format(time.RFC3339Nano))
	}
	return hex.EncodeToString(h.Sum(nil)), nTargets, len(inspectors), nil
}

// TargetKey is a target's stable business key: its USCC, else its object code, else its legacy
// registration number (注册号).
func TargetKey(t *ent.Target) string {
	switch {
	case t.Uscc != nil:
		return *t.Uscc
	case t.ObjectCode != nil:
		return *t.ObjectCode
	case t.RegNo != nil:
		return *t.RegNo
	}
	return fmt.Sprintf("id:%d", t.ID)
}
