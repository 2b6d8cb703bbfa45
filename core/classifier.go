package core

import "math"

// Training of the per-playbook classifier. It is deterministic (no random
// shuffling), so a playbook always diagnoses the same way.
const (
	// trainBudget caps examples x classes x epochs over all playbooks, so
	// that loading (and reloading) takes about a second at most. Learned
	// phrasings past it are thinned (see trainAll); a knowledge base whose
	// hand-written examples alone exceed it relies on evidence alone.
	trainBudget = 4_000_000
	maxEpochs   = 60
	minEpochs   = 8
	learnRate   = 0.5
)

// Training tunables, variables so that the evaluation can explore them.
var (
	l2 = 1e-4
	// oosWeight scales the pull of out_of_scope phrasings: they teach
	// what is not covered without drowning the topics' own examples.
	oosWeight = 0.5
	// averageFrom: the share of epochs after which weights are averaged
	// (0: no averaging).
	averageFrom = 0.5
)

// linear is a multinomial logistic regression over one playbook's topics
// plus a last class, "out of scope".
type linear struct {
	classes int
	rows    map[int32]int32 // feature id -> row of w, while training
	// dense is rows by feature id, row+1 (0: the feature has none): a
	// query looks up each of its features, and a slice is several times
	// quicker than a map for that.
	dense []int32
	w     []float32 // len(rows) x classes
	bias  []float32
}

// trainAll fits a classifier for every playbook when the whole knowledge
// base fits the training budget, and none otherwise: either every playbook
// is scored by probability or every one by evidence, so that their matches
// compare.
func trainAll(exs []example, books []*bookModel, features int) bool {
	exs = thinLearned(exs, books)
	byBook := make([][]example, len(books))
	for _, e := range exs {
		byBook[e.book] = append(byBook[e.book], e)
	}
	cost := 0
	for bi, bm := range books {
		cost += len(byBook[bi]) * (bm.n + 1)
	}
	if cost == 0 || cost*minEpochs > trainBudget {
		return false
	}
	epochs := min(maxEpochs, trainBudget/cost)
	for bi, bm := range books {
		bm.lr = trainLinear(byBook[bi], bm, epochs, features)
		if bm.lr == nil {
			return false
		}
	}
	return true
}

// thinLearned keeps every hand-written example and as many of the learned
// ones (phrasing files) as the training budget allows at minEpochs, spread
// evenly over each book's: a team's large phrasing files make training
// fewer epochs and then use part of them, rather than switch the
// classifier off for every playbook.
func thinLearned(exs []example, books []*bookModel) []example {
	hand, learned := 0, 0
	for _, e := range exs {
		c := books[e.book].n + 1
		if e.learned {
			learned += c
		} else {
			hand += c
		}
	}
	room := trainBudget/minEpochs - hand
	if learned <= room || learned == 0 {
		return exs
	}
	keep := max(float64(room), 0) / float64(learned)
	out := make([]example, 0, len(exs))
	seen := make([]int, len(books)) // learned examples of each book so far
	for _, e := range exs {
		if e.learned {
			j := seen[e.book]
			seen[e.book]++
			if math.Floor(float64(j+1)*keep) == math.Floor(float64(j)*keep) {
				continue
			}
		}
		out = append(out, e)
	}
	return out
}

