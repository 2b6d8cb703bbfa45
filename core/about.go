package core

import "strings"

// About says what a playbook is about. People describe sign-in trouble
// with many services in the same words ("forgot my password", "the code
// never comes"), and the words alone cannot tell Amazon's from Netflix's:
// the name can. A message that names one of Others and none of Names is
// about another service, and this playbook does not answer it, however
// well its words match. A message naming neither is taken to be about the
// playbook's subject: that is why the person asked this bot.
type About struct {
	Names  []string
	Others []string

	// The terms normalized as messages are, in tries, to look for them
	// all in one walk of the message rather than one search per term
	// (there are dozens).
	nameTrie, otherTrie *keywordTrie
}

// compile normalizes the terms as Diagnose normalizes messages.
func (a *About) compile() {
	a.nameTrie, a.otherTrie = newKeywordTrie(normalizeTerms(a.Names)), newKeywordTrie(normalizeTerms(a.Others))
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
// and not this playbook's subject.
func (a *About) excludes(norm string) bool {
	if a == nil || a.otherTrie == nil {
		return false
	}
	return a.otherTrie.mentionsAny(norm) && !a.nameTrie.mentionsAny(norm)
}

// mentionsAny reports whether one of the trie's words occurs in s as a
// word: where the word begins or ends with a Latin letter or digit, the
// text beside it must not be one ("line" is not in "online"); Japanese has
// no spaces to require. Every occurrence of every word is where a walk
// from some byte of s reaches the word's node.
func (t *keywordTrie) mentionsAny(s string) bool {
	for i := 0; i < len(s); i++ {
		n := t.root[s[i]]
		for j := i + 1; n != 0; j++ {
			if k := t.end[n]; k >= 0 && wordAt(s, t.words[k], i, j) {
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

// wordAt reports whether term, found at s[start:end], stands there as a
// word (see mentionsAny).
func wordAt(s, term string, start, end int) bool {
	return (start == 0 || !wordByte(term[0]) || !wordByte(s[start-1])) &&
		(end == len(s) || !wordByte(term[len(term)-1]) || !wordByte(s[end]))
}

func wordByte(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}
