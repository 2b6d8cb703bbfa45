package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/kaiketsu/kaiketsu/adapters/loadgen"
)

func TestRunAgainstTheBaseline(t *testing.T) {
	key, err := loadgen.KeyFromSeed(seedHex())
	if err != nil {
		t.Fatal(err)
	}
	var signed, total atomic.Int64
	mux := loadgen.BaselineMux(defaultSecret, key.Public().(ed25519.PublicKey))
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		total.Add(1)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, r)
		if rec.Code == http.StatusOK {
			signed.Add(1)
		}
		for k, v := range rec.Header() {
			w.Header()[k] = v
		}
		w.WriteHeader(rec.Code)
		w.Write(rec.Body.Bytes())
	}))
	defer srv.Close()
	var out, errOut bytes.Buffer
	err = run(context.Background(), []string{"run", "--target", srv.URL, "--requests", "40", "--concurrency", "1", "--users", "5"}, &out, &errOut)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errOut.String())
	}
	for _, kind := range allKinds {
		if !regexp.MustCompile(kind + `\s+40\s+0\s`).MatchString(out.String()) {
			t.Errorf("no line with 40 requests and 0 errors for %s:\n%s", kind, out.String())
		}
	}
	// Two first commands (to find buttons) and 4 x 40 measured requests,
	// all correctly signed.
	if total.Load() != 162 || signed.Load() != total.Load() {
		t.Errorf("server saw %d requests, %d correctly signed; want 162, all", total.Load(), signed.Load())
	}
}

func TestOnlyLoopback(t *testing.T) {
	for _, target := range []string{"http://example.com:8080", "http://10.0.0.1:8080", "http://[::ffff:8.8.8.8]:80"} {
		err := run(context.Background(), []string{"run", "--target", target, "--requests", "1"}, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "loopback") {
			t.Errorf("target %s: %v, want refused", target, err)
		}
	}
	for _, hook := range []string{"https://hooks.slack.com/actions/T1/2/3", "http://10.0.0.1/x", "ftp://127.0.0.1/x", "hooks.slack.invalid/x"} {
		err := run(context.Background(), []string{"run", "--target", "http://127.0.0.1:1", "--requests", "1", "--response-url", hook}, &bytes.Buffer{}, &bytes.Buffer{})
		if err == nil || !strings.Contains(err.Error(), "--response-url") {
			t.Errorf("--response-url %s: %v, want refused", hook, err)
		}
	}
	for _, hook := range []string{"https://hooks.slack.invalid/actions/T1/2/3", "http://127.0.0.1:9/x", "https://sink.test/x", "http://localhost:1/x"} {
		if err := noOneElse(hook); err != nil {
			t.Errorf("--response-url %s refused: %v", hook, err)
		}
	}
	err := run(context.Background(), []string{"serve-baseline", "--addr", "0.0.0.0:0"}, &bytes.Buffer{}, &bytes.Buffer{})
	if err == nil || !strings.Contains(err.Error(), "loopback") {
		t.Errorf("baseline on 0.0.0.0: %v, want refused", err)
	}
}

// TestServeBaselineOnBothServers: the baseline answers correctly signed
// requests on net/http and on fastserve (kaiketsu serve's own server),
// and stops with its context.
func TestServeBaselineOnBothServers(t *testing.T) {
	for _, server := range []string{"net/http", "fastserve"} {
		t.Run(server, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			pr, pw := io.Pipe()
			done := make(chan error, 1)
			go func() {
				done <- run(ctx, []string{"serve-baseline", "--addr", "127.0.0.1:0", "--server", server}, pw, io.Discard)
				pw.Close()
			}()
			line, err := bufio.NewReader(pr).ReadString('\n')
			if err != nil {
				t.Fatalf("no first line: %v", err)
			}
			go io.Copy(io.Discard, pr)
			m := regexp.MustCompile(`on (127\.0\.0\.1:\d+) \((.+)\)`).FindStringSubmatch(line)
			if m == nil || m[2] != server {
				t.Fatalf("first line %q: want the address and %s", line, server)
			}
			var out, errOut bytes.Buffer
			if err := run(context.Background(), []string{"run", "--target", "http://" + m[1], "--requests", "20", "--users", "3"}, &out, &errOut); err != nil {
				t.Fatalf("run: %v\n%s", err, errOut.String())
			}
			for _, kind := range allKinds {
				if !regexp.MustCompile(kind + `\s+20\s+0\s`).MatchString(out.String()) {
					t.Errorf("no line with 20 requests and 0 errors for %s:\n%s", kind, out.String())
				}
			}
			cancel()
			if err := <-done; err != nil {
				t.Errorf("serve-baseline after its context ended: %v", err)
			}
		})
	}
	if err := run(context.Background(), []string{"serve-baseline", "--addr", "127.0.0.1:0", "--server", "nginx"}, io.Discard, io.Discard); err == nil || !strings.Contains(err.Error(), "--server") {
		t.Errorf("--server nginx: %v, want refused", err)
	}
}
