package slack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"

	"github.com/kaiketsu/kaiketsu/adapters/internal/outbound"
	"github.com/kaiketsu/kaiketsu/core"
)

// Reply is a message sent back to Slack: as the body of the slash
// command's HTTP response, as a Socket Mode ack payload, or to a
// response_url.
type Reply struct {
	ResponseType    string        `json:"response_type"`
	Text            string        `json:"text"`
	Blocks          []slack.Block `json:"blocks"`
	ReplaceOriginal bool          `json:"replace_original,omitempty"`
	DeleteOriginal  bool          `json:"delete_original,omitempty"`
	ThreadTS        string        `json:"thread_ts,omitempty"`
}

func ephemeral(m Message) Reply {
	return Reply{ResponseType: slack.ResponseTypeEphemeral, Text: m.Text, Blocks: m.Blocks}
}

// command answers a slash command: a diagnosis, a choice, the menu, or
// what Kaiketsu can help with, always ephemeral.
func (b *Bot) command(ctx context.Context, cmd slack.SlashCommand) Reply {
	return ephemeral(Render(b.ask(ctx, cmd), newIter()))
}

// ask is the engine's answer to a slash command.
func (b *Bot) ask(ctx context.Context, cmd slack.SlashCommand) core.Answer {
	req := core.Request{
		Platform:  Platform,
		UserID:    cmd.UserID,
		UserName:  cmd.UserName,
		ChannelID: cmd.ChannelID,
		Text:      cmd.Text,
	}
	req.Locale = b.locale(ctx, cmd.UserID, cmd.Text)
	a := b.eng.Ask(ctx, req)
	// One line per answer is debug: at info, httplog's access line is the
	// one per request. The secret check runs only when the line is written.
	if b.log.Enabled(ctx, slog.LevelDebug) {
		b.log.DebugContext(ctx, "slack: command answered", "team", cmd.TeamID, "user", cmd.UserID, "channel", cmd.ChannelID,
			"kind", a.Kind.String(), "lang", a.Lang, "playbook", a.Playbook, "topic", a.Topic, "secret_warning", core.LooksSecret(cmd.Text))
	}
	return a
}

// interaction handles a click after it was acknowledged.
func (b *Bot) interaction(ctx context.Context, c click) {
	if c.Type != slack.InteractionTypeBlockActions || !c.HasAction {
		b.log.DebugContext(ctx, "slack: interaction ignored", "type", string(c.Type))
		return
	}
	if strings.HasPrefix(c.ActionID, cardAction) {
		b.async(ctx, func(ctx context.Context) { b.cardClick(ctx, c) })
		return
	}
	b.async(ctx, func(ctx context.Context) { b.press(ctx, c) })
}

// press follows a walkthrough button and updates the conversation.
func (b *Bot) press(ctx context.Context, c click) {
	req := core.Request{
		Platform:  Platform,
		UserID:    c.UserID,
		UserName:  c.UserName,
		ChannelID: c.ChannelID,
		Token:     c.Value,
	}
	var a core.Answer
	var err error
	if strings.HasPrefix(c.ActionID, walkAction) {
		a, err = b.eng.Press(ctx, req)
	} else {
		err = &core.TokenError{Err: core.ErrBadToken, Detail: "unknown action id"}
	}
	if err != nil {
		var te *core.TokenError
		if !errors.As(err, &te) {
			b.log.ErrorContext(ctx, "slack: press", "err", err, "user", req.UserID)
		}
		b.log.InfoContext(ctx, "slack: button could not be followed; offering to start over", "user", req.UserID, "reason", reason(err))
		req.Locale = b.userLocale(ctx, req.UserID)
		a = b.eng.StartOver(req, err)
	}
	b.log.DebugContext(ctx, "slack: click answered", "user", req.UserID, "channel", req.ChannelID, "kind", a.Kind.String(),
		"playbook", a.Playbook, "topic", a.Topic, "step", a.Step)
	if a.Kind == core.KindHandoff && a.Handoff != nil {
		h := a.Handoff
		b.async(ctx, func(ctx context.Context) { b.postCard(ctx, h) })
	}
	r := answerReply{a: a, iter: newIter()}
	// A walkthrough that is already private (ephemeral, or in a DM) is
	// replaced in place, so the conversation stays one tidy message. A
	// click on a public message (the answer to an @mention) opens a
	// private walkthrough for whoever clicked, leaving the public message
	// for others.
	// A "slow down" is added beside the walkthrough, never in its place,
	// so that its buttons still work once the person has waited.
	if a.Kind == core.KindSlowDown {
		r.threadTS = c.ThreadTs
	} else if c.IsEphemeral || isDM(req.ChannelID) {
		r.replace = true
	} else {
		r.threadTS = c.ThreadTs
	}
	if err := b.respond(ctx, c.ResponseURL, r); err != nil {
		b.log.ErrorContext(ctx, "slack: could not update the message", "user", req.UserID, "kind", a.Kind.String(), "err", err)
	}
}

