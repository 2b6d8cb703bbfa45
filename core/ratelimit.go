package core

import (
	"fmt"
	"hash/maphash"
	"math"
	"sync"
	"time"
)

// Limiter is a per-key rate limit (a token bucket per person, kept as a
// GCRA "theoretical arrival time" so that each key costs one int64). Its
// memory is bounded: keys whose bucket has refilled are forgotten as the
// limiter is used (a full bucket is the same as no entry), and past MaxKeys
// the least recently seen key is dropped, which only ever makes the limit
// more lenient for that one person, never stricter. A million distinct
// people therefore cost at most MaxKeys entries.
//
// It is safe for concurrent use.
type Limiter struct {
	interval int64 // nanoseconds between two requests at the sustained rate
	tau      int64 // burst allowance: burst * interval
	perShard int
	seed     maphash.Seed
	shards   [limiterShards]limShard
}

const limiterShards = 32

// DefaultMaxKeys bounds a limiter's memory when NewLimiter gets 0: about
// 100 bytes a key, so some 10 MB at most.
const DefaultMaxKeys = 100_000

type limShard struct {
	mu   sync.Mutex
	m    map[string]*limEntry
	head limEntry // sentinel of the LRU list: head.next is the newest
}

type limEntry struct {
	key        string
	tat        int64 // when the bucket is full again (unix nanoseconds)
	prev, next *limEntry
}

// NewLimiter allows each key n requests per period on average, and up to
// burst at once (burst < 1 means 1). maxKeys bounds the keys remembered
// (0 means DefaultMaxKeys). n < 1 or per <= 0 is an error.
func NewLimiter(n int, per time.Duration, burst, maxKeys int) (*Limiter, error) {
	if n < 1 || per <= 0 {
		return nil, fmt.Errorf("rate limit: %d per %s is not a rate", n, per)
	}
	if burst < 1 {
		burst = 1
	}
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	iv := int64(per) / int64(n)
	if iv < 1 {
		iv = 1
	}
	l := &Limiter{interval: iv, seed: maphash.MakeSeed()}
	if int64(burst) > math.MaxInt64/iv {
		l.tau = math.MaxInt64 / 2
	} else {
		l.tau = iv * int64(burst)
	}
	l.perShard = max(1, (maxKeys+limiterShards-1)/limiterShards)
	for i := range l.shards {
		s := &l.shards[i]
		s.m = make(map[string]*limEntry)
		s.head.next, s.head.prev = &s.head, &s.head
	}
	return l, nil
}

// Allow takes one request for key at now. When the key is over its limit it
// returns false and how long until its next request would be allowed.
func (l *Limiter) Allow(key string, now time.Time) (bool, time.Duration) {
	return l.allow(nil, key, now)
}

// allow is Allow for the key b when b is not nil, else key: the engine
// spells its keys in a buffer on the stack, and a string is only made for
// a person the limiter starts remembering.
func (l *Limiter) allow(b []byte, key string, now time.Time) (bool, time.Duration) {
	t := now.UnixNano()
	var h uint64
	if b != nil {
		h = maphash.Bytes(l.seed, b)
	} else {
		h = maphash.String(l.seed, key)
	}
	s := &l.shards[h%limiterShards]
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(t, 2)
	var e *limEntry
	if b != nil {
		e = s.m[string(b)]
	} else {
		e = s.m[key]
	}
	tat := t
	if e != nil && e.tat > t {
		tat = e.tat
	}
	next := tat + l.interval
	if next-t > l.tau {
		if e != nil {
			s.touch(e)
		}
		return false, time.Duration(next - t - l.tau)
	}
	if e == nil {
		if len(s.m) >= l.perShard {
			s.evict(s.head.prev)
		}
		if b != nil {
			key = string(b)
		}
		e = &limEntry{key: key}
		s.m[key] = e
		s.pushFront(e)
	} else {
		s.touch(e)
	}
	e.tat = next
	return true, 0
}

// Len returns how many keys the limiter remembers.
func (l *Limiter) Len() int {
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

// Sweep forgets every key whose bucket has refilled by now, and returns how
// many keys remain. Allow already does this a little at a time; a long
// idle server can call Sweep to give the memory back at once.
func (l *Limiter) Sweep(now time.Time) int {
	t := now.UnixNano()
	n := 0
	for i := range l.shards {
		s := &l.shards[i]
		s.mu.Lock()
		for e := s.head.prev; e != &s.head; {
			prev := e.prev
			if e.tat <= t {
				s.evict(e)
			}
			e = prev
		}
		n += len(s.m)
		s.mu.Unlock()
	}
	return n
}

// sweep drops up to n of the least recently seen keys whose bucket is full
// again: the cheap, incremental forgetting done on every Allow.
func (s *limShard) sweep(t int64, n int) {
	for ; n > 0; n-- {
		e := s.head.prev
		if e == &s.head || e.tat > t {
			return
		}
		s.evict(e)
	}
}

func (s *limShard) evict(e *limEntry) {
	e.prev.next, e.next.prev = e.next, e.prev
	e.prev, e.next = nil, nil
	delete(s.m, e.key)
}

func (s *limShard) pushFront(e *limEntry) {
	e.prev, e.next = &s.head, s.head.next
	s.head.next.prev = e
	s.head.next = e
}

func (s *limShard) touch(e *limEntry) {
	if s.head.next == e {
		return
	}
	e.prev.next, e.next.prev = e.next, e.prev
	s.pushFront(e)
}

// appendLimitKey appends who a request counts against to b: the person on
// their platform (platform, NUL, user id).
func appendLimitKey(b []byte, req Request) []byte {
	b = append(b, req.Platform...)
	b = append(b, 0)
	return append(b, req.UserID...)
}

// slowDown applies the engine's rate limit to req: when the person is over
// it, it returns the polite "slow down" answer and true. Requests without a
// user id (none come from the platforms) are not limited.
func (e *Engine) slowDown(req Request) (Answer, bool) {
	if e.opt.Limit == nil || req.UserID == "" {
		return Answer{}, false
	}
	var buf [64]byte
	ok, wait := e.opt.Limit.allow(appendLimitKey(buf[:0], req), "", e.nowFn())
	if ok {
		return Answer{}, false
	}
	lang := e.Lang(req.Text, req.Locale)
	secs := int((wait + time.Second - 1) / time.Second)
	return Answer{
		Kind:  KindSlowDown,
		Lang:  lang,
		Title: msg(msgSlowDown, lang),
		Text:  formatInts(msg(msgSlowDownBody, lang), max(2, secs)), // "2 seconds", never "1 seconds"
	}, true
}
