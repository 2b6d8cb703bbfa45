package slack

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"
)

// eventBody wraps an inner event in the event_callback envelope Slack
// posts.
func eventBody(eventID string, inner map[string]any) string {
	js, _ := json.Marshal(map[string]any{
		"token":                 "XXYYZZ",
		"team_id":               "T0001",
		"api_app_id":            "A123456",
		"event":                 inner,
		"type":                  "event_callback",
		"event_id":              eventID,
		"event_time":            1700000000,
		"authorizations":        []any{map[string]any{"team_id": "T0001", "user_id": "U0BOT", "is_bot": true}},
		"is_ext_shared_channel": false,
		"event_context":         "4-eyJldCI6ImFwcF9tZW50aW9uIn0",
	})
	return string(js)
}

func mentionEvent(user, text string) map[string]any {
	return map[string]any{
		"type": "app_mention", "user": user, "text": text, "ts": "1700000100.000200",
		"channel": "C2147483705", "event_ts": "1700000100.000200", "client_msg_id": "c1",
	}
}

func dmEvent(user, text string, extra map[string]any) map[string]any {
	e := map[string]any{
		"type": "message", "user": user, "text": text, "ts": "1700000200.000300",
		"channel": "D0DIRECT", "channel_type": "im", "event_ts": "1700000200.000300", "client_msg_id": "c2",
	}
	for k, v := range extra {
		e[k] = v
	}
	return e
}

const jsonType = "application/json"

func TestURLVerification(t *testing.T) {
	tb := newTestBot(t, nil)
	body := `{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"}`
	w := tb.do(signed("/slack/events", jsonType, body, time.Now()))
	if w.Code != http.StatusOK || w.Body.String() != "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" {
		t.Errorf("challenge: %d %q", w.Code, w.Body)
	}
	// Unsigned, the challenge is not answered.
	r := signed("/slack/events", jsonType, body, time.Now())
	r.Header.Set("X-Slack-Signature", "v0=00")
	if w := tb.do(r); w.Code != http.StatusUnauthorized {
		t.Errorf("unsigned challenge: %d", w.Code)
	}
}

func TestMentionAnsweredInThreadOnce(t *testing.T) {
	tb := newTestBot(t, nil)
	body := eventBody("Ev0MENTION1", mentionEvent("U0REQUEST", "<@U0BOT> I forgot my password"))
	w := tb.do(signed("/slack/events", jsonType, body, time.Now()))
	if w.Code != http.StatusOK {
		t.Fatalf("status %d", w.Code)
	}
	// Slack retries when it thinks the ack was late: the same event id
	// with X-Slack-Retry-Num.
	for i := 1; i <= 2; i++ {
		r := signed("/slack/events", jsonType, body, time.Now())
		r.Header.Set("X-Slack-Retry-Num", "1")
		r.Header.Set("X-Slack-Retry-Reason", "http_timeout")
		if w := tb.do(r); w.Code != http.StatusOK {
			t.Fatalf("retry: status %d", w.Code)
		}
	}
	tb.drain(t)
	posts := tb.fake.callsTo("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d replies, want exactly 1 despite retries", len(posts))
	}
	p := posts[0].Form
	if p.Get("channel") != "C2147483705" || p.Get("thread_ts") != "1700000100.000200" {
		t.Errorf("reply in %s thread %q, want the mention's thread", p.Get("channel"), p.Get("thread_ts"))
	}
	if posts[0].Auth != "Bearer xoxb-test-token" && p.Get("token") != "xoxb-test-token" {
		t.Errorf("reply not sent with the bot token")
	}
	bs := decodeBlocks(t, p.Get("blocks"))
	raw, _ := json.Marshal(map[string]any{"text": p.Get("text"), "blocks": bs})
	checkLimits(t, raw)
	want := tb.eng.Ask(t.Context(), mustReq("I forgot my password"))
	if got := headerText(bs); got != want.Title {
		t.Errorf("header %q, want the diagnosis %q", got, want.Title)
	}
	if len(buttons(bs)) == 0 {
		t.Error("no button to start the walkthrough")
	}

	// A click on that public reply opens a private walkthrough for the
	// clicker; the public message stays.
	next := buttons(bs)[1]
	tb.click(t, "U0OTHER", "C2147483705", next.ActionID, next.Value, "pub", false)
	tb.drain(t)
	m, _ := tb.lastResponse(t)
	if m.ReplaceOriginal || m.ResponseType != "ephemeral" {
		t.Errorf("click on a public message: replace %v, type %q; want a new ephemeral message", m.ReplaceOriginal, m.ResponseType)
	}
}

