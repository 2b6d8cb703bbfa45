package slack_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/httplog"
	"github.com/kaiketsu/kaiketsu/adapters/loadgen"
	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	slackedge "github.com/kaiketsu/kaiketsu/adapters/slack"
	"github.com/kaiketsu/kaiketsu/core"
)

// recordingTransport keeps the bodies posted to response_url.
type recordingTransport struct {
	mu    sync.Mutex
	posts []string
}

func (t *recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	b, _ := io.ReadAll(r.Body)
	r.Body.Close()
	t.mu.Lock()
	t.posts = append(t.posts, string(b))
	t.mu.Unlock()
	return &http.Response{StatusCode: 200, Body: io.NopCloser(strings.NewReader("ok")), Header: http.Header{}, Request: r}, nil
}

// buttons returns the walkthrough buttons (action id, token) of a reply.
func buttons(t *testing.T, body []byte) [][2]string {
	t.Helper()
	var reply struct {
		Blocks []struct {
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(body, &reply); err != nil {
		t.Fatalf("reply: %v\n%s", err, body)
	}
	var out [][2]string
	for _, b := range reply.Blocks {
		for _, e := range b.Elements {
			if strings.HasPrefix(e.Value, core.TokenPrefix) {
				out = append(out, [2]string{e.ActionID, e.Value})
			}
		}
	}
	return out
}

// TestSlowDownOnAClickKeepsTheWalkthrough: a person over the rate limit
// who clicks gets the "slow down" answer as a new private message; the
// walkthrough it was clicked on is not replaced, so its buttons still work.
func TestSlowDownOnAClickKeepsTheWalkthrough(t *testing.T) {
	books, _ := core.DefaultPlaybooks()
	limit, err := core.NewLimiter(1, time.Hour, 1, 0) // one request, then wait
	if err != nil {
		t.Fatal(err)
	}
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("slack slow-down test key"), Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	rt := &recordingTransport{}
	bot, err := slackedge.New(slackedge.Options{Engine: eng, SigningSecret: benchSecret, HTTPClient: &http.Client{Transport: rt}})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	bot.Mount(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, loadgen.SlackCommand(benchSecret, "U1", "I forgot my password", responseURL, time.Now()).HTTP(""))
	bs := buttons(t, rec.Body.Bytes())
	if len(bs) < 2 {
		t.Fatalf("no walkthrough in %s", rec.Body)
	}
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, loadgen.SlackClick(benchSecret, "U1", bs[1][0], bs[1][1], responseURL, time.Now()).HTTP(""))
	if rec.Code != http.StatusOK {
		t.Fatalf("click: %d", rec.Code)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := bot.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rt.posts) != 1 {
		t.Fatalf("%d posts to response_url, want 1", len(rt.posts))
	}
	var post map[string]any
	if err := json.Unmarshal([]byte(rt.posts[0]), &post); err != nil {
		t.Fatal(err)
	}
	if post["replace_original"] == true || post["response_type"] != "ephemeral" || !strings.Contains(post["text"].(string), "bit fast") {
		t.Errorf("slow-down post = %s; want a new ephemeral message, not a replacement", rt.posts[0])
	}
}

// TestHandoffCardRetriesAreCounted: OnCardRetry is called once per retry
// of a card post, not for the first attempt.
func TestHandoffCardRetriesAreCounted(t *testing.T) {
	var calls atomic.Int64
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if strings.HasSuffix(r.URL.Path, "/chat.postMessage") {
			if calls.Add(1) <= 2 {
				io.WriteString(w, `{"ok":false,"error":"internal_error"}`)
				return
			}
			io.WriteString(w, `{"ok":true,"channel":"C0SUPPORT","ts":"1700000000.000200"}`)
			return
		}
		io.WriteString(w, `{"ok":true,"user":{"id":"U1","locale":"en-US"}}`)
	}))
	defer api.Close()
	books, _ := core.DefaultPlaybooks()
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("slack retry test key"), Store: memstore.New()})
	if err != nil {
		t.Fatal(err)
	}
	var retries atomic.Int64
	rt := &recordingTransport{}
	bot, err := slackedge.New(slackedge.Options{
		Engine: eng, SigningSecret: benchSecret, Logger: slog.New(slog.DiscardHandler),
		BotToken: "xoxb-test", SupportChannel: "C0SUPPORT", APIURL: api.URL + "/",
		HTTPClient: &http.Client{Transport: &splitTransport{api: api.URL, hooks: rt}},
		RetryBase:  time.Millisecond, RetryMax: 2 * time.Millisecond,
		OnCardRetry: func() { retries.Add(1) },
	})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	bot.Mount(mux)
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, loadgen.SlackCommand(benchSecret, "U1", "I forgot my password", responseURL, time.Now()).HTTP(""))
	bs := buttons(t, rec.Body.Bytes())
	human := bs[len(bs)-1] // "Talk to a person" comes last
	rec = httptest.NewRecorder()
	mux.ServeHTTP(rec, loadgen.SlackClick(benchSecret, "U1", human[0], human[1], responseURL, time.Now()).HTTP(""))
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := bot.Drain(ctx); err != nil {
		t.Fatal(err)
	}
	if calls.Load() != 3 || retries.Load() != 2 {
		t.Errorf("card posted in %d attempts with %d retries counted; want 3 and 2", calls.Load(), retries.Load())
	}
}

