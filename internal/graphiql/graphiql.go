// Package graphiql serves the hub's GraphiQL page with every asset embedded in the binary:
// county intranets have no internet, so nothing is loaded from a CDN. The page opens on a
// Chinese example query with an "Authorization: Bearer …" header template; the documentation
// pane shows the Chinese descriptions of the schema (ent/entc.go).
//
// The assets are GraphiQL 4.1.2 (its UMD build) and React 18.2.0, copied unchanged from npm by
// assets/update.sh; assets/THIRD_PARTY_LICENSES.txt keeps their licences and assets/SHA256SUMS
// their checksums.
package graphiql

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"sync"
	"time"
)

//go:embed assets/*.js assets/*.css assets/THIRD_PARTY_LICENSES.txt
var assets embed.FS

// TokenPlaceholder stands in the header template for the caller's token. The page drops an
// Authorization header that still carries it, so that an anonymous visitor's requests are not
// refused for a malformed credential (and a non-ASCII header value never reaches fetch).
const TokenPlaceholder = "在此粘贴令牌"

// ExampleQuery is the query the page opens on. It runs for any department token or session
// token; anonymous callers are told to log in.
const ExampleQuery = `# 欢迎使用 ssgk “双随机、一公开”监管数据中枢的 GraphQL 接口。
#
# 第一步：在下方“Headers”（请求头）中，把“` + TokenPlaceholder + `”换成令牌：
#   · 部门接口令牌：ssgk admin token create 签发（ssgk serve --demo 启动时打印演示令牌）；
#   · 或个人会话令牌：mutation { login(username: "用户名", password: "口令") { token } }
# 第二步：按 Ctrl+Enter（或点击 ▶ 运行按钮）执行下面的查询。
# 第三步：点击左侧的“文档”图标，查看每个类型和字段的中文说明与共享类别
#   （接口文档须带令牌获取：填入令牌后若文档为空，点击左下方的 ⟳ 按钮重新获取）。
#
# 每页最多 1000 条（默认 100 条）；无权查看的字段返回 null，并在 errors 中说明原因。

query Example {
  # 当前调用者：类型、名称、所属部门与角色
  viewer {
    kind
    name
    department { code name }
    roles
  }
  # 联席会议成员单位（按排序号，前 5 个）及总数
  departments(first: 5, orderBy: {field: SORT_ORDER}) {
    totalCount
    edges { node { code name shortName } }
  }
  # 信用风险分类为 D（高）的检查对象，前 5 户
  targets(first: 5, where: {creditRiskClass: D}) {
    totalCount
    edges { node { uscc name creditRiskClass } }
  }
}
`

// HeaderTemplate is the initial content of the headers editor.
var HeaderTemplate = `{
  "Authorization": "Bearer ` + TokenPlaceholder + `"
}`

// assetVersion changes with the embedded assets, so that their URLs can be cached forever.
var assetVersion = func() string {
	h := sha256.New()
	_ = fs.WalkDir(assets, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := assets.ReadFile(p)
		h.Write([]byte(p))
		h.Write(b)
		return err
	})
	return hex.EncodeToString(h.Sum(nil))[:12]
}()

var page = template.Must(template.New("graphiql").Parse(`<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{.Title}}</title>
<link rel="stylesheet" href="{{.Base}}/graphiql.min.css">
<style>
html,body{height:100%;margin:0}
body{display:flex;flex-direction:column;font-family:"Noto Sans CJK SC","Noto Sans SC","PingFang SC","Microsoft YaHei",system-ui,sans-serif}
#bar{padding:.35rem .8rem;background:#b3261e;color:#fff;font-size:14px;display:flex;flex-wrap:wrap;gap:.3rem 1rem;align-items:center}
#bar a{color:#fff}
#graphiql{flex:1;min-height:0}
noscript{display:block;padding:1rem}
</style>
</head>
<body>
<div id="bar"><strong>ssgk GraphQL 接口</strong><span>在 Headers 中填入 <code>Authorization: Bearer 令牌</code> 后执行查询</span><a href="/">公示网站</a><a href="{{.Base}}/THIRD_PARTY_LICENSES.txt">第三方许可</a></div>
<div id="graphiql">正在加载 GraphiQL……</div>
<noscript>GraphiQL 需要启用 JavaScript。也可直接向 {{.Endpoint}} 发送 POST 请求（JSON：{"query": "…"}）。</noscript>
<script src="{{.Base}}/react.production.min.js"></script>
<script src="{{.Base}}/react-dom.production.min.js"></script>
<script src="{{.Base}}/graphiql.min.js"></script>
<script id="ssgk-config" type="application/json">{{.Config}}</script>
<script>
(function () {
  var cfg = JSON.parse(document.getElementById('ssgk-config').textContent);
  var base = GraphiQL.createFetcher({ url: cfg.endpoint });
  // The header template's placeholder is not a credential: drop it, so that an anonymous
  // request (introspection, login) is not refused for a malformed token.
  // The first schema request can leave before the headers editor exists: it then carries the
  // page's own headers (the caller's token on a page served for a checked token).
  var initial = {};
  try { initial = JSON.parse(cfg.headers) || {}; } catch (e) { initial = {}; }
  function fetcher(params, opts) {
    var o = Object.assign({}, opts || {});
    var h = Object.assign({}, (o.headers && Object.keys(o.headers).length > 0) ? o.headers : initial);
    Object.keys(h).forEach(function (k) {
      if (k.toLowerCase() === 'authorization' && String(h[k]).indexOf(cfg.placeholder) >= 0) { delete h[k]; }
    });
    o.headers = h;
    return base(params, o);
  }
  ReactDOM.createRoot(document.getElementById('graphiql')).render(React.createElement(GraphiQL, {
    fetcher: fetcher,
    defaultQuery: cfg.query,
    defaultHeaders: cfg.headers,
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: false
  }));
})();
</script>
</body>
</html>
`))

