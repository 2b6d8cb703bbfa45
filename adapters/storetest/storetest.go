// Package storetest is the conformance suite every core.Store passes:
// memstore, sqlite and postgres run the same tests, so the engine and the
// adapters can rely on one behaviour whichever store is configured.
package storetest

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/kaiketsu/kaiketsu/core"
)

// t0 is the suite's clock. Stores keep microseconds (PostgreSQL's
// precision), so times here have no finer part.
var t0 = time.Date(2025, 4, 1, 9, 30, 0, 123456000, time.UTC)

// Run runs the tests that need one store. Each call of open must return a
// store on a fresh, empty database, closed by open's own t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) core.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s core.Store)
	}{
		{"CreateAndGet", testCreateAndGet},
		{"NotFound", testNotFound},
		{"Claim", testClaim},
		{"Solve", testSolve},
		{"Card", testCard},
		{"ListHandoffs", testList},
		{"RecordOutcome", testRecordOutcome},
		{"RecordOutcomesBuffered", testBufferedOutcomes},
		{"OutcomeBatches", testOutcomeBatches},
		{"OutcomesSince", testOutcomesSince},
		{"FirstSeen", testFirstSeen},
		{"Purge", testPurge},
		{"Ping", testPing},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, open(t)) })
	}
}

// Opener opens one more instance of a store on the same database; the
// suite closes what it opens. It is called from several goroutines at once.
type Opener func() (core.Store, error)

// RunShared runs the tests that need several instances on one database:
// concurrent claims and first-seen keys through two instances, instances
// starting together (concurrent migrations), and a restart. newDB prepares
// a fresh, empty database for one test and returns how to open it.
func RunShared(t *testing.T, newDB func(t *testing.T) Opener) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open Opener)
	}{
		{"StartTogether", testStartTogether},
		{"ConcurrentClaims", testConcurrentClaims},
		{"CardSwapContest", testCardSwapContest},
		{"FirstSeenAcrossInstances", testFirstSeenShared},
		{"Restart", testRestart},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.fn(t, newDB(t)) })
	}
}

func mustOpen(t *testing.T, open Opener) core.Store {
	t.Helper()
	s, err := open()
	if err != nil {
		t.Fatalf("open store: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// sample is a hand-off as the engine makes one, with Japanese text and a
// transcript, so that encoding mistakes show.
func sample(requester string) *core.Handoff {
	return &core.Handoff{
		Platform:      "slack",
		Requester:     requester,
		RequesterName: "山田 花子",
		Channel:       "D0123ABCD",
		Playbook:      "amazon-signin",
		Topic:         "otp-not-arriving",
		Lang:          "ja",
		Transcript: []core.TranscriptEntry{
			{Topic: "otp-not-arriving", Step: "check-spam", Title: "迷惑メールフォルダを確認する", Result: core.ResultDidNotWork},
			{Topic: "otp-not-arriving", Step: "wait", Title: "Wait 10 minutes & \"retry\" <once>", Result: core.ResultCurrent},
		},
		CreatedAt: t0,
	}
}

func create(t *testing.T, s core.Store, h *core.Handoff) *core.Handoff {
	t.Helper()
	if err := s.CreateHandoff(context.Background(), h); err != nil {
		t.Fatalf("CreateHandoff: %v", err)
	}
	return h
}

func get(t *testing.T, s core.Store, id int64) *core.Handoff {
	t.Helper()
	h, err := s.Handoff(context.Background(), id)
	if err != nil {
		t.Fatalf("Handoff(%d): %v", id, err)
	}
	return h
}

func testCreateAndGet(t *testing.T, s core.Store) {
	h := create(t, s, sample("U1"))
	if h.ID <= 0 {
		t.Fatalf("CreateHandoff: ID = %d, want > 0", h.ID)
	}
	if want := "K-" + strconv.FormatInt(h.ID, 10); h.Ref != want {
		t.Errorf("CreateHandoff: Ref = %q, want %q", h.Ref, want)
	}
	if h.Status != core.HandoffOpen {
		t.Errorf("CreateHandoff: Status = %q, want open", h.Status)
	}
	want := sample("U1")
	want.ID, want.Ref, want.Status = h.ID, h.Ref, core.HandoffOpen
	if diff := cmp.Diff(want, get(t, s, h.ID)); diff != "" {
		t.Errorf("Handoff() mismatch (-want +got):\n%s", diff)
	}

	// A second hand-off gets its own id; created time and status are filled
	// in when missing; an empty transcript reads back as nil.
	before := time.Now().Add(-time.Minute)
	h2 := &core.Handoff{Platform: "discord", Requester: "123456789012345678", Playbook: "amazon-signin"}
	create(t, s, h2)
	if h2.ID == h.ID || h2.Ref == h.Ref {
		t.Fatalf("second hand-off reuses id %d / ref %q", h2.ID, h2.Ref)
	}
	if h2.CreatedAt.Before(before) || h2.Status != core.HandoffOpen {
		t.Errorf("CreateHandoff filled CreatedAt=%v Status=%q, want about now and open", h2.CreatedAt, h2.Status)
	}
	got := get(t, s, h2.ID)
	if got.Transcript != nil || got.Status != core.HandoffOpen || got.CreatedAt.Sub(h2.CreatedAt).Abs() >= time.Microsecond {
		t.Errorf("Handoff(%d) = transcript %v, status %q, created %v; want nil, open, %v", h2.ID, got.Transcript, got.Status, got.CreatedAt, h2.CreatedAt)
	}

	// What the store returns is a copy: changing it changes nothing stored.
	got.Transcript = append(got.Transcript, core.TranscriptEntry{Title: "x"})
	got.ClaimedBy = "mallory"
	if again := get(t, s, h2.ID); again.Transcript != nil || again.ClaimedBy != "" {
		t.Errorf("changing a returned hand-off changed the store: %+v", again)
	}
}

func testNotFound(t *testing.T, s core.Store) {
	ctx := context.Background()
	create(t, s, sample("U1"))
	for _, id := range []int64{0, -1, 999999} {
		if _, err := s.Handoff(ctx, id); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("Handoff(%d) error = %v, want ErrNotFound", id, err)
		}
		if _, err := s.ClaimHandoff(ctx, id, "agent", t0); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("ClaimHandoff(%d) error = %v, want ErrNotFound", id, err)
		}
		if _, err := s.SolveHandoff(ctx, id, "agent", t0); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("SolveHandoff(%d) error = %v, want ErrNotFound", id, err)
		}
		if err := s.SetHandoffCard(ctx, id, "C1/1.2"); !errors.Is(err, core.ErrNotFound) {
			t.Errorf("SetHandoffCard(%d) error = %v, want ErrNotFound", id, err)
		}
	}
}

