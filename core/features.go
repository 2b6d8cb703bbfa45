package core

import (
	"strings"
	"unicode/utf8"
)

// Feature weights. Words and Japanese bigrams carry the meaning; shared
// concepts bridge languages and slang; trigrams of Latin words forgive
// typos; single kanji catch short Japanese messages.
const (
	wWord    = 1.0
	wConcept = 1.4
	wBigram  = 1.0
	wKanji   = 0.4
	wTrigram = 0.3
)

var (
	// enBigram weighs a pair of English words in a row ("didn't change",
	// "not me", "forgot password"): which cause is meant often lies in the
	// pair, not in either word ("changed my email" is a typo's cause,
	// "didn't change my email" a takeover's). Japanese has its character
	// bigrams for that. Pairs of two stopwords say nothing.
	enBigram   = 1.0
	wKanjiWord = 1.0
	jaTrigram  = 0.5
)

// concepts maps surface forms people use in support chat, in either
// language, to one shared token, so that "pw", "passwd", "ぱすわーど" and
// "パスワード" meet. It is general support vocabulary, not playbook knowledge.
var concepts = map[string][]string{
	"password": {"password", "passwords", "passwd", "pw", "pwd", "pws", "pass", "passcode", "ぱすわーど", "ぱすわど", "ぱすわ", "ぱすわーどを", "暗証番号"},
	"signin":   {"login", "logins", "logon", "signin", "signon", "ろぐいん", "さいんいん", "ろぐおん"},
	"account":  {"account", "accounts", "acct", "acc", "accnt", "あかうんと", "あかんと"},
	"email":    {"email", "emails", "e-mail", "mail", "gmail", "inbox", "めーる", "めあど", "めるあど", "めーるあどれす"},
	"otp":      {"otp", "2fa", "mfa", "2sv", "totp", "onetime", "one-time", "ワンタイム", "わんたいむ", "二段階", "2段階", "二要素", "2要素", "authenticator", "認証あぷり"},
	"code":     {"code", "codes", "pin", "digit", "digits", "こーど", "番号", "数字", "桁"},
	"captcha":  {"captcha", "captchas", "recaptcha", "catpcha", "capcha", "captcah", "robot", "きゃぷちゃ", "きゃぷしゃ", "画像認証", "がぞうにんしょう", "ろぼっと"},
	"hack":     {"hack", "hacked", "hacker", "hackers", "hacking", "compromised", "stolen", "hijacked", "takeover", "はっく", "はっきんぐ", "はっかー", "乗っ取", "のっと", "乗取", "不正"},
	"forgot":   {"forgot", "forget", "forgotten", "forgetting", "remember", "recall", "忘れ", "わすれ", "思い出せ", "おもいだせ"},
	"browser":  {"browser", "chrome", "safari", "firefox", "edge", "cache", "cookie", "cookies", "incognito", "ぶらうざ", "くろーむ", "きゃっしゅ", "くっきー", "しーくれっと"},
	"reset":    {"reset", "resetting", "recover", "recovery", "りせっと", "再設定", "さいせってい"},
	"cannot":   {"cant", "cannot", "couldnt", "unable", "wont", "doesnt", "できない", "できません", "出来ない", "出来ません", "できん", "でけへん"},
	"phone":    {"phone", "sms", "text", "mobile", "cell", "でんわ", "電話", "携帯", "すまほ"},
	"arrive":   {"arrive", "arrived", "arriving", "receive", "received", "receiving", "came", "come", "coming", "get", "getting", "届", "とど", "来な", "こな", "来ない", "こない"},
}

// latinConcept and jaConcepts are the concept table split by script for
// fast lookup; jaConcepts, by first character, is matched as substrings of
// Japanese runs.
var (
	latinConcept = map[string]string{}
	jaConcepts   = map[rune][]jaConcept{}
)

type jaConcept struct{ surface, concept string }

func init() {
	for c, forms := range concepts {
		for _, f := range forms {
			f = Normalize(f)
			r, _ := utf8.DecodeRuneInString(f)
			if r < utf8.RuneSelf {
				latinConcept[strings.ReplaceAll(f, " ", "")] = c
				continue
			}
			jaConcepts[r] = append(jaConcepts[r], jaConcept{f, c})
		}
	}
}

// twoWordConcepts joins pairs of Latin words that mean one thing.
var twoWordConcepts = map[[2]string]string{
	{"log", "in"}: "signin", {"sign", "in"}: "signin", {"log", "on"}: "signin", {"sign", "on"}: "signin",
	{"can", "not"}: "cannot", {"one", "time"}: "otp", {"two", "factor"}: "otp", {"two", "step"}: "otp",
	{"e", "mail"}: "email",
}

