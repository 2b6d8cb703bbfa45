package core

import "testing"

// TestGeneralTroubleNamesNoCause: a message that only says the trouble
// ("I can't sign in"), in words none of the playbook's general phrasings
// has, gets the causes to choose from (no match, or a guess below the
// confident score), not one cause's walkthrough. Before general
// phrasings, "amazon sign-in not working for me" started the browser
// walkthrough (0.73) and "I can't sign in to my Amazon account" the urgent
// takeover one (0.69).
func TestGeneralTroubleNamesNoCause(t *testing.T) {
	kb := mustDefaultKB(t)
	for _, text := range []string{
		"I can't sign into amazon",
		"アマゾンにサインインできない",
		"my amazon login isn't working",
		"Amazonのアカウントにログインできなくなってしまいました",
		"cant get in to amazon",
		"help me log into my amazon account",
		"amazon sign-in not working for me",
		"ログインできなくなったんだけど",
		"i can't log into amazon anymore",
	} {
		if ms := kb.Diagnose(text); len(ms) > 0 && ms[0].Score >= confident {
			t.Errorf("Diagnose(%q) = %s at %.2f, a cause at a guess; want the causes to choose from", text, ms[0].Topic.ID, ms[0].Score)
		}
	}
	// A cause said beside the trouble is still that cause.
	for text, want := range map[string]string{
		"Amazonにログインできない。パスワードが違うと言われる":                     "wrong-credentials",
		"can't log in to amazon, the captcha keeps failing": "captcha",
		"I can't sign in, the code never arrives":           "verification-code",
	} {
		if ms := kb.Diagnose(text); len(ms) == 0 || ms[0].Topic.ID != want || ms[0].Score < confident {
			t.Errorf("Diagnose(%q) = %v, want %s, confident", text, ms, want)
		}
	}
}
