package core

import (
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Patterns of pasted secrets. People in a hurry paste the code they were
// sent or their password to "prove" it is right; Kaiketsu must warn them,
// and must neither log, store nor echo it.
var (
	// A one-time code: 6 to 8 digits standing alone, possibly split in two
	// ("123 456", "123-456"). A run joined to others by hyphens is part of
	// a longer number (an order number, 250-1234567-1234567).
	otpPattern = regexp.MustCompile(`(^|[^\d.,:/\-])(\d{3}[ \-]?\d{3}|\d{7,8})($|[^\d.,:/\-])`)
	// "code is 1234", "コードは 1234", "pin: 0000", or the digits in
	// pieces, as a text message groups them or a person reads them out
	// ("my OTP: 12 34 56", "コード 1 2 3 4 5 6", "code 1-2-3-4-5-6"): four
	// to eight digits in all (codeLength).
	// An error code ("エラーコード: 7031", "error code 1234") names what
	// went wrong, not a secret: group 1 tells it (an "error PIN" is a PIN).
	codeIsPattern = regexp.MustCompile(`(?i)(error\s*code|エラー\s*コード|(?:code|コード|pin|otp|暗証番号))\s*(is|was|=|:|は|が)?\s*(\d{4,8}|\d{1,4}(?:[ \-]\d{1,4}){1,7})\b`)
	// "password is X", "pw: X", "パスワードは X": X is the secret.
	// X is a run of printable ASCII without quotes: in Japanese the word
	// after it follows with no space ("パスワードはabc12345です"). Words
	// of how sure or a share may come first ("my password is just
	// hunter22", "pw is 100% kaiketsu99"): they are not X (group 1 holds
	// the verb, group 2 them, group 3 X, group 4 a Japanese particle
	// right after X, which serviceNames need).
	passwordIsPattern = regexp.MustCompile(`(?i)(?:password|passwd|passcode|pass|pwd|pw|パスワード|ﾊﾟｽﾜｰﾄﾞ|ぱすわーど|パス)\s*(is|was|=|:|は|を)\s*` +
		`((?:(?:` + strings.Join(sureWords, "|") + `|(?:100|[0-9]{1,2})(?:\.[0-9]+)?%)[,.]?\s+)*)["'「]?([!#-&(-~]{4,64})(に|の|で|と|へ|から|が|を|って)?`)
	// Without a verb: "used hunter2 as my password", "パスワード hunter2 で
	// 入れない". Only an X with a letter and a digit or symbol counts
	// (wordLike), so "used my birthday as password" or "パスワード reset
	// したい" are left alone.
	passwordAsPattern = regexp.MustCompile(`(?i)(^|\s)["'「]?([!#-&(-~]{4,64})["'」]?\s+as\s+(?:my\s+|the\s+|a\s+)?(?:password|passwd|passcode|pwd|pw)\b(\s*manager)?`)
	passwordJAPattern = regexp.MustCompile(`(?:パスワード|ﾊﾟｽﾜｰﾄﾞ)\s*["'「]?([!#-&(-~]{4,64})["'」]?\s*(?:で|に|って|と|が|じゃ|では)`)
	// Right after the word, without a verb: "forgot my password hunter2
	// help". Only an X of six or more with a letter and a digit or symbol
	// that is not a name, a joined word or a link (bareOK): "password
	// reset", "password 2-step", "password (again)" are left alone.
	passwordBarePattern = regexp.MustCompile(`(?i)(?:\b(?:password|passwd|passcode|pass|pwd|pw)|パスワード|ﾊﾟｽﾜｰﾄﾞ|ぱすわーど)\s+["'「]?([!#-&(-~]{6,64})`)
)

// commonWords are what follows "my password is" when it is not a password.
var commonWords = map[string]bool{
	"wrong": true, "incorrect": true, "correct": true, "right": true, "invalid": true, "not": true,
	"rejected": true, "expired": true, "forgotten": true, "lost": true, "changed": true,
	"definately": true, "being": true, "never": true,
	"fine": true, "okay": true, "too": true, "the": true, "same": true, "different": true,
	"what": true, "gone": true, "missing": true, "reset": true, "saved": true, "stored": true,
	// Words that describe it ("the password is accepted every time"): a
	// list, not any word ending in -ed or -ing, as blessed, darling and
	// pudding are passwords on every leaked list (found by a review).
	"accepted": true, "blocked": true, "locked": true, "working": true, "failing": true,
	"denied": true, "disabled": true, "hacked": true, "leaked": true, "compromised": true,
	"stolen": true, "updated": true, "required": true, "needed": true, "asked": true,
	"requested": true, "remembered": true, "autofilled": true, "filled": true, "typed": true,
	"entered": true, "shown": true, "hidden": true, "case-sensitive": true,
	"blank": true, "empty": true,
	"sent": true, "emailed": true, "texted": true, "delivered": true, "displayed": true, "generated": true,
	// What is done to it, after "passwordを" in Japanese that mixes in
	// English ("passwordをforgetした"): verbs, not passwords.
	"forget": true, "forgot": true, "change": true, "enter": true, "input": true, "type": true,
	"remember": true, "update": true, "save": true, "check": true, "confirm": true, "use": true,
	// Words that point or ask ("whose password is whose", "what my
	// password is anymore").
	"whose": true, "which": true, "where": true, "this": true, "that": true, "it": true,
	"mine": true, "yours": true, "his": true, "hers": true, "ours": true, "theirs": true, "anymore": true,
	"somewhere": true, "anywhere": true, "nowhere": true, "either": true, "neither": true, "both": true,
}

// serviceNames, after "パスワードを" or "パスワードは", say where a
// password went or whose it is ("楽天のパスワードをAmazonに打ち込んで",
// "パスワードはAmazonのと同じ"): Japanese puts the particle after the
// name. After "my password is" a name may well be the password, and is
// redacted as any word.
var serviceNames = map[string]bool{
	"amazon": true, "google": true, "apple": true, "rakuten": true, "netflix": true, "yahoo": true,
	"gmail": true, "outlook": true, "microsoft": true, "line": true, "facebook": true, "instagram": true,
	// Where passwords are kept ("パスワードはBitwardenにある").
	"chrome": true, "safari": true, "edge": true, "firefox": true, "keychain": true, "icloud": true,
	"bitwarden": true, "1password": true, "lastpass": true, "keepass": true, "keepassxc": true, "dashlane": true,
}

// placeNamed reports whether x, matched by passwordIsPattern after verb
// and before, names where a password is: one of serviceNames after は or
// を, not quoted ("パスワードは「Amazon」です" quotes the password), and
// followed by a particle ("Amazonに", "Amazonのと同じ"; a bare
// "パスワードはGoogle" may be the password).
func placeNamed(verb, before, x, particle string) bool {
	quoted := strings.HasSuffix(before, `"`) || strings.HasSuffix(before, "'") || strings.HasSuffix(before, "「")
	return (verb == "は" || verb == "を") && particle != "" && !quoted && serviceNames[strings.ToLower(x)]
}

// sureWords say how sure or how much, after "my password is": "the
// password is completely gone", "is now hunter22". They are not the
// password; the word after them may be (passwordIsPattern).
var sureWords = []string{
	"completely", "totally", "really", "probably", "actually", "literally", "absolutely", "certainly",
	"clearly", "exactly", "apparently", "supposedly", "obviously", "usually", "normally", "correctly",
	"just", "now", "already", "entirely", "still", "also", "definitely", "surely", "always",
	"suddenly", "somehow", "simply", "basically", "honestly", "maybe", "perhaps", "long", "pretty", "kinda",
}

func init() {
	for _, w := range sureWords {
		commonWords[w] = true
	}
}

// commonWord reports whether x, less the punctuation a sentence puts
// after it ("my password is wrong, I think"), is one of commonWords.
func commonWord(x string) bool {
	return commonWords[strings.ToLower(strings.TrimRight(x, trailingPunct+"!?"))]
}

// percentage reports whether x is a share ("my pw is 100% correct"),
// less the punctuation after it: how sure, not what the password is.
func percentage(x string) bool {
	x = strings.TrimRight(x, trailingPunct+"!?")
	n, ok := strings.CutSuffix(x, "%")
	if !ok {
		return false
	}
	v, err := strconv.ParseFloat(n, 64)
	return err == nil && v >= 0 && v <= 100 && n[0] >= '0' && n[0] <= '9'
}

// Quotes (backticks too, as chat quotes a screen) and brackets around a
// word, and the commas and stops after it, belong to the sentence, not to
// the word. "!" and "?" may end a
// password ("Hunter2!"): looksLikePassword judges those itself.
const (
	trailingPunct = ".,;:)]}\"'`"
	leadingPunct  = "\"'([{`"
)

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

// scrub is Scrub that also says whether it found anything.
func scrub(text string) (string, bool) { return scrubNFKC(nfkc(text)) }

// scrubNFKC is scrub for text already in NFKC. It runs on every message,
// so each regular expression runs only when the text has what it cannot
// match without: "password" or "pw" followed by "is", ":" and the like; a
// run of four digits for "code is ..."; three for a one-time code.
func scrubNFKC(s string) (string, bool) {
	orig := s
	verbless, withVerb := passwordWords(s)
	if withVerb {
		s = passwordIsPattern.ReplaceAllStringFunc(s, func(m string) string {
			sub := passwordIsPattern.FindStringSubmatch(m)
			verb, sure, x, particle := sub[1], sub[2], sub[3], sub[4]
			before := strings.TrimSuffix(m[:len(m)-len(particle)], x)
			// After words of how sure, only a word that looks like a
			// password is one ("is just fine" is not).
			if commonWord(x) || percentage(x) || !hasASCIIWord(x) || placeNamed(verb, before, x, particle) ||
				sure != "" && !wordLike(strings.TrimRight(x, trailingPunct+"!?")) {
				return m
			}
			return before + redacted + particle
		})
	}
	if verbless {
		s = redactVerbless(s)
	}
	// Each pattern needs so many digits; redacting only ever removes some.
	if countDigits(s) >= 4 {
		s = codeIsPattern.ReplaceAllStringFunc(s, func(m string) string {
			sub := codeIsPattern.FindStringSubmatch(m)
			if errorCode(sub[1]) || !codeLength(sub[3]) {
				return m
			}
			return strings.TrimSuffix(m, sub[3]) + redacted
		})
	}
	if longestDigitRun(s) >= 3 {
		s = otpPattern.ReplaceAllString(s, "${1}"+redacted+"${3}")
	}
	// A lone strong-password-like word: long, no spaces, mixing at least
	// three of lower case, upper case, digits and symbols. The words are
	// those of the text before any of them is replaced, as strings.Fields
	// splits it; only all-ASCII words of 8 bytes or more can pass, so
	// only runs of ASCII are looked at, and the rest is never decoded.
	src := s
	for i := 0; i < len(src); {
		if src[i] >= utf8.RuneSelf || isASCIISpace(src[i]) {
			i++
			continue
		}
		start := i
		for i < len(src) && src[i] < utf8.RuneSelf && !isASCIISpace(src[i]) {
			i++
		}
		if i-start >= 8 && spaceBefore(src, start) && spaceAfter(src, i) {
			if w := src[start:i]; looksLikePassword(w) {
				s = strings.Replace(s, w, redacted, 1)
			}
		}
	}
	return s, s != orig
}

// errorCode reports whether the word before a number is "error code".
func errorCode(word string) bool {
	w := strings.ToLower(word)
	return strings.HasPrefix(w, "error") || strings.HasPrefix(w, "エラー")
}

// identifier reports whether w names something rather than hides it: a
// domain ("Amazon.co.jp"), a hexadecimal error code ("0x87DD0006"), or
// capitals and digits joined by hyphens ("WS-116522-7", an error or a
// part number: no lower case, which nearly every password has).
func identifier(w string) bool {
	w = strings.TrimRight(w, ".,!?:;")
	if domainPattern.MatchString(w) || hexPattern.MatchString(w) {
		return true
	}
	return strings.Contains(w, "-") && strings.Trim(w, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == ""
}

var (
	domainPattern = regexp.MustCompile(`^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,6}$`)
	hexPattern    = regexp.MustCompile(`^0[xX][0-9A-Fa-f]{4,16}$`)
)

// redactVerbless redacts the X of passwordAsPattern, passwordJAPattern and
// passwordBarePattern when it looks like a password rather than a word.
func redactVerbless(s string) string {
	for _, p := range []*regexp.Regexp{passwordAsPattern, passwordJAPattern, passwordBarePattern} {
		s = p.ReplaceAllStringFunc(s, func(m string) string {
			sub := p.FindStringSubmatch(m)
			x := sub[len(sub)-1]
			// The punctuation after it is trimmed for the checks only: a
			// password may end in "!" ("password Hunter2!"), and the
			// safe side is to redact it with the word.
			if p == passwordBarePattern && !bareOK(strings.TrimRight(x, trailingPunct+"!?")) {
				return m
			}
			if p == passwordAsPattern {
				if sub[3] != "" {
					return m // "1Password as my password manager"
				}
				x = sub[2]
			}
			if commonWord(x) || !wordLike(x) {
				return m
			}
			return strings.Replace(m, x, redacted, 1)
		})
	}
	return s
}

// bareOK reports whether x, right after a password word without a verb,
// is taken for the password: wordLike, six or more, and none of what
// looksLikePassword knows for a word (a contraction, joined words, an
// identifier, an address or a link).
func bareOK(x string) bool {
	return len(x) >= 6 && wordLike(x) && !commonWord(x) && !contraction(x) && !joinedWords(x) && !identifier(x) &&
		!numberedWord(x) && !strings.ContainsAny(x, "@()[]{}") && !strings.Contains(x, "://")
}

// setting reports whether w is a cookie attribute and its value, as an
// engineer quotes one ("SameSite=None"): only the attributes' own names,
// since a word, "=" and a word may well be a password ("Open=Sesame").
func setting(w string) bool {
	k, v, ok := strings.Cut(w, "=")
	return ok && v != "" && cookieAttributes[strings.ToLower(k)] && strings.Trim(strings.ToLower(v), "abcdefghijklmnopqrstuvwxyz") == ""
}

var cookieAttributes = map[string]bool{"samesite": true, "httponly": true, "secure": true, "partitioned": true, "priority": true}

// numberedWord reports whether x is a number, a hyphen and a word: "2-step",
// "6-digit".
func numberedWord(x string) bool {
	n, w, ok := strings.Cut(x, "-")
	return ok && n != "" && w != "" && strings.Trim(n, "0123456789") == "" && strings.Trim(strings.ToLower(w), "abcdefghijklmnopqrstuvwxyz") == ""
}

// wordLike reports whether x has a letter and a digit or a symbol, or is
// six digits or more: what a password has and an ordinary word does not.
func wordLike(x string) bool {
	if len(x) >= 6 && strings.Trim(x, "0123456789") == "" {
		return true
	}
	var letter, other bool
	for i := 0; i < len(x); i++ {
		c := x[i]
		switch {
		case c|0x20 >= 'a' && c|0x20 <= 'z':
			letter = true
		case c > ' ' && c < utf8.RuneSelf:
			other = true
		}
	}
	return letter && other
}

func isASCIISpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r'
}

// spaceBefore reports whether a word may start at s[i]: the text starts
// there, or a space (ASCII or not) ends there.
func spaceBefore(s string, i int) bool {
	if i == 0 || s[i-1] < utf8.RuneSelf {
		return true // ASCII before a run of ASCII non-spaces is a space
	}
	r, _ := utf8.DecodeLastRuneInString(s[:i])
	return unicode.IsSpace(r)
}

// spaceAfter reports whether a word may end at s[i].
func spaceAfter(s string, i int) bool {
	if i == len(s) || s[i] < utf8.RuneSelf {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return unicode.IsSpace(r)
}

// countDigits counts the ASCII digits of s.
func countDigits(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			n++
		}
	}
	return n
}

