// Package outbound builds the HTTP clients the adapters use to call their
// platform (Slack's response_url and Web API, Discord's REST API).
package outbound

import (
	"context"
	"errors"
	"net"
	"net/http"
	"sync"
	"time"
)

// idlePerHost is how many connections are kept, and at most opened, per
// host. Every response_url post goes to one host (hooks.slack.com), every
// REST call to another (discord.com): net/http's default of 2 idle ones
// would, under more than two concurrent clicks, close connections after
// each use and open new ones, a TCP and TLS handshake per click that costs
// far more than the request. Opening at most as many as are kept matters
// as much: clicks are acknowledged before their update is posted, so under
// a burst the posts outnumber the idle pool, and each one beyond it would
// dial a connection only to close it after a single use. Beyond the bound,
// posts wait their turn for a connection that is already open.
const idlePerHost = 64

// notFoundFor is how long a host name that does not resolve is answered
// "no such host" without asking DNS again.
const notFoundFor = 30 * time.Second

// Transport returns a transport with the default's proxy and dial
// settings, keeping enough idle connections per host for concurrent posts,
// with a bound on each phase so that a stuck platform cannot hold a
// goroutine longer than the client's timeout.
func Transport() *http.Transport {
	d := &negativeCache{dial: (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext}
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4 * idlePerHost,
		MaxIdleConnsPerHost:   idlePerHost,
		MaxConnsPerHost:       idlePerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Client returns a client on Transport with an overall timeout per request.
func Client(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: Transport()}
}

// negativeCache remembers, for a while, host names that DNS says do not
// exist. Go's resolver caches nothing, and a response_url is posted once
// per click: a deployment whose DNS cannot see Slack (a sandbox, a
// mistyped proxy setting) would otherwise send two DNS queries per click
// for an answer that cannot change in the next second, each costing more
// CPU than the click itself.
type negativeCache struct {
	dial func(ctx context.Context, network, addr string) (net.Conn, error)
	now  func() time.Time // for tests; time.Now when nil

	mu      sync.Mutex
	missing map[string]time.Time // host -> until when it is "no such host"
}

// maxMissing bounds the cache: hosts come from signed platform payloads
// and configuration, so a handful is normal and a flood is cleared.
const maxMissing = 1024

func (c *negativeCache) clock() time.Time {
	if c.now != nil {
		return c.now()
	}
	return time.Now()
}

func (c *negativeCache) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	c.mu.Lock()
	until, ok := c.missing[host]
	if ok && c.clock().After(until) {
		delete(c.missing, host)
		ok = false
	}
	c.mu.Unlock()
	if ok {
		return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{
			Err: "no such host (looked up less than " + notFoundFor.String() + " ago)", Name: host, IsNotFound: true,
		}}
	}
	conn, err := c.dial(ctx, network, addr)
	var dns *net.DNSError
	if err != nil && errors.As(err, &dns) && dns.IsNotFound {
		c.mu.Lock()
		if c.missing == nil || len(c.missing) >= maxMissing {
			c.missing = make(map[string]time.Time)
		}
		c.missing[host] = c.clock().Add(notFoundFor)
		c.mu.Unlock()
	}
	return conn, err
}
