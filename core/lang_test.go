package core

import (
	"testing"
	"unicode"
)

// TestDetectLangMixed covers messages that mix the two languages: the
// answer should come in the one the person mostly wrote in.
func TestDetectLangMixed(t *testing.T) {
	tests := []struct{ text, want string }{
		{"i forgot my パスワード", "en"},
		{"the 確認コード email isn't showing up at all", "en"},
		{"how do i reset the パスワード on amazon", "en"},
		{"Amazonのpw忘れた", "ja"},
		{"verification codeが届かない", "ja"},
		{"Chromeだとamazonのlogin pageがずっとloadingのまま", "ja"},
		{"Amazonのpasswordを忘れたのでresetしたい", "ja"},
		{"パスワード", "ja"},
		{"captcha", ""},
		{"123456", ""},
		{"🙏", ""},
	}
	for _, tt := range tests {
		if got := DetectLang(tt.text); got != tt.want {
			t.Errorf("DetectLang(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
}

// TestScriptShortcutsMatchUnicode checks the shortcuts for kana and kanji
// against the Unicode tables they stand for, on every code point.
func TestScriptShortcutsMatchUnicode(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if isHan(r) != unicode.Is(unicode.Han, r) {
			t.Fatalf("isHan(%U) = %v, the table disagrees", r, isHan(r))
		}
		want := scriptOther
		switch {
		case unicode.Is(unicode.Hiragana, r):
			want = scriptHiragana
		case unicode.Is(unicode.Katakana, r):
			want = scriptKatakana
		case unicode.Is(unicode.Han, r):
			want = scriptHan
		}
		if got := script(r); got != want {
			t.Fatalf("script(%U) = %d, the tables say %d", r, got, want)
		}
	}
}
