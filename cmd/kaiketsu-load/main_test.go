package main

import (
	"bytes"
	"context"
	"crypto/ed25519"
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
