package core

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"
)

// Fuzz targets: every input gets an answer or an error, never a panic.
// Run one with `go test ./core -run '^$' -fuzz '^FuzzDiagnose$' -fuzztime 10s`;
// .ci/fuzz.sh runs them all for a short time.

var fuzzKey = []byte("fuzz key, 32 bytes, not a secret")

func fuzzEngine(f *testing.F) *Engine {
	f.Helper()
	eng, err := NewEngine(mustDefaultKB(f), Options{Key: fuzzKey})
	if err != nil {
		f.Fatal(err)
	}
	return eng
}

// seedTexts adds the evaluation set's phrasings to a text fuzz corpus.
func seedTexts(f *testing.F) {
	for _, c := range loadEval(f, "playbooks/phrasings/amazon-signin/diagnosis.tsv") {
		f.Add(c.text)
	}
	for _, s := range []string{"", " ", "help", "ヘルプ", "my password is Hunter2!x", "コードは 123456", "123 456",
		"ｐａｓｓｗｏｒｄ", "ﾊﾟｽﾜｰﾄﾞ", "\x00\xff\xfe", "a\u0301\u0301\u0301", strings.Repeat("パスワード", 2000)} {
		f.Add(s)
	}
}

// FuzzPress feeds arbitrary button ids to the engine, seeded with tokens
// from the menu and from steps deep in walkthroughs. Each is followed, with
// a titled answer whose buttons are valid ids, or refused with a
// *TokenError that StartOver answers.
func FuzzPress(f *testing.F) {
	eng := fuzzEngine(f)
	ctx := context.Background()
	for _, text := range []string{"パスワードを忘れた", "I forgot my password", "help", "amazon says my account is locked"} {
		a := eng.Ask(ctx, Request{Platform: "slack", UserID: "U1", Text: text})
		for _, b := range a.Buttons {
			f.Add(b.ID)
			if n, err := eng.Press(ctx, Request{Platform: "slack", UserID: "U1", Token: b.ID}); err == nil {
				for _, nb := range n.Buttons {
					f.Add(nb.ID)
				}
			}
		}
	}
	f.Add("")
	f.Add("k1.")
	f.Add("k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAA")
	f.Add("approve_handoff:42")
	f.Fuzz(func(t *testing.T, tok string) {
		a, err := eng.Press(ctx, Request{Platform: "discord", UserID: "1", Token: tok})
		if err != nil {
			var te *TokenError
			if !errors.As(err, &te) || !(errors.Is(err, ErrBadToken) || errors.Is(err, ErrStaleToken)) {
				t.Fatalf("Press(%q) error %v is not a TokenError", tok, err)
			}
			if so := eng.StartOver(Request{Platform: "discord"}, err); so.Kind != KindStartOver || so.Title == "" {
				t.Fatalf("StartOver = %+v", so)
			}
			return
		}
		if a.Title == "" {
			t.Fatalf("Press(%q) = an answer without a title: %+v", tok, a)
		}
		for _, b := range a.Buttons {
			if len(b.ID) > MaxTokenLen || !strings.HasPrefix(b.ID, TokenPrefix) {
				t.Fatalf("answer to %q has button id %q", tok, b.ID)
			}
		}
	})
}

// FuzzTokenRoundTrip: whatever decodes, encodes back to a token that
// decodes to the same state.
func FuzzTokenRoundTrip(f *testing.F) {
	s := newSealer(fuzzKey)
	f.Add(s.encode(State{Action: ActNext, Arg: 0, Fingerprint: 7, Walk: 9, Path: []int{1, 2, 3}}))
	f.Add(s.encode(State{Action: ActTopic, Arg: 5, Lang: 1}))
	f.Add("k1.not-base64!")
	f.Fuzz(func(t *testing.T, tok string) {
		st, err := s.decode(tok)
		if err != nil {
			if !errors.Is(err, ErrBadToken) {
				t.Fatalf("decode(%q) = %v, want ErrBadToken", tok, err)
			}
			return
		}
		again := s.encode(st)
		if len(again) > MaxTokenLen {
			t.Fatalf("re-encoded token is %d chars", len(again))
		}
		st2, err := s.decode(again)
		if err != nil {
			t.Fatalf("re-encoded %q does not decode: %v", again, err)
		}
		if st2.Action != st.Action || st2.Arg != st.Arg || st2.Lang != st.Lang || st2.Walk != st.Walk || st2.Fingerprint != st.Fingerprint {
			t.Fatalf("round trip %+v -> %+v", st, st2)
		}
	})
}

