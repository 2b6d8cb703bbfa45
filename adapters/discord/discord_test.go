package discord

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/kaiketsu/kaiketsu/core"
)

func TestPing(t *testing.T) {
	f := newFixture(t, nil)
	_, raw := f.ok(f.interaction(discordgo.InteractionPing, who{}, nil, nil))
	if got := strings.TrimSpace(string(raw)); got != `{"type":1}` {
		t.Errorf("PING answered %s, want {\"type\":1}", got)
	}
}

func TestSignatures(t *testing.T) {
	f := newFixture(t, nil)
	body := f.interaction(discordgo.InteractionPing, who{}, nil, nil)
	tests := []struct {
		name   string
		req    func() *http.Request
		status int
	}{
		{"valid", func() *http.Request { return f.sign(body, testNow) }, http.StatusOK},
		{"no headers", func() *http.Request {
			r := f.sign(body, testNow)
			r.Header.Del("X-Signature-Ed25519")
			r.Header.Del("X-Signature-Timestamp")
			return r
		}, http.StatusUnauthorized},
		{"no signature", func() *http.Request {
			r := f.sign(body, testNow)
			r.Header.Del("X-Signature-Ed25519")
			return r
		}, http.StatusUnauthorized},
		{"no timestamp", func() *http.Request {
			r := f.sign(body, testNow)
			r.Header.Del("X-Signature-Timestamp")
			return r
		}, http.StatusUnauthorized},
		{"signature not hex", func() *http.Request {
			r := f.sign(body, testNow)
			r.Header.Set("X-Signature-Ed25519", "zz"+r.Header.Get("X-Signature-Ed25519")[2:])
			return r
		}, http.StatusUnauthorized},
		{"signature too short", func() *http.Request {
			r := f.sign(body, testNow)
			r.Header.Set("X-Signature-Ed25519", r.Header.Get("X-Signature-Ed25519")[:64])
			return r
		}, http.StatusUnauthorized},
		{"one bit flipped", func() *http.Request {
			r := f.sign(body, testNow)
			sig, _ := hex.DecodeString(r.Header.Get("X-Signature-Ed25519"))
			sig[10] ^= 1
			r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(sig))
			return r
		}, http.StatusUnauthorized},
		{"body tampered", func() *http.Request {
			r := f.sign(body, testNow)
			r.Body = httptestBody(bytes.Replace(body, []byte(`"type":1`), []byte(`"type":2`), 1))
			return r
		}, http.StatusUnauthorized},
		{"timestamp changed", func() *http.Request {
			r := f.sign(body, testNow)
			r.Header.Set("X-Signature-Timestamp", "1")
			return r
		}, http.StatusUnauthorized},
		{"signed by another key", func() *http.Request {
			other := newFixture(t, nil)
			return other.sign(body, testNow)
		}, http.StatusUnauthorized},
		{"stale: signed 6 minutes ago", func() *http.Request { return f.sign(body, testNow.Add(-6*time.Minute)) }, http.StatusUnauthorized},
		{"from the future: 6 minutes ahead", func() *http.Request { return f.sign(body, testNow.Add(6*time.Minute)) }, http.StatusUnauthorized},
		{"within the window: 4 minutes ago", func() *http.Request { return f.sign(body, testNow.Add(-4*time.Minute)) }, http.StatusOK},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			f.h.ServeHTTP(rec, tt.req())
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			if tt.status != http.StatusOK {
				var e struct{ Error string }
				if json.Unmarshal(rec.Body.Bytes(), &e) != nil || e.Error == "" {
					t.Errorf("error body %q is not a JSON error", rec.Body)
				}
			}
		})
	}
}

func httptestBody(b []byte) *readCloser { return &readCloser{bytes.NewReader(b)} }

type readCloser struct{ *bytes.Reader }

func (readCloser) Close() error { return nil }

