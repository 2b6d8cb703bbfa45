// Package sqlite is the embedded core.Store, on modernc.org/sqlite (pure Go,
// no cgo). One file holds everything; several processes may share it on one
// machine (WAL mode, busy timeout), but for several hosts use
// adapters/postgres.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"
	"unsafe"

	"github.com/kaiketsu/kaiketsu/adapters/internal/jsonstr"
	"github.com/kaiketsu/kaiketsu/adapters/sqlstore"
	"github.com/kaiketsu/kaiketsu/core"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Scheme is the prefix of a SQLite KAIKETSU_DATABASE_URL: sqlite:PATH.
const Scheme = "sqlite:"

// busyTimeout is how long a connection waits for another writer (another
// connection, or another process on the same file) before giving up.
const busyTimeout = 10 * time.Second

// Store is a core.Store in one SQLite database file.
type Store struct {
	db *sql.DB
}

var _ core.Store = (*Store)(nil)

// Open opens (creating if needed) the database named by url, "sqlite:PATH"
// or just PATH; ":memory:" is a private in-memory database. It applies the
// pending migrations before returning.
func Open(ctx context.Context, url string) (*Store, error) {
	path := strings.TrimPrefix(url, Scheme)
	if rest, ok := strings.CutPrefix(path, "///"); ok {
		path = "/" + rest // sqlite:///var/lib/k.db, the URL habit
	}
	if path == "" || strings.HasPrefix(path, "//") {
		return nil, errors.New("open sqlite: use sqlite:PATH, e.g. sqlite:kaiketsu.db, sqlite:/var/lib/kaiketsu/kaiketsu.db or sqlite::memory:")
	}
	memory := path == ":memory:" || strings.Contains(path, "mode=memory")
	// Every connection of the pool gets the same settings: WAL lets readers
	// run beside the one writer; busy_timeout makes writers from other
	// connections and processes wait instead of failing with SQLITE_BUSY;
	// _txlock=immediate takes the write lock at BEGIN, so a transaction
	// never fails half-way when it starts writing.
	params := fmt.Sprintf("_pragma=busy_timeout(%d)&_pragma=foreign_keys(1)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate", busyTimeout.Milliseconds())
	sep := "?"
	if strings.Contains(path, "?") {
		sep = "&"
	}
	db, err := sql.Open("sqlite", path+sep+params)
	if err != nil {
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if memory {
		// Each connection to :memory: is its own empty database: keep one.
		db.SetMaxOpenConns(1)
	} else {
		// Writers take turns on the file anyway; a few connections let
		// reads run beside a write without opening one per request.
		db.SetMaxOpenConns(8)
		db.SetMaxIdleConns(8)
	}
	db.SetConnMaxIdleTime(5 * time.Minute)
	s := &Store{db: db}
	if err := ping(ctx, db); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	if err := s.migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite %s: %w", path, err)
	}
	return s, nil
}

// ping opens the first connection. Turning a new file to WAL needs the
// file to itself, and SQLite answers SQLITE_BUSY at once, without waiting
// busy_timeout, when another process opening the same new file holds a
// lock (instances of a cluster starting together): try again until
// busyTimeout has passed.
func ping(ctx context.Context, db *sql.DB) error {
	deadline := time.Now().Add(busyTimeout)
	for {
		err := db.PingContext(ctx)
		var se interface{ Code() int }
		if err == nil || !errors.As(err, &se) || se.Code()&0xff != sqliteBusy || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(10 * time.Millisecond):
		}
	}
}

// sqliteBusy is SQLITE_BUSY, the primary result code.
const sqliteBusy = 5

// DB returns the underlying database, for tests and tools.
func (s *Store) DB() *sql.DB { return s.db }

func scanHandoff(r sqlstore.Scanner) (*core.Handoff, error) {
	return sqlstore.ScanHandoff(r, sql.ErrNoRows, fromMicros)
}

// micros stores a time as Unix microseconds; the zero time is NULL.
func micros(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UnixMicro()
}

func fromMicros(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.UnixMicro(v.Int64).UTC()
}

// CreateHandoff implements core.Store.
func (s *Store) CreateHandoff(ctx context.Context, h *core.Handoff) error {
	tr, err := sqlstore.PrepareHandoff(h)
	if err != nil {
		return fmt.Errorf("create hand-off: %w", err)
	}
	err = s.db.QueryRowContext(ctx, `INSERT INTO handoffs
		(platform, requester, requester_name, channel, playbook, topic, lang, transcript, status, claimed_by, claimed_at, solved_by, solved_at, created_at, card)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id`,
		h.Platform, h.Requester, h.RequesterName, h.Channel, h.Playbook, h.Topic, h.Lang, tr, string(h.Status),
		h.ClaimedBy, micros(h.ClaimedAt), h.SolvedBy, micros(h.SolvedAt), micros(h.CreatedAt), h.Card).Scan(&h.ID)
	if err != nil {
		return fmt.Errorf("create hand-off: %w", err)
	}
	h.Ref = sqlstore.Ref(h.ID)
	return nil
}

