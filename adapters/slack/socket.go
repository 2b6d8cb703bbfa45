package slack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
	"github.com/slack-go/slack/socketmode"
)

// RunSocketMode serves Slack over Socket Mode until ctx is done: Slack
// opens no connection to us, we open a WebSocket to Slack, so a team
// without a public URL can run Kaiketsu. Requests go through the same code
// as over HTTP: commands are answered in the ack, clicks through their
// response_url, events after the ack.
func (b *Bot) RunSocketMode(ctx context.Context) error {
	if b.opt.AppToken == "" || b.api == nil {
		return errors.New("slack: Socket Mode needs SLACK_APP_TOKEN and SLACK_BOT_TOKEN")
	}
	sm := socketmode.New(b.api)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	errc := make(chan error, 1)
	go func() { errc <- sm.RunContext(ctx) }()
	for {
		select {
		case err := <-errc:
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("socket mode: %w", err)
		case evt := <-sm.Events:
			b.socketEvent(ctx, sm, evt)
		}
	}
}

// acker is the part of the Socket Mode client that acknowledges envelopes.
type acker interface {
	AckCtx(ctx context.Context, envelopeID string, payload any) error
}

func (b *Bot) socketEvent(ctx context.Context, sm acker, evt socketmode.Event) {
	switch evt.Type {
	case socketmode.EventTypeConnecting:
		b.log.Debug("slack: socket mode connecting")
	case socketmode.EventTypeConnected:
		b.log.Info("slack: socket mode connected")
	case socketmode.EventTypeConnectionError:
		b.log.Warn("slack: socket mode connection failed; retrying", "err", errOf(evt.Data))
	case socketmode.EventTypeInvalidAuth:
		b.log.Error("slack: SLACK_APP_TOKEN was refused; check that Socket Mode is enabled and the token has connections:write")
	case socketmode.EventTypeErrorBadMessage:
		// Ack what we could not parse anyway, or Slack delivers it again.
		if bad, ok := evt.Data.(*socketmode.ErrorBadMessage); ok {
			var env struct {
				EnvelopeID string `json:"envelope_id"`
			}
			if json.Unmarshal(bad.Message, &env) == nil && env.EnvelopeID != "" {
				b.ack(ctx, sm, env.EnvelopeID, nil)
			}
		}
		b.log.Debug("slack: socket mode message not handled")
	case socketmode.EventTypeSlashCommand:
		cmd, ok := evt.Data.(slack.SlashCommand)
		if !ok || evt.Request == nil {
			return
		}
		env := evt.Request.EnvelopeID
		if cmd.UserID == "" { // as over HTTP: every command is someone's
			b.log.WarnContext(ctx, "slack: command without a user ignored")
			b.ack(ctx, sm, env, nil)
			return
		}
		// The answer goes in the ack, which must leave within 3 s; the
		// locale look-up is bounded well below that.
		b.async(ctx, func(actx context.Context) {
			r := b.command(actx, cmd)
			if err := sm.AckCtx(actx, env, r); err != nil {
				// Too big for an ack (Socket Mode drops 20 KB+): ack empty
				// and answer through the response_url.
				b.ack(actx, sm, env, nil)
				if err := b.respond(actx, cmd.ResponseURL, r); err != nil {
					b.log.ErrorContext(actx, "slack: could not answer the command", "user", cmd.UserID, "err", err)
				}
			}
		})
	case socketmode.EventTypeInteractive:
		cb, ok := evt.Data.(slack.InteractionCallback)
		if !ok || evt.Request == nil {
			return
		}
		// interaction only starts the work (tracked for Drain); the ack
		// still leaves at once. As over HTTP, a click without a user is
		// nobody's to answer.
		if c := clickFrom(cb); c.UserID != "" {
			b.interaction(ctx, c)
		} else {
			b.log.WarnContext(ctx, "slack: interaction without a user ignored")
		}
		b.ack(ctx, sm, evt.Request.EnvelopeID, nil)
	case socketmode.EventTypeEventsAPI:
		ev, ok := evt.Data.(slackevents.EventsAPIEvent)
		if !ok || evt.Request == nil {
			return
		}
		b.event(ctx, ev)
		b.ack(ctx, sm, evt.Request.EnvelopeID, nil)
	}
}

func (b *Bot) ack(ctx context.Context, sm acker, envelopeID string, payload any) {
	if err := sm.AckCtx(ctx, envelopeID, payload); err != nil {
		b.log.Warn("slack: socket mode ack failed", "err", err)
	}
}

func errOf(v any) error {
	switch e := v.(type) {
	case *slack.ConnectionErrorEvent:
		return e.ErrorObj
	case error:
		return e
	}
	return nil
}
