package core

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"sync"
)

// Action is what a button asks the engine to do.
type Action byte

// The actions a walkthrough button can carry.
const (
	ActNext     Action = 'n' // didn't work: go to the next step
	ActBack     Action = 'b' // back to the previous step
	ActResolved Action = 'r' // that fixed it
	ActHuman    Action = 'h' // talk to a person
	ActRestart  Action = 's' // start over: the menu of topics
	ActTopic    Action = 't' // choose a topic (Arg is the topic index)
	ActChoice   Action = 'c' // pick a branch of the current step (Arg)
)

func (a Action) valid() bool {
	switch a {
	case ActNext, ActBack, ActResolved, ActHuman, ActRestart, ActTopic, ActChoice:
		return true
	}
	return false
}

// TokenPrefix starts every walkthrough token, so adapters can tell our
// buttons from others at a glance.
const TokenPrefix = "k1."

// MaxTokenLen is the longest token: Discord's custom_id limit.
const MaxTokenLen = 100

const macLen = 8

// State is where a walkthrough stands, as carried by a button.
type State struct {
	Action      Action
	Arg         int
	Lang        byte   // index into the playbook's languages
	Fingerprint uint32 // playbook version
	Walk        uint32 // random id of this walkthrough, for outcomes
	// Path is the flat index of each step visited, oldest first; the
	// last one is the current step. Empty before a topic is chosen.
	Path []int
}

// Errors from decoding a token. Both are a TokenError; adapters answer
// either with a friendly "start over".
var (
	// ErrBadToken: the token was tampered with, truncated or is not ours.
	ErrBadToken = errors.New("walkthrough token is not valid")
	// ErrStaleToken: the playbook changed or is gone since the token was made.
	ErrStaleToken = errors.New("walkthrough is out of date")
)

// TokenError says why a button could not be followed.
type TokenError struct {
	Err    error // ErrBadToken or ErrStaleToken
	Detail string
}

func (e *TokenError) Error() string { return e.Err.Error() + ": " + e.Detail }
func (e *TokenError) Unwrap() error { return e.Err }

// sealer signs and checks tokens with a shared key. Every answer signs
// several buttons, so the keyed hashes are pooled rather than rebuilt, each
// with the buffers a token is built in: through the hash.Hash interface any
// slice would otherwise escape, one allocation per buffer per token.
type sealer struct {
	key  []byte
	pool *sync.Pool
}

// sealBuf is a pooled keyed hash with its scratch space.
type sealBuf struct {
	h    hash.Hash
	sum  [sha256.Size]byte
	body []byte                // the token's bytes before base64
	text [MaxTokenLen + 8]byte // the base64 spelling (a token never exceeds it)
}

// maxPooledBody keeps a freak long path from pinning a large buffer.
const maxPooledBody = 256

func newSealer(key []byte) sealer {
	return sealer{key: key, pool: &sync.Pool{New: func() any {
		return &sealBuf{h: hmac.New(sha256.New, key), body: make([]byte, 0, 80)}
	}}}
}

func (s sealer) get() *sealBuf { return s.pool.Get().(*sealBuf) }

func (s sealer) put(sb *sealBuf) {
	if cap(sb.body) > maxPooledBody {
		sb.body = make([]byte, 0, 80)
	}
	s.pool.Put(sb)
}

// sign returns the first macLen bytes of the MAC of b, in sb.sum.
func (sb *sealBuf) sign(b []byte) []byte {
	sb.h.Reset()
	sb.h.Write(b)
	return sb.h.Sum(sb.sum[:0])[:macLen]
}

func (s sealer) mac(b []byte) []byte {
	sb := s.get()
	out := append([]byte(nil), sb.sign(b)...)
	s.put(sb)
	return out
}

var b64 = base64.RawURLEncoding

func uvarintLen(x uint64) int {
	n := 1
	for ; x >= 0x80; x >>= 7 {
		n++
	}
	return n
}

// encode packs st into at most MaxTokenLen ASCII characters, dropping the
// oldest steps of a very long path (Back then stops there).
func (s sealer) encode(st State) string {
	var buf [MaxTokenLen + 8]byte
	return string(s.appendToken(buf[:0], st))
}

// appendToken appends encode(st) to dst.
func (s sealer) appendToken(dst []byte, st State) []byte {
	path := st.Path
	// The body's length is known before it is built: drop the oldest
	// steps until its base64 fits (a lone step always does).
	n := 10 + uvarintLen(uint64(st.Arg)) + macLen
	for _, p := range path {
		n += uvarintLen(uint64(p))
	}
	for len(TokenPrefix)+b64.EncodedLen(n) > MaxTokenLen && len(path) > 1 {
		n -= uvarintLen(uint64(path[0]))
		path = path[1:]
	}
	sb := s.get()
	b := append(sb.body[:0], st.Lang, byte(st.Action))
	b = binary.BigEndian.AppendUint32(b, st.Fingerprint)
	b = binary.BigEndian.AppendUint32(b, st.Walk)
	b = binary.AppendUvarint(b, uint64(st.Arg))
	for _, p := range path {
		b = binary.AppendUvarint(b, uint64(p))
	}
	b = append(b, sb.sign(b)...)
	dst = append(dst, TokenPrefix...)
	dst = b64.AppendEncode(dst, b)
	sb.body = b
	s.put(sb)
	return dst
}

// decode checks the MAC and unpacks a token. It never panics, whatever the
// input.
func (s sealer) decode(tok string) (State, error) {
	var st State
	bad := func(detail string) (State, error) {
		return State{}, &TokenError{Err: ErrBadToken, Detail: detail}
	}
	if len(tok) > MaxTokenLen || len(tok) <= len(TokenPrefix) || tok[:len(TokenPrefix)] != TokenPrefix {
		return bad("not a walkthrough token")
	}
	enc := tok[len(TokenPrefix):]
	sb := s.get()
	defer s.put(sb)
	b, err := b64.AppendDecode(sb.body[:0], []byte(enc))
	// The decoder ignores newlines and the spare bits of the last
	// character; only the one canonical spelling of a token is ours.
	if err != nil || string(b64.AppendEncode(sb.text[:0], b)) != enc {
		return bad("not base64")
	}
	sb.body = b
	if len(b) < 10+1+macLen {
		return bad("too short")
	}
	body, mac := b[:len(b)-macLen], b[len(b)-macLen:]
	if !hmac.Equal(mac, sb.sign(body)) {
		return bad("signature does not match")
	}
	st.Lang, st.Action = body[0], Action(body[1])
	st.Fingerprint = binary.BigEndian.Uint32(body[2:])
	st.Walk = binary.BigEndian.Uint32(body[6:])
	rest := body[10:]
	arg, n := binary.Uvarint(rest)
	if n <= 0 || arg > 1<<20 {
		return bad("bad argument")
	}
	st.Arg, rest = int(arg), rest[n:]
	// Each path entry ends with the one byte of its varint below 0x80:
	// count them to allocate the path once.
	steps := 0
	for _, c := range rest {
		if c < 0x80 {
			steps++
		}
	}
	if steps > 0 {
		st.Path = make([]int, 0, steps)
	}
	for len(rest) > 0 {
		p, n := binary.Uvarint(rest)
		if n <= 0 || p > 1<<20 {
			return bad("bad path")
		}
		st.Path, rest = append(st.Path, int(p)), rest[n:]
	}
	if !st.Action.valid() {
		return bad(fmt.Sprintf("unknown action %q", st.Action))
	}
	return st, nil
}
