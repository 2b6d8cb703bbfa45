package core

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds the ways people type the same thing into one form: NFKC
// (full-width Ｌｅｔｔｅｒｓ and half-width ｶﾀｶﾅ become ordinary letters and
// katakana), lower case, katakana folded to hiragana, and every run of
// punctuation, symbols and emoji turned into a single space.
func Normalize(s string) string {
	if !norm.NFKC.IsNormalString(s) {
		s = norm.NFKC.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := true
	for _, r := range s {
		switch {
		case r >= 'ァ' && r <= 'ヶ':
			r -= 0x60 // katakana to hiragana
		case r == 'ヽ' || r == 'ヾ':
			r -= 0x60
		case unicode.IsUpper(r):
			r = unicode.ToLower(r)
		}
		if unicode.IsLetter(r) || unicode.IsNumber(r) || r == 'ー' || r == '\'' {
			if r == '\'' || r == '’' {
				continue // can't -> cant
			}
			b.WriteRune(r)
			space = false
			continue
		}
		if unicode.Is(unicode.Mn, r) {
			continue // stray combining marks
		}
		if !space {
			b.WriteByte(' ')
			space = true
		}
	}
	return strings.TrimSpace(b.String())
}

// isJapanese reports whether r is kana or a CJK ideograph (after Normalize,
// katakana is already hiragana).
func isJapanese(r rune) bool {
	return unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) ||
		unicode.Is(unicode.Han, r) || r == 'ー' || r == '々'
}

// DetectLang tells which language text is written in: "ja" when it is
// mostly kana and ideographs, "en" when it is mostly Latin words (at least
// two, or three beside some Japanese: "i forgot my パスワード"), and "" when it
// is not clear (a lone word, a code, an emoji), so that the caller falls back
// to the person's locale.
func DetectLang(text string) string {
	var kana, hira, han, latinWords, latinLetters int
	inWord := false
	if !norm.NFKC.IsNormalString(text) {
		text = norm.NFKC.String(text)
	}
	for _, r := range text {
		switch {
		case unicode.Is(unicode.Hiragana, r):
			kana++
			hira++
		case unicode.Is(unicode.Katakana, r):
			kana++
		case unicode.Is(unicode.Han, r):
			han++
		}
		if r < utf8.RuneSelf && (r|0x20 >= 'a' && r|0x20 <= 'z') {
			latinLetters++
			if !inWord {
				latinWords++
				inWord = true
			}
		} else if r != '\'' && r != '-' {
			inWord = false
		}
	}
	jp := kana + han
	switch {
	case jp == 0 && latinWords >= 2 && latinLetters >= 5:
		return "en"
	case jp == 0:
		return ""
	case latinWords >= 3 && 3*jp < 2*latinLetters && hira < 2*latinWords:
		// English with a Japanese word or two in it; Japanese grammar
		// (hiragana) around English nouns stays Japanese.
		return "en"
	case kana > 0 || han >= 2:
		return "ja"
	}
	return ""
}
