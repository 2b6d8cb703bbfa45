package core_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/core"
)

func TestCardsToPost(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	mk := func(platform string, age time.Duration, card string, status core.HandoffStatus) *core.Handoff {
		h := &core.Handoff{Platform: platform, Requester: "U1", Status: core.HandoffOpen, CreatedAt: now.Add(-age)}
		if err := st.CreateHandoff(ctx, h); err != nil {
			t.Fatal(err)
		}
		if card != "" {
			st.SetHandoffCard(ctx, h.ID, card)
		}
		switch status {
		case core.HandoffClaimed:
			st.ClaimHandoff(ctx, h.ID, "UAGENT", now)
		case core.HandoffSolved:
			st.SolveHandoff(ctx, h.ID, "UAGENT", now)
		}
		return h
	}
	marker := func(age time.Duration) string { return "posting:" + strconv.FormatInt(now.Add(-age).UnixNano(), 10) }
	want := map[int64]bool{
		mk("slack", time.Hour, "", core.HandoffOpen).ID:                     true,  // never posted
		mk("slack", time.Hour, "", core.HandoffClaimed).ID:                  true,  // claimed from the list, card still missing
		mk("slack", time.Minute, "", core.HandoffOpen).ID:                   false, // its first post may still be retrying
		mk("slack", time.Hour, "C1/1.2", core.HandoffOpen).ID:               false, // posted
		mk("slack", time.Hour, "", core.HandoffSolved).ID:                   false, // solved: nobody needs the card
		mk("discord", time.Hour, "", core.HandoffOpen).ID:                   false, // another platform's
		mk("slack", time.Hour, marker(time.Minute), core.HandoffOpen).ID:    false, // being posted
		mk("slack", time.Hour, marker(20*time.Minute), core.HandoffOpen).ID: true,  // its poster stopped
		mk("slack", time.Hour, "posting:garbage", core.HandoffOpen).ID:      true,
	}
	hs, err := core.CardsToPost(ctx, st, "slack", now)
	if err != nil {
		t.Fatal(err)
	}
	got := map[int64]bool{}
	for _, h := range hs {
		got[h.ID] = true
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("hand-off %d: to post = %v, want %v", id, got[id], w)
		}
	}

	// Claim and release: one claim wins; a released card can be claimed again.
	h := hs[0]
	m1, ok, err := core.ClaimCard(ctx, st, h, now)
	if err != nil || !ok {
		t.Fatalf("first claim: %v, %v", ok, err)
	}
	if _, ok, _ := core.ClaimCard(ctx, st, h, now); ok {
		t.Error("a second claim from the same card value won")
	}
	if err := core.ReleaseCard(ctx, st, h.ID, m1); err != nil {
		t.Fatal(err)
	}
	h.Card = ""
	if _, ok, _ := core.ClaimCard(ctx, st, h, now); !ok {
		t.Error("a released card could not be claimed again")
	}
	if core.CardPosted(m1) || core.CardPosted("") || !core.CardPosted("C1/1.2") {
		t.Error("CardPosted misreads a marker, nothing, or a posted card")
	}
}

func TestPostCard(t *testing.T) {
	ctx := context.Background()
	st := memstore.New()
	now := time.Date(2026, 11, 25, 12, 0, 0, 0, time.UTC)
	h := &core.Handoff{Platform: "slack", Requester: "U1", Status: core.HandoffOpen, CreatedAt: now}
	if err := st.CreateHandoff(ctx, h); err != nil {
		t.Fatal(err)
	}
	calls := 0
	fail := func(context.Context) (string, error) { calls++; return "", errors.New("platform down") }
	ok := func(context.Context) (string, error) { calls++; return "C1/1.2", nil }

	// A failed post is released: the card can be claimed again.
	if posted, err := core.PostCard(ctx, st, h, now, fail); posted || err == nil {
		t.Errorf("failed post = %v, %v; want false and the error", posted, err)
	}
	if got, _ := st.Handoff(ctx, h.ID); got.Card != "" {
		t.Errorf("card %q after a failed post, want it released", got.Card)
	}
	if posted, err := core.PostCard(ctx, st, h, now, ok); !posted || err != nil {
		t.Errorf("post = %v, %v; want true", posted, err)
	}
	if got, _ := st.Handoff(ctx, h.ID); got.Card != "C1/1.2" {
		t.Errorf("card %q, want the place post returned", got.Card)
	}
	// Posted already (h.Card is still "" here, as in a stale copy): post
	// is not called again.
	if posted, err := core.PostCard(ctx, st, h, now, ok); posted || err != nil || calls != 2 {
		t.Errorf("second post = %v, %v after %d calls; want false, nil after 2", posted, err, calls)
	}
	// Without a store, it just posts.
	if posted, err := core.PostCard(ctx, nil, h, now, ok); !posted || err != nil || calls != 3 {
		t.Errorf("post without a store = %v, %v after %d calls", posted, err, calls)
	}
}
