package server

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"runtime/debug"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ssgk/ssgk/internal/logging"
)

// RequestIDHeader carries the request ID: accepted from the client (or the reverse proxy) when
// well formed, generated otherwise, and always sent back.
const RequestIDHeader = "X-Request-Id"

// ParseTrustedProxies parses a comma-separated list of addresses and CIDR prefixes
// ("127.0.0.1, 10.0.0.0/8") — the reverse proxies whose X-Forwarded-For the hub believes.
func ParseTrustedProxies(list string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, s := range strings.Split(list, ",") {
		s = strings.TrimSpace(s)
		if s == "" {
			continue
		}
		if !strings.Contains(s, "/") {
			a, err := netip.ParseAddr(s)
			if err != nil {
				return nil, fmt.Errorf("可信代理地址“%s”无效", s)
			}
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return nil, fmt.Errorf("可信代理网段“%s”无效", s)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

// TrustProxies sets the reverse proxies whose X-Forwarded-For header names the client. Without
// any, the client is the connection's peer and the header is ignored (a client could forge it).
// Call it before serving.
func (s *Server) TrustProxies(prefixes []netip.Prefix) { s.trustedProxies = prefixes }

func (s *Server) trusted(a netip.Addr) bool {
	for _, p := range s.trustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// clientIP is the address of the client: the peer, or — when the peer is a trusted proxy — the
// right-most address of X-Forwarded-For that is not itself a trusted proxy.
func (s *Server) clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	peer, err := netip.ParseAddr(host)
	if err != nil {
		return host
	}
	peer = peer.Unmap()
	if !s.trusted(peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a malformed hop: stop at the last one that is known
		}
		a = a.Unmap()
		if !s.trusted(a) {
			return a.String()
		}
		peer = a
	}
	return peer.String()
}

// requestID gives every request an ID, in its context (so every log line written for it names
// it) and in the X-Request-Id response header; the client's is kept when well formed.
func (s *Server) requestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get(RequestIDHeader)
		if !logging.ValidRequestID(id) {
			id = logging.NewRequestID()
		}
		w.Header().Set(RequestIDHeader, id)
		next.ServeHTTP(w, r.WithContext(logging.WithRequestID(r.Context(), id)))
	})
}

// quietRoutes are scraped every few seconds by monitoring: their access lines are DEBUG.
var quietRoutes = map[string]bool{"/healthz": true, "/metrics": true}

type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
}

func (r *statusRecorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	n, err := r.ResponseWriter.Write(b)
	r.bytes += int64(n)
	return n, err
}

// Unwrap gives http.ResponseController the underlying writer.
func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// Flush passes streaming flushes (open data files) through.
func (r *statusRecorder) Flush() {
	if f, ok := r.ResponseWriter.(http.Flusher); ok {
		f.Flush()
	}
}

// Hijack hands the connection over for a websocket (GraphQL subscriptions).
func (r *statusRecorder) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	h, ok := r.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, errors.New("server: the response writer cannot be hijacked")
	}
	r.status = http.StatusSwitchingProtocols
	return h.Hijack()
}

// logRequests writes one structured access line per request — method, path, route, status,
// size, duration, client address and (through the context) the request ID. Credentials and
// query strings are never logged. Health checks and metrics scrapes are logged at DEBUG.
func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		route := chi.RouteContext(r.Context()).RoutePattern()
		if route == "" {
			route = "unmatched"
		}
		s.metrics.httpTotal.WithLabelValues(route, fmt.Sprint(rec.status)).Inc()
		level := slog.LevelInfo
		switch {
		case quietRoutes[r.URL.Path]:
			level = slog.LevelDebug
		case rec.status >= 500:
			level = slog.LevelError
		}
		s.log.LogAttrs(r.Context(), level, "http request",
			slog.String("method", r.Method), slog.String("path", r.URL.Path), slog.String("route", route),
			slog.Int("status", rec.status), slog.Int64("bytes", rec.bytes),
			slog.Int64("duration_ms", time.Since(start).Milliseconds()), slog.String("client_ip", s.clientIP(r)))
	})
}

// recoverPanics turns a panic in a handler into a logged error (with its stack and the request
// ID) and a 500 that names the request ID; http.ErrAbortHandler is passed on as net/http wants.
func (s *Server) recoverPanics(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.ErrorContext(r.Context(), "panic in HTTP handler", "panic", p, "path", r.URL.Path, "stack", string(debug.Stack()))
			if r.Header.Get("Connection") == "Upgrade" {
				return
			}
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusInternalServerError)
			fmt.Fprintf(w, "服务器内部错误，请联系系统管理员（请求编号 %s）\n", logging.RequestID(r.Context()))
		}()
		next.ServeHTTP(w, r)
	})
}
