package core

import (
	"math"
	"slices"
	"strings"
	"sync"
	"unicode/utf8"
	"unsafe"
)

// Match is one topic that fits a person's text, with a score in [0, 1].
type Match struct {
	Topic *Topic
	Score float64
}

// How diagnosis decides, tuned on the evaluation sets (see eval_test.go).
const (
	maxMatches = 3
	// closeRatio: a runner-up scoring at least this share of the best makes
	// the answer "which is closest?" rather than a confident diagnosis.
	closeRatio = 0.80
	// confident is the least score for starting a walkthrough straight
	// away; below it ("I can't sign in") the person picks among the
	// candidates.
	confident = 0.60
)

// Tunables of the scoring, variables so that the evaluation can explore them.
var (
	// nearestWeight mixes a topic's nearest example with its centroid.
	nearestWeight = 0.3
	// keywordBonus is added to the evidence for each keyword in the text.
	keywordBonus = 0.12
	// minEvidence is the least similarity to a topic's examples for the
	// topic to be offered at all, whatever the classifier says.
	minEvidence = 0.10
	// minProb is the least classifier probability for a topic.
	minProb = 0.1
	// minScoreKNN is the threshold for playbooks too large to train a
	// classifier for, where the evidence alone decides.
	minScoreKNN = 0.22
	// keywordFloor: evidence below which keywords are not looked for.
	keywordFloor = 0.03
	// A feature is common, and its list not walked, beyond 1/commonShare
	// of the examples, and never below commonMinDF examples.
	commonShare = 50
	commonMinDF = 1000
	// oosMargin: a topic whose nearest example is not at least this close
	// compared with the nearest out-of-scope phrasing is not offered.
	oosMargin = 0.8
)

// index is the diagnosis model built from every playbook's examples and
// keywords. Two parts work together:
//   - evidence: TF-IDF vectors searched through inverted lists; each topic
//     is scored by its nearest example and its centroid, so that a phrasing
//     mixing words from several examples still finds its topic. It finds
//     the candidates fast, even among 10,000 topics, and says whether the
//     text is near anything at all.
//   - a classifier per playbook (linear, softmax over its topics plus "out
//     of scope"), trained at load on the same examples and on the
//     playbook's out_of_scope phrasings. It weighs which words separate one
//     cause from another ("changed" vs "forgot"), which similarity alone
//     does poorly. A knowledge base too large to train in the budget goes
//     without.
type index struct {
	feats map[string]int32
	// packed holds the features of feats that have a packed key (see
	// packKey), by it: diagnosis looks those up here.
	packed    map[uint64]int32
	idf       []float32
	docs      []int32     // example doc -> topic (-1: out of scope)
	postings  [][]posting // feature -> example docs
	centroid  [][]posting // feature -> topics
	topics    []*Topic
	topicBook []int32
	books     []*bookModel
	trained   bool // every playbook has a classifier (see trainAll)
	// common marks features in so many examples that walking their lists
	// costs more than their small weight is worth; only large knowledge
	// bases have any.
	common []bool
	// keywords holds each topic's normalized keywords as indexes into
	// the distinct keywords of keywordTrie.
	keywords    [][]int32
	keywordTrie *keywordTrie
	pool        sync.Pool
}

type posting struct {
	id int32
	w  float32
}

// bookModel is one playbook's share of the index.
type bookModel struct {
	first, n int // its topics are index.topics[first:first+n]
	lr       *linear
	about    *About // nil when the playbook does not say
}

type scratch struct {
	doc     []float32
	topic   []float32
	best    []float32
	bestOOS []float32 // per book
	touch   []int32
	ttouch  []int32
	// The text's features, in the order first seen: weight with idf for
	// evidence, and without for the classifier. pos[f] is 1 + f's index.
	ids      []int32
	q        []float64
	raw      []float64
	pos      []int32
	probs    [][]float64 // per book, when trained
	logitBuf [][]float64
	books    []int32
	bookSeen []bool
	bookOut  []bool // the book's About excludes the text
	// The keywords found in the text, looked for once per text when a
	// topic is near enough to need them.
	kwLooked bool
	kwSeen   []bool
	kwHits   []int32
	ix       *index
	keys     keyer  // sink: the scratch itself
	norm     []byte // the normalized text
}

