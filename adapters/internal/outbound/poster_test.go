package outbound

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// received is one request as a test server saw it.
type received struct {
	method, path, contentType, body string
}

func recordingServer(t *testing.T, tlsOn bool, answer func(w http.ResponseWriter)) (*httptest.Server, func() []received, *atomic.Int64) {
	t.Helper()
	var mu sync.Mutex
	var got []received
	var conns atomic.Int64
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		got = append(got, received{r.Method, r.URL.RequestURI(), r.Header.Get("Content-Type"), string(b)})
		mu.Unlock()
		answer(w)
	})
	srv := httptest.NewUnstartedServer(h)
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	if tlsOn {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(srv.Close)
	return srv, func() []received { mu.Lock(); defer mu.Unlock(); return append([]received(nil), got...) }, &conns
}

func ok(w http.ResponseWriter) { io.WriteString(w, "ok") }

func TestPosterPostsJSON(t *testing.T) {
	for _, tlsOn := range []bool{false, true} {
		srv, got, conns := recordingServer(t, tlsOn, ok)
		p := NewPoster(5 * time.Second)
		if tlsOn {
			// Trust the test server's certificate, as the system pool
			// trusts Slack's.
			p.fast.TLSConfig = srv.Client().Transport.(*http.Transport).TLSClientConfig.Clone()
		}
		// A response_url path is a capability: it must arrive exactly,
		// including escapes the client must not normalise.
		target := srv.URL + "/actions/T0001/1234/Ab%2Fcd..xyz"
		for i := range 5 {
			res, err := p.PostJSON(context.Background(), target, []byte(`{"replace_original":true,"text":"step `+string(rune('1'+i))+`"}`))
			if err != nil {
				t.Fatalf("tls %v: post %d: %v", tlsOn, i, err)
			}
			if res.Status != http.StatusOK {
				t.Errorf("tls %v: status %d", tlsOn, res.Status)
			}
		}
		rs := got()
		if len(rs) != 5 {
			t.Fatalf("tls %v: server got %d posts, want 5", tlsOn, len(rs))
		}
		want := received{"POST", "/actions/T0001/1234/Ab%2Fcd..xyz", "application/json", `{"replace_original":true,"text":"step 5"}`}
		if rs[4] != want {
			t.Errorf("tls %v: server got %+v, want %+v", tlsOn, rs[4], want)
		}
		if n := conns.Load(); n != 1 {
			t.Errorf("tls %v: 5 posts one after another opened %d connections, want 1", tlsOn, n)
		}
	}
}

