package acceptance

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"io"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/auditevent"
	"github.com/ssgk/ssgk/ent/inspector"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/internal/audit"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/txn"
)

// tamperConn is a connection that writes around the hub: triggers off (dropped on SQLite,
// disabled with session_replication_role on PostgreSQL), foreign keys not enforced.
func tamperConn(t *testing.T, h *hub) *sql.Conn {
	t.Helper()
	ctx := context.Background()
	var db *sql.DB
	var err error
	if h.db.Dialect == dialect.SQLite {
		db, err = sql.Open("sqlite", "file:"+filepath.Join(h.db.DataDir, "ssgk.db")+"?_pragma=foreign_keys(0)&_pragma=busy_timeout(10000)")
	} else {
		db = h.db.SQL
	}
	if err != nil {
		t.Fatal(err)
	}
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if h.db.Dialect == dialect.SQLite {
		rows, err := conn.QueryContext(ctx, "SELECT name FROM sqlite_master WHERE type = 'trigger'")
		if err != nil {
			t.Fatal(err)
		}
		var names []string
		for rows.Next() {
			var n string
			_ = rows.Scan(&n)
			names = append(names, n)
		}
		rows.Close()
		for _, n := range names {
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("DROP TRIGGER %q", n)); err != nil {
				t.Fatal(err)
			}
		}
	} else if _, err := conn.ExecContext(ctx, "SET session_replication_role = replica"); err != nil {
		t.Fatal(err)
	}
	return conn
}

// tampered is a row changed around the hub, and what Verify must name.
type tampered struct {
	how, table, entityType string
	id                     int
}

// TestTamper_EveryTable changes one row and deletes another of every table that holds business
// state — every entity table and every join table — directly in the database with the triggers
// off, and requires `ssgk audit verify` (audit.Verify) to name each of them. Every table must
// have rows to tamper with (fillRareTables writes those the demo data leaves empty): a new
// table fails the test until it is covered.
func TestTamper_EveryTable(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	w := newWriteWorld(t, h) // a task under way, follow-ups, leads and clusters, share grants …
	fillRareTables(t, h, w)
	ctx := context.Background()
	if rep, err := audit.Verify(h.sys, h.db.Client, nil); err != nil || !rep.OK() {
		t.Fatalf("before tampering: %v %v", err, rep.Problems)
	}
	conn := tamperConn(t, h)
	typeOf := map[string]string{}
	var tables []string
	for typ, table := range ent.TypeTables {
		if typ == ent.TypeAuditEvent || typ == ent.TypeAccessLog {
			continue // the trail itself (its own hash chain) and the log of reads
		}
		typeOf[table] = typ
		tables = append(tables, table)
	}
	sort.Strings(tables)
	var want []tampered
	var empty []string
	for _, table := range tables {
		ids := idsOf(t, conn, fmt.Sprintf("SELECT id FROM %q ORDER BY id", table))
		if len(ids) == 0 {
			empty = append(empty, table)
			continue
		}
		if how := updateSomeColumn(ctx, conn, table, ids[0]); how != "" {
			want = append(want, tampered{"update " + how, table, typeOf[table], ids[0]})
		} else {
			t.Errorf("%s: no column could be changed", table)
		}
		if len(ids) > 1 {
			last := ids[len(ids)-1]
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("DELETE FROM %q WHERE id = %d", table, last)); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			want = append(want, tampered{"delete", table, typeOf[table], last})
		}
	}
	for _, table := range audit.JoinTableNames() {
		g := audit.GroupColumn(table)
		groups := idsOf(t, conn, fmt.Sprintf("SELECT DISTINCT %s FROM %q ORDER BY %s", g, table, g))
		if len(groups) == 0 {
			empty = append(empty, table)
			continue
		}
		other := otherColumn(table, g)
		if _, err := conn.ExecContext(ctx, fmt.Sprintf("UPDATE %q SET %s = %s + 1000000 WHERE %s = %d", table, other, other, g, groups[0])); err != nil {
			t.Fatalf("%s: %v", table, err)
		}
		want = append(want, tampered{"update", table, table, groups[0]})
		if len(groups) > 1 {
			last := groups[len(groups)-1]
			first := idsOf(t, conn, fmt.Sprintf("SELECT %s FROM %q WHERE %s = %d ORDER BY %s", other, table, g, last, other))[0]
			if _, err := conn.ExecContext(ctx, fmt.Sprintf("DELETE FROM %q WHERE %s = %d AND %s = %d", table, g, last, other, first)); err != nil {
				t.Fatalf("%s: %v", table, err)
			}
			want = append(want, tampered{"delete", table, table, last})
		}
	}
	for _, e := range empty {
		t.Errorf("%s has no rows: its tampering is not tested (add one in fillRareTables)", e)
	}
	tested := map[string]bool{}
	for _, w := range want {
		tested[w.table] = true
	}
	for _, must := range []string{"result_code_links", "target_library_targets", "inspection_team_members", "task_items", "task_participants",
		"draw_confirmations", "results", "publications", "ledger_leafs"} {
		if !tested[must] {
			t.Errorf("%s is not tampered with (no rows in the demo data?)", must)
		}
	}
	t.Logf("%s: tampered %d rows in %d tables; empty tables: %v", h.db.Dialect, len(want), len(tables)+len(audit.JoinTableNames())-len(empty), empty)

	rep, err := audit.Verify(h.sys, h.db.Client, nil)
	if err != nil {
		t.Fatal(err)
	}
	found := map[string]bool{}
	for _, p := range rep.Problems {
		found[fmt.Sprintf("%s#%d", p.EntityType, p.EntityID)] = true
	}
	for _, w := range want {
		if !found[fmt.Sprintf("%s#%d", w.entityType, w.id)] {
			t.Errorf("%s of %s row %d is not detected", w.how, w.table, w.id)
		}
	}
}

