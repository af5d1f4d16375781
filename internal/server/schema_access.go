package server

import (
	"html/template"
	"net/http"
	"strings"

	"github.com/ssgk/ssgk/internal/graphiql"
	"github.com/ssgk/ssgk/internal/viewer"
)

// schemaRootFields are the introspection root fields: the schema (1 MB of it, every type, field
// and description) is for the hub's callers — department systems, the credit centre, dashboard
// builders — not for anonymous strangers, unless Options.PublicSchema opens it.
var schemaRootFields = map[string]bool{"__schema": true, "__type": true}

// anonymousMay reports whether an anonymous viewer may call the root field.
func (s *Server) anonymousMay(field string) bool {
	return publicRootFields[field] || (s.opts.PublicSchema && schemaRootFields[field])
}

// graphiql serves GraphiQL to authenticated callers (or to all with PublicSchema). A browser
// cannot send a bearer token with a page load, so an anonymous GET gets a short Chinese page
// asking for a token; the token is posted back (never put in a URL) and the page is served with
// it as GraphiQL's Authorization header, not cached.
func (s *Server) graphiql() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		v := viewer.FromContext(r.Context())
		var headers map[string]string
		if r.Method == http.MethodPost {
			r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
			// Only a token that authenticates reaches the page, and such a token is made of
			// [0-9a-zA-Z_.-] alone once trimmed.
			tok := strings.TrimSpace(r.PostFormValue("token"))
			pv, err := s.auth.Authenticate(r.Context(), "Bearer "+tok)
			if err != nil || pv.IsAnonymous() {
				s.graphiqlLogin(w, http.StatusUnauthorized, "令牌无效、已过期或已吊销，请重新输入")
				return
			}
			v, headers = pv, map[string]string{"Authorization": "Bearer " + tok}
		}
		if v.IsAnonymous() && !s.opts.PublicSchema {
			s.graphiqlLogin(w, http.StatusUnauthorized, "")
			return
		}
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Security-Policy", graphiqlCSP)
		// GraphiQL with its assets embedded (package graphiql): works on an intranet without
		// internet; the posted token is already in its headers editor.
		r.Method = http.MethodGet
		graphiql.Page("/graphql", strings.TrimPrefix(headers["Authorization"], "Bearer ")).ServeHTTP(w, r)
	})
}

var graphiqlLoginPage = template.Must(template.New("graphiql-login").Parse(`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>GraphiQL —— 需要令牌</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em">
<h1>GraphiQL 仅向已认证的调用者开放</h1>
<p>请输入部门接口令牌（<code>ssgk_…</code>）或 <code>login</code> 返回的会话令牌（<code>ssgs.…</code>）。
令牌只用于本页发出的请求，不会出现在地址中。</p>
{{if .}}<p role="alert"><strong>{{.}}</strong></p>{{end}}
<form method="post" action="/graphiql"><label>令牌 <input name="token" type="password" autocomplete="off" required size="60"></label>
<button type="submit">打开 GraphiQL</button></form>
<p>管理员可设置 <code>GRAPHQL_PUBLIC_SCHEMA=true</code> 向匿名调用者开放 GraphiQL 与内省。</p>
</body></html>`))

func (s *Server) graphiqlLogin(w http.ResponseWriter, status int, problem string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = graphiqlLoginPage.Execute(w, problem)
}
