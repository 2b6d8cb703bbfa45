// Package postgres is the core.Store for several Kaiketsu instances behind
// a load balancer, on PostgreSQL through github.com/jackc/pgx/v5. Every
// instance opens the same database; claims, first-seen keys and outcomes
// are decided by the database, so they hold across instances.
package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/kaiketsu/kaiketsu/adapters/sqlstore"
	"github.com/kaiketsu/kaiketsu/core"
)

// Store is a core.Store in a PostgreSQL database.
type Store struct {
	pool *pgxpool.Pool
}

var _ core.Store = (*Store)(nil)

// IsURL reports whether url names a PostgreSQL database.
func IsURL(url string) bool {
	return strings.HasPrefix(url, "postgres://") || strings.HasPrefix(url, "postgresql://")
}

// Open connects to the database at url (postgres://user@host:5432/db?...;
// a search_path parameter selects the schema) and applies the pending
// migrations. Errors never include the password.
func Open(ctx context.Context, url string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(url)
	if err != nil {
		// pgx redacts the password in its parse errors.
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("open postgres: %w", err)
	}
	s := &Store{pool: pool}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres %s: %w", where(cfg), err)
	}
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open postgres %s: %w", where(cfg), err)
	}
	return s, nil
}

// where names the database for messages, without credentials.
func where(cfg *pgxpool.Config) string {
	c := cfg.ConnConfig
	return fmt.Sprintf("%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// Pool returns the connection pool, for tests and tools.
func (s *Store) Pool() *pgxpool.Pool { return s.pool }

func scanHandoff(r sqlstore.Scanner) (*core.Handoff, error) {
	return sqlstore.ScanHandoff(r, pgx.ErrNoRows, fromNull)
}

// nullTime stores the zero time as NULL.
func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t
}

// fromNull reads a nullable timestamptz: NULL is the zero time.
func fromNull(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return *t
}

// CreateHandoff implements core.Store.
func (s *Store) CreateHandoff(ctx context.Context, h *core.Handoff) error {
	tr, err := sqlstore.PrepareHandoff(h)
	if err != nil {
		return fmt.Errorf("create hand-off: %w", err)
	}
	err = s.pool.QueryRow(ctx, `INSERT INTO handoffs
		(platform, requester, requester_name, channel, playbook, topic, lang, transcript, status, claimed_by, claimed_at, solved_by, solved_at, created_at, card)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) RETURNING id`,
		h.Platform, h.Requester, h.RequesterName, h.Channel, h.Playbook, h.Topic, h.Lang, tr, string(h.Status),
		h.ClaimedBy, nullTime(h.ClaimedAt), h.SolvedBy, nullTime(h.SolvedAt), h.CreatedAt, h.Card).Scan(&h.ID)
	if err != nil {
		return fmt.Errorf("create hand-off: %w", err)
	}
	h.Ref = sqlstore.Ref(h.ID)
	return nil
}

// Handoff implements core.Store.
func (s *Store) Handoff(ctx context.Context, id int64) (*core.Handoff, error) {
	h, err := scanHandoff(s.pool.QueryRow(ctx, `SELECT `+sqlstore.HandoffColumns+` FROM handoffs WHERE id = $1`, id))
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return nil, fmt.Errorf("hand-off %d: %w", id, err)
	}
	return h, err
}

// ClaimHandoff implements core.Store. The claim is one conditional UPDATE:
// a concurrent UPDATE of the same row waits for the first to commit, then
// re-checks status = 'open' against the new row and changes nothing, so of
// any number of claims from any number of instances exactly one wins.
func (s *Store) ClaimHandoff(ctx context.Context, id int64, agent string, at time.Time) (*core.Handoff, error) {
	return sqlstore.Conditional(ctx, "claim", id, func() (*core.Handoff, error) {
		return scanHandoff(s.pool.QueryRow(ctx, `UPDATE handoffs SET status = 'claimed', claimed_by = $1, claimed_at = $2
			WHERE id = $3 AND status = 'open' RETURNING `+sqlstore.HandoffColumns, agent, at, id))
	}, s.Handoff, sqlstore.ClaimLost)
}

// SolveHandoff implements core.Store.
func (s *Store) SolveHandoff(ctx context.Context, id int64, agent string, at time.Time) (*core.Handoff, error) {
	return sqlstore.Conditional(ctx, "solve", id, func() (*core.Handoff, error) {
		return scanHandoff(s.pool.QueryRow(ctx, `UPDATE handoffs SET status = 'solved', solved_by = $1, solved_at = $2
			WHERE id = $3 AND status <> 'solved' RETURNING `+sqlstore.HandoffColumns, agent, at, id))
	}, s.Handoff, sqlstore.SolveLost)
}

