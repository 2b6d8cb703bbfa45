package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/kaiketsu/kaiketsu/adapters/postgres"
	"github.com/kaiketsu/kaiketsu/adapters/storetest"
	"github.com/kaiketsu/kaiketsu/core"
)

// baseURL returns KAIKETSU_TEST_POSTGRES_URL or skips t.
func baseURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv("KAIKETSU_TEST_POSTGRES_URL")
	if base == "" {
		t.Skip("KAIKETSU_TEST_POSTGRES_URL is not set; PostgreSQL tests skipped (.ci/postgres.sh starts a local server and prints it)")
	}
	return base
}

// testURL returns a URL whose search_path is a new, empty schema, dropped
// when t ends, so runs and tests never see each other's rows.
func testURL(t testing.TB) string {
	t.Helper()
	base := baseURL(t)
	ctx := context.Background()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connect to KAIKETSU_TEST_POSTGRES_URL: %v", err)
	}
	b := make([]byte, 6)
	rand.Read(b)
	schema := "kaiketsu_test_" + hex.EncodeToString(b)
	if _, err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		admin.Close(ctx)
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
		admin.Close(ctx)
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("KAIKETSU_TEST_POSTGRES_URL: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t *testing.T, url string) *postgres.Store {
	t.Helper()
	s, err := postgres.Open(context.Background(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestStore(t *testing.T) {
	baseURL(t)
	storetest.Run(t, func(t *testing.T) core.Store { return open(t, testURL(t)) })
}

// TestShared opens separate Store instances (separate pools, as separate
// Kaiketsu processes would have) on one schema.
func TestShared(t *testing.T) {
	baseURL(t)
	storetest.RunShared(t, func(t *testing.T) storetest.Opener {
		url := testURL(t)
		return func() (core.Store, error) { return postgres.Open(context.Background(), url) }
	})
}

func TestMigrationsRecorded(t *testing.T) {
	url := testURL(t)
	s := open(t, url)
	ctx := context.Background()
	var n, first int
	if err := s.Pool().QueryRow(ctx, `SELECT count(*), min(version) FROM schema_migrations`).Scan(&n, &first); err != nil {
		t.Fatal(err)
	}
	if n == 0 || first != 1 {
		t.Fatalf("schema_migrations has %d rows from version %d, want some from 1", n, first)
	}
	// Opening again applies nothing twice.
	s2 := open(t, url)
	var n2 int
	if err := s2.Pool().QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n2); err != nil {
		t.Fatal(err)
	}
	if n2 != n {
		t.Errorf("second open: %d migrations recorded, want %d", n2, n)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	u, _ := url.Parse(baseURL(t))
	q := u.Query()
	q.Set("search_path", "kaiketsu_no_such_schema")
	u.RawQuery = q.Encode()
	if s, err := postgres.Open(ctx, u.String()); err == nil {
		s.Close()
		t.Error("Open with a search_path schema that does not exist succeeded")
	} else if !strings.Contains(err.Error(), "schema") {
		t.Errorf("Open error %q does not mention the schema", err)
	}

	// A wrong password must not appear in the error.
	bad := "postgres://kaiketsu:s3cr3t-pw@127.0.0.1:1/test?sslmode=disable&connect_timeout=2"
	s, err := postgres.Open(ctx, bad)
	if err == nil {
		s.Close()
		t.Fatal("Open of an unreachable server succeeded")
	}
	if strings.Contains(err.Error(), "s3cr3t-pw") {
		t.Errorf("Open error leaks the password: %v", err)
	}
}

func TestIsURL(t *testing.T) {
	for in, want := range map[string]bool{
		"postgres://u@h/db":   true,
		"postgresql://u@h/db": true,
		"sqlite:kaiketsu.db":  false,
		"memory:":             false,
	} {
		if got := postgres.IsURL(in); got != want {
			t.Errorf("IsURL(%q) = %v, want %v", in, got, want)
		}
	}
}

func BenchmarkStore(b *testing.B) {
	baseURL(b)
	storetest.Bench(b, func(b *testing.B) core.Store {
		s, err := postgres.Open(context.Background(), testURL(b))
		if err != nil {
			b.Fatal(err)
		}
		b.Cleanup(func() { s.Close() })
		return s
	})
}

// TestUpgradeFromFirstSchema opens a schema made by the first release
// (outcomes with a UNIQUE constraint, rows in it): the upgrade keeps every
// row and lets repeats be recorded.
func TestUpgradeFromFirstSchema(t *testing.T) {
	url := testURL(t)
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	first, err := os.ReadFile("migrations/0001_init.sql")
	if err != nil {
		t.Fatal(err)
	}
	for _, q := range []string{
		string(first),
		`CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`,
		`INSERT INTO schema_migrations (version, name) VALUES (1, '0001_init.sql')`,
		`INSERT INTO outcomes (walk, kind, platform, playbook, topic, step, lang, at) VALUES
			('w1', 'started', 'slack', 'amazon-signin', 'otp', 0, 'ja', '2023-11-14 22:13:20+00'),
			('w1', 'resolved', 'slack', 'amazon-signin', 'otp', 2, 'ja', '2023-11-14 22:14:20+00')`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("make the old schema: %v", err)
		}
	}

	s := open(t, url)
	repeat := core.Outcome{Walk: "w1", Kind: core.OutcomeResolved, Platform: "slack", Playbook: "amazon-signin", Topic: "otp", Step: 3, Lang: "ja", At: time.Date(2023, 11, 14, 22, 15, 20, 0, time.UTC)}
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
