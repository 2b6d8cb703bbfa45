package discord_test

import (
	"crypto/ed25519"
	"encoding/json"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/discord"
	"github.com/kaiketsu/kaiketsu/adapters/loadgen"
	"github.com/kaiketsu/kaiketsu/core"
)

// TestSlowDownOnAClickKeepsTheWalkthrough: a person over the rate limit
// who clicks gets the "slow down" answer as a new ephemeral message (type
// 4), not as an update of the walkthrough message (type 7), whose buttons
// must keep working.
func TestSlowDownOnAClickKeepsTheWalkthrough(t *testing.T) {
	books, _ := core.DefaultPlaybooks()
	limit, err := core.NewLimiter(1, time.Hour, 1, 0)
	if err != nil {
		t.Fatal(err)
	}
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("discord slow-down test key"), Limit: limit})
	if err != nil {
		t.Fatal(err)
	}
	priv, _ := loadgen.KeyFromSeed(strings.Repeat("5a", 32))
	bn := &bench{h: discord.New(discord.Options{Engine: eng, PublicKey: priv.Public().(ed25519.PublicKey)}), eng: eng, priv: priv}
	id, msg := bn.nextButton(t) // the person's one request
	rec := httptest.NewRecorder()
	bn.h.ServeHTTP(rec, loadgen.DiscordClick(priv, benchUser, id, msg, time.Now()).HTTP(""))
	var resp struct {
		Type int `json:"type"`
		Data struct {
			Flags  int `json:"flags"`
			Embeds []struct {
				Title string `json:"title"`
			} `json:"embeds"`
			Content string `json:"content"`
		} `json:"data"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
	if resp.Type != 4 || resp.Data.Flags&64 == 0 || !strings.Contains(rec.Body.String(), "bit fast") {
		t.Errorf("slow-down answer to a click = %s; want type 4, ephemeral", rec.Body)
	}
}
