package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

// fuzzQueries take their arguments from variables: the fuzzer writes the variables.
var fuzzQueries = []string{
	`query($w: TargetWhereInput, $n: Int, $a: Cursor, $o: TargetOrder) { targets(where: $w, first: $n, after: $a, orderBy: $o) { totalCount edges { cursor node { uscc name } } } }`,
	`query($f: AggregateFilter, $g: [AggregateDimension!]!) { resultAggregate(groupBy: $g, filter: $f) { total groups { keys count } } }`,
	`query($id: ID!) { node(id: $id) { id } }`,
	`query($u: String!) { target(uscc: $u) { name } }`,
	`query($a: String, $n: Int) { changes(after: $a, first: $n) { endCursor hasNextPage } }`,
	`query($w: InspectorWhereInput) { inspectors(where: $w) { totalCount } }`,
	`mutation($in: CreateTargetInput!) { createTarget(input: $in) { id } }`,
}

// FuzzGraphQLVariables sends arbitrary variables through the whole handler (gate, limits,
// coercion, resolvers, database): the answer is JSON, never a 5xx and never INTERNAL.
func FuzzGraphQLVariables(f *testing.F) {
	h := newTestHub(f)
	for i, v := range []string{
		`{"w": {"nameContains": "食品", "creditRiskClass": "D"}, "n": 5}`,
		`{"a": "gaJpZAE", "n": -1, "o": {"field": "NAME", "direction": "DESC"}}`,
		`{"g": ["MONTH", "DEPARTMENT"], "f": {"from": "2026-01-01T00:00:00+08:00", "to": "2026-01-01"}}`,
		`{"id": "21474836481"}`, `{"id": ""}`,
		`{"u": "91350200776049653A"}`,
		`{"a": "41", "n": 100000}`,
		`{"w": {"or": [{"nameHasPrefix": "张"}, {"not": {"hasDepartmentWith": [{"code": "SCJG"}]}}]}}`,
		`{"in": {"uscc": "91350200776049653A", "name": "某公司", "creditRiskClass": "E"}}`,
	} {
		f.Add(uint8(i%len(fuzzQueries)), []byte(v))
	}
	f.Fuzz(func(t *testing.T, which uint8, vars []byte) {
		var v map[string]any
		if json.Unmarshal(vars, &v) != nil {
			return // the gate's JSON checks are the hostile suite's; here the variables decode
		}
		body, _ := json.Marshal(map[string]any{"query": fuzzQueries[int(which)%len(fuzzQueries)], "variables": json.RawMessage(vars)})
		req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+h.scjgToken)
		rec := httptest.NewRecorder()
		h.server.ServeHTTP(rec, req)
		var resp struct {
			Errors []struct {
				Message    string
				Extensions map[string]any
			}
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("not JSON (%d): %.300s", rec.Code, rec.Body.Bytes())
		}
		if rec.Code >= 500 {
			t.Fatalf("status %d: %.300s", rec.Code, rec.Body.Bytes())
		}
		for _, e := range resp.Errors {
			if c, _ := e.Extensions["code"].(string); c == "" || c == "INTERNAL" {
				t.Fatalf("variables %s: error %q with code %q", vars, e.Message, c)
			}
		}
	})
}