// generalTopic is the topic of an example of the book's trouble with no
// cause in particular (Playbook.General).
const generalTopic = -2

// example is a training text turned into features.
type example struct {
	topic int32 // global topic index, -1: out of scope, generalTopic
	book  int32
	vec   map[int32]float64
	// learned: from a phrasing file. The classifier learns from it (a
	// share of it past the training budget); the evidence search does
	// not walk it, nor a general example, which is no topic's.
	learned bool
}

func newIndex(books []*Playbook) *index {
	ix := &index{feats: map[string]int32{}}
	var exs []example
	kwID := map[string]int32{}
	var kwDistinct []string
	// Texts are gathered first: a feature that only one learned phrasing
	// has (a typo, a name, a rare trigram) teaches the classifier little
	// and would make every diagnosis look it up among many more.
	type feat struct {
		key string
		w   float64
	}
	type text struct {
		book, topic int32
		learned     bool
		feats       []feat
	}
	var texts []text
	seen := map[string]int{}  // learned phrasings with the feature; -1: hand-written ones have it
	once := map[string]bool{} // the features of one text, counted once
	add := func(book, topic int32, s string, learned bool) {
		t := text{book: book, topic: topic, learned: learned}
		features(Normalize(s), func(f []byte, w float64) {
			t.feats = append(t.feats, feat{string(f), w})
		})
		clear(once)
		for _, f := range t.feats {
			if once[f.key] {
				continue
			}
			once[f.key] = true
			switch n := seen[f.key]; {
			case !learned:
				seen[f.key] = -1
			case n >= 0:
				seen[f.key] = n + 1
			}
		}
		texts = append(texts, t)
	}
	build := func() {
		for _, t := range texts {
			v := map[int32]float64{}
			for _, f := range t.feats {
				if n := seen[f.key]; n >= 0 && n < 2 {
					continue
				}
				id, ok := ix.feats[f.key]
				if !ok {
					id = int32(len(ix.feats))
					ix.feats[f.key] = id
				}
				v[id] = math.Max(v[id], f.w)
			}
			if len(v) > 0 {
				exs = append(exs, example{t.topic, t.book, v, t.learned})
			}
		}
	}
	for bi, p := range books {
		bm := &bookModel{first: len(ix.topics), n: len(p.Topics), about: p.About}
		ix.books = append(ix.books, bm)
		for _, t := range p.Topics {
			ti := int32(len(ix.topics))
			ix.topics = append(ix.topics, t)
			ix.topicBook = append(ix.topicBook, int32(bi))
			var kws []int32
			for _, lang := range p.Languages {
				for _, e := range t.Examples[lang] {
					add(int32(bi), ti, e, false)
				}
				for _, e := range t.phrasings[lang] {
					add(int32(bi), ti, e, true)
				}
				for _, k := range t.Keywords[lang] {
					add(int32(bi), ti, k, false)
					if nk := Normalize(k); nk != "" {
						id, ok := kwID[nk]
						if !ok {
							id = int32(len(kwDistinct))
							kwID[nk] = id
							kwDistinct = append(kwDistinct, nk)
						}
						kws = append(kws, id)
					}
				}
				add(int32(bi), ti, t.Title[lang], false)
			}
			ix.keywords = append(ix.keywords, kws)
		}
		// Another service's trouble, written or learned, is about's to
		// tell: as an example it only teaches that sign-in words are out
		// of scope ("Slackにログインできない" kept "ログインできない" from
		// any guess).
		addOut := func(e string, learned bool) {
			if !p.About.excludes(Normalize(e)) {
				add(int32(bi), -1, e, learned)
			}
		}
		for _, lang := range p.Languages {
			for _, e := range p.OutOfScope[lang] {
				addOut(e, false)
			}
			for _, e := range p.General[lang] {
				add(int32(bi), generalTopic, e, false)
			}
			for _, e := range p.generalPhrasings[lang] {
				add(int32(bi), generalTopic, e, true)
			}
			for _, e := range p.outPhrasings[lang] {
				addOut(e, true)
			}
		}
	}
	build()
	ix.keywordTrie = newKeywordTrie(kwDistinct)
	ix.packed = map[uint64]int32{}
	for f, id := range ix.feats {
		if p, ok := packKey(f); ok {
			ix.packed[p] = id
		}
	}
	ix.buildEvidence(slices.DeleteFunc(slices.Clone(exs), func(e example) bool { return e.learned || e.topic == generalTopic }))
	ix.trained = trainAll(exs, ix.books, len(ix.feats))
	ix.pool.New = func() any {
		s := &scratch{
			doc:      make([]float32, len(ix.docs)),
			topic:    make([]float32, len(ix.topics)),
			best:     make([]float32, len(ix.topics)),
			bestOOS:  make([]float32, len(ix.books)),
			bookSeen: make([]bool, len(ix.books)),
			bookOut:  make([]bool, len(ix.books)),
			logitBuf: make([][]float64, len(ix.books)),
			pos:      make([]int32, len(ix.feats)),
			kwSeen:   make([]bool, len(kwDistinct)),
			ix:       ix,
		}
		s.keys = keyer{buf: make([]byte, 0, 64), sink: s, packed: s}
		return s
	}
	return ix
}

