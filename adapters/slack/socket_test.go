package slack

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/socketmode"
)

// waitAck waits for the ack of one envelope.
func (f *fakeSlack) waitAck(t *testing.T, envelopeID string) socketAck {
	t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case a := <-f.acks:
			if a.EnvelopeID == envelopeID {
				return a
			}
			t.Errorf("unexpected ack of %s while waiting for %s", a.EnvelopeID, envelopeID)
		case <-timeout:
			t.Fatalf("envelope %s was never acknowledged", envelopeID)
		}
	}
}

// TestSocketMode runs the bot against a local Socket Mode server speaking
// Slack's envelope format: apps.connections.open, hello, then a command,
// a click and an event, each acknowledged by envelope id.
func TestSocketMode(t *testing.T) {
	tb := newTestBot(t, func(o *Options) {
		o.SigningSecret = ""
		o.AppToken = "xapp-1-A0KAIKETSU-test"
	})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- tb.RunSocketMode(ctx) }()
	select {
	case <-tb.fake.wsConn:
	case <-time.After(10 * time.Second):
		t.Fatal("the bot never opened the Socket Mode connection")
	}
	opens := tb.fake.callsTo("apps.connections.open")
	if len(opens) != 1 || opens[0].Auth != "Bearer xapp-1-A0KAIKETSU-test" {
		t.Fatalf("apps.connections.open: %+v, want one call with the app token", opens)
	}

	// A slash command: the answer travels in the ack.
	cmd := map[string]string{}
	for k, v := range commandForm("U0REQUEST", "I forgot my password", tb.fake.responseURL("sm")) {
		cmd[k] = v[0]
	}
	tb.fake.sendEnvelope("slash_commands", "env-cmd", cmd)
	ack := tb.fake.waitAck(t, "env-cmd")
	bs := checkLimits(t, ack.Payload)
	var r Reply
	json.Unmarshal(ack.Payload, &r)
	if r.ResponseType != "ephemeral" {
		t.Errorf("command answered with response_type %q", r.ResponseType)
	}
	want := tb.eng.Ask(ctx, mustReq("I forgot my password"))
	if got := headerText(bs); got != want.Title {
		t.Errorf("header %q, want %q", got, want.Title)
	}

	// A click on it: acked empty, answered through the response_url.
	next := buttons(bs)[1]
	var payload json.RawMessage = []byte(clickJSON("U0REQUEST", "C2147483705", next.ActionID, next.Value, tb.fake.responseURL("sm"), true))
	tb.fake.sendEnvelope("interactive", "env-click", payload)
	if a := tb.fake.waitAck(t, "env-click"); len(a.Payload) != 0 && string(a.Payload) != "null" {
		t.Errorf("click ack carries %s", a.Payload)
	}
	tb.drain(t)
	m, _ := tb.lastResponse(t)
	if !m.ReplaceOriginal {
		t.Error("the walkthrough message was not replaced")
	}

	// A command and a click without a user are acked and not answered,
	// as over HTTP.
	posts := len(tb.fake.responsePosts())
	delete(cmd, "user_id")
	tb.fake.sendEnvelope("slash_commands", "env-nouser", cmd)
	if a := tb.fake.waitAck(t, "env-nouser"); len(a.Payload) != 0 && string(a.Payload) != "null" {
		t.Errorf("a command without a user was answered: %s", a.Payload)
	}
	payload = []byte(clickJSON("", "C2147483705", next.ActionID, next.Value, tb.fake.responseURL("sm"), true))
	tb.fake.sendEnvelope("interactive", "env-click-nouser", payload)
	tb.fake.waitAck(t, "env-click-nouser")
	tb.drain(t)
	if n := len(tb.fake.responsePosts()); n != posts {
		t.Errorf("a click without a user posted %d updates", n-posts)
	}

	// A mention, delivered twice (a retry): acked both times, answered
	// once.
	var ev json.RawMessage = []byte(eventBody("Ev0SOCKET", mentionEvent("U0REQUEST", "<@U0BOT> help")))
	tb.fake.sendEnvelope("events_api", "env-ev1", ev)
	tb.fake.waitAck(t, "env-ev1")
	tb.fake.sendEnvelope("events_api", "env-ev2", ev)
	tb.fake.waitAck(t, "env-ev2")

	// An event slack-go cannot parse is acked anyway, or Slack resends it.
	var odd json.RawMessage = []byte(eventBody("Ev0ODD", map[string]any{"type": "brand_new_event"}))
	tb.fake.sendEnvelope("events_api", "env-odd", odd)
	tb.fake.waitAck(t, "env-odd")

	tb.drain(t)
	if n := len(tb.fake.callsTo("chat.postMessage")); n != 1 {
		t.Errorf("%d replies to the mention, want 1", n)
	}

	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Errorf("RunSocketMode: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("RunSocketMode did not stop")
	}
}

// TestSocketModeAckTooBig: an answer over Socket Mode's 20 KB limit is
// acked empty and sent through the response_url instead.
func TestSocketModeAckTooBig(t *testing.T) {
	tb := newTestBot(t, func(o *Options) { o.SigningSecret = ""; o.AppToken = "xapp-1" })
	sm := &recordingAcker{fail: 1}
	cmd := slack.SlashCommand{UserID: "U0REQUEST", Text: "help", ResponseURL: tb.fake.responseURL("big")}
	tb.socketEvent(context.Background(), sm, socketEvent("slash_commands", "env-1", cmd))
	tb.drain(t)
	if len(sm.acks) != 2 || sm.acks[1] != nil {
		t.Fatalf("acks %v, want a failed one and an empty one", sm.acks)
	}
	if n := len(tb.fake.responsePosts()); n != 1 {
		t.Errorf("%d response_url posts, want 1", n)
	}
}

type recordingAcker struct {
	fail int
	acks []any
}

func (r *recordingAcker) AckCtx(_ context.Context, _ string, payload any) error {
	r.acks = append(r.acks, payload)
	if r.fail > 0 {
		r.fail--
		return errors.New("socket mode response meets or exceeds Slack's 20480-byte WebSocket limit")
	}
	return nil
}

func socketEvent(typ, envelopeID string, data any) socketmode.Event {
	return socketmode.Event{Type: socketmode.EventType(typ), Data: data,
		Request: &socketmode.Request{Type: typ, EnvelopeID: envelopeID}}
}
