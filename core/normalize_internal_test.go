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

// TestNFKCShortcut checks the characters isNFKC accepts without the full
// check: each must be in NFKC alone, with no canonical combining class and
// no way to combine with a character before it; and texts of them (and of
// anything else) must get the full check's answer.
func TestNFKCShortcut(t *testing.T) {
	var inert []rune
	for r := rune(0x80); r <= unicode.MaxRune; r++ {
		if !nfkcInert(r) {
			continue
		}
		s := string(r)
		if !norm.NFKC.IsNormalString(s) || !norm.NFKC.PropertiesString(s).BoundaryBefore() {
			t.Fatalf("%U is taken as inert, but NFKC would change or combine it", r)
		}
		if r < 0x3400 {
			inert = append(inert, r)
		}
	}
	// Every pair of the kana and punctuation, and of them with ASCII.
	for r := rune(0); r < 0x80; r++ {
		inert = append(inert, r)
	}
	for _, a := range inert {
		for _, b := range inert {
			if s := string([]rune{a, b}); isNFKC(s) != norm.NFKC.IsNormalString(s) {
				t.Fatalf("isNFKC(%q) = %v, the full check says %v", s, isNFKC(s), !isNFKC(s))
			}
		}
	}
	alphabet := []rune("abc 1!、。「」ー・あがぱアガパヴ漢字々\u3099\u309a\u0301ｶﾞＡ！？\u3000\u00a0é€ßſK㍿\ufffd")
	r := rand.New(rand.NewPCG(10, 11))
	for range 50_000 {
		rs := make([]rune, r.IntN(12))
		for i := range rs {
			rs[i] = alphabet[r.IntN(len(alphabet))]
		}
		s := string(rs)
		if r.IntN(20) == 0 {
			s += "\xff"
		}
		if got, want := isNFKC(s), norm.NFKC.IsNormalString(s); got != want {
			t.Fatalf("isNFKC(%q) = %v, the full check says %v", s, got, want)
		}
	}
}

// TestFoldShortcut checks the characters fold copies without the Unicode
// tables: letters, not upper case, and none of the cases it treats apart.
func TestFoldShortcut(t *testing.T) {
	for _, rg := range [][2]rune{{'ぁ', 'ゖ'}, {0x4e00, 0x9fff}} {
		for r := rg[0]; r <= rg[1]; r++ {
			if !unicode.IsLetter(r) || unicode.IsUpper(r) || r == 'ー' || r == '’' || (r >= 'ァ' && r <= 'ヶ') || r == 'ヽ' || r == 'ヾ' {
				t.Fatalf("%U is copied as a plain letter, but it is not one", r)
			}
		}
	}
}
