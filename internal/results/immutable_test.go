package results_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/resultcode"
	"github.com/ssgk/ssgk/ent/resultitem"
	"github.com/ssgk/ssgk/internal/apperr"
	"github.com/ssgk/ssgk/internal/authz"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/txn"
)

func TestResults_PublishedIsImmutable(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	// Evidence is added while entering; the result is then published.
	r, err := results.Save(h.asInspector, h.client, h.input(h.a, day("2026-09-18")))
	if err != nil {
		t.Fatal(err)
	}
	ev, err := results.AddEvidence(h.asInspector, h.client, r.ID, "现场照片.png", "image/png", bytes.NewReader(pngBytes()), h.dataDir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := results.Submit(h.asInspector, h.client, r.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := results.Approve(h.asApprover, h.client, r.ID); err != nil {
		t.Fatal(err)
	}
	if r, err = results.Publish(h.asApprover, h.client, r.ID, results.PublishOptions{}); err != nil {
		t.Fatal(err)
	}
	item := h.client.ResultItem.Query().Where(resultitem.ResultID(r.ID)).FirstX(h.sys)
	other := h.codes["NOT_DISCLOSED"]
	noProblem := h.codes["NO_PROBLEM"]

	// Every ent path, as the department and as an operator command.
	entPaths := []struct {
		name string
		fn   func(tx *ent.Tx) error
	}{
		{"update result", func(tx *ent.Tx) error { return tx.Result.UpdateOneID(r.ID).SetSummary("改写").Exec(h.sys) }},
		{"bulk update results", func(tx *ent.Tx) error { _, err := tx.Result.Update().SetSummary("改写").Save(h.sys); return err }},
		{"delete result", func(tx *ent.Tx) error { return tx.Result.DeleteOneID(r.ID).Exec(h.sys) }},
		{"add a code to the result", func(tx *ent.Tx) error { return tx.Result.UpdateOneID(r.ID).AddCodeIDs(other).Exec(h.sys) }},
		{"link a code from the code side", func(tx *ent.Tx) error {
			return tx.ResultCode.UpdateOneID(other).AddResultIDs(r.ID).Exec(h.sys)
		}},
		{"unlink a code from the code side", func(tx *ent.Tx) error {
			return tx.ResultCode.UpdateOneID(noProblem).RemoveResultIDs(r.ID).Exec(h.sys)
		}},
		{"delete a code in use", func(tx *ent.Tx) error { return tx.ResultCode.DeleteOneID(noProblem).Exec(h.sys) }},
		{"clear a code's results", func(tx *ent.Tx) error {
			return tx.ResultCode.Update().Where(resultcode.ID(noProblem)).ClearResults().Exec(h.sys)
		}},
		{"update item", func(tx *ent.Tx) error { return tx.ResultItem.UpdateOneID(item.ID).SetHandling("改写").Exec(h.sys) }},
		{"delete item", func(tx *ent.Tx) error { return tx.ResultItem.DeleteOneID(item.ID).Exec(h.sys) }},
		{"add item code", func(tx *ent.Tx) error { return tx.ResultItem.UpdateOneID(item.ID).AddCodeIDs(other).Exec(h.sys) }},
		{"add item", func(tx *ent.Tx) error {
			return tx.ResultItem.Create().SetResultID(r.ID).SetItemID(h.wjItems[0].ID).SetChecked(true).Exec(h.sys)
		}},
		{"update evidence", func(tx *ent.Tx) error { return tx.Evidence.UpdateOneID(ev.ID).SetFileName("x.png").Exec(h.sys) }},
		{"delete evidence", func(tx *ent.Tx) error { return tx.Evidence.DeleteOneID(ev.ID).Exec(h.sys) }},
		{"add evidence row", func(tx *ent.Tx) error {
			return tx.Evidence.Create().SetResultID(r.ID).SetFileName("x.pdf").SetContentType("application/pdf").SetSize(1).
				SetSha256(strings.Repeat("a", 64)).Exec(h.sys)
		}},
		{"method from the method side", func(tx *ent.Tx) error {
			m := tx.InspectionMethod.Query().FirstX(h.sys)
			return tx.InspectionMethod.UpdateOneID(m.ID).AddResultIDs(r.ID).Exec(h.sys)
		}},
	}
	for _, p := range entPaths {
		err := txn.Run(h.sys, h.client, p.fn)
		wantCode(t, "ent: "+p.name, err, results.CodeImmutable)
	}
	// A department writing the row directly is refused by the write rule (results change only
	// through the workflow) …
	err = txn.Run(h.asInspector, h.client, func(tx *ent.Tx) error {
		return tx.Result.UpdateOneID(r.ID).SetSummary("改写").Exec(h.asInspector)
	})
	wantCode(t, "ent: department updates", err, apperr.Forbidden)
	// … and a write inside the department's own workflow by immutability.
	wctx, err := authz.Require(h.asInspector, authz.EnterResults, r.DepartmentID)
	if err != nil {
		t.Fatal(err)
	}
	err = txn.Run(wctx, h.client, func(tx *ent.Tx) error {
		return tx.Result.UpdateOneID(r.ID).SetSummary("改写").Exec(wctx)
	})
	wantCode(t, "ent: department updates in a workflow", err, results.CodeImmutable)
	_, err = results.AddEvidence(h.asInspector, h.client, r.ID, "补充.png", "image/png", bytes.NewReader(pngBytes()), h.dataDir)
	wantCode(t, "AddEvidence after publication", err, results.CodeImmutable)

	// Raw SQL through the hub's own connection.
	sqlPaths := []string{
		fmt.Sprintf("UPDATE results SET summary = '改写' WHERE id = %d", r.ID),
		fmt.Sprintf("UPDATE results SET status = 'DRAFT' WHERE id = %d", r.ID),
		fmt.Sprintf("DELETE FROM results WHERE id = %d", r.ID),
		fmt.Sprintf("UPDATE result_items SET handling = '改写' WHERE id = %d", item.ID),
		fmt.Sprintf("DELETE FROM result_items WHERE id = %d", item.ID),
		fmt.Sprintf("INSERT INTO result_items (created_at, updated_at, division_code, checked, problem_found, result_id, item_id) VALUES (CURRENT_TIMESTAMP, CURRENT_TIMESTAMP, '370921', true, false, %d, %d)", r.ID, h.wjItems[0].ID),
		fmt.Sprintf("UPDATE evidences SET sha256 = '%s' WHERE id = %d", strings.Repeat("b", 64), ev.ID),
		fmt.Sprintf("DELETE FROM evidences WHERE id = %d", ev.ID),
		fmt.Sprintf("DELETE FROM result_code_links WHERE result_id = %d", r.ID),
		fmt.Sprintf("INSERT INTO result_code_links (result_id, result_code_id) VALUES (%d, %d)", r.ID, other),
		fmt.Sprintf("UPDATE result_code_links SET result_code_id = %d WHERE result_id = %d", other, r.ID),
		fmt.Sprintf("DELETE FROM result_methods WHERE result_id = %d", r.ID),
		fmt.Sprintf("INSERT INTO result_item_codes (result_item_id, result_code_id) VALUES (%d, %d)", item.ID, other),
		fmt.Sprintf("DELETE FROM result_codes WHERE id = %d", noProblem),
	}
	hookMessage := apperr.From(err).Message // AddEvidence's refusal, by the hooks
	for _, q := range sqlPaths {
		err := h.exec(q)
		if err == nil || !strings.Contains(err.Error(), results.CodeImmutable) {
			t.Errorf("raw SQL %q: err = %v", q, err)
			continue
		}
		// The trigger's refusal reads as the hooks' one: same code, same message.
		if ae := apperr.From(err); ae.Code != results.CodeImmutable || ae.Message != hookMessage {
			t.Errorf("raw SQL %q: %s %q, want %s %q", q, ae.Code, ae.Message, results.CodeImmutable, hookMessage)
		}
	}
	if h.db.Dialect == dialect.Postgres {
		for _, q := range []string{"TRUNCATE results CASCADE", "TRUNCATE result_code_links"} {
			if err := h.exec(q); err == nil || !strings.Contains(err.Error(), results.CodeImmutable) {
				t.Errorf("raw SQL %q: err = %v", q, err)
			}
		}
	}

	// Nothing changed.
	got := h.client.Result.GetX(h.sys, r.ID)
	if got.Summary != r.Summary || got.Status != r.Status {
		t.Fatalf("result changed: %+v", got)
	}
	if n := h.client.Result.QueryCodes(got).CountX(h.sys); n != 1 {
		t.Fatalf("%d codes", n)
	}
	if n := h.client.ResultItem.Query().Where(resultitem.ResultID(r.ID)).CountX(h.sys); n != 2 {
		t.Fatalf("%d items", n)
	}
	if n := h.client.Evidence.Query().CountX(h.sys); n != 1 {
		t.Fatalf("%d evidence rows", n)
	}

	// Rows of unpublished results stay editable by raw SQL (the triggers are targeted).
	draft, err := results.Save(h.asInspector, h.client, h.input(h.b, day("2026-09-18")))
	if err != nil {
		t.Fatal(err)
	}
	if err := h.exec(fmt.Sprintf("UPDATE results SET summary = '草稿可改' WHERE id = %d", draft.ID)); err != nil {
		t.Fatalf("raw update of a draft: %v", err)
	}

	// DropTriggers (for SQLite table rebuilds during migrations) and InstallTriggers again.
	if h.db.Dialect == dialect.SQLite {
		ctx := context.Background()
		if err := results.DropTriggers(ctx, h.db.SQL, h.db.Dialect); err != nil {
			t.Fatal(err)
		}
		if err := h.exec(fmt.Sprintf("UPDATE results SET updated_at = updated_at WHERE id = %d", r.ID)); err != nil {
			t.Fatalf("after DropTriggers: %v", err)
		}
		if err := results.InstallTriggers(ctx, h.db.SQL, h.db.Dialect); err != nil {
			t.Fatal(err)
		}
		if err := h.exec(fmt.Sprintf("UPDATE results SET updated_at = updated_at WHERE id = %d", r.ID)); err == nil {
			t.Fatal("after InstallTriggers: raw update succeeded")
		}
	}
}
