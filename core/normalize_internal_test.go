package core

import (
	"math/rand/v2"
	"strings"
	"testing"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// normalizeReference is Normalize written plainly, with strings.Builder
// and the Unicode tables for every character: the fast one must agree.
func normalizeReference(s string) string {
	s = norm.NFKC.String(s)
	var b strings.Builder
	space := true
	for _, r := range s {
		switch {
		case r >= 'ァ' && r <= 'ヶ':
			r -= 0x60
		case r == 'ヽ' || r == 'ヾ':
			r -= 0x60
		case unicode.IsUpper(r):
			r = unicode.ToLower(r)
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) || r == 'ー' || r == '\'' {
			if r == '\'' || r == '’' {
				continue
			}
			b.WriteRune(r)
			space = false
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

func TestNormalizeMatchesReference(t *testing.T) {
	alphabet := []rune("abcXYZ019 .,:/-'’!?@_\t\nあいうかがきアイウカガキーヽヾ々一二三日本語認証忘れＡＢＣａｂｃ１２３ｶﾞｷﾞｰ\u0301\u0308\u3099\u309a🙂✅️é€ßİKſ\u00a0\u3000")
	r := rand.New(rand.NewPCG(8, 9))
	texts := []string{"", " ", "help", "HELP!!!", "Help-!!-!", "ヘルプ", "へるぷ", "メニュー", "?", "menu", "Ｔｏｐｉｃｓ", "使い方", "つ か い か た", "h'elp", "he’lp", "\xff\xfe"}
	for range 50_000 {
		var b strings.Builder
		for n := r.IntN(24); n > 0; n-- {
			b.WriteRune(alphabet[r.IntN(len(alphabet))])
		}
		texts = append(texts, b.String())
	}
	for _, s := range texts {
		want := normalizeReference(s)
		if got := Normalize(s); got != want {
			t.Fatalf("Normalize(%q) = %q, want %q", s, got, want)
		}
		if got := isHelp(s); got != contains(helpWords, want) {
			t.Fatalf("isHelp(%q) = %v, but it normalizes to %q", s, got, want)
		}
	}
}
