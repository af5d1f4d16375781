package portal_test

import (
	"context"
	"crypto/ed25519"
	"encoding/csv"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/ssgk/ssgk/ent"
	"github.com/ssgk/ssgk/ent/publication"
	"github.com/ssgk/ssgk/internal/ledger"
	"github.com/ssgk/ssgk/internal/publish"
	"github.com/ssgk/ssgk/internal/server"
	"github.com/ssgk/ssgk/internal/txn"
	"github.com/ssgk/ssgk/internal/viewer"
)

type response struct {
	status int
	header http.Header
	body   string
}

func (h *hub) get(t *testing.T, path string, hdr ...string) response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, h.url+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return response{resp.StatusCode, resp.Header, string(b)}
}

var tags = regexp.MustCompile(`(?s)<style.*?</style>|<[^>]*>`)

// visible is the text of a page as a visitor reads it: without markup and attributes.
func visible(body string) string { return tags.ReplaceAllString(body, " ") }

func contains(t *testing.T, what, body string, want ...string) {
	t.Helper()
	for _, w := range want {
		if !strings.Contains(body, w) {
			t.Errorf("%s: missing %q", what, w)
		}
	}
}

// secrets are values the portal must never show: inspectors' ID numbers and phones, targets'
// phones, contacts and addresses.
func (h *hub) secrets(t *testing.T) []string {
	ctx := viewer.NewContext(context.Background(), viewer.NewSystem("portal test"))
	var out []string
	for _, in := range h.client.Inspector.Query().AllX(ctx) {
		out = append(out, in.IDNumber, in.Phone)
	}
	for _, tg := range h.client.Target.Query().AllX(ctx) {
		out = append(out, tg.LegalRepPhone, tg.ContactPhone, tg.Address)
	}
	var keep []string
	for _, s := range out {
		if len(s) >= 6 {
			keep = append(keep, s)
		}
	}
	if len(keep) < 100 {
		t.Fatalf("only %d secrets to look for", len(keep))
	}
	return keep
}

