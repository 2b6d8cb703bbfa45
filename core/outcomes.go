package core

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// OutcomeBatcher is implemented by stores that can record many outcomes at
// once, in one transaction.
type OutcomeBatcher interface {
	RecordOutcomes(ctx context.Context, os []Outcome) error
}

// BufferedOutcomes is a Store whose RecordOutcome returns at once: outcomes
// are queued and written in batches by one background writer, so that a
// person's answer never waits on a database write (on SQLite, a write per
// request would cost more than everything else the request does).
// Everything else goes straight to the wrapped store. Outcomes are only
// statistics: a crash loses at most the last flush interval, and Close
// writes what is queued. When the queue is full, RecordOutcome writes
// synchronously rather than drop anything.
type BufferedOutcomes struct {
	Store
	log  *slog.Logger
	full chan struct{} // a batch is ready (buffered: the writer may be busy)
	stop chan struct{} // closed by Flush
	done chan struct{}
	once sync.Once

	// Outcomes are appended under a mutex and taken by the writer when a
	// batch is full or on its tick: a channel send per outcome woke the
	// writer for every request, which cost more than the append.
	mu      sync.Mutex
	pending []Outcome
	closed  bool
}

// Batching parameters.
const (
	outcomeQueue = 4096
	outcomeBatch = 256
	outcomeFlush = 200 * time.Millisecond
)

// NewBufferedOutcomes starts the background writer for store.
func NewBufferedOutcomes(store Store, log *slog.Logger) *BufferedOutcomes {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &BufferedOutcomes{
		Store: store, log: log,
		full: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{}),
		pending: make([]Outcome, 0, outcomeBatch),
	}
	go b.run()
	return b
}

// RecordOutcome queues o; see BufferedOutcomes.
func (b *BufferedOutcomes) RecordOutcome(ctx context.Context, o Outcome) error {
	b.mu.Lock()
	if !b.closed && len(b.pending) < outcomeQueue {
		b.pending = append(b.pending, o)
		n := len(b.pending)
		b.mu.Unlock()
		if n == outcomeBatch {
			select {
			case b.full <- struct{}{}:
			default:
			}
		}
		return nil
	}
	b.mu.Unlock()
	return b.Store.RecordOutcome(ctx, o)
}

func (b *BufferedOutcomes) run() {
	defer close(b.done)
	tick := time.NewTicker(outcomeFlush)
	defer tick.Stop()
	spare := make([]Outcome, 0, outcomeBatch)
	for {
		select {
		case <-b.full:
		case <-tick.C:
		case <-b.stop:
		}
		// Swap the buffers: recorders append to the spare one while this
		// one is written.
		b.mu.Lock()
		taken, closed := b.pending, b.closed
		b.pending = spare[:0]
		b.mu.Unlock()
		spare = taken
		for len(taken) > 0 {
			n := min(len(taken), outcomeBatch)
			b.write(taken[:n])
			taken = taken[n:]
		}
		if closed {
			return
		}
	}
}

func (b *BufferedOutcomes) write(batch []Outcome) {
	if len(batch) == 0 {
		return
	}
	// The writer outlives any request; it has its own deadline.
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if bs, ok := b.Store.(OutcomeBatcher); ok {
		if err := bs.RecordOutcomes(ctx, batch); err != nil {
			b.log.Error("record outcomes", "count", len(batch), "err", err)
		}
		return
	}
	for _, o := range batch {
		if err := b.Store.RecordOutcome(ctx, o); err != nil {
			b.log.Error("record outcome", "walk", o.Walk, "err", err)
		}
	}
}

// Flush writes every queued outcome and stops the writer; later outcomes
// are written synchronously. It does not close the wrapped store.
func (b *BufferedOutcomes) Flush() {
	b.once.Do(func() {
		b.mu.Lock()
		b.closed = true
		b.mu.Unlock()
		close(b.stop)
		<-b.done
	})
}

// Close writes what is queued, then closes the wrapped store.
func (b *BufferedOutcomes) Close() error {
	b.Flush()
	return b.Store.Close()
}
