package slack

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/core"
)

// TestDrainWaitsForPendingUpdates: a click is acked before its update is
// sent; a stopping server's drain waits for the update.
func TestDrainWaitsForPendingUpdates(t *testing.T) {
	tb := newTestBot(t, nil)
	gate := make(chan struct{})
	tb.fake.mu.Lock()
	tb.fake.gate = gate
	tb.fake.mu.Unlock()
	tok := tb.eng.Ask(context.Background(), core.Request{Text: "help"}).Buttons[0].ID
	tb.click(t, "U0REQUEST", "C1", "k:0", tok, "d", true)
	if n := len(tb.fake.responsePosts()); n != 0 {
		t.Fatalf("the update was sent before the ack returned")
	}
	drained := make(chan error, 1)
	go func() { drained <- tb.Drain(context.Background()) }()
	select {
	case err := <-drained:
		t.Fatalf("drain returned (%v) while an update was still pending", err)
	case <-time.After(50 * time.Millisecond):
	}
	close(gate)
	if err := <-drained; err != nil {
		t.Fatalf("drain: %v", err)
	}
	if n := len(tb.fake.responsePosts()); n != 1 {
		t.Errorf("%d updates sent by the time drain returned, want 1", n)
	}
}

// TestDrainGivesUp: when the grace period ends first, drain cancels what
// is pending, says so in the log, and returns.
func TestDrainGivesUp(t *testing.T) {
	tb := newTestBot(t, nil)
	tb.fake.mu.Lock()
	tb.fake.gate = make(chan struct{}) // never opens
	tb.fake.mu.Unlock()
	tok := tb.eng.Ask(context.Background(), core.Request{Text: "help"}).Buttons[0].ID
	tb.click(t, "U0REQUEST", "C1", "k:0", tok, "d", true)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := tb.Drain(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("drain: %v, want the deadline", err)
	}
	if !strings.Contains(tb.logs.String(), "stopped before every update was sent") {
		t.Errorf("the abandoned update is not logged:\n%s", tb.logs)
	}
}
