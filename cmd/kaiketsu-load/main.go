// Command kaiketsu-load sends correctly signed Slack and Discord requests
// to a kaiketsu serve on this machine and prints throughput and latency
// percentiles; serve-baseline runs the do-nothing server (signature check
// and a fixed reply) to measure the same way, so the two can be compared.
//
//	eval "$(kaiketsu-load env)"            # shared test secrets for both sides
//	KAIKETSU_RATE_LIMIT=off KAIKETSU_DATABASE_URL=memory: kaiketsu serve &
//	kaiketsu-load serve-baseline --addr 127.0.0.1:8081 &
//	kaiketsu-load run --target http://127.0.0.1:8080 --duration 10s
//	kaiketsu-load run --target http://127.0.0.1:8081 --duration 10s
//
// It only talks to loopback addresses and always stops by itself.
package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/fastserve"
	"github.com/kaiketsu/kaiketsu/adapters/loadgen"
	"github.com/kaiketsu/kaiketsu/core"
)

// Test credentials, shared by the load tool and the server under test
// through the environment. They protect nothing: use them only on a
// machine's loopback.
const defaultSecret = "kaiketsu-load-test-signing-secret"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintln(os.Stderr, "kaiketsu-load:", err)
		os.Exit(1)
	}
}

const usage = `Usage:
  kaiketsu-load env                      print the environment both sides share
  kaiketsu-load run [flags]              send signed requests to a running server
  kaiketsu-load serve-baseline [--addr] [--server net/http|fastserve]
                                         serve the do-nothing baseline
`

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errors.New("no command")
	}
	secret := envOr("SLACK_SIGNING_SECRET", defaultSecret)
	key, err := loadgen.KeyFromSeed(envOr("KAIKETSU_LOAD_DISCORD_SEED", seedHex()))
	if err != nil {
		return fmt.Errorf("KAIKETSU_LOAD_DISCORD_SEED: %w", err)
	}
	switch args[0] {
	case "env":
		// The tool's response_url sink is on this machine, where the
		// server posts only when told it may.
		fmt.Fprintf(stdout, "export SLACK_SIGNING_SECRET=%s\nexport DISCORD_PUBLIC_KEY=%s\nexport SLACK_RESPONSE_HOSTS=127.0.0.1\n", secret, hex.EncodeToString(key.Public().(ed25519.PublicKey)))
		return nil
	case "serve-baseline":
		return serveBaseline(ctx, args[1:], secret, key, stdout, stderr)
	case "run":
		return load(ctx, args[1:], secret, key, stdout, stderr)
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprint(stderr, usage)
	return fmt.Errorf("unknown command %q", args[0])
}

// seedHex is the default Discord key seed: 32 bytes derived from a fixed
// phrase (not a secret; see defaultSecret).
func seedHex() string {
	s := []byte("kaiketsu-load test key 000000000")
	return hex.EncodeToString(s[:32])
}

func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// loopback accepts only addresses on this machine.
func loopback(host string) error {
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return nil
	}
	return fmt.Errorf("%s is not a loopback address: kaiketsu-load only targets this machine", host)
}

// noOneElse accepts a response_url the server under test may post to
// thousands of times a second: one on this machine, or one whose name is
// reserved never to resolve (RFC 2606, RFC 6761), to measure a server
// whose updates cannot be delivered. Never a real Slack URL.
func noOneElse(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%q is not an http(s) URL", raw)
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	for _, reserved := range []string{".invalid", ".test", ".example", ".localhost"} {
		if strings.HasSuffix(host, reserved) {
			return nil
		}
	}
	if err := loopback(host); err != nil {
		return fmt.Errorf("%s is neither on this machine nor a reserved name (.invalid, .test, .example)", host)
	}
	return nil
}

