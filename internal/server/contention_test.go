package server_test

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"entgo.io/ent/dialect"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

// contentionCSV writes a target file of n new enterprises (USCCs from validUSCC(base+i)),
// followed by a row that is rejected when bad is set.
func contentionCSV(t *testing.T, n, base int, bad bool) string {
	t.Helper()
	var b strings.Builder
	b.WriteString("市场主体名称,信用代码,主体类型,区划代码\n")
	for i := range n {
		fmt.Fprintf(&b, "宁阳县争用测试%d有限公司,%s,企业,370921\n", base+i, validUSCC(base+i))
	}
	if bad {
		b.WriteString("宁阳县坏行有限公司,91370921MA3C5X8B2X,企业,370921\n") // a wrong check character
	}
	path := filepath.Join(t.TempDir(), fmt.Sprintf("targets_%d.csv", base))
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestContention_ImportWithMutationsAndReads is issue 25's SQLite contention scenario, on both
// databases: while an import's write transaction is in progress (held open in its write pass),
// GraphQL reads are answered — with the state before the import, which is invisible until it
// commits — and concurrent createTarget mutations wait for it (on SQLite in the writer queue,
// not in SQLite's busy loop, and reads go on while they wait) and then all succeed, after it;
// a file whose last row is rejected leaves nothing, while the mutations beside it succeed.
// No durations are asserted: only outcomes and order.
func TestContention_ImportWithMutationsAndReads(t *testing.T) {
	t.Parallel()
	rows := 20_000
	if testing.Short() {
		rows = 3_000
	}
	const writers, reads = 8, 20
	h := newTestHub(t)
	sys := testutil.System()
	if err := txn.Run(sys, h.db.Client, func(tx *ent.Tx) error {
		return tx.TargetLibrary.Create().SetCode("MAIN").SetName("市场主体库").SetDepartmentID(h.scjg.ID).Exec(sys)
	}); err != nil {
		t.Fatal(err)
	}
	sqlite := h.db.Dialect == dialect.SQLite
	ictx := viewer.NewContext(sys, viewer.NewSystem("contention test import"))
	runImport := func(path string, progress func(pass string, n int)) (*library.ImportResult, error) {
		open := func() (io.ReadCloser, error) { return os.Open(path) }
		return library.Import(ictx, h.db.Client, open, library.ImportOptions{Kind: importer.KindTargets, DepartmentID: h.scjg.ID,
			FileName: filepath.Base(path), Progress: progress})
	}
	count := func() int {
		t.Helper()
		r := h.do(t, h.scjgToken, `{ targets { totalCount } }`, nil)
		if r.code() != "" {
			t.Fatalf("read: %+v", r.Errors)
		}
		var out struct{ TotalCount int }
		_ = json.Unmarshal(r.Data["targets"], &out)
		return out.TotalCount
	}
	createTargets := func(base int) <-chan string {
		out := make(chan string, writers)
		for i := range writers {
			go func() {
				r := h.do(t, h.scjgToken, `mutation($in: CreateTargetInput!) { createTarget(input: $in) { id } }`,
					map[string]any{"in": map[string]any{"uscc": validUSCC(base + i), "name": fmt.Sprintf("宁阳县交互%d有限公司", base+i)}})
				if r.code() != "" {
					out <- fmt.Sprintf("createTarget %d: HTTP %d %s %+v", i, r.Status, r.code(), r.Errors)
					return
				}
				var v struct{ ID string }
				_ = json.Unmarshal(r.Data["createTarget"], &v)
				out <- "id " + v.ID
			}()
		}
		return out
	}

	// 1. A valid file, held in its write pass after its first batch.
	before := count()
	holding, hold := make(chan struct{}), make(chan struct{})
	var once sync.Once
	type outcome struct {
		res *library.ImportResult
		err error
	}
	imported := make(chan outcome, 1)
	go func() {
		res, err := runImport(contentionCSV(t, rows, 1_000_000, false), func(pass string, _ int) {
			if pass == "写入" {
				once.Do(func() { close(holding); <-hold })
			}
		})
		imported <- outcome{res, err}
	}()
	select {
	case <-holding:
	case o := <-imported:
		t.Fatalf("import ended without reaching its write pass: %+v %v", o.res, o.err)
	}
	if sqlite && !h.db.WriterQueue().Held {
		t.Fatal("the import's write pass does not hold the writer")
	}
	for range reads {
		if n := count(); n != before {
			t.Fatalf("a read during the import saw %d targets, want %d (the import is invisible until it commits)", n, before)
		}
	}
	created := createTargets(2_000_000)
	if sqlite {
		// All of them wait in the queue (not in SQLite's busy loop) …
		for q := h.db.WriterQueue(); q.Waiting < writers; q = h.db.WriterQueue() {
			time.Sleep(5 * time.Millisecond)
		}
	}
	// … and reads still go on beside them.
	for range reads {
		if n := count(); n != before {
			t.Fatalf("a read with writers queued saw %d targets, want %d", n, before)
		}
	}
	close(hold)
	o := <-imported
	if o.err != nil || o.res.Job.Status != "SUCCEEDED" || o.res.Job.Created != rows {
		t.Fatalf("import: %v %+v", o.err, o.res)
	}
	var ids []int
	for range writers {
		s := <-created
		if !strings.HasPrefix(s, "id ") {
			t.Fatal(s)
		}
		var id int
		fmt.Sscan(strings.TrimPrefix(s, "id "), &id)
		ids = append(ids, id)
	}
	// The mutations committed after the import: their ids follow all of its ids.
	maxImported, err := h.db.Client.Target.Query().Where(target.NameHasPrefix("宁阳县争用测试")).Aggregate(ent.Max(target.FieldID)).Int(sys)
	if err != nil {
		t.Fatal(err)
	}
	for _, id := range ids {
		if id <= maxImported {
			t.Fatalf("createTarget got id %d, not after the import's last id %d", id, maxImported)
		}
	}
	if n := count(); n != before+rows+writers {
		t.Fatalf("targets after the import and the mutations: %d, want %d", n, before+rows+writers)
	}

	// 2. All or nothing: a file whose last row is rejected, beside the same traffic.
	before = count()
	failing := make(chan outcome, 1)
	go func() {
		res, err := runImport(contentionCSV(t, rows, 3_000_000, true), nil)
		failing <- outcome{res, err}
	}()
	created = createTargets(4_000_000)
	for range reads {
		if n := count(); n != before && n > before+writers {
			t.Fatalf("a read during the failing import saw %d targets (before %d)", n, before)
		}
	}
	o = <-failing
	if o.err != nil || o.res.Job.Status != "REJECTED" || o.res.Report.Rejected != 1 || o.res.Job.Created != 0 {
		t.Fatalf("failing import: %v %+v", o.err, o.res)
	}
	for range writers {
		if s := <-created; !strings.HasPrefix(s, "id ") {
			t.Fatal(s)
		}
	}
	if n, err := h.db.Client.Target.Query().Where(target.UsccIn(validUSCC(3_000_000), validUSCC(3_000_000+rows-1))).Count(sys); err != nil || n != 0 {
		t.Fatalf("the rejected file left %d of its targets (%v)", n, err)
	}
	if n := count(); n != before+writers {
		t.Fatalf("targets after the failing import: %d, want %d", n, before+writers)
	}
}
