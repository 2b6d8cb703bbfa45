package discord

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/kaiketsu/kaiketsu/core"
)

// Hand-off card buttons carry "ho:<action>:<hand-off id>" rather than a
// walkthrough token: the card is shared by the team and acts on the stored
// hand-off, which the store arbitrates.
const (
	cardPrefix = "ho:"
	cardClaim  = "claim"
	cardSolve  = "solve"
)

func cardID(action string, id int64) string {
	return cardPrefix + action + ":" + strconv.FormatInt(id, 10)
}

// parseCardID splits "ho:claim:42"; ok is false for anything else.
func parseCardID(s string) (action string, id int64, ok bool) {
	rest, found := strings.CutPrefix(s, cardPrefix)
	if !found {
		return "", 0, false
	}
	action, num, found := strings.Cut(rest, ":")
	if !found || (action != cardClaim && action != cardSolve) {
		return "", 0, false
	}
	id, err := strconv.ParseInt(num, 10, 64)
	if err != nil || id < 1 {
		return "", 0, false
	}
	return action, id, true
}

// cardText is the team's side of a hand-off, in ja and en.
var cardText = map[string]core.Text{
	"title":      {"en": "🙋 %s: someone needs a person", "ja": "🙋 %s: 担当者の対応が必要です"},
	"requester":  {"en": "Requester", "ja": "依頼者"},
	"topic":      {"en": "Topic", "ja": "トピック"},
	"lang":       {"en": "Language", "ja": "言語"},
	"from":       {"en": "Asked in", "ja": "依頼元"},
	"tried":      {"en": "What they tried", "ja": "試したこと"},
	"none":       {"en": "Nothing yet: they asked for a person straight away.", "ja": "まだ何も試していません(すぐに担当者を希望されました)。"},
	"did-not":    {"en": "did not work", "ja": "解決せず"},
	"current":    {"en": "was on this step", "ja": "このステップで相談"},
	"chose":      {"en": "answered \u201c%s\u201d", "ja": "「%s」と回答"},
	"open":       {"en": "Waiting for someone to claim it.", "ja": "担当者の割り当て待ちです。"},
	"claimed":    {"en": "Claimed by %s %s", "ja": "%s さんが担当しています(%s)"},
	"solved":     {"en": "Solved by %s %s", "ja": "%s さんが解決済みにしました(%s)"},
	"claim":      {"en": "Claim", "ja": "担当する"},
	"solve":      {"en": "Mark solved", "ja": "解決済みにする"},
	"footer":     {"en": "Kaiketsu hand-off #%d", "ja": "Kaiketsu 引き継ぎ #%d"},
	"dm":         {"en": "✅ %s from the support team has picked up your request %s and will get in touch with you here soon.", "ja": "✅ サポートチームの %s さんが受付番号 %s のお問い合わせを担当します。まもなくこちらから連絡があります。"},
	"lost":       {"en": "I can't find hand-off #%d: it may have been removed after the retention period.", "ja": "引き継ぎ #%d が見つかりません。保存期間を過ぎて削除された可能性があります。"},
	"bad":        {"en": "This button isn't one I can follow.", "ja": "このボタンは処理できません。"},
	"no-store":   {"en": "Hand-offs are not stored on this Kaiketsu, so there is nothing to claim.", "ja": "この Kaiketsu では引き継ぎを保存していないため、担当できるものがありません。"},
	"taken":      {"en": "%s already has this one (claimed %s). Thanks for jumping in!", "ja": "この件はすでに %s さんが担当しています(%s)。対応ありがとうございます!"},
	"was-solved": {"en": "This one is already marked solved by %s (%s). Nothing more to do.", "ja": "この件は %s さんがすでに解決済みにしています(%s)。追加の対応は不要です。"},
	"own":        {"en": "You asked for this help yourself, so someone else on the team needs to claim it. It's in good hands!", "ja": "ご自身の依頼なので、担当はチームのほかの方にお願いしています。少々お待ちください!"},
	"error":      {"en": "Something went wrong saving that; please try again in a moment.", "ja": "保存中に問題が起きました。少し待ってからもう一度お試しください。"},
}

func (h *Handler) t(key, lang string) string { return cardText[key].Get(lang, "en") }

// mention is a user mention; in embeds it shows the name without pinging.
func mention(id string) string {
	if id == "" {
		return "?"
	}
	return "<@" + id + ">"
}

// when is a Discord timestamp that each reader sees in their own time zone
// and language ("5 minutes ago").
func when(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return fmt.Sprintf("<t:%d:R>", t.Unix())
}