func testClaim(t *testing.T, s core.Store) {
	ctx := context.Background()
	h := create(t, s, sample("U1"))
	at := t0.Add(5 * time.Minute)
	got, err := s.ClaimHandoff(ctx, h.ID, "UAGENT1", at)
	if err != nil {
		t.Fatalf("ClaimHandoff: %v", err)
	}
	if got.Status != core.HandoffClaimed || got.ClaimedBy != "UAGENT1" || !got.ClaimedAt.Equal(at) {
		t.Errorf("ClaimHandoff = status %q by %q at %v; want claimed by UAGENT1 at %v", got.Status, got.ClaimedBy, got.ClaimedAt, at)
	}
	if len(got.Transcript) != 2 || got.Ref != h.Ref {
		t.Errorf("ClaimHandoff returned transcript %d entries, ref %q; want the whole hand-off", len(got.Transcript), got.Ref)
	}

	// The second claim loses and learns who has it; nothing changes.
	lost, err := s.ClaimHandoff(ctx, h.ID, "UAGENT2", at.Add(time.Second))
	if !errors.Is(err, core.ErrAlreadyClaimed) {
		t.Fatalf("second ClaimHandoff error = %v, want ErrAlreadyClaimed", err)
	}
	if lost == nil || lost.ClaimedBy != "UAGENT1" || !lost.ClaimedAt.Equal(at) {
		t.Fatalf("second ClaimHandoff returned %+v, want the hand-off held by UAGENT1", lost)
	}
	// Claiming again as the holder is also "already claimed" (by yourself).
	if again, err := s.ClaimHandoff(ctx, h.ID, "UAGENT1", at.Add(time.Hour)); !errors.Is(err, core.ErrAlreadyClaimed) || again.ClaimedBy != "UAGENT1" || !again.ClaimedAt.Equal(at) {
		t.Errorf("re-claim by holder = %+v, %v; want ErrAlreadyClaimed with the first claim time", again, err)
	}
	if now := get(t, s, h.ID); now.Status != core.HandoffClaimed || now.ClaimedBy != "UAGENT1" {
		t.Errorf("after a lost claim: status %q by %q, want claimed by UAGENT1", now.Status, now.ClaimedBy)
	}
}

