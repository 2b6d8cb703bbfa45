package main

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/config"
	"github.com/kaiketsu/kaiketsu/core"
)

// openStore opens the store named by KAIKETSU_DATABASE_URL.
func openStore(ctx context.Context, cfg config.Config, log *slog.Logger) (core.Store, error) {
	switch {
	case cfg.DatabaseURL == "memory:":
		log.Warn("KAIKETSU_DATABASE_URL=memory: hand-offs and outcomes are lost at exit")
		return memstore.New(), nil
	}
	return nil, fmt.Errorf("KAIKETSU_DATABASE_URL: unsupported store")
}
