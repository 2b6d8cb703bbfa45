package discord

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/kaiketsu/kaiketsu/core"
)

const supportChannel = "1180000000000000200"

// fakeDiscord is a local fake of the REST endpoints hand-offs use:
// channel messages and DM channels. fail holds the statuses to answer
// the next message posts with before succeeding.
type fakeDiscord struct {
	t        *testing.T
	mu       sync.Mutex
	fail     []int
	attempts int
	nonces   []string
	messages []postedMessage
	dms      []string // recipient ids
	seq      int
}

type postedMessage struct {
	Channel string
	Auth    string
	Msg     struct {
		Content         string                    `json:"content"`
		Embeds          []*discordgo.MessageEmbed `json:"embeds"`
		Components      []json.RawMessage         `json:"components"`
		Nonce           string                    `json:"nonce"`
		EnforceNonce    bool                      `json:"enforce_nonce"`
		AllowedMentions *struct {
			Parse []string `json:"parse"`
		} `json:"allowed_mentions"`
	}
}

func (fd *fakeDiscord) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	path := strings.TrimPrefix(r.URL.Path, "/api/v10")
	switch {
	case r.Method == http.MethodPost && path == "/users/@me/channels":
		var in struct {
			RecipientID string `json:"recipient_id"`
		}
		json.Unmarshal(body, &in)
		fd.dms = append(fd.dms, in.RecipientID)
		fmt.Fprintf(w, `{"id":"dm-%s","type":1,"last_message_id":null,"flags":0,"recipients":[{"id":%q,"username":"x"}]}`, in.RecipientID, in.RecipientID)
	case r.Method == http.MethodPost && strings.HasPrefix(path, "/channels/") && strings.HasSuffix(path, "/messages"):
		fd.attempts++
		var pm postedMessage
		pm.Channel = strings.TrimSuffix(strings.TrimPrefix(path, "/channels/"), "/messages")
		pm.Auth = r.Header.Get("Authorization")
		if err := json.Unmarshal(body, &pm.Msg); err != nil {
			fd.t.Errorf("message body: %v", err)
		}
		fd.nonces = append(fd.nonces, pm.Msg.Nonce)
		if len(fd.fail) > 0 {
			status := fd.fail[0]
			fd.fail = fd.fail[1:]
			if status == http.StatusTooManyRequests {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(status)
				io.WriteString(w, `{"message": "You are being rate limited.", "retry_after": 0.01, "global": false}`)
				return
			}
			w.WriteHeader(status)
			io.WriteString(w, `{"message": "500: Internal Server Error", "code": 0}`)
			return
		}
		fd.seq++
		fd.messages = append(fd.messages, pm)
		fmt.Fprintf(w, `{"id":"13000000000000000%02d","channel_id":%q,"type":0,"content":"","embeds":[],"components":[]}`, fd.seq, pm.Channel)
	default:
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message": "404: Not Found", "code": 0}`)
	}
}

func (fd *fakeDiscord) snapshot() (msgs []postedMessage, dms []string, attempts int, nonces []string) {
	fd.mu.Lock()
	defer fd.mu.Unlock()
	return append([]postedMessage(nil), fd.messages...), append([]string(nil), fd.dms...), fd.attempts, append([]string(nil), fd.nonces...)
}

// handoffFixture is a handler with a support channel on a fake Discord.
func handoffFixture(t *testing.T, fail ...int) (*fixture, *fakeDiscord) {
	t.Helper()
	fd := &fakeDiscord{t: t, fail: fail}
	srv := httptest.NewServer(fd)
	t.Cleanup(srv.Close)
	f := newFixture(t, func(o *Options) {
		o.Client = NewClient(srv.URL+"/api/v10", "bot-token", srv.Client(), nil)
		o.SupportChannel = supportChannel
		o.TeamLang = "en"
		o.CardBackoff = Backoff{Attempts: 5, Min: time.Millisecond, Max: 20 * time.Millisecond}
	})
	return f, fd
}

