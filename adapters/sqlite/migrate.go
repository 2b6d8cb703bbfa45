package sqlite

import (
	"context"
	"embed"
	"fmt"

	"github.com/kaiketsu/kaiketsu/adapters/sqlstore"
)

// migrations are the schema changes, applied in order of their number
// (NNNN_name.sql). A released file is never edited: a change is a new file.
//
//go:embed migrations/*.sql
var migrations embed.FS

// migrate applies the migrations not yet recorded in schema_migrations. It
// runs in one BEGIN IMMEDIATE transaction, which holds the database's write
// lock from the start: a second instance starting at the same moment waits
// (busy_timeout), then finds everything applied.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := sqlstore.LoadMigrations(migrations, "migrations")
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	tx, err := s.db.BeginTx(ctx, nil) // BEGIN IMMEDIATE (_txlock)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL DEFAULT (unixepoch())
	)`); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	rows, err := tx.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	applied, err := sqlstore.Collect(rows, func(r sqlstore.Scanner) (v int, err error) {
		err = r.Scan(&v)
		return v, err
	})
	rows.Close()
	if err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	for _, m := range sqlstore.Pending(ms, applied) {
		if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
			return fmt.Errorf("migrate %s: %w", m.Name, err)
		}
		if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name) VALUES (?, ?)`, m.Version, m.Name); err != nil {
			return fmt.Errorf("migrate %s: %w", m.Name, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	return nil
}
