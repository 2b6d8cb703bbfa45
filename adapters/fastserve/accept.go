package fastserve

import (
	"errors"
	"io"
	"log/slog"
	"net"
	"sync/atomic"
	"syscall"
	"time"
)

// patientListener retries an Accept that failed for want of resources
// (file descriptors, kernel buffers) or because the client gave up before
// it was accepted, as net/http's server does; fasthttp takes any accept
// error but a timeout for a permanent one and stops serving, so a client
// opening more connections than the process may hold files stopped the
// whole server (found by a hostile run under `ulimit -n 1024`).
//
// It also keeps the connection cap (Options.MaxConns): a connection over
// it is answered 503 and closed here, counted (Options.Refused), where
// fasthttp's own cap answered in words naming its internals and told
// nobody.
type patientListener struct {
	net.Listener
	log     *slog.Logger
	warned  atomic.Int64 // unix seconds of the last warning
	open    atomic.Int64 // connections accepted and not yet closed
	max     int64
	refused func()
}

// refusal is the whole answer to a connection over the cap.
const refusal = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 20\r\nConnection: close\r\nRetry-After: 1\r\n\r\ntoo many connections"

// countedConn gives its place back when closed, once.
type countedConn struct {
	net.Conn
	l      *patientListener
	closed atomic.Bool
}

// CloseWrite half-closes a TCP connection (see linger).
func (c *countedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

func (c *countedConn) Close() error {
	if !c.closed.Swap(true) {
		c.l.open.Add(-1)
	}
	return c.Conn.Close()
}

// refuse answers c 503 and closes it, off the accept loop: a client that
// does not read must not hold up the next accept.
func refuse(c net.Conn) {
	c.SetWriteDeadline(time.Now().Add(time.Second))
	io.WriteString(c, refusal)
	c.Close()
}

// maxAcceptDelay caps the wait between retries; while descriptors are
// short, connections already open go on being served.
const maxAcceptDelay = time.Second

func (l *patientListener) Accept() (net.Conn, error) {
	delay := 5 * time.Millisecond
	for {
		c, err := l.Listener.Accept()
		if err == nil {
			if l.max > 0 && l.open.Load() >= l.max {
				go refuse(c)
				if l.refused != nil {
					l.refused()
				}
				continue
			}
			l.open.Add(1)
			return &countedConn{Conn: c, l: l}, nil
		}
		if !retryableAccept(err) {
			return c, err
		}
		if now := time.Now().Unix(); l.warned.Swap(now) != now {
			l.log.Warn("http server: cannot accept a connection; retrying (raise the open-file limit or lower KAIKETSU_MAX_CONNS)", "err", err)
		}
		time.Sleep(delay)
		delay = min(2*delay, maxAcceptDelay)
	}
}

func retryableAccept(err error) bool {
	return errors.Is(err, syscall.EMFILE) || errors.Is(err, syscall.ENFILE) || errors.Is(err, syscall.ENOBUFS) ||
		errors.Is(err, syscall.ENOMEM) || errors.Is(err, syscall.ECONNABORTED)
}
