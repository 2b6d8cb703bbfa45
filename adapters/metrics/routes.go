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

// counters caches the counters of one CounterVec by a comparable key, for
// the series touched on every answer (answers, diagnoses, outcomes): a
// map lookup on the key's strings costs a fraction of WithLabelValues,
// which validates, hashes and locks on every call. The keys are label
// values the vector holds anyway (platforms, kinds, loaded topics), so
// the cache grows no further than the vector does.
type counters[K comparable] struct {
	m   sync.Map // K -> prometheus.Counter
	vec *prometheus.CounterVec
}

func (c *counters[K]) get(k K, labels func(K) []string) prometheus.Counter {
	if v, ok := c.m.Load(k); ok {
		return v.(prometheus.Counter)
	}
	v, _ := c.m.LoadOrStore(k, c.vec.WithLabelValues(labels(k)...))
	return v.(prometheus.Counter)
}

func labels2(k [2]string) []string { return k[:] }
func labels3(k [3]string) []string { return k[:] }
func labels4(k [4]string) []string { return k[:] }
