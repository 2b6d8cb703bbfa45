package slack

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/kaiketsu/kaiketsu/core"
)

func TestSignatureChecks(t *testing.T) {
	tb := newTestBot(t, nil)
	body := commandForm("U0REQUEST", "I forgot my password", tb.fake.responseURL("1")).Encode()
	now := time.Now()
	tests := []struct {
		name string
		mod  func(r *http.Request)
		want int
	}{
		{"valid", func(r *http.Request) {}, http.StatusOK},
		{"no signature", func(r *http.Request) { r.Header.Del("X-Slack-Signature") }, http.StatusUnauthorized},
		{"no timestamp", func(r *http.Request) { r.Header.Del("X-Slack-Request-Timestamp") }, http.StatusUnauthorized},
		{"wrong secret", func(r *http.Request) {
			ts := r.Header.Get("X-Slack-Request-Timestamp")
			r.Header.Set("X-Slack-Signature", signature("another secret", ts, body))
		}, http.StatusUnauthorized},
		{"signature of another body", func(r *http.Request) {
			ts := r.Header.Get("X-Slack-Request-Timestamp")
			r.Header.Set("X-Slack-Signature", signature(testSecret, ts, body+"&x=1"))
		}, http.StatusUnauthorized},
		{"not hex", func(r *http.Request) { r.Header.Set("X-Slack-Signature", "v0=zz") }, http.StatusUnauthorized},
		{"stale", func(r *http.Request) {
			ts := strconv.FormatInt(now.Add(-6*time.Minute).Unix(), 10)
			r.Header.Set("X-Slack-Request-Timestamp", ts)
			r.Header.Set("X-Slack-Signature", signature(testSecret, ts, body))
		}, http.StatusUnauthorized},
		{"from the future", func(r *http.Request) {
			ts := strconv.FormatInt(now.Add(6*time.Minute).Unix(), 10)
			r.Header.Set("X-Slack-Request-Timestamp", ts)
			r.Header.Set("X-Slack-Signature", signature(testSecret, ts, body))
		}, http.StatusUnauthorized},
	}
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		for _, tt := range tests {
			if tt.want == http.StatusOK && path != "/slack/commands" {
				continue
			}
			t.Run(path+"/"+tt.name, func(t *testing.T) {
				r := signed(path, formType, body, now)
				tt.mod(r)
				w := tb.do(r)
				if w.Code != tt.want {
					t.Fatalf("status %d, want %d (%s)", w.Code, tt.want, w.Body)
				}
				if tt.want == http.StatusUnauthorized && strings.Contains(w.Body.String(), "password") {
					t.Errorf("a rejected request was answered: %s", w.Body)
				}
			})
		}
	}
	tb.drain(t)
	// Only the one valid command got through: nothing else reached the
	// engine or Slack.
	outs, _ := tb.store.Outcomes(context.Background(), time.Time{})
	if len(outs) != 1 {
		t.Errorf("%d outcomes recorded, want 1 (only the valid request)", len(outs))
	}
	if n := len(tb.fake.responsePosts()); n != 0 {
		t.Errorf("%d response_url posts after rejected requests", n)
	}
}

func TestOversizedBody(t *testing.T) {
	tb := newTestBot(t, nil)
	big := commandForm("U0REQUEST", strings.Repeat("a", maxBody), "https://hooks.slack.com/x").Encode()
	for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
		w := tb.do(signed(path, formType, big, time.Now()))
		if w.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s: status %d, want 413", path, w.Code)
		}
		// Without a Content-Length (chunked), the limit still holds.
		r := signed(path, formType, big, time.Now())
		r.ContentLength = -1
		if w := tb.do(r); w.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("%s chunked: status %d, want 413", path, w.Code)
		}
	}
}

func commandReply(t *testing.T, w interface {
	Result() *http.Response
}) (Reply, slack.Blocks, []byte) {
	t.Helper()
	res := w.Result()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("status %d", res.StatusCode)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Fatalf("Content-Type %q", ct)
	}
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	// Sent with its length, the reply is one plain body, not chunks.
	if cl := res.Header.Get("Content-Length"); cl != strconv.Itoa(len(body)) {
		t.Errorf("Content-Length %q for a %d-byte reply", cl, len(body))
	}
	raw := json.RawMessage(bytes.TrimSpace(body))
	var r Reply
	json.Unmarshal(raw, &struct {
		ResponseType *string `json:"response_type"`
		Text         *string `json:"text"`
	}{&r.ResponseType, &r.Text})
	bs := checkLimits(t, raw)
	return r, bs, raw
}

