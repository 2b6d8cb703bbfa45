package core

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"sync"
	"testing"
	"time"
)

// Benchmarks (go test ./core -run '^$' -bench . -benchmem). Speed is
// measured here, never asserted in tests.

// genKB builds a knowledge base of books*topics generated topics in English
// and Japanese through the real loader, and queries resembling (but not
// copying) their examples. Word frequencies follow a Zipf law, as in real
// text, so that some features are common and most are rare.
func genKB(tb testing.TB, books, topics int) (*KB, []string) {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	const vocab = 20000
	syl := []string{"ka", "to", "ri", "mu", "sen", "pa", "lo", "ve", "dor", "in", "ex", "ul", "ta", "gra", "ph", "er", "on", "is", "qu", "an"}
	en := make([]string, vocab)
	for i := range en {
		var b strings.Builder
		for n := 2 + i%3; n > 0; n-- {
			b.WriteString(syl[r.IntN(len(syl))])
		}
		en[i] = fmt.Sprintf("%s%d", b.String(), i%97)
	}
	kana := []rune("あいうえおかきくけこさしすせそたちつてとなにぬねのはひふへほまみむめもやゆよらりるれろわをん")
	kanji := []rune("設定画面表示接続確認入力変更登録削除送信受信端末電話番号認証失敗成功期限切替再起動無線回線")
	ja := make([]string, vocab/4)
	for i := range ja {
		ja[i] = string([]rune{kanji[r.IntN(len(kanji))], kanji[r.IntN(len(kanji))]}) + string(kana[r.IntN(len(kana))])
	}
	zipf := rand.NewZipf(r, 1.1, 2, vocab-1)
	zipfJA := rand.NewZipf(r, 1.1, 2, uint64(len(ja)-1))
	enPhrase := func(n int) string {
		w := make([]string, n)
		for i := range w {
			w[i] = en[zipf.Uint64()]
		}
		return strings.Join(w, " ")
	}
	jaPhrase := func(n int) string {
		var b strings.Builder
		for range n {
			b.WriteString(ja[zipfJA.Uint64()])
		}
		return b.String()
	}
	q := func(s string) string { return `"` + s + `"` }
	var kbBooks []*Playbook
	var queries []string
	for bi := range books {
		var y strings.Builder
		fmt.Fprintf(&y, "id: gen-%03d\nlanguages: [en, ja]\ntitle: {en: %s, ja: %s}\ncontact: {en: \"Write to help@example.com\", ja: \"help@example.com へ\"}\ntopics:\n",
			bi, q("Generated "+fmt.Sprint(bi)), q("生成 "+fmt.Sprint(bi)))
		for ti := range topics {
			exEN := []string{enPhrase(6), enPhrase(7), enPhrase(8)}
			exJA := []string{jaPhrase(4), jaPhrase(5), jaPhrase(3)}
			fmt.Fprintf(&y, "  - id: t%d\n    title: {en: %s, ja: %s}\n    summary: {en: %s, ja: %s}\n", ti,
				q(fmt.Sprintf("Topic %d.%d", bi, ti)), q(fmt.Sprintf("トピック %d.%d", bi, ti)), q(enPhrase(8)), q(jaPhrase(4)))
			fmt.Fprintf(&y, "    examples:\n      en: [%s, %s, %s]\n      ja: [%s, %s, %s]\n", q(exEN[0]), q(exEN[1]), q(exEN[2]), q(exJA[0]), q(exJA[1]), q(exJA[2]))
			fmt.Fprintf(&y, "    keywords:\n      en: [%s]\n      ja: [%s]\n", q(en[zipf.Uint64()]), q(ja[zipfJA.Uint64()]))
			fmt.Fprintf(&y, "    steps:\n      - id: s1\n        title: {en: \"Try this\", ja: \"これを試す\"}\n        text: {en: %s, ja: %s}\n", q(enPhrase(12)), q(jaPhrase(6)))
			if ti%10 == 0 {
				// A query is an example with one word swapped, in either language.
				words := strings.Fields(exEN[0])
				words[r.IntN(len(words))] = en[zipf.Uint64()]
				queries = append(queries, strings.Join(words, " "), exJA[1]+jaPhrase(1))
			}
		}
		p, err := Parse(fmt.Sprintf("gen-%03d.yaml", bi), []byte(y.String()))
		if err != nil {
			tb.Fatalf("generated playbook: %v", err)
		}
		kbBooks = append(kbBooks, p)
	}
	return NewKB(kbBooks...), queries
}

