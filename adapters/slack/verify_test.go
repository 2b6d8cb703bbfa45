package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"
)

// TestSignerMatchesSlackGo: the signer accepts exactly the requests
// slack-go's SecretsVerifier accepts.
func TestSignerMatchesSlackGo(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	body := []byte("token=x&team_id=T1&user_id=U1&command=%2Fsupport&text=%E3%83%91%E3%82%B9")
	now := time.Now()
	sign := func(ts string, body []byte) string {
		m := hmac.New(sha256.New, []byte(secret))
		m.Write([]byte("v0:" + ts + ":"))
		m.Write(body)
		return "v0=" + hex.EncodeToString(m.Sum(nil))
	}
	ts := strconv.FormatInt(now.Unix(), 10)
	good := sign(ts, body)
	old := strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10)
	future := strconv.FormatInt(now.Add(6*time.Minute).Unix(), 10)
	near := strconv.FormatInt(now.Add(-4*time.Minute).Unix(), 10)
	tests := []struct {
		name    string
		sig, ts string
		body    []byte
	}{
		{"valid", good, ts, body},
		{"valid, four minutes old", sign(near, body), near, body},
		{"uppercase hex", "v0=" + strings.ToUpper(strings.TrimPrefix(good, "v0=")), ts, body},
		{"body changed", good, ts, append([]byte("x"), body...)},
		{"empty body", sign(ts, nil), ts, nil},
		{"timestamp changed", good, strconv.FormatInt(now.Unix()+1, 10), body},
		{"six minutes old", sign(old, body), old, body},
		{"six minutes ahead", sign(future, body), future, body},
		{"no signature", "", ts, body},
		{"no timestamp", good, "", body},
		{"no v0= prefix", strings.TrimPrefix(good, "v0="), ts, body},
		{"v1=", "v1=" + strings.TrimPrefix(good, "v0="), ts, body},
		{"short", good[:len(good)-2], ts, body},
		{"long", good + "00", ts, body},
		{"not hex", good[:len(good)-1] + "g", ts, body},
		{"timestamp not a number", good, "12x", body},
		{"timestamp with a sign", sign("+"+ts, body), "+" + ts, body},
		{"huge timestamp", sign("99999999999999999999", body), "99999999999999999999", body},
		{"negative timestamp", sign("-1", body), "-1", body},
	}
	s := newSigner(secret)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.sig != "" {
				h.Set("X-Slack-Signature", tt.sig)
			}
			if tt.ts != "" {
				h.Set("X-Slack-Request-Timestamp", tt.ts)
			}
			want := true
			sv, err := slack.NewSecretsVerifier(h, secret)
			if err != nil {
				want = false
			} else {
				sv.Write(tt.body)
				want = sv.Ensure() == nil
			}
			sh, err := s.headers(h, time.Now())
			got := err == nil && s.valid(sh, tt.body)
			if got != want {
				t.Errorf("signer accepts = %v, slack-go accepts = %v (headers error %v)", got, want, err)
			}
		})
	}
	// The pooled HMAC is reset between requests.
	h := http.Header{"X-Slack-Signature": {good}, "X-Slack-Request-Timestamp": {ts}}
	for i := range 3 {
		sh, err := s.headers(h, now)
		if err != nil || !s.valid(sh, body) {
			t.Fatalf("request %d of the same valid signature refused (%v)", i, err)
		}
		if s.valid(sh, body[1:]) {
			t.Fatalf("request %d: a changed body accepted", i)
		}
	}
}
