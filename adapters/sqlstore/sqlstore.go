// Package sqlstore holds what the SQL stores (adapters/sqlite and
// adapters/postgres) do alike: the hand-off and outcome columns they read and
// how a scanned row becomes a core.Handoff or core.Outcome, the transcript's
// JSON, the hand-off reference, the "why did my conditional UPDATE change
// nothing" answer, and reading the numbered migration files. The SQL itself,
// the drivers, the time encodings and the locking stay in each store: they
// really differ.
package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/kaiketsu/kaiketsu/core"
)

// HandoffColumns are read by ScanHandoff, in this order. Both schemas name
// them alike.
const HandoffColumns = `id, platform, requester, requester_name, channel, playbook, topic, lang,
	transcript, status, claimed_by, claimed_at, solved_by, solved_at, created_at, card`

// OutcomeColumns are read by ScanOutcome, in this order.
const OutcomeColumns = `walk, kind, platform, playbook, topic, step, lang, at`

// Scanner is one result row: *sql.Row, *sql.Rows, pgx.Row and pgx.Rows all
// are.
type Scanner interface {
	Scan(dest ...any) error
}

// Rows is a result set being read: *sql.Rows and pgx.Rows both are. Closing
// stays with the caller (their Close methods differ).
type Rows interface {
	Scanner
	Next() bool
	Err() error
}

// ScanHandoff reads one row of HandoffColumns. The time columns are scanned
// into a T, the driver's own nullable form (SQLite: sql.NullInt64 of Unix
// microseconds; PostgreSQL: *time.Time), and turned into a time by toTime,
// the zero time for NULL. The transcript is scanned as bytes (NULL: nil). A
// missing row (noRows, the driver's ErrNoRows) is core.ErrNotFound.
func ScanHandoff[T any](r Scanner, noRows error, toTime func(T) time.Time) (*core.Handoff, error) {
	var (
		h                            core.Handoff
		transcript                   []byte
		status                       string
		claimedAt, solvedAt, created T
	)
	err := r.Scan(&h.ID, &h.Platform, &h.Requester, &h.RequesterName, &h.Channel, &h.Playbook, &h.Topic, &h.Lang,
		&transcript, &status, &h.ClaimedBy, &claimedAt, &h.SolvedBy, &solvedAt, &created, &h.Card)
	if errors.Is(err, noRows) {
		return nil, core.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	h.Ref = Ref(h.ID)
	h.Status = core.HandoffStatus(status)
	h.ClaimedAt, h.SolvedAt, h.CreatedAt = toTime(claimedAt), toTime(solvedAt), toTime(created)
	if h.Transcript, err = DecodeTranscript(transcript); err != nil {
		return nil, fmt.Errorf("hand-off %d: transcript: %w", h.ID, err)
	}
	return &h, nil
}

// ScanOutcome reads one row of OutcomeColumns; the time is scanned into a T
// and converted by toTime, as in ScanHandoff.
func ScanOutcome[T any](r Scanner, toTime func(T) time.Time) (core.Outcome, error) {
	var (
		o    core.Outcome
		kind string
		at   T
	)
	if err := r.Scan(&o.Walk, &kind, &o.Platform, &o.Playbook, &o.Topic, &o.Step, &o.Lang, &at); err != nil {
		return core.Outcome{}, err
	}
	o.Kind, o.At = core.OutcomeKind(kind), toTime(at)
	return o, nil
}

// Collect reads every row of rows with scan. It does not close rows.
func Collect[E any](rows Rows, scan func(Scanner) (E, error)) ([]E, error) {
	var out []E
	for rows.Next() {
		e, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

// Ref is the reference shown to people for hand-off id, e.g. "K-42".
func Ref(id int64) string { return fmt.Sprintf("K-%d", id) }

// EncodeTranscript is the transcript column's value: its JSON as a string,
// or nil (NULL) when there is none.
func EncodeTranscript(t []core.TranscriptEntry) (any, error) {
	if len(t) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(t)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// DecodeTranscript reads the transcript column: nil for NULL (purged) and
// for an empty array alike.
func DecodeTranscript(b []byte) ([]core.TranscriptEntry, error) {
	if b == nil {
		return nil, nil
	}
	var t []core.TranscriptEntry
	if err := json.Unmarshal(b, &t); err != nil {
		return nil, err
	}
	if len(t) == 0 {
		return nil, nil
	}
	return t, nil
}

// PrepareHandoff fills in what CreateHandoff defaults (CreatedAt now, status
// open) and returns the transcript column's value.
func PrepareHandoff(h *core.Handoff) (transcript any, err error) {
	if h.CreatedAt.IsZero() {
		h.CreatedAt = time.Now()
	}
	if h.Status == "" {
		h.Status = core.HandoffOpen
	}
	tr, err := EncodeTranscript(h.Transcript)
	if err != nil {
		return nil, fmt.Errorf("transcript: %w", err)
	}
	return tr, nil
}

// Conditional runs update, a conditional UPDATE of hand-off id with
// RETURNING HandoffColumns (core.ErrNotFound when no row matched). When it
// changed nothing, the hand-off is read again with get to say why: unknown
// (core.ErrNotFound), or as it stands with the error lost gives for it. op
// names the operation in errors ("claim").
func Conditional(ctx context.Context, op string, id int64,
	update func() (*core.Handoff, error),
	get func(ctx context.Context, id int64) (*core.Handoff, error),
	lost func(*core.Handoff) error,
) (*core.Handoff, error) {
	h, err := update()
	if err == nil {
		return h, nil
	}
	if !errors.Is(err, core.ErrNotFound) {
		return nil, fmt.Errorf("%s hand-off %d: %w", op, id, err)
	}
	h, err = get(ctx, id)
	if err != nil {
		return nil, err
	}
	return h, lost(h)
}

// ClaimLost is why a claim (WHERE status = 'open') of an existing hand-off
// changed nothing: it is solved, or someone has it.
func ClaimLost(h *core.Handoff) error {
	if h.Status == core.HandoffSolved {
		return core.ErrAlreadySolved
	}
	return core.ErrAlreadyClaimed
}

// SolveLost is why a solve (WHERE status <> 'solved') of an existing
// hand-off changed nothing: it already was solved.
func SolveLost(*core.Handoff) error { return core.ErrAlreadySolved }