func TestPosterReturnsStatusAndRetryAfter(t *testing.T) {
	srv, _, _ := recordingServer(t, false, func(w http.ResponseWriter) {
		w.Header().Set("Retry-After", "7")
		w.WriteHeader(http.StatusTooManyRequests)
		io.WriteString(w, `{"ok":false,"error":"rate_limited"}`)
	})
	res, err := NewPoster(5*time.Second).PostJSON(context.Background(), srv.URL+"/r", []byte(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	if res.Status != http.StatusTooManyRequests || res.RetryAfter != "7" {
		t.Errorf("got %+v, want 429 with Retry-After 7", res)
	}
}

func TestPosterTimesOut(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		select {
		case <-release:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(release)

	// The poster's own timeout.
	p := NewPoster(100 * time.Millisecond)
	start := time.Now()
	_, err := p.PostJSON(context.Background(), srv.URL, []byte(`{}`))
	var ne net.Error
	if !errors.As(err, &ne) || !ne.Timeout() {
		t.Errorf("a server that never answers: err %v, want a net.Error that is a timeout", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a 100ms timeout returned after %v", d)
	}
	// The post went out: sending it again could act twice.
	var r interface{ Retryable() bool }
	if !errors.As(err, &r) || r.Retryable() {
		t.Errorf("a post that went out and got no answer: %v says it may be sent again", err)
	}
	// A post that never left may be.
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := closed.Addr().String()
	closed.Close()
	_, err = p.PostJSON(context.Background(), "http://"+addr+"/x", []byte(`{}`))
	if !errors.As(err, &r) || !r.Retryable() {
		t.Errorf("connection refused: %v, want an error that may be retried", err)
	}

	// A context deadline sooner than the timeout wins, and its error is
	// the context's.
	p = NewPoster(time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = p.PostJSON(ctx, srv.URL, []byte(`{}`))
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("context deadline: err %v, want context.DeadlineExceeded", err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("a 100ms context deadline returned after %v", d)
	}

	// A context already done sends nothing.
	done, cancelDone := context.WithCancel(context.Background())
	cancelDone()
	if _, err := p.PostJSON(done, srv.URL, []byte(`{}`)); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled context: err %v, want context.Canceled", err)
	}
}

func TestPosterRefusesOtherURLs(t *testing.T) {
	p := NewPoster(time.Second)
	for _, u := range []string{"", "ftp://example.com/x", "javascript:alert(1)", "/relative", "https://", "http://[::1"} {
		if _, err := p.PostJSON(context.Background(), u, []byte(`{}`)); err == nil {
			t.Errorf("PostJSON(%q) succeeded", u)
		}
	}
}

// TestPosterUsesProxy: a URL the environment sends through a proxy goes
// through it (net/http's proxy support), not straight to the host.
func TestPosterUsesProxy(t *testing.T) {
	var seen atomic.Value
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen.Store(r.URL.String()) // a proxy sees the absolute URL
		io.Copy(io.Discard, r.Body)
		io.WriteString(w, "ok")
	}))
	defer proxy.Close()
	pu, _ := url.Parse(proxy.URL)
	p := NewPoster(5 * time.Second)
	p.proxy = func(r *http.Request) (*url.URL, error) { return pu, nil }
	p.proxied = &http.Client{Transport: &http.Transport{Proxy: http.ProxyURL(pu)}}
	res, err := p.PostJSON(context.Background(), "http://hooks.slack.example/actions/T1/2/3", []byte(`{}`))
	if err != nil || res.Status != http.StatusOK {
		t.Fatalf("post through proxy: %+v, %v", res, err)
	}
	if got, _ := seen.Load().(string); got != "http://hooks.slack.example/actions/T1/2/3" {
		t.Errorf("proxy saw %q", got)
	}
}

// TestPosterBurstToASlowHost: a burst of posts to a host that takes its
// time to answer all go out at once and each arrives exactly once, even
// when there are more of them than connections are kept by net/http's
// pool and the host is slower than a round of them would allow; and a
// second burst rides the connections the first opened.
func TestPosterBurstToASlowHost(t *testing.T) {
	srv, got, conns := recordingServer(t, false, func(w http.ResponseWriter) {
		time.Sleep(400 * time.Millisecond)
		ok(w)
	})
	p := NewPoster(time.Second)
	const posts = 200 // above 64: queued behind 64 connections, the last would wait 4 x 400 ms
	burst := func(round int) {
		var wg sync.WaitGroup
		for i := range posts {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if res, err := p.PostJSON(context.Background(), srv.URL+"/r/"+strconv.Itoa(round)+"/"+strconv.Itoa(i), []byte(`{}`)); err != nil || res.Status != 200 {
					t.Errorf("post %d: %+v, %v", i, res, err)
				}
			}()
		}
		wg.Wait()
	}
	burst(1)
	opened := conns.Load()
	burst(2)
	seen := map[string]int{}
	for _, r := range got() {
		seen[r.path]++
	}
	if len(seen) != 2*posts {
		t.Errorf("server got %d distinct posts, want %d", len(seen), 2*posts)
	}
	for path, n := range seen {
		if n != 1 {
			t.Errorf("%s arrived %d times", path, n)
		}
	}
	if again := conns.Load() - opened; again > posts/10 {
		t.Errorf("the second burst opened %d new connections (the first %d), want them reused", again, opened)
	}
}

// TestPosterMissingHost: a host that does not resolve comes back as the
// dialer's not-found DNS error, which the callers do not retry.
func TestPosterMissingHost(t *testing.T) {
	p := NewPoster(5 * time.Second)
	// DNS itself is not asked: a test machine may have none.
	p.fast.DialTimeout = func(addr string, _ time.Duration) (net.Conn, error) {
		host, _, _ := net.SplitHostPort(addr)
		return nil, &net.OpError{Op: "dial", Net: "tcp", Err: &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}}
	}
	_, err := p.PostJSON(context.Background(), "https://kaiketsu-test.invalid/actions/x", []byte(`{}`))
	if err == nil {
		t.Fatal("post to a .invalid host succeeded")
	}
	var dns *net.DNSError
	if !errors.As(err, &dns) || !dns.IsNotFound {
		t.Errorf("err %v, want a not-found *net.DNSError in its chain", err)
	}
	var ne net.Error
	if !errors.As(err, &ne) {
		t.Errorf("err %v is not a net.Error", err)
	}
	var r interface{ Retryable() bool }
	if !errors.As(err, &r) || r.Retryable() {
		t.Errorf("err %v: a host that does not exist must not be tried again", err)
	}
	if strings.Contains(err.Error(), "/actions/x") {
		t.Errorf("error quotes the URL's path (a capability): %v", err)
	}
}

// TestPosterHostClosedIdleConnection: a host that closes idle connections
// sooner than the pool drops them costs no post: the one sent on a closed
// connection is sent again on a new one.
func TestPosterHostClosedIdleConnection(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		ok(w)
	}))
	srv.Config.IdleTimeout = 50 * time.Millisecond
	srv.Start()
	defer srv.Close()
	p := NewPoster(5 * time.Second)
	for i := range 3 {
		if res, err := p.PostJSON(context.Background(), srv.URL+"/r", []byte(`{}`)); err != nil || res.Status != 200 {
			t.Fatalf("post %d after the host closed the idle connection: %+v, %v", i, res, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}
