// Package fastserve serves a net/http Handler over fasthttp's HTTP/1.1
// server.
//
// Measured on the same machine, a handler that checks a Slack signature and
// writes a fixed reply costs about 40% less CPU per request written for
// fasthttp's server than on net/http's (no goroutine and context per
// request, no background read per keep-alive connection, headers kept as
// bytes rather than canonicalised into maps), and still about 20% less as
// an http.Handler served through this package. The platform adapters stay plain
// http.Handlers (their tests, and anyone embedding them, use net/http);
// this package gives each request the small part of net/http's
// Request/ResponseWriter contract they rely on: method, URL, headers, a
// body already read (within the body limit), Header/WriteHeader/Write with
// net/http's order rules and Content-Type sniffing.
//
// What net/http would do and this does not: HTTP/2 (Slack and Discord call
// over HTTP/1.1; TLS ends in front of Kaiketsu), cancelling the request's
// context when the client goes away (handlers here take microseconds),
// Flush and Hijack. Where fasthttp (v1.78) parses differently, found by a
// black-box run against both servers: a header block ending in a bare LF
// is only answered at the read timeout (408), where net/http accepts it;
// a pipelined request whose body is still on its way holds back the
// answer before it; a body declared over the limit gets its 413 once 8
// KiB of it has arrived (with "Expect: 100-continue", at once, without a
// 100 Continue: the client need not send it). "Transfer-Encoding: identity", which
// fasthttp takes as no body, is refused here with 501 as net/http does.
// Slack, Discord and the proxies that end TLS send none of these. Where it
// is stricter: Content-Length beside chunked
// closes the connection after the answer (net/http kept it, and served
// what followed), and two Content-Length headers are refused.
package fastserve

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/textproto"
	"net/url"
	"runtime/debug"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/valyala/fasthttp"
)

// Options are the server's limits; zero values take the defaults below.
type Options struct {
	// MaxBody is the largest request body read; a longer one is answered
	// 413 before any handler runs, and the connection closed once the
	// client has had the time to read it (see linger).
	// Default 64 KiB.
	//
	// Memory is spent on the bytes of a body a client sent, never on the
	// length it declared (see body).
	MaxBody int
	// MaxBodyMemory bounds the memory all bodies being read hold beyond
	// their first 16 KiB piece (Slack's and Discord's requests fit in
	// one): a body that would take it over is answered 503 with
	// Retry-After. Each connection could otherwise hold up to MaxBody by
	// sending all but the last byte of it until the read timeout (2,000
	// such connections held 400 MB: a hostile run). Default 32 MiB.
	MaxBodyMemory int
	// MaxConns bounds the connections open at once, idle kept ones
	// included; one over it is answered 503 and closed. Default 16,384:
	// an idle connection holds about 20 KiB of buffers, so the bound keeps
	// a flood of connections under about 320 MiB. Behind a TLS proxy every
	// connection comes from the proxy, so there is no bound per address;
	// a flood from one client is the proxy's to stop.
	MaxConns int
	// Refused, when set, is told of each connection refused at MaxConns.
	Refused func()
	// MaxHeader bounds the request line and headers together (431 above
	// it). Default 16 KiB.
	MaxHeader int
	// ReadTimeout bounds reading one request, headers and body; default
	// 10 s. WriteTimeout bounds writing the answer; default 15 s.
	// IdleTimeout bounds waiting for the next request on a kept
	// connection; default 120 s.
	ReadTimeout, WriteTimeout, IdleTimeout time.Duration
	// Log receives panics and transport errors; default slog.Default.
	Log *slog.Logger
	// Rejected, when set, is told of each request answered by the server
	// itself, before any handler (too large, malformed), so that
	// it can be counted and logged like the rest. r has no body.
	Rejected func(r *http.Request, status int)
}

// fdReserve is how many open files MaxConns leaves for the rest of the
// process.
const fdReserve = 256

// Server is an HTTP/1.1 server for one http.Handler.
type Server struct {
	h   http.Handler
	fs  *fasthttp.Server
	opt Options

	// fasthttp ignores a Shutdown that comes before its Serve has taken
	// the listener; these make Serve return at once after one.
	mu       sync.Mutex
	ln       net.Listener
	shutdown bool

	pl *patientListener // set by Serve

	bodyMemory atomic.Int64 // bytes held by bodies beyond their first piece
}

