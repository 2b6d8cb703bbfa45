package slack

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/url"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/kaiketsu/kaiketsu/core"
)

// handOff walks from /support through "didn't work" once and then "talk
// to a person", as the requester, and returns the stored hand-off.
func handOff(t *testing.T, tb *testBot, requester string) *core.Handoff {
	t.Helper()
	body := commandForm(requester, "I forgot my password", tb.fake.responseURL("req")).Encode()
	_, bs, _ := commandReply(t, tb.do(signed("/slack/commands", formType, body, time.Now())))
	next := buttons(bs)[1]
	tb.click(t, requester, "C2147483705", next.ActionID, next.Value, "req", true)
	tb.drain(t)
	_, bs = tb.lastResponse(t)
	btns := buttons(bs)
	human := btns[len(btns)-1]
	if human.Style != slack.StyleDanger {
		t.Fatalf("last button %q is not 'talk to a person'", human.Text.Text)
	}
	tb.click(t, requester, "C2147483705", human.ActionID, human.Value, "req", true)
	tb.drain(t)
	m, bs := tb.lastResponse(t)
	if !m.ReplaceOriginal || len(buttons(bs)) != 0 {
		t.Errorf("hand-off answer: replace %v with %d buttons; want the walkthrough closed", m.ReplaceOriginal, len(buttons(bs)))
	}
	hs, _ := tb.store.ListHandoffs(context.Background(), 10)
	if len(hs) == 0 {
		t.Fatal("no hand-off stored")
	}
	if js, _ := json.Marshal(bs); !strings.Contains(string(js), hs[0].Ref) {
		t.Errorf("the requester was not given the reference %s", hs[0].Ref)
	}
	return hs[0]
}

// card returns the last card posted to the support channel, parsed.
func (tb *testBot) card(t *testing.T) (apiCall, slack.Blocks) {
	t.Helper()
	var cards []apiCall
	for _, c := range tb.fake.callsTo("chat.postMessage") {
		if c.Form.Get("channel") == "C0SUPPORT" {
			cards = append(cards, c)
		}
	}
	if len(cards) == 0 {
		t.Fatal("no card posted to the support channel")
	}
	c := cards[len(cards)-1]
	bs := decodeBlocks(t, c.Form.Get("blocks"))
	raw, _ := json.Marshal(map[string]any{"text": c.Form.Get("text"), "blocks": bs})
	checkLimits(t, raw)
	return c, bs
}

func cardButton(bs slack.Blocks, verb string) *slack.ButtonBlockElement {
	for _, b := range buttons(bs) {
		if strings.HasPrefix(b.ActionID, cardAction+verb+":") {
			return b
		}
	}
	return nil
}

// blocksText is the JSON of v as Slack would read it (no \u003c escapes).
func blocksText(t *testing.T, v any) string {
	var sb strings.Builder
	enc := json.NewEncoder(&sb)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	// slack.Blocks marshals with encoding/json's HTML escaping inside.
	return strings.NewReplacer(`\u003c`, "<", `\u003e`, ">", `\u0026`, "&").Replace(sb.String())
}

