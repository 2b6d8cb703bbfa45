package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/bwmarrin/discordgo"

	"github.com/kaiketsu/kaiketsu/adapters/internal/outbound"
)

// DefaultAPIURL is Discord's REST API base.
const DefaultAPIURL = "https://discord.com/api/v10"

// userAgent is the form Discord requires of bots
// (developers/reference "HTTP API": DiscordBot ($url, $versionNumber)).
const userAgent = "DiscordBot (https://github.com/kaiketsu/kaiketsu, 1)"

// Client makes the few REST calls Kaiketsu needs, against a configurable
// base URL (DISCORD_API_URL: a proxy, or a local fake in tests).
//
// discordgo builds its URLs from package variables computed at start-up
// from a fixed https://discord.com/api/v9/, which cannot be pointed
// elsewhere cleanly; so the calls are made here, with discordgo's types
// for the bodies.
type Client struct {
	base string // without a trailing slash
	auth string // "Bot <token>"; never logged
	hc   *http.Client
	log  *slog.Logger
}

// Backoff says how a call is retried after a rate limit (429), a server
// error (5xx) or a network error. Other errors are not retried.
type Backoff struct {
	Attempts int           // tries in all, at least 1
	Min      time.Duration // first wait; doubled each time
	Max      time.Duration // longest wait (also caps a 429's retry_after)
	// OnRetry, when set, is called before each retry (for metrics).
	OnRetry func()
}

// Retry policies: hand-off cards must not be lost, so they are retried for
// a couple of minutes; a reply to an interaction is worthless after 3
// seconds.
var (
	CardBackoff     = Backoff{Attempts: 8, Min: time.Second, Max: 30 * time.Second}
	DMBackoff       = Backoff{Attempts: 4, Min: time.Second, Max: 10 * time.Second}
	CallbackBackoff = Backoff{Attempts: 2, Min: 200 * time.Millisecond, Max: time.Second}
	CommandBackoff  = Backoff{Attempts: 3, Min: time.Second, Max: 10 * time.Second}
)

// NewClient returns a client for baseURL ("" for Discord's) authenticated
// with botToken. hc may be nil.
func NewClient(baseURL, botToken string, hc *http.Client, log *slog.Logger) *Client {
	if baseURL == "" {
		baseURL = DefaultAPIURL
	}
	if hc == nil {
		hc = outbound.Client(15 * time.Second)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Client{base: strings.TrimRight(baseURL, "/"), auth: "Bot " + botToken, hc: hc, log: log}
}

// APIError is a response from Discord that is not a success.
type APIError struct {
	Status  int
	Code    int    // Discord's JSON error code, e.g. 50007 "cannot send messages to this user"
	Message string // Discord's message
	// RetryAfter is set on 429.
	RetryAfter time.Duration
}

func (e *APIError) Error() string {
	if e.Code != 0 {
		return fmt.Sprintf("discord: HTTP %d: %s (code %d)", e.Status, e.Message, e.Code)
	}
	return fmt.Sprintf("discord: HTTP %d: %s", e.Status, e.Message)
}

func (e *APIError) temporary() bool { return e.Status == http.StatusTooManyRequests || e.Status >= 500 }

// do sends one call, retrying under policy b. route names the call in logs
// and errors: paths may hold interaction tokens, which are secrets.
func (c *Client) do(ctx context.Context, b Backoff, route, method, path string, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("%s: encode: %w", route, err)
		}
	}
	attempts := max(b.Attempts, 1)
	var err error
	for try := 1; ; try++ {
		err = c.once(ctx, method, path, body, out)
		var ae *APIError
		retryable := err != nil && ctx.Err() == nil && (!errors.As(err, &ae) || ae.temporary())
		if !retryable || try >= attempts {
			break
		}
		wait := b.Min << (try - 1)
		if wait <= 0 || wait > b.Max {
			wait = b.Max
		}
		wait = wait/2 + rand.N(wait/2+1) // jitter, so instances do not retry in step
		if ae != nil && ae.RetryAfter > 0 {
			wait = min(ae.RetryAfter, max(b.Max, time.Second))
		}
		if b.OnRetry != nil {
			b.OnRetry()
		}
		c.log.WarnContext(ctx, "discord call failed; retrying", "route", route, "try", try, "wait", wait.String(), "err", err)
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return fmt.Errorf("%s: %w (gave up: %v)", route, err, ctx.Err())
		case <-t.C:
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", route, err)
	}
	return nil
}