func TestBadRequests(t *testing.T) {
	f := newFixture(t, nil)
	big := f.command(enUser, ptr(strings.Repeat("a", MaxBody)))
	tests := []struct {
		name   string
		body   []byte
		status int
		errHas string
	}{
		{"malformed JSON", []byte(`{"type":2,"data":`), http.StatusBadRequest, "malformed"},
		{"not an object", []byte(`[1,2,3]`), http.StatusBadRequest, "malformed"},
		{"modal submit", f.interaction(discordgo.InteractionModalSubmit, enUser,
			map[string]any{"custom_id": "m", "components": []any{}}, nil), http.StatusBadRequest, "unsupported interaction type 5"},
		{"unknown type", f.interaction(discordgo.InteractionType(42), enUser, map[string]any{}, nil), http.StatusBadRequest, "unsupported interaction type 42"},
		{"oversize", big, http.StatusRequestEntityTooLarge, "too large"},
		// Discord sends a member or a user with every command and click.
		{"command without a user", []byte(`{"id":"1","application_id":"` + testApp + `","type":2,"token":"t","version":1,"data":{"id":"2","name":"support","type":1}}`),
			http.StatusBadRequest, "without a member or user"},
		{"click without a user", []byte(`{"id":"1","application_id":"` + testApp + `","type":3,"token":"t","version":1,"data":{"custom_id":"x","component_type":2}}`),
			http.StatusBadRequest, "without a member or user"},
		// No snowflake is that long (a hostile run's 40 KB ids were keys
		// of the rate limiter and the store).
		{"command with a user id that is not a number", []byte(`{"id":"1","application_id":"` + testApp + `","type":2,"token":"t","version":1,"user":{"id":"118\n0","username":"x"},"data":{"id":"2","name":"support","type":1}}`),
			http.StatusBadRequest, "without a member or user"},
		{"command with a long user id", []byte(`{"id":"1","application_id":"` + testApp + `","type":2,"token":"t","version":1,"user":{"id":"` + strings.Repeat("1", maxIDLen+1) + `","username":"x"},"data":{"id":"2","name":"support","type":1}}`),
			http.StatusBadRequest, "without a member or user"},
	}
	// A body declared larger than the limit is refused before it is read
	// (a client sending less than it declares would hold the connection).
	t.Run("declared oversize", func(t *testing.T) {
		r := f.sign([]byte(`{"type":1}`), testNow)
		r.ContentLength = MaxBody + 1
		rec := httptest.NewRecorder()
		f.h.ServeHTTP(rec, r)
		if rec.Code != http.StatusRequestEntityTooLarge {
			t.Errorf("status %d, want 413", rec.Code)
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			rec := f.post(tt.body)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d; body %s", rec.Code, tt.status, rec.Body)
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			var e struct{ Error string }
			if err := json.Unmarshal(rec.Body.Bytes(), &e); err != nil || !strings.Contains(e.Error, tt.errHas) {
				t.Errorf("body %s, want a JSON error containing %q", rec.Body, tt.errHas)
			}
		})
	}
}

func TestCommandSeveralCandidates(t *testing.T) {
	f := newFixtureWith(t, twins(t), nil)
	r, raw := f.ok(f.command(jaUser, ptr("プリンターで印刷できない")))
	d := checkLimits(t, r)
	if d.Embeds[0].Title != "どれがいちばん近いですか?" {
		t.Fatalf("title %q, want the question", d.Embeds[0].Title)
	}
	for _, want := range []string{"プリンターがオフライン", "紙詰まり"} {
		if findButton(d, want) == "" {
			t.Errorf("no button for candidate %q", want)
		}
		if !strings.Contains(d.Embeds[0].Description, want) {
			t.Errorf("candidate %q not listed in the description", want)
		}
	}
	compareGolden(t, "choose", raw)
	// Picking one starts its walkthrough in place.
	r, _ = f.ok(f.click(jaUser, findButton(d, "紙詰まり"), echo(t, r.Data, true)))
	d = checkLimits(t, r)
	if r.Type != 7 || d.Embeds[0].Title != "紙詰まり" {
		t.Errorf("picking a candidate gave type %d %q", r.Type, d.Embeds[0].Title)
	}
}