var (
	bigOnce    sync.Once
	bigKB      *KB
	bigQueries []string
)

func bigKB10k(b *testing.B) (*KB, []string) {
	bigOnce.Do(func() { bigKB, bigQueries = genKB(b, 100, 100) })
	return bigKB, bigQueries
}

func evalTexts(tb testing.TB) []string {
	var out []string
	for _, c := range loadEval(tb, "playbooks/phrasings/amazon-signin/diagnosis.tsv") {
		out = append(out, c.text)
	}
	return out
}

// BenchmarkDiagnoseShipped: one query of the evaluation set against the
// shipped playbook, without the cache of recent texts.
func BenchmarkDiagnoseShipped(b *testing.B) {
	kb := mustDefaultKB(b)
	qs := evalTexts(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		kb.index.diagnose(qs[i%len(qs)]) // uncached: the real work
		i++
	}
}

// BenchmarkDiagnoseLongMessage: the longest messages a request can
// carry (64 KiB), one long sentence beside thousands of short ones that
// fit nothing as a whole and so are looked at sentence by sentence: the
// second must cost about what the first does, not a diagnosis per
// sentence.
func BenchmarkDiagnoseLongMessage(b *testing.B) {
	kb := mustDefaultKB(b)
	for _, bc := range []struct{ name, text string }{
		{"one-sentence", strings.Repeat("password wrong sign in ", 64<<10/23)},
		{"sentences-en", strings.Repeat("hi. ", 64<<10/4)},
		{"sentences-ja", strings.Repeat("ログインできない。", 64<<10/27)},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				kb.index.diagnose(bc.text)
			}
		})
	}
}

// BenchmarkDiagnose10kTopics: one query against 10,000 generated topics
// (100 playbooks of 100, in English and Japanese). Target: under 1 ms.
func BenchmarkDiagnose10kTopics(b *testing.B) {
	kb, qs := bigKB10k(b)
	found := 0
	for _, q := range qs {
		if len(kb.Diagnose(q)) > 0 {
			found++
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	i := 0
	for b.Loop() {
		kb.index.diagnose(qs[i%len(qs)]) // uncached: the real work
		i++
	}
	b.ReportMetric(float64(found)/float64(len(qs)), "matched/query")
}

// BenchmarkDiagnose10kTopicsParallel: the same on every core at once, as a
// busy server runs it.
func BenchmarkDiagnose10kTopicsParallel(b *testing.B) {
	kb, qs := bigKB10k(b)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		i := rand.IntN(len(qs))
		for pb.Next() {
			kb.index.diagnose(qs[i%len(qs)]) // uncached: the real work
			i++
		}
	})
}

// BenchmarkNewKB10kTopics: building the index, which a reload does.
func BenchmarkNewKB10kTopics(b *testing.B) {
	kb, _ := bigKB10k(b)
	books := kb.Playbooks()
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		NewKB(books...)
	}
}

func BenchmarkTokenEncode(b *testing.B) {
	s := newSealer(fuzzKey)
	st := State{Action: ActNext, Fingerprint: 0xdeadbeef, Walk: 42, Path: []int{3, 4, 5, 6}}
	b.ReportAllocs()
	for b.Loop() {
		s.encode(st)
	}
}

