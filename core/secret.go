package core

import (
	"regexp"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Patterns of pasted secrets. People in a hurry paste the code they were
// sent or their password to "prove" it is right; Kaiketsu must warn them,
// and must neither log, store nor echo it.
var (
	// A one-time code: 6 to 8 digits standing alone, possibly split in two
	// ("123 456", "123-456").
	otpPattern = regexp.MustCompile(`(^|[^\d.,:/])(\d{3}[ \-]?\d{3}|\d{7,8})($|[^\d.,:/])`)
	// "code is 1234", "コードは 1234", "pin: 0000".
	codeIsPattern = regexp.MustCompile(`(?i)(code|コード|pin|otp|暗証番号)\s*(is|was|=|:|は|が)?\s*(\d{4,8})\b`)
	// "password is X", "pw: X", "パスワードは X": X is the secret.
	passwordIsPattern = regexp.MustCompile(`(?i)(password|passwd|passcode|pass|pwd|pw|パスワード|ﾊﾟｽﾜｰﾄﾞ)\s*(is|was|=|:|は|を)\s*["'「]?([^\s"'」、。]{4,64})`)
)

// commonWords are what follows "my password is" when it is not a password.
var commonWords = map[string]bool{
	"wrong": true, "incorrect": true, "correct": true, "right": true, "invalid": true, "not": true,
	"rejected": true, "expired": true, "forgotten": true, "lost": true, "changed": true, "definitely": true,
	"definately": true, "surely": true, "still": true, "being": true, "always": true, "never": true,
	"fine": true, "okay": true, "also": true, "too": true, "the": true, "same": true, "different": true,
	"what": true, "gone": true, "missing": true, "reset": true, "saved": true, "stored": true,
}

// LooksSecret reports whether text seems to contain a password or a
// one-time code.
func LooksSecret(text string) bool {
	_, found := scrub(text)
	return found
}

// Scrub replaces what looks like a password or a one-time code with
// "[redacted]". It is applied before anything a person typed is stored,
// posted or logged.
func Scrub(text string) string {
	s, _ := scrub(text)
	return s
}

const redacted = "[redacted]"

// scrub is Scrub that also says whether it found anything. It runs on every
// message, so the regular expressions run only when the text has what they
// need: a digit for codes, a password word for "password is ...".
func scrub(text string) (string, bool) {
	s := text
	if !norm.NFKC.IsNormalString(s) {
		s = norm.NFKC.String(s)
	}
	orig := s
	digits := strings.ContainsAny(s, "0123456789")
	if mentionsPassword(s) {
		s = passwordIsPattern.ReplaceAllStringFunc(s, func(m string) string {
			sub := passwordIsPattern.FindStringSubmatch(m)
			if commonWords[strings.ToLower(sub[3])] || !hasASCIIWord(sub[3]) {
				return m
			}
			return strings.TrimSuffix(m, sub[3]) + redacted
		})
	}
	if digits {
		s = codeIsPattern.ReplaceAllStringFunc(s, func(m string) string {
			sub := codeIsPattern.FindStringSubmatch(m)
			return strings.TrimSuffix(m, sub[3]) + redacted
		})
		s = otpPattern.ReplaceAllString(s, "${1}"+redacted+"${3}")
	}
	// A lone strong-password-like word: long, no spaces, mixing at least
	// three of lower case, upper case, digits and symbols.
	for _, w := range strings.Fields(s) {
		if looksLikePassword(w) {
			s = strings.Replace(s, w, redacted, 1)
		}
	}
	return s, s != orig
}

// mentionsPassword is a quick, generous test for what passwordIsPattern
// starts with: "pa" or "pw" in any case, or パスワード.
func mentionsPassword(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == 'p' || c == 'P' {
			if n := s[i+1:]; len(n) > 0 && (n[0]|0x20 == 'a' || n[0]|0x20 == 'w') {
				return true
			}
		}
	}
	return strings.Contains(s, "パスワード")
}

func hasASCIIWord(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

func looksLikePassword(w string) bool {
	if len(w) < 8 || len(w) > 64 || strings.Contains(w, "://") || strings.Contains(w, "@") || strings.Contains(w, "[redacted]") {
		return false
	}
	var lower, upper, digit, symbol int
	for _, r := range w {
		switch {
		case r > unicode.MaxASCII:
			return false
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			symbol = 1
		}
	}
	// Trailing punctuation ("works!") is not enough to count as a symbol.
	if symbol == 1 && strings.IndexFunc(strings.TrimRight(w, ".,!?)"), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	}) < 0 {
		symbol = 0
	}
	return lower+upper+digit+symbol >= 3 && digit+symbol >= 1
}