func idsOf(t *testing.T, conn *sql.Conn, query string) []int {
	t.Helper()
	rows, err := conn.QueryContext(context.Background(), query)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	defer rows.Close()
	var out []int
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		out = append(out, id)
	}
	return out
}

func otherColumn(table, group string) string {
	for _, j := range ent.JoinTables {
		if j.Table == table {
			if j.Columns[0] == group {
				return j.Columns[1]
			}
			return j.Columns[0]
		}
	}
	return ""
}

// updateSomeColumn changes one column of row id (text: a character appended; else a number
// incremented; else a boolean flipped) and returns which, or "".
func updateSomeColumn(ctx context.Context, conn *sql.Conn, table string, id int) string {
	rows, err := conn.QueryContext(ctx, fmt.Sprintf("SELECT * FROM %q WHERE id = %d", table, id))
	if err != nil {
		return ""
	}
	cols, _ := rows.ColumnTypes()
	vals := make([]any, len(cols))
	ptrs := make([]any, len(cols))
	for i := range vals {
		ptrs[i] = &vals[i]
	}
	if rows.Next() {
		_ = rows.Scan(ptrs...)
	}
	rows.Close()
	try := func(set string) bool {
		_, err := conn.ExecContext(ctx, fmt.Sprintf("UPDATE %q SET %s WHERE id = %d", table, set, id))
		return err == nil
	}
	for pass := 0; pass < 3; pass++ {
		for i, c := range cols {
			name := c.Name()
			if name == "id" || vals[i] == nil {
				continue
			}
			typ := strings.ToUpper(c.DatabaseTypeName())
			switch {
			case pass == 0 && (strings.Contains(typ, "CHAR") || typ == "TEXT") && !strings.HasSuffix(name, "_id"):
				if _, ok := vals[i].(string); ok && try(fmt.Sprintf("%s = %s || 'x'", name, name)) {
					return name
				}
			case pass == 1 && (strings.Contains(typ, "INT") || typ == "NUMERIC") && name != "id":
				if try(fmt.Sprintf("%s = %s + 1", name, name)) {
					return name
				}
			case pass == 2 && (typ == "BOOL" || typ == "BOOLEAN"):
				if try(fmt.Sprintf("%s = NOT %s", name, name)) {
					return name
				}
			}
		}
	}
	return ""
}

