package server_test

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// BenchmarkRefusals measures, in process, how long the hub takes to refuse each request bomb of
// issue 19 (target: under 10 ms each). bench/README.md records the figures:
//
//	go test -run '^$' -bench BenchmarkRefusals -benchtime 20x ./internal/server
func BenchmarkRefusals(b *testing.B) {
	h := newTestHub(b)
	aliases := func(n int, field string) string {
		var s strings.Builder
		s.WriteString("{ ")
		for i := range n {
			fmt.Fprintf(&s, "a%d: %s ", i, field)
		}
		return s.String() + "}"
	}
	for _, c := range []struct {
		name  string
		token string
		body  []byte
	}{
		{"kind×4000_19KB", "", gqlBody("{ viewer { "+strings.Repeat("kind ", 4000)+"} }", nil)},
		{"kind×20000_100KB", "", gqlBody("{ viewer { "+strings.Repeat("kind ", 20000)+"} }", nil)},
		{"kind×500", "", gqlBody("{ viewer { "+strings.Repeat("kind ", 500)+"} }", nil)},
		{"aliases×1000", "", gqlBody(aliases(1000, "viewer { kind }"), nil)},
		{"aliases×50_taskResultStatus", h.officeTok, gqlBody(aliases(50, `taskResultStatus(taskID: "1") { targetName status }`), nil)},
		{"directives×5000", "", gqlBody("{ viewer { kind "+strings.Repeat("@include(if: true) ", 5000)+"} }", nil)},
		{"login×5", "", gqlBody("mutation "+aliases(5, `login(username: "u", password: "p") { token }`), nil)},
		{"batch×100", "", []byte("[" + strings.TrimSuffix(strings.Repeat(`{"query":"{ viewer { kind } }"},`, 100), ",") + "]")},
		{"variable_depth_5000", "", []byte(`{"query":"query($v: String) { viewer { kind } }","variables":{"v":` + strings.Repeat("[", 5000) + strings.Repeat("]", 5000) + `}}`)},
		{"body_2MiB", "", gqlBody("{ viewer { kind } }", map[string]any{"pad": strings.Repeat("x", 2<<20)})},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				req := httptest.NewRequest(http.MethodPost, "/graphql", bytes.NewReader(c.body))
				req.Header.Set("Content-Type", "application/json")
				if c.token != "" {
					req.Header.Set("Authorization", "Bearer "+c.token)
				}
				rec := httptest.NewRecorder()
				h.server.ServeHTTP(rec, req)
				if !bytes.Contains(rec.Body.Bytes(), []byte(`"code"`)) || bytes.Contains(rec.Body.Bytes(), []byte("INTERNAL")) {
					b.Fatalf("%d %.200s", rec.Code, rec.Body.Bytes())
				}
			}
		})
	}
}