// TestHandoffEndToEnd: a walkthrough ends in a hand-off; the card is
// posted with the transcript; two agents click Claim at once and exactly
// one wins; the requester is told; unknown ids and a double "Mark solved"
// get clear answers.
func TestHandoffEndToEnd(t *testing.T) {
	tb := newTestBot(t, nil)
	ctx := context.Background()
	h := handOff(t, tb, "U0REQUEST")
	if h.Platform != Platform || h.Requester != "U0REQUEST" || h.Channel != "C2147483705" || len(h.Transcript) != 2 {
		t.Fatalf("stored hand-off %+v", h)
	}

	// The card: requester, topic, language, transcript, created, buttons.
	c, bs := tb.card(t)
	txt := blocksText(t, bs)
	for _, want := range []string{"<@U0REQUEST>", h.Ref, "amazon-signin/" + h.Topic, h.Transcript[0].Title, "did not work", "<!date^"} {
		if !strings.Contains(txt, want) {
			t.Errorf("card lacks %q:\n%s", want, txt)
		}
	}
	if !strings.Contains(c.Form.Get("text"), h.Ref) {
		t.Errorf("card fallback text %q lacks the reference", c.Form.Get("text"))
	}
	claim, solve := cardButton(bs, verbClaim), cardButton(bs, verbSolve)
	if claim == nil || solve == nil || claim.Value != fmt.Sprint(h.ID) {
		t.Fatalf("card buttons claim=%v solve=%v", claim, solve)
	}
	if strings.HasPrefix(claim.Value, core.TokenPrefix) {
		t.Error("card buttons carry walkthrough tokens")
	}
	stored, _ := tb.store.Handoff(ctx, h.ID)
	if stored.Card == "" || !strings.HasPrefix(stored.Card, "C0SUPPORT/") {
		t.Errorf("card location not stored: %q", stored.Card)
	}
	cardTS := strings.TrimPrefix(stored.Card, "C0SUPPORT/")

	// The requester may not claim their own hand-off.
	clickCard := func(user, actionID, value, resp string) {
		t.Helper()
		js := clickJSON(user, "C0SUPPORT", actionID, value, tb.fake.responseURL(resp), false)
		js = strings.Replace(js, `"message_ts":"1700000000.000100"`, `"message_ts":"`+cardTS+`"`, 1)
		w := tb.do(signed("/slack/interactions", formType, "payload="+urlQueryEscape(js), time.Now()))
		if w.Code != 200 {
			t.Fatalf("card click: %d", w.Code)
		}
	}
	clickCard("U0REQUEST", claim.ActionID, claim.Value, "own")
	tb.drain(t)
	m, _ := tb.lastResponse(t)
	if m.ReplaceOriginal || !strings.Contains(m.Text, "your own request") {
		t.Errorf("requester claiming: %+v", m)
	}
	if got, _ := tb.store.Handoff(ctx, h.ID); got.Status != core.HandoffOpen {
		t.Errorf("the requester's click changed the status to %s", got.Status)
	}

	// Two agents claim at once.
	var wg sync.WaitGroup
	for _, agent := range []string{"U0AGENTA", "U0AGENTB"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			clickCard(agent, claim.ActionID, claim.Value, "claim-"+agent)
		}()
	}
	wg.Wait()
	tb.drain(t)
	got, _ := tb.store.Handoff(ctx, h.ID)
	winner := got.ClaimedBy
	loser := map[string]string{"U0AGENTA": "U0AGENTB", "U0AGENTB": "U0AGENTA"}[winner]
	if got.Status != core.HandoffClaimed || loser == "" {
		t.Fatalf("after two claims: status %s by %q", got.Status, winner)
	}
	ups := tb.fake.callsTo("chat.update")
	if len(ups) != 1 {
		t.Fatalf("%d card updates, want exactly 1 (the winner's)", len(ups))
	}
	if ups[0].Form.Get("channel") != "C0SUPPORT" || ups[0].Form.Get("ts") != cardTS {
		t.Errorf("updated %s/%s, want the card %s", ups[0].Form.Get("channel"), ups[0].Form.Get("ts"), stored.Card)
	}
	ub := decodeBlocks(t, ups[0].Form.Get("blocks"))
	if txt := blocksText(t, ub); !strings.Contains(txt, "Claimed by <@"+winner+">") {
		t.Errorf("updated card does not say who has it:\n%s", txt)
	}
	if cardButton(ub, verbClaim) != nil || cardButton(ub, verbSolve) == nil {
		t.Error("claimed card: want only 'Mark solved'")
	}
	var loserNote *responsePost
	for _, p := range tb.fake.responsePosts() {
		if p.Path == "/response/claim-"+loser {
			loserNote = &p
		}
	}
	if loserNote == nil {
		t.Fatal("the losing agent was told nothing")
	}
	var ln slack.WebhookMessage
	json.Unmarshal(loserNote.Body, &ln)
	if ln.ReplaceOriginal || !strings.Contains(ln.Text, "<@"+winner+"> has already claimed "+h.Ref) {
		t.Errorf("loser's note: replace %v, %q", ln.ReplaceOriginal, ln.Text)
	}

	// The requester hears that a person has it, in a DM, in their language.
	opens := tb.fake.callsTo("conversations.open")
	if len(opens) != 1 || opens[0].Form.Get("users") != "U0REQUEST" {
		t.Fatalf("conversations.open: %+v", opens)
	}
	var dm *apiCall
	for _, p := range tb.fake.callsTo("chat.postMessage") {
		if p.Form.Get("channel") == "D0REQUEST" {
			dm = &p
		}
	}
	if dm == nil || !strings.Contains(dm.Form.Get("text"), h.Ref) || !strings.Contains(dm.Form.Get("text"), "<@"+winner+">") {
		t.Fatalf("requester DM: %+v", dm)
	}

	// The winner claiming again is told they have it.
	clickCard(winner, claim.ActionID, claim.Value, "again")
	tb.drain(t)
	if m, _ := tb.lastResponse(t); !strings.Contains(m.Text, "You have already claimed") {
		t.Errorf("second claim by the winner: %q", m.Text)
	}

	// Mark solved, twice.
	clickCard(winner, solve.ActionID, solve.Value, "solve1")
	tb.drain(t)
	ups = tb.fake.callsTo("chat.update")
	if len(ups) != 2 {
		t.Fatalf("%d card updates after solving, want 2", len(ups))
	}
	sb := decodeBlocks(t, ups[1].Form.Get("blocks"))
	if txt := blocksText(t, sb); !strings.Contains(txt, "Solved by <@"+winner+">") || len(buttons(sb)) != 0 {
		t.Errorf("solved card:\n%s", txt)
	}
	clickCard(loser, solve.ActionID, solve.Value, "solve2")
	tb.drain(t)
	if m, _ := tb.lastResponse(t); m.ReplaceOriginal || !strings.Contains(m.Text, "already marked solved by <@"+winner+">") {
		t.Errorf("double mark solved: %+v", m)
	}
	if n := len(tb.fake.callsTo("chat.update")); n != 2 {
		t.Errorf("the double 'Mark solved' updated the card again")
	}

	// Unknown and malformed hand-off ids.
	for _, aid := range []string{"ho:claim:999", "ho:solve:999", "ho:claim:abc", "ho:claim", "ho:frob:1", "ho:claim:-1"} {
		clickCard("U0AGENTA", aid, "999", "unknown")
		tb.drain(t)
		if m, _ := tb.lastResponse(t); m.ReplaceOriginal || !strings.Contains(m.Text, "can't find that hand-off") {
			t.Errorf("%s: %+v", aid, m)
		}
	}
	if n := len(tb.fake.callsTo("chat.update")); n != 2 {
		t.Errorf("unknown ids changed a card")
	}
}

