package server

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/testserver"
	"github.com/99designs/gqlgen/graphql/handler/transport"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
)

// writeResponse writes the bytes encoding/json writes for the same response.
func TestWriteResponseAsEncodingJSON(t *testing.T) {
	yes := true
	for _, resp := range []*graphql.Response{
		nil,
		{},
		{Data: json.RawMessage(`{"targets":{"edges":[{"node":{"name":"宁阳县\"甲\"商贸\\有限公司","uscc":"91370921MA0000000K"}}]}}`)},
		{Data: json.RawMessage(`{"summary":"<script>alert(1)</script> & more","sep":"a` + "\u2028" + `b` + "\u2029" + `c"}`)},
		{Data: json.RawMessage(`{"name":"A&B <公司>"}`)},
		{Data: json.RawMessage(`{"name":"A` + "\u2028" + `B"}`)},
		{Data: json.RawMessage(`null`)},
		{Errors: gqlerror.List{{Message: "无权查看 <contactPhone> & 更多", Path: ast.Path{ast.PathName("targets"), ast.PathIndex(3)},
			Extensions: map[string]any{"code": "FORBIDDEN_FIELD", "count": 3}}}, Data: json.RawMessage(`{"targets":null}`)},
		{Data: json.RawMessage(`{"a":1}`), Label: "l<1>", Path: ast.Path{ast.PathName("x")}, HasNext: &yes, Extensions: map[string]any{"requestId": "r-1"}},
	} {
		want, err := json.Marshal(resp)
		if resp == nil {
			want, err = json.Marshal(&graphql.Response{})
		}
		if err != nil {
			t.Fatal(err)
		}
		var got bytes.Buffer
		writeResponse(&got, resp)
		if !bytes.Equal(got.Bytes(), want) {
			t.Errorf("writeResponse:\n got %s\nwant %s", got.Bytes(), want)
		}
	}
}

// postJSON answers every kind of request — good, unreadable, unparsable, invalid, with each
// Accept header — with the status, content type and body transport.POST gives.
func TestPostJSONAsTransportPOST(t *testing.T) {
	theirs, ours := testserver.New(), testserver.New()
	theirs.AddTransport(transport.POST{})
	ours.AddTransport(postJSON{})
	for _, c := range []struct{ body, accept string }{
		{`{"query":"{ name }"}`, ""},
		{`{"query":"{ name }"}`, "application/graphql-response+json"},
		{`{"query":"{ name }"}`, "text/html, */*"},
		{`{"query":"{ name }"}`, "text/html"},
		{`{"query":"query($id: Int!) { find(id: $id) }","variables":{"id":1}}`, ""},
		{`{"query":"{ nme }"}`, ""},
		{`{"query":"{ nme }"}`, "application/graphql-response+json"},
		{`{"query":"{ name "}`, ""},
		{`{"query":"{ name "}`, "application/graphql-response+json"},
		{`{"query":`, ""},
		{`not json at all <b>`, ""},
		{`{"query":"query A { name } query B { name }","operationName":"C"}`, ""},
	} {
		do := func(h http.Handler) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(c.body))
			req.Header.Set("Content-Type", "application/json")
			if c.accept != "" {
				req.Header.Set("Accept", c.accept)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			return rec
		}
		want, got := do(theirs), do(ours)
		if got.Code != want.Code || got.Header().Get("Content-Type") != want.Header().Get("Content-Type") || !bytes.Equal(got.Body.Bytes(), want.Body.Bytes()) {
			t.Errorf("%s (Accept %q):\n got %d %s %s\nwant %d %s %s", c.body, c.accept,
				got.Code, got.Header().Get("Content-Type"), got.Body.Bytes(), want.Code, want.Header().Get("Content-Type"), want.Body.Bytes())
		}
	}
}