// card renders a hand-off card as it stands: open with Claim and Mark
// solved, claimed with Mark solved, solved with no buttons.
func (h *Handler) card(hf *core.Handoff) ([]*discordgo.MessageEmbed, []discordgo.MessageComponent) {
	l := h.teamLang
	e := &discordgo.MessageEmbed{
		Title:     truncate(fmt.Sprintf(h.t("title", l), hf.Ref), maxEmbedTitle),
		Color:     colorHandoff,
		Timestamp: hf.CreatedAt.UTC().Format(time.RFC3339),
		Footer:    &discordgo.MessageEmbedFooter{Text: fmt.Sprintf(h.t("footer", l), hf.ID)},
	}
	requester := mention(hf.Requester)
	if hf.RequesterName != "" {
		requester += " (" + escape(hf.RequesterName) + ")"
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: h.t("requester", l), Value: truncate(requester, 1024), Inline: true})
	if title := h.topicTitle(hf); title != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: h.t("topic", l), Value: truncate(escape(title), 1024), Inline: true})
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: h.t("lang", l), Value: hf.Lang, Inline: true})
	if hf.Channel != "" {
		e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: h.t("from", l), Value: "<#" + hf.Channel + ">", Inline: true})
	}
	var tried strings.Builder
	for i, s := range hf.Transcript {
		res := h.t("did-not", l)
		switch s.Result {
		case core.ResultCurrent:
			res = h.t("current", l)
		case core.ResultChose:
			res = fmt.Sprintf(h.t("chose", l), escape(core.Scrub(s.Chose)))
		}
		fmt.Fprintf(&tried, "%d. %s: %s\n", i+1, escape(core.Scrub(s.Title)), res)
	}
	if tried.Len() == 0 {
		tried.WriteString(h.t("none", l))
	}
	e.Fields = append(e.Fields, &discordgo.MessageEmbedField{Name: h.t("tried", l), Value: truncate(tried.String(), 1024)})

	var status string
	comps := []discordgo.MessageComponent{}
	claim := discordgo.Button{Label: h.t("claim", l), Style: discordgo.PrimaryButton, CustomID: cardID(cardClaim, hf.ID)}
	solve := discordgo.Button{Label: h.t("solve", l), Style: discordgo.SuccessButton, CustomID: cardID(cardSolve, hf.ID)}
	switch hf.Status {
	case core.HandoffSolved:
		status = fmt.Sprintf(h.t("solved", l), mention(hf.SolvedBy), when(hf.SolvedAt))
		e.Color = colorResolved
	case core.HandoffClaimed:
		status = fmt.Sprintf(h.t("claimed", l), mention(hf.ClaimedBy), when(hf.ClaimedAt))
		e.Color = colorStep
		comps = append(comps, discordgo.ActionsRow{Components: []discordgo.MessageComponent{solve}})
	default:
		status = h.t("open", l)
		comps = append(comps, discordgo.ActionsRow{Components: []discordgo.MessageComponent{claim, solve}})
	}
	e.Description = status
	return []*discordgo.MessageEmbed{e}, comps
}

func (h *Handler) topicTitle(hf *core.Handoff) string {
	p := h.eng.KB().Playbook(hf.Playbook)
	if p == nil {
		return hf.Topic
	}
	t := p.Topic(hf.Topic)
	if t == nil {
		return p.Title.Get(p.Lang(h.teamLang, hf.Lang), hf.Lang)
	}
	return t.Title.Get(p.Lang(h.teamLang, hf.Lang), hf.Lang)
}

// postCard posts the card of a stored hand-off to the support channel in
// the background, retried with backoff, then records where it went. A
// card that cannot be posted loses nothing: the hand-off stays in the
// store, open.
func (h *Handler) postCard(hf *core.Handoff) {
	if h.channel == "" || hf.ID == 0 {
		return
	}
	hf = cloneHandoff(hf)
	h.later(func(ctx context.Context) { h.sendCard(ctx, hf) })
}

// sendCard posts hf's card once the store says this instance is the one to
// post it (core.ClaimCard), and records where it went; a card that could
// not be posted is released for a later sweep (RepostCards).
func (h *Handler) sendCard(ctx context.Context, hf *core.Handoff) {
	posted, err := core.PostCard(ctx, h.eng.Store(), hf, h.now(), func(ctx context.Context) (string, error) {
		embeds, comps := h.card(hf)
		m := &MessageCreate{
			MessageSend: discordgo.MessageSend{
				Embeds:          embeds,
				Components:      comps,
				AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
			},
			// The same nonce on every retry: Discord drops the duplicate
			// when an earlier try did go through. At most 25 characters.
			Nonce:        "kk-ho-" + strconv.FormatInt(hf.ID, 10),
			EnforceNonce: true,
		}
		b := h.backoff
		b.OnRetry = h.onRetry
		msg, err := h.client.CreateMessage(ctx, b, h.channel, m)
		if err != nil {
			return "", err
		}
		return h.channel + "/" + msg.ID, nil
	})
	switch {
	case err != nil && !posted:
		h.log.Error("discord: hand-off card not posted; the hand-off is stored, listed by `kaiketsu handoffs`, and a later sweep will try again",
			"handoff", hf.ID, "ref", hf.Ref, "err", err)
	case err != nil:
		h.log.Error("discord: record hand-off card", "handoff", hf.ID, "err", err)
	case !posted:
		h.log.Debug("discord: hand-off card already posted or being posted", "handoff", hf.ID)
	default:
		h.log.Info("discord: hand-off card posted", "handoff", hf.ID, "ref", hf.Ref)
	}
}