// SetHandoffCard implements core.Store.
func (s *Store) SetHandoffCard(ctx context.Context, id int64, card string) error {
	tag, err := s.pool.Exec(ctx, `UPDATE handoffs SET card = $1 WHERE id = $2`, card, id)
	if err != nil {
		return fmt.Errorf("set hand-off %d card: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return core.ErrNotFound
	}
	return nil
}

// SwapHandoffCard implements core.Store: one conditional UPDATE, atomic
// under PostgreSQL's row lock.
func (s *Store) SwapHandoffCard(ctx context.Context, id int64, old, new string) (bool, error) {
	tag, err := s.pool.Exec(ctx, `UPDATE handoffs SET card = $1 WHERE id = $2 AND card = $3`, new, id, old)
	if err != nil {
		return false, fmt.Errorf("swap hand-off %d card: %w", id, err)
	}
	if tag.RowsAffected() == 1 {
		return true, nil
	}
	if _, err := s.Handoff(ctx, id); err != nil {
		return false, err
	}
	return false, nil
}

// ListHandoffs implements core.Store.
func (s *Store) ListHandoffs(ctx context.Context, limit int, status ...core.HandoffStatus) ([]*core.Handoff, error) {
	q := `SELECT ` + sqlstore.HandoffColumns + ` FROM handoffs`
	var args []any
	if len(status) > 0 {
		st := make([]string, len(status))
		for i, x := range status {
			st[i] = string(x)
		}
		args = append(args, st)
		q += ` WHERE status = ANY($1)`
	}
	q += ` ORDER BY id DESC`
	if limit > 0 {
		args = append(args, limit)
		q += fmt.Sprintf(` LIMIT $%d`, len(args))
	}
	rows, err := s.pool.Query(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("list hand-offs: %w", err)
	}
	defer rows.Close()
	out, err := sqlstore.Collect(rows, scanHandoff)
	if err != nil {
		return nil, fmt.Errorf("list hand-offs: %w", err)
	}
	return out, nil
}

const insertOutcome = `INSERT INTO outcomes (walk, kind, platform, playbook, topic, step, lang, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`

// RecordOutcome implements core.Store.
func (s *Store) RecordOutcome(ctx context.Context, o core.Outcome) error {
	_, err := s.pool.Exec(ctx, insertOutcome,
		o.Walk, string(o.Kind), o.Platform, o.Playbook, o.Topic, o.Step, o.Lang, o.At)
	if err != nil {
		return fmt.Errorf("record outcome: %w", err)
	}
	return nil
}

var _ core.OutcomeBatcher = (*Store)(nil)

// RecordOutcomes implements core.OutcomeBatcher: the rows go in one round
// trip, as a pgx batch inside one transaction.
func (s *Store) RecordOutcomes(ctx context.Context, os []core.Outcome) error {
	var batch pgx.Batch
	for _, o := range os {
		batch.Queue(insertOutcome, o.Walk, string(o.Kind), o.Platform, o.Playbook, o.Topic, o.Step, o.Lang, o.At)
	}
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return tx.SendBatch(ctx, &batch).Close()
	})
	if err != nil {
		return fmt.Errorf("record outcomes: %w", err)
	}
	return nil
}

// Outcomes implements core.Store.
func (s *Store) Outcomes(ctx context.Context, since time.Time) ([]core.Outcome, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+sqlstore.OutcomeColumns+`
		FROM outcomes WHERE at >= $1 ORDER BY at, id`, since)
	if err != nil {
		return nil, fmt.Errorf("outcomes: %w", err)
	}
	defer rows.Close()
	out, err := sqlstore.Collect(rows, func(r sqlstore.Scanner) (core.Outcome, error) {
		// at is NOT NULL: scanned straight into a time.Time.
		return sqlstore.ScanOutcome(r, func(t time.Time) time.Time { return t })
	})
	if err != nil {
		return nil, fmt.Errorf("outcomes: %w", err)
	}
	return out, nil
}

// FirstSeen implements core.Store.
func (s *Store) FirstSeen(ctx context.Context, key string, at time.Time) (bool, error) {
	tag, err := s.pool.Exec(ctx, `INSERT INTO seen_keys (key, at) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING`, key, at)
	if err != nil {
		return false, fmt.Errorf("first seen: %w", err)
	}
	return tag.RowsAffected() == 1, nil
}

// Purge implements core.Store. A solved hand-off keeps its row (its
// reference stays valid and it still counts) but loses its transcript once
// it was solved before the cut-off; open and claimed ones keep theirs,
// since someone still needs it.
func (s *Store) Purge(ctx context.Context, before time.Time) (int64, error) {
	var total int64
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		for _, q := range []string{
			`DELETE FROM outcomes WHERE at < $1`,
			`DELETE FROM seen_keys WHERE at < $1`,
			`UPDATE handoffs SET transcript = NULL WHERE status = 'solved' AND solved_at < $1 AND transcript IS NOT NULL`,
		} {
			tag, err := tx.Exec(ctx, q, before)
			if err != nil {
				return err
			}
			total += tag.RowsAffected()
		}
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("purge: %w", err)
	}
	return total, nil
}

// Ping implements core.Store.
func (s *Store) Ping(ctx context.Context) error { return s.pool.Ping(ctx) }

// Close implements core.Store.
func (s *Store) Close() error {
	s.pool.Close()
	return nil
}