// postWebhook posts a message to a response_url as
// slack.PostWebhookCustomHTTPContext does, with the same errors for the
// retries to judge (a RateLimitedError for a 429 with Retry-After, a
// StatusCodeError for any other non-200), from JSON already written.
func (b *Bot) postWebhook(ctx context.Context, responseURL string, body []byte) error {
	got, err := b.post(ctx, responseURL, body)
	if err != nil {
		return err
	}
	if got.Status == http.StatusTooManyRequests && got.RetryAfter != "" {
		secs, err := strconv.ParseInt(got.RetryAfter, 10, 64)
		if err != nil {
			return err
		}
		return &slack.RateLimitedError{RetryAfter: time.Duration(secs) * time.Second}
	}
	if got.Status != http.StatusOK {
		return slack.StatusCodeError{Code: got.Status, Status: fmt.Sprintf("%d %s", got.Status, http.StatusText(got.Status))}
	}
	return nil
}

// postWith posts JSON with an http.Client given in Options.
func postWith(hc *http.Client) func(ctx context.Context, target string, body []byte) (outbound.Posted, error) {
	return func(ctx context.Context, target string, body []byte) (outbound.Posted, error) {
		return outbound.PostJSONWith(ctx, hc, target, body)
	}
}

func reason(err error) string {
	switch {
	case errors.Is(err, core.ErrStaleToken):
		return "stale"
	case errors.Is(err, core.ErrBadToken):
		return "bad"
	}
	return "error"
}

func isDM(channel string) bool { return strings.HasPrefix(channel, "D") }

// webhookMessage is a reply that can be written as a response_url message:
// a Reply, or an answerReply written straight from the answer.
type webhookMessage interface {
	appendWebhookJSON(buf []byte) ([]byte, error)
}

// respond posts r to a response_url, retrying briefly: the URL is valid
// for 30 minutes and 5 uses, so a few quick retries cost nothing.
func (b *Bot) respond(ctx context.Context, responseURL string, r webhookMessage) error {
	if err := b.responseURLAllowed(responseURL); err != nil {
		return err
	}
	body, err := r.appendWebhookJSON(make([]byte, 0, 4096))
	if err != nil {
		return fmt.Errorf("post to response_url: %w", err)
	}
	err = b.retry(ctx, 3, func(ctx context.Context) error {
		return b.postWebhook(ctx, responseURL, body)
	})
	if err != nil {
		// A response_url is a capability to post as the app: keep it out
		// of errors, which end up in logs.
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err
		}
		return fmt.Errorf("post to response_url: %w", err)
	}
	return nil
}

// responseURLAllowed checks a response_url before anything is posted to
// it: https to one of Options.ResponseHosts (or plain http to one that is
// a loopback host), with no user name or password. The error names the
// host, never the path (a capability to post as the app).
func (b *Bot) responseURLAllowed(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return errors.New("no usable response_url")
	}
	host := strings.ToLower(u.Hostname())
	if u.User != nil {
		// Not the user part itself: it may be a credential.
		return fmt.Errorf("response_url to %q carries a user name", host)
	}
	if !slices.Contains(b.opt.ResponseHosts, host) {
		return fmt.Errorf("response_url host %q is not one of SLACK_RESPONSE_HOSTS", host)
	}
	if !loopback(host) {
		if u.Scheme == "http" {
			return fmt.Errorf("response_url to %q is not https", host)
		}
		// Slack's hooks answer on 443; another port on the same name is
		// not theirs to pass on (found by a review).
		if p := u.Port(); p != "" && p != "443" {
			return fmt.Errorf("response_url to %q names port %s", host, p)
		}
	}
	return nil
}

