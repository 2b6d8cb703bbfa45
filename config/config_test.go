package config

import (
	"os"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"
)

// clearEnv unsets every variable Kaiketsu reads, for the test's duration:
// envconfig treats a variable set to "" as set.
func clearEnv(t *testing.T) {
	t.Helper()
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		for _, p := range []string{"KAIKETSU_", "SLACK_", "DISCORD_"} {
			if strings.HasPrefix(k, p) {
				t.Setenv(k, "")
				os.Unsetenv(k)
			}
		}
	}
}

func TestDefaults(t *testing.T) {
	clearEnv(t)
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	// Only the fields whose defaults the README documents; new fields
	// bring their own tests.
	got := Config{Addr: c.Addr, DefaultLang: c.DefaultLang, KBDir: c.KBDir, StateKey: c.StateKey, DatabaseURL: c.DatabaseURL,
		Retention: c.Retention, LogFormat: c.LogFormat, LogLevel: c.LogLevel, SlackCommand: c.SlackCommand,
		SlackAPIURL: c.SlackAPIURL, DiscordAPIURL: c.DiscordAPIURL, SlackBotToken: c.SlackBotToken, DiscordBotToken: c.DiscordBotToken}
	want := Config{
		Addr:          ":8080",
		DefaultLang:   "en",
		DatabaseURL:   "sqlite:kaiketsu.db",
		Retention:     Duration(90 * 24 * time.Hour),
		LogFormat:     "text",
		LogLevel:      "info",
		SlackCommand:  "/support",
		SlackAPIURL:   "https://slack.com/api/",
		DiscordAPIURL: "https://discord.com/api/v10",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("defaults\n got %+v\nwant %+v", got, want)
	}
	if !slices.Equal(c.SlackResponseHosts, []string{"hooks.slack.com", "hooks.slack-gov.com"}) {
		t.Errorf("SLACK_RESPONSE_HOSTS defaults to %q, want Slack's hooks", c.SlackResponseHosts)
	}
}

func TestSlackResponseHosts(t *testing.T) {
	for _, tc := range []struct {
		env string
		ok  bool
	}{
		{"127.0.0.1,hooks.slack.com", true},
		{"::1, localhost", true},
		{"[::1]", true},
		{"https://hooks.slack.com", false},
		{"hooks.slack.com/actions", false},
		{"127.0.0.1:8080", false},
		{"user@hooks.slack.com", false},
		{"hooks.slack.com,,127.0.0.1", false},
	} {
		clearEnv(t)
		t.Setenv("SLACK_RESPONSE_HOSTS", tc.env)
		_, err := Load()
		if (err == nil) != tc.ok {
			t.Errorf("SLACK_RESPONSE_HOSTS=%q: error %v, want ok %v", tc.env, err, tc.ok)
		}
		if err != nil && !strings.Contains(err.Error(), "SLACK_RESPONSE_HOSTS") {
			t.Errorf("SLACK_RESPONSE_HOSTS=%q: error %q does not name the variable", tc.env, err)
		}
	}
}

func TestValues(t *testing.T) {
	clearEnv(t)
	t.Setenv("KAIKETSU_DEFAULT_LANG", "ja")
	t.Setenv("KAIKETSU_KB_DIR", "/srv/playbooks")
	t.Setenv("KAIKETSU_RETENTION", "720h")
	t.Setenv("KAIKETSU_DATABASE_URL", "postgres://kaiketsu@db/kaiketsu")
	t.Setenv("SLACK_BOT_TOKEN", "xoxb-1-2")                    // the name Slack's docs use
	t.Setenv("KAIKETSU_SLACK_SIGNING_SECRET", "prefixed-wins") // ours first
	t.Setenv("SLACK_SIGNING_SECRET", "unprefixed")
	t.Setenv("DISCORD_PUBLIC_KEY", strings.Repeat("ab", 32))
	t.Setenv("DISCORD_APP_ID", "123456789012345678")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.DefaultLang != "ja" || c.KBDir != "/srv/playbooks" || time.Duration(c.Retention) != 720*time.Hour ||
		c.DatabaseURL != "postgres://kaiketsu@db/kaiketsu" || c.SlackBotToken != "xoxb-1-2" ||
		c.SlackSigningSecret != "prefixed-wins" || c.DiscordAppID != "123456789012345678" {
		t.Errorf("got %+v", c)
	}
}

func TestRetentionDays(t *testing.T) {
	for in, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "1d": 24 * time.Hour, "36h": 36 * time.Hour, " 7d ": 7 * 24 * time.Hour} {
		clearEnv(t)
		t.Setenv("KAIKETSU_RETENTION", in)
		c, err := Load()
		if err != nil || time.Duration(c.Retention) != want {
			t.Errorf("KAIKETSU_RETENTION=%q: %v, %v; want %v", in, time.Duration(c.Retention), err, want)
		}
	}
}