func BenchmarkTokenDecode(b *testing.B) {
	s := newSealer(fuzzKey)
	tok := s.encode(State{Action: ActNext, Fingerprint: 0xdeadbeef, Walk: 42, Path: []int{3, 4, 5, 6}})
	b.ReportAllocs()
	for b.Loop() {
		if _, err := s.decode(tok); err != nil {
			b.Fatal(err)
		}
	}
}

func benchEngine(b *testing.B, limit *Limiter) *Engine {
	eng, err := NewEngine(mustDefaultKB(b), Options{Key: fuzzKey, Limit: limit})
	if err != nil {
		b.Fatal(err)
	}
	return eng
}

// BenchmarkAsk: a typed problem to its first step, with every button
// minted, as a slash command does.
func BenchmarkAsk(b *testing.B) {
	for _, cached := range []bool{false, true} {
		name := "new-text"
		if cached {
			name = "repeated-text"
		}
		b.Run(name, func(b *testing.B) {
			eng := benchEngine(b, nil)
			qs := evalTexts(b)
			ctx := context.Background()
			b.ReportAllocs()
			i := 0
			for b.Loop() {
				q := qs[i%len(qs)]
				if !cached {
					q = q + " " + letters(i) // a text never seen before
				}
				eng.Ask(ctx, Request{Platform: "slack", UserID: "U1", Text: q})
				i++
			}
		})
	}
}

// letters spells n in the letters a-z, so that texts differ without
// digits (which would look like a one-time code).
func letters(n int) string {
	b := []byte{'q'}
	for ; n > 0; n /= 26 {
		b = append(b, byte('a'+n%26))
	}
	return string(b)
}

// BenchmarkPress: "didn't work, next step", as a click does.
func BenchmarkPress(b *testing.B) {
	eng := benchEngine(b, nil)
	ctx := context.Background()
	a := eng.Ask(ctx, Request{Text: "パスワードを忘れた"})
	var next string
	for _, btn := range a.Buttons {
		if strings.Contains(btn.Label, "次へ") || strings.Contains(btn.Label, "だめ") {
			next = btn.ID
			break
		}
	}
	if next == "" {
		b.Fatalf("no next button in %+v", a.Buttons)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := eng.Press(ctx, Request{Platform: "slack", UserID: "U1", Token: next}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLimiterAllow: distinct people on every core.
func BenchmarkLimiterAllow(b *testing.B) {
	l, _ := NewLimiter(30, time.Minute, 10, 0)
	keys := make([]string, 1<<16)
	for i := range keys {
		keys[i] = fmt.Sprintf("slack\x00U%07d", i)
	}
	now := time.Now()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		i := rand.IntN(len(keys))
		for pb.Next() {
			l.Allow(keys[i&(len(keys)-1)], now)
			i++
		}
	})
}

// TestEngineMemoryStaysBoundedOverManyPeople drives 200,000 distinct
// people through the engine with a rate limit: the limiter's table never
// exceeds its bound (entries are counted, not bytes or time).
func TestEngineMemoryStaysBoundedOverManyPeople(t *testing.T) {
	if testing.Short() {
		t.Skip("drives 200,000 requests")
	}
	l, _ := NewLimiter(30, time.Minute, 10, 5000)
	now := t0
	eng, err := NewEngine(mustDefaultKB(t), Options{Key: fuzzKey, Limit: l, Now: func() time.Time { return now }})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a := eng.Ask(ctx, Request{Text: "help"})
	tok := a.Buttons[0].ID
	peak := 0
	for i := range 200_000 {
		now = now.Add(time.Millisecond)
		if _, err := eng.Press(ctx, Request{Platform: "discord", UserID: fmt.Sprint(i), Token: tok}); err != nil {
			t.Fatal(err)
		}
		if i%1000 == 0 {
			peak = max(peak, l.Len())
		}
	}
	if bound := 5000 + limiterShards; peak > bound {
		t.Errorf("limiter held %d people, bound %d", peak, bound)
	}
}