func headerText(bs slack.Blocks) string {
	for _, b := range bs.BlockSet {
		if h, ok := b.(*slack.HeaderBlock); ok {
			return h.Text.Text
		}
	}
	return ""
}

func TestCommand(t *testing.T) {
	tb := newTestBot(t, nil)
	tb.fake.locales["U0JA"] = "ja-JP"
	ctx := context.Background()
	tests := []struct {
		name, user, text, locale string
		kind                     core.Kind
	}{
		{"diagnosis in English", "U0EN", "I forgot my password", "", core.KindStep},
		{"diagnosis in Japanese", "U0EN", "パスワードを忘れた", "", core.KindStep},
		{"empty text: the menu, in the user's Slack locale", "U0JA", "", "ja-JP", core.KindMenu},
		{"help", "U0EN", "help", "", core.KindMenu},
		{"nothing fits", "U0EN", "how do I bake sourdough bread", "", core.KindNoMatch},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := commandForm(tt.user, tt.text, tb.fake.responseURL("c")).Encode()
			r, bs, _ := commandReply(t, tb.do(signed("/slack/commands", formType, body, time.Now())))
			if r.ResponseType != "ephemeral" {
				t.Errorf("response_type %q: someone's sign-in trouble would be shown to the channel", r.ResponseType)
			}
			want := tb.eng.Ask(ctx, core.Request{Text: tt.text, Locale: tt.locale})
			if want.Kind != tt.kind {
				t.Fatalf("engine gives %v for %q, test expects %v", want.Kind, tt.text, tt.kind)
			}
			if got := headerText(bs); got != want.Title {
				t.Errorf("header %q, want %q", got, want.Title)
			}
			if len(buttons(bs)) != len(want.Buttons) {
				t.Errorf("%d buttons, want %d", len(buttons(bs)), len(want.Buttons))
			}
		})
	}
	// Texts in a clear language need no look-up; the empty one did, once,
	// and a second time comes from the cache.
	body := commandForm("U0JA", "", tb.fake.responseURL("c")).Encode()
	tb.do(signed("/slack/commands", formType, body, time.Now()))
	n := 0
	for _, c := range tb.fake.callsTo("users.info") {
		if c.Form.Get("user") == "U0JA" {
			n++
		}
	}
	if n != 1 {
		t.Errorf("users.info called %d times for U0JA, want 1 (cached)", n)
	}
}

func TestCommandWithoutBotTokenUsesDefaultLanguage(t *testing.T) {
	tb := newTestBot(t, func(o *Options) { o.BotToken = "" })
	tb.fake.locales["U0JA"] = "ja-JP"
	body := commandForm("U0JA", "", tb.fake.responseURL("c")).Encode()
	_, bs, _ := commandReply(t, tb.do(signed("/slack/commands", formType, body, time.Now())))
	want := tb.eng.Ask(context.Background(), core.Request{})
	if got := headerText(bs); got != want.Title {
		t.Errorf("header %q, want the default language's %q", got, want.Title)
	}
	if n := len(tb.fake.callsTo("users.info")); n != 0 {
		t.Errorf("users.info called without a bot token")
	}
}

func TestCommandBadInput(t *testing.T) {
	tb := newTestBot(t, nil)
	// Slack's certificate check: 200, not a command.
	w := tb.do(signed("/slack/commands", formType, "ssl_check=1&token=x", time.Now()))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Errorf("ssl_check: %d %q", w.Code, w.Body)
	}
	// Signed but not a command.
	w = tb.do(signed("/slack/commands", formType, "text=hello", time.Now()))
	if w.Code != http.StatusBadRequest {
		t.Errorf("command without a user: %d, want 400", w.Code)
	}
	// Ids no Slack sends (a hostile run's 40 KB user_id was a key of the
	// rate limiter, the locale cache and the store).
	long := strings.Repeat("U", maxIDLen+1)
	for name, q := range map[string]url.Values{
		"user": commandForm(long, "I forgot my password", tb.fake.responseURL("1")),
		"channel": func() url.Values {
			v := commandForm("U1", "hi", tb.fake.responseURL("1"))
			v.Set("channel_id", long)
			return v
		}(),
		"team": func() url.Values {
			v := commandForm("U1", "hi", tb.fake.responseURL("1"))
			v.Set("team_id", long)
			return v
		}(),
		// Nor characters none has (found by a second hostile run).
		"user with a newline": commandForm("U1\nU2", "I forgot my password", tb.fake.responseURL("1")),
		"channel with a NUL": func() url.Values {
			v := commandForm("U1", "hi", tb.fake.responseURL("1"))
			v.Set("channel_id", "C1\x00")
			return v
		}(),
	} {
		if w := tb.do(signed("/slack/commands", formType, q.Encode(), time.Now())); w.Code != http.StatusBadRequest {
			t.Errorf("command with a %d-byte %s id: %d, want 400", len(long), name, w.Code)
		}
	}
	if w := tb.do(signed("/slack/commands", formType, commandForm(strings.Repeat("U", maxIDLen), "hi", tb.fake.responseURL("1")).Encode(), time.Now())); w.Code != http.StatusOK {
		t.Errorf("command with a %d-byte user id: %d, want 200", maxIDLen, w.Code)
	}
}

