// Package config reads Kaiketsu's configuration from the environment into
// one validated struct. Errors name the variable and what is wrong with it,
// never its value: some of them are secrets.
package config

import (
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/kelseyhightower/envconfig"
)

// Prefix is the prefix of Kaiketsu's own variables. The platform
// credentials (SLACK_SIGNING_SECRET, ...) are read as KAIKETSU_NAME first
// and then as NAME, the name the platforms' docs use.
const Prefix = "KAIKETSU"

// Config is everything Kaiketsu reads from the environment.
type Config struct {
	Addr        string   `split_words:"true" default:":8080" desc:"HTTP listen address for kaiketsu serve"`
	MetricsAddr string   `split_words:"true" desc:"separate listen address for /metrics (default: on ADDR)"`
	DefaultLang string   `split_words:"true" default:"en" desc:"language when neither the text nor the locale tell (ja or en)"`
	KBDir       string   `split_words:"true" desc:"directory of the team's playbooks (*.yaml), added to the embedded ones"`
	StateKey    string   `split_words:"true" desc:"secret signing walkthrough buttons, at least 32 characters; instances must share it (random at start when unset)"`
	DatabaseURL string   `split_words:"true" default:"sqlite:kaiketsu.db" desc:"sqlite:PATH (embedded) or postgres://... (several instances)"`
	Retention   Duration `split_words:"true" default:"90d" desc:"how long outcomes and transcripts are kept (e.g. 90d, 720h)"`
	LogFormat   string   `split_words:"true" default:"text" desc:"text or json"`
	LogLevel    string   `split_words:"true" default:"info" desc:"debug, info, warn or error"`
	RateLimit   Rate     `split_words:"true" default:"30/min" desc:"per-person limit on commands and clicks: N/s, N/min or N/h, or off"`
	RateBurst   int      `split_words:"true" default:"10" desc:"commands and clicks a person may send at once before RATE_LIMIT applies"`
	MaxConns    int      `split_words:"true" default:"16384" desc:"HTTP connections open at once, idle kept ones included (more get 503)"`

	SlackCommand        string   `split_words:"true" default:"/support" desc:"the slash command's name"`
	SlackSigningSecret  string   `envconfig:"SLACK_SIGNING_SECRET" desc:"Slack app signing secret: enables /slack/* over HTTP"`
	SlackBotToken       string   `envconfig:"SLACK_BOT_TOKEN" desc:"Slack bot token (xoxb-...): replies, locale look-up, hand-off cards"`
	SlackAppToken       string   `envconfig:"SLACK_APP_TOKEN" desc:"Slack app-level token (xapp-...): Socket Mode instead of HTTP"`
	SlackSupportChannel string   `envconfig:"SLACK_SUPPORT_CHANNEL" desc:"Slack channel id where hand-off cards are posted"`
	SlackAPIURL         string   `envconfig:"SLACK_API_URL" default:"https://slack.com/api/" desc:"Slack Web API base URL (for proxies and tests)"`
	SlackResponseHosts  []string `envconfig:"SLACK_RESPONSE_HOSTS" default:"hooks.slack.com,hooks.slack-gov.com" desc:"hosts a response_url may point at (https; plain http only to a loopback host, for tests and load tests)"`

	DiscordPublicKey      string `envconfig:"DISCORD_PUBLIC_KEY" desc:"Discord application public key (hex): enables /discord/interactions"`
	DiscordBotToken       string `envconfig:"DISCORD_BOT_TOKEN" desc:"Discord bot token: Gateway mode, command registration, hand-off cards"`
	DiscordAppID          string `envconfig:"DISCORD_APP_ID" desc:"Discord application id (for command registration)"`
	DiscordSupportChannel string `envconfig:"DISCORD_SUPPORT_CHANNEL" desc:"Discord channel id where hand-off cards are posted"`
	DiscordAPIURL         string `envconfig:"DISCORD_API_URL" default:"https://discord.com/api/v10" desc:"Discord REST API base URL (for proxies and tests)"`
}

// Duration is a time.Duration that also accepts days ("90d").
type Duration time.Duration