// buildEvidence makes the TF-IDF inverted lists of examples and centroids.
func (ix *index) buildEvidence(exs []example) {
	df := make([]int, len(ix.feats))
	for _, e := range exs {
		for f := range e.vec {
			df[f]++
		}
	}
	n := float64(len(exs)) + 1
	ix.idf = make([]float32, len(ix.feats))
	for f, d := range df {
		// A feature only learned examples have says nothing here, like
		// a word no example has.
		if d > 0 {
			ix.idf[f] = float32(math.Log(n / float64(d)))
		}
	}
	ix.common = make([]bool, len(ix.feats))
	limit := max(commonMinDF, len(exs)/commonShare)
	for f, d := range df {
		ix.common[f] = d > limit
	}
	ix.postings = make([][]posting, len(ix.feats))
	cent := make([]map[int32]float64, len(ix.topics))
	for i := range cent {
		cent[i] = map[int32]float64{}
	}
	for _, e := range exs {
		norm := 0.0
		for f, w := range e.vec {
			x := w * float64(ix.idf[f])
			norm += x * x
		}
		if norm == 0 {
			continue
		}
		norm = math.Sqrt(norm)
		di := int32(len(ix.docs))
		topic := e.topic
		if topic < 0 {
			topic = -1 - e.book // out of scope of this book
		}
		ix.docs = append(ix.docs, topic)
		for f, w := range e.vec {
			x := w * float64(ix.idf[f]) / norm
			ix.postings[f] = append(ix.postings[f], posting{di, float32(x)})
			if e.topic >= 0 {
				cent[e.topic][f] += x
			}
		}
	}
	ix.centroid = make([][]posting, len(ix.feats))
	for ti, c := range cent {
		norm := 0.0
		for _, x := range c {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		for f, x := range c {
			ix.centroid[f] = append(ix.centroid[f], posting{int32(ti), float32(x / norm)})
		}
	}
}

// diagnose ranks the topics for text: at most maxMatches, best first; none
// when nothing fits or the text is about something the playbooks do not
// cover.
func (ix *index) diagnose(text string) []Match { return ix.rank(nfkc(text)) }

// feature adds one feature of the text to s.ids, s.q and s.raw (see
// scratch).
func (s *scratch) feature(f []byte, w float64) {
	if id, ok := s.ix.feats[string(f)]; ok { // else no playbook uses it
		s.add(id, w)
	}
}

// featurePacked is feature for a packed key.
func (s *scratch) featurePacked(key uint64, w float64) {
	if id, ok := s.ix.packed[key]; ok {
		s.add(id, w)
	}
}

func (s *scratch) add(id int32, w float64) {
	ix := s.ix
	if p := s.pos[id]; p > 0 {
		// Weights and idf are positive and finite: a plain comparison
		// is math.Max here, without its NaN and signed-zero cases.
		if q := w * float64(ix.idf[id]); q > s.q[p-1] {
			s.q[p-1] = q
		}
		if w > s.raw[p-1] {
			s.raw[p-1] = w
		}
		return
	}
	s.ids = append(s.ids, id)
	s.q = append(s.q, w*float64(ix.idf[id]))
	s.raw = append(s.raw, w)
	s.pos[id] = int32(len(s.ids))
}

// rank is diagnose for text in NFKC.
//
// A message of several sentences that fits no topic as a whole is looked
// at sentence by sentence when a topic fitted it but for a phrasing the
// playbook says it does not cover: people telling a story ("I forgot my
// Amazon password. I wrote it on a paper next to the computer, but it
// went out with the newspapers.") put the trouble in one sentence and, in
// the others, words that lead to such a phrasing. A sentence that fits a
// topic with high confidence decides, the best of them; a short one
// ("Can someone look?", "すみません。") never does: alone, its few words
// say little. What the whole message names still counts (see whole). A
// message whose words as a whole are not the playbook's ("my Amazon
// parcel hasn't come, the tracking number isn't updating") keeps no
// topic, whatever one sentence alone would get; one that fits as a whole,
// even without confidence, is left as it is: its candidates are offered.
func (ix *index) rank(text string) []Match {
	ms, vetoed := ix.rankOne(text, nil)
	if len(ms) > 0 || !vetoed {
		return ms
	}
	var w *whole
	var best []Match
	rest := text
	for n := 0; rest != "" && n < maxSentences; {
		var sent string
		sent, rest = nextSentence(rest)
		if strings.TrimSpace(sent) == strings.TrimSpace(text) {
			return ms // one sentence: nothing more to look at
		}
		norm := Normalize(sent)
		if norm == "" {
			continue
		}
		n++
		if !substantial(norm) {
			continue
		}
		if w == nil {
			w = &whole{norm: Normalize(text), known: make([]bool, len(ix.books)), out: make([]bool, len(ix.books)), named: make([]bool, len(ix.books))}
		}
		sm, _ := ix.rankOne(sent, w)
		if len(sm) > 0 && sm[0].Score >= sentenceConfident && (best == nil || sm[0].Score > best[0].Score) {
			best = sm
		}
	}
	if best != nil {
		return best
	}
	return ms
}

// How sentences are looked at one by one: at most maxSentences of them
// that have words (a story tells its trouble early, and a message of
// thousands of sentences must not cost thousands of diagnoses); one
// decides only with sentenceConfident, and only with at least
// minSentenceWords words (Latin text) or minSentenceRunes characters
// (Japanese, which has no spaces).
const (
	maxSentences      = 12
	sentenceConfident = 0.8
	minSentenceWords  = 4
	minSentenceRunes  = 8
)

// substantial reports whether a normalized sentence has enough words to
// decide alone.
func substantial(norm string) bool {
	if utf8.RuneCountInString(norm) == len(norm) {
		return len(strings.Fields(norm)) >= minSentenceWords
	}
	return utf8.RuneCountInString(strings.ReplaceAll(norm, " ", "")) >= minSentenceRunes
}

// whole is what a message says as a whole, for its sentences diagnosed
// one by one, per book, worked out when a sentence first comes near the
// book: out, the message is not the book's (About: it names another
// service, or the subject's other business); named, it names the
// book's subject, so that a sentence naming another service ("This is
// about my Amazon account. I can't log into my Gmail to see the code.")
// is still the book's, as the message is.
type whole struct {
	norm              string
	known, out, named []bool
}

// excludes reports whether the book's About excludes the sentence norm
// of the message.
func (w *whole) excludes(a *About, b int32, norm string) bool {
	if !w.known[b] {
		w.known[b], w.out[b], w.named[b] = true, a.excludes(w.norm), a.names(w.norm)
	}
	return w.out[b] || a.excludesPart(norm, w.named[b])
}

// nextSentence splits the first sentence off text: up to a full stop,
// question or exclamation mark or a line break. In Latin text a stop ends
// a sentence only with a space after it: not "amazon.co.jp" or "1.5".
func nextSentence(text string) (sent, rest string) {
	for i := 0; i < len(text); i++ {
		switch c := text[i]; {
		case c == '\n':
			return text[:i], text[i+1:]
		case c == '!' || c == '?':
			// Japanese puts no space after one ("忘れた?コードも来ない").
			if i+1 == len(text) || text[i+1] == ' ' || text[i+1] >= utf8.RuneSelf {
				return text[:i+1], text[i+1:]
			}
		case c == '.':
			if i+1 == len(text) || text[i+1] == ' ' {
				return text[:i+1], text[i+1:]
			}
		case strings.HasPrefix(text[i:], "。"):
			return text[:i+len("。")], text[i+len("。"):]
		}
	}
	return text, ""
}

// rankOne ranks the topics for one text in NFKC; w, when set, is the
// message the text is one sentence of. vetoed reports that a topic would
// have been offered but for an out-of-scope phrasing nearer the text than
// its examples.
func (ix *index) rankOne(text string, w *whole) (_ []Match, vetoed bool) {
	s := ix.pool.Get().(*scratch)
	defer ix.pool.Put(s)
	// Normalize(text), in the scratch space: it is only read until rank
	// returns.
	s.norm, _ = fold(s.norm[:0], text, -1)
	norm := strings.TrimSpace(unsafe.String(unsafe.SliceData(s.norm), len(s.norm)))
	if norm == "" {
		return nil, false
	}
	for _, id := range s.ids {
		s.pos[id] = 0
	}
	s.ids, s.q, s.raw = s.ids[:0], s.q[:0], s.raw[:0]
	s.keys.features(norm)
	qn := 0.0
	for _, x := range s.q {
		qn += x * x
	}
	if len(s.ids) == 0 || qn == 0 {
		return nil, false
	}
	qn = math.Sqrt(qn)

	// Evidence: dot products with every example and centroid that shares a
	// feature with the text.
	s.touch, s.ttouch = s.touch[:0], s.ttouch[:0]
	for i, f := range s.ids {
		if ix.common[f] {
			continue
		}
		qx := float32(s.q[i] / qn)
		doc := s.doc
		for _, p := range ix.postings[f] {
			d := &doc[p.id]
			if *d == 0 {
				s.touch = append(s.touch, p.id)
			}
			*d += qx * p.w
		}
		topic := s.topic
		for _, p := range ix.centroid[f] {
			t := &topic[p.id]
			if *t == 0 {
				s.ttouch = append(s.ttouch, p.id)
			}
			*t += qx * p.w
		}
	}
	// Similarities are positive and finite: a plain comparison is max.
	for _, d := range s.touch {
		v := s.doc[d]
		if t := ix.docs[d]; t >= 0 {
			if v > s.best[t] {
				s.best[t] = v
			}
		} else if b := -1 - t; v > s.bestOOS[b] {
			s.bestOOS[b] = v
		}
		s.doc[d] = 0
	}
	// Evidence per topic. Keywords are looked for only in topics already
	// somewhat near: among thousands of topics most are touched by one
	// common word, and a keyword in the text makes its own example near.
	s.books = s.books[:0]
	for _, t := range s.ttouch {
		ev := nearestWeight*float64(s.best[t]) + (1-nearestWeight)*float64(s.topic[t])
		if ev >= keywordFloor {
			if !s.kwLooked {
				s.kwHits = ix.keywordTrie.find(norm, s.kwSeen, s.kwHits[:0])
				s.kwLooked = true
			}
			for _, k := range ix.keywords[t] {
				if s.kwSeen[k] { // strings.Contains(norm, keyword)
					ev += keywordBonus
				}
			}
		}
		s.topic[t] = float32(ev) // evidence from here on
		if b := ix.topicBook[t]; ev >= minEvidence && !s.bookSeen[b] {
			s.bookSeen[b] = true
			s.books = append(s.books, b)
			// A message about another service is not this playbook's,
			// however near its words (About).
			if a := ix.books[b].about; w != nil {
				s.bookOut[b] = w.excludes(a, b, norm)
			} else {
				s.bookOut[b] = a.excludes(norm)
			}
		}
	}

	// The classifier runs only for playbooks with a topic near enough.
	if ix.trained {
		norm := 0.0
		for _, x := range s.raw {
			norm += x * x
		}
		norm = math.Sqrt(norm)
		for len(s.probs) < len(ix.books) {
			s.probs = append(s.probs, nil)
		}
		for _, b := range s.books {
			if s.bookOut[b] {
				continue
			}
			s.probs[b] = ix.books[b].lr.probs(s.ids, s.raw, norm, &s.logitBuf[b])
		}
	}
	var out []Match
	for _, t := range s.ttouch {
		b := ix.topicBook[t]
		ev := float64(s.topic[t])
		if !s.bookSeen[b] || s.bookOut[b] {
			continue
		}
		if !ix.trained {
			// Evidence alone: the topic must be near enough, and nearer
			// than anything the playbook says it does not cover.
			if ev >= minScoreKNN {
				if s.best[t] >= s.bestOOS[b] {
					out = append(out, Match{ix.topics[t], math.Min(1, ev)})
				} else {
					vetoed = true
				}
			}
			continue
		}
		probs := s.probs[b]
		p, none := probs[int(t)-ix.books[b].first], probs[ix.books[b].n]
		if ev >= minEvidence && p > none && p >= minProb {
			if float64(s.best[t]) >= oosMargin*float64(s.bestOOS[b]) {
				out = append(out, Match{ix.topics[t], p})
			} else {
				vetoed = true
			}
		}
	}
	for _, t := range s.ttouch {
		s.topic[t], s.best[t] = 0, 0
	}
	for _, b := range s.books {
		s.bookSeen[b], s.bookOut[b] = false, false
	}
	// Out-of-scope similarities are recorded for every book an example
	// touched, not only the books in s.books: all are cleared, or one text
	// would weigh on the next diagnosed with this scratch.
	clear(s.bestOOS)
	for _, k := range s.kwHits {
		s.kwSeen[k] = false
	}
	s.kwHits, s.kwLooked = s.kwHits[:0], false
	// slices.SortFunc runs the same pdqsort as sort.Slice did, so that
	// ties between playbooks come out in the same order.
	slices.SortFunc(out, func(a, b Match) int {
		switch {
		case matchBefore(a, b):
			return -1
		case matchBefore(b, a):
			return 1
		}
		return 0
	})
	if len(out) > maxMatches {
		out = out[:maxMatches]
	}
	return out, vetoed
}

// matchBefore orders matches: best score first, then menu order.
func matchBefore(a, b Match) bool {
	if a.Score != b.Score {
		return a.Score > b.Score
	}
	return a.Topic.index < b.Topic.index
}

func sumSquares(m map[int32]float64) float64 {
	s := 0.0
	for _, x := range m {
		s += x * x
	}
	return s
}