// Handoff implements core.Store.
func (s *Store) Handoff(ctx context.Context, id int64) (*core.Handoff, error) {
	h, err := scanHandoff(s.db.QueryRowContext(ctx, `SELECT `+sqlstore.HandoffColumns+` FROM handoffs WHERE id = ?`, id))
	if err != nil && !errors.Is(err, core.ErrNotFound) {
		return nil, fmt.Errorf("hand-off %d: %w", id, err)
	}
	return h, err
}

// ClaimHandoff implements core.Store. The claim is one conditional UPDATE:
// SQLite serialises writers on the file, so of several concurrent claims,
// through any number of connections or processes, exactly one finds the
// hand-off still open.
func (s *Store) ClaimHandoff(ctx context.Context, id int64, agent string, at time.Time) (*core.Handoff, error) {
	return sqlstore.Conditional(ctx, "claim", id, func() (*core.Handoff, error) {
		return scanHandoff(s.db.QueryRowContext(ctx, `UPDATE handoffs SET status = 'claimed', claimed_by = ?, claimed_at = ?
			WHERE id = ? AND status = 'open' RETURNING `+sqlstore.HandoffColumns, agent, micros(at), id))
	}, s.Handoff, sqlstore.ClaimLost)
}

// SolveHandoff implements core.Store.
func (s *Store) SolveHandoff(ctx context.Context, id int64, agent string, at time.Time) (*core.Handoff, error) {
	return sqlstore.Conditional(ctx, "solve", id, func() (*core.Handoff, error) {
		return scanHandoff(s.db.QueryRowContext(ctx, `UPDATE handoffs SET status = 'solved', solved_by = ?, solved_at = ?
			WHERE id = ? AND status <> 'solved' RETURNING `+sqlstore.HandoffColumns, agent, micros(at), id))
	}, s.Handoff, sqlstore.SolveLost)
}