func serveBaseline(ctx context.Context, args []string, secret string, key ed25519.PrivateKey, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("serve-baseline", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "127.0.0.1:8081", "loopback address to listen on")
	stack := fs.String("server", "net/http", "HTTP server under the do-nothing handler: net/http (what a plain Go handler runs on) or fastserve (what kaiketsu serve runs on)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *stack != "net/http" && *stack != "fastserve" {
		return fmt.Errorf("--server %q: want net/http or fastserve", *stack)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return err
	}
	if err := loopback(host); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	mux := loadgen.BaselineMux(secret, key.Public().(ed25519.PublicKey))
	fmt.Fprintf(stdout, "baseline serving on %s (%s)\n", ln.Addr(), *stack)
	if *stack == "fastserve" {
		// kaiketsu serve's own server and timeouts (the body limit is the
		// baseline's own 64 KiB, as on net/http).
		srv := fastserve.New(mux, fastserve.Options{Log: slog.New(slog.DiscardHandler)})
		go func() { <-ctx.Done(); srv.Shutdown(context.Background()) }()
		return srv.Serve(ln)
	}
	// The same timeouts as kaiketsu serve.
	srv := &http.Server{
		Handler:           mux,
		ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 10 * time.Second,
		WriteTimeout: 15 * time.Second, IdleTimeout: 120 * time.Second,
	}
	go func() { <-ctx.Done(); srv.Close() }()
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// kinds of request, in the order they are run.
var allKinds = []string{"slack-command", "slack-click", "discord-command", "discord-click"}

var texts = []string{
	"パスワードを忘れた", "I forgot my password", "amazon says my account is locked",
	"確認コードが届かない", "the captcha keeps failing", "アカウントが乗っ取られたかも",
	"I never get the verification code", "help",
}

type config struct {
	target      string
	concurrency int
	duration    time.Duration
	requests    int
	pool        int
}

func load(ctx context.Context, args []string, secret string, key ed25519.PrivateKey, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var c config
	fs.StringVar(&c.target, "target", "http://127.0.0.1:8080", "base URL of the server (loopback only)")
	kinds := fs.String("kinds", strings.Join(allKinds, ","), "request kinds to run, one after the other")
	fs.IntVar(&c.concurrency, "concurrency", 16, "requests in flight at once")
	fs.DurationVar(&c.duration, "duration", 10*time.Second, "how long to run each kind (at most 4m: signatures are valid for 5)")
	fs.IntVar(&c.requests, "requests", 0, "stop each kind after this many requests instead (0: use --duration)")
	fs.IntVar(&c.pool, "users", 2000, "distinct people (each with a pre-signed request)")
	fixedURL := fs.String("response-url", "", "response_url for Slack requests, on this machine or a reserved name that never resolves (.invalid, .test, .example); default: a sink the tool runs, which counts updates")
	if err := fs.Parse(args); err != nil {
		return err
	}
	u, err := url.Parse(c.target)
	if err != nil || u.Scheme != "http" {
		return fmt.Errorf("--target %q: want http://HOST:PORT", c.target)
	}
	if err := loopback(u.Hostname()); err != nil {
		return err
	}
	c.target = strings.TrimSuffix(c.target, "/")
	if *fixedURL != "" {
		if err := noOneElse(*fixedURL); err != nil {
			return fmt.Errorf("--response-url: %w", err)
		}
	}
	if c.duration <= 0 || c.duration > 4*time.Minute || c.concurrency < 1 || c.concurrency > 1024 || c.pool < 1 || c.pool > 100000 || c.requests < 0 {
		return errors.New("--duration must be in (0, 4m], --concurrency in [1, 1024], --users in [1, 100000]")
	}

	// response_url sink: Slack clicks are answered there after the ack.
	var posted atomic.Int64
	sink := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		posted.Add(1)
		io.WriteString(w, "ok")
	})}
	sl, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	go sink.Serve(sl)
	defer sink.Close()
	responseURL := "http://" + sl.Addr().String() + "/response"
	if *fixedURL != "" {
		responseURL = *fixedURL
	}

	client := &http.Client{
		Timeout:   10 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: c.concurrency, MaxConnsPerHost: c.concurrency, DisableCompression: true},
	}
	fmt.Fprintf(stdout, "target %s, concurrency %d, %s per kind, %d people\n", c.target, c.concurrency, describe(c), c.pool)
	fmt.Fprintf(stdout, "%-16s %9s %7s %10s %9s %9s %9s %9s\n", "kind", "requests", "errors", "req/s", "p50", "p90", "p99", "max")
	for _, kind := range strings.Split(*kinds, ",") {
		if ctx.Err() != nil {
			break
		}
		reqs, err := build(ctx, client, c, kind, secret, key, responseURL)
		if err != nil {
			return fmt.Errorf("%s: %w", kind, err)
		}
		before := posted.Load()
		r := hammer(ctx, client, c, reqs)
		fmt.Fprintf(stdout, "%-16s %9d %7d %10.0f %9s %9s %9s %9s\n", kind, r.n, r.errors, float64(r.n)/r.elapsed.Seconds(),
			ms(r.pct(50)), ms(r.pct(90)), ms(r.pct(99)), ms(r.pct(100)))
		if kind == "slack-click" && *fixedURL == "" {
			// Let the updates that were acknowledged arrive, then report.
			time.Sleep(500 * time.Millisecond)
			fmt.Fprintf(stdout, "%-16s %9d response_url updates received\n", "", posted.Load()-before)
		}
		if r.firstErr != "" {
			fmt.Fprintf(stdout, "%-16s first error: %s\n", "", r.firstErr)
		}
	}
	return nil
}

