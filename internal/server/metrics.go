package server

import (
	"crypto/subtle"
	"net/http"
	"net/http/pprof"
	"regexp"
	"strings"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/ssgk/ssgk/internal/apperr"
)

// metrics are the hub's Prometheus metrics, registered on their own registry.
type metrics struct {
	registry   *prometheus.Registry
	gqlTotal   *prometheus.CounterVec
	gqlSeconds *prometheus.HistogramVec
	httpTotal  *prometheus.CounterVec

	mu    sync.Mutex
	known map[string]bool // operation names that have their own label
}

// maxOperationLabels bounds the operation names that get a label of their own.
const maxOperationLabels = 200

func newMetrics() *metrics {
	m := &metrics{
		known:    map[string]bool{},
		registry: prometheus.NewRegistry(),
		gqlTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ssgk_graphql_requests_total",
			Help: "GraphQL operations by operation name, type and outcome.",
		}, []string{"operation", "type", "outcome"}),
		gqlSeconds: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "ssgk_graphql_request_duration_seconds",
			Help:    "GraphQL operation latency by operation name.",
			Buckets: prometheus.ExponentialBuckets(0.001, 2, 14),
		}, []string{"operation", "type"}),
		httpTotal: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "ssgk_http_requests_total",
			Help: "HTTP requests by route and status code.",
		}, []string{"route", "code"}),
	}
	m.registry.MustRegister(m.gqlTotal, m.gqlSeconds, m.httpTotal,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

var opNameRe = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]{0,63}$`)

// operationLabel keeps label cardinality bounded. An operation name becomes a label when it is
// known: the name of a persisted query, or one an authenticated caller — a department system, the
// credit centre, a dashboard, all holding credentials an administrator issued — uses, the first
// maxOperationLabels of them. Anonymous callers' names (anyone can invent them, one series each)
// and names past the cap are counted together.
func (m *metrics) operationLabel(name string, persisted, authenticated bool) string {
	switch {
	case name == "":
		return "anonymous"
	case !opNameRe.MatchString(name):
		return "invalid_name"
	case !authenticated && !persisted:
		return "unauthenticated"
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.known[name] {
		return name
	}
	if len(m.known) < maxOperationLabels {
		m.known[name] = true
		return name
	}
	return "other"
}

// operationName is the operation name as recorded with audit and access-log entries: the name
// the client gave when it is a plain identifier.
func operationName(name string) string {
	switch {
	case name == "":
		return "anonymous"
	case opNameRe.MatchString(name):
		return name
	}
	return "invalid_name"
}

// handler serves the metrics in the Prometheus text format.
func (m *metrics) handler() http.Handler {
	return promhttp.HandlerFor(m.registry, promhttp.HandlerOpts{})
}

// AdminHandler serves /metrics and the Go profiler (/debug/pprof/) for the admin listener
// (ADMIN_LISTEN_ADDR), which should listen on a loopback or management address only.
func (s *Server) AdminHandler() http.Handler {
	mux := http.NewServeMux()
	mux.Handle("/metrics", s.metrics.handler())
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/cmdline", pprof.Cmdline)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	return securityHeaders(mux)
}

// metricsOnMain serves /metrics on the main listener to bearers of Options.MetricsToken only.
func (s *Server) metricsOnMain() http.Handler {
	h := s.metrics.handler()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if s.opts.MetricsToken == "" || !ok || subtle.ConstantTimeCompare([]byte(tok), []byte(s.opts.MetricsToken)) != 1 {
			writeJSONError(w, http.StatusNotFound, apperr.NotFound,
				"/metrics 只在管理端口（ADMIN_LISTEN_ADDR）上提供，或凭 METRICS_TOKEN 令牌访问")
			return
		}
		h.ServeHTTP(w, r)
	})
}