// codeLength reports whether x, digits perhaps in pieces, holds four to
// eight digits: a one-time code's length, not a phone or an order number's.
func codeLength(x string) bool {
	n := countDigits(x)
	return n >= 4 && n <= 8
}

// longestDigitRun is the length of the longest run of ASCII digits (what
// \d matches) in s.
func longestDigitRun(s string) int {
	best, run := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			run++
			best = max(best, run)
		} else {
			run = 0
		}
	}
	return best
}

// The words passwordIsPattern starts with: ASCII ones in any case (in
// NFKC text the pattern's case folding only ever meets ASCII letters),
// then the Japanese ones.
var (
	passwordWordsASCII = []string{"password", "passwd", "passcode", "pass", "pwd", "pw"}
	passwordWordsJA    = []string{"パスワード", "ﾊﾟｽﾜｰﾄﾞ", "ぱすわーど", "パス"}
)

// passwordWords looks through s once for the password words the
// patterns need, and reports whether each kind of pattern might match:
// verbless, when one is preceded by "as" ("hunter2 as my password") or,
// in Japanese, followed by ASCII ("パスワード abc12345 で"); withVerb, when
// one is followed by optional space and one of passwordIsPattern's verbs.
// Most messages that name a password ("I forgot my password") need no
// regular expression at all.
func passwordWords(s string) (verbless, withVerb bool) {
	for i := 0; i < len(s); i++ {
		var words []string
		switch c := s[i]; {
		case c|0x20 == 'p':
			words = passwordWordsASCII
		case c >= utf8.RuneSelf:
			words = passwordWordsJA
		default:
			continue
		}
		for _, w := range words {
			if !hasWordAt(s, i, w) {
				continue
			}
			if w[0] < utf8.RuneSelf {
				verbless = verbless || asBefore(s[:i]) || spacedASCIIAfter(s[i+len(w):])
			} else {
				verbless = verbless || asciiAfter(s[i+len(w):])
			}
			withVerb = withVerb || passwordVerbFollows(s[i+len(w):])
			if verbless && withVerb {
				return true, true
			}
		}
	}
	return verbless, withVerb
}

