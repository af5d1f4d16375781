package acceptance

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/ssgk/ssgk/ent/inspectionitem"
	"github.com/ssgk/ssgk/ent/itemlist"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/ent/targetlibrary"
	"github.com/ssgk/ssgk/internal/importer"
	"github.com/ssgk/ssgk/internal/library"
	"github.com/ssgk/ssgk/internal/results"
	"github.com/ssgk/ssgk/internal/viewer"
)

// contentionFor is how long TestContention_NoDeadlock keeps its writers running.
const contentionFor = 4 * time.Second

// TestContention_NoDeadlock runs imports, library edits, target creation with libraryIDs and
// result publications at the same time for a few seconds: on PostgreSQL every writer takes the
// write lock first (internal/store/writelock.go), so none of them may fail — in particular
// with a deadlock (40P01, which used to abort imports against createTarget with libraryIDs).
// On SQLite the same streams run behind its single writer.
func TestContention_NoDeadlock(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	o := h.ongoingTask()
	ctx, c := h.sys, h.db.Client
	scjg := h.deps["SCJG"]
	h.clock.Move(day(2026, 9, 27).Add(10 * time.Hour))
	mainLib, err := c.TargetLibrary.Query().Where(targetlibrary.Code("MAIN"), targetlibrary.DepartmentID(scjg.ID)).OnlyID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	existing, err := c.Target.Query().Where(target.HasLibrariesWith(targetlibrary.ID(mainLib))).Limit(40).IDs(ctx)
	if err != nil || len(existing) < 40 {
		t.Fatalf("targets of MAIN: %d, %v", len(existing), err)
	}
	item, err := c.InspectionItem.Query().Where(inspectionitem.Name("企业公示信息的检查"),
		inspectionitem.HasItemListWith(itemlist.DepartmentID(scjg.ID), itemlist.StatusEQ(itemlist.StatusPUBLISHED))).OnlyID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tok := h.token("SCJG", viewer.RoleDeptAdmin)
	r := h.gql(tok, `mutation($d: ID!) { createTargetLibrary(input: {code: "CONTENTION", name: "并发测试分库", departmentID: $d}) { id } }`,
		map[string]any{"d": scjg.ID})
	var lib struct{ ID string }
	r.into(t, "createTargetLibrary", &lib)

	var (
		stop     = time.Now().Add(contentionFor)
		wg       sync.WaitGroup
		mu       sync.Mutex
		failures []string
		done     = map[string]*atomic.Int64{"import": {}, "createTarget": {}, "libraryEdit": {}, "publish": {}}
		serial   atomic.Int64
	)
	fail := func(what string, err any) {
		mu.Lock()
		defer mu.Unlock()
		failures = append(failures, fmt.Sprintf("%s: %v", what, err))
	}
	approverTok := h.token("SCJG", viewer.RoleApprover)
	post := func(tok, query string, vars map[string]any) (map[string]json.RawMessage, error) {
		body, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
		req, _ := http.NewRequest(http.MethodPost, h.url+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return nil, err
		}
		defer resp.Body.Close()
		raw, _ := io.ReadAll(resp.Body)
		var out gqlResponse
		if err := json.Unmarshal(raw, &out); err != nil {
			return nil, fmt.Errorf("HTTP %d: %s", resp.StatusCode, raw)
		}
		if len(out.Errors) > 0 {
			return nil, fmt.Errorf("HTTP %d %v: %s", resp.StatusCode, out.codes(), out.Errors[0].Message)
		}
		return out.Data, nil
	}
	run := func(name string, fn func(i int) error) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; time.Now().Before(stop); i++ {
				if err := fn(i); err != nil {
					fail(name, err)
					return
				}
				done[name].Add(1)
			}
		}()
	}

	// Imports of 100 new targets each into MAIN: the write lock, bulk writes, the owner
	// generation row (memberships), the audit trail.
	run("import", func(int) error {
		var csv strings.Builder
		csv.WriteString("市场主体名称,信用代码,主体类型,经营场所,区划代码\n")
		for k := 0; k < 100; k++ {
			n := serial.Add(1)
			fmt.Fprintf(&csv, "宁阳县并发导入%d有限公司,%s,企业,山东省泰安市宁阳县文庙街道%d号,370921\n", n, newUSCC(500000+int(n)), n)
		}
		data := csv.String()
		_, err := library.Import(ctx, c, func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(data)), nil },
			library.ImportOptions{Kind: importer.KindTargets, DepartmentID: scjg.ID, FileName: "contention.csv"})
		return err
	})
	// Target creation with libraryIDs, two clients: the reverse order of the import's locks
	// before the write lock was taken at BEGIN.
	for k := 0; k < 2; k++ {
		run("createTarget", func(int) error {
			n := serial.Add(1)
			_, err := post(tok, `mutation($in: CreateTargetInput!) { createTarget(input: $in) { id } }`, map[string]any{"in": map[string]any{
				"uscc": newUSCC(700000 + int(n)), "name": fmt.Sprintf("宁阳县并发新建%d有限公司", n), "libraryIDs": []string{fmt.Sprint(mainLib), lib.ID}}})
			return err
		})
	}
	// Library edits: members added to and removed from the contention library.
	run("libraryEdit", func(i int) error {
		ids := existing[(i*5)%35 : (i*5)%35+5]
		key := "addTargetIDs"
		if i%2 == 1 {
			key = "removeTargetIDs"
			ids = existing[((i-1)*5)%35 : ((i-1)*5)%35+5]
		}
		_, err := post(tok, `mutation($id: ID!, $in: UpdateTargetLibraryInput!) { updateTargetLibrary(id: $id, input: $in) { id } }`,
			map[string]any{"id": lib.ID, "in": map[string]any{key: ids}})
		return err
	})
	// Publications: the ongoing task's drawn targets, entered, submitted, approved and published
	// one after another (the ledger lock and the change feed).
	wg.Add(1)
	go func() {
		defer wg.Done()
		for k, tg := range o.Targets[1:] {
			var id int
			if k == 0 {
				id = o.PendingID
			} else {
				res, err := results.Save(ctx, c, results.ResultInput{TaskID: o.TaskID, TargetID: tg.ID, DepartmentID: scjg.ID,
					InspectionEndDate: day(2026, 9, 25), Summary: "并发测试：未发现问题", Codes: []string{"NO_PROBLEM"}, MethodCodes: []string{"ON_SITE"},
					Items: []results.ItemInput{{ItemID: item, Checked: true}}})
				if err != nil {
					fail("publish", err)
					return
				}
				if _, err := results.Submit(ctx, c, res.ID); err != nil {
					fail("publish", err)
					return
				}
				id = res.ID
			}
			if _, err := results.Approve(ctx, c, id); err != nil {
				fail("publish", err)
				return
			}
			if _, err := post(approverTok, `mutation($id: ID!) { publishResult(id: $id) { id status } }`, map[string]any{"id": id}); err != nil {
				fail("publish", err)
				return
			}
			done["publish"].Add(1)
		}
	}()
	wg.Wait()
	counts := map[string]int64{}
	for k, v := range done {
		counts[k] = v.Load()
	}
	t.Logf("%s, %s: completed %v", h.db.Dialect, contentionFor, counts)
	for _, f := range failures {
		t.Errorf("%s", f)
	}
	for k, n := range counts {
		if n == 0 {
			t.Errorf("no %s completed", k)
		}
	}
	if counts["publish"] != int64(len(o.Targets)-1) {
		t.Errorf("published %d results, want %d", counts["publish"], len(o.Targets)-1)
	}
	// Every import and every created target is there, once.
	n, err := c.Target.Query().Where(target.NameHasPrefix("宁阳县并发")).Count(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if want := int(100*counts["import"] + counts["createTarget"]); n != want {
		t.Errorf("%d targets stored, want %d", n, want)
	}
}

