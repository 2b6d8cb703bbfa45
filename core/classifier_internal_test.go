package core

import "testing"

// TestThinLearnedKeepsHandWritten: learned phrasings over the training
// budget are thinned evenly, every hand-written example kept, so that the
// classifier still trains (it used to be switched off for every playbook,
// and blind20 fell from 98% to 55%: found by a review).
func TestThinLearnedKeepsHandWritten(t *testing.T) {
	books := []*bookModel{{n: 7}, {n: 3}}
	var exs []example
	for i := range 200 {
		exs = append(exs, example{topic: int32(i % 7), book: 0})
	}
	for i := range 1_000_000 {
		exs = append(exs, example{topic: int32(i % 10), book: int32(i % 2), learned: true})
	}
	got := thinLearned(exs, books)
	hand, learned := map[int32]int{}, map[int32]int{}
	cost := 0
	for _, e := range got {
		if e.learned {
			learned[e.book]++
		} else {
			hand[e.book]++
		}
		cost += books[e.book].n + 1
	}
	if hand[0] != 200 {
		t.Errorf("kept %d hand-written examples, want all 200", hand[0])
	}
	if cost*minEpochs > trainBudget {
		t.Errorf("cost %d x %d epochs is over the budget %d", cost, minEpochs, trainBudget)
	}
	if cost*minEpochs < trainBudget*9/10 {
		t.Errorf("cost %d x %d epochs leaves most of the budget %d unused", cost, minEpochs, trainBudget)
	}
	// Each book keeps the same share of its learned examples.
	if a, b := learned[0], learned[1]; a == 0 || b == 0 || a-b > 1 || b-a > 1 {
		t.Errorf("learned kept per book %d and %d, want the same share of 500,000 each", a, b)
	}
	small := exs[:300]
	if got := thinLearned(small, books); len(got) != len(small) {
		t.Errorf("under the budget %d of %d examples kept, want all", len(got), len(small))
	}
}
