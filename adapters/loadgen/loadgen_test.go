package loadgen

import (
	"crypto/ed25519"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

const secret = "8f742231b10e8888abcd99yyyzzz85a5"

func TestBaselineAcceptsSignedAndRejectsTampered(t *testing.T) {
	priv, err := KeyFromSeed(strings.Repeat("ab", 32))
	if err != nil {
		t.Fatal(err)
	}
	mux := BaselineMux(secret, priv.Public().(ed25519.PublicKey))
	now := time.Now()
	for _, r := range []Request{
		SlackCommand(secret, "U1", "パスワードを忘れた", "http://127.0.0.1:1/r", now),
		SlackClick(secret, "U1", "walk-1", "k1.abc", "http://127.0.0.1:1/r", now),
		DiscordCommand(priv, "1180000000000000004", "I forgot my password", now),
		DiscordClick(priv, "1180000000000000004", "k1.abc", nil, now),
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r.HTTP(""))
		if rec.Code != http.StatusOK {
			t.Errorf("%s signed: %d %s", r.Path, rec.Code, rec.Body)
		}
		bad := r
		bad.Body = append([]byte(nil), r.Body...)
		bad.Body[len(bad.Body)/2] ^= 1
		rec = httptest.NewRecorder()
		mux.ServeHTTP(rec, bad.HTTP(""))
		if rec.Code != http.StatusUnauthorized {
			t.Errorf("%s tampered: %d, want 401", r.Path, rec.Code)
		}
	}
	// Slack's five-minute window.
	old := SlackCommand(secret, "U1", "x", "http://127.0.0.1:1/r", now.Add(-6*time.Minute))
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, old.HTTP(""))
	if rec.Code != http.StatusUnauthorized {
		t.Errorf("stale Slack request: %d, want 401", rec.Code)
	}
	if _, err := KeyFromSeed("abc"); err == nil {
		t.Error("short seed accepted")
	}
}
