package core

import (
	"strings"
	"sync"
)

// diagnosisCache remembers the diagnoses of recent texts. People often type
// the same few things ("help", "ログインできない", a pasted error message),
// and a retried or repeated request should not cost a diagnosis again. It
// holds at most 2*size entries in two generations: when the newer fills up,
// the older is dropped whole, which bounds memory without per-entry
// bookkeeping. It belongs to one KB, so a reload starts it afresh.
type diagnosisCache struct {
	mu       sync.Mutex
	size     int
	cur, old map[string]cached
}

type cached struct {
	ms []Match
	// plain: the text is its own NFKC form and nothing in it looks like a
	// secret, which Ask found when it put it there; the next Ask of the
	// same text skips normalising and scanning it (a third of its time
	// for a repeated text). Only Ask sets it, after those checks.
	plain bool
}

const diagnosisCacheSize = 4096

// maxCachedText keeps long, one-off messages out of the cache.
const maxCachedText = 256

func newDiagnosisCache(size int) *diagnosisCache {
	return &diagnosisCache{size: size, cur: make(map[string]cached, size)}
}

func (c *diagnosisCache) get(text string) ([]Match, bool) {
	e, ok := c.entry(text)
	return e.ms, ok
}

// getPlain is get for a text put there as plain only.
func (c *diagnosisCache) getPlain(text string) ([]Match, bool) {
	e, ok := c.entry(text)
	return e.ms, ok && e.plain
}

func (c *diagnosisCache) entry(text string) (cached, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.cur[text]; ok {
		return e, true
	}
	if e, ok := c.old[text]; ok {
		c.putLocked(text, e) // still in use: keep it through the next turnover
		return e, true
	}
	return cached{}, false
}

func (c *diagnosisCache) put(text string, ms []Match, plain bool) {
	if len(text) > maxCachedText {
		return
	}
	// A copy: the caller's string may share memory with a whole request
	// (the Discord decoder cuts every field from one allocation), which
	// the cache would otherwise keep alive.
	text = strings.Clone(text)
	c.mu.Lock()
	c.putLocked(text, cached{ms, plain})
	c.mu.Unlock()
}

func (c *diagnosisCache) putLocked(text string, e cached) {
	if len(c.cur) >= c.size {
		c.old, c.cur = c.cur, make(map[string]cached, c.size)
	}
	c.cur[text] = e
}

func (c *diagnosisCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.old)
}
