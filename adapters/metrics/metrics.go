// Package metrics exposes Kaiketsu's Prometheus metrics: HTTP requests by
// platform, route and status with their latency, answers by kind,
// diagnoses by topic, walkthrough outcomes, signature failures and hand-off
// post retries. Everything lives in the Metrics' own registry, never in the
// global one, so that tests and several servers in one process do not
// collide.
//
// The engine knows nothing of Prometheus: Metrics.Observe is its
// core.Options.Observe hook, Metrics.Store wraps its store to count
// outcomes, and Metrics.Middleware wraps the HTTP mux.
package metrics

import (
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/kaiketsu/kaiketsu/core"
)

// Metrics holds the collectors, registered in a registry of their own.
type Metrics struct {
	reg               *prometheus.Registry
	routes            seriesCache
	requests          *prometheus.CounterVec
	latency           *prometheus.HistogramVec
	inflight          prometheus.Gauge
	answers           *prometheus.CounterVec
	diagnoses         *prometheus.CounterVec
	outcomes          *prometheus.CounterVec
	answerCounts      counters[[2]string] // platform, kind
	diagnosisCounts   counters[[3]string] // platform, playbook, topic
	outcomeCounts     counters[[4]string] // platform, playbook, topic, kind
	signatureFailures *prometheus.CounterVec
	handoffRetries    *prometheus.CounterVec
	reloads           *prometheus.CounterVec
	topics            prometheus.Gauge
	connsRefused      prometheus.Counter
}

// Platforms are the values of the platform label besides "none" (a route
// that belongs to no platform, such as /healthz).
var platforms = []string{"slack", "discord"}

// New returns metrics registered in a new registry, together with the Go
// runtime and process collectors.
func New() *Metrics {
	reg := prometheus.NewRegistry()
	m := &Metrics{
		reg: reg,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kaiketsu_http_requests_total",
			Help: "HTTP requests served, by platform, route (the mux pattern) and status code.",
		}, []string{"platform", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "kaiketsu_http_request_duration_seconds",
			Help:    "Time to answer an HTTP request, by platform and route.",
			Buckets: []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5},
		}, []string{"platform", "route"}),
		inflight: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kaiketsu_http_requests_in_flight",
			Help: "HTTP requests being served now.",
		}),
		answers: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kaiketsu_answers_total",
			Help: "Answers given, by platform and kind (step, choose, menu, no-match, resolved, handoff, start-over, slow-down).",
		}, []string{"platform", "kind"}),
		diagnoses: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kaiketsu_diagnoses_total",
			Help: `Typed problems diagnosed, by the topic found; "none" when nothing fitted, "ambiguous" when several close causes were offered.`,
		}, []string{"platform", "playbook", "topic"}),
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kaiketsu_walkthroughs_total",
			Help: "Walkthrough events by topic and outcome (started, resolved, handoff).",
		}, []string{"platform", "playbook", "topic", "outcome"}),
		signatureFailures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kaiketsu_signature_failures_total",
			Help: "Requests to a platform route refused with 401 (a missing, bad or expired signature).",
		}, []string{"platform"}),
		handoffRetries: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kaiketsu_handoff_post_retries_total",
			Help: "Retries of posting a hand-off card to the support channel.",
		}, []string{"platform"}),
		reloads: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "kaiketsu_kb_reloads_total",
			Help: `Playbook reloads, by result: "ok", or "rejected" when a broken edit kept the last good playbooks serving.`,
		}, []string{"result"}),
		topics: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "kaiketsu_kb_topics",
			Help: "Topics in the playbooks being served.",
		}),
		connsRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "kaiketsu_http_connections_refused_total",
			Help: "Connections answered 503 and closed because KAIKETSU_MAX_CONNS were open.",
		}),
	}
	m.answerCounts.vec, m.diagnosisCounts.vec, m.outcomeCounts.vec = m.answers, m.diagnoses, m.outcomes
	reg.MustRegister(m.requests, m.latency, m.inflight, m.answers, m.diagnoses, m.outcomes,
		m.signatureFailures, m.handoffRetries, m.reloads, m.topics, m.connsRefused,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	for _, p := range platforms {
		// Zero series exist from the start, so that rate() and alerts on
		// them work before the first failure.
		m.signatureFailures.WithLabelValues(p)
		m.handoffRetries.WithLabelValues(p)
	}
	m.reloads.WithLabelValues("ok")
	m.reloads.WithLabelValues("rejected")
	return m
}

