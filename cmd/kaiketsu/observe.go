package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/httplog"
	"github.com/kaiketsu/kaiketsu/adapters/metrics"
	"github.com/kaiketsu/kaiketsu/config"
	"github.com/kaiketsu/kaiketsu/core"
)

// withMetrics counts every answer the engine gives.
func withMetrics(m *metrics.Metrics) func(*core.Options) {
	return func(o *core.Options) { o.Observe = m.Observe }
}

// cardRetries counts an adapter's hand-off card retries, when serve has
// metrics.
func cardRetries(d *deps, platform string) func() {
	if d.metrics == nil {
		return nil
	}
	return func() { d.metrics.HandoffPostRetry(platform) }
}

// instrument wraps serve's mux: a request id and an access line for every
// request (outermost, so that the metrics middleware's work is inside the
// id), then the request metrics.
func instrument(log *slog.Logger, m *metrics.Metrics, h http.Handler) http.Handler {
	return httplog.Middleware(log, m.Middleware(h))
}

// serveMetrics puts GET /metrics on mux, or, with KAIKETSU_METRICS_ADDR, on
// a listener of its own (so that the metrics need not be reachable from
// the internet-facing address). The returned function stops that listener;
// serve calls it last, so that the metrics stay up while it drains.
func serveMetrics(ctx context.Context, cfg config.Config, log *slog.Logger, m *metrics.Metrics, mux *http.ServeMux) (stop func(), err error) {
	if cfg.MetricsAddr == "" {
		mux.Handle("GET /metrics", m.Handler())
		return func() {}, nil
	}
	ln, err := net.Listen("tcp", cfg.MetricsAddr)
	if err != nil {
		return nil, fmt.Errorf("KAIKETSU_METRICS_ADDR: listen on %s: %w", cfg.MetricsAddr, err)
	}
	mm := http.NewServeMux()
	mm.Handle("GET /metrics", m.Handler())
	srv := &http.Server{
		Handler:           mm,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      30 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics listener stopped", "addr", ln.Addr().String(), "err", err)
		}
	}()
	log.Info("serving metrics", "addr", ln.Addr().String())
	return func() {
		sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
		defer cancel()
		srv.Shutdown(sctx)
		<-done
	}, nil
}