// OpenConns returns how many connections are open (0 before Serve).
func (s *Server) OpenConns() int64 {
	s.mu.Lock()
	pl := s.pl
	s.mu.Unlock()
	if pl == nil {
		return 0
	}
	return pl.open.Load()
}

// New returns a server for h.
func New(h http.Handler, opt Options) *Server {
	if opt.MaxBody <= 0 {
		opt.MaxBody = 64 << 10
	}
	if opt.MaxConns <= 0 {
		opt.MaxConns = 16 << 10
	}
	if opt.MaxBodyMemory <= 0 {
		opt.MaxBodyMemory = 32 << 20
	}
	if opt.MaxHeader <= 0 {
		opt.MaxHeader = 16 << 10
	}
	if opt.ReadTimeout <= 0 {
		opt.ReadTimeout = 10 * time.Second
	}
	if opt.WriteTimeout <= 0 {
		opt.WriteTimeout = 15 * time.Second
	}
	if opt.IdleTimeout <= 0 {
		opt.IdleTimeout = 120 * time.Second
	}
	if opt.Log == nil {
		opt.Log = slog.Default()
	}
	// Connections beyond what the process may hold open would fail to be
	// accepted rather than be answered 503: leave fdReserve descriptors
	// for the database, outgoing posts and logs.
	if lim := openFileLimit(); lim > 0 && opt.MaxConns > lim-fdReserve {
		n := max(lim-fdReserve, 16)
		opt.Log.Warn("http server: fewer connections than asked for, to stay within the open-file limit", "max_conns", n, "asked", opt.MaxConns, "open_file_limit", lim)
		opt.MaxConns = n
	}
	s := &Server{h: h, opt: opt}
	s.fs = &fasthttp.Server{
		Handler:               s.serve,
		ErrorHandler:          s.transportError,
		ExpectHandler:         s.expect,
		NoDefaultServerHeader: true,
		NoDefaultContentType:  true,
		ReadTimeout:           opt.ReadTimeout,
		WriteTimeout:          opt.WriteTimeout,
		IdleTimeout:           opt.IdleTimeout,
		// serve refuses a body over MaxBody itself, declared or as it
		// arrives, so that the 413 lingers (see linger). (Streaming,
		// fasthttp hands even a longer body to the handler as a stream.)
		MaxRequestBodySize: 1 << 30,
		StreamRequestBody:  true,
		// The cap is kept by the listener (patientListener); fasthttp's
		// own is only a backstop.
		Concurrency:                  opt.MaxConns + 1024,
		ReadBufferSize:               opt.MaxHeader,
		DisablePreParseMultipartForm: true,
		CloseOnShutdown:              true,
		Logger:                       printfLogger{opt.Log},
	}
	return s
}

