package slack

import (
	"container/list"
	"context"
	"sync"
	"time"
)

// localeCache remembers users' Slack locales so that users.info (rate
// limited, and in the way of the 3-second ack) is asked at most once per
// user per TTL. It holds at most max users, forgetting the least recently
// used.
type localeCache struct {
	mu  sync.Mutex
	max int
	ttl time.Duration
	ll  *list.List
	m   map[string]*list.Element
}

type localeEntry struct {
	user, locale string
	at           time.Time
}

func newLocaleCache(max int, ttl time.Duration) *localeCache {
	return &localeCache{max: max, ttl: ttl, ll: list.New(), m: map[string]*list.Element{}}
}

func (c *localeCache) get(user string, now time.Time) (string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[user]
	if !ok {
		return "", false
	}
	ent := e.Value.(*localeEntry)
	if now.Sub(ent.at) > c.ttl {
		c.ll.Remove(e)
		delete(c.m, user)
		return "", false
	}
	c.ll.MoveToFront(e)
	return ent.locale, true
}

func (c *localeCache) put(user, locale string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.m[user]; ok {
		e.Value = &localeEntry{user, locale, now}
		c.ll.MoveToFront(e)
		return
	}
	c.m[user] = c.ll.PushFront(&localeEntry{user, locale, now})
	for c.ll.Len() > c.max {
		old := c.ll.Back()
		c.ll.Remove(old)
		delete(c.m, old.Value.(*localeEntry).user)
	}
}

func (c *localeCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ll.Len()
}

// localeTimeout keeps the locale look-up from eating the 3-second ack.
const localeTimeout = 1200 * time.Millisecond

// userLocale returns the user's Slack locale ("ja-JP"), or "" when it is
// unknown or there is no bot token. Failures are cached too (as ""), so a
// missing users:read scope costs one call per user per TTL, not one per
// message.
func (b *Bot) userLocale(ctx context.Context, userID string) string {
	if b.api == nil || userID == "" {
		return ""
	}
	now := b.now()
	if l, ok := b.locales.get(userID, now); ok {
		return l
	}
	ctx, cancel := context.WithTimeout(ctx, localeTimeout)
	defer cancel()
	u, err := b.api.GetUserInfoContext(ctx, userID)
	if err != nil {
		b.log.Warn("slack: users.info failed; answering in the default language", "user", userID, "err", err)
		b.locales.put(userID, "", now)
		return ""
	}
	b.locales.put(userID, u.Locale, now)
	return u.Locale
}

// seenCache is the per-process fallback for event deduplication when
// there is no store: a bounded set, oldest forgotten first.
type seenCache struct {
	mu    sync.Mutex
	max   int
	order []string
	m     map[string]bool
}

func newSeenCache(max int) *seenCache { return &seenCache{max: max, m: map[string]bool{}} }

// add records key and reports whether it was new.
func (s *seenCache) add(key string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.m[key] {
		return false
	}
	s.m[key] = true
	s.order = append(s.order, key)
	if len(s.order) > s.max {
		delete(s.m, s.order[0])
		s.order = s.order[1:]
	}
	return true
}
