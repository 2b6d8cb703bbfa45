package slack

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/core"
)

func TestLocaleCacheBoundedAndExpiring(t *testing.T) {
	c := newLocaleCache(3, time.Hour)
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 5 {
		c.put(fmt.Sprintf("U%d", i), "ja-JP", t0)
	}
	if c.len() != 3 {
		t.Fatalf("%d entries, want at most 3", c.len())
	}
	if _, ok := c.get("U0", t0); ok {
		t.Error("the least recently used entry was kept")
	}
	c.get("U2", t0) // U2 is now the most recent; U3 goes next
	c.put("U9", "en-US", t0)
	if _, ok := c.get("U3", t0); ok {
		t.Error("U3 should have been evicted")
	}
	if l, ok := c.get("U2", t0.Add(59*time.Minute)); !ok || l != "ja-JP" {
		t.Errorf("U2 = %q %v", l, ok)
	}
	if _, ok := c.get("U2", t0.Add(61*time.Minute)); ok {
		t.Error("an expired locale was served")
	}
}

func TestLocaleLookupFailureIsCached(t *testing.T) {
	tb := newTestBot(t, nil)
	tb.fake.failNext("users.info", fault{SlackError: "missing_scope"})
	ctx := context.Background()
	for range 3 {
		if l := tb.userLocale(ctx, "U0NOSCOPE"); l != "" {
			t.Errorf("locale %q after a failure", l)
		}
	}
	if n := len(tb.fake.callsTo("users.info")); n != 1 {
		t.Errorf("users.info called %d times, want 1: failures are cached too", n)
	}
}

func TestStaleButtonAfterPlaybookChange(t *testing.T) {
	tb := newTestBot(t, nil)
	tok := tb.eng.Ask(context.Background(), core.Request{Text: "help"}).Buttons[0].ID
	books, _ := core.DefaultPlaybooks()
	books[0].Fingerprint++ // a new version of the playbook
	tb.eng.SetKB(core.NewKB(books...))
	tb.click(t, "U0REQUEST", "C1", "k:0", tok, "stale", true)
	tb.drain(t)
	m, bs := tb.lastResponse(t)
	want := tb.eng.StartOver(core.Request{}, &core.TokenError{Err: core.ErrStaleToken})
	if bad := tb.eng.StartOver(core.Request{}, &core.TokenError{Err: core.ErrBadToken}); fallback(bad) == fallback(want) {
		t.Fatal("the engine no longer tells stale from bad buttons; this test cannot tell them apart")
	}
	if m.Text != fallback(want) {
		t.Errorf("text %q, want the stale answer %q", m.Text, fallback(want))
	}
	if got := headerText(bs); got != want.Title {
		t.Errorf("header %q, want %q", got, want.Title)
	}
	if len(buttons(bs)) != len(want.Buttons) {
		t.Errorf("%d buttons, want the menu's %d", len(buttons(bs)), len(want.Buttons))
	}
}
