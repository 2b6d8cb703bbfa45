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
	cur, old map[string][]Match
}

const diagnosisCacheSize = 4096

// maxCachedText keeps long, one-off messages out of the cache.
const maxCachedText = 256

func newDiagnosisCache(size int) *diagnosisCache {
	return &diagnosisCache{size: size, cur: make(map[string][]Match, size)}
}

func (c *diagnosisCache) get(text string) ([]Match, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ms, ok := c.cur[text]; ok {
		return ms, true
	}
	if ms, ok := c.old[text]; ok {
		c.putLocked(text, ms) // still in use: keep it through the next turnover
		return ms, true
	}
	return nil, false
}

func (c *diagnosisCache) put(text string, ms []Match) {
	if len(text) > maxCachedText {
		return
	}
	// A copy: the caller's string may share memory with a whole request
	// (the Discord decoder cuts every field from one allocation), which
	// the cache would otherwise keep alive.
	text = strings.Clone(text)
	c.mu.Lock()
	c.putLocked(text, ms)
	c.mu.Unlock()
}

func (c *diagnosisCache) putLocked(text string, ms []Match) {
	if len(c.cur) >= c.size {
		c.old, c.cur = c.cur, make(map[string][]Match, c.size)
	}
	c.cur[text] = ms
}

func (c *diagnosisCache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.cur) + len(c.old)
}
