package core

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// A hand-off's card is posted to the support channel right after the
// hand-off is stored. When that fails for good (the platform down for
// minutes) or the process stops first, the card would never be posted and
// the support team never see the person waiting. Each platform edge
// therefore sweeps now and then for cards still to post; instances agree
// on who posts one through Store.SwapHandoffCard, with a marker in the card
// while a post is under way.
const (
	// CardRetryAfter is how old a hand-off without a card must be before a
	// sweep posts it: older than the first post's own retries take.
	CardRetryAfter = 10 * time.Minute
	// cardPostingStale is how long a posting marker holds: an instance
	// that stopped in the middle of a post leaves one behind.
	cardPostingStale = 15 * time.Minute

	cardPosting = "posting:"
)

// ClaimCard marks h's card as being posted, if no one else has: it
// returns the marker, to be replaced by the card's place once posted (or
// released with ReleaseCard), and false when another instance has it or
// the card was posted meanwhile.
func ClaimCard(ctx context.Context, st Store, h *Handoff, now time.Time) (string, bool, error) {
	marker := cardPosting + strconv.FormatInt(now.UnixNano(), 10)
	ok, err := st.SwapHandoffCard(ctx, h.ID, h.Card, marker)
	if err != nil {
		return "", false, fmt.Errorf("claim hand-off %d card: %w", h.ID, err)
	}
	return marker, ok, nil
}

// ReleaseCard gives up a claim after the post failed, so that a later
// sweep tries again.
func ReleaseCard(ctx context.Context, st Store, id int64, marker string) error {
	if _, err := st.SwapHandoffCard(ctx, id, marker, ""); err != nil {
		return fmt.Errorf("release hand-off %d card: %w", id, err)
	}
	return nil
}

// CardPosted reports whether card names a posted card (not empty, not a
// posting marker).
func CardPosted(card string) bool { return card != "" && !strings.HasPrefix(card, cardPosting) }

// CardsToPost returns the open and claimed hand-offs of platform whose card
// a sweep should post: never posted and older than CardRetryAfter, or
// left with a posting marker older than the marker's lifetime.
func CardsToPost(ctx context.Context, st Store, platform string, now time.Time) ([]*Handoff, error) {
	hs, err := st.ListHandoffs(ctx, 0, HandoffOpen, HandoffClaimed)
	if err != nil {
		return nil, fmt.Errorf("hand-offs to post: %w", err)
	}
	var out []*Handoff
	for _, h := range hs {
		if h.Platform != platform || CardPosted(h.Card) {
			continue
		}
		if h.Card == "" {
			if now.Sub(h.CreatedAt) >= CardRetryAfter {
				out = append(out, h)
			}
			continue
		}
		at, err := strconv.ParseInt(strings.TrimPrefix(h.Card, cardPosting), 10, 64)
		if err != nil || now.Sub(time.Unix(0, at)) >= cardPostingStale {
			out = append(out, h)
		}
	}
	return out, nil
}
