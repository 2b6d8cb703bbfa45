package slack

import (
	"bytes"
	"errors"
	"fmt"
	"net/url"
	"strings"

	"go.yaml.in/yaml/v3"
)

// BotScopes are the bot token scopes Kaiketsu needs: the slash command,
// posting replies and cards, the users.info locale look-up, @mentions, and
// direct messages (reading them and opening them for claim notices).
var BotScopes = []string{"commands", "chat:write", "users:read", "app_mentions:read", "im:history", "im:write"}

// BotEvents are the events Kaiketsu subscribes to.
var BotEvents = []string{"app_mention", "message.im"}

// ManifestOptions describe the app to create.
type ManifestOptions struct {
	// URL is where `kaiketsu serve` is reachable from Slack, e.g.
	// https://kaiketsu.example.com; unused with Socket.
	URL     string
	Command string // "/support"
	Name    string // "Kaiketsu"
	// Socket makes an app that connects over Socket Mode: no request URLs.
	Socket bool
}

type manifest struct {
	Display  manifestDisplay  `yaml:"display_information"`
	Features manifestFeatures `yaml:"features"`
	OAuth    struct {
		Scopes struct {
			Bot []string `yaml:"bot"`
		} `yaml:"scopes"`
	} `yaml:"oauth_config"`
	Settings manifestSettings `yaml:"settings"`
}

type manifestDisplay struct {
	Name            string `yaml:"name"`
	Description     string `yaml:"description"`
	LongDescription string `yaml:"long_description,omitempty"`
	BackgroundColor string `yaml:"background_color"`
}

type manifestFeatures struct {
	AppHome struct {
		HomeTabEnabled             bool `yaml:"home_tab_enabled"`
		MessagesTabEnabled         bool `yaml:"messages_tab_enabled"`
		MessagesTabReadOnlyEnabled bool `yaml:"messages_tab_read_only_enabled"`
	} `yaml:"app_home"`
	BotUser struct {
		DisplayName  string `yaml:"display_name"`
		AlwaysOnline bool   `yaml:"always_online"`
	} `yaml:"bot_user"`
	SlashCommands []manifestCommand `yaml:"slash_commands"`
}

type manifestCommand struct {
	Command      string `yaml:"command"`
	URL          string `yaml:"url,omitempty"`
	Description  string `yaml:"description"`
	UsageHint    string `yaml:"usage_hint"`
	ShouldEscape bool   `yaml:"should_escape"`
}

type manifestSettings struct {
	EventSubscriptions struct {
		RequestURL string   `yaml:"request_url,omitempty"`
		BotEvents  []string `yaml:"bot_events"`
	} `yaml:"event_subscriptions"`
	Interactivity struct {
		IsEnabled  bool   `yaml:"is_enabled"`
		RequestURL string `yaml:"request_url,omitempty"`
	} `yaml:"interactivity"`
	OrgDeployEnabled     bool `yaml:"org_deploy_enabled"`
	SocketModeEnabled    bool `yaml:"socket_mode_enabled"`
	TokenRotationEnabled bool `yaml:"token_rotation_enabled"`
}

// Manifest returns a Slack app manifest (YAML) to paste at
// https://api.slack.com/apps → Create New App → From a manifest.
func Manifest(o ManifestOptions) ([]byte, error) {
	if o.Command == "" {
		o.Command = "/support"
	}
	if o.Name == "" {
		o.Name = "Kaiketsu"
	}
	if !strings.HasPrefix(o.Command, "/") || len(o.Command) < 2 || len(o.Command) > 32 || strings.ContainsAny(o.Command, " \t") {
		return nil, fmt.Errorf("command %q: must be a slash command such as /support", o.Command)
	}
	if len(o.Name) > 35 {
		return nil, errors.New("name: Slack allows at most 35 characters")
	}
	base := ""
	if !o.Socket {
		u, err := url.Parse(o.URL)
		if err != nil || u.Scheme != "https" || u.Host == "" {
			return nil, errors.New("--url must be the https:// address where kaiketsu serve is reachable (Slack only calls https), or use --socket")
		}
		if u.RawQuery != "" || u.Fragment != "" {
			return nil, errors.New("--url must not have a query or fragment")
		}
		base = strings.TrimRight(u.String(), "/")
	}
	var m manifest
	m.Display = manifestDisplay{
		Name:            o.Name,
		Description:     "Diagnoses sign-in and account trouble and walks you through the fix.",
		LongDescription: "Type " + o.Command + " and describe your problem in your own words, in Japanese or English. " + o.Name + " finds the likely cause and walks you through the fix one step at a time, privately, with buttons: That fixed it, Didn't work, Back, Start over, Talk to a person. When nothing helps, it hands you over to the support team with everything you already tried.",
		BackgroundColor: "#1d4f91",
	}
	m.Features.AppHome.MessagesTabEnabled = true
	m.Features.BotUser.DisplayName = strings.ToLower(strings.ReplaceAll(o.Name, " ", "-"))
	m.Features.BotUser.AlwaysOnline = true
	cmd := manifestCommand{
		Command:     o.Command,
		Description: "Describe your problem and get step-by-step help",
		UsageHint:   "[describe your problem, or help]",
	}
	if !o.Socket {
		cmd.URL = base + "/slack/commands"
		m.Settings.EventSubscriptions.RequestURL = base + "/slack/events"
		m.Settings.Interactivity.RequestURL = base + "/slack/interactions"
	}
	m.Features.SlashCommands = []manifestCommand{cmd}
	m.OAuth.Scopes.Bot = BotScopes
	m.Settings.EventSubscriptions.BotEvents = BotEvents
	m.Settings.Interactivity.IsEnabled = true
	m.Settings.SocketModeEnabled = o.Socket
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(2)
	if err := enc.Encode(&m); err != nil {
		return nil, fmt.Errorf("manifest: %w", err)
	}
	enc.Close()
	return buf.Bytes(), nil
}
