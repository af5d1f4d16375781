package sharing

import (
	"context"
	"database/sql"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/auditevent"
	"github.com/ssgk/ssgk/ent/conflict"
	"github.com/ssgk/ssgk/ent/department"
	"github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/drawsnapshot"
	"github.com/ssgk/ssgk/ent/evidence"
	"github.com/ssgk/ssgk/ent/followupaction"
	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/leadcluster"
	"github.com/ssgk/ssgk/ent/result"
	"github.com/ssgk/ssgk/ent/targetchange"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/ent/task"
)

// Ownership (design.md §5): an inspector belongs to its department; a target to the
// departments whose sub-library holds it; a task to its initiator and participants; a result to
// the department that inspected, and its evidence and follow-ups with it. Records with a
// department column belong to that department; a grant and a notification to both departments
// it joins; a department's own record to itself. A record with no owner has none: its
// CONDITIONAL and PRIVATE fields are read only by operator commands.

// ownerColumns are the struct fields of a record that name an owning department directly.
var ownerColumns = []string{"DepartmentID", "OwnerID", "RequesterID", "FromDepartmentID", "ToDepartmentID", "InitiatorID"}

// ownerColumnNames are the table columns of ownerColumns.
var ownerColumnNames = []string{"department_id", "owner_id", "requester_id", "from_department_id", "to_department_id", "initiator_id"}

// tasksOwners selects (task id, department) for the initiator and the participants of the
// tasks whose ids fill the %[1]s placeholder; the other joins wrap it.
var taskOwners = fmt.Sprintf("SELECT id, %[2]s FROM %[1]s WHERE id IN (%%[1]s) UNION ALL SELECT %[4]s, %[5]s FROM %[3]s WHERE %[4]s IN (%%[1]s)",
	task.Table, task.FieldInitiatorID, task.ParticipantsTable, task.ParticipantsPrimaryKey[0], task.ParticipantsPrimaryKey[1])

// ownerQueries select (record id, owning department) pairs for the records whose owners are
// not columns of their own row; %[1]s is the list of ids.
var ownerQueries = map[string]string{
	ent.TypeTarget: fmt.Sprintf("SELECT m.%[2]s, l.%[4]s FROM %[1]s m JOIN %[3]s l ON l.id = m.%[5]s WHERE m.%[2]s IN (%%[1]s)",
		targetlibrary.TargetsTable, targetlibrary.TargetsPrimaryKey[1], targetlibrary.Table, targetlibrary.FieldDepartmentID, targetlibrary.TargetsPrimaryKey[0]),
	ent.TypeTask: taskOwners,
	ent.TypeDraw: fmt.Sprintf("SELECT d.id, o.dep FROM %[1]s d JOIN (SELECT t.id AS task_id, t.%[3]s AS dep FROM %[2]s t UNION ALL SELECT p.%[5]s, p.%[6]s FROM %[4]s p) o ON o.task_id = d.%[7]s WHERE d.id IN (%%[1]s)",
		draw.Table, task.Table, task.FieldInitiatorID, task.ParticipantsTable, task.ParticipantsPrimaryKey[0], task.ParticipantsPrimaryKey[1], draw.FieldTaskID),
	ent.TypeDrawSnapshot: fmt.Sprintf("SELECT s.id, o.dep FROM %[1]s s JOIN %[8]s d ON d.id = s.%[9]s JOIN (SELECT t.id AS task_id, t.%[3]s AS dep FROM %[2]s t UNION ALL SELECT p.%[5]s, p.%[6]s FROM %[4]s p) o ON o.task_id = d.%[7]s WHERE s.id IN (%%[1]s)",
		drawsnapshot.Table, task.Table, task.FieldInitiatorID, task.ParticipantsTable, task.ParticipantsPrimaryKey[0], task.ParticipantsPrimaryKey[1], draw.FieldTaskID, draw.Table, drawsnapshot.FieldDrawID),
	ent.TypeConflict: fmt.Sprintf("SELECT c.id, i.%[3]s FROM %[1]s c JOIN %[2]s i ON i.id = c.%[4]s WHERE c.id IN (%%[1]s)",
		conflict.Table, inspector.Table, inspector.FieldDepartmentID, conflict.FieldInspectorID),
	ent.TypeEvidence: fmt.Sprintf("SELECT e.id, r.%[3]s FROM %[1]s e JOIN %[2]s r ON r.id = e.%[4]s WHERE e.id IN (%%[1]s)",
		evidence.Table, result.Table, result.FieldDepartmentID, evidence.FieldResultID),
	ent.TypeFollowUpAction: fmt.Sprintf("SELECT f.id, r.%[3]s FROM %[1]s f JOIN %[2]s r ON r.id = f.%[4]s WHERE f.id IN (%%[1]s)",
		followupaction.Table, result.Table, result.FieldDepartmentID, followupaction.FieldResultID),
	ent.TypeLeadCluster: fmt.Sprintf("SELECT c.id, l.%[4]s FROM %[1]s c JOIN %[2]s i ON i.id = c.%[5]s JOIN %[3]s l ON l.id = i.%[6]s WHERE c.id IN (%%[1]s)",
		leadcluster.Table, inspectionitem.Table, itemlist.Table, itemlist.FieldDepartmentID, leadcluster.FieldItemID, inspectionitem.FieldItemListID),
	ent.TypeTargetChange: fmt.Sprintf("SELECT c.id, d.id FROM %[1]s c JOIN %[2]s d ON d.%[3]s = c.%[4]s WHERE c.id IN (%%[1]s)",
		targetchange.Table, department.Table, department.FieldCode, targetchange.FieldDepartmentCode),
	ent.TypeAuditEvent: fmt.Sprintf("SELECT a.id, d.id FROM %[1]s a JOIN %[2]s d ON d.%[3]s = a.%[4]s WHERE a.id IN (%%[1]s)",
		auditevent.Table, department.Table, department.FieldCode, auditevent.FieldDepartmentCode),
}