// trainLinear fits the classifier for book bm on its examples.
func trainLinear(exs []example, bm *bookModel, epochs, features int) *linear {
	classes := bm.n + 1
	if len(exs) == 0 {
		return nil
	}
	m := &linear{classes: classes, rows: map[int32]int32{}, bias: make([]float32, classes)}
	type sample struct {
		y     int
		feats []int32 // rows
		vals  []float64
	}
	samples := make([]sample, len(exs))
	for i, e := range exs {
		y := bm.n
		switch {
		case e.topic >= 0:
			y = int(e.topic) - bm.first
		case e.topic == generalTopic:
			y = -1 // every topic alike (see below)
		}
		norm := math.Sqrt(sumSquares(e.vec))
		s := sample{y: y}
		for f, x := range e.vec {
			r, ok := m.rows[f]
			if !ok {
				r = int32(len(m.rows))
				m.rows[f] = r
			}
			s.feats = append(s.feats, r)
			s.vals = append(s.vals, x/norm)
		}
		samples[i] = s
	}
	w := make([]float64, len(m.rows)*classes)
	bias := make([]float64, classes)
	logits := make([]float64, classes)
	n := len(samples)
	// A stride coprime with n visits every sample once per epoch in a
	// scrambled but fixed order.
	stride := 7919 % n
	for stride == 0 || gcd(stride, n) != 1 {
		stride++
	}
	// The weights of the later epochs are averaged (Polyak averaging): a
	// single pass's weights depend on the order of its last few samples,
	// so that adding one example could move unrelated diagnoses.
	wsum := make([]float64, len(w))
	bsum := make([]float64, classes)
	averaged := 0
	for ep := 0; ep < epochs; ep++ {
		if averageFrom > 0 && ep > 0 && float64(ep) >= averageFrom*float64(epochs) {
			for i, x := range w {
				wsum[i] += x
			}
			for i, x := range bias {
				bsum[i] += x
			}
			averaged++
		}
		rate := learnRate / (1 + 0.05*float64(ep))
		for k := 0; k < n; k++ {
			s := samples[(k*stride+ep)%n]
			copy(logits, bias)
			for j, r := range s.feats {
				row := w[int(r)*classes : int(r+1)*classes]
				for c := range logits {
					logits[c] += row[c] * s.vals[j]
				}
			}
			softmax(logits)
			// The gradient of the loss for each class. A general example's
			// target is every topic alike and not out of scope: its words
			// learn to point at no topic in particular.
			if s.y < 0 {
				for c := range bm.n {
					logits[c] -= 1 / float64(bm.n)
				}
			} else {
				logits[s.y] -= 1
			}
			if s.y == bm.n {
				for c := range logits {
					logits[c] *= oosWeight
				}
			}
			for c, g := range logits {
				bias[c] -= rate * g
			}
			for j, r := range s.feats {
				row := w[int(r)*classes : int(r+1)*classes]
				for c, g := range logits {
					row[c] -= rate * (g*s.vals[j] + l2*row[c])
				}
			}
		}
	}
	if averaged > 0 {
		for i := range w {
			w[i] = (wsum[i] + w[i]) / float64(averaged+1)
		}
		for i := range bias {
			bias[i] = (bsum[i] + bias[i]) / float64(averaged+1)
		}
	}
	m.w = make([]float32, len(w))
	for i, x := range w {
		m.w[i] = float32(x)
	}
	m.dense = make([]int32, features)
	for f, r := range m.rows {
		m.dense[f] = r + 1
	}
	m.rows = nil
	for i, x := range bias {
		m.bias[i] = float32(x)
	}
	return m
}

// probs returns the probability of each class for features ids with
// values x (unweighted, divided by norm). The slice is buf's, reused across
// calls.
func (m *linear) probs(ids []int32, x []float64, norm float64, buf *[]float64) []float64 {
	if cap(*buf) < m.classes {
		*buf = make([]float64, m.classes)
	}
	logits := (*buf)[:m.classes]
	for c := range logits {
		logits[c] = float64(m.bias[c])
	}
	if norm > 0 {
		for i, f := range ids {
			v := x[i]
			r := m.dense[f] - 1
			if r < 0 {
				continue
			}
			row := m.w[int(r)*m.classes : int(r+1)*m.classes]
			for c := range logits {
				logits[c] += float64(row[c]) * v / norm
			}
		}
	}
	softmax(logits)
	return logits
}

func softmax(v []float64) {
	mx := math.Inf(-1)
	for _, x := range v {
		mx = math.Max(mx, x)
	}
	sum := 0.0
	for i, x := range v {
		v[i] = math.Exp(x - mx)
		sum += v[i]
	}
	for i := range v {
		v[i] /= sum
	}
}

func gcd(a, b int) int {
	for b != 0 {
		a, b = b, a%b
	}
	return a
}
