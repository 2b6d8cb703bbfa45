package slack

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"hash"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// signer checks Slack's v0 request signatures exactly as
// slack.NewSecretsVerifier and Ensure do (TestSignerMatchesSlackGo), with
// a pooled HMAC: slack-go builds a new HMAC, formats the prefix and
// decodes the signature into fresh memory on every request, which cost a
// slash command as much as parsing its form.
type signer struct {
	secret []byte
	macs   sync.Pool
}

func newSigner(secret string) *signer {
	s := &signer{secret: []byte(secret)}
	s.macs.New = func() any { return hmac.New(sha256.New, s.secret) }
	return s
}

// Why a request's signature headers are refused, before its body is read.
var (
	errNoSignature    = errors.New("missing signature headers")
	errBadSignature   = errors.New("malformed signature")
	errStaleTimestamp = errors.New("timestamp more than five minutes from now")
)

// signedHeaders is what the headers of a request say about its signature.
type signedHeaders struct {
	sig [sha256.Size]byte
	ts  string
}

// headers reads the signature and timestamp headers and refuses a missing
// or malformed signature and a timestamp more than five minutes from now.
func (s *signer) headers(h http.Header, now time.Time) (signedHeaders, error) {
	var sh signedHeaders
	sig, ts := h.Get("X-Slack-Signature"), h.Get("X-Slack-Request-Timestamp")
	if sig == "" || ts == "" {
		return sh, errNoSignature
	}
	sig, ok := strings.CutPrefix(sig, "v0=")
	if !ok || len(sig) != 2*sha256.Size {
		return sh, errBadSignature
	}
	if _, err := hex.Decode(sh.sig[:], []byte(sig)); err != nil {
		return sh, errBadSignature
	}
	at, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return sh, errBadSignature
	}
	if now.Sub(time.Unix(at, 0)).Abs() > 5*time.Minute {
		return sh, errStaleTimestamp
	}
	sh.ts = ts
	return sh, nil
}

// valid reports whether body carries the signature in sh.
func (s *signer) valid(sh signedHeaders, body []byte) bool {
	mac := s.macs.Get().(hash.Hash)
	defer s.macs.Put(mac)
	mac.Reset()
	var prefix [64]byte
	p := append(append(append(prefix[:0], "v0:"...), sh.ts...), ':')
	mac.Write(p)
	mac.Write(body)
	var sum [sha256.Size]byte
	return hmac.Equal(mac.Sum(sum[:0]), sh.sig[:])
}