var stopwords = map[string]bool{
	"a": true, "an": true, "the": true, "to": true, "of": true, "and": true, "or": true, "is": true, "it": true,
	"i": true, "im": true, "me": true, "my": true, "in": true, "on": true, "at": true, "for": true, "with": true,
	"this": true, "that": true, "be": true, "am": true, "are": true, "was": true, "so": true, "but": true,
	"just": true, "do": true, "have": true, "has": true, "had": true, "you": true, "your": true, "we": true,
	"what": true, "there": true, "from": true, "by": true, "as": true, "if": true, "its": true, "please": true,
	"pls": true, "plz": true, "help": true, "hi": true, "hey": true, "hello": true, "some": true, "any": true,
	"again": true, "now": true, "still": true, "all": true, "when": true, "how": true, "why": true, "then": true,
	"ok": true, "okay": true, "bye": true, "thanks": true, "thank": true, "thx": true, "ty": true,
	"got": true, "like": true, "really": true, "very": true, "too": true, "will": true, "would": true,
	"can": true, "could": true, "should": true, "they": true, "them": true, "he": true, "she": true,
	"amazon": true, "amzn": true,
}

// stem strips common English endings so that "passwords", "resetting" and
// "expired" meet their base word. It is deliberately crude.
func stem(w string) string {
	n := len(w)
	switch {
	case n > 5 && strings.HasSuffix(w, "ing"):
		w = w[:n-3]
	case n > 4 && strings.HasSuffix(w, "ed"):
		w = w[:n-2]
	case n > 4 && strings.HasSuffix(w, "es"):
		w = w[:n-2]
	case n > 3 && strings.HasSuffix(w, "s") && !strings.HasSuffix(w, "ss"):
		w = w[:n-1]
	}
	if len(w) > 3 && w[len(w)-1] == w[len(w)-2] {
		w = w[:len(w)-1] // resett -> reset
	}
	if len(w) > 3 && w[len(w)-1] == 'e' {
		w = w[:len(w)-1] // place, placed -> plac
	}
	return w
}

// features calls emit for each weighted feature of normalized text. Latin
// runs give words, pairs of words, their stems' trigrams and concepts;
// Japanese runs give character bigrams and trigrams, kanji and kanji
// compounds, and concepts found inside them. The key passed to emit is only valid during the call:
// diagnosis looks it up without allocating, the index copies it.
func features(text string, emit func(key []byte, w float64)) {
	k := keyer{sink: emitFunc(emit), buf: make([]byte, 0, 64)}
	k.features(text)
}

// featureSink receives the features of a text, as emit does for features.
// Diagnosis keeps one keyer with its scratch space as the sink, so that
// neither the key buffer nor a closure is allocated per text.
type featureSink interface {
	feature(key []byte, w float64)
}

type emitFunc func([]byte, float64)

func (f emitFunc) feature(key []byte, w float64) { f(key, w) }

// features is the package function features, with k's sink and buffer.
func (k *keyer) features(text string) {
	var prev string
	for len(text) > 0 {
		i := strings.IndexByte(text, ' ')
		field := text
		if i >= 0 {
			field, text = text[:i], text[i+1:]
		} else {
			text = ""
		}
		if field == "" {
			continue
		}
		// Split each field into Latin and Japanese runs: people mix them
		// with no space ("amazonのpw忘れた").
		start := 0
		jp := false
		for i, r := range field {
			rj := isJapanese(r)
			if i > start && rj != jp {
				prev = k.run(field[start:i], jp, prev)
				start = i
			}
			jp = rj
		}
		prev = k.run(field[start:], jp, prev)
	}
}

// keyer builds feature keys in one reused buffer.
type keyer struct {
	buf  []byte
	sink featureSink
	// packed, when set, gets the features of kanji, kana n-grams and
	// trigrams as packed keys instead of strings (see packKey).
	packed packedSink
	// prevStem is the stem of the Latin word run last saw, read only
	// while run is given that word as prev.
	prevStem string
}

// packedSink receives features by packed key.
type packedSink interface {
	featurePacked(key uint64, w float64)
}

func (k *keyer) put(w float64, prefix, s string) {
	k.buf = append(append(k.buf[:0], prefix...), s...)
	k.sink.feature(k.buf, w)
}

func (k *keyer) runes(w float64, prefix string, rs ...rune) {
	k.buf = append(k.buf[:0], prefix...)
	for _, r := range rs {
		k.buf = utf8.AppendRune(k.buf, r)
	}
	k.sink.feature(k.buf, w)
}

// Packed keys: the features made of up to three runes ("k:", "b:", "3:")
// or three bytes ("t:") as one integer, so that diagnosis looks them up
// in a map of integers rather than of strings. A rune takes 21 bits;
// noRune, above any rune, fills the places of a shorter key, and tells a
// lone kana ("b:" of one rune) from a kanji ("k:").
const noRune = 1<<21 - 1

func packRunes(a, b, c rune) uint64 { return uint64(a)<<42 | uint64(b)<<21 | uint64(c) }

