package core

import (
	"fmt"
	"testing"
)

func TestDiagnosisCacheIsBoundedAndConsistent(t *testing.T) {
	kb := mustDefaultKB(t)
	first := kb.Diagnose("パスワードを忘れた")
	if len(first) == 0 || first[0].Topic.ID != "forgot-password" {
		t.Fatalf("Diagnose = %v, want forgot-password first", first)
	}
	first[0].Score = -1 // a caller changing its result must not change the cache
	again := kb.Diagnose("パスワードを忘れた")
	if again[0].Score < 0 {
		t.Fatal("a cached diagnosis was changed through a returned slice")
	}
	for i := range 3*diagnosisCacheSize + 10 {
		kb.Diagnose(fmt.Sprintf("message number %d about nothing", i))
	}
	if n := kb.cache.len(); n > 2*diagnosisCacheSize {
		t.Errorf("cache holds %d entries, want at most %d", n, 2*diagnosisCacheSize)
	}
	long := make([]byte, maxCachedText+1)
	for i := range long {
		long[i] = 'a'
	}
	kb.Diagnose(string(long))
	if _, ok := kb.cache.get(string(long)); ok {
		t.Errorf("a text longer than %d bytes was cached", maxCachedText)
	}
}

// TestAskRepeatedTextIsAnsweredAlike checks the cache's plain entries: a
// text asked again is answered as the first time, a secret is warned about
// every time (such a text is never plain), and only a text in NFKC without
// a secret is marked plain.
func TestAskRepeatedTextIsAnsweredAlike(t *testing.T) {
	kb := mustDefaultKB(t)
	eng, err := NewEngine(kb, Options{Key: fuzzKey})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	for _, tt := range []struct {
		text  string
		plain bool
	}{
		{"パスワードを忘れた", true},
		{"I forgot my amazon password", true},
		{"ＰＡＳＳＷＯＲＤを忘れた", false},                               // full-width: not its own NFKC form
		{"my password is hunter2x and it is rejected", false}, // a secret: redacted and warned
		{"help", false}, // the menu: never diagnosed
	} {
		first := eng.Ask(ctx, Request{Platform: "slack", UserID: "U1", Text: tt.text})
		for range 2 {
			again := eng.Ask(ctx, Request{Platform: "slack", UserID: "U1", Text: tt.text})
			if again.Kind != first.Kind || again.Title != first.Title || again.Notice != first.Notice || again.StepTitle != first.StepTitle {
				t.Errorf("Ask(%q) again = %q/%q/%q, first %q/%q/%q", tt.text, again.Kind, again.Title, again.Notice, first.Kind, first.Title, first.Notice)
			}
		}
		if _, plain := kb.cache.getPlain(tt.text); plain != tt.plain {
			t.Errorf("%q: plain %v, want %v", tt.text, plain, tt.plain)
		}
	}
	secret := eng.Ask(ctx, Request{Platform: "slack", UserID: "U1", Text: "my password is hunter2x and it is rejected"})
	if secret.Notice == "" {
		t.Error("a repeated text with a password got no warning")
	}
	// Diagnose (the CLI, the evaluation) never marks a text plain: only
	// Ask has scanned it.
	kb.Diagnose("the captcha never accepts my answer")
	if _, plain := kb.cache.getPlain("the captcha never accepts my answer"); plain {
		t.Error("Diagnose marked a text plain")
	}
}
