package slack

import (
	"slices"
	"testing"

	"go.yaml.in/yaml/v3"
)

func TestManifest(t *testing.T) {
	out, err := Manifest(ManifestOptions{URL: "https://kaiketsu.example.com/", Command: "/support"})
	if err != nil {
		t.Fatal(err)
	}
	var m manifest
	if err := yaml.Unmarshal(out, &m); err != nil {
		t.Fatalf("not YAML: %v\n%s", err, out)
	}
	if c := m.Features.SlashCommands; len(c) != 1 || c[0].Command != "/support" || c[0].URL != "https://kaiketsu.example.com/slack/commands" {
		t.Errorf("slash command %+v", c)
	}
	if got := m.Settings.EventSubscriptions.RequestURL; got != "https://kaiketsu.example.com/slack/events" {
		t.Errorf("events URL %q", got)
	}
	if got := m.Settings.Interactivity; !got.IsEnabled || got.RequestURL != "https://kaiketsu.example.com/slack/interactions" {
		t.Errorf("interactivity %+v", got)
	}
	for _, s := range []string{"commands", "chat:write", "users:read", "app_mentions:read", "im:history", "im:write"} {
		if !slices.Contains(m.OAuth.Scopes.Bot, s) {
			t.Errorf("scope %s missing", s)
		}
	}
	if !slices.Equal(m.Settings.EventSubscriptions.BotEvents, []string{"app_mention", "message.im"}) {
		t.Errorf("events %v", m.Settings.EventSubscriptions.BotEvents)
	}
	if m.Settings.SocketModeEnabled || m.Features.BotUser.DisplayName == "" || !m.Features.AppHome.MessagesTabEnabled {
		t.Errorf("settings %+v features %+v", m.Settings, m.Features)
	}

	out, err = Manifest(ManifestOptions{Socket: true, Command: "/help-me"})
	if err != nil {
		t.Fatal(err)
	}
	m = manifest{}
	yaml.Unmarshal(out, &m)
	if !m.Settings.SocketModeEnabled || m.Settings.EventSubscriptions.RequestURL != "" || m.Features.SlashCommands[0].URL != "" || m.Features.SlashCommands[0].Command != "/help-me" {
		t.Errorf("socket manifest:\n%s", out)
	}

	for _, bad := range []ManifestOptions{
		{URL: "http://example.com"},
		{URL: "example.com"},
		{URL: "https://example.com/?a=b"},
		{URL: "https://example.com", Command: "support"},
		{URL: "https://example.com", Command: "/two words"},
	} {
		if _, err := Manifest(bad); err == nil {
			t.Errorf("Manifest(%+v) accepted", bad)
		}
	}
}
