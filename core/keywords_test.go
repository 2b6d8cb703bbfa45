package core

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestKeywordTrieIsContains checks the trie against strings.Contains for
// each keyword: the shipped playbook's on the evaluation texts, and short
// keywords over a small alphabet (overlapping, nested, repeated) on
// random texts.
func TestKeywordTrieIsContains(t *testing.T) {
	check := func(kws, texts []string) {
		t.Helper()
		tr := newKeywordTrie(kws)
		seen := make([]bool, len(kws))
		var hits []int32
		for _, text := range texts {
			hits = tr.find(text, seen, hits[:0])
			for i, k := range kws {
				if seen[i] != strings.Contains(text, k) {
					t.Fatalf("keyword %q in %q: trie says %v", k, text, seen[i])
				}
			}
			for _, h := range hits {
				seen[h] = false
			}
		}
	}
	kb := mustDefaultKB(t)
	var texts []string
	for _, s := range evalTexts(t) {
		texts = append(texts, Normalize(s))
	}
	check(kb.index.keywordTrie.keywords(), texts)

	r := rand.New(rand.NewPCG(12, 13))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "abcあ"[r.IntN(4)]
		}
		return string(b)
	}
	dedup := map[string]bool{}
	var kws []string
	for len(kws) < 300 {
		if w := word(1 + r.IntN(6)); !dedup[w] {
			dedup[w] = true
			kws = append(kws, w)
		}
	}
	texts = texts[:0]
	for range 2000 {
		texts = append(texts, word(r.IntN(40)))
	}
	check(kws, texts)
}
