package server

import (
	"regexp"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the hub's Prometheus metrics, registered on their own registry.
type metrics struct {
	registry   *prometheus.Registry
	gqlTotal   *prometheus.CounterVec
	gqlSeconds *prometheus.HistogramVec
	httpTotal  *prometheus.CounterVec
}

func newMetrics() *metrics {
	m := &metrics{
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

// operationLabel keeps label cardinality bounded: client-chosen names that are not plain
// identifiers are counted together.
func operationLabel(name string) string {
	switch {
	case name == "":
		return "anonymous"
	case opNameRe.MatchString(name):
		return name
	}
	return "invalid_name"
}
