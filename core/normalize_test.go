package core_test

import (
	"testing"

	"github.com/kaiketsu/kaiketsu/core"
)

func TestNormalize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"ＯＴＰ", "otp"},                             // full-width letters
		{"ﾊﾟｽﾜｰﾄﾞ", "ぱすわーど"},                       // half-width kana with voiced marks
		{"パスワード", "ぱすわーど"},                         // katakana folded to hiragana
		{"ぱすわーど", "ぱすわーど"},                         // hiragana unchanged
		{"ログインできない😭😭!!", "ろぐいんできない"},               // emoji and punctuation go
		{"Can't Sign-In!!!", "cant sign in"},       // case, apostrophe, hyphen
		{"Amazonにﾛｸﾞｲﾝできません。", "amazonにろぐいんできません"}, // mixed scripts
		{"  2FA   code\t\n", "2fa code"},           // runs of space collapse
		{"１２３４５６", "123456"},                       // full-width digits
		{"「確認コード」が来ない…", "確認こーど が来ない"},             // Japanese brackets and ellipsis
		{"🙏🙏🙏", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := core.Normalize(tt.in); got != tt.want {
			t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestDetectLang(t *testing.T) {
	tests := []struct{ in, want string }{
		{"パスワードを忘れた", "ja"},
		{"ﾛｸﾞｲﾝできない", "ja"},
		{"暗証番号", "ja"},
		{"amazonにログインできない", "ja"},
		{"Amazon 2FA コードが来ない", "ja"},
		{"I forgot my password", "en"},
		{"cant login to amazon", "en"},
		{"ＩＴ ＳＡＹＳ ＷＲＯＮＧ ＰＡＳＳＷＯＲＤ", "en"},
		{"otp", ""}, // one word does not tell
		{"help", ""},
		{"123456", ""},
		{"😭", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := core.DetectLang(tt.in); got != tt.want {
			t.Errorf("DetectLang(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