// TestTamper_PublishedConclusion: with its trigger dropped, the conclusion of a published
// result is changed in result_code_links. `ssgk ledger audit` re-derives the published content
// from the rows and names the publication; `ssgk audit verify` names the result's code set.
func TestTamper_PublishedConclusion(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	ctx := context.Background()
	pub, err := h.db.Client.Publication.Query().Where(publication.KindEQ(publication.KindRESULT)).Order(ent.Asc(publication.FieldID)).First(h.sys)
	if err != nil {
		t.Fatal(err)
	}
	if rep, err := ledger.AuditLog(h.sys, h.db.Client); err != nil || len(rep.Problems) > 0 {
		t.Fatalf("before tampering: %v %v", err, rep)
	}
	conn := tamperConn(t, h)
	other := idsOf(t, conn, fmt.Sprintf("SELECT id FROM result_codes WHERE id NOT IN (SELECT result_code_id FROM result_code_links WHERE result_id = %d) ORDER BY id", pub.SubjectID))[0]
	if _, err := conn.ExecContext(ctx, fmt.Sprintf("UPDATE result_code_links SET result_code_id = %d WHERE result_id = %d", other, pub.SubjectID)); err != nil {
		t.Fatal(err)
	}
	rep, err := ledger.AuditLog(h.sys, h.db.Client)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, p := range rep.Problems {
		if p.Code == ledger.ProblemContentChanged && p.PublicationID == pub.ID {
			found = true
		}
	}
	if !found {
		t.Errorf("ledger audit does not name publication #%d: %v", pub.ID, rep.Problems)
	}
	arep, err := audit.Verify(h.sys, h.db.Client, nil)
	if err != nil {
		t.Fatal(err)
	}
	found = false
	for _, p := range arep.Problems {
		if p.EntityType == "result_code_links" && p.EntityID == pub.SubjectID {
			found = true
		}
	}
	if !found {
		t.Errorf("audit verify does not name the codes of result #%d: %v", pub.SubjectID, arep.Problems)
	}
}

// TestTamper_AuditAnchor: a signed checkpoint anchors the audit trail's head. Deleting the
// newest events — together with the rows they recorded, so that the rows and the trail agree —
// or rewriting and re-hashing the trail is detected against a checkpoint saved before.
func TestTamper_AuditAnchor(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"delete newest", "rewrite"} {
		t.Run(how, func(t *testing.T) {
			h := newDemoHub(t)
			ctx := context.Background()
			_, key, err := ed25519.GenerateKey(rand.Reader)
			if err != nil {
				t.Fatal(err)
			}
			cp, err := ledger.Checkpoint(h.sys, h.db.Client, key)
			if err != nil {
				t.Fatal(err)
			}
			if cp.AuditHead == "" || cp.AuditSeq == 0 {
				t.Fatalf("checkpoint without an anchor: %+v", cp)
			}
			if err := ledger.VerifyCheckpoint(key.Public().(ed25519.PublicKey), *cp); err != nil {
				t.Fatal(err)
			}
			saved := *cp // what an outsider keeps
			if err := ledger.VerifyAuditAnchor(h.sys, h.db.Client, saved); err != nil {
				t.Fatalf("intact trail: %v", err)
			}
			conn := tamperConn(t, h)
			switch how {
			case "delete newest":
				// The newest events at the anchor and after, and whatever rows they recorded.
				if _, err := conn.ExecContext(ctx, "DELETE FROM checkpoints"); err != nil {
					t.Fatal(err)
				}
				if _, err := conn.ExecContext(ctx, fmt.Sprintf("DELETE FROM audit_events WHERE seq >= %d", saved.AuditSeq)); err != nil {
					t.Fatal(err)
				}
			case "rewrite":
				// An event's actor changed and the chain re-hashed from there so that every link holds.
				rewriteChain(t, h, conn, saved.AuditSeq)
			}
			err = ledger.VerifyAuditAnchor(h.sys, h.db.Client, saved)
			if err == nil || !strings.Contains(err.Error(), ledger.CodeAuditAnchor) {
				t.Fatalf("%s: VerifyAuditAnchor = %v, want %s", how, err, ledger.CodeAuditAnchor)
			}
		})
	}
}