// TestContention_RaceLoserCode: of clients publishing the same approved result at once, one
// wins and every other gets RESULT_BAD_STATE — on both databases (PostgreSQL's loser once got
// the trigger's RESULT_PUBLISHED_IMMUTABLE).
func TestContention_RaceLoserCode(t *testing.T) {
	t.Parallel()
	h := newDemoHub(t)
	o := h.ongoingTask()
	h.clock.Move(day(2026, 9, 27).Add(10 * time.Hour))
	if _, err := results.Approve(h.sys, h.db.Client, o.PendingID); err != nil {
		t.Fatal(err)
	}
	tok := h.token("SCJG", viewer.RoleApprover)
	const clients = 4
	codes := make([][]string, clients)
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			body, _ := json.Marshal(map[string]any{"query": `mutation($id: ID!) { publishResult(id: $id) { id } }`,
				"variables": map[string]any{"id": o.PendingID}})
			req, _ := http.NewRequest(http.MethodPost, h.url+"/graphql", bytes.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("Authorization", "Bearer "+tok)
			<-start
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				codes[i] = []string{err.Error()}
				return
			}
			defer resp.Body.Close()
			var out gqlResponse
			_ = json.NewDecoder(resp.Body).Decode(&out)
			codes[i] = out.codes()
		}()
	}
	close(start)
	wg.Wait()
	won := 0
	for i, c := range codes {
		switch {
		case len(c) == 0:
			won++
		case len(c) != 1 || c[0] != results.CodeBadState:
			t.Errorf("client %d: %v, want %s", i, c, results.CodeBadState)
		}
	}
	if won != 1 {
		t.Errorf("%d clients published, want 1 (%v)", won, codes)
	}
}
