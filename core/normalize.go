package core

import (
	"strings"
	"unicode"
	"unicode/utf8"
	"unsafe"

	"golang.org/x/text/unicode/norm"
)

// Normalize folds the ways people type the same thing into one form: NFKC
// (full-width Ｌｅｔｔｅｒｓ and half-width ｶﾀｶﾅ become ordinary letters and
// katakana), lower case, katakana folded to hiragana, and every run of
// punctuation, symbols and emoji turned into a single space.
func Normalize(s string) string { return normalizeNFKC(nfkc(s)) }

// nfkc returns s in NFKC. Every function reading what a person typed
// starts with it; the engine does it once per message and hands the result
// to the ...NFKC variants, which skip the check (NFKC is idempotent).
func nfkc(s string) string {
	// Bytes that are not UTF-8 become U+FFFD first: norm passes them
	// through and then leaves the character after them unnormalized
	// ("\xf3ǅ" stayed "ǅ", which NFKC makes "Dž"), so that normalizing
	// twice gave two results.
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	if !isNFKC(s) {
		s = norm.NFKC.String(s)
	}
	return s
}

// isNFKC is norm.NFKC.IsNormalString, quicker for what people type: a text
// made only of ASCII, kana, kanji and the common Japanese punctuation is in
// NFKC as it stands (each of those characters is, and none combines with
// the one before it; see TestNFKCShortcut). Any other character sends the
// text to the full check.
func isNFKC(s string) bool {
	for i := 0; i < len(s); {
		if s[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		if !nfkcInert(r) {
			return norm.NFKC.IsNormalString(s)
		}
		i += n
	}
	return true
}

// nfkcInert reports whether r is one of the non-ASCII characters isNFKC
// knows: in NFKC alone, and never combining with what precedes it.
func nfkcInert(r rune) bool {
	switch {
	case r >= 0x3400 && r <= 0x9fff: // CJK ideographs (and the Yijing hexagrams between them)
		return true
	case r >= 0x303b && r <= 0x3098: // hiragana
		return true
	case r >= 0x30a0 && r <= 0x30fe: // katakana
		return true
	case r >= 0x3001 && r <= 0x3029, r >= 0x3030 && r <= 0x3035, r == 0x3037: // punctuation
		return true
	}
	return false
}

// normalizeNFKC is Normalize for s already in NFKC.
func normalizeNFKC(s string) string {
	b, _ := fold(make([]byte, 0, len(s)), s, -1)
	// b is not written to again: the string shares its bytes, as
	// strings.Builder does.
	return strings.TrimSpace(unsafe.String(unsafe.SliceData(b), len(b)))
}

// fold appends Normalize's form of s (in NFKC) to b, before the trailing
// space is trimmed. With limit >= 0 it stops, returning false, as soon as b
// holds more than limit bytes.
func fold(b []byte, s string, limit int) ([]byte, bool) {
	space := true
	for _, r := range s {
		if r < utf8.RuneSelf {
			// ASCII, the common case, without the Unicode tables: the
			// same decisions as below.
			c := byte(r)
			switch {
			case 'A' <= c && c <= 'Z':
				c += 'a' - 'A'
				fallthrough
			case 'a' <= c && c <= 'z', '0' <= c && c <= '9':
				b = append(b, c)
				space = false
			case c == '\'':
				continue // can't -> cant
			case !space:
				b = append(b, ' ')
				space = true
			}
			if limit >= 0 && len(b) > limit {
				return b, false
			}
			continue
		}
		// Kana and kanji, most of Japanese text, are lower-case letters
		// (see TestFoldShortcut).
		if r >= 'ぁ' && r <= 'ゖ' || r >= 0x4e00 && r <= 0x9fff {
			b = utf8.AppendRune(b, r)
			space = false
			if limit >= 0 && len(b) > limit {
				return b, false
			}
			continue
		}
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
			b = utf8.AppendRune(b, r)
			space = false
		} else if unicode.Is(unicode.Mn, r) {
			continue // stray combining marks
		} else if !space {
			b = append(b, ' ')
			space = true
		}
		if limit >= 0 && len(b) > limit {
			return b, false
		}
	}
	return b, true
}

// isHan is unicode.Is(unicode.Han, r), answering the common CJK block and
// everything below U+2E80 (where the first kana or kanji starts) without
// the table.
func isHan(r rune) bool {
	switch {
	case r < 0x2e80:
		return false
	case r >= 0x4e00 && r <= 0x9fff:
		return true
	}
	return unicode.Is(unicode.Han, r)
}

// Scripts, as script returns them.
const (
	scriptOther = iota
	scriptHiragana
	scriptKatakana
	scriptHan
)

// script tells which of the three scripts r is in. Scripts do not
// overlap, so a rune in one script's common block is in no other: the
// blocks are answered first, then the tables in turn.
func script(r rune) int {
	switch {
	case r < 0x2e80:
		return scriptOther
	case r >= 0x3041 && r <= 0x3096:
		return scriptHiragana
	case r >= 0x30a1 && r <= 0x30fa:
		return scriptKatakana
	case r >= 0x4e00 && r <= 0x9fff:
		return scriptHan
	case unicode.Is(unicode.Hiragana, r):
		return scriptHiragana
	case unicode.Is(unicode.Katakana, r):
		return scriptKatakana
	case unicode.Is(unicode.Han, r):
		return scriptHan
	}
	return scriptOther
}

// isJapanese reports whether r is kana or a CJK ideograph (after Normalize,
// katakana is already hiragana).
func isJapanese(r rune) bool {
	return r >= 0x2e80 && (script(r) != scriptOther || r == 'ー' || r == '々')
}

// DetectLang tells which language text is written in: "ja" when it is
// mostly kana and ideographs, "en" when it is mostly Latin words (at least
// two, or three beside some Japanese: "i forgot my パスワード"), and "" when it
// is not clear (a lone word, a code, an emoji), so that the caller falls back
// to the person's locale.
func DetectLang(text string) string { return detectLangNFKC(nfkc(text)) }

// detectLangNFKC is DetectLang for text already in NFKC.
func detectLangNFKC(text string) string {
	var kana, hira, han, latinWords, latinLetters int
	inWord := false
	for _, r := range text {
		switch script(r) {
		case scriptHiragana:
			kana++
			hira++
		case scriptKatakana:
			kana++
		case scriptHan:
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
