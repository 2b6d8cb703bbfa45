package core

import "strings"

// About says what a playbook is about. People describe sign-in trouble
// with many services in the same words ("forgot my password", "the code
// never comes"), and the words alone cannot tell Amazon's from Netflix's:
// the name can. A message that names one of Others and none of Names is
// about another service, and this playbook does not answer it, however
// well its words match. A message naming neither is taken to be about the
// playbook's subject: that is why the person asked this bot.
//
// Places are services people also name as where something of the
// subject's goes ("the code never reaches my Gmail", "my Amazon is on an
// old Hotmail"): naming one is not enough, but naming one as what the
// trouble is with is, as for Others. What marks that is the playbook's
// business, so the playbook says it: a word that follows the place
// (PlaceFollowedBy: "Gmailにログインできない", "Outlookのパスワード忘れた")
// or one that comes before it (PlacePrecededBy: "can't log into Gmail").
//
// Separate are the subject's maker's other services with a sign-in of
// their own (for Amazon: Seller Central, KDP, AWS): people name the subject
// with them ("Amazonのセラーセントラルにログインできない"), so a message
// naming one is not this playbook's even when it names the subject.
//
// Unrelated terms are the subject's other business (for Amazon sign-in:
// gift cards, coupons, lockers, deliveries): a message naming one of them
// and none of UnrelatedUnless (words of this playbook's own business,
// "sign in", "ログイン") gets no topic, even naming the subject: "Amazon
// gift card code says invalid" is not a verification code.
type About struct {
	Names    []string
	Others   []string
	Places   []string
	Separate []string

	PlaceFollowedBy, PlacePrecededBy []string

	Unrelated, UnrelatedUnless []string

	// The terms normalized as messages are, in tries, to look for them
	// all in one walk of the message rather than one search per term
	// (there are dozens).
	nameTrie, otherTrie, placeTrie *keywordTrie
	unrelatedTrie, unlessTrie      *keywordTrie
	separateTrie                   *keywordTrie
	placeAfter, placeBefore        []string // normalized
}

// compile normalizes the terms as Diagnose normalizes messages.
func (a *About) compile() {
	a.nameTrie, a.otherTrie = newKeywordTrie(normalizeTerms(a.Names)), newKeywordTrie(normalizeTerms(a.Others))
	a.placeTrie = newKeywordTrie(normalizeTerms(a.Places))
	a.placeAfter, a.placeBefore = normalizeTerms(a.PlaceFollowedBy), normalizeTerms(a.PlacePrecededBy)
	a.unrelatedTrie, a.unlessTrie = newKeywordTrie(normalizeTerms(a.Unrelated)), newKeywordTrie(normalizeTerms(a.UnrelatedUnless))
	a.separateTrie = newKeywordTrie(normalizeTerms(a.Separate))
}