// TestRequesterMaySolveOwnHandoff: the requester cannot claim, but may
// close their own hand-off when the trouble went away.
func TestRequesterMaySolveOwnHandoff(t *testing.T) {
	tb := newTestBot(t, nil)
	h := handOff(t, tb, "U0REQUEST")
	js := clickJSON("U0REQUEST", "C0SUPPORT", fmt.Sprintf("ho:solve:%d", h.ID), fmt.Sprint(h.ID), tb.fake.responseURL("s"), false)
	tb.do(signed("/slack/interactions", formType, "payload="+urlQueryEscape(js), time.Now()))
	tb.drain(t)
	got, _ := tb.store.Handoff(context.Background(), h.ID)
	if got.Status != core.HandoffSolved || got.SolvedBy != "U0REQUEST" {
		t.Errorf("status %s by %s", got.Status, got.SolvedBy)
	}
}

func TestCardPostRetried(t *testing.T) {
	tb := newTestBot(t, nil)
	// Rate limited, then Slack down, then a network-level 502: the card
	// still arrives, on the fourth try.
	tb.fake.failNext("chat.postMessage",
		fault{Status: 429, RetryAfter: "0"}, fault{Status: 503}, fault{SlackError: "internal_error"})
	h := handOff(t, tb, "U0REQUEST")
	var tries int
	for _, c := range tb.fake.callsTo("chat.postMessage") {
		if c.Form.Get("channel") == "C0SUPPORT" {
			tries++
		}
	}
	if tries != 4 {
		t.Errorf("%d tries, want 4", tries)
	}
	got, _ := tb.store.Handoff(context.Background(), h.ID)
	if got.Card == "" {
		t.Error("card location not stored after the retries")
	}
}