// Decode implements envconfig.Decoder.
func (d *Duration) Decode(s string) error {
	s = strings.TrimSpace(s)
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 {
			return errors.New("not a number of days")
		}
		*d = Duration(time.Duration(days) * 24 * time.Hour)
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return errors.New("not a duration such as 90d or 720h")
	}
	*d = Duration(v)
	return nil
}

// Rate is a number of events per period, written "20/min" ("N/s", "N/min",
// "N/h"); "off" (or "0") is no limit, with N == 0.
type Rate struct {
	N   int
	Per time.Duration
}

// Off reports whether the rate is no limit at all.
func (r Rate) Off() bool { return r.N == 0 }

func (r Rate) String() string {
	if r.Off() {
		return "off"
	}
	unit := map[time.Duration]string{time.Second: "s", time.Minute: "min", time.Hour: "h"}[r.Per]
	return strconv.Itoa(r.N) + "/" + unit
}

// Decode implements envconfig.Decoder.
func (r *Rate) Decode(s string) error {
	s = strings.ToLower(strings.TrimSpace(s))
	if s == "off" || s == "0" {
		*r = Rate{}
		return nil
	}
	n, unit, ok := strings.Cut(s, "/")
	count, err := strconv.Atoi(strings.TrimSpace(n))
	if !ok || err != nil || count < 1 {
		return errors.New("not a rate such as 20/min (or off)")
	}
	per, ok := map[string]time.Duration{
		"s": time.Second, "sec": time.Second, "second": time.Second,
		"m": time.Minute, "min": time.Minute, "minute": time.Minute,
		"h": time.Hour, "hour": time.Hour,
	}[strings.TrimSpace(unit)]
	if !ok {
		return errors.New("the period must be s, min or h, as in 20/min")
	}
	*r = Rate{N: count, Per: per}
	return nil
}

// typed are the variables whose values must parse, with how envconfig
// parses them: envconfig stops at the first that does not, so Load checks
// them all first to report every one (TestTypedCoversEveryTypedField).
var typed = []struct {
	name   string
	decode func(string) error
}{
	{Prefix + "_RETENTION", func(s string) error { return new(Duration).Decode(s) }},
	{Prefix + "_RATE_LIMIT", func(s string) error { return new(Rate).Decode(s) }},
	// A comma-separated list always parses; validate checks its hosts.
	{"SLACK_RESPONSE_HOSTS", func(string) error { return nil }},
	{Prefix + "_RATE_BURST", wholeNumber},
	{Prefix + "_MAX_CONNS", wholeNumber},
}

func wholeNumber(s string) error {
	if _, err := strconv.ParseInt(s, 0, strconv.IntSize); err != nil {
		return fmt.Errorf("not a whole number (%w)", err.(*strconv.NumError).Err)
	}
	return nil
}

// Load reads and validates the configuration from the process environment.
func Load() (Config, error) {
	var c Config
	var errs []error
	for _, v := range typed {
		if s, ok := os.LookupEnv(v.name); ok {
			if err := v.decode(s); err != nil {
				errs = append(errs, fmt.Errorf("%s: %v", v.name, err))
			}
		}
	}
	if len(errs) > 0 {
		return c, errors.Join(errs...)
	}
	if err := envconfig.Process(Prefix, &c); err != nil {
		var pe *envconfig.ParseError
		if errors.As(err, &pe) {
			// ParseError's own text quotes the value; a value may be secret.
			// KeyName is already the full name, e.g. KAIKETSU_RETENTION.
			// strconv's errors quote the value: keep only what is wrong.
			why := pe.Err
			var ne *strconv.NumError
			if errors.As(why, &ne) {
				why = fmt.Errorf("not a whole number (%w)", ne.Err)
			}
			return c, fmt.Errorf("%s: %v", pe.KeyName, why)
		}
		return c, err
	}
	return c, c.Validate()
}

var (
	langRe   = regexp.MustCompile(`^[a-z]{2,3}$`)
	idRe     = regexp.MustCompile(`^[0-9]{5,25}$`)
	slackIDs = regexp.MustCompile(`^[CGD][A-Z0-9]{6,}$`)
)