// rangeQueries are the owner queries of ownerQueries with the ids given as a range (%[1]d to
// %[2]d inclusive), for pages of close ids.
var rangeQueries = map[string]string{
	ent.TypeTarget: fmt.Sprintf("SELECT m.%[2]s, l.%[4]s FROM %[1]s m JOIN %[3]s l ON l.id = m.%[5]s WHERE m.%[2]s BETWEEN %%[1]d AND %%[2]d",
		targetlibrary.TargetsTable, targetlibrary.TargetsPrimaryKey[1], targetlibrary.Table, targetlibrary.FieldDepartmentID, targetlibrary.TargetsPrimaryKey[0]),
}

func idList(ids []int) string {
	list := make([]string, len(ids))
	for i, id := range ids {
		list[i] = strconv.Itoa(id)
	}
	return strings.Join(list, ",")
}

// HasOwnerRule reports whether records of type typ have a defined ownership: a department
// column, a query, or being a department. Every type with CONDITIONAL or PRIVATE fields must
// have one (a test checks it).
func HasOwnerRule(typ string) bool {
	if _, ok := ownerQueries[typ]; ok || typ == ent.TypeDepartment {
		return true
	}
	for _, c := range ownerColumnNames {
		if slices.Contains(ent.TypeColumns[typ], c) {
			return true
		}
	}
	return false
}

// directOwners returns the departments named by a record's own columns, and whether the type
// is owned that way (rather than through a query).
func directOwners(typ string, obj any) ([]int, bool) {
	if _, ok := ownerQueries[typ]; ok {
		return nil, false
	}
	v := structOf(obj)
	if !v.IsValid() {
		return nil, true
	}
	if typ == ent.TypeDepartment {
		return []int{int(v.FieldByName("ID").Int())}, true
	}
	var out []int
	for _, name := range ownerColumns {
		f := v.FieldByName(name)
		switch {
		case !f.IsValid():
		case f.Kind() == reflect.Int:
			if f.Int() != 0 {
				out = append(out, int(f.Int()))
			}
		case f.Kind() == reflect.Pointer && !f.IsNil() && f.Elem().Kind() == reflect.Int:
			out = append(out, int(f.Elem().Int()))
		}
	}
	return out, true
}

