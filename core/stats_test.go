package core

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestSummarize(t *testing.T) {
	at := time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)
	o := func(walk string, kind OutcomeKind, topic string, step int) Outcome {
		return Outcome{Walk: walk, Kind: kind, Platform: "slack", Playbook: "amazon-signin", Topic: topic, Step: step, Lang: "ja", At: at}
	}
	tests := []struct {
		name string
		in   []Outcome
		want []TopicStats
	}{
		{
			name: "nothing",
			in:   nil,
			want: []TopicStats{},
		},
		{
			name: "resolved, handed off and left",
			in: []Outcome{
				o("w1", OutcomeStarted, "otp", 0), o("w1", OutcomeResolved, "otp", 2),
				o("w2", OutcomeStarted, "otp", 0), o("w2", OutcomeResolved, "otp", 2),
				o("w3", OutcomeStarted, "otp", 0), o("w3", OutcomeResolved, "otp", 1),
				o("w4", OutcomeStarted, "otp", 0), o("w4", OutcomeHandoff, "otp", 4),
				o("w5", OutcomeStarted, "otp", 0),
			},
			want: []TopicStats{{
				Playbook: "amazon-signin", Topic: "otp",
				Started: 5, Resolved: 3, HandedOff: 1, Left: 1, Deflection: 0.6,
				BestStep: 2, BestStepResolved: 2,
				Resolutions: []StepCount{{1, 1}, {2, 2}},
				Handoffs:    []StepCount{{4, 1}},
			}},
		},
		{
			name: "best step tie goes to the earlier step",
			in: []Outcome{
				o("w1", OutcomeResolved, "otp", 3), o("w2", OutcomeResolved, "otp", 1),
			},
			want: []TopicStats{{
				Playbook: "amazon-signin", Topic: "otp",
				Started: 2, Resolved: 2, Deflection: 1,
				BestStep: 1, BestStepResolved: 1,
				Resolutions: []StepCount{{1, 1}, {3, 1}},
				Handoffs:    []StepCount{},
			}},
		},
		{
			// The start fell before the period: the walk still started.
			name: "resolved without a recorded start",
			in:   []Outcome{o("w1", OutcomeResolved, "otp", 2), o("w2", OutcomeStarted, "otp", 0)},
			want: []TopicStats{{
				Playbook: "amazon-signin", Topic: "otp",
				Started: 2, Resolved: 1, Left: 1, Deflection: 0.5,
				BestStep: 2, BestStepResolved: 1,
				Resolutions: []StepCount{{2, 1}},
				Handoffs:    []StepCount{},
			}},
		},
		{
			name: "repeated records count once",
			in: []Outcome{
				o("w1", OutcomeStarted, "otp", 0), o("w1", OutcomeStarted, "otp", 0),
				o("w1", OutcomeHandoff, "otp", 2), o("w1", OutcomeHandoff, "otp", 3),
			},
			want: []TopicStats{{
				Playbook: "amazon-signin", Topic: "otp",
				Started: 1, HandedOff: 1,
				Resolutions: []StepCount{},
				Handoffs:    []StepCount{{2, 1}},
			}},
		},
		{
			// A stale button after the end: resolved and handed off both.
			name: "left is never negative",
			in:   []Outcome{o("w1", OutcomeResolved, "otp", 1), o("w1", OutcomeHandoff, "otp", 1)},
			want: []TopicStats{{
				Playbook: "amazon-signin", Topic: "otp",
				Started: 1, Resolved: 1, HandedOff: 1, Left: 0, Deflection: 1,
				BestStep: 1, BestStepResolved: 1,
				Resolutions: []StepCount{{1, 1}},
				Handoffs:    []StepCount{{1, 1}},
			}},
		},
		{
			// One walk moves from one topic to the next: started in both.
			// Topics are ordered by how many started, then by name.
			name: "several topics and playbooks",
			in: []Outcome{
				o("w1", OutcomeStarted, "password", 0),
				o("w1", OutcomeStarted, "otp", 0), o("w1", OutcomeResolved, "otp", 1),
				o("w2", OutcomeStarted, "otp", 0),
				{Walk: "w3", Kind: OutcomeStarted, Playbook: "billing", Topic: "otp"},
				o("w4", OutcomeStarted, "captcha", 0),
			},
			want: []TopicStats{
				{Playbook: "amazon-signin", Topic: "otp", Started: 2, Resolved: 1, Left: 1, Deflection: 0.5, BestStep: 1, BestStepResolved: 1, Resolutions: []StepCount{{1, 1}}, Handoffs: []StepCount{}},
				{Playbook: "amazon-signin", Topic: "captcha", Started: 1, Left: 1, Resolutions: []StepCount{}, Handoffs: []StepCount{}},
				{Playbook: "amazon-signin", Topic: "password", Started: 1, Left: 1, Resolutions: []StepCount{}, Handoffs: []StepCount{}},
				{Playbook: "billing", Topic: "otp", Started: 1, Left: 1, Resolutions: []StepCount{}, Handoffs: []StepCount{}},
			},
		},
		{
			name: "records without a walk id are separate walkthroughs",
			in:   []Outcome{o("", OutcomeStarted, "otp", 0), o("", OutcomeStarted, "otp", 0)},
			want: []TopicStats{{Playbook: "amazon-signin", Topic: "otp", Started: 2, Left: 2, Resolutions: []StepCount{}, Handoffs: []StepCount{}}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Summarize(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Summarize() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestTotals(t *testing.T) {
	tests := []struct {
		name string
		in   []TopicStats
		want TopicStats
	}{
		{"none", nil, TopicStats{}},
		{
			"two topics",
			[]TopicStats{
				{Topic: "a", Started: 6, Resolved: 3, HandedOff: 1, Left: 2, BestStep: 2, BestStepResolved: 3},
				{Topic: "b", Started: 2, Resolved: 0, HandedOff: 1, Left: 1},
			},
			TopicStats{Started: 8, Resolved: 3, HandedOff: 2, Left: 3, Deflection: 0.375},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, Totals(tt.in)); diff != "" {
				t.Errorf("Totals() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}