// walkToHandoff runs /support and clicks "didn't work" until the person
// is handed off, then waits for the card.
func walkToHandoff(t *testing.T, f *fixture, w who) {
	t.Helper()
	r, _ := f.ok(f.command(w, ptr("I forgot my password")))
	d := checkLimits(t, r)
	for i := 0; len(d.Components) > 0; i++ {
		if i > 30 {
			t.Fatal("no hand-off after 30 clicks")
		}
		id := findButton(d, "Didn't work")
		if id == "" {
			id = button(t, d, "Talk to a person")
		}
		r, _ = f.ok(f.click(w, id, echo(t, r.Data, true)))
		d = checkLimits(t, r)
	}
	if d.Embeds[0].Title != "Let's get you to a person" {
		t.Fatalf("ended with %q, want the hand-off", d.Embeds[0].Title)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := f.h.Drain(ctx); err != nil {
		t.Fatalf("drain: %v", err)
	}
}

// cardMessage is the card as Discord would echo it with a click.
func cardMessage(t *testing.T, pm postedMessage) map[string]any {
	t.Helper()
	raw, _ := json.Marshal(pm.Msg)
	m := echo(t, raw, false)
	m["channel_id"] = supportChannel
	delete(m, "interaction_metadata")
	delete(m, "nonce")
	delete(m, "enforce_nonce")
	return m
}

func agent(id, name string) who { return who{user: id, name: name, locale: "en-US"} }

func TestHandoffEndToEnd(t *testing.T) {
	// The first two posts fail (rate limited, then Discord down): the card
	// still arrives, once.
	f, fd := handoffFixture(t, http.StatusTooManyRequests, http.StatusInternalServerError)
	walkToHandoff(t, f, enUser)

	msgs, _, attempts, nonces := fd.snapshot()
	if len(msgs) != 1 || attempts != 3 {
		t.Fatalf("%d cards after %d attempts, want 1 after 3", len(msgs), attempts)
	}
	for _, n := range nonces {
		if n != nonces[0] || n == "" || len(n) > 25 {
			t.Errorf("nonces %q: every retry must carry the same nonce of at most 25 characters", nonces)
		}
	}
	card := msgs[0]
	if card.Channel != supportChannel || card.Auth != "Bot bot-token" {
		t.Errorf("card posted to %s with %q", card.Channel, card.Auth)
	}
	if card.Msg.AllowedMentions == nil || len(card.Msg.AllowedMentions.Parse) != 0 {
		t.Errorf("the card must not ping anyone: allowed_mentions %+v", card.Msg.AllowedMentions)
	}
	hs, _ := f.store.ListHandoffs(context.Background(), 0)
	if len(hs) != 1 {
		t.Fatalf("%d hand-offs stored", len(hs))
	}
	ho := hs[0]
	if ho.Card != supportChannel+"/1300000000000000001" {
		t.Errorf("card recorded as %q", ho.Card)
	}
	e := card.Msg.Embeds[0]
	if !strings.Contains(e.Title, ho.Ref) {
		t.Errorf("card title %q lacks %s", e.Title, ho.Ref)
	}
	var fields strings.Builder
	for _, fl := range e.Fields {
		fields.WriteString(fl.Name + ": " + fl.Value + "\n")
	}
	for _, te := range ho.Transcript {
		if !strings.Contains(fields.String(), escape(te.Title)) {
			t.Errorf("card lacks transcript step %q:\n%s", te.Title, fields.String())
		}
	}
	if !strings.Contains(fields.String(), "<@"+testUser+">") || !strings.Contains(fields.String(), "did not work") {
		t.Errorf("card lacks the requester or the results:\n%s", fields.String())
	}
	checkCard := func(r response) decoded {
		t.Helper()
		return checkLimits(t, r)
	}
	var posted response
	posted.Data, _ = json.Marshal(card.Msg)
	d := checkCard(posted)
	compareGolden(t, "card", posted.Data)
	if got := []string{button(t, d, "Claim"), button(t, d, "Mark solved")}; got[0] != "ho:claim:1" || got[1] != "ho:solve:1" {
		t.Errorf("card buttons %q", got)
	}
	msg := cardMessage(t, card)

	// The requester cannot claim their own hand-off.
	r, _ := f.ok(f.click(enUser, "ho:claim:1", msg))
	d = checkLimits(t, r)
	if r.Type != 4 || d.Flags != discordgo.MessageFlagsEphemeral || !strings.Contains(d.Content, "someone else on the team") {
		t.Errorf("requester's claim answered type %d flags %d %q", r.Type, d.Flags, d.Content)
	}
	if h, _ := f.store.Handoff(context.Background(), 1); h.Status != core.HandoffOpen {
		t.Fatalf("requester's click changed the status to %s", h.Status)
	}

	// Two agents click Claim at once: exactly one wins.
	agents := []who{agent("1180000000000000301", "Aiko"), agent("1180000000000000302", "Ben")}
	bodies := [][]byte{f.click(agents[0], "ho:claim:1", msg), f.click(agents[1], "ho:claim:1", msg)}
	results := make([]response, 2)
	var wg sync.WaitGroup
	for i := range agents {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rec := f.post(bodies[i])
			if rec.Code != 200 {
				t.Errorf("claim: status %d", rec.Code)
				return
			}
			json.Unmarshal(rec.Body.Bytes(), &results[i])
		}()
	}
	wg.Wait()
	winner := -1
	for i, r := range results {
		d := checkLimits(t, r)
		switch r.Type {
		case 7:
			if winner >= 0 {
				t.Fatal("two agents won the claim")
			}
			winner = i
			raw, _ := json.Marshal(r)
			compareGolden(t, "card.claimed."+agents[i].name, raw)
			if !strings.Contains(d.Embeds[0].Description, "Claimed by <@"+agents[i].user+">") {
				t.Errorf("winner's card says %q", d.Embeds[0].Description)
			}
			if findButton(d, "Claim") != "" || findButton(d, "Mark solved") == "" {
				t.Errorf("claimed card buttons %v: want Mark solved only", buttons(d))
			}
		case 4:
			if d.Flags != discordgo.MessageFlagsEphemeral || !strings.Contains(d.Content, "already has this one") {
				t.Errorf("loser told %q (flags %d)", d.Content, d.Flags)
			}
		default:
			t.Errorf("claim answered type %d", r.Type)
		}
	}
	if winner < 0 {
		t.Fatal("nobody won the claim")
	}
	loser := 1 - winner
	var ld decoded
	json.Unmarshal(results[loser].Data, &ld.Message)
	if !strings.Contains(ld.Content, "<@"+agents[winner].user+">") {
		t.Errorf("loser not told who has it: %q", ld.Content)
	}

	// The requester hears that a person has it.
	if err := f.h.Drain(context.Background()); err != nil {
		t.Fatal(err)
	}
	msgs, dms, _, _ := fd.snapshot()
	if len(dms) != 1 || dms[0] != testUser {
		t.Fatalf("DM channels opened for %v, want the requester %s", dms, testUser)
	}
	dm := msgs[len(msgs)-1]
	if dm.Channel != "dm-"+testUser || !strings.Contains(dm.Msg.Content, ho.Ref) || !strings.Contains(dm.Msg.Content, "<@"+agents[winner].user+">") {
		t.Errorf("DM to %s: %q", dm.Channel, dm.Msg.Content)
	}

	// Mark solved, then a second Mark solved.
	r, raw := f.ok(f.click(agents[winner], "ho:solve:1", msg))
	d = checkLimits(t, r)
	if r.Type != 7 || len(d.Components) != 0 || !strings.Contains(d.Embeds[0].Description, "Solved by <@"+agents[winner].user+">") {
		t.Errorf("mark solved answered type %d: %s", r.Type, raw)
	}
	r, _ = f.ok(f.click(agents[loser], "ho:solve:1", msg))
	d = checkLimits(t, r)
	if r.Type != 4 || d.Flags != discordgo.MessageFlagsEphemeral || !strings.Contains(d.Content, "already marked solved") {
		t.Errorf("second mark solved answered type %d %q", r.Type, d.Content)
	}
	if h, _ := f.store.Handoff(context.Background(), 1); h.Status != core.HandoffSolved || h.SolvedBy != agents[winner].user {
		t.Errorf("stored %s by %s", h.Status, h.SolvedBy)
	}
}