func TestDirectMessages(t *testing.T) {
	tests := []struct {
		name  string
		event map[string]any
		reply bool
	}{
		{"a DM", dmEvent("U0REQUEST", "パスワードを忘れた", nil), true},
		{"a DM in a thread", dmEvent("U0REQUEST", "help", map[string]any{"thread_ts": "1700000000.000001"}), true},
		{"our own reply", dmEvent("", "ok", map[string]any{"bot_id": "B0KAIKETSU", "subtype": "bot_message"}), false},
		{"a bot with a user id", dmEvent("U0BOT", "hi", map[string]any{"bot_id": "B0KAIKETSU"}), false},
		{"an edit", dmEvent("U0REQUEST", "", map[string]any{"subtype": "message_changed",
			"message": map[string]any{"type": "message", "user": "U0REQUEST", "text": "I forgot my password", "ts": "1"}}), false},
		{"a join", dmEvent("U0REQUEST", "joined", map[string]any{"subtype": "channel_join"}), false},
		{"a channel message", dmEvent("U0REQUEST", "I forgot my password", map[string]any{"channel_type": "channel", "channel": "C1"}), false},
		{"a mention by a bot", func() map[string]any {
			e := mentionEvent("U0OTHERBOT", "<@U0BOT> help")
			e["bot_id"] = "B0OTHER"
			return e
		}(), false},
		{"an event we do not handle", map[string]any{"type": "reaction_added", "user": "U1", "reaction": "+1", "item": map[string]any{"type": "message", "channel": "C1", "ts": "1"}, "event_ts": "1"}, false},
		{"an event slack-go does not know", map[string]any{"type": "brand_new_event", "user": "U1"}, false},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tb := newTestBot(t, nil)
			w := tb.do(signed("/slack/events", jsonType, eventBody("Ev"+strings.Repeat("0", i), tt.event), time.Now()))
			if w.Code != http.StatusOK {
				t.Fatalf("status %d: Slack would retry", w.Code)
			}
			tb.drain(t)
			posts := tb.fake.callsTo("chat.postMessage")
			if got := len(posts) == 1; got != tt.reply || len(posts) > 1 {
				t.Fatalf("%d replies, want reply=%v", len(posts), tt.reply)
			}
			if tt.reply {
				p := posts[0].Form
				want := tt.event["thread_ts"]
				if want == nil {
					want = tt.event["ts"]
				}
				if p.Get("channel") != "D0DIRECT" || p.Get("thread_ts") != want {
					t.Errorf("reply in %s thread %s, want D0DIRECT thread %v", p.Get("channel"), p.Get("thread_ts"), want)
				}
			}
		})
	}
}

func TestMalformedEvents(t *testing.T) {
	tb := newTestBot(t, nil)
	for _, body := range []string{"{", "[]", "not json"} {
		if w := tb.do(signed("/slack/events", jsonType, body, time.Now())); w.Code != http.StatusBadRequest {
			t.Errorf("%q: status %d, want 400", body, w.Code)
		}
	}
	// A callback with no inner event is acknowledged (Slack would retry
	// a non-200) and ignored.
	if w := tb.do(signed("/slack/events", jsonType, `{"type":"event_callback","event_id":"Ev1"}`, time.Now())); w.Code != http.StatusOK {
		t.Errorf("empty callback: %d", w.Code)
	}
	tb.drain(t)
	if n := len(tb.fake.callsTo("chat.postMessage")); n != 0 {
		t.Errorf("%d replies", n)
	}
}

// TestEventsWithImplausibleIDs: an event whose ids are longer than any
// Slack sends is acknowledged and not answered, and its ids are kept
// nowhere (found by a review after commands and clicks were bounded).
func TestEventsWithImplausibleIDs(t *testing.T) {
	tb := newTestBot(t, nil)
	long := strings.Repeat("U", maxIDLen+1)
	for name, body := range map[string]string{
		"user":     eventBody("Ev100", mentionEvent(long, "<@U0BOT> I forgot my password")),
		"event id": eventBody(strings.Repeat("E", maxIDLen+1), mentionEvent("U0ALICE", "<@U0BOT> I forgot my password")),
		"channel":  eventBody("Ev101", dmEvent("U0ALICE", "I forgot my password", map[string]any{"channel": "D" + long})),
	} {
		if w := tb.do(signed("/slack/events", jsonType, body, time.Now())); w.Code != http.StatusOK {
			t.Errorf("%s: status %d, want the ack", name, w.Code)
		}
	}
	tb.drain(t)
	if n := len(tb.fake.callsTo("chat.postMessage")); n != 0 {
		t.Errorf("%d replies to events with implausible ids, want none", n)
	}
	if first, _ := tb.store.FirstSeen(context.Background(), "slack:T0001:"+strings.Repeat("E", maxIDLen+1), time.Now()); !first {
		t.Error("the long event id was stored")
	}
	if strings.Contains(tb.logs.String(), long) {
		t.Error("an implausible id reached the log")
	}
}

func TestMentionWithPastedSecret(t *testing.T) {
	tb := newTestBot(t, nil)
	body := eventBody("Ev0SECRET", mentionEvent("U0REQUEST", "<@U0BOT> my password is Tr0ub4dor&3x and I can't sign in"))
	tb.do(signed("/slack/events", jsonType, body, time.Now()))
	tb.drain(t)
	posts := tb.fake.callsTo("chat.postMessage")
	if len(posts) != 1 {
		t.Fatalf("%d replies", len(posts))
	}
	if strings.Contains(posts[0].Form.Get("blocks"), "Tr0ub4dor") || strings.Contains(tb.logs.String(), "Tr0ub4dor") {
		t.Error("the pasted password was echoed or logged")
	}
	if !strings.Contains(posts[0].Form.Get("blocks"), "⚠️") {
		t.Error("no warning about the pasted password")
	}
}
