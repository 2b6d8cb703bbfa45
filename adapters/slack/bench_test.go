package slack_test

// Benchmarks and fuzz targets that drive the Slack adapter only through
// its HTTP handlers, with requests signed as Slack signs them
// (adapters/loadgen), beside the do-nothing baseline that only checks the
// signature and writes a fixed reply:
//
//	go test ./adapters/slack -run '^$' -bench . -benchmem

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/loadgen"
	slackedge "github.com/kaiketsu/kaiketsu/adapters/slack"
	"github.com/kaiketsu/kaiketsu/adapters/storetest"
	"github.com/kaiketsu/kaiketsu/core"
)

const benchSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// responseURL is where clicks are answered; okTransport plays Slack there.
const responseURL = "https://hooks.slack.com/actions/T0001/1234/abcd"

// okTransport answers every outgoing call as Slack does when all is well,
// without a network.
type okTransport struct{}

func (okTransport) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Body != nil {
		io.Copy(io.Discard, r.Body)
		r.Body.Close()
	}
	return &http.Response{StatusCode: 200, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(`{"ok":true}`)), Request: r}, nil
}

type bench struct {
	bot *slackedge.Bot
	mux *http.ServeMux
	eng *core.Engine
}

func newBench(tb testing.TB) *bench { return newBenchLog(tb, slog.New(slog.DiscardHandler)) }

func newBenchLog(tb testing.TB, log *slog.Logger) *bench {
	tb.Helper()
	books, err := core.DefaultPlaybooks()
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{
		Key:   []byte("slack bench key, at least 16 bytes"),
		Store: storetest.Serving(tb),
	})
	if err != nil {
		tb.Fatal(err)
	}
	bot, err := slackedge.New(slackedge.Options{
		Engine:        eng,
		Logger:        log,
		SigningSecret: benchSecret,
		HTTPClient:    &http.Client{Transport: okTransport{}, Timeout: 10 * time.Second},
		// A fuzzed response_url that cannot be posted to is retried:
		// quickly here, so that the fuzzer keeps its pace.
		RetryBase: time.Millisecond,
		RetryMax:  5 * time.Millisecond,
	})
	if err != nil {
		tb.Fatal(err)
	}
	mux := http.NewServeMux()
	bot.Mount(mux)
	return &bench{bot: bot, mux: mux, eng: eng}
}

func (b *bench) drain(tb testing.TB) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := b.bot.Drain(ctx); err != nil {
		tb.Fatalf("drain: %v", err)
	}
}

// walkButton sends a command and returns the action id and token of its
// "didn't work, next step" button (the second button of a step).
func (b *bench) walkButton(tb testing.TB) (actionID, token string) {
	tb.Helper()
	rec := httptest.NewRecorder()
	b.mux.ServeHTTP(rec, loadgen.SlackCommand(benchSecret, "U1", "I forgot my password", responseURL, time.Now()).HTTP(""))
	var reply struct {
		Blocks []struct {
			Elements []struct {
				ActionID string `json:"action_id"`
				Value    string `json:"value"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &reply); err != nil {
		tb.Fatalf("command reply: %v\n%s", err, rec.Body)
	}
	var found [][2]string
	for _, bl := range reply.Blocks {
		for _, e := range bl.Elements {
			if strings.HasPrefix(e.Value, core.TokenPrefix) {
				found = append(found, [2]string{e.ActionID, e.Value})
			}
		}
	}
	if len(found) < 2 {
		tb.Fatalf("no walkthrough buttons in %s", rec.Body)
	}
	return found[1][0], found[1][1]
}

var benchTexts = []string{
	"パスワードを忘れた", "I forgot my password", "amazon says my account is locked",
	"確認コードが届かない", "the captcha keeps failing", "help",
}

// serveAll runs reqs round-robin through h, checking each gets a 200.
func serveAll(b *testing.B, h http.Handler, reqs []loadgen.Request, every func()) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, reqs[i%len(reqs)].HTTP(""))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		i++
		if every != nil && i%256 == 0 {
			every()
		}
	}
	if every != nil {
		every()
	}
}

// BenchmarkSlackHTTP: a signed slash command and a signed click through
// the real handlers (the click including its answer posted to the
// response_url after the ack), each beside the baseline.
func BenchmarkSlackHTTP(b *testing.B) {
	now := time.Now()
	var commands []loadgen.Request
	for i, t := range benchTexts {
		commands = append(commands, loadgen.SlackCommand(benchSecret, "U"+string(rune('A'+i)), t, responseURL, now))
	}
	base := loadgen.SlackBaseline(benchSecret)

	b.Run("command/kaiketsu", func(b *testing.B) {
		serveAll(b, newBench(b).mux, commands, nil)
	})
	b.Run("command/baseline", func(b *testing.B) {
		serveAll(b, base, commands, nil)
	})
	b.Run("click/kaiketsu", func(b *testing.B) {
		bn := newBench(b)
		action, tok := bn.walkButton(b)
		click := []loadgen.Request{loadgen.SlackClick(benchSecret, "U1", action, tok, responseURL, now)}
		serveAll(b, bn.mux, click, func() { bn.drain(b) })
	})
	b.Run("click/baseline", func(b *testing.B) {
		bn := newBench(b)
		action, tok := bn.walkButton(b)
		serveAll(b, base, []loadgen.Request{loadgen.SlackClick(benchSecret, "U1", action, tok, responseURL, now)}, nil)
	})
}

// BenchmarkSlackRender: an answer to Block Kit JSON.
func BenchmarkSlackRender(b *testing.B) {
	bn := newBench(b)
	for _, tc := range []struct{ name, text string }{{"step-ja", "パスワードを忘れた"}, {"menu-en", "help"}} {
		a := bn.eng.Ask(context.Background(), core.Request{Platform: "slack", Text: tc.text})
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				m := slackedge.Render(a, "i1")
				if _, err := json.Marshal(m.Blocks); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
