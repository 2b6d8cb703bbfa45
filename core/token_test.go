package core

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

var testKey = []byte("0123456789abcdef0123456789abcdef")

func goodPlaybook(t testing.TB, edit func(string) string) *Playbook {
	t.Helper()
	src, err := os.ReadFile("testdata/good/office-network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	s := string(src)
	if edit != nil {
		s = edit(s)
	}
	p, err := Parse("office-network.yaml", []byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func tokenEngine(t testing.TB, kb *KB) *Engine {
	t.Helper()
	e, err := NewEngine(kb, Options{Key: testKey, DefaultLang: "en"})
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

func TestTokenRoundTrip(t *testing.T) {
	s := newSealer(testKey)
	states := []State{
		{Action: ActRestart, Fingerprint: 1, Walk: 2},
		{Action: ActTopic, Arg: 6, Lang: 1, Fingerprint: 0xdeadbeef, Walk: 0xffffffff},
		{Action: ActNext, Fingerprint: 42, Walk: 7, Path: []int{0, 3, 17, 300, 1 << 20}},
		{Action: ActChoice, Arg: 3, Fingerprint: 42, Walk: 7, Path: []int{5}},
		{Action: ActBack, Path: []int{1, 2}},
		{Action: ActResolved, Path: []int{9}},
		{Action: ActHuman},
	}
	for _, st := range states {
		tok := s.encode(st)
		if !strings.HasPrefix(tok, TokenPrefix) || len(tok) > MaxTokenLen || !isASCII(tok) {
			t.Errorf("token %q: want %s..., at most %d printable ASCII characters", tok, TokenPrefix, MaxTokenLen)
		}
		got, err := s.decode(tok)
		if err != nil {
			t.Errorf("decode(encode(%+v)): %v", st, err)
			continue
		}
		if got.Action != st.Action || got.Arg != st.Arg || got.Lang != st.Lang || got.Fingerprint != st.Fingerprint ||
			got.Walk != st.Walk || !slices.Equal(got.Path, st.Path) {
			t.Errorf("round trip: got %+v, want %+v", got, st)
		}
	}
}

// TestTokenLongPathFits: however long the path, the token fits Discord's
// custom_id; the oldest steps are dropped, the current one never.
func TestTokenLongPathFits(t *testing.T) {
	s := newSealer(testKey)
	for _, n := range []int{1, 10, 30, 100, 1000} {
		path := make([]int, n)
		for i := range path {
			path[i] = 100000 + i // three-byte varints, the worst case here
		}
		tok := s.encode(State{Action: ActBack, Arg: 1 << 20, Lang: 255, Fingerprint: ^uint32(0), Walk: ^uint32(0), Path: path})
		if len(tok) > MaxTokenLen || !isASCII(tok) {
			t.Errorf("path of %d: token of %d characters", n, len(tok))
		}
		got, err := s.decode(tok)
		if err != nil {
			t.Fatalf("path of %d: %v", n, err)
		}
		if len(got.Path) == 0 || !slices.Equal(got.Path, path[len(path)-len(got.Path):]) {
			t.Errorf("path of %d: decoded %v, want a suffix of the path ending with the current step", n, got.Path)
		}
	}
}

// TestEngineLongWalkButtonsFit walks a path longer than a token can hold:
// every button still fits, and Back still goes to the previous step.
func TestEngineLongWalkButtonsFit(t *testing.T) {
	kb := mustDefaultKB(t)
	e := tokenEngine(t, kb)
	p := kb.Playbook("amazon-signin")
	var path []int
	for i := 0; i < 200; i++ {
		path = append(path, i%len(p.steps))
	}
	w := walkState{p: p, lang: "ja", walk: 1, path: path}
	a := e.step(w)
	for _, b := range a.Buttons {
		if len(b.ID) > MaxTokenLen {
			t.Errorf("button %q: id of %d characters", b.Label, len(b.ID))
		}
	}
	back := findButton(t, a, msg(msgBack, "ja"))
	got, err := e.Press(context.Background(), Request{Token: back.ID})
	if err != nil {
		t.Fatal(err)
	}
	prev := p.steps[path[len(path)-2]]
	if got.Kind != KindStep || got.Topic != prev.topic.ID || got.Step != prev.pos+1 {
		t.Errorf("back went to %s %s step %d, want %s step %d", got.Kind, got.Topic, got.Step, prev.topic.ID, prev.pos+1)
	}
}

func findButton(t testing.TB, a Answer, label string) Button {
	t.Helper()
	for _, b := range a.Buttons {
		if b.Label == label {
			return b
		}
	}
	var labels []string
	for _, b := range a.Buttons {
		labels = append(labels, b.Label)
	}
	t.Fatalf("no button %q in %q", label, labels)
	return Button{}
}

// validToken is a real button of a walkthrough in progress.
func validToken(t *testing.T, e *Engine) string {
	t.Helper()
	a := e.Ask(context.Background(), Request{Text: "help"})
	a, err := e.Press(context.Background(), Request{Token: a.Buttons[0].ID})
	if err != nil {
		t.Fatal(err)
	}
	return findButton(t, a, msg(msgNext, "en")).ID
}

func wantBad(t *testing.T, e *Engine, tok, what string) {
	t.Helper()
	_, err := e.Press(context.Background(), Request{Token: tok})
	var te *TokenError
	if !errors.Is(err, ErrBadToken) || !errors.As(err, &te) {
		t.Errorf("%s %q: err = %v, want a *TokenError that is ErrBadToken", what, tok, err)
	}
}

func TestTokenTamperEvident(t *testing.T) {
	e := tokenEngine(t, NewKB(goodPlaybook(t, nil)))
	tok := validToken(t, e)
	if _, err := e.Press(context.Background(), Request{Token: tok}); err != nil {
		t.Fatalf("the untouched token fails: %v", err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."
	for i := range tok {
		for _, c := range []byte{alphabet[(strings.IndexByte(alphabet, tok[i])+1)%len(alphabet)], tok[i] ^ 1, '~'} {
			if c == tok[i] {
				continue
			}
			wantBad(t, e, tok[:i]+string(c)+tok[i+1:], "flipped")
		}
	}
	for n := 0; n < len(tok); n++ {
		wantBad(t, e, tok[:n], "truncated")
	}
	for _, tail := range []string{"A", "AA", "AAA", "AAAA", "=", " ", "\n"} {
		wantBad(t, e, tok+tail, "appended")
	}
	other, err := NewEngine(e.KB(), Options{Key: []byte("another key, sixteen bytes or more")})
	if err != nil {
		t.Fatal(err)
	}
	wantBad(t, other, tok, "other key")
}

// TestTokenStale: after the playbook changes, buttons minted for the old
// version are stale (not bad); after a reload of the same text they still
// work.
func TestTokenStale(t *testing.T) {
	e := tokenEngine(t, NewKB(goodPlaybook(t, nil)))
	tok := validToken(t, e)

	e.SetKB(NewKB(goodPlaybook(t, nil)))
	if _, err := e.Press(context.Background(), Request{Token: tok}); err != nil {
		t.Errorf("after reloading an unchanged playbook: %v", err)
	}

	e.SetKB(NewKB(goodPlaybook(t, func(s string) string {
		return strings.Replace(s, "Wait ten seconds", "Wait twenty seconds", 1)
	})))
	_, err := e.Press(context.Background(), Request{Token: tok})
	var te *TokenError
	if !errors.Is(err, ErrStaleToken) || errors.Is(err, ErrBadToken) || !errors.As(err, &te) {
		t.Fatalf("after the playbook changed: err = %v, want a *TokenError that is ErrStaleToken", err)
	}

	a := e.StartOver(Request{Token: tok, Locale: "ja-JP"}, err)
	if a.Kind != KindStartOver || len(a.Buttons) == 0 || a.Title != msg(msgStale, "ja") || a.Lang != "ja" {
		t.Errorf("StartOver = %s %q in %s with %d buttons, want start-over %q in ja with the topics", a.Kind, a.Title, a.Lang, len(a.Buttons), msg(msgStale, "ja"))
	}
	// The start-over buttons belong to the current version and work.
	if _, err := e.Press(context.Background(), Request{Token: a.Buttons[0].ID}); err != nil {
		t.Errorf("start-over button: %v", err)
	}
	bad := e.StartOver(Request{}, &TokenError{Err: ErrBadToken, Detail: "test"})
	if bad.Kind != KindStartOver || bad.Summary != msg(msgBad, "en") || len(bad.Buttons) == 0 {
		t.Errorf("StartOver for a bad token = %s %q with %d buttons", bad.Kind, bad.Summary, len(bad.Buttons))
	}
}

func pressNoPanic(t *testing.T, e *Engine, tok string) {
	t.Helper()
	defer func() {
		if r := recover(); r != nil {
			t.Fatalf("Press(%q) panicked: %v", tok, r)
		}
	}()
	a, err := e.Press(context.Background(), Request{Token: tok})
	var te *TokenError
	if err != nil && !errors.As(err, &te) {
		t.Errorf("Press(%q): %v is not a *TokenError", tok, err)
	}
	if err == nil && a.Kind == KindStep && a.Title == "" {
		t.Errorf("Press(%q): an empty step", tok)
	}
}

// TestTokenGarbageNeverPanics throws random strings and, worse, correctly
// signed tokens with random contents at the engine.
func TestTokenGarbageNeverPanics(t *testing.T) {
	e := tokenEngine(t, mustDefaultKB(t))
	r := rand.New(rand.NewPCG(1, 2))
	const chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_.=+/ \x00\xff"
	for i := 0; i < 3000; i++ {
		b := make([]byte, r.IntN(120))
		for j := range b {
			b[j] = chars[r.IntN(len(chars))]
		}
		tok := string(b)
		if i%2 == 0 {
			tok = TokenPrefix + tok
		}
		pressNoPanic(t, e, tok)
	}
	p := e.KB().Playbook("amazon-signin")
	actions := []Action{ActNext, ActBack, ActResolved, ActHuman, ActRestart, ActTopic, ActChoice, 'x', 0}
	for i := 0; i < 3000; i++ {
		st := State{
			Action:      actions[r.IntN(len(actions))],
			Arg:         r.IntN(12) - 1,
			Lang:        byte(r.IntN(4)),
			Fingerprint: p.Fingerprint,
			Walk:        r.Uint32(),
		}
		if st.Arg < 0 {
			st.Arg = 1 << 20
		}
		for n := r.IntN(5); n > 0; n-- {
			st.Path = append(st.Path, r.IntN(len(p.steps)+3))
		}
		pressNoPanic(t, e, e.seal.encode(st))
		// A signed body of random bytes.
		body := make([]byte, r.IntN(40))
		for j := range body {
			body[j] = byte(r.Uint32())
		}
		pressNoPanic(t, e, TokenPrefix+b64.EncodeToString(append(body, e.seal.mac(body)...)))
	}
}