func TestHandoffCardBadClicks(t *testing.T) {
	f, _ := handoffFixture(t)
	walkToHandoff(t, f, jaUser)
	tests := []struct {
		name, customID, want string
		w                    who
	}{
		{"unknown hand-off", "ho:claim:999", "can't find hand-off #999", agent("1180000000000000301", "Aiko")},
		{"unknown hand-off, in Japanese", "ho:solve:999", "#999 が見つかりません", who{user: "1180000000000000301", name: "Aiko", locale: "ja"}},
		{"not a number", "ho:claim:abc", "isn't one I can follow", agent("1180000000000000301", "Aiko")},
		{"unknown action", "ho:delete:1", "isn't one I can follow", agent("1180000000000000301", "Aiko")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, _ := f.ok(f.click(tt.w, tt.customID, map[string]any{"id": "1", "channel_id": supportChannel}))
			d := checkLimits(t, r)
			if r.Type != 4 || d.Flags != discordgo.MessageFlagsEphemeral || !strings.Contains(d.Content, tt.want) {
				t.Errorf("answered type %d flags %d %q, want an ephemeral %q", r.Type, d.Flags, d.Content, tt.want)
			}
		})
	}
	if h, _ := f.store.Handoff(context.Background(), 1); h.Status != core.HandoffOpen {
		t.Errorf("bad clicks changed the hand-off to %s", h.Status)
	}
	// A Slack hand-off named from a Discord card is not found.
	sh := &core.Handoff{Platform: "slack", Requester: "U0REQUEST", Status: core.HandoffOpen, CreatedAt: time.Now()}
	if err := f.store.CreateHandoff(context.Background(), sh); err != nil {
		t.Fatal(err)
	}
	r, _ := f.ok(f.click(agent("1180000000000000301", "Aiko"), fmt.Sprintf("ho:claim:%d", sh.ID), map[string]any{"id": "1", "channel_id": supportChannel}))
	if d := checkLimits(t, r); r.Type != 4 || !strings.Contains(d.Content, "can't find hand-off") {
		t.Errorf("claim of a Slack hand-off answered type %d %q", r.Type, d.Content)
	}
	if h, _ := f.store.Handoff(context.Background(), sh.ID); h.Status != core.HandoffOpen {
		t.Errorf("a Discord click changed a Slack hand-off to %s", h.Status)
	}
}