func TestCommand(t *testing.T) {
	f := newFixture(t, nil)
	jaTitle := f.eng.KB().Playbooks()[0].Topic("forgot-password").Title["ja"]
	enTitle := f.eng.KB().Playbooks()[0].Topic("forgot-password").Title["en"]
	tests := []struct {
		name    string
		golden  string
		w       who
		symptom *string
		title   string // embed title wanted ("" to skip)
		buttons bool
		content string // substring of content wanted
	}{
		{"step in Japanese", "step.ja", jaUser, ptr("パスワードを忘れてしまいました"), jaTitle, true, ""},
		{"step in English", "step.en", jaUser, ptr("I forgot my password and can't reset it"), enTitle, true, ""},
		{"no option: menu in the locale's language", "menu", jaUser, nil, "どうしましたか?", true, ""},
		{"help: menu", "", enUser, ptr("help"), "What's the trouble?", true, ""},
		{"en-GB locale", "", who{user: testUser, name: "Bob", locale: "en-GB"}, nil, "What's the trouble?", true, ""},
		{"nothing fits", "no-match", enUser, ptr("how do I bake sourdough bread at home"), "Which of these is it?", true, ""},
		// A guess: the guesses, then every other cause (9 buttons).
		{"a guess", "", enUser, ptr("I can't sign in"), "Which is closest?", true, ""},
		{"pasted one-time code", "", enUser, ptr("the code 123456 doesn't work"), "", true, "one-time code"},
		{"in a DM", "", who{user: testUser, name: "Dee", locale: "ja", dm: true}, ptr("パスワードを忘れた"), jaTitle, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, raw := f.ok(f.command(tt.w, tt.symptom))
			if r.Type != int(discordgo.InteractionResponseChannelMessageWithSource) {
				t.Fatalf("response type %d, want 4", r.Type)
			}
			d := checkLimits(t, r)
			if d.Flags != discordgo.MessageFlagsEphemeral {
				t.Errorf("flags %d, want ephemeral (64)", d.Flags)
			}
			if len(d.Embeds) != 1 {
				t.Fatalf("%d embeds, want 1", len(d.Embeds))
			}
			if tt.title != "" && d.Embeds[0].Title != tt.title {
				t.Errorf("title %q, want %q", d.Embeds[0].Title, tt.title)
			}
			if tt.buttons && len(buttons(d)) < 2 {
				t.Errorf("%d buttons, want several", len(buttons(d)))
			}
			if !strings.Contains(d.Content, tt.content) {
				t.Errorf("content %q, want it to contain %q", d.Content, tt.content)
			}
			if tt.golden != "" {
				compareGolden(t, tt.golden, raw)
			}
		})
	}
}

func TestCommandStepShowsTheStep(t *testing.T) {
	f := newFixture(t, nil)
	r, _ := f.ok(f.command(enUser, ptr("I forgot my password")))
	d := checkLimits(t, r)
	a := f.eng.Ask(context.Background(), core.Request{Text: "I forgot my password"})
	desc := d.Embeds[0].Description
	if !strings.Contains(desc, "**"+escape(a.StepTitle)+"**") {
		t.Errorf("description lacks the step title %q in bold:\n%s", a.StepTitle, desc)
	}
	for i, s := range a.Steps {
		if want := strings.Repeat("", 0) + itoa(i+1) + ". " + escape(s); !strings.Contains(desc, want) {
			t.Errorf("description lacks numbered sub-step %q:\n%s", want, desc)
		}
	}
	if d.Embeds[0].Footer == nil || !strings.Contains(d.Embeds[0].Footer.Text, a.Progress) {
		t.Errorf("footer %+v, want the progress %q", d.Embeds[0].Footer, a.Progress)
	}
	styles := map[string]discordgo.ButtonStyle{}
	for _, b := range buttons(d) {
		styles[b.Label] = b.Style
	}
	if styles["✅ That fixed it"] != discordgo.SuccessButton || styles["🙋 Talk to a person"] != discordgo.DangerButton {
		t.Errorf("button styles %v: want fixed green, person red", styles)
	}
}

func itoa(i int) string { return string(rune('0' + i)) }

// The whole walkthrough through clicks only: command, "didn't work" until
// a step is left, back, then "that fixed it".
func TestWalkthroughToResolved(t *testing.T) {
	f := newFixture(t, nil)
	r, _ := f.ok(f.command(jaUser, ptr("パスワードを忘れた")))
	d := checkLimits(t, r)
	first := d.Embeds[0].Footer.Text
	msg := echo(t, r.Data, true)

	r, _ = f.ok(f.click(jaUser, button(t, d, "だめだった"), msg))
	if r.Type != int(discordgo.InteractionResponseUpdateMessage) {
		t.Fatalf("click answered type %d, want 7 (update message)", r.Type)
	}
	d = checkLimits(t, r)
	if d.Embeds[0].Footer.Text == first {
		t.Errorf("after \"didn't work\" still at %q", first)
	}
	msg = echo(t, r.Data, true)

	r, _ = f.ok(f.click(jaUser, button(t, d, "戻る"), msg))
	d = checkLimits(t, r)
	if d.Embeds[0].Footer.Text != first {
		t.Errorf("back went to %q, want %q", d.Embeds[0].Footer.Text, first)
	}
	msg = echo(t, r.Data, true)

	r, raw := f.ok(f.click(jaUser, button(t, d, "解決した"), msg))
	if r.Type != int(discordgo.InteractionResponseUpdateMessage) {
		t.Fatalf("type %d, want 7", r.Type)
	}
	d = checkLimits(t, r)
	if len(d.Components) != 0 {
		t.Errorf("resolved message keeps %d action rows; want none", len(d.Components))
	}
	if !strings.Contains(string(raw), `"components":[]`) {
		t.Errorf("components must be sent as [] to remove the buttons: %s", raw)
	}
	if d.Embeds[0].Title != "解決してよかったです!" {
		t.Errorf("title %q", d.Embeds[0].Title)
	}
	compareGolden(t, "resolved", raw)

	outs, _ := f.store.Outcomes(context.Background(), time.Time{})
	var resolved int
	for _, o := range outs {
		if o.Kind == core.OutcomeResolved && o.Platform == Platform {
			resolved++
		}
	}
	if resolved != 1 {
		t.Errorf("%d resolved outcomes recorded, want 1: %+v", resolved, outs)
	}
}

