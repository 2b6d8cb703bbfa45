package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/core"
)

func TestStatsCommand(t *testing.T) {
	ctx := context.Background()
	url, s := seedDB(t)

	out, errOut, err := storeCLI(t, url, "stats")
	if err != nil || !strings.HasPrefix(out, "No walkthroughs since ") || !strings.Contains(out, "(last 7d)") {
		t.Errorf("empty database: %q, %v\n%s", out, err, errOut)
	}

	now := time.Now()
	rec := func(walk string, kind core.OutcomeKind, topic string, step int, ago time.Duration) {
		o := core.Outcome{Walk: walk, Kind: kind, Platform: "slack", Playbook: "amazon-signin", Topic: topic, Step: step, Lang: "ja", At: now.Add(-ago)}
		if err := s.RecordOutcome(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	day := 24 * time.Hour
	// otp: 5 started this week, 3 resolved (2 at step 2), 1 handed off, 1 left.
	for i, w := range []string{"a", "b", "c", "d", "e"} {
		rec(w, core.OutcomeStarted, "otp", 0, time.Duration(i+1)*time.Hour)
	}
	rec("a", core.OutcomeResolved, "otp", 2, time.Hour)
	rec("b", core.OutcomeResolved, "otp", 2, time.Hour)
	rec("c", core.OutcomeResolved, "otp", 1, time.Hour)
	rec("d", core.OutcomeHandoff, "otp", 4, time.Hour)
	// password: 2 started this week, none resolved.
	rec("f", core.OutcomeStarted, "password", 0, 2*day)
	rec("g", core.OutcomeStarted, "password", 0, 3*day)
	rec("g", core.OutcomeHandoff, "password", 3, 3*day)
	// Older than a week: only with --since 30d.
	rec("h", core.OutcomeStarted, "password", 0, 20*day)
	rec("h", core.OutcomeResolved, "password", 1, 20*day)

	out, errOut, err = storeCLI(t, url, "stats")
	if err != nil {
		t.Fatalf("stats: %v\n%s", err, errOut)
	}
	t.Logf("kaiketsu stats:\n%s", out)
	lines := strings.Split(out, "\n")
	find := func(prefix string) string {
		for _, l := range lines {
			if strings.HasPrefix(l, prefix) {
				return l
			}
		}
		t.Errorf("no line starting %q in:\n%s", prefix, out)
		return ""
	}
	if f := strings.Fields(find("amazon-signin/otp ")); strings.Join(f, " ") != "amazon-signin/otp 5 3 (60%) 1 1 step 2 (2)" {
		t.Errorf("otp row = %q", f)
	}
	if f := strings.Fields(find("amazon-signin/password ")); strings.Join(f, " ") != "amazon-signin/password 2 0 (0%) 1 1 -" {
		t.Errorf("password row = %q", f)
	}
	if f := strings.Fields(find("TOTAL ")); strings.Join(f, " ") != "TOTAL 7 3 (43%) 2 2" {
		t.Errorf("total row = %q", f)
	}
	// The chart: 60% of 20 columns is 12 full blocks.
	chart := out[strings.Index(out, "Deflection"):]
	if !strings.Contains(chart, "amazon-signin/otp       "+strings.Repeat("█", 12)+"          60%") {
		t.Errorf("otp bar wrong in chart:\n%s", chart)
	}

	out, _, err = storeCLI(t, url, "stats", "--since", "30d", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var st statsJSON
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if st.Total != (totalJSON{Started: 8, Resolved: 4, HandedOff: 2, Left: 2, Deflection: 0.5}) {
		t.Errorf("--since 30d total = %+v", st.Total)
	}
	if len(st.Topics) != 2 || st.Topics[0].Topic != "otp" || st.Topics[1].Resolved != 1 || st.Topics[1].BestStep != 1 {
		t.Errorf("--since 30d topics = %+v", st.Topics)
	}
	if d := now.Sub(st.Since); d < 30*day-time.Minute || d > 30*day+time.Minute {
		t.Errorf("since = %v, want 30 days ago", st.Since)
	}

	// A date works too; a future one has nothing.
	out, _, err = storeCLI(t, url, "stats", "--since", now.Add(2*day).Format(time.DateOnly))
	if err != nil || !strings.HasPrefix(out, "No walkthroughs since ") {
		t.Errorf("--since a future date: %q, %v", out, err)
	}
}

func TestStatsCommandUsage(t *testing.T) {
	url, _ := seedDB(t)
	for _, args := range [][]string{
		{"stats", "--since", "last week"},
		{"stats", "--since", "0d"},
		{"stats", "--since", "-3h"},
		{"stats", "extra"},
	} {
		_, errOut, err := storeCLI(t, url, args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("%v: error = %v, want usage error", args, err)
		}
		if !strings.Contains(errOut, "Usage: kaiketsu stats") {
			t.Errorf("%v: stderr lacks the usage:\n%s", args, errOut)
		}
	}
}

func TestBar(t *testing.T) {
	for _, tt := range []struct {
		f    float64
		want string
	}{
		{0, "          "},
		{1, "██████████"},
		{0.5, "█████     "},
		{0.05, "▌         "},  // half a column
		{0.01, "▏         "},  // rounds to 1/8
		{0.001, "          "}, // rounds to nothing
		{1.5, "██████████"},
		{-1, "          "},
	} {
		if got := bar(tt.f, 10); got != tt.want {
			t.Errorf("bar(%v, 10) = %q, want %q", tt.f, got, tt.want)
		}
	}
}
