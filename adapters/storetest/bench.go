package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/core"
)

// Bench measures the store operations on the request path: what a
// walkthrough records on every button, a hand-off, a claim and the
// first-seen check on every platform event. open returns a store on a
// fresh database.
func Bench(b *testing.B, open func(b *testing.B) core.Store) {
	ctx := context.Background()
	b.Run("RecordOutcome", func(b *testing.B) {
		s := open(b)
		i := 0
		for b.Loop() {
			i++
			if err := s.RecordOutcome(ctx, outcome(fmt.Sprint(i), core.OutcomeStarted, "otp", 0, t0)); err != nil {
				b.Fatal(err)
			}
		}
	})
	// What kaiketsu serve does: outcomes in batches of 256 (when the store
	// takes batches), reported per outcome.
	b.Run("RecordOutcomesBatch", func(b *testing.B) {
		s := open(b)
		bs, ok := s.(core.OutcomeBatcher)
		if !ok {
			b.Skip("the store records outcomes one at a time")
		}
		batch := make([]core.Outcome, 256)
		i := 0
		for b.Loop() {
			for j := range batch {
				i++
				batch[j] = outcome(fmt.Sprintf("%08x", i), core.OutcomeStarted, "otp", 0, t0.Add(time.Duration(i)*time.Millisecond))
			}
			if err := bs.RecordOutcomes(ctx, batch); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(batch)), "ns/outcome")
	})
	b.Run("FirstSeen", func(b *testing.B) {
		s := open(b)
		i := 0
		for b.Loop() {
			i++
			if _, err := s.FirstSeen(ctx, fmt.Sprint("slack:Ev", i), t0); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("CreateAndClaim", func(b *testing.B) {
		s := open(b)
		for b.Loop() {
			h := sample("U1")
			if err := s.CreateHandoff(ctx, h); err != nil {
				b.Fatal(err)
			}
			if _, err := s.ClaimHandoff(ctx, h.ID, "UAGENT", t0.Add(time.Minute)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("ClaimParallel", func(b *testing.B) {
		// Many agents on many hand-offs at once: throughput under contention.
		s := open(b)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				h := sample("U1")
				if err := s.CreateHandoff(ctx, h); err != nil {
					b.Error(err)
					return
				}
				if _, err := s.ClaimHandoff(ctx, h.ID, "UAGENT", t0); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