func TestCardPostGivesUpButKeepsHandoff(t *testing.T) {
	tb := newTestBot(t, func(o *Options) { o.CardAttempts = 3 })
	tb.fake.failNext("chat.postMessage", fault{Status: 500}, fault{Status: 500}, fault{Status: 500})
	h := handOff(t, tb, "U0REQUEST")
	open, _ := tb.store.ListHandoffs(context.Background(), 10, core.HandoffOpen)
	if len(open) != 1 || open[0].ID != h.ID || open[0].Card != "" {
		t.Fatalf("open hand-offs %+v, want the one without a card", open)
	}
	if !strings.Contains(tb.logs.String(), "hand-off card not posted") || !strings.Contains(tb.logs.String(), "ref="+h.Ref) {
		t.Errorf("the failure is not logged with the reference:\n%s", tb.logs)
	}
}

func TestCardPostNotRetriedOnPermanentError(t *testing.T) {
	tb := newTestBot(t, nil)
	tb.fake.failNext("chat.postMessage", fault{SlackError: "channel_not_found"})
	handOff(t, tb, "U0REQUEST")
	if n := len(tb.fake.callsTo("chat.postMessage")); n != 1 {
		t.Errorf("%d tries for channel_not_found, want 1", n)
	}
	if !strings.Contains(tb.logs.String(), "channel_not_found") {
		t.Error("the reason is not logged")
	}
}

func TestHandoffWithoutSupportChannel(t *testing.T) {
	tb := newTestBot(t, func(o *Options) { o.SupportChannel = "" })
	h := handOff(t, tb, "U0REQUEST")
	if h.Ref == "" {
		t.Error("no reference without a support channel")
	}
	if n := len(tb.fake.callsTo("chat.postMessage")); n != 0 {
		t.Errorf("%d posts without a support channel", n)
	}
}

func TestGoldenCard(t *testing.T) {
	h := &core.Handoff{
		ID: 42, Ref: "K-42", Platform: Platform, Requester: "U0REQUEST", Channel: "C1",
		Playbook: "amazon-signin", Topic: "forgot-password", Lang: "ja", Status: core.HandoffOpen,
		CreatedAt: time.Date(2026, 3, 1, 9, 30, 0, 0, time.UTC),
		Transcript: []core.TranscriptEntry{
			{Topic: "forgot-password", Step: "open", Title: "Amazonのログイン画面を開く", Result: core.ResultDidNotWork},
			{Topic: "forgot-password", Step: "reset", Title: "Reset <your> password & more", Result: core.ResultCurrent},
		},
	}
	for _, tt := range []struct {
		name string
		mod  func(h *core.Handoff)
	}{
		{"card-open.en", func(h *core.Handoff) {}},
		{"card-claimed.en", func(h *core.Handoff) { h.Status, h.ClaimedBy = core.HandoffClaimed, "U0AGENT" }},
		{"card-solved.en", func(h *core.Handoff) { h.Status, h.SolvedBy = core.HandoffSolved, "U0AGENT" }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := *h
			tt.mod(&c)
			m := renderCard(&c, "en", "Forgot your password", "it0")
			js := goldenJSON(t, map[string]any{"text": m.Text, "blocks": m.Blocks})
			checkLimits(t, js)
			compareGolden(t, tt.name+".golden.json", js)
		})
	}
}