// Serve answers connections from ln until Shutdown; it then returns nil.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.shutdown {
		s.mu.Unlock()
		ln.Close()
		return nil
	}
	s.ln = ln
	pl := &patientListener{Listener: ln, log: s.opt.Log, max: int64(s.opt.MaxConns), refused: s.opt.Refused}
	s.pl = pl
	s.mu.Unlock()
	err := s.fs.Serve(pl)
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting, lets requests under way finish (their
// connections are closed after the answer) and closes idle connections; it
// returns ctx's error if they have not finished when ctx is done.
func (s *Server) Shutdown(ctx context.Context) error {
	s.mu.Lock()
	s.shutdown = true
	ln := s.ln
	s.mu.Unlock()
	err := s.fs.ShutdownWithContext(ctx)
	if ln != nil {
		ln.Close() // in case fasthttp had not taken it yet
	}
	return err
}

// writers are reused: a writer is not used after its handler returns
// (net/http's rule too).
var writers = sync.Pool{New: func() any { return &writer{h: make(http.Header, 4)} }}

func (s *Server) serve(c *fasthttp.RequestCtx) {
	r, err := newRequest(c)
	if err != nil {
		s.reject(c, http.StatusBadRequest, "malformed request")
		return
	}
	if r.ContentLength > int64(s.opt.MaxBody) {
		s.refuseUnread(c, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	// A transfer coding other than chunked leaves the body's end unknown.
	// fasthttp refuses most itself, but takes "identity" for no body (or,
	// beside a Content-Length, for that length) and keeps no such header:
	// the bytes that follow, which a proxy in front may have passed as
	// this request's body, would be served as the next request. So any
	// Transfer-Encoding line on a request that is not chunked gets what
	// RFC 9112 asks for: 501 and a closed connection.
	if c.Request.Header.ContentLength() != -1 && hasHeaderLine(c.Request.Header.RawHeaders(), "transfer-encoding:") {
		s.reject(c, http.StatusNotImplemented, "transfer coding not implemented")
		return
	}
	b := &body{}
	defer b.release()
	b.held, b.limit = &s.bodyMemory, int64(s.opt.MaxBodyMemory)
	if err := b.readFrom(c.RequestBodyStream(), s.opt.MaxBody); err != nil {
		switch {
		case errors.Is(err, errBodyTooLarge):
			s.refuseUnread(c, http.StatusRequestEntityTooLarge, "request body too large")
			return
		case errors.Is(err, errBusy):
			s.refuseUnread(c, http.StatusServiceUnavailable, "server busy, retry shortly")
			return
		}
		s.transportError(c, err)
		return
	}
	r.Body = b
	w := writers.Get().(*writer)
	w.c = c
	defer func() {
		if p := recover(); p != nil {
			s.panicked(c, r, p)
		} else {
			w.finish()
		}
		clear(w.h)
		w.c, w.status = nil, 0
		writers.Put(w)
	}()
	s.h.ServeHTTP(w, r)
}

// newRequest builds the http.Request for c, without a body.
func newRequest(c *fasthttp.RequestCtx) (*http.Request, error) {
	uri := string(c.RequestURI())
	u, err := url.ParseRequestURI(uri)
	if err != nil {
		return nil, err
	}
	rh := &c.Request.Header
	major, minor := 1, 1
	proto := "HTTP/1.1"
	if !rh.IsHTTP11() {
		minor, proto = 0, "HTTP/1.0"
	}
	cl := int64(rh.ContentLength())
	switch cl {
	case -1:
		// Chunked: unknown, as net/http says it.
	case -2:
		cl = 0 // neither Content-Length nor chunked: no body
	}
	return &http.Request{
		Method:        method(rh.Method()),
		URL:           u,
		Proto:         proto,
		ProtoMajor:    major,
		ProtoMinor:    minor,
		Header:        header(rh),
		ContentLength: cl,
		Host:          string(c.Host()),
		RemoteAddr:    c.RemoteAddr().String(),
		RequestURI:    uri,
	}, nil
}

// header copies rh into an http.Header with canonical keys, as net/http
// gives them (Host aside: net/http moves it to Request.Host). The values
// share one string, and the usual keys are constants: a map entry per
// header is all that is allocated apart from those two.
func header(rh *fasthttp.RequestHeader) http.Header {
	// Keys and values are gathered on the stack in one walk (a request's
	// headers are a few hundred bytes); growing slices from nil cost five
	// allocations, and a second walk a tenth of the copy.
	type entry struct {
		key string
		n   int
	}
	var stack [1024]byte
	var entries [24]entry
	buf, keys := stack[:0], entries[:0]
	for k, v := range rh.All() {
		key := knownKey(k)
		if key == "" {
			key = textproto.CanonicalMIMEHeaderKey(string(k))
		}
		keys = append(keys, entry{key, len(v)})
		buf = append(buf, v...)
	}
	h := make(http.Header, len(keys))
	if len(keys) == 0 {
		return h
	}
	all := string(buf)
	vals := make([]string, len(keys))
	off := 0
	for i, e := range keys {
		vals[i] = all[off : off+e.n]
		off += e.n
		switch {
		case e.key == "Host":
		case h[e.key] == nil:
			h[e.key] = vals[i : i+1 : i+1]
		default:
			h[e.key] = append(h[e.key], vals[i])
		}
	}
	return h
}

// knownKey returns the canonical form of the header keys the platforms
// send, without allocating; "" for any other.
func knownKey(k []byte) string {
	switch string(k) {
	case "Host":
		return "Host"
	case "Content-Type":
		return "Content-Type"
	case "Content-Length":
		return "Content-Length"
	case "User-Agent":
		return "User-Agent"
	case "Accept":
		return "Accept"
	case "Accept-Encoding":
		return "Accept-Encoding"
	case "Connection":
		return "Connection"
	case "X-Slack-Signature":
		return "X-Slack-Signature"
	case "X-Slack-Request-Timestamp":
		return "X-Slack-Request-Timestamp"
	case "X-Slack-Retry-Num":
		return "X-Slack-Retry-Num"
	case "X-Slack-Retry-Reason":
		return "X-Slack-Retry-Reason"
	case "X-Signature-Ed25519":
		return "X-Signature-Ed25519"
	case "X-Signature-Timestamp":
		return "X-Signature-Timestamp"
	case "X-Request-Id":
		return "X-Request-Id"
	case "X-Forwarded-For":
		return "X-Forwarded-For"
	case "X-Forwarded-Proto":
		return "X-Forwarded-Proto"
	}
	return ""
}

// method returns m as a string, without allocating for the usual ones.
func method(m []byte) string {
	switch string(m) {
	case http.MethodPost:
		return http.MethodPost
	case http.MethodGet:
		return http.MethodGet
	case http.MethodHead:
		return http.MethodHead
	}
	return string(m)
}

// hasHeaderLine reports whether raw, a request's header lines, has a line
// starting with name (lower case, with its colon), in any case. It runs on
// every request: a line is compared only when its first letter matches.
func hasHeaderLine(raw []byte, name string) bool {
	for len(raw) > 0 {
		line := raw
		if i := bytes.IndexByte(raw, '\n'); i >= 0 {
			line, raw = raw[:i], raw[i+1:]
		} else {
			raw = nil
		}
		if len(line) >= len(name) && line[0]|0x20 == name[0] && bytes.EqualFold(line[:len(name)], []byte(name)) {
			return true
		}
	}
	return false
}

// body is a request body, read whole before the handler runs, in chunks
// of bodyChunk bytes taken from a pool as bytes arrive. Memory follows
// what a client sent, not the length it declared (fasthttp sets that
// aside before reading unless it streams the body: 2,000 connections each
// declaring 256 KiB and sending one byte held half a GiB), and not twice
// or thrice that either (a buffer grown by doubling held 2-3.6 times the
// bytes of bodies stalled one byte short, found by a second hostile run).
type body struct {
	chunks []*[bodyChunk]byte
	n      int // bytes read into chunks
	off    int // bytes the handler has read
	first  [1]*[bodyChunk]byte
	// held counts the bytes of every body's pieces after its first, up
	// to limit (Options.MaxBodyMemory); nil: not counted.
	held  *atomic.Int64
	limit int64
}

const bodyChunk = 16 << 10

var bodyChunks = sync.Pool{New: func() any { return new([bodyChunk]byte) }}

// errBodyTooLarge is a chunked body longer than Options.MaxBody (a
// declared length over it is refused before it is read); errBusy, a body
// that would take Options.MaxBodyMemory over.
var (
	errBodyTooLarge = errors.New("request body too large")
	errBusy         = errors.New("no memory for the request body now")
)

// readFrom reads r to its end, at most max bytes. r is fasthttp's body
// stream: what it read ahead (at most 8 KiB of a declared length), then
// the rest from the connection; nil when there is no body.
func (b *body) readFrom(r io.Reader, max int) error {
	if r == nil {
		return nil
	}
	b.chunks = b.first[:0]
	for {
		at := b.n % bodyChunk
		if at == 0 && b.n == len(b.chunks)*bodyChunk {
			if b.n > max {
				return errBodyTooLarge
			}
			if len(b.chunks) > 0 && b.held != nil && b.held.Add(bodyChunk) > b.limit {
				b.held.Add(-bodyChunk)
				return errBusy
			}
			b.chunks = append(b.chunks, bodyChunks.Get().(*[bodyChunk]byte))
		}
		n, err := r.Read(b.chunks[len(b.chunks)-1][at:])
		b.n += n
		if b.n > max {
			return errBodyTooLarge
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

func (b *body) Read(p []byte) (int, error) {
	if b.off >= b.n {
		return 0, io.EOF
	}
	at := b.off % bodyChunk
	n := copy(p, b.chunks[b.off/bodyChunk][at:min(bodyChunk, at+b.n-b.off)])
	b.off += n
	return n, nil
}

func (*body) Close() error { return nil }

// release gives the chunks back; the handler is done with the body when it
// returns (net/http's rule too).
func (b *body) release() {
	if b.held != nil && len(b.chunks) > 1 {
		b.held.Add(-int64(len(b.chunks)-1) * bodyChunk)
	}
	for i, c := range b.chunks {
		bodyChunks.Put(c)
		b.chunks[i] = nil
	}
	b.chunks = nil
}

// writer is the http.ResponseWriter: headers are kept in a map until the
// status is written, then copied into fasthttp's response, whose body
// collects what is written; fasthttp sends it all, with its length, after
// the handler returns.
type writer struct {
	c      *fasthttp.RequestCtx
	h      http.Header
	status int
}

func (w *writer) Header() http.Header { return w.h }

func (w *writer) WriteHeader(code int) {
	if w.status != 0 {
		return // net/http ignores a second one too (and logs it)
	}
	if code < 200 || code > 999 {
		// 1xx are not sent by these handlers; a code out of range is a
		// bug net/http panics on: answer 500 rather than pass it on.
		code = http.StatusInternalServerError
	}
	w.status = code
	rh := &w.c.Response.Header
	w.c.SetStatusCode(code)
	for k, vs := range w.h {
		switch k {
		case "Content-Length":
			// fasthttp writes the length of what was written.
		case "Connection":
			if len(vs) > 0 && vs[0] == "close" {
				w.c.SetConnectionClose()
			}
		case "Content-Type":
			if len(vs) > 0 {
				rh.SetContentType(vs[0])
			}
		default:
			for _, v := range vs {
				rh.Add(k, v)
			}
		}
	}
}

func (w *writer) Write(p []byte) (int, error) {
	if w.status == 0 {
		if _, ok := w.h["Content-Type"]; !ok && len(p) > 0 {
			w.h.Set("Content-Type", http.DetectContentType(p)) // as net/http does
		}
		w.WriteHeader(http.StatusOK)
	}
	return w.c.Write(p)
}

// finish writes the status of a handler that wrote nothing.
func (w *writer) finish() {
	if w.status == 0 {
		w.WriteHeader(http.StatusOK)
	}
}

// panicked answers a handler that panicked (logged with its stack, as
// net/http logs it) with a plain 500 whatever it had written, and closes
// the connection; net/http closes it without an answer. A handler that
// panics with http.ErrAbortHandler asks for no answer at all: the
// connection is closed.
func (s *Server) panicked(c *fasthttp.RequestCtx, r *http.Request, p any) {
	if p == http.ErrAbortHandler {
		c.Response.Reset()
		c.SetConnectionClose()
		c.Conn().Close()
		return
	}
	s.opt.Log.Error("http: panic serving request", "method", r.Method, "path", r.URL.Path,
		"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
	c.Error("internal server error", http.StatusInternalServerError) // resets what was written
	c.SetConnectionClose()
}

// A 413 leaves the rest of the body unread. Closed at once, a connection
// with unread bytes is reset, and a client still sending (most do: they
// write the whole body before they read) may lose the 413 to the reset and
// see only "connection reset". So, as net/http does, the server sends its
// answer, shuts down its sending side (the client reads the 413 and then
// the end of the stream) and reads and drops what still comes, up to a
// bound, until the client stops or a short while has passed; then closes.
const (
	lingerTime  = 500 * time.Millisecond
	lingerBytes = 256 << 10
)

// refuseUnread refuses, from the handler, a request whose body is left
// unread (too large, or no memory for it now), and lingers.
func (s *Server) refuseUnread(c *fasthttp.RequestCtx, status int, msg string) {
	s.reject(c, status, msg)
	if status == http.StatusServiceUnavailable {
		c.Response.Header.Set("Retry-After", "1")
	}
	// fasthttp closes at once after a response saying "Connection:
	// close", hijack or not: linger sends this one itself.
	answer := fasthttp.AcquireResponse()
	c.Response.CopyTo(answer)
	answer.SkipBody = c.IsHead() // a HEAD's answer has no body
	raw := c.Conn()
	c.HijackSetNoResponse(true)
	c.Hijack(func(hc net.Conn) {
		defer fasthttp.ReleaseResponse(answer)
		linger(raw, hc, answer)
	})
}

// linger is the hijack handler of a 413: it sends answer on hc, then
// lingers; raw is the connection under hc, for the half-close.
func linger(raw, hc net.Conn, answer *fasthttp.Response) {
	hc.SetWriteDeadline(time.Now().Add(lingerTime))
	if _, err := answer.WriteTo(hc); err != nil {
		return
	}
	if cw, ok := raw.(interface{ CloseWrite() error }); ok {
		cw.CloseWrite()
	}
	end := time.Now().Add(lingerTime)
	hc.SetReadDeadline(end)
	// Past the bound, the rest waits in the buffers until the time is up:
	// the client has that long to read the answer before the reset.
	if n, _ := io.CopyN(io.Discard, hc, lingerBytes); n == lingerBytes {
		time.Sleep(time.Until(end))
	}
}

// transportError answers a request the server could not read.
func (s *Server) transportError(c *fasthttp.RequestCtx, err error) {
	var small *fasthttp.ErrSmallBuffer
	var ne net.Error
	switch {
	case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, syscall.ECONNRESET):
		// The client hung up mid-request: answered 400 (a client that only
		// stopped sending can still read it; left unset, fasthttp would
		// send an empty 200), but not counted or logged as a request.
		c.Error("malformed request", http.StatusBadRequest)
		c.SetConnectionClose()
	case errors.Is(err, fasthttp.ErrBodyTooLarge):
		s.reject(c, http.StatusRequestEntityTooLarge, "request body too large")
	case errors.As(err, &small):
		s.reject(c, http.StatusRequestHeaderFieldsTooLarge, "request headers too large")
	case errors.As(err, &ne) && ne.Timeout():
		// A connection that sent nothing, or not a whole request, within
		// the read timeout (an idle proxy connection, a slowloris): 408
		// and closed, but not counted or logged as a request (net/http
		// does neither). Not closed at once: an answer to a pipelined
		// request before it may still be waiting to be sent.
		c.Error("request timeout", http.StatusRequestTimeout)
		c.SetConnectionClose()
	default:
		s.reject(c, http.StatusBadRequest, "malformed request")
	}
}

func (s *Server) reject(c *fasthttp.RequestCtx, status int, msg string) {
	c.Error(msg, status)
	c.SetConnectionClose()
	s.report(c, status)
}

// expect answers "Expect: 100-continue": a body declared over the limit is
// refused before the client sends it. (fasthttp sends the status alone and
// closes; the response may not be touched here.)
func (s *Server) expect(c *fasthttp.RequestCtx) int {
	if c.Request.Header.ContentLength() > s.opt.MaxBody {
		s.report(c, http.StatusRequestEntityTooLarge)
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusContinue
}

// report tells Options.Rejected of a request refused before any handler.
func (s *Server) report(c *fasthttp.RequestCtx, status int) {
	if s.opt.Rejected == nil {
		return
	}
	// What could be read of the request, for the route and the log. When
	// the request line did not parse, or fasthttp had already let go of it
	// (a chunked body over the limit), the method is empty and the path
	// "/", which no route of ours matches by method.
	r, rerr := newRequest(c)
	if rerr != nil || len(c.Request.Header.Host()) == 0 {
		r = &http.Request{URL: &url.URL{Path: "/"}, Header: http.Header{}}
	}
	s.opt.Rejected(r, status)
}

// printfLogger passes fasthttp's own messages to slog, as their format
// strings only: the arguments of a message about a connection can quote
// the bytes a client sent. A connection's error (a client sending garbage,
// already answered) is debug; anything else (accepting failed) is a
// warning.
type printfLogger struct{ log *slog.Logger }

func (l printfLogger) Printf(format string, _ ...any) {
	level := slog.LevelWarn
	if strings.Contains(format, "serving connection") {
		level = slog.LevelDebug
	}
	l.log.Log(context.Background(), level, "http server", "fasthttp", format)
}
