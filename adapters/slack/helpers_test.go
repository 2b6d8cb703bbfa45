package slack

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/slack-go/slack"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/core"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/")

const testSecret = "8f742231b10e8888abcd99yyyzzz85a5"

func newEngine(t testing.TB, store core.Store) *core.Engine {
	t.Helper()
	books, err := core.DefaultPlaybooks()
	if err != nil {
		t.Fatalf("playbooks: %v", err)
	}
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{
		Key:         []byte("a test key of at least sixteen bytes"),
		DefaultLang: "en",
		Store:       store,
		Now:         func() time.Time { return time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC) },
	})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

// testBot is a Bot wired to a fake Slack and a memory store, with a log
// buffer the tests read to check that nothing private is logged.
type testBot struct {
	*Bot
	fake  *fakeSlack
	store *memstore.Store
	logs  *syncWriter
	mux   *http.ServeMux
}

func newTestBot(t *testing.T, mod func(*Options)) *testBot {
	t.Helper()
	fake := newFakeSlack(t)
	store := memstore.New()
	logs := &syncWriter{w: &bytes.Buffer{}}
	opt := Options{
		Engine:         newEngine(t, store),
		Store:          store,
		Logger:         slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		SigningSecret:  testSecret,
		BotToken:       "xoxb-test-token",
		SupportChannel: "C0SUPPORT",
		APIURL:         fake.apiURL(),
		DefaultLang:    "en",
		RetryBase:      time.Millisecond,
		RetryMax:       5 * time.Millisecond,
		// The fake's response_urls are on this machine.
		ResponseHosts: []string{"127.0.0.1"},
	}
	if mod != nil {
		mod(&opt)
	}
	b, err := New(opt)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	b.Mount(mux)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		b.Drain(ctx)
	})
	return &testBot{Bot: b, fake: fake, store: store, logs: logs, mux: mux}
}

// drain waits for every reply, card and notice started so far.
func (tb *testBot) drain(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tb.Drain(ctx); err != nil {
		t.Fatalf("drain: %v", err)
	}
}

// syncWriter lets background goroutines log into one buffer.
type syncWriter struct {
	mu sync.Mutex
	w  *bytes.Buffer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

func (s *syncWriter) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.String()
}

// signed builds a request signed the way Slack signs it: v0= HMAC-SHA256
// of "v0:timestamp:body" with the signing secret.
func signed(path, contentType, body string, at time.Time) *http.Request {
	r := httptest.NewRequest(http.MethodPost, path, strings.NewReader(body))
	r.Header.Set("Content-Type", contentType)
	ts := strconv.FormatInt(at.Unix(), 10)
	r.Header.Set("X-Slack-Request-Timestamp", ts)
	r.Header.Set("X-Slack-Signature", signature(testSecret, ts, body))
	return r
}

func signature(secret, ts, body string) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%s:%s", ts, body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

const formType = "application/x-www-form-urlencoded"

// commandForm is a slash command with every field Slack sends.
func commandForm(user, text, responseURL string) url.Values {
	return url.Values{
		"token":                 {"gIkuvaNzQIHg97ATvDxqgjtO"},
		"team_id":               {"T0001"},
		"team_domain":           {"example"},
		"enterprise_id":         {"E0001"},
		"enterprise_name":       {"Globular%20Construct%20Inc"},
		"is_enterprise_install": {"false"},
		"channel_id":            {"C2147483705"},
		"channel_name":          {"test"},
		"user_id":               {user},
		"user_name":             {"steve"},
		"command":               {"/support"},
		"text":                  {text},
		"response_url":          {responseURL},
		"trigger_id":            {"13345224609.738474920.8088930838d88f008e0"},
		"api_app_id":            {"A123456"},
	}
}

// clickPayload is a block_actions payload as Slack sends it for a button
// in a message.
func clickPayload(user, channel, actionID, value, responseURL string, ephemeral bool) string {
	return url.Values{"payload": {clickJSON(user, channel, actionID, value, responseURL, ephemeral)}}.Encode()
}

// clickJSON is the JSON of a block_actions payload.
func clickJSON(user, channel, actionID, value, responseURL string, ephemeral bool) string {
	p := map[string]any{
		"type":                  "block_actions",
		"api_app_id":            "A123456",
		"token":                 "gIkuvaNzQIHg97ATvDxqgjtO",
		"trigger_id":            "12466734323.1395872398.4b4a8d9e1b0f3b5d7b0a",
		"team":                  map[string]any{"id": "T0001", "domain": "example"},
		"user":                  map[string]any{"id": user, "username": "agent-" + strings.ToLower(user), "name": "agent-" + strings.ToLower(user), "team_id": "T0001"},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"container":             map[string]any{"type": "message", "message_ts": "1700000000.000100", "channel_id": channel, "is_ephemeral": ephemeral},
		"channel":               map[string]any{"id": channel, "name": "test"},
		"response_url":          responseURL,
		"state":                 map[string]any{"values": map[string]any{}},
		"actions": []any{map[string]any{
			"type": "button", "action_id": actionID, "block_id": "abc-7", "value": value,
			"text":      map[string]any{"type": "plain_text", "text": "Button", "emoji": true},
			"action_ts": "1700000001.123456",
		}},
	}
	if !ephemeral {
		p["message"] = map[string]any{"type": "message", "ts": "1700000000.000100", "text": "x", "blocks": []any{}}
	}
	js, _ := json.Marshal(p)
	return string(js)
}

