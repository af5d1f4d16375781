package server

import (
	"bufio"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/ssgk/ssgk/internal/logging"
)

// RequestIDHeader carries the request ID: accepted from the client (or the reverse proxy) when
// well formed, generated otherwise, and always sent back.
const RequestIDHeader = "X-Request-Id"

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
			slog.Int64("duration_ms", time.Since(start).Milliseconds()), slog.String("client_ip", clientHost(s.clientAddr(r))))
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

// clientHost is the host of an address with or without a port.
func clientHost(addr string) string {
	if ip, ok := hostIP(addr); ok {
		return ip.String()
	}
	return addr
}
