package draws_test

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	entdraw "github.com/ssgk/ssgk/ent/draw"
	"github.com/ssgk/ssgk/ent/inspectionteam"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/draw"
	"github.com/ssgk/ssgk/internal/draws"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/tasks"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// logged reads the events a bundle's log lists from the transparency log, as a verifier would.
func logged(t *testing.T, f *fixture, b *draw.Bundle) []draw.LoggedEvent {
	t.Helper()
	var out []draw.LoggedEvent
	for _, e := range b.Log.Events {
		r, err := ledger.GetRecord(f.ctx, f.client, e.Leaf)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := ledger.VerifyRecord(*r); err != nil {
			t.Fatal(err)
		}
		out = append(out, draw.LoggedEvent{Leaf: r.Index, SubjectType: r.Publication.SubjectType,
			SubjectID: r.Publication.SubjectID, Payload: r.Publication.Payload})
	}
	return out
}

// roundTrip is the bundle as a verifier downloads it.
func roundTrip(t *testing.T, b *draw.Bundle) *draw.Bundle {
	t.Helper()
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var out draw.Bundle
	if err := json.Unmarshal(raw, &out); err != nil {
		t.Fatal(err)
	}
	return &out
}

// revealedWithAmendments runs a draw with a recusal and a replacement to its reveal.
func revealedWithAmendments(t *testing.T, f *fixture) *ent.Draw {
	t.Helper()
	dr := f.committed(t)
	dr, err := f.d.Execute(f.ctx, dr.ID, "7 3 0 5 2 8 1 9 4 6")
	if err != nil {
		t.Fatal(err)
	}
	teams := f.client.InspectionTeam.Query().Where(inspectionteam.DrawID(dr.ID)).WithMembers().WithTarget().
		Order(ent.Asc(inspectionteam.FieldID)).AllX(f.ctx)
	key := library.TargetKey(teams[0].Edges.Target)
	if _, err := f.d.Recuse(f.ctx, dr.ID, key, []string{draws.InspectorKey(teams[0].Edges.Members[0])}, "KINSHIP", "检查人员系企业负责人近亲属"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.d.Replace(f.ctx, dr.ID, library.TargetKey(teams[1].Edges.Target), "CLOSED", "实地核查发现已注销"); err != nil {
		t.Fatal(err)
	}
	publishAll(t, f, dr)
	if dr, err = f.d.Reveal(f.ctx, dr.ID); err != nil {
		t.Fatal(err)
	}
	return dr
}

// The bundle lists the draw's events; it verifies against the log, and every tampered bundle
// that still passes the algorithm's own check fails against the log.
func TestLog_AnchoredBundleAndTampering(t *testing.T) {
	t.Parallel()
	f := setup(t)
	dr := revealedWithAmendments(t, f)
	b, err := f.d.Bundle(f.ctx, dr.ID)
	if err != nil {
		t.Fatal(err)
	}
	if b.Log == nil {
		t.Fatal("bundle has no log")
	}
	var names []string
	for _, e := range b.Log.Events {
		names = append(names, e.Event)
	}
	if got := strings.Join(names, ","); got != "FREEZE,COMMIT,EXECUTE,RECUSE,REPLACE,REVEAL" {
		t.Fatalf("logged events %s", got)
	}
	good := roundTrip(t, b)
	if err := draw.Verify(good); err != nil {
		t.Fatal(err)
	}
	evs := logged(t, f, good)
	if err := draw.VerifyLog(good, evs); err != nil {
		t.Fatalf("untampered bundle fails against the log: %v", err)
	}
	// Nothing logged before the reveal names a drawn target or an inspector of a team.
	for _, e := range evs[:len(evs)-1] {
		raw, _ := json.Marshal(e.Payload)
		for _, tm := range good.Outcome.Teams {
			if bytes.Contains(raw, []byte(tm.Target)) {
				t.Fatalf("leaf %d (%s) names drawn target %s before the reveal", e.Leaf, e.Payload["event"], tm.Target)
			}
			for _, m := range tm.Members {
				if bytes.Contains(raw, []byte(`"`+m.Inspector+`"`)) {
					t.Fatalf("leaf %d names inspector %s before the reveal", e.Leaf, m.Inspector)
				}
			}
		}
		if bytes.Contains(raw, []byte(good.Outcome.Seed.String())) {
			t.Fatalf("leaf %d discloses the seed before the reveal", e.Leaf)
		}
	}

	in := draw.Inputs{Frame: &good.Frame, Params: good.Commitment.Params, Inspectors: good.Inspectors,
		Conflicts: good.Conflicts, Rotation: good.Rotation}
	secret, _ := hex.DecodeString(good.Secret)
	tampered := map[string]func(b *draw.Bundle){
		"dropped recusal": func(b *draw.Bundle) {
			b.Outcome.Amendments = b.Outcome.Amendments[1:]
		},
		"dropped recusal and its leaf": func(b *draw.Bundle) {
			b.Outcome.Amendments = b.Outcome.Amendments[1:]
			b.Log.Events = append(b.Log.Events[:3:3], b.Log.Events[4:]...)
		},
		"dropped replacement": func(b *draw.Bundle) {
			b.Outcome.Amendments = b.Outcome.Amendments[:1]
		},
		"all amendments dropped": func(b *draw.Bundle) {
			b.Outcome.Amendments = []draw.Amendment{}
		},
		"added amendment": func(b *draw.Bundle) {
			o := b.Outcome
			cur := o.CurrentTeams()
			o2, err := draw.Recuse(in, &o, cur[len(cur)-1].Target, []string{cur[len(cur)-1].Members[0].Inspector}, "插入的回避")
			if err != nil {
				t.Fatal(err)
			}
			b.Outcome = *o2
		},
		"other entropy, everything recomputed": func(b *draw.Bundle) {
			_, seed, err := draw.DeriveSeed(b.Commitment, secret, "1 1 1 1 1 1 1 1 1 1")
			if err != nil {
				t.Fatal(err)
			}
			o, err := draw.Run(in, seed)
			if err != nil {
				t.Fatal(err)
			}
			nb, err := draw.NewBundle(in, b.Commitment, "1 1 1 1 1 1 1 1 1 1", secret, o)
			if err != nil {
				t.Fatal(err)
			}
			nb.Log = b.Log
			*b = *nb
		},
	}
	for name, tamper := range tampered {
		t.Run(name, func(t *testing.T) {
			b := roundTrip(t, good)
			tamper(b)
			b = roundTrip(t, b)
			if err := draw.Verify(b); err != nil {
				t.Logf("(the algorithm's own check already refuses it: %v)", err)
			}
			err := draw.VerifyLog(b, logged(t, f, b))
			if apperr.CodeOf(err) != draw.CodeLogMismatch {
				t.Fatalf("tampered bundle against the log: %v", err)
			}
			t.Logf("refused: %v", err)
		})
	}
}

// Between the commitment and the entropy, nothing in the database lets its reader compute the
// selection: the secret is in no column of any table, in any encoding, and no stored 32-byte
// value hashes to the committed H(secret).
func TestSecret_SealedAtRest(t *testing.T) {
	t.Parallel()
	f := setup(t)
	dr := f.committed(t)
	secret, _ := fixedSecret()
	forms := [][]byte{secret, []byte(hex.EncodeToString(secret)), []byte(strings.ToUpper(hex.EncodeToString(secret))),
		[]byte(base64.StdEncoding.EncodeToString(secret)), []byte(base64.RawURLEncoding.EncodeToString(secret))}
	committed, _ := hex.DecodeString(dr.SecretHash)
	sqlDB := rawDB(t, f)
	tables := tableNames(t, sqlDB, f.d.Client.Dialect())
	if len(tables) < 20 {
		t.Fatalf("only %d tables found", len(tables))
	}
	cells := 0
	for _, tb := range tables {
		rows, err := sqlDB.QueryContext(f.ctx, `SELECT * FROM "`+tb+`"`)
		if err != nil {
			t.Fatalf("%s: %v", tb, err)
		}
		cols, _ := rows.Columns()
		for rows.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			if err := rows.Scan(ptrs...); err != nil {
				t.Fatal(err)
			}
			for i, v := range vals {
				var b []byte
				switch x := v.(type) {
				case []byte:
					b = x
				case string:
					b = []byte(x)
				default:
					continue
				}
				cells++
				for _, form := range forms {
					if bytes.Contains(b, form) {
						t.Fatalf("the server secret is readable in %s.%s", tb, cols[i])
					}
				}
				// Any 32-byte value (raw or hex) that hashes to the commitment would be the secret.
				for _, cand := range candidates(b) {
					if bytes.Equal(hashOf(cand), committed) {
						t.Fatalf("%s.%s holds a value whose hash is the committed H(secret)", tb, cols[i])
					}
				}
			}
		}
		rows.Close()
	}
	t.Logf("%d text cells in %d tables read; the secret is in none", cells, len(tables))
	// The draw itself still works: the sealed secret opens with the ledger key.
	got, err := f.d.Execute(f.ctx, dr.ID, "3 1 4 1 5")
	if err != nil {
		t.Fatal(err)
	}
	if got.Secret != "" {
		t.Fatal("the secret is stored in clear once drawn, before the reveal")
	}
	// Without the ledger key the draw cannot proceed.
	other := draws.New(f.client)
	if _, err := other.Recuse(f.ctx, dr.ID, "x", []string{"y"}, "KINSHIP", "无密钥"); apperr.CodeOf(err) == "" {
		t.Fatal("a drawer without the key amends")
	}
}

