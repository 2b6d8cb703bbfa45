package discord_test

// Benchmarks and fuzz targets that drive the Discord adapter only through
// its HTTP handler, with interactions signed as Discord signs them
// (adapters/loadgen), beside the do-nothing baseline that only checks the
// signature and writes a fixed reply:
//
//	go test ./adapters/discord -run '^$' -bench . -benchmem

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/discord"
	"github.com/kaiketsu/kaiketsu/adapters/loadgen"
	"github.com/kaiketsu/kaiketsu/adapters/storetest"
	"github.com/kaiketsu/kaiketsu/core"
)

const benchUser = "1180000000000000004"

type bench struct {
	h    *discord.Handler
	eng  *core.Engine
	priv ed25519.PrivateKey
	pub  ed25519.PublicKey
}

func newBench(tb testing.TB) *bench {
	tb.Helper()
	books, err := core.DefaultPlaybooks()
	if err != nil {
		tb.Fatal(err)
	}
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{
		Key:   []byte("discord bench key, at least 16 bytes"),
		Store: storetest.Serving(tb),
	})
	if err != nil {
		tb.Fatal(err)
	}
	priv, err := loadgen.KeyFromSeed(strings.Repeat("5a", 32))
	if err != nil {
		tb.Fatal(err)
	}
	pub := priv.Public().(ed25519.PublicKey)
	h := discord.New(discord.Options{Engine: eng, PublicKey: pub, Logger: slog.New(slog.DiscardHandler)})
	return &bench{h: h, eng: eng, priv: priv, pub: pub}
}

// nextButton sends /support and returns the custom_id of the step's second
// button ("didn't work, next step") and the message as Discord would echo
// it back with a click.
func (b *bench) nextButton(tb testing.TB) (string, map[string]any) {
	tb.Helper()
	rec := httptest.NewRecorder()
	b.h.ServeHTTP(rec, loadgen.DiscordCommand(b.priv, benchUser, "I forgot my password", time.Now()).HTTP(""))
	var resp struct {
		Data map[string]any `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil || resp.Data == nil {
		tb.Fatalf("command reply %d: %v\n%s", rec.Code, err, rec.Body)
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
	if len(ids) < 2 {
		tb.Fatalf("no walkthrough buttons in %s", rec.Body)
	}
	msg := map[string]any{"id": "1200000000000000099", "type": 20, "flags": 64, "channel_id": "1180000000000000003",
		"content": resp.Data["content"], "embeds": resp.Data["embeds"], "components": resp.Data["components"]}
	return ids[1], msg
}

var benchTexts = []string{
	"パスワードを忘れた", "I forgot my password", "amazon says my account is locked",
	"確認コードが届かない", "the captcha keeps failing", "help",
}

func serveAll(b *testing.B, h http.Handler, reqs []loadgen.Request) {
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, reqs[i%len(reqs)].HTTP(""))
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d: %s", rec.Code, rec.Body)
		}
		i++
	}
}

// BenchmarkDiscordHTTP: a signed /support command and a signed click
// through the real handler, each beside the baseline. Ed25519
// verification is the floor both share.
func BenchmarkDiscordHTTP(b *testing.B) {
	bn := newBench(b)
	now := time.Now()
	var commands []loadgen.Request
	for _, t := range benchTexts {
		commands = append(commands, loadgen.DiscordCommand(bn.priv, benchUser, t, now))
	}
	id, msg := bn.nextButton(b)
	clicks := []loadgen.Request{loadgen.DiscordClick(bn.priv, benchUser, id, msg, now)}
	base := loadgen.DiscordBaseline(bn.pub)
	b.Run("command/kaiketsu", func(b *testing.B) { serveAll(b, bn.h, commands) })
	b.Run("command/baseline", func(b *testing.B) { serveAll(b, base, commands) })
	b.Run("click/kaiketsu", func(b *testing.B) { serveAll(b, bn.h, clicks) })
	b.Run("click/baseline", func(b *testing.B) { serveAll(b, base, clicks) })
}

// BenchmarkDiscordRender: an answer to the interaction response JSON.
func BenchmarkDiscordRender(b *testing.B) {
	bn := newBench(b)
	for _, tc := range []struct{ name, text string }{{"step-ja", "パスワードを忘れた"}, {"menu-en", "help"}} {
		a := bn.eng.Ask(context.Background(), core.Request{Platform: "discord", Text: tc.text})
		b.Run(tc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if _, err := json.Marshal(discord.Message(a)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
