// Package slack is Kaiketsu's Slack edge: the slash command, button clicks
// and @mentions over HTTP (signed requests) or Socket Mode, answers rendered
// as Block Kit, and hand-off cards in the support channel.
//
// Every reply to a person is private (ephemeral) unless they asked in
// public (an @mention gets its answer in the thread; the walkthrough then
// continues privately for whoever clicks). Nothing a person typed is logged:
// logs carry Slack ids, playbook and topic ids only.
package slack

import (
	"context"
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/slack-go/slack"

	"github.com/kaiketsu/kaiketsu/adapters/httplog"
	"github.com/kaiketsu/kaiketsu/adapters/internal/outbound"
	"github.com/kaiketsu/kaiketsu/adapters/internal/workers"
	"github.com/kaiketsu/kaiketsu/core"
)

// Platform is the name Kaiketsu records for Slack in requests, outcomes and
// hand-offs.
const Platform = "slack"

// maxBody is the largest request body accepted from Slack. Slash commands
// and clicks are a few KiB; anything bigger is not Slack.
const maxBody = 64 << 10

// Options configure a Bot.
type Options struct {
	Engine *core.Engine
	// Store deduplicates events across instances and keeps hand-offs; nil
	// uses the engine's store, and without one a per-process memory.
	Store  core.Store
	Logger *slog.Logger

	// SigningSecret verifies HTTP requests (required for Handler).
	SigningSecret string
	// BotToken (xoxb-) enables the Web API: locale look-up, replies to
	// mentions and DMs, hand-off cards.
	BotToken string
	// AppToken (xapp-) enables Socket Mode (RunSocketMode).
	AppToken string
	// SupportChannel is the channel id where hand-off cards are posted.
	SupportChannel string
	// APIURL is the Web API base ("https://slack.com/api/").
	APIURL string
	// DefaultLang is the language of the support team's cards and of
	// people whose language is unknown.
	DefaultLang string

	// ResponseHosts are the hosts a response_url may point at (default
	// DefaultResponseHosts). A response_url arrives in each signed
	// request; posting wherever it says would let anyone holding the
	// signing secret, or a bug, make the server call inside its own
	// network (a cloud metadata address, a local port). Over https only,
	// or plain http to a loopback host (tests, load tests).
	ResponseHosts []string

	// HTTPClient posts to response_url and the Web API (default: a client
	// with a 10 s timeout that keeps connections to
	// hooks.slack.com open between clicks).
	HTTPClient *http.Client
	// Now is the clock (default time.Now).
	Now func() time.Time
	// RetryBase is the first backoff when posting a hand-off card fails;
	// it doubles per attempt up to RetryMax (defaults 1 s and 1 min).
	RetryBase, RetryMax time.Duration
	// CardAttempts is how many times a card post is tried (default 6).
	CardAttempts int
	// OnCardRetry, when set, is called each time posting a hand-off card
	// is retried (for metrics).
	OnCardRetry func()
}

// Bot answers Slack. Create it with New; it is safe for concurrent use.
type Bot struct {
	eng   *core.Engine
	store core.Store
	log   *slog.Logger
	opt   Options
	post  func(ctx context.Context, target string, body []byte) (outbound.Posted, error)
	// workers run what follows an ack (a click's update, a card).
	workers *workers.Pool
	api     *slack.Client // nil without a bot token
	now     func() time.Time

	signer  *signer // nil without a signing secret (Socket Mode)
	locales *localeCache
	seen    *seenCache // dedupe when there is no store

	// pending tracks replies and cards still being sent after the ack, so
	// that a stopping server can wait for them (Drain).
	pending  sync.WaitGroup
	inflight atomic.Int64
	bg       context.Context
	stopBg   context.CancelFunc
}

// DefaultResponseHosts are where Slack's response_urls point: its
// commercial and its GovSlack hooks.
var DefaultResponseHosts = []string{"hooks.slack.com", "hooks.slack-gov.com"}