func hashOf(b []byte) []byte { h := draw.SecretHash(b); return h[:] }

// candidates are the 32-byte values a cell could hold: itself raw, or hex-decoded, and every
// 64-hex-digit run in it.
func candidates(b []byte) [][]byte {
	var out [][]byte
	if len(b) == 32 {
		out = append(out, b)
	}
	s := string(b)
	for i := 0; i+64 <= len(s); i++ {
		if raw, err := hex.DecodeString(s[i : i+64]); err == nil {
			out = append(out, raw)
		}
	}
	return out
}

func rawDB(t *testing.T, f *fixture) *sql.DB {
	t.Helper()
	return f.sqlDB
}

func tableNames(t *testing.T, db *sql.DB, dialect string) []string {
	t.Helper()
	q := `SELECT name FROM sqlite_master WHERE type = 'table'`
	if dialect == "postgres" {
		q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
	}
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			t.Fatal(err)
		}
		out = append(out, n)
	}
	return out
}

// Only the office and the initiating department's administrator run draw steps; an inspector, a
// participating department's administrator, and the initiator's administrator cancelling an
// announced task are refused.
func TestRoles_DrawSteps(t *testing.T) {
	t.Parallel()
	f := setup(t)
	as := func(dep *ent.Department, roles ...string) context.Context {
		return viewer.NewContext(context.Background(), &viewer.Viewer{Kind: viewer.Account, Name: "u", AccountID: 1,
			DepartmentID: dep.ID, DepartmentCode: dep.Code, Roles: roles})
	}
	inspector := as(f.scjg, viewer.RoleInspector)
	partAdmin := as(f.wj, viewer.RoleDeptAdmin)
	iniAdmin := as(f.scjg, viewer.RoleDeptAdmin)
	office := as(f.wj, viewer.RoleOffice)
	if _, err := tasks.Announce(f.ctx, f.client, f.task.ID); err != nil {
		t.Fatal(err)
	}
	f.confirm(t)
	refused := func(what string, err error) {
		t.Helper()
		if c := apperr.CodeOf(err); c != apperr.Forbidden && c != draws.CodeCancelForbidden {
			t.Fatalf("%s: %v", what, err)
		}
	}
	for _, ctx := range []context.Context{inspector, partAdmin} {
		_, err := f.d.Freeze(ctx, f.task.ID, "")
		refused("freeze", err)
	}
	dr, err := f.d.Freeze(iniAdmin, f.task.ID, "")
	if err != nil {
		t.Fatal(err)
	}
	for _, ctx := range []context.Context{inspector, partAdmin} {
		_, err := f.d.Commit(ctx, dr.ID)
		refused("commit", err)
	}
	if dr, err = f.d.Commit(office, dr.ID); err != nil {
		t.Fatal(err)
	}
	for _, ctx := range []context.Context{inspector, partAdmin} {
		_, err := f.d.Execute(ctx, dr.ID, "1 2 3")
		refused("entropy", err)
		_, err = f.d.Recuse(ctx, dr.ID, "k", []string{"x"}, "KINSHIP", "r")
		refused("recuse", err)
		_, err = f.d.Replace(ctx, dr.ID, "k", "CLOSED", "r")
		refused("replace", err)
		_, err = f.d.Reveal(ctx, dr.ID)
		refused("reveal", err)
		_, err = f.d.CancelTask(ctx, f.task.ID, "撤销")
		refused("cancel", err)
	}
	// The initiator's administrator may not cancel an announced task: only the office, with a reason.
	_, err = f.d.CancelTask(iniAdmin, f.task.ID, "撤销")
	refused("cancel by the initiator", err)
	if _, err := f.d.CancelTask(office, f.task.ID, " "); apperr.CodeOf(err) != draws.CodeReasonRequired {
		t.Fatalf("cancel without reason: %v", err)
	}
	if _, err := f.d.CancelTask(office, f.task.ID, "上级部署调整，本任务并入专项检查"); err != nil {
		t.Fatal(err)
	}
	got := f.client.Draw.GetX(f.ctx, dr.ID)
	if got.Status != entdraw.StatusSUPERSEDED || got.Secret == "" {
		t.Fatalf("draw of a cancelled task: %s, secret revealed %v", got.Status, got.Secret != "")
	}
	if n := f.client.Publication.Query().Where(publication.KindEQ(publication.KindTASK_CANCELLATION), publication.SubjectID(f.task.ID)).CountX(f.ctx); n != 1 {
		t.Fatalf("%d cancellation publications", n)
	}
}

