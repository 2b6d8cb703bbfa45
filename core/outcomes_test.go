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
