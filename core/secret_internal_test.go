package core

import (
	"math/rand/v2"
	"strings"
	"testing"
)

// TestSecretShortcutsNeverHideAMatch checks the quick tests that let scrub
// skip its regular expressions: whenever a pattern matches, its quick test
// must say it might.
func TestSecretShortcutsNeverHideAMatch(t *testing.T) {
	pieces := []string{"pass", "PASS", "Pw", "pW", "word", "WD", "wd", "code", "d", "is", "IS", "iS", "was", "WAS",
		" ", "\t", "\n", "\v", ":", "=", "は", "を", "が", "パスワード", "ﾊﾟｽﾜｰﾄﾞ", "コード", "pin", "OTP", "暗証番号",
		"1", "23", "456", "7890", "-", ".", ",", "/", "abc", "Hunter2!", "「", "」", "\"", "'", "x"}
	r := rand.New(rand.NewPCG(1, 2))
	matched := [3]int{}
	for range 200_000 {
		var b strings.Builder
		for n := 1 + r.IntN(8); n > 0; n-- {
			b.WriteString(pieces[r.IntN(len(pieces))])
		}
		s := nfkc(b.String())
		if passwordIsPattern.MatchString(s) {
			matched[0]++
			if !passwordIsMaybe(s) {
				t.Fatalf("%q matches the password pattern, but passwordIsMaybe says no", s)
			}
		}
		if codeIsPattern.MatchString(s) {
			matched[1]++
			if longestDigitRun(s) < 4 {
				t.Fatalf("%q matches the code pattern with no run of four digits", s)
			}
		}
		if otpPattern.MatchString(s) {
			matched[2]++
			if longestDigitRun(s) < 3 {
				t.Fatalf("%q matches the one-time code pattern with no run of three digits", s)
			}
		}
	}
	for i, n := range matched {
		if n < 1000 {
			t.Errorf("pattern %d matched only %d generated texts: the test proves little", i, n)
		}
	}
}