// TestBadValues: the error names the variable and what is wrong, and never
// prints the value, which may be a secret.
func TestBadValues(t *testing.T) {
	tests := []struct {
		name, value string
		want        string // the variable named in the error
	}{
		{"SLACK_BOT_TOKEN", "xoxp-secret", "SLACK_BOT_TOKEN"},
		{"KAIKETSU_SLACK_BOT_TOKEN", "xoxp-secret", "SLACK_BOT_TOKEN"},
		{"SLACK_APP_TOKEN", "xoxb-not-an-app-token", "SLACK_APP_TOKEN"},
		{"KAIKETSU_STATE_KEY", "short-secret", "KAIKETSU_STATE_KEY"},
		{"DISCORD_PUBLIC_KEY", "not-hex-secret", "DISCORD_PUBLIC_KEY"},
		{"KAIKETSU_RETENTION", "forever-secret", "KAIKETSU_RETENTION"},
		{"KAIKETSU_RETENTION", "-3d", "KAIKETSU_RETENTION"},
		{"KAIKETSU_RETENTION", "0s", "KAIKETSU_RETENTION"},
		{"KAIKETSU_DEFAULT_LANG", "Japanese", "KAIKETSU_DEFAULT_LANG"},
		{"KAIKETSU_DATABASE_URL", "mysql://user:hunter2@db", "KAIKETSU_DATABASE_URL"},
		{"KAIKETSU_LOG_FORMAT", "xml", "KAIKETSU_LOG_FORMAT"},
		{"KAIKETSU_LOG_LEVEL", "loud", "KAIKETSU_LOG_LEVEL"},
		{"KAIKETSU_SLACK_COMMAND", "help-me", "KAIKETSU_SLACK_COMMAND"},
		{"SLACK_SUPPORT_CHANNEL", "#help", "SLACK_SUPPORT_CHANNEL"},
		{"DISCORD_SUPPORT_CHANNEL", "help", "DISCORD_SUPPORT_CHANNEL"},
		{"SLACK_API_URL", "ftp://proxy", "SLACK_API_URL"},
		{"KAIKETSU_RATE_LIMIT", "lots-secret", "KAIKETSU_RATE_LIMIT"},
		{"KAIKETSU_RATE_BURST", "lots-secret", "KAIKETSU_RATE_BURST"},
		{"KAIKETSU_MAX_CONNS", "many-secret", "KAIKETSU_MAX_CONNS"},
		{"KAIKETSU_MAX_CONNS", "3", "KAIKETSU_MAX_CONNS"},
	}
	for _, tt := range tests {
		clearEnv(t)
		t.Setenv(tt.name, tt.value)
		_, err := Load()
		if err == nil {
			t.Errorf("%s=%q is accepted", tt.name, tt.value)
			continue
		}
		msg := err.Error()
		if !strings.HasPrefix(msg, tt.want+": ") {
			t.Errorf("%s=%q: error %q does not start with %s:", tt.name, tt.value, msg, tt.want)
		}
		if strings.Contains(msg, tt.value) {
			t.Errorf("%s=%q: error %q prints the value", tt.name, tt.value, msg)
		}
	}
}

func TestEveryProblemAtOnce(t *testing.T) {
	clearEnv(t)
	t.Setenv("KAIKETSU_LOG_FORMAT", "xml")
	t.Setenv("SLACK_BOT_TOKEN", "xoxp-secret")
	t.Setenv("DISCORD_APP_ID", "abc")
	_, err := Load()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, name := range []string{"KAIKETSU_LOG_FORMAT", "SLACK_BOT_TOKEN", "DISCORD_APP_ID"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("%q does not mention %s", err, name)
		}
	}
}

func TestSocketModeNeedsBotToken(t *testing.T) {
	clearEnv(t)
	t.Setenv("SLACK_APP_TOKEN", "xapp-1-secret")
	_, err := Load()
	if err == nil || !strings.Contains(err.Error(), "SLACK_BOT_TOKEN") || strings.Contains(err.Error(), "xapp-1-secret") {
		t.Errorf("app token without bot token: %v", err)
	}
}

func TestUsageListsVariables(t *testing.T) {
	u := Usage()
	for _, name := range []string{"KAIKETSU_DEFAULT_LANG", "KAIKETSU_KB_DIR", "KAIKETSU_STATE_KEY", "KAIKETSU_RETENTION", "SLACK_BOT_TOKEN", "DISCORD_PUBLIC_KEY"} {
		if !strings.Contains(u, name) {
			t.Errorf("Usage does not list %s", name)
		}
	}
}

// TestEveryUnparsableValueAtOnce: envconfig stops at the first value it
// cannot parse; Load names them all.
func TestEveryUnparsableValueAtOnce(t *testing.T) {
	clearEnv(t)
	t.Setenv("KAIKETSU_RETENTION", "forever-secret")
	t.Setenv("KAIKETSU_RATE_LIMIT", "lots-secret")
	t.Setenv("KAIKETSU_RATE_BURST", "many-secret")
	_, err := Load()
	if err == nil {
		t.Fatal("accepted")
	}
	for _, name := range []string{"KAIKETSU_RETENTION", "KAIKETSU_RATE_LIMIT", "KAIKETSU_RATE_BURST"} {
		if !strings.Contains(err.Error(), name+": ") {
			t.Errorf("%q does not mention %s", err, name)
		}
	}
	if strings.Contains(err.Error(), "secret") {
		t.Errorf("%q prints a value", err)
	}
}

// TestTypedCoversEveryTypedField: every field that is not a plain string
// is checked before envconfig runs, so that none is reported alone.
func TestTypedCoversEveryTypedField(t *testing.T) {
	checked := map[string]bool{}
	for _, v := range typed {
		checked[v.name] = true
	}
	ct := reflect.TypeOf(Config{})
	for i := range ct.NumField() {
		f := ct.Field(i)
		if f.Type.Kind() == reflect.String {
			continue
		}
		name := f.Tag.Get("envconfig")
		if name == "" {
			name = Prefix + "_" + strings.ToUpper(splitWords(f.Name))
		}
		if !checked[name] {
			t.Errorf("field %s (%s) is not in typed", f.Name, name)
		}
	}
}

// splitWords spells a field name as envconfig's split_words does for the
// names used here (RateBurst -> RATE_BURST).
func splitWords(s string) string {
	var b strings.Builder
	for i, r := range s {
		if i > 0 && r >= 'A' && r <= 'Z' {
			b.WriteByte('_')
		}
		b.WriteRune(r)
	}
	return b.String()
}