func (tb *testBot) do(r *http.Request) *httptest.ResponseRecorder {
	w := httptest.NewRecorder()
	tb.mux.ServeHTTP(w, r)
	return w
}

// checkLimits parses a rendered message back with slack-go's types and
// checks it against Slack's Block Kit limits.
func checkLimits(t *testing.T, raw []byte) slack.Blocks {
	t.Helper()
	var msg struct {
		Text   string       `json:"text"`
		Blocks slack.Blocks `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &msg); err != nil {
		t.Fatalf("message does not parse with slack-go: %v\n%s", err, raw)
	}
	n := utf8.RuneCountInString
	if msg.Text == "" {
		t.Error("no fallback text")
	}
	if len(msg.Blocks.BlockSet) == 0 || len(msg.Blocks.BlockSet) > maxBlocks {
		t.Errorf("%d blocks, want 1..%d", len(msg.Blocks.BlockSet), maxBlocks)
	}
	ids := map[string]bool{}
	checkText := func(what string, o *slack.TextBlockObject, limit int) {
		if o == nil {
			return
		}
		if o.Text == "" || n(o.Text) > limit {
			t.Errorf("%s: %d characters, want 1..%d", what, n(o.Text), limit)
		}
		if o.Type == slack.MarkdownType && strings.Contains(stripEntities(o.Text), "&") {
			t.Errorf("%s: unescaped & in mrkdwn: %q", what, o.Text)
		}
	}
	for i, b := range msg.Blocks.BlockSet {
		id := b.ID()
		if id == "" || n(id) > maxBlockID || ids[id] {
			t.Errorf("block %d: block_id %q missing, too long or repeated", i, id)
		}
		ids[id] = true
		switch b := b.(type) {
		case *slack.HeaderBlock:
			checkText("header", b.Text, maxHeader)
			if b.Text.Type != slack.PlainTextType {
				t.Error("header text must be plain_text")
			}
		case *slack.SectionBlock:
			checkText("section", b.Text, maxText)
			if len(b.Fields) > 10 {
				t.Errorf("section with %d fields", len(b.Fields))
			}
			for _, f := range b.Fields {
				checkText("field", f, 2000)
			}
		case *slack.ContextBlock:
			if len(b.ContextElements.Elements) > maxContextElem {
				t.Errorf("context with %d elements", len(b.ContextElements.Elements))
			}
			for _, e := range b.ContextElements.Elements {
				if o, ok := e.(*slack.TextBlockObject); ok {
					checkText("context", o, maxText)
				}
			}
		case *slack.ActionBlock:
			els := b.Elements.ElementSet
			if len(els) == 0 || len(els) > maxPerActions {
				t.Errorf("actions block with %d elements", len(els))
			}
			aids := map[string]bool{}
			for _, e := range els {
				btn, ok := e.(*slack.ButtonBlockElement)
				if !ok {
					t.Errorf("unexpected element %T", e)
					continue
				}
				checkText("button", btn.Text, maxLabel)
				if btn.Text.Type != slack.PlainTextType {
					t.Error("button text must be plain_text")
				}
				if btn.ActionID == "" || n(btn.ActionID) > maxActionID || aids[btn.ActionID] {
					t.Errorf("action_id %q missing, too long or repeated", btn.ActionID)
				}
				aids[btn.ActionID] = true
				if btn.Value == "" || n(btn.Value) > maxValue {
					t.Errorf("button value of %d characters", n(btn.Value))
				}
				if btn.Style != "" && btn.Style != slack.StylePrimary && btn.Style != slack.StyleDanger {
					t.Errorf("button style %q", btn.Style)
				}
			}
		default:
			t.Errorf("unexpected block %T", b)
		}
	}
	return msg.Blocks
}

func stripEntities(s string) string {
	return strings.NewReplacer("&amp;", "", "&lt;", "", "&gt;", "").Replace(s)
}

// buttons returns the buttons of a message, in order.
func buttons(bs slack.Blocks) []*slack.ButtonBlockElement {
	var out []*slack.ButtonBlockElement
	for _, b := range bs.BlockSet {
		if a, ok := b.(*slack.ActionBlock); ok {
			for _, e := range a.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					out = append(out, btn)
				}
			}
		}
	}
	return out
}

// compareGolden compares got with testdata/name, or rewrites it with
// -update.
func compareGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./adapters/slack -run Golden -update)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got); if the change is intended, run go test ./adapters/slack -run Golden -update:\n%s", name, diff)
	}
}

func mustReq(text string) core.Request {
	return core.Request{Platform: Platform, UserID: "U0REQUEST", Text: text}
}

func urlQueryEscape(s string) string { return url.QueryEscape(s) }

// goldenJSON is v as indented JSON, with <, > and & left readable.
func goldenJSON(t *testing.T, v any) []byte {
	t.Helper()
	js, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, js, "", "  "); err != nil {
		t.Fatal(err)
	}
	s := strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(out.String())
	return []byte(s + "\n")
}
