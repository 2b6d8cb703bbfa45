package discord

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/kaiketsu/kaiketsu/adapters/internal/outbound"
)

// RunGateway serves interactions over the Gateway until ctx is done, for
// those without a public URL. It needs no intent: INTERACTION_CREATE is
// always sent. Each interaction goes through Respond, like the HTTP
// endpoint's, and the answer is posted to the callback endpoint. The
// Gateway URL is looked up through apiURL (DISCORD_API_URL) as well.
func (h *Handler) RunGateway(ctx context.Context, botToken, apiURL string) error {
	if h.client == nil {
		return errors.New("gateway: a REST client (bot token) is required")
	}
	s, err := discordgo.New("Bot " + botToken)
	if err != nil {
		return fmt.Errorf("gateway: %w", err)
	}
	rt, err := rewriteAPI(apiURL, outbound.Transport())
	if err != nil {
		return fmt.Errorf("gateway: %w", err)
	}
	s.Client = &http.Client{Timeout: 20 * time.Second, Transport: rt}
	s.Identify.Intents = discordgo.IntentsNone
	s.LogLevel = discordgo.LogWarning
	setGatewayLogger(h.log)
	s.AddHandler(func(_ *discordgo.Session, ic *discordgo.InteractionCreate) {
		h.gatewayInteraction(ctx, ic.Interaction)
	})
	if err := s.Open(); err != nil {
		return fmt.Errorf("gateway: open: %w", err)
	}
	h.log.Info("discord: connected to the Gateway")
	<-ctx.Done()
	if err := s.Close(); err != nil {
		h.log.Warn("discord: gateway close", "err", err)
	}
	return nil
}

// gatewayInteraction answers one interaction from the Gateway. discordgo
// calls handlers on their own goroutines; the reply is tracked like other
// pending posts so that shutdown waits for it.
func (h *Handler) gatewayInteraction(ctx context.Context, in *discordgo.Interaction) {
	h.pending.Add(1)
	defer h.pending.Done()
	defer h.recovered("gateway interaction")
	// Discord drops an answer that comes after 3 seconds.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 3*time.Second)
	defer cancel()
	resp, err := h.Respond(ctx, in)
	if err != nil {
		return // logged by Respond; nothing can be sent for an unknown type
	}
	if err := h.client.Callback(ctx, in.ID, in.Token, resp); err != nil {
		h.log.Error("discord: gateway reply", "interaction", in.ID, "err", err)
	}
}

// rewriteAPI sends discordgo's requests, which it builds for
// https://discord.com/api/v9/, to base instead. Kaiketsu's own calls use
// Client; discordgo only looks up the Gateway URL.
func rewriteAPI(base string, next http.RoundTripper) (http.RoundTripper, error) {
	if base == "" {
		base = DefaultAPIURL
	}
	u, err := url.Parse(strings.TrimRight(base, "/"))
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("API URL %q is not a URL", base)
	}
	from, _ := url.Parse(discordgo.EndpointAPI)
	return roundTripFunc(func(r *http.Request) (*http.Response, error) {
		if r.URL.Host == from.Host && strings.HasPrefix(r.URL.Path, from.Path) {
			r = r.Clone(r.Context())
			rest := strings.TrimPrefix(r.URL.Path, from.Path)
			r.URL.Scheme, r.URL.Host = u.Scheme, u.Host
			r.URL.Path = u.Path + "/" + rest
			r.URL.RawPath = ""
			r.Host = u.Host
		}
		return next.RoundTrip(r)
	}), nil
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }

// setGatewayLogger sends discordgo's own log lines (connection trouble,
// reconnects) to slog. discordgo has one package-wide logger.
func setGatewayLogger(log *slog.Logger) {
	discordgo.Logger = func(level, _ int, format string, a ...any) {
		msg := gatewayLogLine(format, a...)
		switch level {
		case discordgo.LogError:
			log.Error("discordgo: " + msg)
		case discordgo.LogWarning:
			log.Warn("discordgo: " + msg)
		default:
			log.Debug("discordgo: " + msg)
		}
	}
}

// gatewayLogLine formats one of discordgo's log lines without the payloads
// some of them carry: "unknown event ... Data: %s" (at warning level) and
// "Expected READY/RESUMED, instead got: %#v" print whole Gateway events,
// which may hold interaction tokens and what people typed; the identify
// packet (at debug) holds the bot token. The event's name and sequence
// stay; the payload is cut.
func gatewayLogLine(format string, a ...any) string {
	for _, cut := range []string{"Data: ", "instead got:", "Packet:"} {
		if i := strings.Index(format, cut); i >= 0 {
			format = strings.TrimRight(format[:i+len(cut)], " ") + " (not logged)"
			// The arguments of the verbs left (discordgo's formats use no %%).
			a = a[:min(len(a), strings.Count(format, "%"))]
			break
		}
	}
	return strings.TrimSpace(fmt.Sprintf(format, a...))
}