// asBefore reports whether s ends with "as", optionally followed by "my",
// "the" or "a", and space: what passwordAsPattern needs before its word.
func asBefore(s string) bool {
	s = strings.TrimRight(s, reSpace)
	for _, det := range []string{"my", "the", "a"} {
		if hasSuffixFoldASCII(s, det) {
			if t := strings.TrimRight(s[:len(s)-len(det)], reSpace); hasSuffixFoldASCII(t, "as") {
				return true
			}
		}
	}
	return hasSuffixFoldASCII(s, "as")
}

// asciiAfter reports whether s starts, after space and an opening quote,
// with printable ASCII: what passwordJAPattern needs after its word.
func asciiAfter(s string) bool {
	s = strings.TrimLeft(s, reSpace)
	s = strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(s, `"`), "'"), "「")
	return s != "" && s[0] > ' ' && s[0] < utf8.RuneSelf
}

// spacedASCIIAfter reports whether s starts with space and then, after
// an opening quote, printable ASCII: what passwordBarePattern needs after
// its word.
func spacedASCIIAfter(s string) bool {
	return s != "" && strings.IndexByte(reSpace, s[0]) >= 0 && asciiAfter(s)
}

// reSpace is what \s matches in Go's regular expressions.
const reSpace = "\t\n\f\r "

