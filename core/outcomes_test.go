package core_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/core"
)

// TestBufferedOutcomesLoseNothing: outcomes recorded from many goroutines,
// more than the queue holds, are all in the store after Close, each once,
// and recording after Close still works.
func TestBufferedOutcomesLoseNothing(t *testing.T) {
	mem := memstore.New()
	b := core.NewBufferedOutcomes(mem, nil)
	ctx := context.Background()
	const n = 10000
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := g; i < n; i += 8 {
				o := core.Outcome{Walk: fmt.Sprintf("w%d", i), Kind: core.OutcomeStarted, Topic: "t", At: time.Unix(int64(i), 0)}
				if err := b.RecordOutcome(ctx, o); err != nil {
					t.Error(err)
				}
			}
		}()
	}
	wg.Wait()
	b.Flush()
	if err := b.RecordOutcome(ctx, core.Outcome{Walk: "late", Kind: core.OutcomeResolved, Topic: "t", At: time.Unix(n, 0)}); err != nil {
		t.Fatalf("after Flush: %v", err)
	}
	got, err := mem.Outcomes(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != n+1 {
		t.Errorf("store has %d outcomes, want %d", len(got), n+1)
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
}

// batchRecorder is a store that records the batches it is given.
type batchRecorder struct {
	*memstore.Store
	mu      sync.Mutex
	batches [][]core.Outcome
}

func (r *batchRecorder) RecordOutcomes(_ context.Context, os []core.Outcome) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.batches = append(r.batches, append([]core.Outcome(nil), os...))
	return nil
}

// TestBufferedOutcomesBatches: a batching store gets the outcomes in the
// order they were recorded, in batches of at most 256 (one row each on
// SQLite), however many were queued between two writes.
func TestBufferedOutcomesBatches(t *testing.T) {
	rec := &batchRecorder{Store: memstore.New()}
	b := core.NewBufferedOutcomes(rec, nil)
	const n = 3000
	for i := range n {
		if err := b.RecordOutcome(context.Background(), core.Outcome{Walk: fmt.Sprint(i), Kind: core.OutcomeStarted}); err != nil {
			t.Fatal(err)
		}
	}
	b.Flush()
	next := 0
	for _, batch := range rec.batches {
		if len(batch) == 0 || len(batch) > 256 {
			t.Errorf("batch of %d outcomes, want 1 to 256", len(batch))
		}
		for _, o := range batch {
			if o.Walk != fmt.Sprint(next) {
				t.Fatalf("outcome %q written where %d was due", o.Walk, next)
			}
			next++
		}
	}
	if next != n {
		t.Errorf("%d outcomes written, want %d", next, n)
	}
}