// Menu, topic, then "didn't work" until the walkthrough hands off.
func TestWalkthroughToHandoff(t *testing.T) {
	f := newFixture(t, nil)
	r, _ := f.ok(f.command(enUser, nil))
	d := checkLimits(t, r)
	title := f.eng.Topics()[0].Title["en"]
	r, _ = f.ok(f.click(enUser, button(t, d, title), echo(t, r.Data, true)))
	d = checkLimits(t, r)
	if d.Embeds[0].Title != title {
		t.Fatalf("topic button led to %q, want %q", d.Embeds[0].Title, title)
	}
	var raw []byte
	for i := 0; ; i++ {
		if i > 30 {
			t.Fatal("no hand-off after 30 clicks")
		}
		// "Didn't work" while there is one; a step with choices instead
		// has "talk to a person".
		id := findButton(d, "Didn't work")
		if id == "" {
			id = button(t, d, "Talk to a person")
		}
		r, raw = f.ok(f.click(enUser, id, echo(t, r.Data, true)))
		d = checkLimits(t, r)
		if len(d.Components) == 0 {
			break
		}
	}
	if d.Embeds[0].Title != "Let's get you to a person" {
		t.Fatalf("walkthrough ended with %q, want the hand-off", d.Embeds[0].Title)
	}
	if !strings.Contains(d.Embeds[0].Description, "K-1") {
		t.Errorf("hand-off answer lacks its reference:\n%s", d.Embeds[0].Description)
	}
	compareGolden(t, "handoff", raw)
	hs, _ := f.store.ListHandoffs(context.Background(), 0)
	if len(hs) != 1 || hs[0].Requester != testUser || hs[0].Platform != Platform || hs[0].Channel != testChannel {
		t.Fatalf("stored hand-offs %+v, want one from %s in %s", hs, testUser, testChannel)
	}
}

func TestStartOver(t *testing.T) {
	f := newFixture(t, nil)
	r, _ := f.ok(f.command(jaUser, ptr("パスワードを忘れた")))
	d := checkLimits(t, r)
	next := button(t, d, "だめだった")
	msg := echo(t, r.Data, true)

	// The playbook is edited and reloaded: the old buttons are stale.
	src, err := os.ReadFile("../../core/playbooks/amazon-signin.yaml")
	if err != nil {
		t.Fatal(err)
	}
	// Parse: the playbook alone, without its phrasing files, will do.
	edited, err := core.Parse("amazon-signin.yaml", append(src, "\n# edited\n"...))
	if err != nil {
		t.Fatal(err)
	}
	f.eng.SetKB(core.NewKB(edited))

	tests := []struct {
		name, customID, golden string
		w                      who
		title                  string
	}{
		{"stale token", next, "start-over", jaUser, "この手順は更新されました"},
		{"forged token", "k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "", enUser, "This walkthrough has changed"},
		{"not ours at all", "hello", "", enUser, "This walkthrough has changed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, raw := f.ok(f.click(tt.w, tt.customID, msg))
			if r.Type != int(discordgo.InteractionResponseUpdateMessage) {
				t.Fatalf("type %d, want 7", r.Type)
			}
			d := checkLimits(t, r)
			if d.Embeds[0].Title != tt.title {
				t.Errorf("title %q, want %q", d.Embeds[0].Title, tt.title)
			}
			if len(buttons(d)) < 2 {
				t.Errorf("start over offers %d buttons, want the menu", len(buttons(d)))
			}
			if tt.golden != "" {
				compareGolden(t, tt.golden, raw)
			}
		})
	}
}