func TestPortal_PublishedRecord(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	uscc := *h.problem.Uscc
	pages := map[string]string{}
	page := func(path string, status int, want ...string) string {
		t.Helper()
		r := h.get(t, path)
		if r.status != status {
			t.Fatalf("GET %s: %d, want %d\n%s", path, r.status, status, r.body)
		}
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/html; charset=utf-8") {
			t.Errorf("GET %s: Content-Type %q", path, ct)
		}
		contains(t, path, r.body, want...)
		pages[path] = r.body
		return r.body
	}

	home := page("/", 200, "双随机、一公开 公示平台", `action="/results"`, "最新公示", "更正：", "抽取揭示", `href="/lists"`, `href="/verify"`)
	_ = home
	lists := page("/lists", 200, "宁阳县市场监督管理局", "现行", "第 1 版")
	i := strings.Index(lists, `href="/lists/`)
	if i < 0 {
		t.Fatal("no link to a list version")
	}
	link := lists[i+len(`href="`):]
	link = link[:strings.Index(link, `"`)]
	page(link, 200, "抽查依据", "抽查比例", "抽查频次")
	page("/plans", 200, h.planNumber, "2026年度部门联合双随机抽查计划", "第三季度联合抽查", "全县统一计划")
	page("/tasks", 200, h.taskNumber, "企业公示信息的检查", "公共场所卫生监督检查", "4 户", "部门联合抽查")
	task := page("/tasks/"+h.taskNumber, 200, h.commitmentDigest, h.entropy, "/draws/", "/bundle.json",
		"ssgk draw verify 核验包.json --commitment "+h.commitmentDigest, "抽中的检查对象（4 户）")
	for _, tg := range h.targets {
		contains(t, "task page", task, tg.Name)
	}

	// Search by USCC: both results of the enterprise, the correction next to the original.
	res := page("/results?q="+uscc, 200, h.problem.Name, "企业公示信息的检查", "公共场所卫生监督检查",
		"未按规定公示应当公示的信息", "未发现问题", "年度报告未公示", "更正（第 2 版）", "企业提交了已按时公示的证明，原结论有误",
		"/ledger/leaves/", "/ledger/proof/inclusion?index=", "宁阳县市场监督管理局", "2026年度部门联合双随机抽查计划", h.taskNumber,
		"不定向抽查（部门联合抽查）", "2026-09-25", "共 2 条检查结果")
	// By a fragment of the name.
	frag := []rune(h.problem.Name)
	page("/results?q="+url.QueryEscape(string(frag[len(frag)-6:])), 200, h.problem.Name)
	// Filters: department, item, dates.
	page("/results?department=WJ", 200, "共 4 条检查结果", "宁阳县卫生健康局")
	if r := page("/results?department=WJ", 200); strings.Contains(r, "企业公示信息的检查 <span") {
		t.Error("department filter shows SCJG results")
	}
	page("/results?item="+url.QueryEscape(h.itemS.Code), 200, "共 4 条检查结果")
	page("/results?from=2026-10-20&to=2026-10-20", 200, "共 8 条检查结果")
	page("/results?from=2026-10-21", 200, "共 0 条检查结果", "没有符合条件")
	page("/results?task="+h.taskNumber, 200, "共 8 条检查结果")

	// The enterprise's history: the correction beside what it corrects, both with their times.
	ent := page("/enterprises/"+uscc, 200, h.problem.Name, uscc, "原公示", "更正", "2026-10-20 10:00", "2026-11-05 10:00",
		"企业提交了已按时公示的证明，原结论有误", "未按规定公示应当公示的信息")
	if a, b := strings.Index(ent, "原公示"), strings.Index(ent, "更正（第 2 版）"); a < 0 || b < a {
		t.Error("the correction is not shown after the original")
	}
	page("/verify", 200, "ssgk draw verify 核验包.json --commitment 承诺摘要", "ssgk ledger verify", "/ledger/checkpoint", "一致性证明")
	page("/open", 200, "/open/results.csv", "publication_id", `href="/open/dictionary"`)

	// An enterprise with nothing published: a page that says so and what it means, not a 404.
	none := page("/enterprises/91350200776049653A", 200, "暂无公示的抽查检查结果", "91350200776049653A", "不表示", "20 个工作日")
	if strings.Contains(visible(none), "NOT_FOUND") || strings.Contains(none, "未找到") {
		t.Error("the enterprise without results is shown as an error")
	}

	// Errors: Chinese pages; the code only in a data attribute (for monitoring), never shown.
	for _, c := range []struct {
		path, code string
		status     int
		want       string
	}{
		{"/enterprises/91350200776049653B", "INVALID_USCC", 400, "统一社会信用代码"},
		{"/no/such/page", "NOT_FOUND", 404, "没有找到这个页面"},
		{"/results?from=2026-13-01", "BAD_DATE", 400, "起始日期"},
		{"/results?department=NOPE", "BAD_DEPARTMENT", 400, "没有编码为"},
		{"/tasks/99999999999999", "NOT_FOUND", 404, "没有编号为"},
		{"/lists/abc", "BAD_ID", 400, "清单版本编号"},
	} {
		body := page(c.path, c.status, c.want, `data-code="`+c.code+`"`)
		if v := visible(body); strings.Contains(v, c.code) || strings.Contains(v, "HTTP") {
			t.Errorf("%s shows a raw code to the visitor:\n%s", c.path, v)
		}
	}

	// Site identity (demo values): the county in the header, sponsor, site code, ICP number and
	// contact in the footer of every page.
	for _, path := range []string{"/", "/tasks/" + h.taskNumber, "/no/such/page"} {
		r := h.get(t, path)
		contains(t, path, r.body, `id="site-county">宁阳县`, "主办单位：宁阳县市场监督管理局", "网站标识码：3709210000", "鲁ICP备", "联系我们：")
	}
	// The glossary, linked where its words appear.
	page("/glossary", 200, `id="stratum"`, `id="exclusion"`, `id="commitment"`, `id="seed"`, "信用风险")
	contains(t, "task page", task, `href="/glossary#stratum">层`, `href="/glossary#exclusion">排除`, `href="/glossary#commitment">承诺`, `href="/glossary#seed">种子`)
	// The result card names the result; no column of dashes.
	if !strings.Contains(res, `<strong>检查结果：</strong><span class="tag result-code bad">未按规定公示应当公示的信息`) || strings.Contains(res, "<td>—</td>") {
		t.Error("the result card does not show the result")
	}
	// Codes never break inside: USCCs and task numbers are marked as unbreakable codes.
	contains(t, "results", res, `<span class="code">`+uscc+`</span>`, `<span class="code">`+h.taskNumber+`</span>`)
	// /verify: the hub's public key, the commands in full, where to get the verifier.
	key, err := ledger.LoadOrCreateKey(h.db.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	// As html/template writes it ("+" as a character reference; a browser shows "+").
	pub := strings.ReplaceAll(ledger.EncodePublicKey(key.Public().(ed25519.PublicKey)), "+", "&#43;")
	verify := page("/verify", 200, `id="public-key">`+pub, "--public-key "+pub, "--public-key", "--save-checkpoint 检查点.json", "--old-checkpoint 检查点.json",
		"go install github.com/ssgk/ssgk/cmd/ssgk@latest", "/draws/抽取编号/bundle.json")
	if strings.Contains(verify, "ssgk ledger verify …") {
		t.Error("/verify still cuts the ledger command off")
	}
	page("/open/dictionary", 200, "开放数据字典", "publication_id", "公示编号", "target_code", "统一社会信用代码", "window_end", "检查结束日期")

	// Nothing but public data: no ID numbers, phones or addresses anywhere.
	secrets := h.secrets(t)
	for path, body := range pages {
		for _, s := range secrets {
			if strings.Contains(body, s) {
				t.Errorf("%s shows non-public data %q", path, s)
			}
		}
	}
}

