package core

import (
	"context"
	"errors"
	"time"
)

// Store keeps what must outlive one request: hand-offs, walkthrough
// outcomes and the ids of platform events already handled. Implementations
// live under adapters/ (memstore, sqlite, postgres) and must be safe for
// concurrent use, including by several Kaiketsu instances sharing one
// database.
type Store interface {
	// CreateHandoff stores h and fills in its ID, Ref and CreatedAt.
	CreateHandoff(ctx context.Context, h *Handoff) error
	// Handoff returns one hand-off by ID, or ErrNotFound.
	Handoff(ctx context.Context, id int64) (*Handoff, error)
	// ClaimHandoff gives an open hand-off to agent atomically: exactly one
	// of several concurrent claims wins. Losers get ErrAlreadyClaimed
	// together with the hand-off as it stands (who has it). ErrNotFound
	// for an unknown id; ErrAlreadySolved once solved.
	ClaimHandoff(ctx context.Context, id int64, agent string, at time.Time) (*Handoff, error)
	// SolveHandoff marks a hand-off solved by agent. ErrAlreadySolved when
	// it already was; ErrNotFound for an unknown id.
	SolveHandoff(ctx context.Context, id int64, agent string, at time.Time) (*Handoff, error)
	// SetHandoffCard records where the hand-off's card was posted.
	SetHandoffCard(ctx context.Context, id int64, card string) error
	// SwapHandoffCard sets the card to new only if it is old, atomically,
	// and reports whether it did: of several instances about to post the
	// same card, exactly one wins. ErrNotFound for an unknown id.
	SwapHandoffCard(ctx context.Context, id int64, old, new string) (bool, error)
	// ListHandoffs returns hand-offs with one of the statuses (all when
	// none is given), newest first, at most limit.
	ListHandoffs(ctx context.Context, limit int, status ...HandoffStatus) ([]*Handoff, error)

	// RecordOutcome records what happened in a walkthrough. Stores keep
	// every record, repeats included (a double click, a retried delivery):
	// Summarize counts each walkthrough once per kind and topic, so that
	// a write is an append, with no uniqueness check on the way.
	RecordOutcome(ctx context.Context, o Outcome) error
	// Outcomes returns the outcomes recorded at or after since.
	Outcomes(ctx context.Context, since time.Time) ([]Outcome, error)

	// FirstSeen records key (a platform event id) and reports whether it
	// was new, so that a retried delivery is answered once, across
	// instances. Keys older than the retention are forgotten by Purge.
	FirstSeen(ctx context.Context, key string, at time.Time) (bool, error)

	// Purge deletes outcomes and seen keys older than before, and the
	// transcripts of hand-offs solved before it (open and claimed ones keep
	// theirs), and returns how many rows went.
	Purge(ctx context.Context, before time.Time) (int64, error)
	// Ping reports whether the store is reachable.
	Ping(ctx context.Context) error
	Close() error
}

// Store errors.
var (
	ErrNotFound       = errors.New("not found")
	ErrAlreadyClaimed = errors.New("already claimed")
	ErrAlreadySolved  = errors.New("already solved")
)

// HandoffStatus is where a hand-off stands.
type HandoffStatus string

// Hand-off statuses.
const (
	HandoffOpen    HandoffStatus = "open"
	HandoffClaimed HandoffStatus = "claimed"
	HandoffSolved  HandoffStatus = "solved"
)

// Handoff is a person passed to a human, with what they already tried.
type Handoff struct {
	ID            int64
	Ref           string // short reference shown to people, e.g. "K-42"
	Platform      string
	Requester     string // platform user id
	RequesterName string
	Channel       string
	Playbook      string
	Topic         string
	Lang          string
	Transcript    []TranscriptEntry
	Status        HandoffStatus
	ClaimedBy     string
	ClaimedAt     time.Time
	SolvedBy      string
	SolvedAt      time.Time
	CreatedAt     time.Time
	// Card is the platform's reference to the posted hand-off card
	// (e.g. "C123/1700000000.000100"); empty until posted.
	Card string
}

// TranscriptEntry is one step the person went through.
type TranscriptEntry struct {
	Topic  string `json:"topic"`
	Step   string `json:"step"`
	Title  string `json:"title"`
	Result string `json:"result"` // ResultDidNotWork, ResultChose or ResultCurrent
	// Chose is the label of the choice the person picked at this step,
	// in their language, when Result is ResultChose.
	Chose string `json:"chose,omitempty"`
}

// Transcript results.
const (
	ResultDidNotWork = "did not work"
	ResultCurrent    = "was on this step"
	ResultChose      = "chose"
)

// OutcomeKind is what happened in a walkthrough.
type OutcomeKind string

// Outcome kinds. A walkthrough that was started but neither resolved nor
// handed off was left.
const (
	OutcomeStarted  OutcomeKind = "started"
	OutcomeResolved OutcomeKind = "resolved"
	OutcomeHandoff  OutcomeKind = "handoff"
)

// Outcome is one event in a walkthrough's life.
type Outcome struct {
	Walk     string // walkthrough id, from the token
	Kind     OutcomeKind
	Platform string
	Playbook string
	Topic    string
	Step     int // 1-based step number within the topic; 0 for started
	Lang     string
	At       time.Time
}
