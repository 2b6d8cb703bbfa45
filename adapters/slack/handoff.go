package slack

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/slack-go/slack"

	"github.com/kaiketsu/kaiketsu/core"
)

// cardAction starts the action_id of hand-off card buttons:
// "ho:claim:ID" and "ho:solve:ID". They are not walkthrough tokens: a card
// lives for days and must keep working across playbook changes.
const cardAction = "ho:"

const (
	verbClaim = "claim"
	verbSolve = "solve"
)

var userIDRe = regexp.MustCompile(`^[UW][A-Z0-9]{2,}$`)

// userRef mentions a Slack user, or shows an id that is not one (another
// platform's) as plain text.
func userRef(id string) string {
	if userIDRe.MatchString(id) {
		return "<@" + id + ">"
	}
	if id == "" {
		return "?"
	}
	return escape(id)
}

// topicTitle finds the human title of a hand-off's topic.
func (b *Bot) topicTitle(h *core.Handoff, lang string) string {
	p := b.eng.KB().Playbook(h.Playbook)
	if p == nil {
		return h.Topic
	}
	for _, t := range p.Topics {
		if t.ID == h.Topic {
			return t.Title.Get(lang, h.Lang)
		}
	}
	if h.Topic == "" {
		return p.Title.Get(lang, h.Lang)
	}
	return h.Topic
}

// renderCard lays out a hand-off for the support channel in the team's
// language: who asked, about what, in which language, what they tried,
// where it stands, and the buttons that still apply.
func renderCard(h *core.Handoff, lang, topic, iter string) Message {
	var bd builder
	bd.header(fmt.Sprintf(text("card-title", lang), h.Ref))
	var status string
	switch h.Status {
	case core.HandoffClaimed:
		status = fmt.Sprintf(text("card-claimed", lang), userRef(h.ClaimedBy))
	case core.HandoffSolved:
		status = fmt.Sprintf(text("card-solved", lang), userRef(h.SolvedBy))
	default:
		status = escape(text("card-open", lang))
	}
	created := h.CreatedAt.UTC()
	field := func(k, v string) *slack.TextBlockObject {
		return mrkdwn(truncate("*"+escape(text(k, lang))+"*\n"+v, 2000))
	}
	topicLine := escape(topic)
	if h.Playbook != "" {
		id := h.Playbook
		if h.Topic != "" {
			id += "/" + h.Topic
		}
		topicLine += " (`" + escape(id) + "`)"
	}
	fields := []*slack.TextBlockObject{
		field("card-requester", userRef(h.Requester)),
		field("card-topic", topicLine),
		field("card-lang", escape(h.Lang)),
		field("card-created", fmt.Sprintf("<!date^%d^{date_short_pretty} {time}|%s>", created.Unix(), created.Format("2006-01-02 15:04 UTC"))),
		field("card-status", status),
	}
	bd.head = append(bd.head, slack.NewSectionBlock(nil, fields, nil))
	var tr strings.Builder
	tr.WriteString("*" + escape(text("card-tried", lang)) + "*\n")
	if len(h.Transcript) == 0 {
		tr.WriteString(escape(text("card-none", lang)))
	}
	for i, e := range h.Transcript {
		res := text("did-not-work", lang)
		switch e.Result {
		case core.ResultCurrent:
			res = text("was-here", lang)
		case core.ResultChose:
			res = fmt.Sprintf(text("chose", lang), core.Scrub(e.Chose))
		}
		fmt.Fprintf(&tr, "%d. %s — _%s_\n", i+1, escape(strings.ReplaceAll(e.Title, "\n", " ")), escape(res))
	}
	bd.sectionRaw(strings.TrimRight(tr.String(), "\n"))
	id := strconv.FormatInt(h.ID, 10)
	var els []slack.BlockElement
	if h.Status == core.HandoffOpen || h.Status == "" {
		els = append(els, button(cardAction+verbClaim+":"+id, id, text("card-claim", lang), core.StylePrimary))
	}
	if h.Status != core.HandoffSolved {
		els = append(els, button(cardAction+verbSolve+":"+id, id, text("card-solve", lang), core.StyleDefault))
	}
	bd.buttons(els)
	bd.context(fmt.Sprintf(text("card-foot", lang), h.Ref), true)
	fb := escape(fmt.Sprintf(text("card-title", lang), h.Ref)+" · "+truncate(topic, 200)) + " · " + status
	return Message{Text: fb, Blocks: bd.blocks(iter)}
}