// RepostCards posts the cards of Discord hand-offs that were never posted
// (core.CardsToPost): Discord was down for longer than the retries, or the
// process stopped first. kaiketsu serve runs it now and then.
func (h *Handler) RepostCards(ctx context.Context) {
	st := h.eng.Store()
	if h.channel == "" || h.client == nil || st == nil {
		return
	}
	err := core.SweepCards(ctx, st, Platform, h.now(), func(ctx context.Context, hf *core.Handoff) {
		h.log.Info("discord: posting a hand-off card that was not posted", "handoff", hf.ID, "ref", hf.Ref)
		h.sendCard(ctx, hf)
	})
	if err != nil && ctx.Err() == nil {
		h.log.Error("discord: look for hand-off cards to post", "err", err)
	}
}

func cloneHandoff(hf *core.Handoff) *core.Handoff {
	c := *hf
	c.Transcript = append([]core.TranscriptEntry(nil), hf.Transcript...)
	return &c
}

// cardAction handles Claim and Mark solved on a card. The store decides
// who wins a race; the winner's click updates the card (type 7), everyone
// else gets a private note (type 4, ephemeral) saying who has it.
func (h *Handler) cardAction(ctx context.Context, in *discordgo.Interaction, customID string) *discordgo.InteractionResponse {
	req := h.request(in)
	lang := h.eng.Lang("", req.Locale)
	note := func(key string, args ...any) *discordgo.InteractionResponse {
		return ephemeral(fmt.Sprintf(h.t(key, lang), args...))
	}
	action, id, ok := parseCardID(customID)
	if !ok {
		return note("bad")
	}
	st := h.eng.Store()
	if st == nil {
		return note("no-store")
	}
	agent := req.UserID
	hf, err := st.Handoff(ctx, id)
	if errors.Is(err, core.ErrNotFound) || (err == nil && hf.Platform != Platform) {
		// Cards are only posted on their own platform: a click naming
		// another platform's hand-off is forged or confused.
		return note("lost", id)
	}
	if err != nil {
		h.log.ErrorContext(ctx, "discord: load hand-off", "handoff", id, "err", err)
		return note("error")
	}
	now := h.now()
	switch action {
	case cardClaim:
		// The requester may not claim their own request: a person asking
		// for help should not be able to close it as "taken" by themself.
		if hf.Requester != "" && hf.Requester == agent {
			return note("own")
		}
		hf, err = st.ClaimHandoff(ctx, id, agent, now)
	default:
		hf, err = st.SolveHandoff(ctx, id, agent, now)
	}
	switch {
	case errors.Is(err, core.ErrAlreadyClaimed):
		return note("taken", mention(hf.ClaimedBy), when(hf.ClaimedAt))
	case errors.Is(err, core.ErrAlreadySolved):
		return note("was-solved", mention(hf.SolvedBy), when(hf.SolvedAt))
	case errors.Is(err, core.ErrNotFound):
		return note("lost", id)
	case err != nil:
		h.log.ErrorContext(ctx, "discord: update hand-off", "handoff", id, "action", action, "err", err)
		return note("error")
	}
	h.log.InfoContext(ctx, "discord: hand-off "+action, "handoff", id, "agent", agent)
	if action == cardClaim {
		h.notifyRequester(hf)
	}
	embeds, comps := h.card(hf)
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseUpdateMessage,
		Data: &discordgo.InteractionResponseData{
			Embeds:          embeds,
			Components:      comps,
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		},
	}
}

// notifyRequester DMs the requester that a person has their request. A
// requester who does not accept DMs is logged, not retried.
func (h *Handler) notifyRequester(hf *core.Handoff) {
	if h.client == nil || hf.Platform != Platform || hf.Requester == "" {
		return
	}
	hf = cloneHandoff(hf)
	h.later(func(ctx context.Context) {
		ch, err := h.client.CreateDM(ctx, DMBackoff, hf.Requester)
		if err == nil {
			text := fmt.Sprintf(h.t("dm", hf.Lang), mention(hf.ClaimedBy), hf.Ref)
			_, err = h.client.CreateMessage(ctx, DMBackoff, ch.ID, &MessageCreate{MessageSend: discordgo.MessageSend{
				Content: text,
				// Show the agent's name without pinging anyone.
				AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
			}})
		}
		if err != nil {
			h.log.Warn("discord: requester not notified of claim", "handoff", hf.ID, "err", err)
			return
		}
		h.log.Info("discord: requester notified of claim", "handoff", hf.ID)
	})
}

func ephemeral(text string) *discordgo.InteractionResponse {
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionResponseChannelMessageWithSource,
		Data: &discordgo.InteractionResponseData{
			Content:         truncate(text, maxContent),
			Flags:           discordgo.MessageFlagsEphemeral,
			Embeds:          []*discordgo.MessageEmbed{},
			Components:      []discordgo.MessageComponent{},
			AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
		},
	}
}