func (c *Client) once(ctx context.Context, method, path string, body []byte, out any) error {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", c.auth)
	req.Header.Set("User-Agent", userAgent)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		// The URL in a *url.Error may hold an interaction token.
		var ue *url.Error
		if errors.As(err, &ue) {
			return fmt.Errorf("%s: %w", ue.Op, ue.Err)
		}
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("read response: %w", err)
	}
	if resp.StatusCode >= 300 {
		ae := &APIError{Status: resp.StatusCode, Message: http.StatusText(resp.StatusCode)}
		var je struct {
			Code       int     `json:"code"`
			Message    string  `json:"message"`
			RetryAfter float64 `json:"retry_after"`
		}
		if json.Unmarshal(data, &je) == nil {
			ae.Code = je.Code
			if je.Message != "" {
				ae.Message = je.Message
			}
			ae.RetryAfter = time.Duration(je.RetryAfter * float64(time.Second))
		}
		if ae.RetryAfter == 0 && resp.StatusCode == http.StatusTooManyRequests {
			if s, err := strconv.ParseFloat(resp.Header.Get("Retry-After"), 64); err == nil {
				ae.RetryAfter = time.Duration(s * float64(time.Second))
			}
		}
		return ae
	}
	if out != nil && len(data) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decode response: %w", err)
		}
	}
	return nil
}

// MessageCreate is a message to post. It adds to discordgo's MessageSend
// the nonce that lets Discord drop a duplicate when a retried post had in
// fact gone through.
type MessageCreate struct {
	discordgo.MessageSend
	Nonce        string `json:"nonce,omitempty"`
	EnforceNonce bool   `json:"enforce_nonce,omitempty"`
}

// CreateMessage posts m to a channel (POST /channels/{id}/messages).
func (c *Client) CreateMessage(ctx context.Context, b Backoff, channelID string, m *MessageCreate) (*discordgo.Message, error) {
	var out discordgo.Message
	err := c.do(ctx, b, "create message", http.MethodPost, "/channels/"+url.PathEscape(channelID)+"/messages", m, &out)
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// CreateDM opens (or finds) the DM channel with a user
// (POST /users/@me/channels).
func (c *Client) CreateDM(ctx context.Context, b Backoff, userID string) (*discordgo.Channel, error) {
	var out discordgo.Channel
	in := map[string]string{"recipient_id": userID}
	if err := c.do(ctx, b, "create DM", http.MethodPost, "/users/@me/channels", in, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// BulkOverwriteCommands replaces the application's commands: global when
// guildID is empty, else that guild's
// (PUT /applications/{app}/commands, /applications/{app}/guilds/{guild}/commands).
func (c *Client) BulkOverwriteCommands(ctx context.Context, appID, guildID string, cmds []*discordgo.ApplicationCommand) ([]*discordgo.ApplicationCommand, error) {
	path := "/applications/" + url.PathEscape(appID) + "/commands"
	if guildID != "" {
		path = "/applications/" + url.PathEscape(appID) + "/guilds/" + url.PathEscape(guildID) + "/commands"
	}
	var out []*discordgo.ApplicationCommand
	if err := c.do(ctx, CommandBackoff, "overwrite commands", http.MethodPut, path, cmds, &out); err != nil {
		return nil, err
	}
	return out, nil
}

// Callback answers an interaction received over the Gateway
// (POST /interactions/{id}/{token}/callback).
func (c *Client) Callback(ctx context.Context, id, token string, r *discordgo.InteractionResponse) error {
	path := "/interactions/" + url.PathEscape(id) + "/" + url.PathEscape(token) + "/callback"
	return c.do(ctx, CallbackBackoff, "interaction callback", http.MethodPost, path, wire(r), nil)
}