// normalizeTerms normalizes ts, without empty or repeated terms.
func normalizeTerms(ts []string) []string {
	var out []string
	for _, t := range ts {
		if n := strings.TrimSpace(Normalize(t)); n != "" && !contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// excludes reports whether a normalized message names another service
// and not this playbook's subject, names one of Separate, or names the
// subject's other business (Unrelated) without a word of this playbook's.
func (a *About) excludes(norm string) bool { return a.excludesPart(norm, false) }

// excludesPart is excludes for a sentence of a message that names the
// subject elsewhere (named): then only the subject's other business
// excludes it.
func (a *About) excludesPart(norm string, named bool) bool {
	if a == nil || a.otherTrie == nil {
		return false
	}
	if a.separateTrie.mentionsAny(norm) {
		return true
	}
	if a.unrelatedTrie.mentionsAny(norm) && !a.unlessTrie.mentionsAny(norm) {
		return true
	}
	if named {
		return false
	}
	denied := false
	if a.nameTrie.findWord(norm, func(i, j int) bool {
		if deniedName(norm, i, j) {
			denied = true
			return false
		}
		return true
	}) {
		return false
	}
	return denied || a.otherTrie.findWord(norm, func(i, j int) bool { return !comparedWith(norm, i, j) }) ||
		a.placeTrie.findWord(norm, func(i, j int) bool { return a.signsInTo(norm, i, j) })
}

// deniedName reports whether the name at norm[i:j] is named as what the
// message is not about ("Amazonじゃないんですけど", "Amazonのことではなく",
// "this is not about Amazon"): a message that names the subject only so is
// not the playbook's.
func deniedName(norm string, i, j int) bool {
	after := strings.TrimLeft(norm[j:], " ")
	if rest, ok := strings.CutPrefix(after, "の"); ok {
		for _, w := range []string{"こと", "話", "はなし", "件"} {
			if r, ok := strings.CutPrefix(rest, w); ok {
				after = r
				break
			}
		}
	}
	return startsWithAny(after, deniedAfter) || endsWithWord(strings.TrimRight(norm[:i], " "), deniedBefore)
}

// The words that deny a name, normalized (see comparedWith). Not "以外"
// nor a bare "not": "Amazon以外は入れる", "works everywhere, not on
// Amazon" are Amazon's trouble.
var (
	deniedAfter  = []string{"じゃな", "ではな", "じゃあり", "ではあり"}
	deniedBefore = []string{"not about", "not asking about", "isn t about", "isnt about", "nothing to do with", "not related to"}
)

// names reports whether a normalized message names the subject.
func (a *About) names(norm string) bool {
	return a != nil && a.nameTrie != nil && a.nameTrie.mentionsAny(norm)
}

// mentionsAny reports whether one of the trie's words occurs in s as a
// word: where the word begins or ends with a Latin letter or digit, the
// text beside it must not be one ("line" is not in "online"); Japanese has
// no spaces to require.
func (t *keywordTrie) mentionsAny(s string) bool {
	return t.findWord(s, func(int, int) bool { return true })
}

// findWord reports whether f accepts one of the occurrences of the trie's
// words in s, as words (see mentionsAny), s[i:j]. Every occurrence of
// every word is where a walk from some byte of s reaches the word's node.
func (t *keywordTrie) findWord(s string, f func(i, j int) bool) bool {
	for i := 0; i < len(s); i++ {
		n := t.root[s[i]]
		for j := i + 1; n != 0; j++ {
			if k := t.end[n]; k >= 0 && wordAt(s, t.words[k], i, j) && f(i, j) {
				return true
			}
			if j == len(s) {
				break
			}
			n = t.child(n, s[j])
		}
	}
	return false
}

// comparedWith reports whether the service named at norm[i:j] is named
// as what the subject's password or address was mixed up with ("楽天と
// 同じパスワードのつもり", "楽天のやつと混ざってた", "mixing it up with my
// ebay one", "I might be putting in my netflix one"): the trouble is
// still the subject's.
func comparedWith(norm string, i, j int) bool {
	after := strings.TrimLeft(norm[j:], " ")
	for _, w := range comparedAfter {
		rest, ok := strings.CutPrefix(after, w)
		if !ok || w[len(w)-1] < 0x80 && rest != "" && wordByte(rest[0]) {
			continue
		}
		// "my netflix one", not "netflix one time code".
		if w[0] < 0x80 && strings.HasPrefix(strings.TrimLeft(rest, " "), "time") {
			continue
		}
		return true
	}
	before := strings.TrimSuffix(strings.TrimRight(norm[:i], " "), " my")
	return endsWithWord(before, comparedBefore)
}

var (
	comparedAfter  = []string{"と同じ", "とおなじ", "と混", "とまざ", "と間違", "とまちが", "のやつと", "one", "ones"}
	comparedBefore = []string{"same as", "same one as", "mixing it up with", "mixed it up with", "mixing up with", "mixed up with", "confused with", "confusing it with", "confused it with"}
)

// signsInTo reports whether the place named at norm[i:j] (a normalized
// message) is named as what the trouble is with: followed by one of the
// playbook's words for that ("gmailにろぐいん", "outlookのぱすわーど",
// "gmail password"), after an optional "account" or "app" and a Japanese
// particle, or preceded by one of its words for that, after an optional
// determiner ("log into my gmail").
func (a *About) signsInTo(norm string, i, j int) bool {
	after := strings.TrimLeft(norm[j:], " ")
	// "gmailのあかうんとにろぐいん": a particle may come before the suffix too.
	if rest, ok := strings.CutPrefix(after, "の"); ok {
		for _, w := range placeSuffixes {
			if strings.HasPrefix(rest, w) {
				after = rest
				break
			}
		}
	}
	for _, w := range placeSuffixes {
		if rest, ok := strings.CutPrefix(after, w); ok {
			after = strings.TrimLeft(rest, " ")
			break
		}
	}
	for _, p := range placeParticles {
		if rest, ok := strings.CutPrefix(after, p); ok {
			after = strings.TrimLeft(rest, " ")
			break
		}
	}
	if startsWithAny(after, a.placeAfter) {
		return true
	}
	before := strings.TrimRight(norm[:i], " ")
	for _, d := range placeDeterminers {
		if rest, ok := strings.CutSuffix(before, d); ok && (rest == "" || rest[len(rest)-1] == ' ') {
			before = strings.TrimRight(rest, " ")
			break
		}
	}
	return endsWithWord(before, a.placeBefore)
}

// startsWithAny reports whether s starts with one of words; a word may go
// on ("password" starts "passwords", "ろぐいん" starts "ろぐいんできない").
func startsWithAny(s string, words []string) bool {
	for _, w := range words {
		if strings.HasPrefix(s, w) {
			return true
		}
	}
	return false
}

// endsWithWord reports whether s ends with one of words, standing as a
// word (see wordAt): "log into", not "catalog into".
func endsWithWord(s string, words []string) bool {
	for _, w := range words {
		if rest, ok := strings.CutSuffix(s, w); ok && wordAt(s, w, len(rest), len(s)) {
			return true
		}
	}
	return false
}

// The grammar around a place's name, normalized (hiragana for katakana,
// lower case): what may stand between the name and the playbook's words
// ("gmail account password", "lineのあぷりで認証"), in any playbook.
var (
	placeSuffixes    = []string{"あかうんと", "あぷり", "めーる", "account", "apps", "app", "mail"}
	placeParticles   = []string{"の", "に", "で", "へ", "が", "は", "から"}
	placeDeterminers = []string{"my", "the", "our", "a"}
)

// wordAt reports whether term, found at s[start:end], stands there as a
// word (see mentionsAny).
func wordAt(s, term string, start, end int) bool {
	return (start == 0 || !wordByte(term[0]) || !wordByte(s[start-1])) &&
		(end == len(s) || !wordByte(term[len(term)-1]) || !wordByte(s[end]))
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
