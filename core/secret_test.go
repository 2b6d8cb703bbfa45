package core_test

import (
	"strings"
	"testing"

	"github.com/kaiketsu/kaiketsu/core"
)

func TestLooksSecretAndScrub(t *testing.T) {
	tests := []struct {
		text   string
		secret string // "" when the text holds no secret
	}{
		{"my password is hunter22", "hunter22"},
		{"コードは123456", "123456"},
		{"123 456", "123 456"},
		{"Tr0ub4dor&3", "Tr0ub4dor&3"},
		{"the code was 4821, it says invalid", "4821"},
		{"pw: s3cretpass", "s3cretpass"},
		{"パスワードは「abcd1234」です", "abcd1234"},
		{"got 12345678 by sms", "12345678"},
		// Found by a black-box run: a password followed by Japanese
		// grammar, or named without "is".
		{"パスワードはabc12345です", "abc12345"},
		{"パスワードはSummer2024!です", "Summer2024!"},
		{"パスワードはhunter2だけど入れない", "hunter2"},
		{"パスワード hunter2 でログインできない", "hunter2"},
		{"パスワードをabc12345にしたのに入れない", "abc12345"},
		{"I forgot my password, it was P@ssw0rd!2024", "P@ssw0rd!2024"},
		{"P@ssw0rd!2024", "P@ssw0rd!2024"},
		{"I used hunter2 as password", "hunter2"},
		{"I used hunter2 as my password", "hunter2"},
		{"I used my birthday as my password", ""},
		// From a review.
		{`I used "hunter22" as my password`, "hunter22"},
		{"パスワード「abc12345」でログインできない", "abc12345"},
		{"パスワードabc12345で入れない", "abc12345"},
		{"used 123456789 as my password", "123456789"},
		{"I use 1Password as my password manager", ""},
		{"Bitwarden or 1Password?", ""},
		{"is 1Password! any good", ""},
		{"password: Summer2024!", "Summer2024!"},
		{"The password is accepted every time.", ""},
		{"my pw is not working", ""},
		{"Chrome's fine on the same PC.", ""},
		{"Doesn't work, Amazon's page says wrong", ""},
		{"password is Pa'ss9rd", "Pa'ss9rd"},
		// From a review: words and pieces of words that are passwords.
		{"my password is blessed", "blessed"},
		{"the password was pudding", "pudding"},
		{"pw: sterling", "sterling"},
		{"my password is thelionking and it says wrong", "thelionking"},
		{"I typed Rock'n'Roll and it was rejected", "Rock'n'Roll"},
		{"tried Don'tPanic again", "Don'tPanic"},
		{"tried Welcome#Password! still no", "Welcome#Password!"},
		{"tried Summer2024Password! still no", "Summer2024Password!"},
		{"the password is locked", ""},
		{"Amazon's sign-in page doesn't load", ""},
		{"Dear Sir/Madam, my account is locked", ""},
		// Error codes name what went wrong; a blank password is none.
		{"Prime Videoで「エラーコード: 7031」ってでる", ""},
		{"it shows error code 1234 on the sign-in page", ""},
		{"the saved password is blank now", ""},
		{"エラーが出て、コードは 482913 です", "482913"},
		{"error, the code is 4821", "4821"},
		{"error pin 4821", "4821"},
		{"got an error PIN: 4821", "4821"},
		{"エラー暗証番号は4821", "4821"},
		{"error otp 48213", "48213"},
		{"error code 123456 from the sms", "123456"},
		// Chat quotes a screen in backticks; code-switched Japanese.
		{"Amazon keeps saying `Your password is incorrect` but I paste it", ""},
		{"it goes `Incorrect phone number` and I'm like bro", ""},
		{"the one-time password is sent to my mail", ""},
		{"passwordをforgetしたのでresetしたい", ""},
		{"password is `hunter22`", "hunter22"},
		{"I'm mixing up whose password is whose", ""},
		{"no idea what my password is anymore", ""},
		{"my password is somewhere in my notes", ""},
		// Right after the word, without a verb (found by a hostile run).
		{"forgot my password hunter2 help", "hunter2"},
		{"pw abc123 not accepted", "abc123"},
		{"my password hunter2, it says incorrect", "hunter2"},
		{"password reset not working", ""},
		{"password 2-step verification keeps failing", ""},
		{"password (again) rejected", ""},
		{"password manager 1Password broke", ""},
		{"password amazon.co.jp page is blank", ""},
		// Found in the forty-second set: where passwords are kept, a setting.
		{"パスワードはBitwardenにあるけどユーザー名が空", ""},
		{"after setting SameSite=None. Is Secure required?", ""},
		{"パスワードはAbc=Def1です", "Abc=Def1"},
		// From a review: what these rules must not let through.
		{"Open=Sesame", "Open=Sesame"},
		{"my login is bob and Tiger=Lily", "Tiger=Lily"},
		{"パスワードは「Amazon」です", "Amazon"},
		{"パスワードはGoogle", "Google"},
		{"forgot password Hunter2!", "Hunter2!"},
		{"楽天のパスワードをAmazonに入れた", ""},
		{"パスワードはAmazonのと同じ", ""},
		{"and my password is suddenly wrong.", ""},
		{"Password is long gone from my brain.", ""},
		// Found by a hostile run: the Japanese word or "pass" before the
		// password without a verb, a line break, codes in pieces.
		{"パスワード hunter2", "hunter2"},
		{"pass abcd1234", "abcd1234"},
		{"パスは abcd1234", "abcd1234"},
		{"ぱすわーどは abc123 です", "abc123"},
		{"password\nhunter2", "hunter2"},
		{"my OTP: 12 34 56", "12 34 56"},
		{"認証コード 1 2 3 4 5 6", "1 2 3 4 5 6"},
		{"code 1-2-3-4-5-6", "1-2-3-4-5-6"},
		{"error code 12 34 on the page", ""},
		{"the code for order 250-1234567-1234567", ""},
		{"I can't pass the captcha", ""},
		{"パスタが好き、パスポートは 2024 年に更新", ""},
		{"my password is suddenly Hunter22!", "Hunter22!"},
		// A service after the Japanese particle says where it went; after
		// "is" a name may be the password.
		{"楽天のパスワードをAmazonに打ち込んでた", ""},
		{"パスワードはAmazon123です", "Amazon123"},
		{"my password is amazon and it fails", "amazon"},
		{"the refund for order 250-0000000-0000000", ""},
		{"code 123-456 then", "123-456"},
		{"got 1234567 by sms", "1234567"},
		// Names, not secrets: a domain, a hexadecimal or a hyphenated
		// error code.
		{`email says "Amazon.co.jp: Sign-in attempt from an unrecognized device"`, ""},
		{"Xbox no sain in de 0x87DD0006 tte eraa ga deru", ""},
		{"PlayStation Network says (WS-116522-7)", ""},
		{"tried Summer-2024-Pass! still no", "Summer-2024-Pass!"},
		{"tried SUMMER-2024-pass still no", "SUMMER-2024-pass"},
		{"on iOS/Android both", ""},
		{"tried P@ss/Word1 twice", "P@ss/Word1"},
		{"<@U024BE7LH> can you help, amazon login broken", ""},
		{"ask <@U024BE7LH|bob> or <!subteam^S0123ABC|@support-team>", ""},
		{"ping @YamadaTaro1 about my amazon password", ""},
		{"パスワード reset したい", ""},
		{"パスワードは合ってるはず", ""},
		{"my email is me@example.com and it says wrong password", ""},
		{"my password is wrong", ""},
		{"I ordered 2 items in 2024", ""},
		{"error 404", ""},
		{"my password is incorrect apparently", ""},
		{"pw is 100% correct, it says wrong", ""},
		{"my password is 99.9% right", ""},
		{"the password is completely gone from my head", ""},
		{"my password is butterfly", "butterfly"},
		{"my password is just hunter22", "hunter22"},
		{"my pw is literally password123, why does it fail", "password123"},
		{"the password is still hunter2! and it says wrong", "hunter2!"},
		{"password: now kaiketsu99", "kaiketsu99"},
		{"pw is 100% Summer2023 I swear", "Summer2023"},
		{"my password is 1234% sure", "1234%"},
		{"my password is now wrong", ""},
		{"my password is just fine", ""},
		{"my password is 100%abc", "100%abc"},
		{"パスワードを忘れた", ""},
		{"it works!", ""},
		{"call 03-1234-5678 for help", ""},
		{"", ""},
	}
	for _, tt := range tests {
		got := core.LooksSecret(tt.text)
		if got != (tt.secret != "") {
			t.Errorf("LooksSecret(%q) = %v, want %v", tt.text, got, tt.secret != "")
		}
		s := core.Scrub(tt.text)
		if tt.secret == "" {
			if s != tt.text {
				t.Errorf("Scrub(%q) = %q, want it unchanged", tt.text, s)
			}
			continue
		}
		if strings.Contains(s, tt.secret) || !strings.Contains(s, "[redacted]") {
			t.Errorf("Scrub(%q) = %q, want the secret replaced by [redacted]", tt.text, s)
		}
	}
}

// TestScrubKeepsTheRest: scrubbing takes out the secret, not the problem.
func TestScrubKeepsTheRest(t *testing.T) {
	got := core.Scrub("amazon says wrong password but my password is hunter22")
	if got != "amazon says wrong password but my password is [redacted]" {
		t.Errorf("Scrub = %q", got)
	}
}

// TestScrubTakesThePunctuationWithABarePassword: a password right after
// the word may end in punctuation; none of it is left behind (a review
// found "forgot password Hunter2!" scrubbed to "... [redacted]!").
func TestScrubTakesThePunctuationWithABarePassword(t *testing.T) {
	for text, want := range map[string]string{
		"forgot password Hunter2!":         "forgot password [redacted]",
		"forgot password Hunter2! help me": "forgot password [redacted] help me",
	} {
		if got := core.Scrub(text); got != want {
			t.Errorf("Scrub(%q) = %q, want %q", text, got, want)
		}
	}
}