func describe(c config) string {
	if c.requests > 0 {
		return fmt.Sprintf("%d requests", c.requests)
	}
	return c.duration.String()
}

func ms(d time.Duration) string { return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000) }

// build pre-signs c.pool requests of kind, one per person, so that the
// tool spends its CPU on sending, not signing. Clicks press a real
// walkthrough button, taken from the answer to a first command.
func build(ctx context.Context, client *http.Client, c config, kind, secret string, key ed25519.PrivateKey, responseURL string) ([]loadgen.Request, error) {
	now := time.Now()
	var out []loadgen.Request
	switch kind {
	case "slack-command":
		for i := range c.pool {
			out = append(out, loadgen.SlackCommand(secret, fmt.Sprintf("UL%07d", i), texts[i%len(texts)], responseURL, now))
		}
	case "discord-command":
		for i := range c.pool {
			out = append(out, loadgen.DiscordCommand(key, fmt.Sprintf("118%016d", i), texts[i%len(texts)], now))
		}
	case "slack-click":
		body, err := send(ctx, client, loadgen.SlackCommand(secret, "UL0000000", "I forgot my password", responseURL, now).HTTP(c.target))
		if err != nil {
			return nil, fmt.Errorf("first command: %w", err)
		}
		action, value, err := slackButton(body)
		if err != nil {
			return nil, err
		}
		for i := range c.pool {
			out = append(out, loadgen.SlackClick(secret, fmt.Sprintf("UL%07d", i), action, value, responseURL, now))
		}
	case "discord-click":
		body, err := send(ctx, client, loadgen.DiscordCommand(key, "1180000000000000000", "I forgot my password", now).HTTP(c.target))
		if err != nil {
			return nil, fmt.Errorf("first command: %w", err)
		}
		id, msg, err := discordButton(body)
		if err != nil {
			return nil, err
		}
		for i := range c.pool {
			out = append(out, loadgen.DiscordClick(key, fmt.Sprintf("118%016d", i), id, msg, now))
		}
	default:
		return nil, fmt.Errorf("unknown kind (want one of %s)", strings.Join(allKinds, ", "))
	}
	return out, nil
}

func send(ctx context.Context, client *http.Client, r *http.Request) ([]byte, error) {
	resp, err := client.Do(r.WithContext(ctx))
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("status %d: %.200s", resp.StatusCode, b)
	}
	return b, err
}