// SetHandoffCard implements core.Store.
func (s *Store) SetHandoffCard(ctx context.Context, id int64, card string) error {
	res, err := s.db.ExecContext(ctx, `UPDATE handoffs SET card = ? WHERE id = ?`, card, id)
	if err != nil {
		return fmt.Errorf("set hand-off %d card: %w", id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("set hand-off %d card: %w", id, err)
	} else if n == 0 {
		return core.ErrNotFound
	}
	return nil
}

// SwapHandoffCard implements core.Store: one conditional UPDATE, which
// SQLite serialises with every other writer of the file.
func (s *Store) SwapHandoffCard(ctx context.Context, id int64, old, new string) (bool, error) {
	res, err := s.db.ExecContext(ctx, `UPDATE handoffs SET card = ? WHERE id = ? AND card = ?`, new, id, old)
	if err != nil {
		return false, fmt.Errorf("swap hand-off %d card: %w", id, err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("swap hand-off %d card: %w", id, err)
	}
	if n == 1 {
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
		q += ` WHERE status IN (?` + strings.Repeat(`, ?`, len(status)-1) + `)`
		for _, st := range status {
			args = append(args, string(st))
		}
	}
	q += ` ORDER BY id DESC`
	if limit > 0 {
		q += ` LIMIT ?`
		args = append(args, limit)
	}
	rows, err := s.db.QueryContext(ctx, q, args...)
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
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`

// RecordOutcome implements core.Store.
func (s *Store) RecordOutcome(ctx context.Context, o core.Outcome) error {
	_, err := s.db.ExecContext(ctx, insertOutcome,
		o.Walk, string(o.Kind), o.Platform, o.Playbook, o.Topic, o.Step, o.Lang, o.At.UnixMicro())
	if err != nil {
		return fmt.Errorf("record outcome: %w", err)
	}
	return nil
}

var _ core.OutcomeBatcher = (*Store)(nil)

// RecordOutcomes implements core.OutcomeBatcher: the batch is one row of
// outcome_batches (see migration 0003), its outcomes one JSON array.
func (s *Store) RecordOutcomes(ctx context.Context, os []core.Outcome) error {
	if len(os) == 0 {
		return nil
	}
	bp := batchBufs.Get().(*[]byte)
	js := appendOutcomes((*bp)[:0], os)
	first, last := os[0].At, os[0].At
	for _, o := range os[1:] {
		if o.At.Before(first) {
			first = o.At
		}
		if o.At.After(last) {
			last = o.At
		}
	}
	// The driver copies the text before Exec returns.
	_, err := s.db.ExecContext(ctx, `INSERT INTO outcome_batches (first_at, last_at, outcomes) VALUES (?, ?, ?)`,
		first.UnixMicro(), last.UnixMicro(), unsafeString(js))
	*bp = js
	batchBufs.Put(bp)
	if err != nil {
		return fmt.Errorf("record %d outcomes: %w", len(os), err)
	}
	return nil
}

var batchBufs = sync.Pool{New: func() any { b := make([]byte, 0, 32<<10); return &b }}

func unsafeString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// appendOutcomes writes os as a JSON array of
// [walk, kind, platform, playbook, topic, step, lang, at] arrays.
func appendOutcomes(buf []byte, os []core.Outcome) []byte {
	buf = append(buf, '[')
	for i, o := range os {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, '[')
		for _, f := range [...]string{o.Walk, string(o.Kind), o.Platform, o.Playbook, o.Topic} {
			buf = append(buf, '"')
			buf = jsonstr.AppendBody(buf, f, nil)
			buf = append(buf, '"', ',')
		}
		buf = strconv.AppendInt(buf, int64(o.Step), 10)
		buf = append(buf, ',', '"')
		buf = jsonstr.AppendBody(buf, o.Lang, nil)
		buf = append(buf, '"', ',')
		buf = strconv.AppendInt(buf, o.At.UnixMicro(), 10)
		buf = append(buf, ']')
	}
	return append(buf, ']')
}

// Outcomes implements core.Store: single outcomes and batched ones
// together, oldest first (a batch keeps the order it was recorded in).
func (s *Store) Outcomes(ctx context.Context, since time.Time) ([]core.Outcome, error) {
	rows, err := s.db.QueryContext(ctx, `SELECT `+sqlstore.OutcomeColumns+` FROM (
			SELECT `+sqlstore.OutcomeColumns+`, 0 AS src, id AS seq, 0 AS pos FROM outcomes WHERE at >= ?1
			UNION ALL
			SELECT o.value ->> 0, o.value ->> 1, o.value ->> 2, o.value ->> 3, o.value ->> 4, o.value ->> 5, o.value ->> 6, o.value ->> 7,
				1, b.id, o.key
			FROM outcome_batches AS b, json_each(b.outcomes) AS o
			WHERE b.last_at >= ?1 AND o.value ->> 7 >= ?1
		) ORDER BY at, src, seq, pos`, since.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("outcomes: %w", err)
	}
	defer rows.Close()
	out, err := sqlstore.Collect(rows, func(r sqlstore.Scanner) (core.Outcome, error) {
		return sqlstore.ScanOutcome(r, fromMicros)
	})
	if err != nil {
		return nil, fmt.Errorf("outcomes: %w", err)
	}
	return out, nil
}

// FirstSeen implements core.Store.
func (s *Store) FirstSeen(ctx context.Context, key string, at time.Time) (bool, error) {
	res, err := s.db.ExecContext(ctx, `INSERT INTO seen_keys (key, at) VALUES (?, ?) ON CONFLICT (key) DO NOTHING`, key, at.UnixMicro())
	if err != nil {
		return false, fmt.Errorf("first seen: %w", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return false, fmt.Errorf("first seen: %w", err)
	}
	return n == 1, nil
}

// Purge implements core.Store. A solved hand-off keeps its row (its
// reference stays valid and it still counts) but loses its transcript once
// it was solved before the cut-off; open and claimed ones keep theirs,
// since someone still needs it.
func (s *Store) Purge(ctx context.Context, before time.Time) (int64, error) {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, fmt.Errorf("purge: %w", err)
	}
	defer tx.Rollback()
	cut := before.UnixMicro()
	var total int64
	// Batched outcomes older than the cut: counted first, then whole
	// batches go and a batch across the cut keeps its newer outcomes.
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM outcome_batches AS b, json_each(b.outcomes) AS o
		WHERE b.first_at < ?1 AND o.value ->> 7 < ?1`, cut).Scan(&total); err != nil {
		return 0, fmt.Errorf("purge: %w", err)
	}
	for _, q := range []string{
		`DELETE FROM outcome_batches WHERE last_at < ?1`,
		`UPDATE outcome_batches SET
			outcomes = (SELECT json_group_array(json(o.value) ORDER BY o.key) FROM json_each(outcomes) AS o WHERE o.value ->> 7 >= ?1),
			first_at = (SELECT min(o.value ->> 7) FROM json_each(outcomes) AS o WHERE o.value ->> 7 >= ?1)
			WHERE first_at < ?1`,
	} {
		if _, err := tx.ExecContext(ctx, q, cut); err != nil {
			return 0, fmt.Errorf("purge: %w", err)
		}
	}
	for _, q := range []string{
		`DELETE FROM outcomes WHERE at < ?1`,
		`DELETE FROM seen_keys WHERE at < ?1`,
		`UPDATE handoffs SET transcript = NULL WHERE status = 'solved' AND solved_at < ?1 AND transcript IS NOT NULL`,
	} {
		res, err := tx.ExecContext(ctx, q, cut)
		if err != nil {
			return 0, fmt.Errorf("purge: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil {
			return 0, fmt.Errorf("purge: %w", err)
		}
		total += n
	}
	if err := tx.Commit(); err != nil {
		return 0, fmt.Errorf("purge: %w", err)
	}
	return total, nil
}

// Ping implements core.Store.
func (s *Store) Ping(ctx context.Context) error { return s.db.PingContext(ctx) }

// Close implements core.Store.
func (s *Store) Close() error { return s.db.Close() }