func testSolve(t *testing.T, s core.Store) {
	ctx := context.Background()

	// Claimed, then solved; claim and solve after that are refused.
	h := create(t, s, sample("U1"))
	if _, err := s.ClaimHandoff(ctx, h.ID, "UAGENT1", t0.Add(time.Minute)); err != nil {
		t.Fatalf("ClaimHandoff: %v", err)
	}
	solvedAt := t0.Add(time.Hour)
	got, err := s.SolveHandoff(ctx, h.ID, "UAGENT1", solvedAt)
	if err != nil {
		t.Fatalf("SolveHandoff: %v", err)
	}
	if got.Status != core.HandoffSolved || got.SolvedBy != "UAGENT1" || !got.SolvedAt.Equal(solvedAt) || got.ClaimedBy != "UAGENT1" {
		t.Errorf("SolveHandoff = %+v, want solved by UAGENT1 at %v, still claimed by UAGENT1", got, solvedAt)
	}
	if lost, err := s.ClaimHandoff(ctx, h.ID, "UAGENT2", solvedAt.Add(time.Minute)); !errors.Is(err, core.ErrAlreadySolved) || lost == nil || lost.SolvedBy != "UAGENT1" {
		t.Errorf("claim after solve = %+v, %v; want ErrAlreadySolved and the solved hand-off", lost, err)
	}
	again, err := s.SolveHandoff(ctx, h.ID, "UAGENT2", solvedAt.Add(time.Minute))
	if !errors.Is(err, core.ErrAlreadySolved) {
		t.Fatalf("double SolveHandoff error = %v, want ErrAlreadySolved", err)
	}
	if again == nil || again.SolvedBy != "UAGENT1" || !again.SolvedAt.Equal(solvedAt) {
		t.Errorf("double SolveHandoff returned %+v, want the first solve kept", again)
	}

	// An open hand-off can be solved without a claim (Mark solved straight
	// away), and it then reports no claimant.
	h2 := create(t, s, sample("U2"))
	got, err = s.SolveHandoff(ctx, h2.ID, "UAGENT3", solvedAt)
	if err != nil {
		t.Fatalf("SolveHandoff of an open hand-off: %v", err)
	}
	if got.Status != core.HandoffSolved || got.ClaimedBy != "" || !got.ClaimedAt.IsZero() {
		t.Errorf("solve of open hand-off = status %q claimed by %q at %v; want solved, unclaimed", got.Status, got.ClaimedBy, got.ClaimedAt)
	}
}

func testCard(t *testing.T, s core.Store) {
	ctx := context.Background()
	h := create(t, s, sample("U1"))
	other := create(t, s, sample("U2"))
	if err := s.SetHandoffCard(ctx, h.ID, "C0SUPPORT/1700000000.000100"); err != nil {
		t.Fatalf("SetHandoffCard: %v", err)
	}
	if got := get(t, s, h.ID).Card; got != "C0SUPPORT/1700000000.000100" {
		t.Errorf("Card = %q after SetHandoffCard", got)
	}
	if got := get(t, s, other.ID).Card; got != "" {
		t.Errorf("SetHandoffCard changed another hand-off's card to %q", got)
	}
	// The card survives a claim.
	if c, err := s.ClaimHandoff(ctx, h.ID, "UAGENT1", t0); err != nil || c.Card != "C0SUPPORT/1700000000.000100" {
		t.Errorf("ClaimHandoff = card %q, %v; want the card kept", c.Card, err)
	}

	// SwapHandoffCard changes the card only from the value given.
	for _, tt := range []struct {
		old, new string
		want     bool
		card     string
	}{
		{"C0SUPPORT/wrong", "posting:1", false, ""},
		{"", "posting:1", true, "posting:1"},
		{"", "posting:2", false, "posting:1"},
		{"posting:1", "C0SUPPORT/2.3", true, "C0SUPPORT/2.3"},
	} {
		ok, err := s.SwapHandoffCard(ctx, other.ID, tt.old, tt.new)
		if err != nil || ok != tt.want {
			t.Errorf("SwapHandoffCard(%q -> %q) = %v, %v; want %v", tt.old, tt.new, ok, err, tt.want)
		}
		if got := get(t, s, other.ID).Card; got != tt.card {
			t.Errorf("after SwapHandoffCard(%q -> %q) card = %q, want %q", tt.old, tt.new, got, tt.card)
		}
	}
	if _, err := s.SwapHandoffCard(ctx, 999999, "", "x"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("SwapHandoffCard of an unknown id: %v, want ErrNotFound", err)
	}
}

