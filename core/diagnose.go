package core

import (
	"math"
	"sort"
	"strings"
	"sync"
)

// Match is one topic that fits a person's text, with a score in [0, 1].
type Match struct {
	Topic *Topic
	Score float64
}

// Diagnosis thresholds, tuned on core/testdata/eval. A topic must score
// minScore to be offered at all; a runner-up within closeRatio of the best
// makes the answer "which is closest?" instead of a confident diagnosis.
const (
	minScore   = 0.22
	closeRatio = 0.80
	maxMatches = 3
)

// index is the diagnosis model built from every playbook's examples and
// keywords: TF-IDF vectors over features, searched through inverted lists.
// Each topic is scored by its nearest example and by its centroid, so that a
// phrasing that mixes words from several examples still finds its topic.
type index struct {
	feats    map[string]int32
	idf      []float32
	docs     []doc
	postings [][]posting // feature -> example docs
	centroid [][]posting // feature -> topics
	topics   []*Topic
	keywords [][]string // per topic, normalized keywords
	pool     sync.Pool
}

type doc struct {
	topic int32 // -1: out of scope
}

type posting struct {
	id int32
	w  float32
}

type scratch struct {
	doc   []float32
	topic []float32
	best  []float32
	touch []int32
	ttouc []int32
	q     map[int32]float64
}

func newIndex(books []*Playbook) *index {
	ix := &index{feats: map[string]int32{}}
	type raw struct {
		topic int32
		vec   map[int32]float64
	}
	var raws []raw
	add := func(topic int32, text string) {
		v := map[int32]float64{}
		features(Normalize(text), func(f string, w float64) {
			id, ok := ix.feats[f]
			if !ok {
				id = int32(len(ix.feats))
				ix.feats[f] = id
			}
			v[id] = math.Max(v[id], w)
		})
		if len(v) > 0 {
			raws = append(raws, raw{topic, v})
		}
	}
	for _, p := range books {
		for _, t := range p.Topics {
			ti := int32(len(ix.topics))
			ix.topics = append(ix.topics, t)
			var kws []string
			for _, lang := range p.Languages {
				for _, e := range t.Examples[lang] {
					add(ti, e)
				}
				for _, k := range t.Keywords[lang] {
					add(ti, k)
					if nk := Normalize(k); nk != "" {
						kws = append(kws, nk)
					}
				}
				add(ti, t.Title[lang])
			}
			ix.keywords = append(ix.keywords, kws)
		}
		for _, lang := range p.Languages {
			for _, e := range p.OutOfScope[lang] {
				add(-1, e)
			}
		}
	}
	df := make([]int, len(ix.feats))
	for _, r := range raws {
		for f := range r.vec {
			df[f]++
		}
	}
	n := float64(len(raws)) + 1
	ix.idf = make([]float32, len(ix.feats))
	for f, d := range df {
		ix.idf[f] = float32(math.Log(n / float64(d)))
	}
	ix.postings = make([][]posting, len(ix.feats))
	cent := make([]map[int32]float64, len(ix.topics))
	for i := range cent {
		cent[i] = map[int32]float64{}
	}
	for di, r := range raws {
		norm := 0.0
		for f, w := range r.vec {
			x := w * float64(ix.idf[f])
			r.vec[f] = x
			norm += x * x
		}
		norm = math.Sqrt(norm)
		if norm == 0 {
			continue
		}
		for f, x := range r.vec {
			x /= norm
			ix.postings[f] = append(ix.postings[f], posting{int32(di), float32(x)})
			if r.topic >= 0 {
				cent[r.topic][f] += x
			}
		}
		ix.docs = append(ix.docs, doc{r.topic})
		_ = di
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
	ix.pool.New = func() any {
		return &scratch{
			doc:   make([]float32, len(raws)),
			topic: make([]float32, len(ix.topics)),
			best:  make([]float32, len(ix.topics)+1),
			q:     map[int32]float64{},
		}
	}
	return ix
}

// diagnose ranks the topics for text. It returns at most maxMatches, best
// first, and none when nothing fits or the text is nearer to what the
// playbooks say they do not cover.
func (ix *index) diagnose(text string) []Match {
	norm := Normalize(text)
	if norm == "" {
		return nil
	}
	s := ix.pool.Get().(*scratch)
	defer ix.pool.Put(s)
	clear(s.q)
	features(norm, func(f string, w float64) {
		if id, ok := ix.feats[f]; ok {
			s.q[id] = math.Max(s.q[id], w*float64(ix.idf[id]))
		}
	})
	qn := 0.0
	for _, x := range s.q {
		qn += x * x
	}
	if qn == 0 {
		return nil
	}
	qn = math.Sqrt(qn)
	s.touch, s.ttouc = s.touch[:0], s.ttouc[:0]
	for f, x := range s.q {
		qx := float32(x / qn)
		for _, p := range ix.postings[f] {
			if s.doc[p.id] == 0 {
				s.touch = append(s.touch, p.id)
			}
			s.doc[p.id] += qx * p.w
		}
		for _, p := range ix.centroid[f] {
			if s.topic[p.id] == 0 {
				s.ttouc = append(s.ttouc, p.id)
			}
			s.topic[p.id] += qx * p.w
		}
	}
	// Nearest example per topic; the last slot is "out of scope".
	oos := len(ix.topics)
	for _, d := range s.touch {
		t := int(ix.docs[d].topic)
		if t < 0 {
			t = oos
		}
		if s.doc[d] > s.best[t] {
			s.best[t] = s.doc[d]
		}
		s.doc[d] = 0
	}
	bestOOS := s.best[oos]
	s.best[oos] = 0
	var out []Match
	nearest := float32(0)
	for _, t := range s.ttouc {
		score := 0.55*float64(s.best[t]) + 0.45*float64(s.topic[t])
		for _, k := range ix.keywords[t] {
			if strings.Contains(norm, k) {
				score += 0.12
			}
		}
		if score >= minScore {
			out = append(out, Match{ix.topics[t], math.Min(1, score)})
			nearest = max(nearest, s.best[t])
		}
		s.topic[t], s.best[t] = 0, 0
	}
	// Nearer to something the playbooks say they do not cover than to
	// anything they do: no topic, rather than a wrong one.
	if bestOOS > nearest {
		return nil
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].Score != out[j].Score {
			return out[i].Score > out[j].Score
		}
		return out[i].Topic.index < out[j].Topic.index
	})
	if len(out) > maxMatches {
		out = out[:maxMatches]
	}
	return out
}