// loopback reports whether host is this machine.
func loopback(host string) bool {
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// event handles an Events API event after it was acknowledged.
func (b *Bot) event(from context.Context, ev slackevents.EventsAPIEvent) {
	cbe, ok := ev.Data.(*slackevents.EventsAPICallbackEvent)
	if !ok || ev.Type != slackevents.CallbackEvent {
		return
	}
	var user, channel, text, ts, thread, kind string
	switch e := ev.InnerEvent.Data.(type) {
	case *slackevents.AppMentionEvent:
		if e.BotID != "" || e.User == "" || e.Edited != nil {
			return
		}
		user, channel, text, ts, thread, kind = e.User, e.Channel, e.Text, e.TimeStamp, e.ThreadTimeStamp, "mention"
	case *slackevents.MessageEvent:
		// Only new messages people send the bot directly: edits, joins,
		// bot messages (our own replies included) all carry a subtype or
		// a bot id, and answering them would make the bot talk to itself.
		if e.ChannelType != "im" || e.SubType != "" || e.BotID != "" || e.User == "" {
			return
		}
		user, channel, text, ts, thread, kind = e.User, e.Channel, e.Text, e.TimeStamp, e.ThreadTimeStamp, "dm"
	default:
		return
	}
	// Ids no Slack sends are not made keys of the store, the rate limiter
	// or the locale cache (as for commands and clicks).
	if !plausibleID(user) || !okID(channel) || !okID(ev.TeamID) || len(cbe.EventID) > maxIDLen ||
		len(ts) > maxIDLen || len(thread) > maxIDLen {
		b.log.WarnContext(from, "slack: event with implausible ids ignored", "kind", kind)
		return
	}
	if thread == "" {
		thread = ts
	}
	b.async(from, func(ctx context.Context) {
		if cbe.EventID != "" && !b.firstSeen(ctx, "slack:"+ev.TeamID+":"+cbe.EventID) {
			b.log.InfoContext(ctx, "slack: duplicate event ignored", "event", cbe.EventID)
			return
		}
		b.mention(ctx, kind, user, channel, stripMentions(text), thread)
	})
}

var mentionRe = regexp.MustCompile(`<[@!][^>]*>`)

// stripMentions removes <@U123> and <!here> from a message, leaving what the
// person wrote about their problem.
func stripMentions(s string) string {
	return strings.TrimSpace(mentionRe.ReplaceAllString(s, " "))
}

// mention answers an @mention or a DM in its thread with the diagnosis
// and the walkthrough's buttons.
func (b *Bot) mention(ctx context.Context, kind, user, channel, text, thread string) {
	if b.api == nil {
		b.log.Warn("slack: cannot answer mentions and DMs without SLACK_BOT_TOKEN", "event", kind)
		return
	}
	req := core.Request{Platform: Platform, UserID: user, ChannelID: channel, Text: text}
	req.Locale = b.locale(ctx, user, text)
	a := b.eng.Ask(ctx, req)
	m := Render(a, newIter())
	err := b.retry(ctx, 3, func(ctx context.Context) error {
		_, _, err := b.api.PostMessageContext(ctx, channel,
			slack.MsgOptionText(m.Text, false),
			slack.MsgOptionBlocks(m.Blocks...),
			slack.MsgOptionTS(thread))
		return err
	})
	if err != nil {
		b.log.Error("slack: could not answer", "event", kind, "user", user, "channel", channel, "err", err)
		return
	}
	b.log.Info("slack: "+kind+" answered", "user", user, "channel", channel, "kind", a.Kind.String(),
		"lang", a.Lang, "playbook", a.Playbook, "topic", a.Topic, "secret_warning", core.LooksSecret(text))
}
