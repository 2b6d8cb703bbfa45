package core

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestAboutExcludes(t *testing.T) {
	a := &About{
		Names:  []string{"Amazon", "アマゾン", "amazon.co.jp"},
		Others: []string{"Netflix", "Apple ID", "インスタ", "vpn", "楽天", "LINE"},
	}
	a.compile()
	tests := []struct {
		text string
		want bool
	}{
		{"forgot my netflix password", true},
		{"forgot my password", false},                               // no name at all: ours
		{"Netflix and Amazon both say my password is wrong", false}, // ours named too
		{"NETFLIXのパスワード忘れた", true},                                  // case and width folded
		{"ＮＥＴＦＬＩＸのパスワード忘れた", true},
		{"apple id says my password is incorrect", true},
		{"my appleid is fine", false}, // "apple id" is two words
		{"インスタ乗っ取られた", true},
		{"ｲﾝｽﾀ乗っ取られた", true}, // half-width katakana
		{"アマゾンとインスタ両方乗っ取られた", false},
		{"the company vpn rejects my code", true},
		{"vpnless", false},
		{"楽天のアカウントのメアド忘れた", true},
		{"I'm online but the sign-in page is blank", false}, // "line" inside "online"
		{"LINE on my new phone wants a code", true},
		{"amazon.co.jp keeps asking for a code", false},
		// Another service as what the password was mixed up with: ours.
		{"楽天と同じパスワードのつもりで入れてたけど弾かれる", false},
		{"パスワード違うって出る、楽天のやつと混ざってたかも", false},
		{"pw incorrect, might be mixing it up with my netflix one", false},
		{"I think I typed my netflix one", false},
		{"is it the same as my netflix password?", false},
		{"楽天のパスワードを忘れた", true},
		{"netflix one time code never comes", true}, // "one" starting "one time"? still Netflix's
		// A name denied is not named.
		{"LINEの引き継ぎで認証番号が来ない。Amazonじゃないんですけど", true},
		{"Amazonのことではないのですが、パスワードを忘れました", true},
		{"this is not about amazon, but I forgot my password", true},
		{"nothing to do with Amazon: the code never comes", true},
		{"Amazon以外のサイトは普通にログインできる", false},
		{"my password works everywhere, not on amazon", false},
		{"it's not amazon.co.jp but amazon.com, and I forgot my password", false}, // named too
		{"amazon isn't letting me in", false},
		{"Amazonじゃなくてアマゾンプライムのほう", false}, // the other name stands
	}
	for _, tt := range tests {
		if got := a.excludes(Normalize(tt.text)); got != tt.want {
			t.Errorf("excludes(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	var none *About
	if none.excludes(Normalize("forgot my netflix password")) {
		t.Error("a playbook without about excludes a message")
	}
}

// TestAboutPlaces: a place is another service only when named as what
// the person signs in to.
func TestAboutPlaces(t *testing.T) {
	a := &About{
		Names:  []string{"Amazon", "アマゾン"},
		Places: []string{"Gmail", "Outlook", "LINE", "bank", "銀行", "Googleアカウント"},
		PlaceFollowedBy: []string{"ログイン", "サインイン", "パスワード", "引き継ぎ", "ワンタイム",
			"password", "one time", "one-time"},
		PlacePrecededBy: []string{"log into", "sign in to", "get into"},
	}
	a.compile()
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"Gmailにログインできない、パスワード合ってるのに", true},
		{"gmailにサインインできません", true},
		{"Outlookのパスワード忘れた", true},
		{"LINEの引き継ぎで認証番号が届かない", true},
		{"Googleアカウントにログインできない", true},
		{"cant log into gmail, says password wrong", true},
		{"I can't sign in to my Outlook", true},
		{"can't get into LINE on my new phone", true},
		{"gmail password reset isn't working", true},
		{"my bank app's one-time code isn't arriving", true},
		{"銀行アプリのワンタイムパスワードが来ない", true},
		// Named as where something goes, or as the account's address: ours.
		{"確認コードがGmailに届かない", false},
		{"メアドをgmali って打ってた、gmailなのに", false},
		{"gmail keeps sending the code to spam", false},
		{"the code goes to my outlook but never arrives", false},
		{"which gmail account did I use", false},
		{"my bank says there are orders I didn't make", false},
		{"online banking is fine, my sign-in isn't", false}, // "bank" inside "banking"
		{"I'm online", false},                               // "line" inside "online"
		// Only the playbook's words make a place count.
		{"Gmailが重い", false},
		{"gmail sign in is fine", false},
		{"can't log in to gmail", false}, // "log in to", not "log into"
		// A name of ours wins, as with others.
		{"can't log into gmail to get my amazon code", false},
		{"Gmailにログインしてアマゾンのコードを見たい", false},
	} {
		if got := a.excludes(Normalize(tt.text)); got != tt.want {
			t.Errorf("excludes(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestAboutUnrelated: the subject's other business gets no topic, even
// naming the subject, unless a word of the playbook's own business is
// there too.
func TestAboutUnrelated(t *testing.T) {
	a := &About{
		Names:           []string{"Amazon", "アマゾン"},
		Unrelated:       []string{"gift card", "ギフト券", "promo code", "locker"},
		UnrelatedUnless: []string{"sign in", "ログイン", "hacked", "覚えのない"},
	}
	a.compile()
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"Amazon gift card code says invalid", true},
		{"Amazonギフト券のコードが無効って出る", true},
		{"promo code not accepted at checkout", true},
		{"didn't get the pickup code for my amazon locker", true},
		{"lockers", false}, // a word, not a prefix
		{"hacked?? my gift card balance is gone and now i can't sign in", false},
		{"買った覚えのないギフト券の購入がある", false},
		{"can't sign in to use my gift card", false},
		{"forgot my password", false},
	} {
		if got := a.excludes(Normalize(tt.text)); got != tt.want {
			t.Errorf("excludes(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}

// TestAboutTriesAreTheTerms checks excludes through the tries against the
// same About searching term by term, on the shipped playbook's terms and
// the evaluation texts, and on short terms and texts made to overlap.
func TestAboutTriesAreTheTerms(t *testing.T) {
	check := func(a *About, texts []string) {
		t.Helper()
		names, others, places := normalizeTerms(a.Names), normalizeTerms(a.Others), normalizeTerms(a.Places)
		unrelated, unless := normalizeTerms(a.Unrelated), normalizeTerms(a.UnrelatedUnless)
		separate := normalizeTerms(a.Separate)
		for _, text := range texts {
			n := Normalize(text)
			plain := searchWhere(n, names, func(i, j int) bool { return !deniedName(n, i, j) })
			denied := searchWhere(n, names, func(i, j int) bool { return deniedName(n, i, j) })
			want := (searchOthers(n, others) || searchPlaces(a, n, places) || denied) && !plain ||
				searchTerms(n, unrelated) && !searchTerms(n, unless) || searchTerms(n, separate)
			if got := a.excludes(n); got != want {
				t.Fatalf("excludes(%q) = %v through the tries, %v term by term", n, got, want)
			}
		}
	}
	var texts []string
	for _, f := range []string{"playbooks/phrasings/amazon-signin/diagnosis.tsv", "playbooks/phrasings/amazon-signin/holdout.tsv", "playbooks/phrasings/amazon-signin/blind.tsv", "playbooks/phrasings/amazon-signin/blind7.tsv", "playbooks/phrasings/amazon-signin/blind8.tsv"} {
		for _, c := range loadEval(t, f) {
			texts = append(texts, c.text)
		}
	}
	for _, p := range mustDefaultKB(t).Playbooks() {
		if p.About != nil {
			check(p.About, texts)
		}
	}
	r := rand.New(rand.NewPCG(14, 15))
	word := func(n int) string {
		b := make([]byte, n)
		for i := range b {
			b[i] = "ab1 .あ"[r.IntN(6)]
		}
		return string(b)
	}
	for range 200 {
		a := &About{}
		for range 1 + r.IntN(4) {
			a.Names = append(a.Names, word(1+r.IntN(3)))
		}
		for range 1 + r.IntN(6) {
			a.Others = append(a.Others, word(1+r.IntN(3)))
		}
		for range r.IntN(3) {
			a.Places = append(a.Places, word(1+r.IntN(3)))
			a.PlaceFollowedBy = append(a.PlaceFollowedBy, word(1+r.IntN(2)))
			a.PlacePrecededBy = append(a.PlacePrecededBy, word(1+r.IntN(2)))
		}
		for range r.IntN(3) {
			a.Unrelated = append(a.Unrelated, word(1+r.IntN(3)))
			a.UnrelatedUnless = append(a.UnrelatedUnless, word(1+r.IntN(3)))
		}
		a.compile()
		texts = texts[:0]
		for range 50 {
			texts = append(texts, word(r.IntN(12)))
		}
		check(a, texts)
	}
}

// TestShippedAboutKeepsAmazonTrouble: the shipped playbook's other
// services leave out words people use when describing Amazon trouble:
// naming a bank, an e-mail provider or Windows must not hide a topic,
// least of all the urgent takeover one.
func TestShippedAboutKeepsAmazonTrouble(t *testing.T) {
	kb := mustDefaultKB(t)
	expectTops(t, kb, map[string]string{
		"my account was hacked, my bank says there are orders I didn't make": "account-takeover",
		"銀行から不正利用の連絡があった、アカウント乗っ取られたかも":                                      "account-takeover",
		"I forgot which email I used, maybe my outlook address":              "forgot-email",
		"the verification code never arrives, I'm on windows":                "verification-code",
		"forgot my netflix password":                                         "",
		"インスタ乗っ取られた":                                                         "",
		"the code never reaches my gmail":                                    "verification-code",
		"Google認証システムのコードが通らない":                                              "verification-code",
		"Gmailにログインできない":                                                     "",
		// A review found these lost to about: rules tried for other
		// services' own codes and captchas (reverted): Amazon's trouble
		// told beside another service.
		"codes from Google Authenticator are always rejected":                    "verification-code",
		"VPNで画像認証が何度も出る":                                                         "captcha",
		"I get the OTP for my bank instantly but the sign-in code never arrives": "verification-code",
		"it's the same one as my ebay but amazon keeps saying incorrect":         "wrong-credentials",
		"my card issuer never texted the one-time code for the purchase":         "",
		"the code for amazon goes to my gmail and never arrives":                 "verification-code",
	})
}

// searchOthers is the term-by-term search for another service not named
// as a comparison.
func searchOthers(s string, others []string) bool {
	return searchWhere(s, others, func(i, j int) bool { return !comparedWith(s, i, j) })
}

// searchPlaces is the term-by-term search for a place named as what the
// person signs in to.
func searchPlaces(a *About, s string, places []string) bool {
	return searchWhere(s, places, func(i, j int) bool { return a.signsInTo(s, i, j) })
}

// searchTerms is the term-by-term search the tries replace: whether one
// of terms occurs in s as a word.
func searchTerms(s string, terms []string) bool {
	return searchWhere(s, terms, func(int, int) bool { return true })
}

// searchWhere reports whether ok accepts an occurrence of one of terms
// in s as a word, trying every occurrence of each.
func searchWhere(s string, terms []string, ok func(i, j int) bool) bool {
	for _, term := range terms {
		for i := 0; ; {
			j := strings.Index(s[i:], term)
			if j < 0 {
				break
			}
			if wordAt(s, term, i+j, i+j+len(term)) && ok(i+j, i+j+len(term)) {
				return true
			}
			i += j + 1
		}
	}
	return false
}

// TestShippedPlaybookTakesAPasswordChange: wanting to change a password
// one knows is the forgot-password topic's too (its summary says so), not
// the laptop's, whose out-of-scope example "how do I change my laptop
// login password" had vetoed it. Found in the forty-third set.
func TestShippedPlaybookTakesAPasswordChange(t *testing.T) {
	kb := mustDefaultKB(t)
	expectTops(t, kb, map[string]string{
		"how do I change my amazon password":    "forgot-password",
		"how do I change my password on amazon": "forgot-password",
		"Amazonのパスワードを変更するには":                   "forgot-password",
		// A change one did not make is a takeover's sign, in Japanese too
		// (it went to forgot-password at 0.51 before two examples).
		"パスワード変更のメールが来たけど変えてない":                    "account-takeover",
		"how do I change my laptop login password": "",
		"how do I change my delivery address":      "",
		"三井住友のワンタイムパスワードが海外だとSMSで届かない":             "",
	})
}

// expectTops checks the best topic kb gives each text ("" for none).
func expectTops(t *testing.T, kb *KB, want map[string]string) {
	t.Helper()
	for text, w := range want {
		got := ""
		if ms := kb.Diagnose(text); len(ms) > 0 {
			got = ms[0].Topic.ID
		}
		if got != w {
			t.Errorf("Diagnose(%q) = %q, want %q", text, got, w)
		}
	}
}

// TestAboutSeparate: the maker's other services with sign-ins of their
// own exclude a message even when it names the subject.
func TestAboutSeparate(t *testing.T) {
	a := &About{Names: []string{"Amazon", "アマゾン"}, Others: []string{"Netflix"}, Separate: []string{"Seller Central", "セラーセントラル", "KDP"}}
	a.compile()
	for _, tt := range []struct {
		text string
		want bool
	}{
		{"can't log into Amazon Seller Central", true},
		{"Amazonのセラーセントラルにログインできない", true},
		{"KDP password reset email not arriving", true},
		{"kdps", false}, // a word, not a prefix
		{"can't log into Amazon", false},
		{"forgot my password", false},
	} {
		if got := a.excludes(Normalize(tt.text)); got != tt.want {
			t.Errorf("excludes(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
}