func TestPortal_OpenDataAndCaching(t *testing.T) {
	t.Parallel()
	h := newHub(t)

	r := h.get(t, "/open/results.csv")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") {
		t.Fatalf("results.csv: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if !strings.HasPrefix(r.body, "\ufeff") {
		t.Fatal("CSV without a byte-order mark")
	}
	recs, err := csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff"))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	wantHeader := "publication_id,kind,published_at,ledger_index,digest,corrects_publication_id,version,plan_number,plan_name," +
		"task_number,task_name,task_type,authority,department_code,target_code,target_name,completed_on,result_codes,items,methods,follow_up,correction_reason"
	if got := strings.Join(recs[0], ","); got != wantHeader {
		t.Fatalf("CSV header\n got %s\nwant %s", got, wantHeader)
	}
	if len(recs) != 1+8+1 {
		t.Fatalf("%d CSV rows, want 8 results and 1 correction", len(recs)-1)
	}
	corrections := 0
	for _, rec := range recs[1:] {
		if rec[1] == "CORRECTION" {
			corrections++
			if rec[5] == "" || rec[21] == "" || rec[6] != "2" {
				t.Errorf("correction row %v", rec)
			}
		}
	}
	if corrections != 1 {
		t.Errorf("%d correction rows", corrections)
	}
	contains(t, "results.csv", r.body, *h.problem.Uscc, "企业公示信息的检查", "SCJG", "WJ")

	var js []map[string]any
	r = h.get(t, "/open/results.json?department=WJ&from=2026-10-01&to=2026-10-31")
	if err := json.Unmarshal([]byte(r.body), &js); err != nil || r.status != 200 {
		t.Fatalf("results.json: %d %v\n%s", r.status, err, r.body)
	}
	if len(js) != 4 || js[0]["department_code"] != "WJ" || js[0]["items"] == nil {
		t.Fatalf("results.json for WJ: %d rows, first %v", len(js), js[0])
	}
	r = h.get(t, "/open/results.json?from=2026-11-01")
	if err := json.Unmarshal([]byte(r.body), &js); err != nil || len(js) != 1 || js[0]["kind"] != "CORRECTION" {
		t.Fatalf("results.json since November: %v %s", err, r.body)
	}
	r = h.get(t, "/open/tasks.csv")
	recs, err = csv.NewReader(strings.NewReader(strings.TrimPrefix(r.body, "\ufeff"))).ReadAll()
	if err != nil || !strings.HasPrefix(r.body, "\ufeff") || len(recs) != 2 || recs[0][4] != "task_number" || recs[1][4] != h.taskNumber {
		t.Fatalf("tasks.csv: %v %q", err, r.body)
	}
	r = h.get(t, "/open/tasks.json")
	if err := json.Unmarshal([]byte(r.body), &js); err != nil || len(js) != 1 || js[0]["task_number"] != h.taskNumber {
		t.Fatalf("tasks.json: %v %s", err, r.body)
	}
	// Compressed for a client that asks; the favicon is there.
	req, _ := http.NewRequest(http.MethodGet, h.url+"/open/results.csv", nil)
	req.Header.Set("Accept-Encoding", "gzip")
	if resp, err := (&http.Transport{DisableCompression: true}).RoundTrip(req); err != nil || resp.Header.Get("Content-Encoding") != "gzip" {
		t.Errorf("results.csv is not gzip-compressed on request: %v", err)
	} else {
		resp.Body.Close()
	}
	if r := h.get(t, "/favicon.ico"); r.status != 200 || r.header.Get("Content-Type") != "image/svg+xml" || !strings.Contains(r.body, "<svg") {
		t.Errorf("favicon: %d %s", r.status, r.header.Get("Content-Type"))
	}
	if r := h.get(t, "/open/results.xml"); r.status != 404 {
		t.Errorf("results.xml: %d", r.status)
	}
	if r := h.get(t, "/open/results.json?from=yesterday"); r.status != 400 || !strings.Contains(r.body, "BAD_DATE") {
		t.Errorf("bad date in open data: %d %s", r.status, r.body)
	}

	// Caching: ETag and Last-Modified, 304 on a match, a new ETag once something is published.
	path := "/results?q=" + *h.problem.Uscc
	first := h.get(t, path)
	etag, lm := first.header.Get("ETag"), first.header.Get("Last-Modified")
	if etag == "" || lm == "" {
		t.Fatalf("no validators: ETag %q Last-Modified %q", etag, lm)
	}
	if r := h.get(t, path, "If-None-Match", etag); r.status != http.StatusNotModified || r.body != "" {
		t.Fatalf("If-None-Match: %d", r.status)
	}
	if r := h.get(t, path, "If-Modified-Since", lm); r.status != http.StatusNotModified {
		t.Fatalf("If-Modified-Since: %d", r.status)
	}
	if r := h.get(t, path, "If-None-Match", `"other"`, "If-Modified-Since", lm); r.status != 200 {
		t.Fatalf("a different ETag must win over If-Modified-Since: %d", r.status)
	}
	if r := h.get(t, "/results?q=x"); r.header.Get("ETag") == etag {
		t.Fatal("two queries share an ETag")
	}
	if r := h.get(t, "/open/results.csv", "If-None-Match", h.get(t, "/open/results.csv").header.Get("ETag")); r.status != http.StatusNotModified {
		t.Fatalf("open data revalidation: %d", r.status)
	}
	ctx := viewer.NewContext(context.Background(), viewer.NewSystem("portal test"))
	err = txn.Run(ctx, h.client, func(tx *ent.Tx) error {
		_, err := publish.Record(ctx, tx, publish.Act{Kind: publication.KindPLAN, Title: "测试公示", SubjectType: ent.TypePlan,
			SubjectID: 1, Payload: map[string]any{"number": "x"}})
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if r := h.get(t, path, "If-None-Match", etag); r.status != 200 || r.header.Get("ETag") == etag {
		t.Fatalf("after a new publication: %d, ETag %s", r.status, r.header.Get("ETag"))
	}
	if r := h.get(t, "/no/such/page"); r.header.Get("ETag") != "" {
		t.Error("an error page carries an ETag")
	}
}

// TestPortal_MountedInServer: the hub serves the portal at / and its other routes still work.
func TestPortal_MountedInServer(t *testing.T) {
	t.Parallel()
	h := newHub(t)
	srv := httptest.NewServer(server.New(h.db.WithLogger(slog.New(slog.NewTextHandler(io.Discard, nil))), server.DefaultLimits))
	t.Cleanup(srv.Close)
	h.url = srv.URL
	for _, c := range []struct {
		path   string
		status int
		want   string
	}{
		{"/", 200, "双随机、一公开 公示平台"},
		{"/tasks/" + h.taskNumber, 200, h.commitmentDigest},
		{"/healthz", 200, `"status":"ok"`},
		{"/graphiql", 401, "GraphiQL 仅向已认证的调用者开放"}, // the page asks for a token
		{"/draws/" + strconv.Itoa(h.drawID) + "/bundle.json", 200, h.entropy},
		{"/graphql?query=%7B__typename%7D", 200, "Query"},
		{"/nothing-here", 404, "NOT_FOUND"},
	} {
		r := h.get(t, c.path)
		if r.status != c.status || !strings.Contains(r.body, c.want) {
			t.Errorf("GET %s: %d, want %d with %q\n%.300s", c.path, r.status, c.status, c.want, r.body)
		}
	}
}