func TestSecretsAreNeverLogged(t *testing.T) {
	tb := newTestBot(t, nil)
	const text = "I forgot my password, my password is Hunter2xyz! and the code 483920"
	body := commandForm("U0REQUEST", text, tb.fake.responseURL("c")).Encode()
	_, bs, raw := commandReply(t, tb.do(signed("/slack/commands", formType, body, time.Now())))
	if !strings.HasPrefix(bs.BlockSet[0].(*slack.SectionBlock).Text.Text, "⚠️") {
		t.Errorf("no warning first for a pasted password")
	}
	for _, s := range []string{"Hunter2xyz", "483920"} {
		if strings.Contains(string(raw), s) {
			t.Errorf("the reply echoes the secret %q", s)
		}
		if strings.Contains(tb.logs.String(), s) {
			t.Errorf("the log contains the secret %q", s)
		}
	}
	if strings.Contains(tb.logs.String(), "forgot my password") {
		t.Errorf("the log contains the message text:\n%s", tb.logs)
	}
	if !strings.Contains(tb.logs.String(), "secret_warning=true") {
		t.Errorf("the log does not say a warning was given:\n%s", tb.logs)
	}
}

// click sends a signed block_actions payload and checks the immediate ack.
func (tb *testBot) click(t *testing.T, user, channel, actionID, value, responseID string, ephemeral bool) {
	t.Helper()
	body := clickPayload(user, channel, actionID, value, tb.fake.responseURL(responseID), ephemeral)
	w := tb.do(signed("/slack/interactions", formType, body, time.Now()))
	if w.Code != http.StatusOK || w.Body.Len() != 0 {
		t.Fatalf("click ack: %d %q, want an empty 200", w.Code, w.Body)
	}
}

// lastResponse returns the last post to a response URL, parsed.
func (tb *testBot) lastResponse(t *testing.T) (slack.WebhookMessage, slack.Blocks) {
	t.Helper()
	posts := tb.fake.responsePosts()
	if len(posts) == 0 {
		t.Fatal("nothing was posted to the response_url")
	}
	raw := posts[len(posts)-1].Body
	var m slack.WebhookMessage
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{`"replace_original":`, `"response_type":"ephemeral"`} {
		if !strings.Contains(string(raw), f) {
			t.Errorf("response_url post lacks %s: %s", f, raw)
		}
	}
	return m, checkLimits(t, raw)
}

// TestWalkthroughByClicks goes from /support to "resolved" through button
// clicks only, each answered by replacing the same ephemeral message.
func TestWalkthroughByClicks(t *testing.T) {
	tb := newTestBot(t, nil)
	ctx := context.Background()
	body := commandForm("U0REQUEST", "I forgot my password", tb.fake.responseURL("cmd")).Encode()
	_, bs, _ := commandReply(t, tb.do(signed("/slack/commands", formType, body, time.Now())))
	steps := 1
	var cur core.Answer
	for {
		btns := buttons(bs)
		if len(btns) < 2 {
			t.Fatalf("step %d has %d buttons", steps, len(btns))
		}
		// Predict each click with the engine, then make it through Slack.
		next := btns[1]
		want, err := tb.eng.Press(ctx, core.Request{Platform: Platform, UserID: "U0REQUEST", Token: next.Value})
		if err != nil {
			t.Fatal(err)
		}
		if want.Kind != core.KindStep {
			break // the next "didn't work" would hand off: resolve here instead
		}
		tb.click(t, "U0REQUEST", "C2147483705", next.ActionID, next.Value, "walk", true)
		tb.drain(t)
		var m slack.WebhookMessage
		m, bs = tb.lastResponse(t)
		if !m.ReplaceOriginal {
			t.Fatalf("step %d: replace_original false: the conversation would grow a message per click", steps+1)
		}
		if got := headerText(bs); got != want.Title {
			t.Fatalf("step %d: header %q, want %q", steps+1, got, want.Title)
		}
		steps++
		cur = want
		if steps > 20 {
			t.Fatal("walkthrough does not end")
		}
	}
	if steps < 2 {
		t.Fatalf("only %d steps walked", steps)
	}
	fixed := buttons(bs)[0]
	if fixed.Style != slack.StylePrimary {
		t.Fatalf("first button is %q, want the primary 'That fixed it'", fixed.Text.Text)
	}
	tb.click(t, "U0REQUEST", "C2147483705", fixed.ActionID, fixed.Value, "walk", true)
	tb.drain(t)
	m, bs := tb.lastResponse(t)
	if !m.ReplaceOriginal || len(buttons(bs)) != 0 {
		t.Errorf("resolved: replace %v, %d buttons; want the message closed without buttons", m.ReplaceOriginal, len(buttons(bs)))
	}
	outs, _ := tb.store.Outcomes(ctx, time.Time{})
	var resolved *core.Outcome
	for i := range outs {
		if outs[i].Kind == core.OutcomeResolved {
			resolved = &outs[i]
		}
	}
	if resolved == nil || resolved.Topic != cur.Topic || resolved.Step != cur.Step || resolved.Platform != Platform {
		t.Errorf("outcome %+v, want resolved at %s step %d on slack", resolved, cur.Topic, cur.Step)
	}
}

