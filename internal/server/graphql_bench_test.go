package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/uscc"
)

// BenchmarkTargetsPage is query Q4 of bench/graphql (issue 22) in process: one page of 1,000
// targets with five fields, read with a department token, field checks on; plain with the
// plain-field fast path (tools/gqlseq), generic without it. Run with -benchmem: allocs/op ÷
// 1,000 is the allocations per row that bench/README.md reports.
//
//	go test -run '^$' -bench BenchmarkTargetsPage -benchmem -benchtime 200x ./internal/server
func BenchmarkTargetsPage(b *testing.B) {
	h := newTestHub(b)
	ctx := testutil.System()
	err := txn.Run(ctx, h.db.Client, func(tx *ent.Tx) error {
		lib, err := tx.TargetLibrary.Create().SetCode("SCJG-ALL").SetName("市场主体").SetDepartmentID(h.scjg.ID).Save(ctx)
		if err != nil {
			return err
		}
		creates := make([]*ent.TargetCreate, 1000)
		for i := range creates {
			first := fmt.Sprintf("91370921MA%07d", i)
			creates[i] = tx.Target.Create().SetName(fmt.Sprintf("宁阳县第%d商贸有限公司", i)).
				SetUscc(first + string(uscc.CheckChar(first))).SetIndustryCode("F5211").AddLibraryIDs(lib.ID)
		}
		return tx.Target.CreateBulk(creates...).Exec(ctx)
	})
	if err != nil {
		b.Fatal(err)
	}
	body := gqlBody(`{ targets(first: 1000) { edges { node { uscc name status creditRiskClass industryCode } } } }`, nil)
	generic := server.DefaultOptions
	generic.GenericFields = true
	// plain: the plain-field fast path (tools/gqlseq); generic: every field through gqlgen's
	// field machinery and the sharing interceptor, as before it.
	for _, mode := range []struct {
		name string
		srv  http.Handler
	}{{"plain", h.server}, {"generic", server.NewWithOptions(h.db.WithLogger(testutil.Logger()), generic)}} {
		b.Run(mode.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				req.Header.Set("Authorization", "Bearer "+h.wjToken)
				rec := httptest.NewRecorder()
				mode.srv.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK || bytes.Contains(rec.Body.Bytes(), []byte(`"errors"`)) || bytes.Count(rec.Body.Bytes(), []byte(`"uscc"`)) != 1000 {
					b.Fatalf("%d %.300s", rec.Code, rec.Body.Bytes())
				}
			}
		})
	}
}
