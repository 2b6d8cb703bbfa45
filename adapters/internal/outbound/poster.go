package outbound

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/valyala/fasthttp"
)

// Poster posts JSON to URLs that arrive with each request, such as Slack's
// response_url: one post for every button click, the only outgoing call a
// click makes.
//
// net/http's client hands every request through two goroutines per
// connection (one writing, one reading) and the caller's, with channels
// between them; for a post of a few KiB on an open connection that was
// a quarter of a click's CPU. fasthttp writes the request and reads the
// answer in the caller's goroutine. URLs that the environment routes
// through a proxy (HTTPS_PROXY, NO_PROXY) go through net/http, which
// implements proxies exactly as the rest of the program does.
type Poster struct {
	fast    *fasthttp.Client
	proxied *http.Client
	timeout time.Duration
	proxy   func(*http.Request) (*url.URL, error)
}

// Posted is what came back from a post.
type Posted struct {
	Status     int
	RetryAfter string // the Retry-After header, if any
}

// maxAnswer bounds how much of an answer is read: the platforms answer
// "ok" or a short JSON error.
const maxAnswer = 1 << 20

// postConnsPerHost bounds the connections open to one host. Unlike
// net/http's, fasthttp's pool keeps every connection it opened until it
// has been idle for a while, so a burst of clicks does not dial a
// connection per post and close it; and all of a burst's posts go out at
// once, so none times out waiting for a connection behind posts to a
// slow host. The bound only keeps a flood from using up file descriptors.
const postConnsPerHost = 1024

// NewPoster returns a Poster whose posts each wait at most timeout for
// the connection, the sending and the answer (each, not in all: time
// spent waiting for a free connection does not count against the
// answer, so a post that went out is not given up for one that was slow
// to start).
func NewPoster(timeout time.Duration) *Poster {
	nc := &negativeCache{dial: (&net.Dialer{KeepAlive: 30 * time.Second}).DialContext}
	return &Poster{
		fast: &fasthttp.Client{
			Name: "Kaiketsu",
			DialTimeout: func(addr string, t time.Duration) (net.Conn, error) {
				// t is what is left of a deadline, or 0 when there is none.
				if t <= 0 || t > timeout {
					t = timeout
				}
				ctx, cancel := context.WithTimeout(context.Background(), t)
				defer cancel()
				return nc.DialContext(ctx, "tcp", addr)
			},
			MaxConnsPerHost:    postConnsPerHost,
			MaxConnWaitTimeout: timeout,
			// fasthttp does not watch idle connections, so one the host
			// closed is found out only by the next post on it: idle ones
			// are dropped sooner than hosts usually close them.
			MaxIdleConnDuration: 10 * time.Second,
			// The connection used last is taken first: after a burst the
			// pool shrinks back to what the steady rate needs (the rest
			// sit idle and are dropped), rather than every post going
			// round all the connections the burst opened (FIFO, the
			// default), each one cold in the caches.
			ConnPoolStrategy:       fasthttp.LIFO,
			ReadTimeout:            timeout,
			WriteTimeout:           timeout,
			MaxResponseBodySize:    maxAnswer,
			DisablePathNormalizing: true,
			// A POST is not sent again by the client, except once on a
			// kept connection the host had closed before reading it (no
			// answer byte at all): the caller decides about the rest.
			RetryIfErr: func(_ *fasthttp.Request, attempts int, err error) (bool, bool) {
				return false, attempts < 2 && (errors.Is(err, fasthttp.ErrConnectionClosed) || errors.Is(err, io.EOF))
			},
		},
		proxied: Client(timeout),
		timeout: timeout,
		proxy:   http.ProxyFromEnvironment,
	}
}

// PostJSON posts body to target with Content-Type application/json. Errors
// are the transport's (timeouts are net.Error values that say so); any
// answer, whatever its status, is returned as Posted.
func (p *Poster) PostJSON(ctx context.Context, target string, body []byte) (Posted, error) {
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Posted{}, errors.New("not an http(s) URL")
	}
	if pu, err := p.proxy(&http.Request{URL: u}); err != nil || pu != nil {
		return p.postProxied(ctx, target, body)
	}
	if err := ctx.Err(); err != nil {
		return Posted{}, err
	}
	req := fasthttp.AcquireRequest()
	resp := fasthttp.AcquireResponse()
	defer fasthttp.ReleaseRequest(req)
	defer fasthttp.ReleaseResponse(resp)
	req.SetRequestURI(target)
	req.Header.SetMethod(fasthttp.MethodPost)
	req.Header.SetContentType("application/json")
	req.SetBodyRaw(body)
	// The client's timeouts bound each phase; a context deadline, if
	// sooner, bounds the whole.
	deadline, byCtx := ctx.Deadline()
	if byCtx && time.Until(deadline) > 3*p.timeout {
		byCtx = false
	}
	do := func() error { return p.fast.Do(req, resp) }
	if byCtx {
		do = func() error { return p.fast.DoDeadline(req, resp, deadline) }
	}
	if err := do(); err != nil {
		var oe *net.OpError
		unsent := errors.Is(err, fasthttp.ErrDialTimeout) || errors.Is(err, fasthttp.ErrTLSHandshakeTimeout) ||
			errors.Is(err, fasthttp.ErrNoFreeConns) || (errors.As(err, &oe) && oe.Op == "dial")
		var ne net.Error
		timeout := unsent || errors.Is(err, fasthttp.ErrTimeout) || (errors.As(err, &ne) && ne.Timeout())
		if timeout && byCtx {
			return Posted{}, context.DeadlineExceeded
		}
		return Posted{}, &transportError{err: err, timeout: timeout, maybeDelivered: timeout && !unsent}
	}
	return Posted{Status: resp.StatusCode(), RetryAfter: string(resp.Header.Peek("Retry-After"))}, nil
}

func (p *Poster) postProxied(ctx context.Context, target string, body []byte) (Posted, error) {
	return PostJSONWith(ctx, p.proxied, target, body)
}

// PostJSONWith posts body to target as PostJSON does, with net/http's
// client hc, reading the answer (up to its bound) so that the connection
// goes back to hc's pool.
func PostJSONWith(ctx context.Context, hc *http.Client, target string, body []byte) (Posted, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return Posted{}, fmt.Errorf("new request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return Posted{}, err
	}
	defer resp.Body.Close()
	io.Copy(io.Discard, io.LimitReader(resp.Body, maxAnswer))
	return Posted{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After")}, nil
}

// transportError is a post that failed on its way, a net.Error as
// net/http's client errors are, so that callers judge both alike.
type transportError struct {
	err     error
	timeout bool
	// maybeDelivered: the post went out and no answer came in time. The
	// host may well have acted on it, and a POST sent again would act
	// twice (a response_url allows five uses).
	maybeDelivered bool
}

// Retryable reports whether sending the post again is worth it: not when
// it may have been delivered.
func (e *transportError) Retryable() bool {
	// Nor when the host does not exist: it will not a moment later.
	var dns *net.DNSError
	if errors.As(e.err, &dns) && dns.IsNotFound {
		return false
	}
	return !e.maybeDelivered
}

func (e *transportError) Error() string   { return e.err.Error() }
func (e *transportError) Unwrap() error   { return e.err }
func (e *transportError) Timeout() bool   { return e.timeout }
func (e *transportError) Temporary() bool { return e.timeout }