// slackButton finds the second walkthrough button of a step ("didn't
// work, next step"); against the baseline, whose reply has none, it
// returns a well-formed one the baseline verifies all the same.
func slackButton(body []byte) (string, string, error) {
	var reply struct {
		Blocks []struct {
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(body, &reply); err != nil {
		return "", "", fmt.Errorf("first command's reply: %w", err)
	}
	var found [][2]string
	for _, b := range reply.Blocks {
		for _, e := range b.Elements {
			if strings.HasPrefix(e.Value, core.TokenPrefix) {
				found = append(found, [2]string{e.ActionID, e.Value})
			}
		}
	}
	if len(found) < 2 {
		return "kk-walk-1", core.TokenPrefix + "baseline", nil
	}
	return found[1][0], found[1][1], nil
}

func discordButton(body []byte) (string, map[string]any, error) {
	var resp struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(body, &resp); err != nil {
		return "", nil, fmt.Errorf("first command's reply: %w", err)
	}
	var ids []string
	rows, _ := resp.Data["components"].([]any)
	for _, row := range rows {
		cs, _ := row.(map[string]any)["components"].([]any)
		for _, c := range cs {
			if id, _ := c.(map[string]any)["custom_id"].(string); strings.HasPrefix(id, core.TokenPrefix) {
				ids = append(ids, id)
			}
		}
	}
	msg := map[string]any{"id": "1200000000000000099", "type": 20, "flags": 64, "channel_id": "1180000000000000003",
		"content": resp.Data["content"], "embeds": resp.Data["embeds"], "components": resp.Data["components"]}
	if len(ids) < 2 {
		return core.TokenPrefix + "baseline", msg, nil
	}
	return ids[1], msg, nil
}

type result struct {
	n, errors int
	elapsed   time.Duration
	lat       []time.Duration
	firstErr  string
}

func (r result) pct(p int) time.Duration {
	if len(r.lat) == 0 {
		return 0
	}
	i := (len(r.lat) - 1) * p / 100
	return r.lat[i]
}

// maxSamples bounds the latencies kept (about 80 MB at most).
const maxSamples = 10_000_000

// hammer sends reqs round-robin from c.concurrency workers until the
// duration is over or c.requests were sent.
func hammer(ctx context.Context, client *http.Client, c config, reqs []loadgen.Request) result {
	ctx, cancel := context.WithTimeout(ctx, c.duration)
	defer cancel()
	if c.requests > 0 {
		cancel()
		ctx, cancel = context.WithTimeout(context.Background(), 4*time.Minute)
		defer cancel()
	}
	var next atomic.Int64
	var mu sync.Mutex
	var all result
	start := time.Now()
	var wg sync.WaitGroup
	for range c.concurrency {
		wg.Go(func() {
			var mine result
			for ctx.Err() == nil {
				i := next.Add(1) - 1
				if c.requests > 0 && i >= int64(c.requests) {
					break
				}
				req := reqs[i%int64(len(reqs))].HTTP(c.target).WithContext(ctx)
				t := time.Now()
				resp, err := client.Do(req)
				if err == nil {
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
				d := time.Since(t)
				if ctx.Err() != nil && err != nil {
					break // cut off by the end of the run: not a failure
				}
				mine.n++
				if len(mine.lat) < maxSamples/c.concurrency {
					mine.lat = append(mine.lat, d)
				}
				if err != nil || resp.StatusCode != http.StatusOK {
					mine.errors++
					if mine.firstErr == "" {
						if err != nil {
							mine.firstErr = err.Error()
						} else {
							mine.firstErr = resp.Status
						}
					}
				}
			}
			mu.Lock()
			all.n += mine.n
			all.errors += mine.errors
			all.lat = append(all.lat, mine.lat...)
			if all.firstErr == "" {
				all.firstErr = mine.firstErr
			}
			mu.Unlock()
		})
	}
	wg.Wait()
	all.elapsed = time.Since(start)
	slices.Sort(all.lat)
	return all
}
