package core

import (
	"context"
	"errors"
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

// PostCard posts h's card through post, once across instances: it claims
// the card (ClaimCard), calls post, which returns where the card went, and
// records that place; a failed post releases the claim for a later sweep.
// posted is false, with no error and post not called, when another
// instance has posted or is posting the card; it is true with an error
// when only recording the place failed. Without a store it just posts.
func PostCard(ctx context.Context, st Store, h *Handoff, now time.Time, post func(context.Context) (string, error)) (posted bool, err error) {
	if st == nil {
		_, err := post(ctx)
		return err == nil, err
	}
	marker, ok, err := ClaimCard(ctx, st, h, now)
	if err != nil || !ok {
		return false, err
	}
	place, err := post(ctx)
	if err != nil {
		// Not ctx for the release: it may be what ended the post.
		if rerr := ReleaseCard(context.WithoutCancel(ctx), st, h.ID, marker); rerr != nil {
			err = errors.Join(err, rerr)
		}
		return false, err
	}
	if err := st.SetHandoffCard(ctx, h.ID, place); err != nil {
		return true, fmt.Errorf("record hand-off %d card: %w", h.ID, err)
	}
	return true, nil
}

// SweepCards calls post for each hand-off of platform whose card a sweep
// should post (CardsToPost), until ctx ends.
func SweepCards(ctx context.Context, st Store, platform string, now time.Time, post func(context.Context, *Handoff)) error {
	hs, err := CardsToPost(ctx, st, platform, now)
	if err != nil {
		return err
	}
	for _, h := range hs {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		post(ctx, h)
	}
	return nil
}
