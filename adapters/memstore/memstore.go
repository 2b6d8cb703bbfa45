// Package memstore is an in-memory core.Store: for `kaiketsu chat`, for
// tests, and as the reference the database stores are checked against. It
// keeps nothing across restarts and is not shared between instances.
package memstore

import (
	"context"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/kaiketsu/kaiketsu/core"
)

// Store is an in-memory core.Store.
type Store struct {
	mu       sync.Mutex
	handoffs []*core.Handoff
	outcomes []core.Outcome
	seen     map[string]time.Time
}

var _ core.Store = (*Store)(nil)

// New returns an empty store.
func New() *Store {
	return &Store{seen: map[string]time.Time{}}
}

func clone(h *core.Handoff) *core.Handoff {
	c := *h
	c.Transcript = append([]core.TranscriptEntry(nil), h.Transcript...)
	return &c
}

// CreateHandoff implements core.Store.
func (s *Store) CreateHandoff(_ context.Context, h *core.Handoff) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h.ID = int64(len(s.handoffs) + 1)
	h.Ref = fmt.Sprintf("K-%d", h.ID)
	if h.CreatedAt.IsZero() {
		h.CreatedAt = time.Now()
	}
	if h.Status == "" {
		h.Status = core.HandoffOpen
	}
	s.handoffs = append(s.handoffs, clone(h))
	return nil
}

func (s *Store) get(id int64) (*core.Handoff, error) {
	if id < 1 || id > int64(len(s.handoffs)) {
		return nil, core.ErrNotFound
	}
	return s.handoffs[id-1], nil
}

// Handoff implements core.Store.
func (s *Store) Handoff(_ context.Context, id int64) (*core.Handoff, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := s.get(id)
	if err != nil {
		return nil, err
	}
	return clone(h), nil
}

// ClaimHandoff implements core.Store.
func (s *Store) ClaimHandoff(_ context.Context, id int64, agent string, at time.Time) (*core.Handoff, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := s.get(id)
	if err != nil {
		return nil, err
	}
	switch h.Status {
	case core.HandoffSolved:
		return clone(h), core.ErrAlreadySolved
	case core.HandoffClaimed:
		return clone(h), core.ErrAlreadyClaimed
	}
	h.Status, h.ClaimedBy, h.ClaimedAt = core.HandoffClaimed, agent, at
	return clone(h), nil
}

// SolveHandoff implements core.Store.
func (s *Store) SolveHandoff(_ context.Context, id int64, agent string, at time.Time) (*core.Handoff, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := s.get(id)
	if err != nil {
		return nil, err
	}
	if h.Status == core.HandoffSolved {
		return clone(h), core.ErrAlreadySolved
	}
	h.Status, h.SolvedBy, h.SolvedAt = core.HandoffSolved, agent, at
	return clone(h), nil
}

// SetHandoffCard implements core.Store.
func (s *Store) SetHandoffCard(_ context.Context, id int64, card string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := s.get(id)
	if err != nil {
		return err
	}
	h.Card = card
	return nil
}

// SwapHandoffCard implements core.Store.
func (s *Store) SwapHandoffCard(_ context.Context, id int64, old, new string) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	h, err := s.get(id)
	if err != nil {
		return false, err
	}
	if h.Card != old {
		return false, nil
	}
	h.Card = new
	return true, nil
}

// ListHandoffs implements core.Store.
func (s *Store) ListHandoffs(_ context.Context, limit int, status ...core.HandoffStatus) ([]*core.Handoff, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*core.Handoff
	for i := len(s.handoffs) - 1; i >= 0 && (limit <= 0 || len(out) < limit); i-- {
		h := s.handoffs[i]
		if len(status) == 0 || contains(status, h.Status) {
			out = append(out, clone(h))
		}
	}
	return out, nil
}

func contains(list []core.HandoffStatus, s core.HandoffStatus) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// RecordOutcome implements core.Store.
func (s *Store) RecordOutcome(_ context.Context, o core.Outcome) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outcomes = append(s.outcomes, o)
	return nil
}

// Outcomes implements core.Store.
func (s *Store) Outcomes(_ context.Context, since time.Time) ([]core.Outcome, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []core.Outcome
	for _, o := range s.outcomes {
		if !o.At.Before(since) {
			out = append(out, o)
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].At.Before(out[j].At) })
	return out, nil
}

// FirstSeen implements core.Store.
func (s *Store) FirstSeen(_ context.Context, key string, at time.Time) (bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.seen[key]; ok {
		return false, nil
	}
	s.seen[key] = at
	return true, nil
}

// Purge implements core.Store.
func (s *Store) Purge(_ context.Context, before time.Time) (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var n int64
	kept := s.outcomes[:0]
	for _, o := range s.outcomes {
		if o.At.Before(before) {
			n++
			continue
		}
		kept = append(kept, o)
	}
	s.outcomes = kept
	for k, at := range s.seen {
		if at.Before(before) {
			delete(s.seen, k)
			n++
		}
	}
	// Retention counts from when a hand-off was solved, not created: an
	// agent working a long-open hand-off still needs its transcript.
	for _, h := range s.handoffs {
		if h.Status == core.HandoffSolved && h.SolvedAt.Before(before) && h.Transcript != nil {
			h.Transcript = nil
			n++
		}
	}
	return n, nil
}

// Ping implements core.Store.
func (s *Store) Ping(context.Context) error { return nil }

// Close implements core.Store.
func (s *Store) Close() error { return nil }
