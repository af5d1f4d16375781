package server_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/testutil"
)

// TestIdempotencyKey: a mutation retried with the same Idempotency-Key gets the first
// response (the same created target, not CONFLICT) and changes nothing more; the same key with
// another request is refused; without a key the retry is a duplicate (CONFLICT).
func TestIdempotencyKey(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	createTarget := `mutation($in: CreateTargetInput!) { createTarget(input: $in) { id uscc } }`
	send := func(key string, uscc string) *gqlResponse {
		body, _ := json.Marshal(map[string]any{"query": createTarget, "variables": map[string]any{
			"in": map[string]any{"uscc": uscc, "name": "宁阳县幂等测试有限公司"}}})
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+h.scjgToken)
		if key != "" {
			req.Header.Set(server.IdempotencyKeyHeader, key)
		}
		return h.send(t, req)
	}
	first := send("7d1c2a50-create-1", validUSCC(41))
	if first.code() != "" {
		t.Fatalf("first: %+v", first.Errors)
	}
	retry := send("7d1c2a50-create-1", validUSCC(41))
	if retry.code() != "" || string(retry.Data["createTarget"]) != string(first.Data["createTarget"]) {
		t.Fatalf("retry: %s %+v; want the first response %s", retry.Data["createTarget"], retry.Errors, first.Data["createTarget"])
	}
	n, err := h.db.Client.Target.Query().Count(testutil.System())
	if err != nil || n != 1 {
		t.Fatalf("%d targets after a retried create (%v), want 1", n, err)
	}
	if r := send("7d1c2a50-create-1", validUSCC(42)); r.code() != server.IdempotencyKeyReused {
		t.Fatalf("same key, another request: %s %+v", r.code(), r.Errors)
	}
	if r := send("", validUSCC(41)); r.code() != "CONFLICT" {
		t.Fatalf("a retry without a key: %s, want CONFLICT", r.code())
	}
	// Another caller's same key is its own.
	body, _ := json.Marshal(map[string]any{"query": createTarget, "variables": map[string]any{
		"in": map[string]any{"uscc": validUSCC(43), "name": "宁阳县幂等测试二有限公司"}}})
	req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+h.wjToken)
	req.Header.Set(server.IdempotencyKeyHeader, "7d1c2a50-create-1")
	if r := h.send(t, req); r.code() != "" {
		t.Fatalf("another caller's key: %s %+v", r.code(), r.Errors)
	}
}

// TestIdempotencyKey_CommitAnswerLost: when the connection breaks after the database committed
// a mutation (the answer lost on the way back), the caller is told the outcome is unknown
// (UNAVAILABLE with extensions.outcome UNKNOWN, not "nothing was saved"), and its retry with the
// same key returns the committed answer without writing twice.
func TestIdempotencyKey_CommitAnswerLost(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	createTarget := `mutation($in: CreateTargetInput!) { createTarget(input: $in) { id uscc } }`
	send := func(key string) *gqlResponse {
		body, _ := json.Marshal(map[string]any{"query": createTarget, "variables": map[string]any{
			"in": map[string]any{"uscc": validUSCC(44), "name": "宁阳县提交中断测试有限公司"}}})
		req, _ := http.NewRequest(http.MethodPost, h.srv.URL+"/graphql", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+h.scjgToken)
		req.Header.Set(server.IdempotencyKeyHeader, key)
		return h.send(t, req)
	}
	h.loseCommit.Store(true)
	lost := send("commit-lost-1")
	if lost.code() != "UNAVAILABLE" || lost.Errors[0].Extensions["outcome"] != "UNKNOWN" {
		t.Fatalf("lost commit answer: %d %+v; want UNAVAILABLE with outcome UNKNOWN", lost.Status, lost.Errors)
	}
	if strings.Contains(lost.Errors[0].Message, "未保存") {
		t.Fatalf("the message claims nothing was saved: %s", lost.Errors[0].Message)
	}
	retry := send("commit-lost-1")
	if retry.code() != "" || !strings.Contains(string(retry.Data["createTarget"]), validUSCC(44)) {
		t.Fatalf("retry: %s %+v; want the committed target", retry.Data["createTarget"], retry.Errors)
	}
	if n, err := h.db.Client.Target.Query().Count(testutil.System()); err != nil || n != 1 {
		t.Fatalf("%d targets after the retry (%v), want 1", n, err)
	}
}
