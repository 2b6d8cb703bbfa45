package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/adapters/sqlite"
	"github.com/kaiketsu/kaiketsu/config"
	"github.com/kaiketsu/kaiketsu/core"
)

// storeCLI runs a kaiketsu command through run() against the SQLite
// database in dbURL.
func storeCLI(t *testing.T, dbURL string, args ...string) (stdout, stderr string, err error) {
	t.Helper()
	t.Setenv("KAIKETSU_DATABASE_URL", dbURL)
	var out, errOut bytes.Buffer
	err = run(context.Background(), args, strings.NewReader(""), &out, &errOut)
	return out.String(), errOut.String(), err
}

// seedDB creates a SQLite database for the CLI tests and returns its URL
// and an open store on it (closed at the end of the test).
func seedDB(t *testing.T) (string, *sqlite.Store) {
	t.Helper()
	url := "sqlite:" + filepath.Join(t.TempDir(), "kaiketsu.db")
	s, err := sqlite.Open(context.Background(), url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return url, s
}

func TestOpenStore(t *testing.T) {
	ctx := context.Background()
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	open := func(url string) (core.Store, error) {
		return openStore(ctx, config.Config{DatabaseURL: url}, log)
	}

	s, err := open("memory:")
	if err != nil {
		t.Fatalf("memory: %v", err)
	}
	if _, ok := s.(*memstore.Store); !ok {
		t.Errorf("memory: opened %T, want *memstore.Store", s)
	}

	// sqlite: what one open writes, the next open reads.
	url := "sqlite:" + filepath.Join(t.TempDir(), "k.db")
	s, err = open(url)
	if err != nil {
		t.Fatalf("sqlite: %v", err)
	}
	h := &core.Handoff{Platform: "slack", Requester: "U1", Playbook: "amazon-signin"}
	if err := s.CreateHandoff(ctx, h); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s, err = open(url)
	if err != nil {
		t.Fatalf("sqlite reopen: %v", err)
	}
	if _, err := s.Handoff(ctx, h.ID); err != nil {
		t.Errorf("hand-off %s lost across reopen: %v", h.Ref, err)
	}
	s.Close()

	for _, tt := range []struct {
		url, want, secret string
	}{
		{"sqlite:" + filepath.Join(t.TempDir(), "no", "such", "dir", "k.db"), "KAIKETSU_DATABASE_URL: open sqlite", ""},
		{"postgres://kaiketsu:hunter2-pw@127.0.0.1:1/kaiketsu?sslmode=disable&connect_timeout=2", "KAIKETSU_DATABASE_URL: open postgres", "hunter2-pw"},
		{"mysql://root:hunter2-pw@db/kaiketsu", "KAIKETSU_DATABASE_URL: unsupported store", "hunter2-pw"},
	} {
		s, err := open(tt.url)
		if err == nil {
			s.Close()
			t.Errorf("openStore(%q) succeeded, want an error", tt.url)
			continue
		}
		if !strings.HasPrefix(err.Error(), tt.want) {
			t.Errorf("openStore(%q) error = %q, want it to start with %q", tt.url, err, tt.want)
		}
		if tt.secret != "" && strings.Contains(err.Error(), tt.secret) {
			t.Errorf("openStore(%q) error leaks the password: %q", tt.url, err)
		}
	}
}

// purgeSpy is a memstore that reports each Purge.
type purgeSpy struct {
	*memstore.Store
	mu      sync.Mutex
	befores []time.Time
	purged  chan struct{}
}

func (p *purgeSpy) Purge(ctx context.Context, before time.Time) (int64, error) {
	n, err := p.Store.Purge(ctx, before)
	p.mu.Lock()
	p.befores = append(p.befores, before)
	p.mu.Unlock()
	select {
	case p.purged <- struct{}{}:
	default:
	}
	return n, err
}

func (p *purgeSpy) calls() []time.Time {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]time.Time(nil), p.befores...)
}

func waitPurge(t *testing.T, p *purgeSpy) {
	t.Helper()
	select {
	case <-p.purged:
	case <-time.After(10 * time.Second):
		t.Fatal("no purge")
	}
}

