package slack_test

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/loadgen"
)

// lockedBuffer collects the bot's log, written from its goroutines too.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// fuzzSend signs body as Slack would and sends it to path. Whatever the
// body, the answer is 200, 400 or 413: never a 500, a 401 (the signature
// is right) or a panic, in the handler or in the work after the ack.
func fuzzSend(t *testing.T, bn *bench, logs *lockedBuffer, path string, body []byte) {
	t.Helper()
	r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	loadgen.SlackSign(r.Header, benchSecret, body, time.Now())
	rec := httptest.NewRecorder()
	bn.mux.ServeHTTP(rec, r)
	switch rec.Code {
	case http.StatusOK, http.StatusBadRequest, http.StatusRequestEntityTooLarge:
	default:
		t.Fatalf("%s %q: status %d %s", path, body, rec.Code, rec.Body)
	}
	bn.drain(t)
	if strings.Contains(logs.String(), "panicked") {
		t.Fatalf("%s %q: background work panicked:\n%s", path, body, logs.String())
	}
}

// FuzzSlackCommand fuzzes the slash command form, correctly signed.
func FuzzSlackCommand(f *testing.F) {
	logs := &lockedBuffer{}
	bn := newBenchLog(f, slog.New(slog.NewTextHandler(logs, nil)))
	for _, text := range benchTexts {
		f.Add(loadgen.SlackCommand(benchSecret, "U1", text, responseURL, time.Now()).Body)
	}
	f.Add([]byte("ssl_check=1&token=x"))
	f.Add([]byte("user_id=U1&text=%E3%83%91%ZZ"))
	f.Add([]byte("user_id=&text=help"))
	f.Add([]byte(""))
	f.Fuzz(func(t *testing.T, body []byte) {
		fuzzSend(t, bn, logs, "/slack/commands", body)
	})
}

// FuzzSlackInteraction fuzzes the JSON inside the payload= field of a
// click, correctly signed; the answers go to a fake response_url.
func FuzzSlackInteraction(f *testing.F) {
	logs := &lockedBuffer{}
	bn := newBenchLog(f, slog.New(slog.NewTextHandler(logs, nil)))
	action, tok := bn.walkButton(f)
	click, _ := url.ParseQuery(string(loadgen.SlackClick(benchSecret, "U1", action, tok, responseURL, time.Now()).Body))
	f.Add(click.Get("payload"))
	f.Add(strings.Replace(click.Get("payload"), tok, "k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAA", 1))
	f.Add(strings.Replace(click.Get("payload"), responseURL, "javascript:alert(1)", 1))
	f.Add(`{"type":"block_actions","actions":[{}]}`)
	f.Add(`{"type":"view_submission"}`)
	f.Add(`{"type":"block_actions","user":{"id":"U1"},"actions":[{"action_id":"kk-card-claim:1","value":"1"}],"response_url":"https://hooks.slack.com/x"}`)
	f.Add(`[]`)
	f.Fuzz(func(t *testing.T, payload string) {
		fuzzSend(t, bn, logs, "/slack/interactions", []byte(url.Values{"payload": {payload}}.Encode()))
	})
}