// FuzzParse loads arbitrary playbook files: each is a playbook or located
// errors naming the file, and a playbook that loads can be indexed and
// diagnosed against.
func FuzzParse(f *testing.F) {
	for _, pattern := range []string{"playbooks/*.yaml", "testdata/good/*.yaml", "testdata/bad/*.yaml"} {
		files, _ := filepath.Glob(pattern)
		for _, name := range files {
			b, err := os.ReadFile(name)
			if err != nil {
				f.Fatal(err)
			}
			f.Add(b)
		}
	}
	f.Add([]byte("id: x\n"))
	f.Add([]byte("- [\n"))
	f.Add([]byte("&a [*a]"))
	f.Fuzz(func(t *testing.T, src []byte) {
		p, err := Parse("fuzz.yaml", src)
		if err != nil {
			if p != nil {
				t.Fatal("Parse returned both a playbook and an error")
			}
			for _, line := range strings.Split(err.Error(), "\n") {
				if !strings.HasPrefix(line, "fuzz.yaml") {
					t.Fatalf("error line %q does not name the file", line)
				}
			}
			return
		}
		if p == nil || len(p.Topics) == 0 {
			t.Fatalf("Parse returned no playbook and no error")
		}
		kb := NewKB(p)
		for _, t0 := range p.Topics {
			for _, ex := range t0.Examples {
				for _, e := range ex {
					kb.Diagnose(e)
				}
			}
		}
		eng, err := NewEngine(kb, Options{Key: fuzzKey})
		if err != nil {
			t.Fatal(err)
		}
		a := eng.Ask(context.Background(), Request{Text: "help"})
		for _, b := range a.Buttons {
			if _, err := eng.Press(context.Background(), Request{Token: b.ID}); err != nil {
				t.Fatalf("a menu button of a loaded playbook fails: %v", err)
			}
		}
	})
}

// FuzzNormalize: the folded form is valid UTF-8, single-spaced, trimmed,
// and folding it again changes nothing.
func FuzzNormalize(f *testing.F) {
	seedTexts(f)
	f.Fuzz(func(t *testing.T, s string) {
		n := Normalize(s)
		if !utf8.ValidString(n) {
			t.Fatalf("Normalize(%q) = %q: not UTF-8", s, n)
		}
		if strings.Contains(n, "  ") || strings.TrimSpace(n) != n {
			t.Fatalf("Normalize(%q) = %q: stray spaces", s, n)
		}
		if again := Normalize(n); again != n {
			t.Fatalf("Normalize is not idempotent: %q -> %q -> %q", s, n, again)
		}
		DetectLang(s)
	})
}

// FuzzDiagnose: at most three matches, best first, scores in (0, 1]; the
// engine answers every text.
func FuzzDiagnose(f *testing.F) {
	seedTexts(f)
	eng := fuzzEngine(f)
	f.Fuzz(func(t *testing.T, s string) {
		ms := eng.KB().Diagnose(s)
		if len(ms) > maxMatches {
			t.Fatalf("%d matches", len(ms))
		}
		for i, m := range ms {
			if m.Score <= 0 || m.Score > 1 || (i > 0 && m.Score > ms[i-1].Score) {
				t.Fatalf("Diagnose(%q) scores out of order or range: %v", s, ms)
			}
		}
		a := eng.Ask(context.Background(), Request{Platform: "slack", UserID: "U1", Text: s})
		if a.Title == "" || len(a.Buttons) == 0 {
			t.Fatalf("Ask(%q) = %+v: no title or no way forward", s, a)
		}
	})
}

// FuzzScrub: whatever looks secret is redacted, and redaction never
// invents text: the result has no more digits than the input.
func FuzzScrub(f *testing.F) {
	seedTexts(f)
	f.Fuzz(func(t *testing.T, s string) {
		out := Scrub(s)
		if LooksSecret(s) && !strings.Contains(out, "[redacted]") {
			t.Fatalf("LooksSecret(%q) but Scrub = %q", s, out)
		}
		if utf8.ValidString(s) && !utf8.ValidString(out) {
			t.Fatalf("Scrub(%q) = %q: not UTF-8", s, out)
		}
		// Scrub folds full-width digits first, and "½" to "1⁄2" (norm.NFKC
		// leaves a character after a byte that is not UTF-8 unnormalized;
		// nfkc does not, found by the fuzzer).
		if digits(out) > digits(nfkc(s)) {
			t.Fatalf("Scrub(%q) = %q: more digits than the input", s, out)
		}
	})
}

func digits(s string) int {
	n := 0
	for _, r := range s {
		if r >= '0' && r <= '9' {
			n++
		}
	}
	return n
}
