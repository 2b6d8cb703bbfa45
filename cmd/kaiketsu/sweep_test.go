package main

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestSweepCards: each edge's sweep runs as serve starts, not only after
// the first interval, and the wait returns once serve stops.
func TestSweepCards(t *testing.T) {
	var runs atomic.Int32
	ran := make(chan struct{}, 1)
	ctx, cancel := context.WithCancel(context.Background())
	wait := sweepCards(ctx, []*edge{
		{name: "without"},
		{name: "with", sweep: func(context.Context) {
			runs.Add(1)
			select {
			case ran <- struct{}{}:
			default:
			}
		}},
	})
	select {
	case <-ran:
	case <-time.After(10 * time.Second):
		t.Fatal("the sweep did not run at start")
	}
	cancel()
	wait()
	if n := runs.Load(); n != 1 {
		t.Errorf("%d sweeps, want 1 (the next is %v later)", n, cardSweepEvery)
	}
}