// ConnRefused counts a connection refused at the connection cap.
func (m *Metrics) ConnRefused() { m.connsRefused.Inc() }

// OpenConns publishes the number of open HTTP connections, read by open at
// each scrape.
func (m *Metrics) OpenConns(open func() int64) {
	m.reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "kaiketsu_http_open_connections",
		Help: "HTTP connections open now, idle kept ones included (see KAIKETSU_MAX_CONNS).",
	}, func() float64 { return float64(open()) }))
}

// Registry returns the registry, to add collectors or gather in tests.
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the metrics in the Prometheus text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Observe counts an answer; it is the engine's core.Options.Observe hook.
// It reads ids and kinds only, never the person's text.
func (m *Metrics) Observe(_ context.Context, req core.Request, a core.Answer) {
	platform := label(req.Platform)
	m.answerCounts.get([2]string{platform, a.Kind.String()}, labels2).Inc()
	if req.Token != "" {
		return // a button: no diagnosis
	}
	switch a.Kind {
	case core.KindStep:
		m.diagnosisCounts.get([3]string{platform, a.Playbook, a.Topic}, labels3).Inc()
	case core.KindChoose:
		m.diagnosisCounts.get([3]string{platform, "", "ambiguous"}, labels3).Inc()
	case core.KindNoMatch:
		m.diagnosisCounts.get([3]string{platform, "", "none"}, labels3).Inc()
	}
}

// HandoffPostRetry counts one retry of posting a hand-off card on
// platform; adapters call it before each new attempt.
func (m *Metrics) HandoffPostRetry(platform string) {
	m.handoffRetries.WithLabelValues(label(platform)).Inc()
}

// KBLoaded records a playbook reload: ok false when a broken edit was
// rejected; topics is the number of topics now served.
func (m *Metrics) KBLoaded(ok bool, topics int) {
	if ok {
		m.reloads.WithLabelValues("ok").Inc()
	} else {
		m.reloads.WithLabelValues("rejected").Inc()
	}
	m.topics.Set(float64(topics))
}

// SetTopics records the number of topics served, at start.
func (m *Metrics) SetTopics(n int) { m.topics.Set(float64(n)) }

// label keeps a platform label to the known values, so that a caller's
// typo cannot grow the series without bound.
func label(platform string) string {
	for _, p := range platforms {
		if p == platform {
			return p
		}
	}
	if platform == "console" {
		return platform
	}
	return "other"
}

// Middleware counts and times every request. The route label is the mux
// pattern that matched ("POST /slack/commands"), or "unmatched", so that
// probing random paths cannot create new series; a 401 on a Slack or
// Discord route counts as a signature failure.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		m.inflight.Inc()
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			m.inflight.Dec()
			status := sw.status
			if status == 0 {
				status = http.StatusOK
			}
			if p := recover(); p != nil {
				// Count it as the 500 the server turns it into, then let
				// net/http deal with the panic as it always does.
				status = http.StatusInternalServerError
				m.record(r, status, start)
				panic(p)
			}
			m.record(r, status, start)
		}()
		next.ServeHTTP(sw, r)
	})
}

// Count counts a request answered without the middleware (the server
// refused it before any handler ran), under r.Pattern.
func (m *Metrics) Count(r *http.Request, status int) { m.record(r, status, time.Now()) }

func (m *Metrics) record(r *http.Request, status int, start time.Time) {
	platform := pathPlatform(r.URL.Path)
	route := r.Pattern // set by the ServeMux on this same request
	if route == "" {
		route = "unmatched"
	}
	s := m.series(platform, route, status)
	s.requests.Inc()
	s.latency.Observe(time.Since(start).Seconds())
	if s.sigFail != nil {
		s.sigFail.Inc()
	}
}

// pathPlatform tells which platform a path belongs to: /slack/... and
// /discord/... are theirs; anything else is "none".
func pathPlatform(path string) string {
	for _, p := range platforms {
		if strings.HasPrefix(path, "/"+p+"/") || path == "/"+p {
			return p
		}
	}
	return "none"
}

// statusWriter remembers the status code written.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the underlying writer
// (flushing, deadlines).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
