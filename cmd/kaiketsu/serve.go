package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/fastserve"
	"github.com/kaiketsu/kaiketsu/adapters/httplog"
	"github.com/kaiketsu/kaiketsu/adapters/metrics"
	"github.com/kaiketsu/kaiketsu/config"
	"github.com/kaiketsu/kaiketsu/core"
)

func init() { commands["serve"] = serve }

// readBodyLimit is the largest request body the server reads. The
// adapters refuse bodies over 64 KiB with 413 themselves; the server reads
// a little more so that their 413 reaches a client still sending (a
// connection closed with data unread is reset, and the client may lose
// the answer: net/http reads on for the same reason). Longer bodies are
// refused by the server once 8 KiB of them has arrived. Not more: every
// connection may hold that much of a body it has not finished sending.
const readBodyLimit = 64<<10 + 16<<10

// connRefused counts a connection refused at KAIKETSU_MAX_CONNS and says
// so in the log, at most once a second.
func connRefused(log *slog.Logger, met *metrics.Metrics) func() {
	var last atomic.Int64
	return func() {
		met.ConnRefused()
		if now := time.Now().Unix(); last.Swap(now) != now {
			log.Warn("http server: connections refused: KAIKETSU_MAX_CONNS are open")
		}
	}
}

// gracePeriod is how long a stopping server waits for in-flight requests
// and pending platform updates.
const gracePeriod = 20 * time.Second

// deps is what a platform edge gets to mount itself.
type deps struct {
	cfg   config.Config
	log   *slog.Logger
	eng   *core.Engine
	store core.Store
	mux   *http.ServeMux
	// metrics counts what adapters see beyond answers (hand-off post
	// retries: metrics.HandoffPostRetry).
	metrics *metrics.Metrics
}

// edge is a platform running inside kaiketsu serve.
type edge struct {
	name string
	// run, when set, runs until ctx is done (Socket Mode, the Gateway).
	run func(ctx context.Context) error
	// drain, when set, waits for pending updates to the platform.
	drain func(ctx context.Context) error
	// sweep, when set, posts the hand-off cards that were never posted
	// (the platform was down, or a process stopped first); serve runs it
	// at start and every cardSweepEvery.
	sweep func(ctx context.Context)
}

// cardSweepEvery is how often serve looks for hand-off cards to post again.
const cardSweepEvery = 5 * time.Minute

// sweepCards runs each edge's sweep at once and then every cardSweepEvery
// until ctx is done; the returned function waits for a sweep under way.
func sweepCards(ctx context.Context, edges []*edge) (wait func()) {
	var wg sync.WaitGroup
	for _, e := range edges {
		if e.sweep == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := time.NewTicker(cardSweepEvery)
			defer t.Stop()
			for {
				e.sweep(ctx)
				select {
				case <-ctx.Done():
					return
				case <-t.C:
				}
			}
		}()
	}
	return wg.Wait
}

// mounts are the platform edges; each platform's file adds its own. A mount
// returns nil when its platform is not configured.
var mounts []func(ctx context.Context, d *deps) (*edge, error)

func serve(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("serve", "serve")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	cfg, log, kb, err := setup(env)
	if err != nil {
		return err
	}
	tuneGC(log)
	store, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer store.Close()
	// Outcomes are written in batches off the request path; what is queued
	// is written at shutdown, before the store closes.
	outcomes := core.NewBufferedOutcomes(store, log)
	defer outcomes.Flush()
	defer startRetention(ctx, store, time.Duration(cfg.Retention), log)() // stops before the store closes
	met := metrics.New()
	met.SetTopics(topicCount(kb))
	eng, err := newEngine(cfg, log, kb, met.Store(outcomes), "", true, withRateLimit(cfg), withMetrics(met))
	if err != nil {
		return err
	}
	d := &deps{cfg: cfg, log: log, eng: eng, store: store, mux: http.NewServeMux(), metrics: met}
	stopMetrics, err := serveMetrics(ctx, cfg, log, met, d.mux)
	if err != nil {
		return err
	}
	defer stopMetrics()
	stopReload := startReload(ctx, d, met.KBLoaded)
	defer stopReload()
	d.mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		fmt.Fprintln(w, "ok")
	})
	d.mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		pctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if len(eng.KB().Playbooks()) == 0 {
			http.Error(w, "no playbooks loaded", http.StatusServiceUnavailable)
			return
		}
		if err := store.Ping(pctx); err != nil {
			log.Warn("readiness: store unreachable", "err", err)
			http.Error(w, "store unreachable", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	})
	var edges []*edge
	for _, m := range mounts {
		e, err := m(ctx, d)
		if err != nil {
			return err
		}
		if e != nil {
			edges = append(edges, e)
		}
	}
	if len(edges) == 0 {
		log.Warn("neither Slack nor Discord is configured: only /healthz and /readyz are served; see README, Set up on Slack / Discord")
	}

	// Slack and Discord call over HTTP/1.1, so the handlers are served by
	// fastserve (fasthttp), which costs about a fifth less CPU a request
	// than net/http's server (README, Performance).
	srv := fastserve.New(instrument(log, met, d.mux), fastserve.Options{
		MaxBody:      readBodyLimit,
		MaxConns:     d.cfg.MaxConns,
		Refused:      connRefused(log, met),
		ReadTimeout:  10 * time.Second,
		WriteTimeout: 15 * time.Second,
		IdleTimeout:  120 * time.Second,
		Log:          log,
		Rejected: func(r *http.Request, status int) {
			// Answered before any handler: counted and logged as the
			// middleware would have.
			_, r.Pattern = d.mux.Handler(r)
			met.Count(r, status)
			httplog.Rejected(log, r, status)
		},
	})
	met.OpenConns(srv.OpenConns)
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	names := make([]string, len(edges))
	for i, e := range edges {
		names[i] = e.name
	}
	log.Info("serving", "addr", ln.Addr().String(), "platforms", names, "playbooks", len(kb.Playbooks()))

	var wg sync.WaitGroup
	errc := make(chan error, len(edges)+1)
	runCtx, stopRun := context.WithCancel(ctx)
	defer stopRun()
	waitSweeps := sweepCards(runCtx, edges)
	for _, e := range edges {
		if e.run == nil {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := e.run(runCtx); err != nil && !errors.Is(err, context.Canceled) {
				errc <- fmt.Errorf("%s: %w", e.name, err)
			}
		}()
	}
	go func() {
		if err := srv.Serve(ln); err != nil {
			errc <- err
		}
	}()

	var runErr error
	select {
	case <-ctx.Done():
		log.Info("shutting down", "grace", gracePeriod.String())
	case runErr = <-errc:
		log.Error("stopping", "err", runErr)
	}
	grace, cancel := context.WithTimeout(context.WithoutCancel(ctx), gracePeriod)
	defer cancel()
	if err := srv.Shutdown(grace); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	stopRun()
	wg.Wait()
	waitSweeps()
	for _, e := range edges {
		if e.drain != nil {
			if err := e.drain(grace); err != nil {
				log.Warn("drain", "platform", e.name, "err", err)
			}
		}
	}
	log.Info("stopped")
	return runErr
}