func packKanji(r rune) uint64         { return packRunes(r, noRune, noRune) }
func packLoneKana(r rune) uint64      { return packRunes(r, noRune, noRune-1) }
func packBigram(a, b rune) uint64     { return packRunes(a, b, noRune) }
func packTrigram(a, b, c rune) uint64 { return packRunes(a, b, c) }
func packLatin(a, b, c byte) uint64   { return 1<<63 | uint64(a)<<16 | uint64(b)<<8 | uint64(c) }

// packKey returns the packed form of a feature key, when it has one.
func packKey(key string) (uint64, bool) {
	if len(key) < 2 || key[1] != ':' {
		return 0, false
	}
	body := key[2:]
	if key[0] == 't' {
		if len(body) != 3 {
			return 0, false
		}
		return packLatin(body[0], body[1], body[2]), true
	}
	var rs []rune
	for _, r := range body {
		if r == utf8.RuneError || len(rs) == 3 {
			return 0, false
		}
		rs = append(rs, r)
	}
	switch {
	case key[0] == 'k' && len(rs) == 1:
		return packKanji(rs[0]), true
	case key[0] == 'b' && len(rs) == 1:
		return packLoneKana(rs[0]), true
	case key[0] == 'b' && len(rs) == 2:
		return packBigram(rs[0], rs[1]), true
	case key[0] == '3' && len(rs) == 3:
		return packTrigram(rs[0], rs[1], rs[2]), true
	}
	return 0, false
}

func (k *keyer) run(s string, jp bool, prev string) string {
	if s == "" {
		return prev
	}
	if jp {
		k.japanese(s)
		return ""
	}
	// Each word is stemmed once: for its pair with the word before, and
	// (kept in k.prevStem) for its pair with the word after.
	w, prevStem := stem(s), k.prevStem
	k.prevStem = w
	if c, ok := twoWordConcepts[[2]string{prev, s}]; ok {
		k.put(wConcept, "c:", c)
	}
	if enBigram > 0 && prev != "" && !(stopwords[prev] && stopwords[s]) {
		k.buf = append(append(append(append(k.buf[:0], "2:"...), prevStem...), ' '), w...)
		k.sink.feature(k.buf, enBigram)
	}
	if c, ok := latinConcept[s]; ok {
		k.put(wConcept, "c:", c)
		return s
	}
	if stopwords[s] || len(s) < 2 {
		return s
	}
	if c, ok := latinConcept[w]; ok {
		k.put(wConcept, "c:", c)
		return s
	}
	k.put(wWord, "w:", w)
	if len(w) >= 4 && !isDigits(w) {
		// Trigrams of " word ", so that a typo still shares most of them.
		if k.packed != nil {
			at := func(j int) byte {
				if j < 0 || j >= len(w) {
					return ' '
				}
				return w[j]
			}
			for i := -1; i+2 <= len(w); i++ {
				k.packed.featurePacked(packLatin(at(i), at(i+1), at(i+2)), wTrigram)
			}
			return s
		}
		for i := -1; i+2 <= len(w); i++ {
			k.buf = append(k.buf[:0], "t:"...)
			for j := i; j < i+3; j++ {
				if j < 0 || j >= len(w) {
					k.buf = append(k.buf, ' ')
				} else {
					k.buf = append(k.buf, w[j])
				}
			}
			k.sink.feature(k.buf, wTrigram)
		}
	}
	return s
}

func (k *keyer) japanese(s string) {
	for i, r := range s {
		for _, c := range jaConcepts[r] {
			if strings.HasPrefix(s[i:], c.surface) {
				k.put(wConcept, "c:", c.concept)
			}
		}
	}
	var p1, p2 rune = -1, -1
	han := -1 // start of the current run of kanji
	n := 0
	for i, r := range s {
		n++
		kanji := isHan(r)
		if kanji {
			if k.packed != nil {
				k.packed.featurePacked(packKanji(r), wKanji)
			} else {
				k.runes(wKanji, "k:", r)
			}
			if han < 0 {
				han = i
			}
		} else if han >= 0 {
			if w := s[han:i]; utf8.RuneCountInString(w) >= 2 {
				k.put(wKanjiWord, "h:", w) // a kanji compound is nearly a word
			}
			han = -1
		}
		if p1 >= 0 {
			if k.packed != nil {
				k.packed.featurePacked(packBigram(p1, r), wBigram)
			} else {
				k.runes(wBigram, "b:", p1, r)
			}
		}
		if p2 >= 0 && jaTrigram > 0 {
			if k.packed != nil {
				k.packed.featurePacked(packTrigram(p2, p1, r), jaTrigram)
			} else {
				k.runes(jaTrigram, "3:", p2, p1, r)
			}
		}
		p2, p1 = p1, r
	}
	if han >= 0 {
		if w := s[han:]; utf8.RuneCountInString(w) >= 2 {
			k.put(wKanjiWord, "h:", w)
		}
	}
	if n == 1 && !isHan(p1) {
		if k.packed != nil {
			k.packed.featurePacked(packLoneKana(p1), wBigram)
		} else {
			k.put(wBigram, "b:", s)
		}
	}
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
