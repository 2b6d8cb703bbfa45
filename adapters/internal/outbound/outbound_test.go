package outbound

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentPostsReuseConnections sends rounds of concurrent posts to
// one host, as clicks do to response_url: after the first round, every
// post must ride a connection that is already open.
func TestConcurrentPostsReuseConnections(t *testing.T) {
	var opened atomic.Int64
	var release sync.WaitGroup
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		release.Done()
		release.Wait() // hold each round's requests until all have arrived, so they overlap
		w.Write([]byte("ok"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			opened.Add(1)
		}
	}
	srv.Start()
	defer srv.Close()

	const concurrent, rounds = 16, 4
	c := Client(5 * time.Second)
	for round := range rounds {
		release.Add(concurrent)
		var wg sync.WaitGroup
		for range concurrent {
			wg.Add(1)
			go func() {
				defer wg.Done()
				resp, err := c.Post(srv.URL, "application/json", nil)
				if err != nil {
					t.Errorf("round %d: %v", round, err)
					return
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}()
		}
		wg.Wait()
	}
	if n := opened.Load(); n != concurrent {
		t.Errorf("%d rounds of %d concurrent posts opened %d connections, want %d (one per concurrent post, then reused)", rounds, concurrent, n, concurrent)
	}
}

func TestClientHasTimeout(t *testing.T) {
	if c := Client(3 * time.Second); c.Timeout != 3*time.Second {
		t.Errorf("Timeout = %v, want 3s", c.Timeout)
	}
}

// TestBurstOpensNoMoreThanKept sends more posts at once than connections
// are kept per host, as a burst of clicks does: connections opened beyond
// the idle pool would each serve one post and be closed, so the transport
// must make the extra posts wait for an open connection instead.
func TestBurstOpensNoMoreThanKept(t *testing.T) {
	srv, _, opened := recordingServer(t, false, func(w http.ResponseWriter) {
		time.Sleep(2 * time.Millisecond) // let posts pile up
		ok(w)
	})

	c := Client(30 * time.Second)
	const posts = 4 * idlePerHost
	var wg sync.WaitGroup
	var done atomic.Int64
	for range posts {
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := c.Post(srv.URL, "application/json", nil)
			if err != nil {
				t.Error(err)
				return
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			done.Add(1)
		}()
	}
	wg.Wait()
	if done.Load() != posts {
		t.Fatalf("%d of %d posts succeeded", done.Load(), posts)
	}
	if n := opened.Load(); n > idlePerHost {
		t.Errorf("%d posts at once opened %d connections, want at most %d", posts, n, idlePerHost)
	}
}

func TestNegativeCache(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var dials []string
	c := &negativeCache{
		now: func() time.Time { return now },
		dial: func(_ context.Context, network, addr string) (net.Conn, error) {
			dials = append(dials, addr)
			host, _, _ := net.SplitHostPort(addr)
			switch host {
			case "missing.example":
				return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
			case "flaky.example":
				return nil, &net.OpError{Op: "dial", Net: network, Err: &net.DNSError{Err: "server misbehaving", Name: host, IsTemporary: true}}
			}
			return nil, &net.OpError{Op: "dial", Net: network, Err: errors.New("connection refused")}
		},
	}
	dial := func(addr string) error {
		_, err := c.DialContext(context.Background(), "tcp", addr)
		return err
	}
	for range 3 {
		err := dial("missing.example:443")
		var dns *net.DNSError
		if !errors.As(err, &dns) || !dns.IsNotFound || dns.Name != "missing.example" {
			t.Fatalf("dial missing host: %v, want a not-found DNSError naming the host", err)
		}
		dial("flaky.example:443")
		dial("up.example:443")
	}
	count := func(addr string) (n int) {
		for _, d := range dials {
			if d == addr {
				n++
			}
		}
		return n
	}
	if n := count("missing.example:443"); n != 1 {
		t.Errorf("a host that does not exist was looked up %d times in a row, want once", n)
	}
	if n := count("flaky.example:443"); n != 3 {
		t.Errorf("a temporary DNS failure was remembered: %d dials of 3", n)
	}
	if n := count("up.example:443"); n != 3 {
		t.Errorf("a refused connection was remembered: %d dials of 3", n)
	}
	// Any port of the missing host is answered from the cache.
	dial("missing.example:80")
	if n := count("missing.example:80"); n != 0 {
		t.Errorf("another port of a missing host dialled %d times, want 0", n)
	}
	now = now.Add(notFoundFor + time.Second)
	dial("missing.example:443")
	if n := count("missing.example:443"); n != 2 {
		t.Errorf("after %v the missing host was dialled %d times in all, want 2 (asked again)", notFoundFor, n)
	}
}

func TestNegativeCacheIsBounded(t *testing.T) {
	c := &negativeCache{dial: func(_ context.Context, network, addr string) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}}
	for i := range 3 * maxMissing {
		c.DialContext(context.Background(), "tcp", net.JoinHostPort(fmt.Sprintf("h%d.example", i), "443"))
	}
	if n := len(c.missing); n > maxMissing {
		t.Errorf("cache holds %d hosts, want at most %d", n, maxMissing)
	}
}