// hasWordAt reports whether s has w at i: an ASCII word in any case, a
// Japanese one as it is.
func hasWordAt(s string, i int, w string) bool {
	if len(s)-i < len(w) {
		return false
	}
	if w[0] < utf8.RuneSelf {
		return hasPrefixFoldASCII(s[i:], w)
	}
	// The first two bytes rule out nearly every character of Japanese
	// text before a full comparison.
	return s[i] == w[0] && s[i+1] == w[1] && s[i:i+len(w)] == w
}

// passwordIsMaybe: passwordWords' withVerb.
func passwordIsMaybe(s string) bool { _, v := passwordWords(s); return v }

// passwordVerblessMaybe: passwordWords' verbless.
func passwordVerblessMaybe(s string) bool { v, _ := passwordWords(s); return v }

// passwordVerbFollows: \s*(is|was|=|:|は|を) at the start of s.
func passwordVerbFollows(s string) bool {
	s = strings.TrimLeft(s, "\t\n\f\r ")
	return hasPrefixFoldASCII(s, "is") || hasPrefixFoldASCII(s, "was") ||
		strings.HasPrefix(s, "=") || strings.HasPrefix(s, ":") || strings.HasPrefix(s, "は") || strings.HasPrefix(s, "を")
}

// hasPrefixFoldASCII reports whether s starts with lower, a lower-case
// ASCII word, in any case.
func hasPrefixFoldASCII(s, lower string) bool {
	if len(s) < len(lower) {
		return false
	}
	for i := 0; i < len(lower); i++ {
		if s[i]|0x20 != lower[i] {
			return false
		}
	}
	return true
}

