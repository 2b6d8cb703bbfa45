package fastserve

import (
	"errors"
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
type patientListener struct {
	net.Listener
	log    *slog.Logger
	warned atomic.Int64 // unix seconds of the last warning
}

// maxAcceptDelay caps the wait between retries; while descriptors are
// short, connections already open go on being served.
const maxAcceptDelay = time.Second

func (l *patientListener) Accept() (net.Conn, error) {
	delay := 5 * time.Millisecond
	for {
		c, err := l.Listener.Accept()
		if err == nil || !retryableAccept(err) {
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
