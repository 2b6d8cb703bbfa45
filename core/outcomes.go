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
	log   *slog.Logger
	queue chan Outcome
	done  chan struct{}
	once  sync.Once

	mu     sync.RWMutex // guards closed against a send on a closed queue
	closed bool
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
	b := &BufferedOutcomes{Store: store, log: log, queue: make(chan Outcome, outcomeQueue), done: make(chan struct{})}
	go b.run()
	return b
}

// RecordOutcome queues o; see BufferedOutcomes.
func (b *BufferedOutcomes) RecordOutcome(ctx context.Context, o Outcome) error {
	b.mu.RLock()
	if !b.closed {
		select {
		case b.queue <- o:
			b.mu.RUnlock()
			return nil
		default:
		}
	}
	b.mu.RUnlock()
	return b.Store.RecordOutcome(ctx, o)
}

func (b *BufferedOutcomes) run() {
	defer close(b.done)
	batch := make([]Outcome, 0, outcomeBatch)
	tick := time.NewTicker(outcomeFlush)
	defer tick.Stop()
	for {
		select {
		case o, ok := <-b.queue:
			if !ok {
				b.write(batch)
				return
			}
			batch = append(batch, o)
			if len(batch) < outcomeBatch {
				continue
			}
		case <-tick.C:
		}
		b.write(batch)
		batch = batch[:0]
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
		close(b.queue)
		b.mu.Unlock()
		<-b.done
	})
}

// Close writes what is queued, then closes the wrapped store.
func (b *BufferedOutcomes) Close() error {
	b.Flush()
	return b.Store.Close()
}