// hasSuffixFoldASCII reports whether s ends with lower, a lower-case ASCII
// word, in any case.
func hasSuffixFoldASCII(s, lower string) bool {
	return len(s) >= len(lower) && hasPrefixFoldASCII(s[len(s)-len(lower):], lower)
}

func hasASCIIWord(s string) bool {
	for _, r := range s {
		if r > unicode.MaxASCII {
			return false
		}
	}
	return true
}

// contraction reports whether w is letters with one apostrophe ending
// them in 's, 't, 're, 'll, 've or 'd, upper case only at the start.
func contraction(w string) bool {
	i := strings.IndexByte(w, '\'')
	if i < 1 {
		return false
	}
	switch strings.ToLower(w[i+1:]) {
	case "s", "t", "re", "ll", "ve", "d":
	default:
		return false
	}
	for j := 0; j < i; j++ {
		c := w[j]
		if !(c >= 'a' && c <= 'z' || j == 0 && c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// joinedWords reports whether w is runs of letters joined by single
// slashes or hyphens, with nothing else.
func joinedWords(w string) bool {
	joins := 0
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c|0x20 >= 'a' && c|0x20 <= 'z':
		case (c == '/' || c == '-') && i > 0 && i < len(w)-1 && w[i-1] != '/' && w[i-1] != '-':
			joins++
		default:
			return false
		}
	}
	return joins > 0
}

func looksLikePassword(w string) bool {
	// A Slack mention as slash commands escape it (<@U024BE7LH|bob>,
	// <!subteam^S01|@team>, <#C01|help>) or an @handle names someone.
	if w[0] == '@' || (w[0] == '<' && len(w) > 2 && strings.ContainsRune("@!#", rune(w[1])) && strings.HasSuffix(w, ">")) {
		return false
	}
	// Quotes and brackets around a word, and the punctuation after it,
	// are the sentence's ("new sign-in from Windows" is not a password).
	w = strings.TrimLeft(strings.TrimRight(w, trailingPunct), leadingPunct)
	// The password manager is not a password ("1Password", "1Password?");
	// "Welcome#Password!" is.
	if len(w) < 8 || len(w) > 64 || strings.Contains(w, "://") || strings.Contains(w, "[redacted]") ||
		strings.EqualFold(strings.TrimRight(w, "!?"), "1password") {
		return false
	}
	// An e-mail address, not a password: a dot in what follows the @
	// ("me@example.com"); "P@ssw0rd!2024" has none.
	if at := strings.IndexByte(w, '@'); at >= 0 && strings.Contains(strings.TrimRight(w[at+1:], ".,!?)"), ".") {
		return false
	}
	// A word's possessive or contraction ("Chrome's", "Doesn't"), not
	// one made of such pieces ("Rock'n'Roll", "Don'tPanic"); words joined
	// by slashes or hyphens ("Sir/Madam", "iOS/Android", "Sign-In").
	if contraction(w) || joinedWords(w) || identifier(w) || setting(w) {
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