// Validate checks every field and reports all problems at once.
func (c Config) Validate() error {
	var errs []error
	bad := func(name, format string, args ...any) {
		errs = append(errs, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, args...)))
	}
	v := func(name string) string { return Prefix + "_" + name }
	if !langRe.MatchString(c.DefaultLang) {
		bad(v("DEFAULT_LANG"), "must be a language code such as ja or en")
	}
	if c.StateKey != "" && len(c.StateKey) < 32 {
		bad(v("STATE_KEY"), "must be at least 32 characters (e.g. from `openssl rand -hex 32`)")
	}
	if !strings.HasPrefix(c.DatabaseURL, "sqlite:") && !strings.HasPrefix(c.DatabaseURL, "postgres://") && !strings.HasPrefix(c.DatabaseURL, "postgresql://") && c.DatabaseURL != "memory:" {
		bad(v("DATABASE_URL"), "must start with sqlite:, postgres:// or be memory:")
	}
	if c.Retention <= 0 {
		bad(v("RETENTION"), "must be positive")
	}
	if c.RateLimit.N < 0 || (!c.RateLimit.Off() && c.RateLimit.Per <= 0) {
		bad(v("RATE_LIMIT"), "must be a rate such as 20/min, or off")
	}
	if c.MaxConns < 16 || c.MaxConns > 1<<20 {
		bad(v("MAX_CONNS"), "must be between 16 and 1048576")
	}
	if c.RateBurst < 1 || c.RateBurst > 1000 {
		bad(v("RATE_BURST"), "must be between 1 and 1000")
	}
	if c.LogFormat != "text" && c.LogFormat != "json" {
		bad(v("LOG_FORMAT"), "must be text or json")
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		bad(v("LOG_LEVEL"), "must be debug, info, warn or error")
	}
	if !strings.HasPrefix(c.SlackCommand, "/") || len(c.SlackCommand) < 2 || strings.ContainsAny(c.SlackCommand, " \t") {
		bad(v("SLACK_COMMAND"), "must be a slash command such as /support")
	}
	if c.SlackBotToken != "" && !strings.HasPrefix(c.SlackBotToken, "xoxb-") {
		bad("SLACK_BOT_TOKEN", `must start with "xoxb-"`)
	}
	if c.SlackAppToken != "" && !strings.HasPrefix(c.SlackAppToken, "xapp-") {
		bad("SLACK_APP_TOKEN", `must start with "xapp-"`)
	}
	if c.SlackAppToken != "" && c.SlackBotToken == "" {
		bad("SLACK_BOT_TOKEN", "is required with SLACK_APP_TOKEN (Socket Mode replies through the Web API)")
	}
	if c.SlackSupportChannel != "" && !slackIDs.MatchString(c.SlackSupportChannel) {
		bad("SLACK_SUPPORT_CHANNEL", "must be a channel id such as C0123ABCD (not a #name)")
	}
	if c.DiscordPublicKey != "" {
		if b, err := hex.DecodeString(c.DiscordPublicKey); err != nil || len(b) != 32 {
			bad("DISCORD_PUBLIC_KEY", "must be the 64 hex characters shown as Public Key in the Discord developer portal")
		}
	}
	if c.DiscordAppID != "" && !idRe.MatchString(c.DiscordAppID) {
		bad("DISCORD_APP_ID", "must be a numeric application id")
	}
	if c.DiscordSupportChannel != "" && !idRe.MatchString(c.DiscordSupportChannel) {
		bad("DISCORD_SUPPORT_CHANNEL", "must be a numeric channel id")
	}
	for _, h := range c.SlackResponseHosts {
		h = strings.TrimSpace(h)
		if h == "" || strings.ContainsAny(h, "/@ ") || (strings.Contains(h, ":") && net.ParseIP(strings.Trim(h, "[]")) == nil) {
			bad("SLACK_RESPONSE_HOSTS", "must be host names or addresses, comma-separated, without scheme, port or path")
			break
		}
	}
	for name, raw := range map[string]string{"SLACK_API_URL": c.SlackAPIURL, "DISCORD_API_URL": c.DiscordAPIURL} {
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			bad(name, "must be an http(s) URL")
		}
	}
	return errors.Join(errs...)
}

// Usage describes every variable, for `kaiketsu config` and the README.
func Usage() string {
	var b strings.Builder
	var c Config
	_ = envconfig.Usagef(Prefix, &c, &b, "{{range .}}{{usage_key .}}\t{{usage_default .}}\t{{usage_description .}}\n{{end}}")
	return b.String()
}