func TestBadClicks(t *testing.T) {
	tb := newTestBot(t, nil)
	tb.fake.locales["U0JA"] = "ja-JP"
	startOver := tb.eng.StartOver(core.Request{Locale: "ja-JP"}, &core.TokenError{Err: core.ErrBadToken})
	tests := []struct {
		name, actionID, value string
	}{
		{"forged token", "k:1", "k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
		{"token of another instance's key", "k:1", otherKeyToken(t)},
		{"not a token", "k:0", "hello"},
		{"unknown action id", "approve_request", "42"},
		{"empty value", "k:0", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb.click(t, "U0JA", "C2147483705", tt.actionID, tt.value, "bad", true)
			tb.drain(t)
			m, bs := tb.lastResponse(t)
			if !m.ReplaceOriginal {
				t.Error("the broken message was not replaced")
			}
			if got := headerText(bs); got != startOver.Title {
				t.Errorf("header %q, want the start-over answer %q in the user's language", got, startOver.Title)
			}
			if len(buttons(bs)) == 0 {
				t.Error("start over offers no menu")
			}
		})
	}
}

func otherKeyToken(t *testing.T) string {
	books, _ := core.DefaultPlaybooks()
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("another key, sixteen bytes or more")})
	if err != nil {
		t.Fatal(err)
	}
	return eng.Ask(context.Background(), core.Request{Text: "help"}).Buttons[0].ID
}

func TestMalformedInteractions(t *testing.T) {
	tb := newTestBot(t, nil)
	for name, body := range map[string]string{
		"no payload": "foo=bar",
		"not JSON":   "payload=" + url.QueryEscape("{not json"),
		"wrong JSON": "payload=" + url.QueryEscape(`{"type":12,"actions":"x"}`),
		"not a form": "%%%",
		"empty":      "",
		// Every interaction Slack sends has a user.
		"null":            "payload=null",
		"no user":         "payload=" + url.QueryEscape(`{"type":"block_actions","response_url":"https://hooks.slack.com/x","actions":[{"action_id":"kk:w","block_id":"b","value":"x"}]}`),
		"long user id":    clickPayload(strings.Repeat("U", maxIDLen+1), "C1", "k:0", "x", "https://hooks.slack.com/x", true),
		"long channel id": clickPayload("U1", strings.Repeat("C", maxIDLen+1), "k:0", "x", "https://hooks.slack.com/x", true),
		"user id with &":  clickPayload("U1&x=1", "C1", "k:0", "x", "https://hooks.slack.com/x", true),
	} {
		w := tb.do(signed("/slack/interactions", formType, body, time.Now()))
		if w.Code != http.StatusBadRequest {
			t.Errorf("%s: status %d, want 400", name, w.Code)
		}
	}
	// Other interaction types are acknowledged and ignored.
	p := `{"type":"view_closed","user":{"id":"U1"},"view":{"id":"V1"}}`
	w := tb.do(signed("/slack/interactions", formType, "payload="+url.QueryEscape(p), time.Now()))
	if w.Code != http.StatusOK {
		t.Errorf("view_closed: status %d", w.Code)
	}
	// A block_actions payload with no actions, and one with no usable
	// response_url, are acknowledged; nothing is posted.
	p = `{"type":"block_actions","user":{"id":"U1"},"actions":[]}`
	tb.do(signed("/slack/interactions", formType, "payload="+url.QueryEscape(p), time.Now()))
	body := clickPayload("U1", "C1", "k:0", "x", "javascript:alert(1)", true)
	tb.do(signed("/slack/interactions", formType, body, time.Now()))
	tb.drain(t)
	if n := len(tb.fake.responsePosts()); n != 0 {
		t.Errorf("%d posts", n)
	}
	if !strings.Contains(tb.logs.String(), "no usable response_url") {
		t.Errorf("a click that cannot be answered is not logged")
	}
}

