package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/adapters/postgres"
	"github.com/kaiketsu/kaiketsu/adapters/sqlite"
	"github.com/kaiketsu/kaiketsu/config"
	"github.com/kaiketsu/kaiketsu/core"
)

// openTimeout bounds connecting and migrating at start, so that an
// unreachable database fails the start with a message instead of hanging.
const openTimeout = 30 * time.Second

// openStore opens the store named by KAIKETSU_DATABASE_URL: sqlite:PATH,
// postgres://... (or postgresql://...) or memory:. Errors name the variable
// and never print a password.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (core.Store, error) {
	url := cfg.DatabaseURL
	ctx, cancel := context.WithTimeout(ctx, openTimeout)
	defer cancel()
	switch {
	case url == "memory:":
		log.Warn("KAIKETSU_DATABASE_URL=memory: hand-offs and outcomes are lost at exit")
		return memstore.New(), nil
	case strings.HasPrefix(url, sqlite.Scheme):
		s, err := sqlite.Open(ctx, url)
		if err != nil {
			return nil, fmt.Errorf("KAIKETSU_DATABASE_URL: %w", err)
		}
		log.Debug("store opened", "store", "sqlite", "path", strings.TrimPrefix(url, sqlite.Scheme))
		return s, nil
	case postgres.IsURL(url):
		s, err := postgres.Open(ctx, url)
		if err != nil {
			if errors.Is(err, context.DeadlineExceeded) {
				return nil, fmt.Errorf("KAIKETSU_DATABASE_URL: PostgreSQL did not answer within %s: %w", openTimeout, err)
			}
			return nil, fmt.Errorf("KAIKETSU_DATABASE_URL: %w", err)
		}
		log.Debug("store opened", "store", "postgres")
		return s, nil
	}
	// The value is not printed: a mistyped URL may still hold a password.
	return nil, errors.New("KAIKETSU_DATABASE_URL: unsupported store: use sqlite:PATH, postgres://USER@HOST/DB or memory:")
}

// retentionEvery is how often the retention purge runs.
const retentionEvery = time.Hour

// startRetention purges what is older than retention from store now and
// then every hour, until ctx is done or the returned stop is called; stop
// waits for a purge in progress, so call it before closing the store. Every
// instance may run it: a purge is idempotent.
func startRetention(ctx context.Context, store core.Store, retention time.Duration, log *slog.Logger) (stop func()) {
	return runRetention(ctx, store, retention, retentionEvery, time.Now, log)
}

func runRetention(ctx context.Context, store core.Store, retention, every time.Duration, now func() time.Time, log *slog.Logger) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(every)
		defer tick.Stop()
		for {
			purge(ctx, store, now().Add(-retention), log)
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
		}
	})
	return func() {
		cancel()
		wg.Wait()
	}
}

func purge(ctx context.Context, store core.Store, before time.Time, log *slog.Logger) {
	n, err := store.Purge(ctx, before)
	switch {
	case err != nil && ctx.Err() != nil:
		// Stopping: the next start purges.
	case err != nil:
		log.Warn("retention purge failed; retrying in an hour", "err", err)
	case n > 0:
		log.Info("retention purge", "removed", n, "before", before.UTC().Format(time.RFC3339))
	default:
		log.Debug("retention purge", "removed", 0)
	}
}