func testList(t *testing.T, s core.Store) {
	ctx := context.Background()
	var ids []int64
	for i := range 6 {
		h := sample(fmt.Sprintf("U%d", i))
		h.CreatedAt = t0.Add(time.Duration(i) * time.Minute)
		ids = append(ids, create(t, s, h).ID)
	}
	// ids[1], ids[4] claimed; ids[2] solved; the rest open.
	for _, id := range []int64{ids[1], ids[4]} {
		if _, err := s.ClaimHandoff(ctx, id, "UAGENT", t0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.SolveHandoff(ctx, ids[2], "UAGENT", t0); err != nil {
		t.Fatal(err)
	}
	idsOf := func(hs []*core.Handoff) []int64 {
		out := []int64{}
		for _, h := range hs {
			out = append(out, h.ID)
		}
		return out
	}
	tests := []struct {
		name   string
		limit  int
		status []core.HandoffStatus
		want   []int64
	}{
		{"all", 0, nil, []int64{ids[5], ids[4], ids[3], ids[2], ids[1], ids[0]}},
		{"open", 0, []core.HandoffStatus{core.HandoffOpen}, []int64{ids[5], ids[3], ids[0]}},
		{"open, limit 2", 2, []core.HandoffStatus{core.HandoffOpen}, []int64{ids[5], ids[3]}},
		{"open or claimed", 0, []core.HandoffStatus{core.HandoffOpen, core.HandoffClaimed}, []int64{ids[5], ids[4], ids[3], ids[1], ids[0]}},
		{"solved", 10, []core.HandoffStatus{core.HandoffSolved}, []int64{ids[2]}},
		{"all, limit 1", 1, nil, []int64{ids[5]}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := s.ListHandoffs(ctx, tt.limit, tt.status...)
			if err != nil {
				t.Fatalf("ListHandoffs: %v", err)
			}
			if diff := cmp.Diff(tt.want, idsOf(got)); diff != "" {
				t.Errorf("ListHandoffs(%d, %v) ids mismatch (-want +got):\n%s", tt.limit, tt.status, diff)
			}
		})
	}
	// Listed hand-offs are complete, transcript included.
	all, _ := s.ListHandoffs(ctx, 0)
	for _, h := range all {
		if len(h.Transcript) != 2 || h.Ref == "" || h.RequesterName != "山田 花子" {
			t.Errorf("listed hand-off %d incomplete: %+v", h.ID, h)
		}
	}
}

func outcome(walk string, kind core.OutcomeKind, topic string, step int, at time.Time) core.Outcome {
	return core.Outcome{Walk: walk, Kind: kind, Platform: "discord", Playbook: "amazon-signin", Topic: topic, Step: step, Lang: "en", At: at}
}

func testRecordOutcome(t *testing.T, s core.Store) {
	ctx := context.Background()
	recs := []core.Outcome{
		outcome("w1", core.OutcomeStarted, "otp", 0, t0),
		outcome("w1", core.OutcomeResolved, "otp", 2, t0.Add(time.Minute)),
		// A double click on "That fixed it": same walk, kind and topic, later.
		outcome("w1", core.OutcomeResolved, "otp", 3, t0.Add(2*time.Minute)),
		// The same walk moved on to another topic and was started there.
		outcome("w1", core.OutcomeStarted, "password", 0, t0.Add(3*time.Minute)),
		// Another walk, same topic.
		outcome("w2", core.OutcomeStarted, "otp", 0, t0.Add(4*time.Minute)),
		outcome("w2", core.OutcomeStarted, "otp", 0, t0.Add(4*time.Minute)),
	}
	for _, o := range recs {
		if err := s.RecordOutcome(ctx, o); err != nil {
			t.Fatalf("RecordOutcome(%+v): %v", o, err)
		}
	}
	got, err := s.Outcomes(ctx, time.Time{})
	if err != nil {
		t.Fatalf("Outcomes: %v", err)
	}
	// Every record is kept, repeats included, oldest first ...
	if diff := cmp.Diff(recs, got); diff != "" {
		t.Errorf("Outcomes mismatch (-want +got):\n%s", diff)
	}
	// ... and the repeats count once: w1 resolved otp at step 2 (the first
	// click), w2 started otp once.
	want := []core.TopicStats{
		{Playbook: "amazon-signin", Topic: "otp", Started: 2, Resolved: 1, Left: 1, Deflection: 0.5,
			BestStep: 2, BestStepResolved: 1, Resolutions: []core.StepCount{{Step: 2, Count: 1}}},
		{Playbook: "amazon-signin", Topic: "password", Started: 1, Left: 1},
	}
	if diff := cmp.Diff(want, core.Summarize(got), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("Summarize(Outcomes) mismatch (-want +got):\n%s", diff)
	}
}

func testOutcomesSince(t *testing.T, s core.Store) {
	ctx := context.Background()
	// Recorded out of order: Outcomes returns them oldest first.
	recs := []core.Outcome{
		outcome("w3", core.OutcomeStarted, "otp", 0, t0.Add(3*time.Hour)),
		outcome("w1", core.OutcomeStarted, "otp", 0, t0.Add(-48*time.Hour)),
		outcome("w2", core.OutcomeStarted, "otp", 0, t0),
		outcome("w2", core.OutcomeHandoff, "otp", 4, t0.Add(time.Hour)),
	}
	for _, o := range recs {
		if err := s.RecordOutcome(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		since time.Time
		want  []core.Outcome
	}{
		{time.Time{}, []core.Outcome{recs[1], recs[2], recs[3], recs[0]}},
		{t0, []core.Outcome{recs[2], recs[3], recs[0]}}, // at or after
		{t0.Add(time.Microsecond), []core.Outcome{recs[3], recs[0]}},
		{t0.Add(4 * time.Hour), nil},
	}
	for _, tt := range tests {
		got, err := s.Outcomes(ctx, tt.since)
		if err != nil {
			t.Fatalf("Outcomes(%v): %v", tt.since, err)
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Outcomes(%v) mismatch (-want +got):\n%s", tt.since, diff)
		}
	}
}

func testFirstSeen(t *testing.T, s core.Store) {
	ctx := context.Background()
	for i, tt := range []struct {
		key  string
		want bool
	}{
		{"slack:Ev0123456789", true},
		{"slack:Ev0123456789", false},
		{"slack:Ev0123456789", false},
		{"discord:1234567890", true},
		{"SLACK:Ev0123456789", true}, // keys are exact
	} {
		got, err := s.FirstSeen(ctx, tt.key, t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			t.Fatalf("FirstSeen(%q): %v", tt.key, err)
		}
		if got != tt.want {
			t.Errorf("call %d: FirstSeen(%q) = %v, want %v", i, tt.key, got, tt.want)
		}
	}
}

func testPurge(t *testing.T, s core.Store) {
	ctx := context.Background()
	cut := t0.Add(-90 * 24 * time.Hour)
	old, recent := cut.Add(-time.Hour), cut.Add(time.Hour)

	// Outcomes and seen keys: the old go, the recent stay.
	for _, o := range []core.Outcome{
		outcome("old", core.OutcomeStarted, "otp", 0, old),
		outcome("old", core.OutcomeResolved, "otp", 1, old),
		outcome("new", core.OutcomeStarted, "otp", 0, recent),
	} {
		if err := s.RecordOutcome(ctx, o); err != nil {
			t.Fatal(err)
		}
	}
	for key, at := range map[string]time.Time{"old-event": old, "new-event": recent} {
		if _, err := s.FirstSeen(ctx, key, at); err != nil {
			t.Fatal(err)
		}
	}

	// Hand-offs: a transcript goes when the hand-off was solved before the
	// cut-off; open and claimed ones keep it however old they are.
	mk := func(requester string) *core.Handoff {
		h := sample(requester)
		h.CreatedAt = old.Add(-24 * time.Hour)
		return create(t, s, h)
	}
	solvedOld, solvedRecent, openOld, claimedOld := mk("U1"), mk("U2"), mk("U3"), mk("U4")
	if _, err := s.SolveHandoff(ctx, solvedOld.ID, "UAGENT", old); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SolveHandoff(ctx, solvedRecent.ID, "UAGENT", recent); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ClaimHandoff(ctx, claimedOld.ID, "UAGENT", old); err != nil {
		t.Fatal(err)
	}

	n, err := s.Purge(ctx, cut)
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	// 2 outcomes + 1 seen key + 1 transcript.
	if n != 4 {
		t.Errorf("Purge removed %d, want 4", n)
	}
	got, err := s.Outcomes(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Walk != "new" {
		t.Errorf("after Purge, Outcomes = %+v, want only walk new", got)
	}
	// A purged outcome key may be recorded again: it is a new event now.
	if err := s.RecordOutcome(ctx, outcome("old", core.OutcomeStarted, "otp", 0, recent)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Outcomes(ctx, time.Time{}); len(got) != 2 {
		t.Errorf("after re-recording a purged outcome, %d outcomes, want 2", len(got))
	}
	if first, _ := s.FirstSeen(ctx, "new-event", t0); first {
		t.Error("Purge forgot a recent seen key")
	}
	if first, _ := s.FirstSeen(ctx, "old-event", t0); !first {
		t.Error("Purge kept an old seen key")
	}
	h := get(t, s, solvedOld.ID)
	if h.Transcript != nil {
		t.Errorf("old solved hand-off kept its transcript: %+v", h.Transcript)
	}
	if h.Status != core.HandoffSolved || h.Ref != solvedOld.Ref || h.Requester != "U1" {
		t.Errorf("Purge removed more than the transcript: %+v", h)
	}
	for _, id := range []int64{solvedRecent.ID, openOld.ID, claimedOld.ID} {
		if h := get(t, s, id); len(h.Transcript) != 2 {
			t.Errorf("hand-off %d (%s) lost its transcript", id, h.Status)
		}
	}
	// Purging again removes nothing more.
	if n, err := s.Purge(ctx, cut); err != nil || n != 0 {
		t.Errorf("second Purge = %d, %v; want 0", n, err)
	}
}

func testPing(t *testing.T, s core.Store) {
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func testStartTogether(t *testing.T, open Opener) {
	// Instances of a cluster start at the same moment on an empty
	// database: the migrations run once and every instance works.
	const n = 4
	stores := make([]core.Store, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() { stores[i], errs[i] = open() })
	}
	wg.Wait()
	for i := range n {
		if errs[i] != nil {
			t.Errorf("instance %d: open: %v", i, errs[i])
			continue
		}
		t.Cleanup(func() { stores[i].Close() })
	}
	if t.Failed() {
		return
	}
	ctx := context.Background()
	h := create(t, stores[0], sample("U1"))
	for i, s := range stores {
		if got := get(t, s, h.ID); got.Ref != h.Ref {
			t.Errorf("instance %d sees ref %q, want %q", i, got.Ref, h.Ref)
		}
		if err := s.RecordOutcome(ctx, outcome("w", core.OutcomeStarted, "otp", 0, t0)); err != nil {
			t.Errorf("instance %d: RecordOutcome: %v", i, err)
		}
	}
	got, _ := stores[n-1].Outcomes(ctx, time.Time{})
	if len(got) != n || core.Totals(core.Summarize(got)).Started != 1 {
		t.Errorf("%d outcomes recorded through %d instances counted as %d walkthroughs, want %d records and 1 walkthrough",
			len(got), n, core.Totals(core.Summarize(got)).Started, n)
	}
}

// testCardSwapContest: instances racing to post the same card (a sweep
// after a restart) take it in turn through SwapHandoffCard: exactly one
// of many concurrent swaps from the same value wins.
func testCardSwapContest(t *testing.T, open Opener) {
	a, b := mustOpen(t, open), mustOpen(t, open)
	ctx := context.Background()
	for round := range 5 {
		h := create(t, a, sample("U1"))
		const n = 40
		var wins atomic.Int32
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			s := a
			if i%2 == 1 {
				s = b
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				ok, err := s.SwapHandoffCard(ctx, h.ID, "", fmt.Sprintf("posting:%d", i))
				if err != nil {
					t.Errorf("round %d: SwapHandoffCard: %v", round, err)
				}
				if ok {
					wins.Add(1)
				}
			}()
		}
		close(start)
		wg.Wait()
		if w := wins.Load(); w != 1 {
			t.Errorf("round %d: %d of %d concurrent swaps won, want exactly 1", round, w, n)
		}
	}
}

func testConcurrentClaims(t *testing.T, open Opener) {
	a, b := mustOpen(t, open), mustOpen(t, open)
	// A lost race is a matter of timing: several contests make a store
	// that checks and then updates in two steps fail reliably.
	for round := range 5 {
		claimContest(t, a, b, round)
	}
}

// claimContest has 100 agents click Claim on one hand-off at once, half
// through each instance: exactly one wins, and every loser is told who.
func claimContest(t *testing.T, a, b core.Store, round int) {
	ctx := context.Background()
	h := create(t, a, sample("U1"))
	if got := get(t, b, h.ID); got.Ref != h.Ref {
		t.Fatalf("second instance does not see the hand-off: %+v", got)
	}
	const n = 100
	type result struct {
		agent string
		h     *core.Handoff
		err   error
	}
	results := make([]result, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		s := a
		if i%2 == 1 {
			s = b
		}
		agent := fmt.Sprintf("UAGENT%03d", i)
		wg.Go(func() {
			<-start
			got, err := s.ClaimHandoff(ctx, h.ID, agent, t0.Add(time.Duration(i)*time.Millisecond))
			results[i] = result{agent, got, err}
		})
	}
	close(start)
	wg.Wait()

	var winners []string
	for _, r := range results {
		switch {
		case r.err == nil:
			winners = append(winners, r.agent)
			if r.h.ClaimedBy != r.agent {
				t.Errorf("round %d: winner %s got hand-off claimed by %q", round, r.agent, r.h.ClaimedBy)
			}
		case !errors.Is(r.err, core.ErrAlreadyClaimed):
			t.Errorf("round %d: %s: ClaimHandoff error = %v, want nil or ErrAlreadyClaimed", round, r.agent, r.err)
		}
	}
	if len(winners) != 1 {
		t.Fatalf("round %d: %d winners %v, want exactly 1", round, len(winners), winners)
	}
	for _, r := range results {
		if r.err != nil && (r.h == nil || r.h.ClaimedBy != winners[0]) {
			t.Errorf("round %d: %s lost but was told the holder is %+v, want %s", round, r.agent, r.h, winners[0])
		}
	}
	for _, s := range []core.Store{a, b} {
		if got := get(t, s, h.ID); got.ClaimedBy != winners[0] || got.Status != core.HandoffClaimed {
			t.Errorf("round %d: stored claim = %q (%s), want %s", round, got.ClaimedBy, got.Status, winners[0])
		}
	}
}

func testFirstSeenShared(t *testing.T, open Opener) {
	a, b := mustOpen(t, open), mustOpen(t, open)
	ctx := context.Background()
	if first, err := a.FirstSeen(ctx, "slack:Ev1", t0); err != nil || !first {
		t.Fatalf("FirstSeen on instance A = %v, %v; want true", first, err)
	}
	if first, err := b.FirstSeen(ctx, "slack:Ev1", t0); err != nil || first {
		t.Fatalf("FirstSeen of the same key on instance B = %v, %v; want false", first, err)
	}

	// A retried delivery reaching both instances at once is answered once.
	const n = 40
	var (
		wg     sync.WaitGroup
		mu     sync.Mutex
		firsts int
	)
	for i := range n {
		s := a
		if i%2 == 1 {
			s = b
		}
		wg.Go(func() {
			first, err := s.FirstSeen(ctx, "slack:Ev2", t0)
			if err != nil {
				t.Errorf("FirstSeen: %v", err)
				return
			}
			if first {
				mu.Lock()
				firsts++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if firsts != 1 {
		t.Errorf("%d of %d concurrent FirstSeen calls said first, want 1", firsts, n)
	}
}

func testRestart(t *testing.T, open Opener) {
	ctx := context.Background()
	s, err := open()
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	claimed := create(t, s, sample("U1"))
	open1 := create(t, s, sample("U2"))
	if _, err := s.ClaimHandoff(ctx, claimed.ID, "UAGENT1", t0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	if err := s.SetHandoffCard(ctx, claimed.ID, "C0SUPPORT/1.2"); err != nil {
		t.Fatal(err)
	}
	o := outcome("w1", core.OutcomeHandoff, "otp", 3, t0)
	if err := s.RecordOutcome(ctx, o); err != nil {
		t.Fatal(err)
	}
	if _, err := s.FirstSeen(ctx, "slack:Ev1", t0); err != nil {
		t.Fatal(err)
	}
	wantClaimed := get(t, s, claimed.ID)
	if err := s.Close(); err != nil {
		t.Fatalf("Close: %v", err)
	}

	r := mustOpen(t, open)
	if diff := cmp.Diff(wantClaimed, get(t, r, claimed.ID)); diff != "" {
		t.Errorf("claimed hand-off after restart mismatch (-want +got):\n%s", diff)
	}
	if got := get(t, r, open1.ID); got.Status != core.HandoffOpen || len(got.Transcript) != 2 {
		t.Errorf("open hand-off after restart: %+v", got)
	}
	if _, err := r.ClaimHandoff(ctx, claimed.ID, "UAGENT2", t0); !errors.Is(err, core.ErrAlreadyClaimed) {
		t.Errorf("claim after restart error = %v, want ErrAlreadyClaimed", err)
	}
	got, err := r.Outcomes(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]core.Outcome{o}, got); diff != "" {
		t.Errorf("outcomes after restart mismatch (-want +got):\n%s", diff)
	}
	if err := r.RecordOutcome(ctx, o); err != nil {
		t.Fatal(err)
	}
	if got, _ := r.Outcomes(ctx, time.Time{}); len(got) != 2 || core.Totals(core.Summarize(got)).Started != 1 {
		t.Errorf("an outcome recorded again after the restart: got %+v, want both records kept and one walkthrough counted", got)
	}
	if first, err := r.FirstSeen(ctx, "slack:Ev1", t0); err != nil || first {
		t.Errorf("FirstSeen after restart = %v, %v; want false", first, err)
	}
	// Ids continue; a reference is never given twice.
	next := create(t, r, sample("U3"))
	if next.ID <= open1.ID {
		t.Errorf("after restart new id %d, want > %d", next.ID, open1.ID)
	}
}

// testBufferedOutcomes drives the store through core.BufferedOutcomes, as
// kaiketsu serve does: batches (through RecordOutcomes when the store has
// it) keep every outcome, duplicates in one batch included, and each
// walkthrough counts once.
func testBufferedOutcomes(t *testing.T, s core.Store) {
	ctx := context.Background()
	b := core.NewBufferedOutcomes(s, nil)
	base := time.Now().Add(-time.Minute).Truncate(time.Microsecond)
	for i := range 300 {
		o := core.Outcome{Walk: fmt.Sprintf("bw%03d", i%150), Kind: core.OutcomeStarted, Platform: "slack",
			Playbook: "p", Topic: "t", Lang: "en", At: base.Add(time.Duration(i) * time.Millisecond)}
		if err := b.RecordOutcome(ctx, o); err != nil {
			t.Fatalf("RecordOutcome: %v", err)
		}
	}
	b.Flush()
	got, err := s.Outcomes(ctx, base.Add(-time.Second))
	if err != nil {
		t.Fatal(err)
	}
	walks := map[string]int{}
	for _, o := range got {
		walks[o.Walk]++
	}
	if len(walks) != 150 {
		t.Errorf("%d distinct walkthroughs recorded, want 150", len(walks))
	}
	for w, n := range walks {
		if n != 2 {
			t.Errorf("walkthrough %s recorded %d times, want twice (as queued)", w, n)
		}
	}
	if st := core.Totals(core.Summarize(got)); st.Started != 150 {
		t.Errorf("Summarize counts %d walkthroughs started, want 150", st.Started)
	}
}

// testOutcomeBatches: a store that records batches (core.OutcomeBatcher)
// gives them back beside single outcomes, in time order, filters within a
// batch by time, and purges within a batch that straddles the cut.
func testOutcomeBatches(t *testing.T, s core.Store) {
	bs, ok := s.(core.OutcomeBatcher)
	if !ok {
		t.Skip("the store records outcomes one at a time")
	}
	ctx := context.Background()
	at := func(min int) time.Time { return t0.Add(time.Duration(min) * time.Minute) }
	batch1 := []core.Outcome{
		outcome("b1", core.OutcomeStarted, "otp", 0, at(0)),
		outcome("b2", core.OutcomeStarted, "password", 0, at(2)),
		// Text needing escapes survives the round trip.
		{Walk: "b\"q\"", Kind: core.OutcomeResolved, Platform: "slack", Playbook: "社内-<wifi>", Topic: "a\\b\n", Step: 3, Lang: "ja", At: at(4)},
		outcome("b1", core.OutcomeResolved, "otp", 2, at(6)),
	}
	batch2 := []core.Outcome{
		outcome("b3", core.OutcomeStarted, "otp", 0, at(5)),
		outcome("b3", core.OutcomeHandoff, "otp", 1, at(9)),
	}
	single := outcome("s1", core.OutcomeStarted, "otp", 0, at(3))
	if err := bs.RecordOutcomes(ctx, batch1); err != nil {
		t.Fatalf("RecordOutcomes: %v", err)
	}
	if err := s.RecordOutcome(ctx, single); err != nil {
		t.Fatal(err)
	}
	if err := bs.RecordOutcomes(ctx, batch2); err != nil {
		t.Fatalf("RecordOutcomes: %v", err)
	}
	if err := bs.RecordOutcomes(ctx, nil); err != nil {
		t.Fatalf("RecordOutcomes(nil): %v", err)
	}
	all := []core.Outcome{batch1[0], batch1[1], single, batch1[2], batch2[0], batch1[3], batch2[1]}
	for _, tt := range []struct {
		since time.Time
		want  []core.Outcome
	}{
		{time.Time{}, all},
		{at(4), all[3:]},
		{at(5).Add(time.Microsecond), all[5:]},
		{at(10), nil},
	} {
		got, err := s.Outcomes(ctx, tt.since)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(tt.want, got, cmpopts.EquateEmpty()); diff != "" {
			t.Errorf("Outcomes(%v) mismatch (-want +got):\n%s", tt.since, diff)
		}
	}

	// Cut at minute 5: b1 and b2 started, s1 and the escaped one go (4);
	// batch1 keeps its last outcome, batch2 all of its own.
	n, err := s.Purge(ctx, at(5))
	if err != nil {
		t.Fatalf("Purge: %v", err)
	}
	if n != 4 {
		t.Errorf("Purge removed %d, want 4 outcomes", n)
	}
	got, err := s.Outcomes(ctx, time.Time{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(all[4:], got); diff != "" {
		t.Errorf("after Purge mismatch (-want +got):\n%s", diff)
	}
	// Purging again removes nothing more; purging past everything, the rest.
	if n, err := s.Purge(ctx, at(5)); err != nil || n != 0 {
		t.Errorf("second Purge = %d, %v; want 0", n, err)
	}
	if n, err := s.Purge(ctx, at(60)); err != nil || n != 3 {
		t.Errorf("Purge of the rest = %d, %v; want 3", n, err)
	}
	if got, _ := s.Outcomes(ctx, time.Time{}); len(got) != 0 {
		t.Errorf("after purging everything: %+v", got)
	}
}