// postCard posts a stored hand-off to the support channel, retrying with
// exponential backoff (rate limits, Slack down, network). The hand-off is
// already stored, so a card that cannot be posted loses nothing: it is
// logged, `kaiketsu handoffs` lists it, and a later sweep (RepostCards)
// posts it. Instances agree on who posts a card through the store
// (core.ClaimCard), so that a sweep never posts a card twice.
func (b *Bot) postCard(ctx context.Context, h *core.Handoff) {
	if b.api == nil || b.opt.SupportChannel == "" {
		b.log.InfoContext(ctx, "slack: hand-off stored; no support channel to post it to", "handoff", h.ID, "ref", h.Ref)
		return
	}
	posted, err := core.PostCard(ctx, b.store, h, b.now(), func(ctx context.Context) (string, error) {
		m := renderCard(h, b.opt.DefaultLang, b.topicTitle(h, b.opt.DefaultLang), newIter())
		var ch, ts string
		tries := 0
		err := b.retry(ctx, b.opt.CardAttempts, func(ctx context.Context) error {
			if tries++; tries > 1 && b.opt.OnCardRetry != nil {
				b.opt.OnCardRetry()
			}
			var err error
			ch, ts, err = b.api.PostMessageContext(ctx, b.opt.SupportChannel,
				slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...))
			return err
		})
		return ch + "/" + ts, err
	})
	switch {
	case err != nil && !posted:
		b.log.ErrorContext(ctx, "slack: hand-off card not posted; the hand-off is stored, `kaiketsu handoffs` lists it and a later sweep will try again",
			"handoff", h.ID, "ref", h.Ref, "channel", b.opt.SupportChannel, "err", err)
	case err != nil:
		b.log.ErrorContext(ctx, "slack: record hand-off card", "handoff", h.ID, "err", err)
	case !posted:
		b.log.DebugContext(ctx, "slack: hand-off card already posted or being posted", "handoff", h.ID)
	default:
		b.log.InfoContext(ctx, "slack: hand-off card posted", "handoff", h.ID, "ref", h.Ref, "channel", b.opt.SupportChannel)
	}
}

// RepostCards posts the cards of Slack hand-offs that were never posted
// (core.CardsToPost): the platform was down for longer than the retries,
// or the process stopped first. kaiketsu serve runs it now and then.
func (b *Bot) RepostCards(ctx context.Context) {
	if b.api == nil || b.opt.SupportChannel == "" || b.store == nil {
		return
	}
	err := core.SweepCards(ctx, b.store, Platform, b.now(), func(ctx context.Context, h *core.Handoff) {
		b.log.InfoContext(ctx, "slack: posting a hand-off card that was not posted", "handoff", h.ID, "ref", h.Ref)
		b.postCard(ctx, h)
	})
	if err != nil && ctx.Err() == nil {
		b.log.ErrorContext(ctx, "slack: look for hand-off cards to post", "err", err)
	}
}

// cardClick handles Claim and Mark solved on a hand-off card.
func (b *Bot) cardClick(ctx context.Context, c click) {
	agent := c.UserID
	lang := b.opt.DefaultLang
	// note answers the clicker only. s is mrkdwn: our own words with
	// escaped references and sanitized mentions.
	note := func(s string) {
		var bd builder
		bd.sectionRaw(s)
		r := ephemeral(Message{Text: s, Blocks: bd.blocks(newIter())})
		// replace_original false: the card stays; only the clicker sees
		// the note.
		if err := b.respond(ctx, c.ResponseURL, r); err != nil {
			b.log.ErrorContext(ctx, "slack: could not answer a card click", "user", agent, "err", err)
		}
	}
	parts := strings.Split(c.ActionID, ":")
	var id int64 = -1
	if len(parts) == 3 {
		if n, err := strconv.ParseInt(parts[2], 10, 64); err == nil && n > 0 {
			id = n
		}
	}
	if id < 0 || (parts[1] != verbClaim && parts[1] != verbSolve) || b.store == nil {
		b.log.InfoContext(ctx, "slack: unknown card action", "user", agent)
		note(escape(text("note-notfound", lang)))
		return
	}
	ref := "#" + strconv.FormatInt(id, 10)
	if h, err := b.store.Handoff(ctx, id); err == nil && h.Platform != Platform {
		// Cards are only posted on their own platform: a click naming
		// another platform's hand-off is forged or confused.
		b.log.InfoContext(ctx, "slack: card click for another platform's hand-off", "handoff", id, "user", agent)
		note(escape(text("note-notfound", lang)))
		return
	} else if err == nil {
		ref = escape(h.Ref)
		if parts[1] == verbClaim && h.Requester == agent && h.Platform == Platform && h.Status == core.HandoffOpen {
			// People do not claim their own hand-off: they are the one who
			// needs help. They may still mark it solved.
			b.log.InfoContext(ctx, "slack: requester tried to claim their own hand-off", "handoff", id, "user", agent)
			note(fmt.Sprintf(text("note-own", lang), ref))
			return
		}
	} else if errors.Is(err, core.ErrNotFound) {
		b.log.InfoContext(ctx, "slack: card click for an unknown hand-off", "handoff", id, "user", agent)
		note(escape(text("note-notfound", lang)))
		return
	}
	now := b.now()
	var h *core.Handoff
	var err error
	if parts[1] == verbClaim {
		h, err = b.store.ClaimHandoff(ctx, id, agent, now)
	} else {
		h, err = b.store.SolveHandoff(ctx, id, agent, now)
	}
	switch {
	case err == nil:
	case errors.Is(err, core.ErrNotFound):
		note(escape(text("note-notfound", lang)))
		return
	case errors.Is(err, core.ErrAlreadyClaimed) && h != nil:
		if h.ClaimedBy == agent {
			note(fmt.Sprintf(text("note-yours", lang), escape(h.Ref)))
		} else {
			note(fmt.Sprintf(text("note-claimed-by", lang), userRef(h.ClaimedBy), escape(h.Ref)))
		}
		return
	case errors.Is(err, core.ErrAlreadySolved) && h != nil:
		note(fmt.Sprintf(text("note-solved", lang), escape(h.Ref), userRef(h.SolvedBy)))
		return
	default:
		b.log.ErrorContext(ctx, "slack: hand-off "+parts[1], "handoff", id, "user", agent, "err", err)
		note(fmt.Sprintf(text("note-failed", lang), ref))
		return
	}
	b.log.InfoContext(ctx, "slack: hand-off "+strings.TrimSuffix(parts[1], "e")+"ed", "handoff", id, "ref", h.Ref, "agent", agent)
	b.updateCard(ctx, c, h)
	if parts[1] == verbClaim {
		b.notifyRequester(ctx, h, agent)
	}
}

