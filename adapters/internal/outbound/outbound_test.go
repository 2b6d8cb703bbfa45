package outbound

import (
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
