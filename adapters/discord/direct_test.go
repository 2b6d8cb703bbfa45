package discord

import (
	"bytes"
	"context"
	"errors"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/core"
)

// engineAnswers is an answer of every kind the engine gives: steps,
// menus, choices, no match, resolved, hand-off, start over, slow down.
func engineAnswers(t *testing.T) map[string]core.Answer {
	t.Helper()
	books, err := core.DefaultPlaybooks()
	if err != nil {
		t.Fatal(err)
	}
	st := memstore.New()
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("direct test key, 16 bytes at least"), Store: st})
	if err != nil {
		t.Fatal(err)
	}
	as := map[string]core.Answer{}
	ctx := context.Background()
	for _, text := range []string{"パスワードを忘れた", "I forgot my password", "help", "", "my password is hunter2 <&>",
		"I can't sign in", "zzz qqq", "確認コードが届かない", "the captcha keeps failing", "amazon says my account is locked"} {
		a := eng.Ask(ctx, core.Request{Platform: Platform, UserID: "1", Text: text})
		as["ask "+text] = a
		// Every button of the first answer, then on down the second button.
		for _, b := range a.Buttons {
			if p, err := eng.Press(ctx, core.Request{Platform: Platform, UserID: "1", Token: b.ID}); err == nil {
				as["press "+text+" "+b.Label] = p
			}
		}
		for i := 0; i < 10 && len(a.Buttons) > 0 && !a.Done; i++ {
			if a, err = eng.Press(ctx, core.Request{Platform: Platform, UserID: "1", Token: a.Buttons[min(1, len(a.Buttons)-1)].ID}); err != nil {
				break
			}
			as["press "+text+" "+string(rune('0'+i))] = a
		}
	}
	_, err = eng.Press(ctx, core.Request{Platform: Platform, UserID: "1", Token: "k1.forged"})
	as["start over"] = eng.StartOver(core.Request{Platform: Platform, UserID: "1"}, err)
	as["start over, other error"] = eng.StartOver(core.Request{Platform: Platform, UserID: "1", Locale: "ja"}, errors.New("x"))
	limit, err := core.NewLimiter(1, time.Hour, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	slow, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("direct test key, 16 bytes at least"), Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	for _, text := range []string{"help", "パスワードを忘れた"} {
		as["slow down "+text] = slow.Ask(ctx, core.Request{Platform: Platform, UserID: "1", Text: text})
	}
	kinds := map[core.Kind]bool{}
	for _, a := range as {
		kinds[a.Kind] = true
	}
	for _, k := range []core.Kind{core.KindStep, core.KindChoose, core.KindResolved, core.KindHandoff, core.KindMenu, core.KindSlowDown} {
		if !kinds[k] {
			t.Errorf("no answer of kind %v among the engine's", k)
		}
	}
	return as
}