// updateCard rewrites the card with chat.update where it was clicked (or
// where the store says it was posted).
func (b *Bot) updateCard(ctx context.Context, c click, h *core.Handoff) {
	if b.api == nil {
		return
	}
	ch, ts := c.Container, c.MessageTs
	if ch == "" || ts == "" {
		ch, ts, _ = strings.Cut(h.Card, "/")
	}
	if ch == "" || ts == "" {
		b.log.WarnContext(ctx, "slack: hand-off card location unknown; not updated", "handoff", h.ID)
		return
	}
	m := renderCard(h, b.opt.DefaultLang, b.topicTitle(h, b.opt.DefaultLang), newIter())
	err := b.retry(ctx, 4, func(ctx context.Context) error {
		_, _, _, err := b.api.UpdateMessageContext(ctx, ch, ts, slack.MsgOptionText(m.Text, false), slack.MsgOptionBlocks(m.Blocks...))
		return err
	})
	if err != nil {
		b.log.ErrorContext(ctx, "slack: could not update the hand-off card", "handoff", h.ID, "err", err)
	}
}

// notifyRequester tells the person, in a DM and in their language, that
// someone has their request.
func (b *Bot) notifyRequester(ctx context.Context, h *core.Handoff, agent string) {
	if b.api == nil || h.Platform != Platform || !userIDRe.MatchString(h.Requester) {
		return
	}
	msg := fmt.Sprintf(text("dm-claimed", h.Lang), userRef(agent), escape(h.Ref))
	err := b.retry(ctx, 4, func(ctx context.Context) error {
		ch, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{h.Requester}})
		if err != nil {
			return fmt.Errorf("conversations.open: %w", err)
		}
		_, _, err = b.api.PostMessageContext(ctx, ch.ID, slack.MsgOptionText(msg, false))
		if err != nil {
			return fmt.Errorf("chat.postMessage: %w", err)
		}
		return nil
	})
	if err != nil {
		b.log.ErrorContext(ctx, "slack: could not tell the requester their hand-off was claimed", "handoff", h.ID, "user", h.Requester, "err", err)
	}
}

// retry calls f up to attempts times while it fails with something worth
// retrying: a rate limit (waiting at least its Retry-After), a 5xx, a
// network error. The wait doubles from RetryBase up to RetryMax, with
// jitter so that instances do not retry in step.
func (b *Bot) retry(ctx context.Context, attempts int, f func(ctx context.Context) error) error {
	wait := b.opt.RetryBase
	for i := 1; ; i++ {
		err := f(ctx)
		if err == nil || i >= attempts || !retryable(err) || ctx.Err() != nil {
			return err
		}
		d := min(wait+rand.N(wait/4+1), b.opt.RetryMax)
		// Slack's Retry-After is a floor, even above RetryMax.
		var rl *slack.RateLimitedError
		if errors.As(err, &rl) && rl.RetryAfter > d {
			d = rl.RetryAfter
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return err
		case <-t.C:
		}
		wait = min(wait*2, b.opt.RetryMax)
	}
}

// retryable reports whether a failed Slack call may succeed if tried
// again.
func retryable(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	// A name that does not resolve will not resolve a moment later,
	// whichever client found it out.
	var dns *net.DNSError
	if errors.As(err, &dns) && dns.IsNotFound {
		return false
	}
	var r interface{ Retryable() bool }
	if errors.As(err, &r) {
		return r.Retryable()
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "ratelimited", "internal_error", "fatal_error", "service_unavailable", "request_timeout":
			return true
		}
		return false
	}
	var ne net.Error
	return errors.As(err, &ne)
}
