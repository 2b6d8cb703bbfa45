package main

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// startServe runs `kaiketsu serve` through run() on a free loopback port
// and returns its base URL, the log, and a channel with run's result.
func startServe(t *testing.T, ctx context.Context, env map[string]string) (string, *syncBuffer, <-chan error) {
	t.Helper()
	t.Setenv("KAIKETSU_ADDR", "127.0.0.1:0")
	t.Setenv("KAIKETSU_DATABASE_URL", "memory:")
	t.Setenv("KAIKETSU_LOG_LEVEL", "debug")
	for k, v := range env {
		t.Setenv(k, v)
	}
	logs := &syncBuffer{}
	done := make(chan error, 1)
	go func() { done <- run(ctx, []string{"serve"}, strings.NewReader(""), io.Discard, logs) }()
	addrRe := regexp.MustCompile(`msg=serving addr=(127\.0\.0\.1:\d+)`)
	// Upper bounds, met at once when all is well: loading the playbooks
	// trains the classifier, several times slower under -race.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		if m := addrRe.FindStringSubmatch(logs.String()); m != nil {
			return "http://" + m[1], logs, done
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended before serving: %v\n%s", err, logs.String())
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve did not log its address:\n%s", logs.String())
		}
	}
}

// TestServeFinishesInFlightRequestsOnShutdown: SIGTERM (the context that
// main cancels on it) while a request is being handled: the server stops
// taking new connections, the request still gets its full answer, each
// edge is drained after it, and serve returns nil (exit status 0).
func TestServeFinishesInFlightRequestsOnShutdown(t *testing.T) {
	entered := make(chan struct{})
	release := make(chan struct{})
	var drainedAfterRequest atomic.Bool
	var requestDone atomic.Bool
	old := mounts
	t.Cleanup(func() { mounts = old })
	mounts = append(mounts[:len(mounts):len(mounts)], func(ctx context.Context, d *deps) (*edge, error) {
		d.mux.HandleFunc("POST /slack/test-slow", func(w http.ResponseWriter, r *http.Request) {
			close(entered)
			<-release
			io.WriteString(w, "finished")
			requestDone.Store(true)
		})
		return &edge{name: "test", drain: func(ctx context.Context) error {
			drainedAfterRequest.Store(requestDone.Load())
			return nil
		}}, nil
	})

	ctx, sigterm := context.WithCancel(context.Background())
	defer sigterm()
	base, logs, done := startServe(t, ctx, nil)

	type result struct {
		body string
		err  error
	}
	got := make(chan result, 1)
	go func() {
		resp, err := http.Post(base+"/slack/test-slow", "text/plain", strings.NewReader("x"))
		if err != nil {
			got <- result{err: err}
			return
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		got <- result{string(b), err}
	}()
	<-entered
	sigterm()
	// The listener closes: a new connection is refused while the first
	// request is still in flight.
	// Upper bounds, met at once when all is well: loading the playbooks
	// trains the classifier, several times slower under -race.
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
		if _, err := c.Get(base + "/healthz"); err != nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("still accepting connections after shutdown began")
		}
	}
	select {
	case err := <-done:
		t.Fatalf("serve returned (%v) with a request in flight", err)
	default:
	}
	close(release)
	r := <-got
	if r.err != nil || r.body != "finished" {
		t.Fatalf("in-flight request = %q, %v; want its full answer", r.body, r.err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v, want nil (exit 0)", err)
		}
	case <-time.After(gracePeriod + 5*time.Second):
		t.Fatal("serve did not return after the in-flight request finished")
	}
	if !drainedAfterRequest.Load() {
		t.Error("the edge was not drained, or was drained before the in-flight request finished")
	}
	for _, want := range []string{"shutting down", "stopped"} {
		if !strings.Contains(logs.String(), want) {
			t.Errorf("log lacks %q:\n%s", want, logs.String())
		}
	}
}

// TestServeObservability: /metrics on the main address counts requests;
// every access line carries a request id.
func TestServeObservability(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	base, logs, done := startServe(t, ctx, nil)
	for _, path := range []string{"/healthz", "/readyz", "/slack/nothing-here"} {
		resp, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.Header.Get("X-Request-Id") == "" {
			t.Errorf("%s: no X-Request-Id", path)
		}
	}
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := string(b)
	for _, want := range []string{
		`kaiketsu_http_requests_total{platform="none",route="GET /healthz",status="200"} 1`,
		`kaiketsu_http_requests_total{platform="none",route="GET /readyz",status="200"} 1`,
		`kaiketsu_http_requests_total{platform="slack",route="unmatched",status="404"} 1`,
		`kaiketsu_kb_topics `,
		`kaiketsu_http_connections_refused_total 0`,
		`kaiketsu_http_open_connections `,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
	if n := regexp.MustCompile(`msg="http request".*request_id=[0-9a-f]{16}`).FindAllString(logs.String(), -1); len(n) != 4 {
		t.Errorf("%d access lines with a request id, want 4:\n%s", len(n), logs.String())
	}
}

// TestServeMetricsOnItsOwnAddress: with KAIKETSU_METRICS_ADDR the main
// address has no /metrics.
func TestServeMetricsOnItsOwnAddress(t *testing.T) {
	ctx, stop := context.WithCancel(context.Background())
	base, logs, done := startServe(t, ctx, map[string]string{"KAIKETSU_METRICS_ADDR": "127.0.0.1:0"})
	m := regexp.MustCompile(`msg="serving metrics" addr=(127\.0\.0\.1:\d+)`).FindStringSubmatch(logs.String())
	if m == nil {
		t.Fatalf("metrics address not logged:\n%s", logs.String())
	}
	resp, err := http.Get("http://" + m[1] + "/metrics")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET metrics address: %v %v", resp, err)
	}
	resp.Body.Close()
	resp, err = http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Errorf("main address /metrics = %d, want 404", resp.StatusCode)
	}
	stop()
	if err := <-done; err != nil {
		t.Fatalf("serve: %v", err)
	}
}