// A draw committed before sealing existed holds its secret in clear; the hub seals it at start
// and the draw goes on.
func TestSecret_SealStoredSecrets(t *testing.T) {
	t.Parallel()
	f := setup(t)
	dr := f.committed(t)
	secret, _ := fixedSecret()
	if err := txn.Run(f.ctx, f.client, func(tx *ent.Tx) error {
		return tx.Draw.UpdateOneID(dr.ID).SetSecret(hex.EncodeToString(secret)).ClearSealedSecret().Exec(f.ctx)
	}); err != nil {
		t.Fatal(err)
	}
	n, err := f.d.SealStoredSecrets(f.ctx)
	if err != nil || n != 1 {
		t.Fatalf("sealed %d: %v", n, err)
	}
	if got := f.client.Draw.GetX(f.ctx, dr.ID); got.Secret != "" || got.SealedSecret == "" {
		t.Fatalf("after sealing: secret %q, sealed %q", got.Secret, got.SealedSecret)
	}
	if n, err := f.d.SealStoredSecrets(f.ctx); err != nil || n != 0 {
		t.Fatalf("second run sealed %d: %v", n, err)
	}
	if _, err := f.d.Execute(f.ctx, dr.ID, "1 2 3 4 5 6"); err != nil {
		t.Fatal(err)
	}
}