func TestRetentionPurgesAtStartAndThenPeriodically(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	retention := 90 * 24 * time.Hour
	spy := &purgeSpy{Store: memstore.New(), purged: make(chan struct{}, 1)}
	for walk, at := range map[string]time.Time{"old": now.Add(-retention - time.Hour), "new": now.Add(-time.Hour)} {
		if err := spy.RecordOutcome(ctx, core.Outcome{Walk: walk, Kind: core.OutcomeStarted, Topic: "otp", At: at}); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	log := slog.New(slog.NewTextHandler(&logs, nil))

	stop := runRetention(ctx, spy, retention, time.Millisecond, func() time.Time { return now }, log)
	waitPurge(t, spy) // at start
	waitPurge(t, spy) // and again on the ticker
	stop()
	calls := spy.calls()
	if len(calls) < 2 {
		t.Fatalf("%d purges, want at least 2", len(calls))
	}
	if want := now.Add(-retention); !calls[0].Equal(want) {
		t.Errorf("Purge(before=%v), want %v", calls[0], want)
	}
	got, _ := spy.Outcomes(ctx, time.Time{})
	if len(got) != 1 || got[0].Walk != "new" {
		t.Errorf("after retention, outcomes = %+v, want only the recent one", got)
	}
	if !strings.Contains(logs.String(), "retention purge") || !strings.Contains(logs.String(), "removed=1") {
		t.Errorf("log does not report the purge:\n%s", logs.String())
	}
	// Stopped means stopped: no purge after stop returns.
	n := len(spy.calls())
	time.Sleep(20 * time.Millisecond)
	if m := len(spy.calls()); m != n {
		t.Errorf("%d purges after stop", m-n)
	}
}

// failingPurge fails every purge.
type failingPurge struct{ *memstore.Store }

func (failingPurge) Purge(context.Context, time.Time) (int64, error) {
	return 0, errors.New("database is locked")
}

func TestRetentionLogsFailures(t *testing.T) {
	var logs syncBuffer
	log := slog.New(slog.NewTextHandler(&logs, nil))
	stop := runRetention(context.Background(), failingPurge{memstore.New()}, time.Hour, time.Hour, time.Now, log)
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(logs.String(), "retention purge failed") && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	stop()
	if !strings.Contains(logs.String(), "level=WARN") || !strings.Contains(logs.String(), "database is locked") {
		t.Errorf("a failed purge is not logged as a warning:\n%s", logs.String())
	}
}

// TestWalkthroughEndsInHandoffListedAndCounted goes through the engine on
// a SQLite store, then reads the result with `kaiketsu handoffs` and
// `kaiketsu stats`, as a support team would.
func TestWalkthroughEndsInHandoffListedAndCounted(t *testing.T) {
	ctx := context.Background()
	url, store := seedDB(t)
	books, err := core.DefaultPlaybooks()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: bytes.Repeat([]byte("k"), 32), DefaultLang: "en", Store: store})
	if err != nil {
		t.Fatal(err)
	}
	req := core.Request{Platform: "slack", UserID: "U0REQUEST", UserName: "Hanako", ChannelID: "D0123ABCD", Locale: "ja"}
	press := func(a core.Answer, style core.Style) core.Answer {
		t.Helper()
		for _, b := range a.Buttons {
			if b.Style == style {
				r := req
				r.Token = b.ID
				next, err := eng.Press(ctx, r)
				if err != nil {
					t.Fatalf("Press %q: %v", b.Label, err)
				}
				return next
			}
		}
		t.Fatalf("no button of style %v in %s answer %+v", style, a.Kind, a.Buttons)
		return a
	}
	walk := func(text string) core.Answer {
		t.Helper()
		r := req
		r.Text = text
		a := eng.Ask(ctx, r)
		for i := 0; a.Kind != core.KindStep; i++ {
			if i == 3 || len(a.Buttons) == 0 {
				t.Fatalf("Ask(%q) did not reach a step: %s %+v", text, a.Kind, a)
			}
			r := req
			r.Token = a.Buttons[0].ID
			if a, err = eng.Press(ctx, r); err != nil {
				t.Fatal(err)
			}
		}
		return a
	}
	// One walkthrough fixed by the bot, one handed off.
	if a := press(walk("パスワードを忘れた"), core.StylePrimary); a.Kind != core.KindResolved {
		t.Fatalf("That fixed it gave %s", a.Kind)
	}
	h := press(walk("パスワードを忘れた"), core.StyleDanger)
	if h.Kind != core.KindHandoff || h.Handoff == nil {
		t.Fatalf("Talk to a person gave %s, hand-off %v", h.Kind, h.Handoff)
	}

	out, errOut, err := storeCLI(t, url, "handoffs")
	if err != nil {
		t.Fatalf("kaiketsu handoffs: %v\n%s", err, errOut)
	}
	if !strings.Contains(out, "#"+h.Handoff.Ref) || !strings.Contains(out, "Hanako (U0REQUEST)") || !strings.Contains(out, "open") {
		t.Errorf("kaiketsu handoffs does not list %s:\n%s", h.Handoff.Ref, out)
	}

	out, errOut, err = storeCLI(t, url, "stats", "--json")
	if err != nil {
		t.Fatalf("kaiketsu stats: %v\n%s", err, errOut)
	}
	var st statsJSON
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("stats --json: %v\n%s", err, out)
	}
	if st.Total.Started != 2 || st.Total.Resolved != 1 || st.Total.HandedOff != 1 || st.Total.Deflection != 0.5 {
		t.Errorf("stats total = %+v, want 2 started, 1 resolved, 1 handed off, deflection 0.5", st.Total)
	}
}