// The requester may mark their own hand-off solved (they may have fixed
// it themselves), unlike claiming it.
func TestHandoffRequesterMaySolve(t *testing.T) {
	f, _ := handoffFixture(t)
	walkToHandoff(t, f, enUser)
	r, _ := f.ok(f.click(enUser, "ho:solve:1", map[string]any{"id": "1", "channel_id": supportChannel}))
	if r.Type != 7 {
		t.Fatalf("type %d, want the card updated", r.Type)
	}
	if h, _ := f.store.Handoff(context.Background(), 1); h.Status != core.HandoffSolved {
		t.Errorf("status %s", h.Status)
	}
}

// Discord stays down: the hand-off is kept, open, without a card, and the
// person was told their reference all the same.
func TestHandoffCardNeverPosted(t *testing.T) {
	var retries int
	fd := &fakeDiscord{t: t, fail: []int{500, 502, 503, 500, 500, 500}}
	srv := httptest.NewServer(fd)
	defer srv.Close()
	f := newFixture(t, func(o *Options) {
		o.Client = NewClient(srv.URL, "bot-token", srv.Client(), nil)
		o.SupportChannel = supportChannel
		o.CardBackoff = Backoff{Attempts: 3, Min: time.Millisecond, Max: 5 * time.Millisecond}
		o.OnCardRetry = func() { retries++ }
	})
	walkToHandoff(t, f, enUser)
	_, _, attempts, _ := fd.snapshot()
	if attempts != 3 || retries != 2 {
		t.Errorf("%d attempts, %d retries counted; want 3 and 2", attempts, retries)
	}
	hs, _ := f.store.ListHandoffs(context.Background(), 0, core.HandoffOpen)
	if len(hs) != 1 || hs[0].Card != "" {
		t.Fatalf("open hand-offs %+v, want one without a card", hs)
	}

	// Sweeps: none before the first post has had time to give up; then
	// one that fails (Discord still down: the last three faults), one that
	// posts the card, and one with nothing left to do.
	ctx := context.Background()
	created := hs[0].CreatedAt
	f.h.now = func() time.Time { return created.Add(time.Minute) }
	f.h.RepostCards(ctx)
	if _, _, n, _ := fd.snapshot(); n != 3 {
		t.Errorf("a sweep right after the hand-off tried to post (%d attempts)", n)
	}
	f.h.now = func() time.Time { return created.Add(core.CardRetryAfter + time.Minute) }
	for _, want := range []int{6, 7, 7} {
		f.h.RepostCards(ctx)
		if _, _, n, _ := fd.snapshot(); n != want {
			t.Errorf("after a sweep: %d attempts, want %d", n, want)
		}
	}
	if h, _ := f.store.Handoff(ctx, hs[0].ID); !core.CardPosted(h.Card) {
		t.Errorf("card %q after the sweeps, want it posted", h.Card)
	}
}

// Shutdown while Discord is rate limiting for long: Drain gives up at its
// deadline and says so; the hand-off is still stored.
func TestDrainDeadline(t *testing.T) {
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-block
		w.WriteHeader(http.StatusServiceUnavailable)
	}))
	defer srv.Close()
	defer close(block)
	f := newFixture(t, func(o *Options) {
		o.Client = NewClient(srv.URL, "bot-token", srv.Client(), nil)
		o.SupportChannel = supportChannel
	})
	hf := &core.Handoff{Platform: Platform, Requester: testUser, Lang: "en", Status: core.HandoffOpen}
	if err := f.store.CreateHandoff(context.Background(), hf); err != nil {
		t.Fatal(err)
	}
	f.h.postCard(hf)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if err := f.h.Drain(ctx); err == nil {
		t.Fatal("drain returned nil while a post was stuck")
	}
}