// TestDirectMatchesMessage: the response written in one pass from the
// answer is byte for byte what Message and appendResponse give, as a
// command's reply (type 4, ephemeral) and a click's update (type 7), for
// every kind of answer the engine gives (all of which take the one pass)
// and for generated answers with awkward text, texts at and over
// Discord's limits and many buttons (which take the one pass when they
// fit, Message when not).
func TestDirectMatchesMessage(t *testing.T) {
	check := func(name string, a core.Answer) bool {
		t.Helper()
		direct := true
		for _, r := range []reply{
			answerReply(discordgo.InteractionResponseChannelMessageWithSource, discordgo.MessageFlagsEphemeral, a),
			answerReply(discordgo.InteractionResponseUpdateMessage, 0, a),
		} {
			want, ok := appendResponse(nil, r.response())
			if !ok {
				t.Fatalf("%s: Message's response is not written directly", name)
			}
			got, ok := r.appendJSON([]byte("prefix"))
			if !ok || !bytes.Equal(got, append([]byte("prefix"), want...)) {
				t.Fatalf("%s, type %d:\n got %s\nwant prefix%s", name, r.typ, got, want)
			}
			_, one := appendAnswer(nil, &r)
			direct = direct && one
		}
		return direct
	}
	for name, a := range engineAnswers(t) {
		if !check(name, a) {
			t.Errorf("%s: an answer from the shipped playbooks does not take the one pass", name)
		}
	}

	pieces := []string{"", " ", "\n", "\n\n", " \n ", "a", "Reset it", "&<>", "a & b <c>", "日本語のテキスト", "\xff\xfe",
		"\xe3\x81", "\x81", "\u2028\u2029", "\u00a0", "\u0085", "\u3000", "quote \" back\\slash \t\x01\x7f",
		"1. two\n# three\n> four\n  - five\n10) six", "* _ ~ ` | [x] <@1> @here", "  # x", "-", "12", "3.", "\n 7) y ",
		"·", strings.Repeat("x", 80), strings.Repeat("é", 81), strings.Repeat("*", 1000), strings.Repeat("字", 2000),
		strings.Repeat("y", 256), strings.Repeat("z", 257), strings.Repeat("w", 2047), strings.Repeat("v", 4095)}
	rnd := rand.New(rand.NewPCG(7, 7))
	pick := func() string {
		if rnd.IntN(3) == 0 {
			return ""
		}
		s := pieces[rnd.IntN(len(pieces))]
		for rnd.IntN(3) == 0 {
			s += pieces[rnd.IntN(len(pieces))]
		}
		return s
	}
	kinds := []core.Kind{core.KindStep, core.KindChoose, core.KindResolved, core.KindHandoff, core.KindMenu, core.Kind(0), core.Kind(9)}
	directs := 0
	const n = 6000
	for range n {
		a := core.Answer{Kind: kinds[rnd.IntN(len(kinds))], Notice: pick(), Title: pick(), Summary: pick(),
			Progress: pick(), StepTitle: pick(), Text: pick(), Footer: pick(), Done: rnd.IntN(5) == 0}
		for range rnd.IntN(5) {
			a.Steps = append(a.Steps, pick())
		}
		nb := rnd.IntN(7)
		if rnd.IntN(8) == 0 {
			nb = 20 + rnd.IntN(15)
		}
		for j := range nb {
			id := "k1.<&>" + strings.Repeat("t", j)
			switch rnd.IntN(10) {
			case 0:
				id = ""
			case 1:
				id = strings.Repeat("k", 100+rnd.IntN(2))
			}
			a.Buttons = append(a.Buttons, core.Button{ID: id, Label: pick(), Style: core.Style(rnd.IntN(4))})
		}
		if check("generated", a) {
			directs++
		}
	}
	// Descriptions of exactly the most Discord takes, one less and one
	// more, with the room left by a title and a footer deciding or not.
	for range 300 {
		short := func() string { return pieces[rnd.IntN(12)] + pieces[rnd.IntN(12)] }
		a := core.Answer{Kind: core.KindStep, Title: short(), StepTitle: short(), Text: short(), Progress: short(), Footer: short()}
		for range rnd.IntN(4) {
			a.Steps = append(a.Steps, short())
		}
		switch rnd.IntN(3) {
		case 0:
			a.Title, a.Progress, a.Footer = strings.Repeat("y", 256), strings.Repeat("w", 2000), strings.Repeat("v", 45)
		case 1:
			a.Title, a.Progress, a.Footer = strings.Repeat("題", 256), strings.Repeat("進", 2000), strings.Repeat("é", 45)
		}
		pad := []string{"v", "字"}[rnd.IntN(2)]
		a.Summary = pad
		e := embed(a)
		if e.Footer == nil {
			e.Footer = &discordgo.MessageEmbedFooter{}
		}
		limit := min(maxEmbedDesc, maxEmbedTotal-utf8.RuneCountInString(e.Title)-utf8.RuneCountInString(e.Footer.Text))
		fixed := utf8.RuneCountInString(e.Description) - 1
		if fixed >= limit {
			continue
		}
		for _, k := range []int{limit - fixed - 1, limit - fixed, limit - fixed + 1} {
			a.Summary = strings.Repeat(pad, k)
			if one := check("at the limit", a); one != (k <= limit-fixed) {
				t.Errorf("description of %d characters (most %d) written in one pass: %v", fixed+k, limit, one)
			}
		}
	}
	// Up to 30 usable buttons with short labels: past 25, Message keeps
	// the first 24 and the last.
	for nb := range 31 {
		a := core.Answer{Kind: core.KindMenu, Title: "t"}
		for j := range nb + nb/3 {
			id := "k1." + strings.Repeat("t", j)
			if j%4 == 3 {
				id = ""
			}
			a.Buttons = append(a.Buttons, core.Button{ID: id, Label: pieces[rnd.IntN(12)], Style: core.Style(j % 3)})
		}
		if !check("buttons", a) {
			t.Errorf("%d buttons: not written in one pass", len(a.Buttons))
		}
	}
	t.Logf("%d of %d generated answers written in one pass", directs, n)
	if directs < n/4 || directs == n {
		t.Errorf("%d of %d generated answers written in one pass: the generator tests too little of one path", directs, n)
	}
}

// TestNeedsEscape: escape leaves a text as it is exactly when it has
// nothing to escape.
func TestNeedsEscape(t *testing.T) {
	const alphabet = "ab \n\t#>-+0123456789.)*_~`|[]<@\\字"
	rs := []rune(alphabet)
	rnd := rand.New(rand.NewPCG(8, 8))
	for range 50000 {
		var b strings.Builder
		for range rnd.IntN(8) {
			b.WriteRune(rs[rnd.IntN(len(rs))])
		}
		s := b.String()
		if got, want := needsEscape(s), escapeMarkdown(s) != s; got != want {
			t.Fatalf("needsEscape(%q) = %v, want %v", s, got, want)
		}
	}
}

// BenchmarkDiscordAnswer: an answer to the bytes of the response, in one
// pass ("direct") and through Message and appendResponse ("message").
func BenchmarkDiscordAnswer(b *testing.B) {
	books, _ := core.DefaultPlaybooks()
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("direct bench key, 16 bytes at least"), Store: memstore.New()})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, text string }{{"step-ja", "パスワードを忘れた"}, {"step-en", "I forgot my password"}, {"menu-en", "help"}} {
		r := answerReply(4, discordgo.MessageFlagsEphemeral, eng.Ask(context.Background(), core.Request{Platform: Platform, Text: tc.text}))
		buf := make([]byte, 0, 8192)
		b.Run(tc.name+"/direct", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf, _ = r.appendJSON(buf[:0])
			}
		})
		b.Run(tc.name+"/message", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf, _ = appendResponse(buf[:0], r.response())
			}
		})
	}
}