// rewriteChain changes the actor of an event shortly before the anchor and recomputes every
// hash from there on.
func rewriteChain(t *testing.T, h *hub, conn *sql.Conn, anchor int64) {
	t.Helper()
	ctx := context.Background()
	from := anchor - 5
	evs, err := h.db.Client.AuditEvent.Query().Where(auditevent.SeqGTE(from - 1)).Order(ent.Asc(auditevent.FieldSeq)).All(h.sys)
	if err != nil || len(evs) < 2 || evs[0].Seq != from-1 {
		t.Fatalf("events from %d: %d, %v", from-1, len(evs), err)
	}
	prev := evs[0].Hash
	for i, e := range evs[1:] {
		if i == 0 {
			e.Actor = "篡改者"
		}
		e.PrevHash = prev
		e.Hash = audit.EventHash(e)
		prev = e.Hash
		q := "UPDATE audit_events SET actor = $1, prev_hash = $2, hash = $3 WHERE seq = $4"
		if h.db.Dialect == dialect.SQLite {
			q = "UPDATE audit_events SET actor = ?, prev_hash = ?, hash = ? WHERE seq = ?"
		}
		if _, err := conn.ExecContext(ctx, q, e.Actor, e.PrevHash, e.Hash, e.Seq); err != nil {
			t.Fatal(err)
		}
	}
	if rep, err := audit.Verify(h.sys, h.db.Client, nil); err != nil || !rep.OK() {
		t.Fatalf("the rewritten chain should pass on its own: %v %v", err, rep.Problems)
	}
}

// fillRareTables writes rows into tables the demo data leaves empty, through the hub's own
// paths, so that the tamper test covers them too.
func fillRareTables(t *testing.T, h *hub, w *writeWorld) {
	t.Helper()
	ctx, c := h.sys, h.db.Client
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ledger.Checkpoint(ctx, c, key); err != nil {
		t.Fatal(err)
	}
	csv := "市场主体名称,信用代码,主体类型,经营场所,区划代码\n宁阳县篡改测试有限公司," + newUSCC(990001) + ",企业,山东省泰安市宁阳县文庙街道1号,370921\n"
	if _, err := library.Import(ctx, c, func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(csv)), nil },
		library.ImportOptions{Kind: importer.KindTargets, DepartmentID: h.deps["SCJG"].ID, FileName: "tamper.csv"}); err != nil {
		t.Fatal(err)
	}
	if _, err := results.AddEvidence(ctx, c, w.og.DraftID, "现场照片.png", "image/png", bytes.NewReader(pngBytes()), h.db.DataDir); err != nil {
		t.Fatal(err)
	}
	scjg, wj := h.deps["SCJG"], h.deps["WJ"]
	err = txn.Run(ctx, c, func(tx *ent.Tx) error {
		sum := sha256.Sum256([]byte("{ viewer { name } }"))
		if err := tx.PersistedQuery.Create().SetHash(hex.EncodeToString(sum[:])).SetName("篡改测试").SetQuery("{ viewer { name } }").
			SetDepartmentID(scjg.ID).Exec(ctx); err != nil {
			return err
		}
		if err := tx.Notification.Create().SetMessage("篡改测试抄告").SetFromDepartmentID(scjg.ID).SetToDepartmentID(wj.ID).Exec(ctx); err != nil {
			return err
		}
		if err := tx.CalendarYear.Create().SetYear(2099).SetSource("篡改测试").SetArrangement("{}").SetDigest("00").SetLoadedBy("test").Exec(ctx); err != nil {
			return err
		}
		insp, err := tx.Inspector.Query().Where(inspector.DepartmentID(scjg.ID)).FirstID(ctx)
		if err != nil {
			return err
		}
		if err := tx.Task.UpdateOneID(w.og.TaskID).AddInspectorPoolIDs(insp).Exec(ctx); err != nil {
			return err
		}
		ri, err := tx.ResultItem.Query().Where(resultitem.ResultID(w.og.DraftID)).FirstID(ctx)
		if err != nil {
			return err
		}
		code, err := tx.ResultCode.Query().FirstID(ctx)
		if err != nil {
			return err
		}
		return tx.ResultItem.UpdateOneID(ri).AddCodeIDs(code).Exec(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
}
