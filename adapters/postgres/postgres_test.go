package postgres_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"strings"
	"testing"

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
