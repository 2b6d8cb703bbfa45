package metrics

import (
	"strconv"
	"sync"

	"github.com/prometheus/client_golang/prometheus"
)

// routeKey names one series of the request metrics. Platforms are a
// fixed few, routes are mux patterns (or "unmatched") and statuses are
// HTTP codes, so there are few keys, as there are few series.
type routeKey struct {
	platform, route string
	status          int
}

// routeSeries are the counter and histogram of one route and status,
// looked up once: WithLabelValues hashes its labels and takes a lock on
// every call, which the middleware did twice per request.
type routeSeries struct {
	requests prometheus.Counter
	latency  prometheus.Observer
	sigFail  prometheus.Counter // nil unless a 401 on a platform's route
}

// seriesCache holds the series by route and status; a sync.Map because
// it is read on every request and written a handful of times.
type seriesCache struct{ m sync.Map }

func (m *Metrics) series(platform, route string, status int) *routeSeries {
	k := routeKey{platform, route, status}
	if s, ok := m.routes.m.Load(k); ok {
		return s.(*routeSeries)
	}
	s := &routeSeries{
		requests: m.requests.WithLabelValues(platform, route, strconv.Itoa(status)),
		latency:  m.latency.WithLabelValues(platform, route),
	}
	if status == 401 && platform != "none" {
		s.sigFail = m.signatureFailures.WithLabelValues(platform)
	}
	actual, _ := m.routes.m.LoadOrStore(k, s)
	return actual.(*routeSeries)
}
