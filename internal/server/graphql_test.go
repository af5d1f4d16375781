package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/target"
	"github.com/ssgk/ssgk/internal/testutil"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/uscc"
)

// validUSCC builds a valid unified social credit code for county 370921 from a serial number.
func validUSCC(n int) string {
	cs := uscc.Charset()
	body := []byte("91370921")
	for i, v := 0, n; i < 9; i++ {
		body = append(body, cs[v%len(cs)])
		v /= len(cs)
	}
	return string(body) + string(uscc.CheckChar(string(body)))
}

func TestGraphQL_Scenarios(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	good := validUSCC(1)
	createTarget := `mutation($in: CreateTargetInput!) { createTarget(input: $in) { id uscc name status creditRiskClass } }`

	cases := []struct {
		name     string
		token    string
		query    string
		vars     map[string]any
		wantCode string // "" means success
		check    func(t *testing.T, r *gqlResponse)
	}{
		{name: "anonymous is a viewer", query: `{ viewer { kind roles department { code } } }`,
			check: func(t *testing.T, r *gqlResponse) {
				if !strings.Contains(string(r.Data["viewer"]), `"kind":"ANONYMOUS"`) {
					t.Fatalf("viewer = %s", r.Data["viewer"])
				}
			}},
		{name: "token viewer has department and roles", token: h.wjToken, query: `{ viewer { kind roles department { code } } }`,
			check: func(t *testing.T, r *gqlResponse) {
				s := string(r.Data["viewer"])
				if !strings.Contains(s, `"TOKEN"`) || !strings.Contains(s, `"WJ"`) || !strings.Contains(s, `"DEPT_ADMIN"`) {
					t.Fatalf("viewer = %s", s)
				}
			}},
		{name: "anonymous cannot list departments", query: `{ departments { totalCount } }`, wantCode: "UNAUTHENTICATED"},
		{name: "departments with totalCount and order", token: h.wjToken,
			query: `{ departments(orderBy: {field: CODE, direction: DESC}) { totalCount edges { node { code name } } } }`,
			check: func(t *testing.T, r *gqlResponse) {
				var c struct {
					TotalCount int
					Edges      []struct{ Node struct{ Code string } }
				}
				_ = json.Unmarshal(r.Data["departments"], &c)
				if c.TotalCount != 2 || c.Edges[0].Node.Code != "WJ" {
					t.Fatalf("departments = %s", r.Data["departments"])
				}
			}},
		{name: "create target", token: h.scjgToken, query: createTarget,
			vars: map[string]any{"in": map[string]any{"uscc": good, "name": "宁阳县示例食品有限公司", "creditRiskClass": "C"}},
			check: func(t *testing.T, r *gqlResponse) {
				if !strings.Contains(string(r.Data["createTarget"]), `"creditRiskClass":"C"`) {
					t.Fatalf("createTarget = %s", r.Data["createTarget"])
				}
			}},
		{name: "invalid USCC check digit", token: h.scjgToken, query: createTarget,
			vars: map[string]any{"in": map[string]any{"uscc": good[:17] + wrongCheck(good[17]), "name": "校验位错误公司"}}, wantCode: "INVALID_USCC"},
		{name: "duplicate USCC", token: h.scjgToken, query: createTarget,
			vars: map[string]any{"in": map[string]any{"uscc": good, "name": "重复公司"}}, wantCode: "CONFLICT"},
		{name: "lookup by USCC", token: h.wjToken, query: `query($u: String!) { target(uscc: $u) { name } }`, vars: map[string]any{"u": good},
			check: func(t *testing.T, r *gqlResponse) {
				if !strings.Contains(string(r.Data["target"]), "宁阳县示例食品有限公司") {
					t.Fatalf("target = %s", r.Data["target"])
				}
			}},
		{name: "lookup by malformed USCC", token: h.wjToken, query: `{ target(uscc: "123") { name } }`, wantCode: "INVALID_USCC"},
		{name: "unknown task number is null", token: h.wjToken, query: `{ task(number: "37092120269999") { name } }`,
			check: func(t *testing.T, r *gqlResponse) {
				if string(r.Data["task"]) != "null" {
					t.Fatalf("task = %s", r.Data["task"])
				}
			}},
		{name: "dangling reference", token: h.officeTok,
			query:    `mutation($in: CreateConflictInput!) { createConflict(input: $in) { id } }`,
			vars:     map[string]any{"in": map[string]any{"relation": "FAMILY", "reason": "近亲属", "declaredAt": "2026-03-01T00:00:00Z", "inspectorID": "999999", "targetID": "888888"}},
			wantCode: "NOT_FOUND"},
		{name: "invalid ID number", token: h.scjgToken,
			query:    fmt.Sprintf(`mutation { createInspector(input: {name: "张三", idNumber: "340524198001010011", departmentID: "%d"}) { id } }`, h.scjg.ID),
			wantCode: "INVALID_ID_NUMBER"},
		{name: "another department's inspector is refused", token: h.wjToken,
			query:    fmt.Sprintf(`mutation { createInspector(input: {name: "李四", departmentID: "%d"}) { id } }`, h.scjg.ID),
			wantCode: "FORBIDDEN"},
		{name: "only the office creates departments", token: h.wjToken,
			query: `mutation { createDepartment(input: {code: "NEW", name: "新部门"}) { id } }`, wantCode: "FORBIDDEN"},
		{name: "malformed GraphQL", token: h.wjToken, query: `{ departments { `, wantCode: "GRAPHQL_PARSE_FAILED"},
		{name: "unknown field", token: h.wjToken, query: `{ departments { nope } }`, wantCode: "GRAPHQL_VALIDATION_FAILED"},
		{name: "page size cap", token: h.wjToken, query: `{ targets(first: 5000) { totalCount } }`, wantCode: "PAGE_SIZE_EXCEEDED"},
		{name: "complexity limit", token: h.wjToken,
			query:    `{ targetLibraries(first: 1000) { edges { node { targets(first: 1000) { edges { node { libraries(first: 1000) { edges { node { code } } } } } } } } } }`,
			wantCode: "QUERY_TOO_COMPLEX"},
		{name: "depth limit", token: h.wjToken, query: `{ departments { edges { node { inspectors { edges { node { department { inspectors { edges { node { department { inspectors { edges { node { name } } } } } } } } } } } } } } }`,
			wantCode: "QUERY_TOO_COMPLEX"},
		{name: "bad credential", token: "ssgk_nope_nope", query: `{ viewer { kind } }`, wantCode: "UNAUTHENTICATED",
			check: func(t *testing.T, r *gqlResponse) {
				if r.Status != http.StatusUnauthorized {
					t.Fatalf("status = %d", r.Status)
				}
			}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := h.do(t, tc.token, tc.query, tc.vars)
			if r.Status >= 500 {
				t.Fatalf("server error %d", r.Status)
			}
			if got := r.code(); got != tc.wantCode {
				t.Fatalf("code = %q, want %q; errors = %+v", got, tc.wantCode, r.Errors)
			}
			if tc.wantCode != "" && len(r.Errors) > 0 && !hasChinese(r.Errors[0].Message) {
				t.Fatalf("error message is not Chinese: %q", r.Errors[0].Message)
			}
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
	// Bad input changed nothing: only the one good target exists.
	if n := h.db.Client.Target.Query().CountX(context.Background()); n != 1 {
		t.Fatalf("targets = %d, want 1", n)
	}
	if n := h.db.Client.Inspector.Query().CountX(context.Background()); n != 0 {
		t.Fatalf("inspectors = %d, want 0", n)
	}
}

func wrongCheck(c byte) string {
	if c == '0' {
		return "1"
	}
	return "0"
}

func hasChinese(s string) bool {
	for _, r := range s {
		if r >= 0x4e00 && r <= 0x9fff {
			return true
		}
	}
	return false
}

func TestGraphQL_LoginAndLockout(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	ctx := testutil.System()
	if _, err := h.auth.CreateAccount(ctx, "zhangsan", "张三", "correct-horse", "WJ", []string{"INSPECTOR"}); err != nil {
		t.Fatal(err)
	}
	login := `mutation($u: String!, $p: String!) { login(username: $u, password: $p) { token account { username } } }`
	r := h.do(t, "", login, map[string]any{"u": "zhangsan", "p": "correct-horse"})
	if r.code() != "" {
		t.Fatalf("login: %+v", r.Errors)
	}
	var lp struct{ Token string }
	_ = json.Unmarshal(r.Data["login"], &lp)
	if v := h.do(t, lp.Token, `{ viewer { kind name department { code } } }`, nil); !strings.Contains(string(v.Data["viewer"]), `"ACCOUNT"`) ||
		!strings.Contains(string(v.Data["viewer"]), `"WJ"`) {
		t.Fatalf("session viewer = %s", v.Data["viewer"])
	}
	codes := []string{}
	for i := 0; i < 5; i++ {
		codes = append(codes, h.do(t, "", login, map[string]any{"u": "zhangsan", "p": "wrong"}).code())
	}
	if strings.Join(codes, ",") != "UNAUTHENTICATED,UNAUTHENTICATED,UNAUTHENTICATED,UNAUTHENTICATED,UNAUTHENTICATED" {
		t.Fatalf("codes = %v", codes)
	}
	// Locked: even the right password is refused, with the same answer as a wrong one; the
	// session opened before the lock goes on working (a stranger cannot log a user out).
	locked := h.do(t, "", login, map[string]any{"u": "zhangsan", "p": "correct-horse"})
	if locked.code() != "UNAUTHENTICATED" {
		t.Fatalf("locked login code = %q", locked.code())
	}
	if r := h.do(t, lp.Token, `{ viewer { kind } }`, nil); r.Status != http.StatusOK || r.code() != "" {
		t.Fatalf("session of a locked account refused: %d %+v", r.Status, r.Errors)
	}
	// Unknown user gets the same answer as a wrong password and a locked account.
	unknown := h.do(t, "", login, map[string]any{"u": "nobody", "p": "x"})
	if unknown.code() != "UNAUTHENTICATED" || unknown.Errors[0].Message != locked.Errors[0].Message {
		t.Fatalf("unknown user: %+v; locked: %+v", unknown.Errors, locked.Errors)
	}
}

func TestGraphQL_RevokedTokenRefused(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	prefix := strings.SplitN(strings.TrimPrefix(h.wjToken, "ssgk_"), "_", 2)[0]
	if err := h.auth.RevokeToken(testutil.System(), prefix); err != nil {
		t.Fatal(err)
	}
	if r := h.do(t, h.wjToken, `{ viewer { kind } }`, nil); r.Status != http.StatusUnauthorized || r.code() != "UNAUTHENTICATED" {
		t.Fatalf("revoked token: %d %+v", r.Status, r.Errors)
	}
}

// TestGraphQL_NoNPlusOne counts SQL statements of a 3-level query (targets → libraries →
// department) and checks the count does not grow with the number of targets.
func TestGraphQL_NoNPlusOne(t *testing.T) {
	t.Parallel()
	h := newTestHub(t)
	ctx := testutil.System()
	err := txn.Run(ctx, h.db.Client, func(tx *ent.Tx) error {
		lib1, err := tx.TargetLibrary.Create().SetCode("MAIN").SetName("市场主体库").SetDepartmentID(h.scjg.ID).Save(ctx)
		if err != nil {
			return err
		}
		lib2, err := tx.TargetLibrary.Create().SetCode("FOOD").SetName("食品经营者库").SetDepartmentID(h.wj.ID).Save(ctx)
		if err != nil {
			return err
		}
		bulk := make([]*ent.TargetCreate, 100)
		for i := range bulk {
			bulk[i] = tx.Target.Create().SetUscc(validUSCC(1000 + i)).SetName(fmt.Sprintf("宁阳县第%d号商贸有限公司", i))
		}
		ts, err := tx.Target.CreateBulk(bulk...).Save(ctx)
		if err != nil {
			return err
		}
		if err := tx.TargetLibrary.UpdateOne(lib1).AddTargets(ts...).Exec(ctx); err != nil {
			return err
		}
		return tx.TargetLibrary.UpdateOne(lib2).AddTargets(ts[:50]...).Exec(ctx)
	})
	if err != nil {
		t.Fatal(err)
	}
	query := `query Three($n: Int!) { targets(first: $n, orderBy: {field: USCC}) { totalCount edges { node { uscc name
		libraries(first: 5) { totalCount edges { node { code department { code name } } } } } } } }`
	count := func(n int) int64 {
		h.do(t, h.wjToken, query, map[string]any{"n": n}) // warm the query cache
		before := h.statements.Load()
		r := h.do(t, h.wjToken, query, map[string]any{"n": n})
		if r.code() != "" {
			t.Fatalf("query failed: %+v", r.Errors)
		}
		var c struct {
			Edges []struct {
				Node struct {
					Libraries struct {
						TotalCount int
						Edges      []struct {
							Node struct{ Department struct{ Code string } }
						}
					}
				}
			}
		}
		_ = json.Unmarshal(r.Data["targets"], &c)
		if len(c.Edges) != n || c.Edges[0].Node.Libraries.TotalCount != 2 || c.Edges[0].Node.Libraries.Edges[0].Node.Department.Code == "" {
			t.Fatalf("unexpected data: %s", r.Data["targets"])
		}
		return h.statements.Load() - before
	}
	// The viewer cache (PostgreSQL) starts to LISTEN at the first credential: count once it is
	// in use, so that both counts leave the credential's statement out alike.
	if h.auth.CacheStats(); h.db.Dialect == "postgres" {
		waitFor(t, "the viewer cache", func() bool { return h.auth.CacheStats().On })
	}
	small, large := count(10), count(100)
	t.Logf("SQL statements for a 3-level query: %d over 10 targets, %d over 100 targets", small, large)
	if large != small {
		t.Fatalf("statement count grows with rows: %d for 10, %d for 100", small, large)
	}
	if large > 8 {
		t.Fatalf("%d statements for a 3-level query; want at most 8", large)
	}
	_ = target.FieldUscc
}
