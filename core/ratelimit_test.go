package core

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"
)

var t0 = time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)

func mustLimiter(t testing.TB, n int, per time.Duration, burst, maxKeys int) *Limiter {
	t.Helper()
	l, err := NewLimiter(n, per, burst, maxKeys)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

func TestLimiterBurstThenRate(t *testing.T) {
	l := mustLimiter(t, 30, time.Minute, 10, 0) // one every 2s, 10 at once
	for i := range 10 {
		if ok, _ := l.Allow("slack\x00U1", t0); !ok {
			t.Fatalf("request %d of the burst refused", i+1)
		}
	}
	ok, wait := l.Allow("slack\x00U1", t0)
	if ok {
		t.Fatal("11th request at once allowed")
	}
	if wait != 2*time.Second {
		t.Errorf("wait = %v, want 2s", wait)
	}
	// A refused request does not push the next one further away.
	if ok, _ := l.Allow("slack\x00U1", t0.Add(time.Second)); ok {
		t.Error("allowed before the wait was over")
	}
	if ok, _ := l.Allow("slack\x00U1", t0.Add(2*time.Second)); !ok {
		t.Error("refused after the wait")
	}
	// Someone else is not affected.
	if ok, _ := l.Allow("slack\x00U2", t0); !ok {
		t.Error("another person refused")
	}
	// After a long pause the whole burst is back.
	later := t0.Add(time.Hour)
	for i := range 10 {
		if ok, _ := l.Allow("slack\x00U1", later); !ok {
			t.Fatalf("after a pause, request %d refused", i+1)
		}
	}
}

func TestNewLimiterRejectsNonRates(t *testing.T) {
	for _, tc := range []struct {
		n   int
		per time.Duration
	}{{0, time.Minute}, {-1, time.Minute}, {10, 0}, {10, -time.Second}} {
		if _, err := NewLimiter(tc.n, tc.per, 1, 0); err == nil {
			t.Errorf("NewLimiter(%d, %v) = nil error", tc.n, tc.per)
		}
	}
}

// TestLimiterMemoryIsBounded drives a million distinct people through the
// limiter: it never remembers more than its bound, and forgets everyone
// once their buckets have refilled.
func TestLimiterMemoryIsBounded(t *testing.T) {
	const maxKeys = 4096
	l := mustLimiter(t, 30, time.Minute, 10, maxKeys)
	now := t0
	peak := 0
	for i := range 1_000_000 {
		if i%1000 == 0 {
			now = now.Add(time.Millisecond)
			peak = max(peak, l.Len())
		}
		if ok, _ := l.Allow(fmt.Sprintf("discord\x00%d", i), now); !ok {
			t.Fatalf("first request of person %d refused", i)
		}
	}
	bound := maxKeys + limiterShards // per-shard rounding
	if peak > bound || l.Len() > bound {
		t.Errorf("limiter remembered %d keys (peak %d), bound %d", l.Len(), peak, bound)
	}
	if n := l.Sweep(now.Add(time.Minute)); n != 0 {
		t.Errorf("after a minute %d keys remain, want 0", n)
	}
}

// TestLimiterForgetsAsItGoes: with steady traffic and no explicit Sweep,
// people whose buckets refilled are dropped, so the table tracks only the
// recently active.
func TestLimiterForgetsAsItGoes(t *testing.T) {
	l := mustLimiter(t, 60, time.Minute, 1, 1_000_000) // a bucket refills in 1s
	now := t0
	for i := range 200_000 {
		now = now.Add(100 * time.Microsecond) // 10,000 people a second
		l.Allow(fmt.Sprintf("slack\x00U%d", i), now)
	}
	// About one second of people is live; the incremental sweep must keep
	// the rest from accumulating (200,000 without it).
	if n := l.Len(); n > 15_000 {
		t.Errorf("limiter holds %d keys, want about 10,000", n)
	}
}

func TestEngineSlowsDownPeopleOverTheLimit(t *testing.T) {
	var seen []Kind
	now := t0
	eng, err := NewEngine(mustDefaultKB(t), Options{
		Key:     []byte("0123456789abcdef0123456789abcdef"),
		Limit:   mustLimiter(t, 30, time.Minute, 3, 0),
		Now:     func() time.Time { return now },
		Observe: func(_ context.Context, _ Request, a Answer) { seen = append(seen, a.Kind) },
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	ja := Request{Platform: "slack", UserID: "U1", Locale: "ja-JP", Text: "パスワードを忘れた"}
	var btn string
	for i := range 3 {
		a := eng.Ask(ctx, ja)
		if a.Kind == KindSlowDown {
			t.Fatalf("request %d slowed down", i+1)
		}
		btn = a.Buttons[0].ID
	}
	a := eng.Ask(ctx, ja)
	if a.Kind != KindSlowDown || a.Lang != "ja" || !strings.Contains(a.Title, "速すぎる") || !strings.Contains(a.Text, "2 秒") {
		t.Errorf("4th Ask = %v %q %q %q, want a Japanese slow-down with a wait", a.Kind, a.Lang, a.Title, a.Text)
	}
	if len(a.Buttons) != 0 || a.Done {
		t.Errorf("slow-down answer has buttons %d / done %v: it must not replace the walkthrough", len(a.Buttons), a.Done)
	}
	// Clicks count too, and are answered, not dropped.
	p, err := eng.Press(ctx, Request{Platform: "slack", UserID: "U1", Locale: "en-US", Token: btn})
	if err != nil || p.Kind != KindSlowDown || !strings.Contains(p.Title, "bit fast") {
		t.Errorf("Press over the limit = %v %q, %v; want an English slow-down", p.Kind, p.Title, err)
	}
	// The same id on another platform is another person.
	if a := eng.Ask(ctx, Request{Platform: "discord", UserID: "U1", Text: "forgot my password"}); a.Kind == KindSlowDown {
		t.Error("discord U1 slowed down by slack U1's requests")
	}
	// The wait passes.
	now = now.Add(2 * time.Second)
	if p, err := eng.Press(ctx, Request{Platform: "slack", UserID: "U1", Token: btn}); err != nil || p.Kind == KindSlowDown {
		t.Errorf("Press after the wait = %v, %v", p.Kind, err)
	}
	if n := strings.Count(fmt.Sprint(seen), "slow-down"); n != 2 {
		t.Errorf("Observe saw %d slow-down answers (%v), want 2", n, seen)
	}
}

// TestLimiterKeyAsBytesIsTheString checks that the engine's key, spelled
// in a buffer, counts against the same person as the same key as a string.
func TestLimiterKeyAsBytesIsTheString(t *testing.T) {
	l, _ := NewLimiter(1, time.Minute, 2, 0)
	req := Request{Platform: "slack", UserID: "U123"}
	if ok, _ := l.Allow("slack\x00U123", t0); !ok {
		t.Fatal("first request refused")
	}
	if ok, _ := l.allow(appendLimitKey(nil, req), "", t0); !ok {
		t.Fatal("second request (burst of 2) refused")
	}
	if ok, _ := l.allow(appendLimitKey(nil, req), "", t0); ok {
		t.Error("third request allowed: the byte key is not the string key's person")
	}
	if ok, _ := l.Allow("slack\x00U124", t0); !ok || l.Len() != 2 {
		t.Errorf("another person: allowed %v, %d people remembered, want true and 2", ok, l.Len())
	}
}
