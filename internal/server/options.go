package server

import (
	"context"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"
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

	// GenericFields sends every GraphQL field through gqlgen's field machinery: the plain-field
	// fast path (tools/gqlseq, sharing.Uniform) is off. Only the tests and benchmarks that
	// compare the two set it.
	GenericFields bool

	// WriteTimeout bounds serving one request (WRITE_TIMEOUT, DefaultWriteTimeout).
	WriteTimeout time.Duration
	// ShutdownTimeout is how long a stopping hub lets requests in progress finish
	// (SHUTDOWN_TIMEOUT); by default the write timeout.
	ShutdownTimeout time.Duration
}

// DefaultOptions are the settings of a hub started without configuration.
var DefaultOptions = Options{Limits: DefaultLimits, MaxBodyBytes: 1 << 20, MaxUploadBytes: 64 << 20, WriteTimeout: DefaultWriteTimeout}

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
	if o.WriteTimeout <= 0 {
		o.WriteTimeout = DefaultWriteTimeout
	}
	if o.ShutdownTimeout <= 0 {
		o.ShutdownTimeout = o.WriteTimeout
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
// is a trusted proxy — the nearest address in X-Forwarded-For (read from the right) that is not
// itself a trusted proxy, else X-Real-IP. The left of X-Forwarded-For is whatever the client
// wrote there, so it is never taken.
func (s *Server) clientAddr(r *http.Request) string {
	peer, _ := r.Context().Value(peerKey{}).(string)
	if peer == "" {
		peer = r.RemoteAddr
	}
	ip, ok := hostIP(peer)
	if !ok || !s.trusted(ip) {
		return peer
	}
	var hops []string
	for _, h := range r.Header.Values("X-Forwarded-For") {
		hops = append(hops, strings.Split(h, ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		hop, ok := hostIP(strings.TrimSpace(hops[i]))
		if !ok {
			break
		}
		if !s.trusted(hop) {
			return hop.String()
		}
	}
	if real, ok := hostIP(strings.TrimSpace(r.Header.Get("X-Real-IP"))); ok {
		return real.String()
	}
	return peer
}

func (s *Server) trusted(ip netip.Addr) bool {
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(ip) {
			return true
		}
	}
	return false
}

// hostIP reads an address with or without a port.
func hostIP(addr string) (netip.Addr, bool) {
	if ap, err := netip.ParseAddrPort(addr); err == nil {
		return ap.Addr().Unmap(), true
	}
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	ip, err := netip.ParseAddr(host)
	return ip.Unmap(), err == nil
}

func contextWithPeer(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, peerKey{}, addr)
}
