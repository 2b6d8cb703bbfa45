// Package httplog gives every request a request id, carried in its context
// so that every log line written while handling it (by any package, through
// a logger built with Handler) names it, and logs one line per request:
// method, route, status, duration and size, never the query, the body, a
// header value, a token or the text a person typed.
package httplog

import (
	"context"
	"encoding/hex"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"time"
)

type ctxKey struct{}

// RequestIDHeader is the header a request id is read from (when a proxy in
// front already set a sane one) and echoed in.
const RequestIDHeader = "X-Request-Id"

// NewID returns a fresh request id: 16 hex digits. It need not be
// unguessable, only unique enough to find a request's lines.
func NewID() string {
	var b [8]byte
	u := rand.Uint64()
	for i := range b {
		b[i] = byte(u >> (8 * i))
	}
	return hex.EncodeToString(b[:])
}

// WithRequestID returns ctx carrying id. Work that does not come from an
// HTTP request (a Socket Mode or Gateway event) can use it with NewID.
func WithRequestID(ctx context.Context, id string) context.Context {
	return context.WithValue(ctx, ctxKey{}, id)
}

// RequestID returns the request id in ctx, or "".
func RequestID(ctx context.Context) string {
	id, _ := ctx.Value(ctxKey{}).(string)
	return id
}

// Handler wraps h so that each record logged with a context carrying a
// request id gets a request_id attribute.
func Handler(h slog.Handler) slog.Handler { return idHandler{h} }

type idHandler struct{ slog.Handler }

func (h idHandler) Handle(ctx context.Context, r slog.Record) error {
	if id := RequestID(ctx); id != "" {
		r = r.Clone()
		r.AddAttrs(slog.String("request_id", id))
	}
	return h.Handler.Handle(ctx, r)
}

func (h idHandler) WithAttrs(as []slog.Attr) slog.Handler {
	return idHandler{h.Handler.WithAttrs(as)}
}

func (h idHandler) WithGroup(name string) slog.Handler {
	return idHandler{h.Handler.WithGroup(name)}
}

// validID accepts an incoming id only when it is short and plain, so that
// a client cannot inject log syntax or bulk through it.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

// Middleware gives each request an id (its X-Request-Id when sane, else a
// new one), puts it in the request's context and the response's
// X-Request-Id header, and logs the request when it is done: at debug level
// when it succeeded, info for a client error (a bad signature, a probe),
// error for a server error.
func Middleware(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get(RequestIDHeader)
		if !validID(id) {
			id = NewID()
		}
		ctx := WithRequestID(r.Context(), id)
		w.Header().Set(RequestIDHeader, id)
		sw := &sizeWriter{ResponseWriter: w}
		r = r.WithContext(ctx)
		next.ServeHTTP(sw, r)
		status := sw.status
		if status == 0 {
			status = http.StatusOK
		}
		logRequest(ctx, log, r, status, time.Since(start), sw.n)
	})
}

// Rejected logs a request the server answered itself, before any handler
// (a body over the limit, a request it could not parse), as Middleware
// logs the others, under a new request id.
func Rejected(log *slog.Logger, r *http.Request, status int) {
	logRequest(WithRequestID(context.Background(), NewID()), log, r, status, 0, 0)
}

// logRequest writes the one line of a request: debug when it succeeded,
// info for a client error, error for a server error.
func logRequest(ctx context.Context, log *slog.Logger, r *http.Request, status int, took time.Duration, n int64) {
	level := slog.LevelDebug
	switch {
	// 501 answers what a client asked for (a transfer coding the server
	// does not implement), not a fault of the server's.
	case status >= 500 && status != http.StatusNotImplemented:
		level = slog.LevelError
	case status >= 400:
		level = slog.LevelInfo
	}
	if !log.Enabled(ctx, level) {
		return
	}
	route := r.Pattern // the mux pattern, not the raw path
	if route == "" {
		route = "unmatched"
	}
	log.LogAttrs(ctx, level, "http request",
		slog.String("method", r.Method),
		slog.String("route", route),
		slog.Int("status", status),
		slog.Duration("duration", took),
		slog.Int64("bytes", n),
	)
}

type sizeWriter struct {
	http.ResponseWriter
	status int
	n      int64
}

func (w *sizeWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *sizeWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.n += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the underlying writer.
func (w *sizeWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
