package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
)

// Options configure the HTTP edge of the hub. The zero value of a field means its default.
type Options struct {
	Limits Limits // GraphQL operation limits

	MaxBodyBytes   int64 // JSON GraphQL request body (GRAPHQL_MAX_BODY, 1 MiB)
	MaxUploadBytes int64 // multipart upload request, files included (UPLOAD_MAX_SIZE, 64 MiB)

	// PublicSchema opens introspection and GraphiQL to anonymous callers; by default they need a
	// credential (GRAPHQL_PUBLIC_SCHEMA).
	PublicSchema bool
	// MetricsToken, when set, lets a bearer of it read /metrics on the main listener; without it
	// /metrics is served only on the admin listener (METRICS_TOKEN).
	MetricsToken string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For / X-Real-IP name the client
	// (TRUSTED_PROXIES); from anyone else these headers are ignored for login rate limits.
	TrustedProxies []netip.Prefix
}

// DefaultOptions are the settings of a hub started without configuration.
var DefaultOptions = Options{Limits: DefaultLimits, MaxBodyBytes: 1 << 20, MaxUploadBytes: 64 << 20}

func (o Options) withDefaults() Options {
	if o.Limits == (Limits{}) {
		o.Limits = DefaultLimits
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultOptions.MaxBodyBytes
	}
	if o.MaxUploadBytes <= 0 {
		o.MaxUploadBytes = DefaultOptions.MaxUploadBytes
	}
	return o
}

type peerKey struct{}

// rememberPeer keeps the TCP peer of the request before chi's RealIP rewrites RemoteAddr from
// headers any client can send.
func rememberPeer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		next.ServeHTTP(w, r.WithContext(contextWithPeer(r.Context(), r.RemoteAddr)))
	})
}

// clientAddr is the address login attempts are counted against: the TCP peer, or — when the peer
// is a trusted proxy — the client the proxy names.
func (s *Server) clientAddr(r *http.Request) string {
	peer, _ := r.Context().Value(peerKey{}).(string)
	if peer == "" {
		return r.RemoteAddr
	}
	host, _, err := net.SplitHostPort(peer)
	if err != nil {
		host = peer
	}
	ip, err := netip.ParseAddr(host)
	if err != nil {
		return peer
	}
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(ip.Unmap()) {
			return r.RemoteAddr // as rewritten by RealIP from the proxy's headers
		}
	}
	return peer
}

func contextWithPeer(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, peerKey{}, addr)
}
