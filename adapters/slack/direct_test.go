package slack

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/kaiketsu/kaiketsu/core"
)

// TestDirectMatchesRender: the reply written in one pass from the answer
// is byte for byte the reply Render and the encoder give, as a command's
// reply and as a response_url message, for every kind of answer the
// engine gives (all of which take the one pass) and for generated answers
// with awkward text, texts at and over the limits and many buttons (which
// take the one pass when they fit, Render when not).
func TestDirectMatchesRender(t *testing.T) {
	check := func(t *testing.T, name string, a core.Answer) bool {
		t.Helper()
		for _, r := range []answerReply{
			{a: a, iter: "it0"},
			{a: a, iter: "x<&>\"", replace: true},
			{a: a, iter: "0a1b2c3d", threadTS: "1700000000.000100"},
		} {
			want, err := r.reply().appendJSON(nil)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.appendJSON(nil)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s reply (%v):\n got %s\nwant %s", name, err, got, want)
			}
			want, _ = r.reply().appendWebhookJSON(nil)
			got, err = r.appendWebhookJSON(nil)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s webhook (%v):\n got %s\nwant %s", name, err, got, want)
			}
		}
		return direct(&a)
	}
	for name, a := range answers(t) {
		if !check(t, name, a) {
			t.Errorf("%s: an answer from the shipped playbooks does not take the one pass", name)
		}
	}

	pieces := []string{"", " ", "\n", "\n\n", "a", "Reset it", "&<>", "a & b <c>", "日本語のテキスト", "\xff\xfe",
		"\u2028\u2029", "quote \" back\\slash \t\x01", "\n\nline one\n\nline two\n\n", "  padded  ", "* _ ~ `",
		strings.Repeat("x", 2990), strings.Repeat("字", 3001), strings.Repeat("&", 700), strings.Repeat("ab\n", 1100),
		strings.Repeat("y", 150), strings.Repeat("é", 151), strings.Repeat("z", 200), strings.Repeat("w", 201)}
	rnd := rand.New(rand.NewPCG(6, 6))
	pick := func() string {
		if rnd.IntN(3) == 0 {
			return ""
		}
		s := pieces[rnd.IntN(len(pieces))]
		if rnd.IntN(4) == 0 {
			s += pieces[rnd.IntN(len(pieces))]
		}
		return s
	}
	kinds := []core.Kind{core.KindStep, core.KindChoose, core.KindResolved, core.KindHandoff, core.KindMenu}
	directs := 0
	for i := range 4000 {
		a := core.Answer{Kind: kinds[rnd.IntN(len(kinds))], Notice: pick(), Title: pick(), Summary: pick(),
			Progress: pick(), StepTitle: pick(), Text: pick(), Footer: pick(), Done: rnd.IntN(5) == 0}
		for range rnd.IntN(4) {
			a.Steps = append(a.Steps, pick())
		}
		nb := rnd.IntN(6)
		if rnd.IntN(10) == 0 {
			nb = 20 + rnd.IntN(15)
		}
		for j := range nb {
			id := "k1.tok" + strings.Repeat("x", j)
			switch rnd.IntN(12) {
			case 0:
				id = ""
			case 1:
				id = strings.Repeat("t", 2001)
			}
			a.Buttons = append(a.Buttons, core.Button{ID: id, Label: pick(), Style: core.Style(rnd.IntN(3))})
		}
		if renderPanics(a) {
			continue
		}
		if check(t, "generated", a) {
			directs++
		}
		if t.Failed() {
			t.Fatalf("answer %d: %#v", i, a)
		}
	}
	t.Logf("%d direct", directs)
	if directs < 1000 {
		t.Errorf("only %d generated answers took the one pass: the test says little about it", directs)
	}
}

// renderPanics reports whether Render fails on a (a step title with a text
// of spaces only, which the engine never gives).
func renderPanics(a core.Answer) (panicked bool) {
	defer func() { panicked = recover() != nil }()
	Render(a, "it0")
	return false
}

// BenchmarkSlackReply: a step's answer to the bytes of a command's reply,
// in one pass ("direct") and through Render and the encoder ("render").
func BenchmarkSlackReply(b *testing.B) {
	as := answers(b)
	for _, name := range []string{"step.ja", "menu.en"} {
		r := answerReply{a: as[name], iter: "0a1b2c3d"}
		buf := make([]byte, 0, 8192)
		b.Run(name+"/direct", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf, _ = r.appendJSON(buf[:0])
			}
		})
		b.Run(name+"/render", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				buf, _ = r.reply().appendJSON(buf[:0])
			}
		})
	}
}

// TestAppendStringMatchesJSON: strings are written as encoding/json writes
// them, including the three-byte characters copied without decoding and
// the malformed ones that look like them.
func TestAppendStringMatchesJSON(t *testing.T) {
	for _, s := range []string{"", "plain", "日本語のテキスト", "\u2028\u2029", "a\u2027b\u202ac", "\xe2\x80", "\xe2\x80\xa8x",
		"\xe3\x81", "x\xe3", "\xed\xa0\x80", "\xed\x9f\xbf", "\xe0\x80\x80", "\xe0\xa0\x80", "\xef\xbf\xbf", "\xe1\xc0\x80",
		"\xe1\x80\xc0", "\xf0\x9f\x98\x80", "\xc3\xa9", "\xc0\xaf", "<&>\"\\\x00\x1f\x7f"} {
		want, _ := json.Marshal(s)
		if got := appendString(nil, s); !bytes.Equal(got, want) {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want)
		}
		want, _ = json.Marshal(escape(s))
		if got := append(appendStringBody([]byte{'"'}, s, true), '"'); !bytes.Equal(got, want) {
			t.Errorf("appendStringBody(%q, mrkdwn) = %s, want %s", s, got, want)
		}
	}
}