// TestCardClickForAnotherPlatform: a card click naming a Discord hand-off
// (forged, or from a confused client) changes nothing.
func TestCardClickForAnotherPlatform(t *testing.T) {
	tb := newTestBot(t, nil)
	ctx := context.Background()
	h := &core.Handoff{Platform: "discord", Requester: "1180000000000000001", Status: core.HandoffOpen, CreatedAt: time.Now()}
	if err := tb.store.CreateHandoff(ctx, h); err != nil {
		t.Fatal(err)
	}
	js := clickJSON("U0AGENTA", "C0SUPPORT", fmt.Sprintf("ho:claim:%d", h.ID), fmt.Sprint(h.ID), tb.fake.responseURL("x"), false)
	tb.do(signed("/slack/interactions", formType, "payload="+urlQueryEscape(js), time.Now()))
	tb.drain(t)
	if m, _ := tb.lastResponse(t); m.ReplaceOriginal || !strings.Contains(m.Text, "can't find that hand-off") {
		t.Errorf("answered %+v", m)
	}
	if got, _ := tb.store.Handoff(ctx, h.ID); got.Status != core.HandoffOpen || got.ClaimedBy != "" {
		t.Errorf("a Slack click claimed a Discord hand-off: %+v", got)
	}
}

// TestRepostCards: a card that could not be posted is posted by a later
// sweep, once, and only when its first post has had time to give up.
func TestRepostCards(t *testing.T) {
	now := time.Now()
	clock := func() time.Time { return now }
	tb := newTestBot(t, func(o *Options) { o.CardAttempts = 2; o.Now = func() time.Time { return clock() } })
	tb.fake.failNext("chat.postMessage", fault{Status: 500}, fault{Status: 500})
	h := handOff(t, tb, "U0REQUEST")
	now = h.CreatedAt // the test engine's clock
	ctx := context.Background()
	posts := func() int {
		n := 0
		for _, c := range tb.fake.callsTo("chat.postMessage") {
			if c.Form.Get("channel") == "C0SUPPORT" {
				n++
			}
		}
		return n
	}
	if n := posts(); n != 2 {
		t.Fatalf("%d tries of the first post, want 2", n)
	}
	tb.RepostCards(ctx) // too early: the first post might still be retrying
	if n := posts(); n != 2 {
		t.Errorf("a sweep right after the hand-off posted its card (%d tries)", n)
	}
	clock = func() time.Time { return now.Add(core.CardRetryAfter + time.Minute) }
	tb.RepostCards(ctx)
	if n := posts(); n != 3 {
		t.Errorf("%d tries after the sweep, want 3", n)
	}
	got, _ := tb.store.Handoff(ctx, h.ID)
	if !core.CardPosted(got.Card) {
		t.Errorf("card %q not recorded after the sweep", got.Card)
	}
	tb.RepostCards(ctx)
	if n := posts(); n != 3 {
		t.Errorf("a second sweep posted the card again (%d tries)", n)
	}
}

func TestRetryable(t *testing.T) {
	for _, c := range []struct {
		name string
		err  error
		want bool
	}{
		{"host does not exist", &url.Error{Op: "Post", URL: "https://hooks.slack.invalid/x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: "hooks.slack.invalid", IsNotFound: true}}}, false},
		{"DNS server failing", &url.Error{Op: "Post", URL: "https://hooks.slack.com/x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "server misbehaving", Name: "hooks.slack.com", IsTemporary: true}}}, true},
		{"connection refused", &url.Error{Op: "Post", URL: "https://hooks.slack.com/x", Err: &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}}, true},
		{"rate limited", &slack.RateLimitedError{RetryAfter: time.Second}, true},
		{"server error", slack.StatusCodeError{Code: 503, Status: "503 Service Unavailable"}, true},
		{"not found", slack.StatusCodeError{Code: 404, Status: "404 Not Found"}, false},
		{"cancelled", context.Canceled, false},
		{"channel_not_found", slack.SlackErrorResponse{Err: "channel_not_found"}, false},
		{"internal_error", slack.SlackErrorResponse{Err: "internal_error"}, true},
	} {
		if got := retryable(c.err); got != c.want {
			t.Errorf("%s: retryable = %v, want %v", c.name, got, c.want)
		}
	}
}
