package core

import (
	"cmp"
	"slices"
	"strconv"
)

// TopicStats is what happened to the walkthroughs of one topic: the numbers
// `kaiketsu stats` prints and a dashboard draws.
type TopicStats struct {
	Playbook string `json:"playbook"`
	Topic    string `json:"topic"`
	// Started counts walkthroughs that reached the topic. A walkthrough
	// that was resolved or handed off there counts as started even when
	// its start fell outside the period looked at.
	Started int `json:"started"`
	// Resolved counts walkthroughs the bot resolved ("That fixed it").
	Resolved int `json:"resolved"`
	// HandedOff counts walkthroughs passed to a person.
	HandedOff int `json:"handed_off"`
	// Left counts walkthroughs neither resolved nor handed off: the person
	// stopped answering, or the fix is still in progress.
	Left int `json:"left"`
	// Deflection is Resolved / Started, from 0 to 1: the share of people
	// the bot helped without a person. 0 when nothing started.
	Deflection float64 `json:"deflection"`
	// BestStep is the step number that resolved most (the earlier one on a
	// tie), with how many it resolved; 0 when none resolved.
	BestStep         int `json:"best_step"`
	BestStepResolved int `json:"best_step_resolved"`
	// Resolutions and Handoffs count by step number, in step order.
	Resolutions []StepCount `json:"resolutions"`
	Handoffs    []StepCount `json:"handoffs"`
}

// StepCount is how many walkthroughs ended at one step.
type StepCount struct {
	Step  int `json:"step"`
	Count int `json:"count"`
}

// topicKey identifies a topic across playbooks.
type topicKey struct{ playbook, topic string }

type topicAcc struct {
	started, resolved, handoff map[string]bool // walk ids
	resolvedAt, handoffAt      map[int]int
}

// Summarize turns outcomes into per-topic numbers, most-started topics
// first (then by playbook and topic). Each walkthrough counts once per kind
// and topic, whatever the input repeats.
func Summarize(outcomes []Outcome) []TopicStats {
	acc := map[topicKey]*topicAcc{}
	for i, o := range outcomes {
		k := topicKey{o.Playbook, o.Topic}
		a := acc[k]
		if a == nil {
			a = &topicAcc{
				started: map[string]bool{}, resolved: map[string]bool{}, handoff: map[string]bool{},
				resolvedAt: map[int]int{}, handoffAt: map[int]int{},
			}
			acc[k] = a
		}
		walk := o.Walk
		if walk == "" {
			// Without a walk id the record cannot be matched with others:
			// it stands for a walkthrough of its own.
			walk = "\x00" + strconv.Itoa(i)
		}
		a.started[walk] = true
		switch o.Kind {
		case OutcomeResolved:
			if !a.resolved[walk] {
				a.resolved[walk] = true
				if o.Step > 0 {
					a.resolvedAt[o.Step]++
				}
			}
		case OutcomeHandoff:
			if !a.handoff[walk] {
				a.handoff[walk] = true
				if o.Step > 0 {
					a.handoffAt[o.Step]++
				}
			}
		}
	}
	out := make([]TopicStats, 0, len(acc))
	for k, a := range acc {
		s := TopicStats{
			Playbook:    k.playbook,
			Topic:       k.topic,
			Started:     len(a.started),
			Resolved:    len(a.resolved),
			HandedOff:   len(a.handoff),
			Resolutions: stepCounts(a.resolvedAt),
			Handoffs:    stepCounts(a.handoffAt),
		}
		s.finish()
		for _, c := range s.Resolutions {
			if c.Count > s.BestStepResolved {
				s.BestStep, s.BestStepResolved = c.Step, c.Count
			}
		}
		out = append(out, s)
	}
	slices.SortFunc(out, func(a, b TopicStats) int {
		return cmp.Or(cmp.Compare(b.Started, a.Started), cmp.Compare(a.Playbook, b.Playbook), cmp.Compare(a.Topic, b.Topic))
	})
	return out
}

// Totals adds up per-topic numbers into one row with no playbook or topic
// and no best step.
func Totals(stats []TopicStats) TopicStats {
	var t TopicStats
	for _, s := range stats {
		t.Started += s.Started
		t.Resolved += s.Resolved
		t.HandedOff += s.HandedOff
	}
	t.finish()
	return t
}

// finish derives Left and Deflection from the counts.
func (s *TopicStats) finish() {
	// A walkthrough both resolved and handed off (a stale button pressed
	// after the end) would make this negative.
	s.Left = max(s.Started-s.Resolved-s.HandedOff, 0)
	if s.Started > 0 {
		s.Deflection = float64(s.Resolved) / float64(s.Started)
	}
}

func stepCounts(m map[int]int) []StepCount {
	out := make([]StepCount, 0, len(m))
	for step, n := range m {
		out = append(out, StepCount{Step: step, Count: n})
	}
	slices.SortFunc(out, func(a, b StepCount) int { return cmp.Compare(a.Step, b.Step) })
	return out
}
