package storetest

import (
	"context"
	"testing"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/core"
)

// Serving returns a store wired as kaiketsu serve wires one, for handler
// benchmarks: outcomes are queued (core.BufferedOutcomes) and their batches
// dropped, everything else kept in memory. A bare memstore would keep
// every outcome of a million-iteration benchmark in one growing slice,
// whose copying and scanning by the collector then dominate the figures.
func Serving(tb testing.TB) core.Store {
	b := core.NewBufferedOutcomes(droppedBatches{memstore.New()}, nil)
	tb.Cleanup(b.Flush)
	return b
}

type droppedBatches struct{ core.Store }

func (droppedBatches) RecordOutcomes(context.Context, []core.Outcome) error { return nil }