// splitTransport sends Web API calls to the fake API server and
// response_url posts to a recorder.
type splitTransport struct {
	api   string
	hooks http.RoundTripper
}

func (s *splitTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.String(), s.api) {
		return http.DefaultTransport.RoundTrip(r)
	}
	return s.hooks.RoundTrip(r)
}

// TestLogLinesCarryTheRequestID: the lines a request writes, in its
// handler and in the work after the ack, carry its request id (found by a
// black-box run: the rejection and the failed update had none).
func TestLogLinesCarryTheRequestID(t *testing.T) {
	var buf lockedBuffer
	log := slog.New(httplog.Handler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	books, _ := core.DefaultPlaybooks()
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("slack request id test key")})
	if err != nil {
		t.Fatal(err)
	}
	failing := roundTripFunc(func(r *http.Request) (*http.Response, error) {
		return nil, errors.New("connection refused")
	})
	bot, err := slackedge.New(slackedge.Options{Engine: eng, SigningSecret: benchSecret, Logger: log,
		HTTPClient: &http.Client{Transport: failing}, RetryBase: time.Millisecond, RetryMax: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	bot.Mount(mux)
	h := httplog.Middleware(log, mux)

	bad := loadgen.SlackCommand("not the secret", "U1", "I forgot my password", responseURL, time.Now()).HTTP("")
	bad.Header.Set(httplog.RequestIDHeader, "req-bad-signature")
	h.ServeHTTP(httptest.NewRecorder(), bad)

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, loadgen.SlackCommand(benchSecret, "U1", "I forgot my password", responseURL, time.Now()).HTTP(""))
	bs := buttons(t, rec.Body.Bytes())
	click := loadgen.SlackClick(benchSecret, "U1", bs[1][0], bs[1][1], responseURL, time.Now()).HTTP("")
	click.Header.Set(httplog.RequestIDHeader, "req-click")
	h.ServeHTTP(httptest.NewRecorder(), click)
	if err := bot.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}

	want := map[string]string{"slack: rejected request": "req-bad-signature", "slack: could not update the message": "req-click"}
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var l struct {
			Msg       string `json:"msg"`
			RequestID string `json:"request_id"`
		}
		json.Unmarshal([]byte(line), &l)
		if id, ok := want[l.Msg]; ok {
			if l.RequestID != id {
				t.Errorf("%q logged with request id %q, want %q", l.Msg, l.RequestID, id)
			}
			delete(want, l.Msg)
		}
	}
	for msg := range want {
		t.Errorf("no %q line in the log:\n%s", msg, buf.String())
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