// Handler serves the GraphiQL page at its mount point and the assets under "assets/". The page
// sends queries to endpoint.
func Handler(endpoint string) http.Handler {
	return &handler{endpoint: endpoint}
}

// Page serves the GraphiQL page with the caller's token already in the headers editor (the
// server checked it): the page is for that caller only and must not be cached.
func Page(endpoint, token string) http.Handler {
	return &handler{endpoint: endpoint, token: token}
}

type handler struct{ endpoint, token string }

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "GraphiQL 页面只支持 GET", http.StatusMethodNotAllowed)
		return
	}
	// Mounted at /graphiql: the page is /graphiql, the assets /graphiql/assets/<version>/<name>.
	mount := strings.TrimSuffix(r.URL.Path, "/")
	if i := strings.Index(r.URL.Path, "/assets/"); i >= 0 {
		h.asset(w, r, r.URL.Path[i+len("/assets/"):])
		return
	}
	headers := HeaderTemplate
	if h.token != "" {
		b, _ := json.MarshalIndent(map[string]string{"Authorization": "Bearer " + h.token}, "", "  ")
		headers = string(b)
	}
	cfg, _ := json.Marshal(map[string]string{"endpoint": h.endpoint, "query": ExampleQuery,
		"headers": headers, "placeholder": TokenPlaceholder})
	var buf bytes.Buffer
	err := page.Execute(&buf, map[string]any{
		"Title":    "ssgk GraphiQL —— 双随机、一公开数据中枢",
		"Base":     mount + "/assets/" + assetVersion,
		"Endpoint": h.endpoint,
		// Inside a <script type="application/json"> element: html/template escapes "<" so the
		// element cannot be closed early.
		"Config": template.JS(strings.ReplaceAll(string(cfg), "<", `\u003c`)),
	})
	if err != nil {
		http.Error(w, "GraphiQL 页面生成失败", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	if h.token != "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.Header().Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}

// asset serves an embedded file; rest is "<version>/<name>". Versioned URLs never change, so
// they are cached for a year.
func (h *handler) asset(w http.ResponseWriter, r *http.Request, rest string) {
	version, name, ok := strings.Cut(rest, "/")
	if !ok || strings.Contains(name, "/") || name == "" {
		http.NotFound(w, r)
		return
	}
	b, err := assets.ReadFile(path.Join("assets", name))
	if err != nil {
		http.NotFound(w, r)
		return
	}
	switch path.Ext(name) {
	case ".js":
		w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	case ".css":
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
	default:
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	}
	w.Header().Set("Vary", "Accept-Encoding")
	if gz := gzipped(name, b); gz != nil && acceptsGzip(r) {
		w.Header().Set("Content-Encoding", "gzip")
		b = gz
	}
	if version == assetVersion {
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	http.ServeContent(w, r, name, time.Time{}, bytes.NewReader(b))
}

var (
	gzMu    sync.Mutex
	gzCache = map[string][]byte{}
)

// gzipped is the gzip encoding of an asset, compressed once (GraphiQL's script is 1 MB, 260 KB
// compressed); nil for small files.
func gzipped(name string, b []byte) []byte {
	if len(b) < 1024 {
		return nil
	}
	gzMu.Lock()
	defer gzMu.Unlock()
	if gz, ok := gzCache[name]; ok {
		return gz
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b)
	_ = zw.Close()
	gzCache[name] = buf.Bytes()
	return buf.Bytes()
}

func acceptsGzip(r *http.Request) bool {
	for _, part := range strings.Split(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
