package metrics

import (
	"context"

	"github.com/kaiketsu/kaiketsu/core"
)

// Store wraps s so that every walkthrough outcome recorded through it is
// also counted (kaiketsu_walkthroughs_total). Only outcomes the store
// accepted are counted. The engine records each start, resolution and
// hand-off exactly once per answer, which answers alone cannot tell apart
// (a first step may be a start or a "back").
func (m *Metrics) Store(s core.Store) core.Store {
	if s == nil {
		return nil
	}
	return &countingStore{Store: s, m: m}
}

type countingStore struct {
	core.Store
	m *Metrics
}

func (s *countingStore) RecordOutcome(ctx context.Context, o core.Outcome) error {
	if err := s.Store.RecordOutcome(ctx, o); err != nil {
		return err
	}
	s.m.outcomeCounts.get([4]string{label(o.Platform), o.Playbook, o.Topic, string(o.Kind)}, labels4).Inc()
	return nil
}
