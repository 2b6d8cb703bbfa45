package core

import "sort"

// keywordTrie finds which of a set of keywords occur in a text, all at
// once: diagnosis asks for every keyword of every topic near the text,
// and one walk of the text through a trie of them costs less than a
// substring search per keyword. Matching is on bytes, as strings.Contains.
type keywordTrie struct {
	root  [256]int32 // the root's child for each byte; 0: none (the root is node 0)
	first []int32    // node n's children are edges[first[n]:first[n+1]], by byte
	edges []keywordEdge
	end   []int32 // the keyword ending at node n, or -1
	words []string
}

type keywordEdge struct {
	b    byte
	node int32
}

// newKeywordTrie indexes distinct, non-empty keywords; keyword i is
// reported as i.
func newKeywordTrie(keywords []string) *keywordTrie {
	// Build with maps, then lay the children out flat.
	kids := []map[byte]int32{{}}
	end := []int32{-1}
	for i, k := range keywords {
		n := int32(0)
		for j := 0; j < len(k); j++ {
			c, ok := kids[n][k[j]]
			if !ok {
				c = int32(len(kids))
				kids = append(kids, map[byte]int32{})
				end = append(end, -1)
				kids[n][k[j]] = c
			}
			n = c
		}
		end[n] = int32(i)
	}
	t := &keywordTrie{end: end, words: keywords, first: make([]int32, len(kids)+1)}
	for b, c := range kids[0] {
		t.root[b] = c
	}
	for n, m := range kids {
		t.first[n] = int32(len(t.edges))
		start := len(t.edges)
		for b, c := range m {
			t.edges = append(t.edges, keywordEdge{b, c})
		}
		es := t.edges[start:]
		sort.Slice(es, func(i, j int) bool { return es[i].b < es[j].b })
	}
	t.first[len(kids)] = int32(len(t.edges))
	return t
}

// keywords returns the keywords, by index.
func (t *keywordTrie) keywords() []string { return t.words }

func (t *keywordTrie) child(n int32, b byte) int32 {
	es := t.edges[t.first[n]:t.first[n+1]]
	lo, hi := 0, len(es)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		switch {
		case es[m].b == b:
			return es[m].node
		case es[m].b < b:
			lo = m + 1
		default:
			hi = m
		}
	}
	return 0
}

// find sets seen[k] for each keyword k in text that is not yet seen, and
// appends k to hits.
func (t *keywordTrie) find(text string, seen []bool, hits []int32) []int32 {
	for i := 0; i < len(text); i++ {
		n := t.root[text[i]]
		for j := i + 1; n != 0; j++ {
			if k := t.end[n]; k >= 0 && !seen[k] {
				seen[k] = true
				hits = append(hits, k)
			}
			if j == len(text) {
				break
			}
			n = t.child(n, text[j])
		}
	}
	return hits
}
