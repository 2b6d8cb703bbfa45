package discord

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/kaiketsu/kaiketsu/adapters/loadgen"
)

// TestDecodeInteractionMatchesDiscordgo: everything the handler reads from
// an interaction (ids, type, data, who, where, locale) is what discordgo's
// own decoding gives, for the interactions Discord sends; malformed ones
// are refused by both.
func TestDecodeInteractionMatchesDiscordgo(t *testing.T) {
	key, err := loadgen.KeyFromSeed("5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	bodies := map[string]string{
		"command":      string(loadgen.DiscordCommand(key, "1180000000000000004", "パスワードを忘れた", now).Body),
		"click":        string(loadgen.DiscordClick(key, "1180000000000000004", "k1.abc", nil, now).Body),
		"dm":           `{"id":"1","application_id":"2","type":2,"data":{"id":"3","name":"support","type":1},"channel_id":"4","user":{"id":"5","username":"u","global_name":"G"},"locale":"ja","token":"t","version":1}`,
		"autocomplete": `{"id":"1","type":4,"data":{"id":"3","name":"support","type":1,"options":[{"name":"symptom","type":3,"value":"pass","focused":true}]},"guild_id":"9","guild_locale":"en-US","member":{"user":{"id":"5","username":"u"},"roles":["7"],"joined_at":"2024-01-01T00:00:00Z","permissions":"8"},"locale":"en-US"}`,
		"ping":         `{"id":"1","application_id":"2","type":1,"token":"t","version":1}`,
		"modal":        `{"id":"1","type":5,"data":{"custom_id":"m","components":[]},"user":{"id":"5"}}`,
	}
	for name, body := range bodies {
		var want discordgo.Interaction
		if err := json.Unmarshal([]byte(body), &want); err != nil {
			t.Fatalf("%s: discordgo: %v", name, err)
		}
		got, err := decodeInteraction([]byte(body))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		// What the lean decoding leaves out on purpose.
		want.Message, want.AppPermissions, want.Entitlements = nil, 0, nil
		want.Context, want.AuthorizingIntegrationOwners = 0, nil
		if want.Member != nil {
			want.Member = &discordgo.Member{User: want.Member.User}
		}
		if diff := cmp.Diff(&want, got); diff != "" {
			t.Errorf("%s (-discordgo +lean):\n%s", name, diff)
		}
		if got, want := (&handlerForRequest).request(got), (&handlerForRequest).request(&want); got != want {
			t.Errorf("%s: request %+v, want %+v", name, got, want)
		}
	}
	for _, bad := range []string{``, `{`, `{"type":2}`, `{"type":3,"data":"x"}`, `{"type":"2"}`, `[]`} {
		var dg discordgo.Interaction
		dgErr := json.Unmarshal([]byte(bad), &dg)
		if _, err := decodeInteraction([]byte(bad)); err == nil || dgErr == nil {
			t.Errorf("%q: lean error %v, discordgo error %v; want both to refuse it", bad, err, dgErr)
		}
	}
}

var handlerForRequest Handler