func TestResponseURLRetried(t *testing.T) {
	tb := newTestBot(t, nil)
	tb.fake.failNext("response", fault{Status: 502}, fault{Status: 503})
	tok := tb.eng.Ask(context.Background(), core.Request{Text: "help"}).Buttons[0].ID
	tb.click(t, "U0REQUEST", "C1", "k:0", tok, "r", true)
	tb.drain(t)
	if n := len(tb.fake.responsePosts()); n != 3 {
		t.Errorf("%d posts, want 2 failures and 1 success", n)
	}
}

// TestResponseURLOnlyToSlack: a click's update goes only to a
// response_url on the allowed hosts (Slack's by default), over https or
// to this machine; anything else is not called at all. A hostile run
// found the server posting to a cloud metadata address, local ports and
// any host a signed payload named.
func TestResponseURLOnlyToSlack(t *testing.T) {
	var mu sync.Mutex
	var called []string
	tb := newTestBot(t, func(o *Options) {
		o.ResponseHosts = []string{"Hooks.Slack.com", "127.0.0.1"}
		o.HTTPClient = &http.Client{Transport: recordingTransport(func(r *http.Request) (*http.Response, error) {
			mu.Lock()
			called = append(called, r.URL.Host)
			mu.Unlock()
			return &http.Response{StatusCode: http.StatusOK, Body: io.NopCloser(strings.NewReader("ok")), Header: http.Header{}}, nil
		})}
	})
	for _, tc := range []struct {
		url  string
		sent bool
	}{
		{"https://hooks.slack.com/actions/T0001/1/abc", true},
		{"https://HOOKS.slack.com/actions/T0001/2/abc", true},
		{"http://127.0.0.1:9/actions/T0001/3/abc", true},
		{"http://169.254.169.254/latest/meta-data/", false},
		{"https://evil.example/actions/T0001/1/abc", false},
		{"https://hooks.slack.com.evil.example/actions/x", false},
		{"http://hooks.slack.com/actions/T0001/1/abc", false}, // not https
		{"https://user:pw@hooks.slack.com/actions/T0001/1/abc", false},
		{"http://localhost:22/", false}, // loopback, but not on the list
		{"https://hooks.slack.com:80/actions/T0001/1/abc", false},
		{"https://hooks.slack.com:443/actions/T0001/4/abc", true},
		{"file:///etc/passwd", false},
	} {
		mu.Lock()
		called = nil
		mu.Unlock()
		body := clickPayload("U0ALICE", "D0ALICE", "w:1", "k1.not-a-token", tc.url, true)
		if w := tb.do(signed("/slack/interactions", formType, body, time.Now())); w.Code != http.StatusOK {
			t.Fatalf("%s: ack %d", tc.url, w.Code)
		}
		tb.drain(t)
		mu.Lock()
		got := len(called) > 0
		mu.Unlock()
		if got != tc.sent {
			t.Errorf("response_url %s: called %v, want %v", tc.url, got, tc.sent)
		}
	}
	if strings.Contains(tb.logs.String(), "meta-data") || strings.Contains(tb.logs.String(), "/actions/") {
		t.Errorf("a response_url's path reached the log:\n%s", tb.logs)
	}
	if !strings.Contains(tb.logs.String(), "not one of SLACK_RESPONSE_HOSTS") {
		t.Errorf("a refused response_url is not logged as such:\n%s", tb.logs)
	}
	// A user part is named as the reason (a hostile run saw an allowed
	// host logged as not allowed), and never logged itself.
	if !strings.Contains(tb.logs.String(), "carries a user name") || strings.Contains(tb.logs.String(), "user:pw") {
		t.Errorf("a response_url with a user part is not logged for it, or the user part is:\n%s", tb.logs)
	}
}

type recordingTransport func(*http.Request) (*http.Response, error)

func (f recordingTransport) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