// New returns a Bot. It needs an engine and a signing secret or an app
// token.
func New(opt Options) (*Bot, error) {
	if opt.Engine == nil {
		return nil, errors.New("slack: no engine")
	}
	if opt.SigningSecret == "" && opt.AppToken == "" {
		return nil, errors.New("slack: SLACK_SIGNING_SECRET (HTTP) or SLACK_APP_TOKEN (Socket Mode) is required")
	}
	if opt.AppToken != "" && opt.BotToken == "" {
		return nil, errors.New("slack: Socket Mode needs SLACK_BOT_TOKEN too")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Store == nil {
		opt.Store = opt.Engine.Store()
	}
	if opt.APIURL == "" {
		opt.APIURL = slack.APIURL
	}
	if !strings.HasSuffix(opt.APIURL, "/") {
		opt.APIURL += "/"
	}
	if opt.DefaultLang == "" {
		opt.DefaultLang = "en"
	}
	if len(opt.ResponseHosts) == 0 {
		opt.ResponseHosts = DefaultResponseHosts
	}
	hosts := make([]string, 0, len(opt.ResponseHosts))
	for _, h := range opt.ResponseHosts {
		// "[::1]" as a URL writes it; url.URL.Hostname gives "::1".
		if h = strings.Trim(strings.ToLower(strings.TrimSpace(h)), "[]"); h != "" {
			hosts = append(hosts, h)
		}
	}
	opt.ResponseHosts = hosts
	// response_url posts, one per click, take the leaner Poster unless
	// the caller chose a client.
	post := postWith(opt.HTTPClient)
	if opt.HTTPClient == nil {
		opt.HTTPClient = outbound.Client(10 * time.Second)
		post = outbound.NewPoster(10 * time.Second).PostJSON
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	if opt.RetryBase <= 0 {
		opt.RetryBase = time.Second
	}
	if opt.RetryMax <= 0 {
		opt.RetryMax = time.Minute
	}
	if opt.CardAttempts <= 0 {
		opt.CardAttempts = 6
	}
	b := &Bot{
		eng:     opt.Engine,
		store:   opt.Store,
		log:     opt.Logger.With("platform", Platform),
		opt:     opt,
		post:    post,
		now:     opt.Now,
		locales: newLocaleCache(4096, 12*time.Hour),
		seen:    newSeenCache(8192),
		workers: workers.New(30 * time.Second),
	}
	if opt.SigningSecret != "" {
		b.signer = newSigner(opt.SigningSecret)
	}
	if opt.BotToken != "" {
		b.api = slack.New(opt.BotToken,
			slack.OptionAPIURL(opt.APIURL),
			slack.OptionHTTPClient(opt.HTTPClient),
			slack.OptionAppLevelToken(opt.AppToken))
	}
	b.bg, b.stopBg = context.WithCancel(context.Background())
	return b, nil
}

// asyncTimeout bounds one piece of work done after the ack (a reply, a
// card with its retries).
const asyncTimeout = 5 * time.Minute

// async runs f after the ack, tracked for Drain. The context is not the
// request's (from): the request is over by the time f runs; it carries
// only from's request id, so that f's log lines can be told apart.
func (b *Bot) async(from context.Context, f func(ctx context.Context)) {
	id := httplog.RequestID(from)
	b.pending.Add(1)
	b.inflight.Add(1)
	b.workers.Go(func() {
		defer b.pending.Done()
		defer b.inflight.Add(-1)
		ctx, cancel := context.WithTimeout(b.bg, asyncTimeout)
		defer cancel()
		if id != "" {
			ctx = httplog.WithRequestID(ctx, id)
		}
		defer func() {
			if r := recover(); r != nil {
				b.log.ErrorContext(ctx, "slack: background work panicked", "panic", r)
			}
		}()
		f(ctx)
	})
}

// Drain waits for replies and cards still being sent. When ctx ends first
// it cancels them (each logs what it could not send) and returns ctx's
// error.
func (b *Bot) Drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() { b.pending.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		n := b.inflight.Load()
		b.stopBg()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
		}
		b.log.Warn("slack: stopped before every update was sent", "pending", n)
		return ctx.Err()
	}
}

// locale is the locale to pass to the engine: none when the text tells its
// own language (no look-up needed), else the person's Slack locale when
// there is a bot token; the engine falls back to the default language.
func (b *Bot) locale(ctx context.Context, userID, text string) string {
	if core.DetectLang(text) != "" {
		return ""
	}
	return b.userLocale(ctx, userID)
}

// firstSeen reports whether an event id is new, across instances when there
// is a store. A store failure lets the event through: answering twice is
// better than not answering.
func (b *Bot) firstSeen(ctx context.Context, key string) bool {
	if b.store != nil {
		first, err := b.store.FirstSeen(ctx, key, b.now())
		if err == nil {
			return first
		}
		b.log.Warn("slack: event dedupe unavailable", "err", err)
	}
	return b.seen.add(key)
}