func TestAutocomplete(t *testing.T) {
	f := newFixture(t, nil)
	tests := []struct {
		name, golden string
		w            who
		typed        string
		first        string // topic id of the first choice ("" to skip)
		lang         string
		all          bool
	}{
		{"nothing typed lists every topic", "autocomplete", jaUser, "", "", "ja", true},
		{"English word", "", enUser, "passw", "", "en", false},
		{"title prefix in English", "", jaUser, "Forgot your", "forgot-password", "en", false},
		{"Japanese", "", enUser, "パスワードを忘れ", "forgot-password", "ja", false},
		{"verification code", "", enUser, "verification code", "verification-code", "en", false},
		{"a word of a title, half typed", "", enUser, "verif", "verification-code", "en", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r, raw := f.ok(f.autocomplete(tt.w, tt.typed))
			if r.Type != int(discordgo.InteractionApplicationCommandAutocompleteResult) {
				t.Fatalf("type %d, want 8", r.Type)
			}
			d := checkLimits(t, r)
			if len(d.Choices) == 0 {
				t.Fatal("no choices")
			}
			if tt.all && len(d.Choices) != min(len(f.eng.Topics()), maxChoices) {
				t.Errorf("%d choices, want every topic", len(d.Choices))
			}
			byTitle := map[string]*core.Topic{}
			for _, tp := range f.eng.Topics() {
				byTitle[tp.Title[tt.lang]] = tp
			}
			for _, c := range d.Choices {
				if byTitle[c.Name] == nil {
					t.Errorf("choice %q is not a topic title in %s", c.Name, tt.lang)
				}
			}
			if tt.first != "" && byTitle[d.Choices[0].Name].ID != tt.first {
				t.Errorf("first choice %q, want topic %s", d.Choices[0].Name, tt.first)
			}
			if tt.golden != "" {
				compareGolden(t, tt.golden, raw)
			}
		})
	}
}

// A suggestion's value is submitted as the symptom: it must lead to the
// topic it names.
func TestSuggestionsDiagnoseToTheirTopic(t *testing.T) {
	f := newFixture(t, nil)
	for _, locale := range []string{"ja", "en-US"} {
		for _, c := range f.h.Suggest("", locale) {
			a := f.eng.Ask(context.Background(), core.Request{Text: c.Value.(string), Locale: locale})
			if a.Kind != core.KindStep || a.Title != c.Name {
				t.Errorf("submitting %q gives %v %q, want that topic's first step", c.Value, a.Kind, a.Title)
			}
		}
	}
}

func TestEscape(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"**bold** _it_ ~~s~~ `c` ||spoiler||", `\*\*bold\*\* \_it\_ \~\~s\~\~ \` + "`c\\`" + ` \|\|spoiler\|\|`},
		{"# not a heading\n> not a quote\n- not a list\n1. not a list", "\\# not a heading\n\\> not a quote\n\\- not a list\n1\\. not a list"},
		{"[link](https://x) <@123> @everyone", `\[link\](https://x) \<\@123> \@everyone`},
		{"パスワードは「大文字」と小文字を区別します。", "パスワードは「大文字」と小文字を区別します。"},
		{"a\\b", `a\\b`},
		{"2024. year in text", "2024\\. year in text"},
	}
	for _, tt := range tests {
		if got := escape(tt.in); got != tt.want {
			t.Errorf("escape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestLimitsOnHugeAnswers(t *testing.T) {
	var bs []core.Button
	for i := range 30 {
		bs = append(bs, core.Button{ID: "k1.b" + itoa(i%10) + strings.Repeat("x", i), Label: strings.Repeat("L", 120)})
	}
	bs = append(bs, core.Button{ID: "k1." + strings.Repeat("y", 200), Label: "too long an id"})
	bs = append(bs, core.Button{ID: "k1.person", Label: "🙋 Talk to a person", Style: core.StyleDanger})
	a := core.Answer{
		Title: strings.Repeat("T", 400), Summary: strings.Repeat("s", 3000), Text: strings.Repeat("x", 3000),
		Notice: strings.Repeat("!", 2500), Steps: []string{strings.Repeat("d", 2000)}, Progress: "Step 1 of 1",
		Footer: strings.Repeat("f", 3000), Buttons: bs,
	}
	raw, err := json.Marshal(discordgo.InteractionResponse{Type: 4, Data: Message(a)})
	if err != nil {
		t.Fatal(err)
	}
	var r response
	json.Unmarshal(raw, &r)
	d := checkLimits(t, r)
	bb := buttons(d)
	if len(bb) != 25 {
		t.Errorf("%d buttons, want 25 (the limit)", len(bb))
	}
	if bb[len(bb)-1].CustomID != "k1.person" {
		t.Errorf("last button %q, want talk to a person kept", bb[len(bb)-1].CustomID)
	}
	if !strings.HasSuffix(d.Embeds[0].Title, "…") {
		t.Errorf("a cut title should end with …")
	}
}
