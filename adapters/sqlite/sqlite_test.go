package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/sqlite"
	"github.com/kaiketsu/kaiketsu/adapters/storetest"
	"github.com/kaiketsu/kaiketsu/core"
)

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store {
		s, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(t.TempDir(), "kaiketsu.db"))
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

func TestStoreInMemory(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store {
		s, err := sqlite.Open(context.Background(), "sqlite::memory:")
		if err != nil {
			t.Fatalf("Open: %v", err)
		}
		t.Cleanup(func() { s.Close() })
		return s
	})
}

// TestShared opens separate Store instances (separate connection pools, as
// two processes would have) on one file.
func TestShared(t *testing.T) {
	storetest.RunShared(t, func(t *testing.T) storetest.Opener {
		url := "sqlite:" + filepath.Join(t.TempDir(), "kaiketsu.db")
		return func() (core.Store, error) { return sqlite.Open(context.Background(), url) }
	})
}

func TestOpenSettings(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for pragma, want := range map[string]string{
		"journal_mode": "wal",
		"foreign_keys": "1",
		"busy_timeout": "10000",
	} {
		var got string
		if err := s.DB().QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
			t.Fatalf("PRAGMA %s: %v", pragma, err)
		}
		if got != want {
			t.Errorf("PRAGMA %s = %q, want %q", pragma, got, want)
		}
	}
	var versions []int
	rows, err := s.DB().QueryContext(ctx, "SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		rows.Scan(&v)
		versions = append(versions, v)
	}
	if len(versions) == 0 || versions[0] != 1 {
		t.Errorf("schema_migrations versions = %v, want to start at 1", versions)
	}
}

func TestOpenURLForms(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	for _, url := range []string{
		"sqlite:" + filepath.Join(dir, "a.db"),
		"sqlite://" + filepath.Join(dir, "b.db"), // sqlite:///abs/path
		filepath.Join(dir, "c.db"),               // no scheme
		"sqlite:" + filepath.Join(dir, "d.db") + "?_pragma=cache_size(-2000)",
	} {
		s, err := sqlite.Open(ctx, url)
		if err != nil {
			t.Errorf("Open(%q): %v", url, err)
			continue
		}
		s.Close()
	}
	for _, name := range []string{"a.db", "b.db", "c.db", "d.db"} {
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("database file %s not created: %v", name, err)
		}
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	for _, url := range []string{
		"sqlite:",
		"sqlite://kaiketsu.db", // would be /kaiketsu.db: refused
		"sqlite:" + filepath.Join(t.TempDir(), "missing-dir", "k.db"),
	} {
		s, err := sqlite.Open(ctx, url)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded, want an error", url)
			continue
		}
		if !strings.Contains(err.Error(), "sqlite") {
			t.Errorf("Open(%q) error %q does not say it is about sqlite", url, err)
		}
	}
}

func BenchmarkStore(b *testing.B) {
	storetest.Bench(b, func(b *testing.B) core.Store {
		s, err := sqlite.Open(context.Background(), "sqlite:"+filepath.Join(b.TempDir(), "kaiketsu.db"))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}

// TestUpgradeFromFirstSchema opens a database made by the first release
// (outcomes with a UNIQUE index, rows in it): the upgrade keeps every row
// and lets repeats be recorded.
func TestUpgradeFromFirstSchema(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	old, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	first, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		string(first),
		`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL DEFAULT (unixepoch()))`,
		`INSERT INTO schema_migrations (version, name) VALUES (1, '0001_init.sql')`,
		`INSERT INTO outcomes (walk, kind, platform, playbook, topic, step, lang, at) VALUES
			('w1', 'started', 'slack', 'amazon-signin', 'otp', 0, 'ja', 1700000000000000),
			('w1', 'resolved', 'slack', 'amazon-signin', 'otp', 2, 'ja', 1700000060000000)`,
	} {
		if _, err := old.Exec(q); err != nil {
			t.Fatalf("make the old database: %v", err)
		}
	}
	old.Close()

	s, err := sqlite.Open(ctx, "sqlite:"+path)
	if err != nil {
		t.Fatalf("Open an old database: %v", err)
	}
	defer s.Close()
	repeat := core.Outcome{Walk: "w1", Kind: core.OutcomeResolved, Platform: "slack", Playbook: "amazon-signin", Topic: "otp", Step: 3, Lang: "ja", At: time.UnixMicro(1700000120000000).UTC()}
	if err := s.RecordOutcome(ctx, repeat); err != nil {
		t.Fatalf("record a repeat after the upgrade: %v", err)
	}
	got, err := s.Outcomes(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 3 || got[0].Kind != core.OutcomeStarted || got[1].Step != 2 || got[2].Step != 3 {
		t.Fatalf("outcomes after the upgrade: %+v, want the two old rows then the repeat", got)
	}
	if st := core.Summarize(got); len(st) != 1 || st[0].Resolved != 1 || st[0].BestStep != 2 {
		t.Errorf("stats after the upgrade: %+v, want one walkthrough resolved at step 2", st)
	}
}

// TestAllOutcomesView: SQL users read batched and single outcomes as rows.
func TestAllOutcomesView(t *testing.T) {
	ctx := context.Background()
	s, err := sqlite.Open(ctx, "sqlite:"+filepath.Join(t.TempDir(), "k.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	at := time.UnixMicro(1700000000000000).UTC()
	mk := func(walk string, kind core.OutcomeKind, step int) core.Outcome {
		return core.Outcome{Walk: walk, Kind: kind, Platform: "slack", Playbook: "amazon-signin", Topic: "otp", Step: step, Lang: "ja", At: at}
	}
	if err := s.RecordOutcomes(ctx, []core.Outcome{mk("w1", core.OutcomeStarted, 0), mk("w1", core.OutcomeResolved, 2)}); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordOutcome(ctx, mk("w2", core.OutcomeHandoff, 3)); err != nil {
		t.Fatal(err)
	}
	var n, steps, ats int64
	var walks string
	err = s.DB().QueryRowContext(ctx, `SELECT count(*), sum(step), sum(at = 1700000000000000), group_concat(walk || ':' || kind, ' ')
		FROM (SELECT * FROM all_outcomes ORDER BY walk, kind)`).Scan(&n, &steps, &ats, &walks)
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 || steps != 5 || ats != 3 || walks != "w1:resolved w1:started w2:handoff" {
		t.Errorf("all_outcomes: %d rows, steps %d, %d with the time, walks %q", n, steps, ats, walks)
	}
}