// Querier runs a read-only SQL query: *sql.DB, or an ent client (which reads inside its
// transaction when it is one).
type Querier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// QueryOwners returns the owning departments of the records of type typ with the given ids,
// for the types owned through other tables.
func QueryOwners(ctx context.Context, db Querier, typ string, ids []int) (map[int][]int, error) {
	out, _, err := queryOwners(ctx, db, typ, ids, false)
	return out, err
}

// queryOwners is QueryOwners; withGen also reads the owner generation (ownercache.go) in each
// statement and returns it, or 0 when the statements saw different ones.
func queryOwners(ctx context.Context, db Querier, typ string, ids []int, withGen bool) (map[int][]int, int64, error) {
	out := make(map[int][]int, len(ids))
	q, ok := ownerQueries[typ]
	if !ok || len(ids) == 0 {
		return out, 0, nil
	}
	for _, id := range ids {
		out[id] = nil
	}
	var gen int64 = -1
	for chunk := range slices.Chunk(ids, 1000) {
		query := fmt.Sprintf(q, idList(chunk))
		if r, ok := rangeQueries[typ]; ok {
			// A page of a listing holds close ids: one range scan of the index costs less than
			// a probe per id (the rows outside the page are ignored below).
			lo, hi := slices.Min(chunk), slices.Max(chunk)
			if hi-lo < 4*len(chunk) {
				query = fmt.Sprintf(r, lo, hi)
			}
		}
		if withGen {
			// One row at least, even when no record has an owner.
			query = fmt.Sprintf("SELECT g.generation, q.* FROM %s g LEFT JOIN (%s) q ON true", OwnerGenerationTable, query)
		}
		rows, err := db.QueryContext(ctx, query)
		if err != nil {
			return nil, 0, fmt.Errorf("sharing: owners of %s: %w", typ, err)
		}
		for rows.Next() {
			var id, dep sql.NullInt64
			var g int64
			dest := []any{&id, &dep}
			if withGen {
				dest = []any{&g, &id, &dep}
			}
			if err := rows.Scan(dest...); err != nil {
				rows.Close()
				return nil, 0, err
			}
			switch {
			case !withGen:
			case gen == -1:
				gen = g
			case gen != g:
				gen = 0 // statements of different generations: not labelled with either
			}
			if !id.Valid || !dep.Valid {
				continue
			}
			if deps, asked := out[int(id.Int64)]; asked && !slices.Contains(deps, int(dep.Int64)) {
				out[int(id.Int64)] = append(deps, int(dep.Int64))
			}
		}
		if err := rows.Close(); err != nil {
			return nil, 0, err
		}
		if err := rows.Err(); err != nil {
			return nil, 0, err
		}
	}
	for id, deps := range out {
		if len(deps) > 1 {
			slices.Sort(deps) // the same order on every path: Decide takes the first owner with a grant
			out[id] = deps
		}
	}
	return out, max(gen, 0), nil
}

// recordedBy returns the department that recorded a record's restricted values when they
// belong to it rather than to the record's owners: the contact details of a target (its only
// CONDITIONAL fields) belong to the department that recorded them, so that adding a target to
// one's own library never hands over values another department recorded (design.md §5). A
// target with no recorded contact details falls back to its holders.
func recordedBy(typ string, obj any) (int, bool) {
	if typ != ent.TypeTarget {
		return 0, false
	}
	if t, ok := obj.(*ent.Target); ok && t != nil && t.ContactDepartmentID != nil {
		return *t.ContactDepartmentID, true
	}
	return 0, false
}

// structOf dereferences pointers and interfaces down to a struct value (invalid if none).
func structOf(x any) reflect.Value {
	v := reflect.ValueOf(x)
	for v.IsValid() && (v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface) {
		if v.IsNil() {
			return reflect.Value{}
		}
		v = v.Elem()
	}
	if v.Kind() != reflect.Struct {
		return reflect.Value{}
	}
	return v
}

// idOf returns the ID of an entity value, 0 if it has none.
func idOf(x any) int {
	if id, ok := ent.SharingID(x); ok {
		return id
	}
	v := structOf(x)
	if !v.IsValid() {
		return 0
	}
	f := v.FieldByName("ID")
	if !f.IsValid() || f.Kind() != reflect.Int {
		return 0
	}
	return int(f.Int())
}
