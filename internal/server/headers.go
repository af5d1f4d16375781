package server

import "net/http"

// Security headers sent with every response of the hub (portal, open data, API, files).
//
// The portal uses no script and one inline <style> block, hence style-src 'unsafe-inline' and
// no script source at all; nothing may frame a page (clickjacking of the portal or GraphiQL);
// no page leaks its URL — which holds a searched enterprise name — to another site.
const defaultCSP = "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// graphiqlCSP lets GraphiQL load its scripts and styles (embedded, served by the hub itself:
// package graphiql) and talk to /graphql, over HTTP and websocket.
const graphiqlCSP = "default-src 'none'; script-src 'self' 'unsafe-inline'; " +
	"style-src 'self' 'unsafe-inline'; font-src 'self' data:; " +
	"img-src 'self' data:; connect-src 'self' ws: wss:; " +
	"form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

func securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", defaultCSP)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
		next.ServeHTTP(w, r)
	})
}
