// Package loadgen builds requests exactly as Slack and Discord send them,
// correctly signed, and serves the do-nothing baseline: handlers that only
// check the signature and write a fixed reply. The load tool
// (cmd/kaiketsu-load) and the adapters' benchmarks share it, so that the
// real handlers and the floor set by signature checking are measured on
// the same requests.
package loadgen

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/slack-go/slack"
)

// Request is a ready-to-send request: the body and the headers the
// platform sets, signature included.
type Request struct {
	Path   string
	Header http.Header
	Body   []byte
}

// HTTP returns r as an *http.Request to base ("http://127.0.0.1:8080").
func (r Request) HTTP(base string) *http.Request {
	req, _ := http.NewRequest(http.MethodPost, base+r.Path, bytes.NewReader(r.Body))
	req.Header = r.Header.Clone()
	req.ContentLength = int64(len(r.Body))
	return req
}

// SlackSign sets Slack's signature headers: v0= HMAC-SHA256 of
// "v0:timestamp:body" with the signing secret.
func SlackSign(h http.Header, secret string, body []byte, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("v0:" + ts + ":"))
	m.Write(body)
	h.Set("X-Slack-Request-Timestamp", ts)
	h.Set("X-Slack-Signature", "v0="+hex.EncodeToString(m.Sum(nil)))
}

// DiscordSign sets Discord's signature headers: Ed25519 over
// timestamp+body.
func DiscordSign(h http.Header, key ed25519.PrivateKey, body []byte, at time.Time) {
	ts := strconv.FormatInt(at.Unix(), 10)
	msg := append([]byte(ts), body...)
	h.Set("X-Signature-Timestamp", ts)
	h.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(key, msg)))
}

// SlackCommand is a /support slash command with every field Slack sends.
func SlackCommand(secret, user, text, responseURL string, at time.Time) Request {
	body := []byte(url.Values{
		"token":                 {"gIkuvaNzQIHg97ATvDxqgjtO"},
		"team_id":               {"T0001"},
		"team_domain":           {"example"},
		"enterprise_id":         {"E0001"},
		"enterprise_name":       {"Globular Construct Inc"},
		"is_enterprise_install": {"false"},
		"channel_id":            {"C2147483705"},
		"channel_name":          {"help"},
		"user_id":               {user},
		"user_name":             {"load-" + user},
		"command":               {"/support"},
		"text":                  {text},
		"response_url":          {responseURL},
		"trigger_id":            {"13345224609.738474920.8088930838d88f008e0"},
		"api_app_id":            {"A123456"},
	}.Encode())
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "User-Agent": {"Slackbot 1.0 (+https://api.slack.com/robots)"}}
	SlackSign(h, secret, body, at)
	return Request{Path: "/slack/commands", Header: h, Body: body}
}

// SlackClick is a block_actions payload for a button on an ephemeral
// walkthrough message, as Slack sends it.
func SlackClick(secret, user, actionID, value, responseURL string, at time.Time) Request {
	p := map[string]any{
		"type":                  "block_actions",
		"api_app_id":            "A123456",
		"token":                 "gIkuvaNzQIHg97ATvDxqgjtO",
		"trigger_id":            "12466734323.1395872398.4b4a8d9e1b0f3b5d7b0a",
		"team":                  map[string]any{"id": "T0001", "domain": "example"},
		"user":                  map[string]any{"id": user, "username": "load-" + user, "name": "load-" + user, "team_id": "T0001"},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"container":             map[string]any{"type": "message", "message_ts": "1700000000.000100", "channel_id": "C2147483705", "is_ephemeral": true},
		"channel":               map[string]any{"id": "C2147483705", "name": "help"},
		"response_url":          responseURL,
		"state":                 map[string]any{"values": map[string]any{}},
		"actions": []any{map[string]any{
			"type": "button", "action_id": actionID, "block_id": "kk-1", "value": value,
			"text":      map[string]any{"type": "plain_text", "text": "Didn't work, next step", "emoji": true},
			"action_ts": "1700000001.123456",
		}},
	}
	js, _ := json.Marshal(p)
	body := []byte(url.Values{"payload": {string(js)}}.Encode())
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}, "User-Agent": {"Slackbot 1.0 (+https://api.slack.com/robots)"}}
	SlackSign(h, secret, body, at)
	return Request{Path: "/slack/interactions", Header: h, Body: body}
}

func discordInteraction(typ int, user string, data map[string]any, message map[string]any) map[string]any {
	u := map[string]any{"id": user, "username": "load" + user, "global_name": "Load " + user, "avatar": nil,
		"discriminator": "0", "public_flags": 0}
	in := map[string]any{
		"id": "1200000000000000017", "application_id": "1180000000000000001", "type": typ,
		"token": "aW50ZXJhY3Rpb246MTIwMDAwMDAwMDAwMDAwMDA6bG9hZA", "version": 1,
		"app_permissions": "562949953601536", "locale": "en-US", "entitlements": []any{},
		"guild_id": "1180000000000000002", "guild_locale": "en-US", "context": 0,
		"guild":      map[string]any{"id": "1180000000000000002", "locale": "en-US", "features": []any{}},
		"channel_id": "1180000000000000003",
		"channel": map[string]any{"id": "1180000000000000003", "type": 0, "name": "help", "guild_id": "1180000000000000002",
			"position": 3, "flags": 0, "nsfw": false, "permissions": "2248473465835073"},
		"member": map[string]any{"user": u, "roles": []any{}, "joined_at": "2025-04-01T10:00:00.000000+00:00",
			"deaf": false, "mute": false, "pending": false, "flags": 0, "permissions": "2248473465835073"},
		"authorizing_integration_owners": map[string]any{"0": "1180000000000000002"},
		"data":                           data,
	}
	if message != nil {
		in["message"] = message
	}
	return in
}

// DiscordCommand is /support with its symptom option.
func DiscordCommand(key ed25519.PrivateKey, user, text string, at time.Time) Request {
	data := map[string]any{"id": "1180000000000000010", "name": "support", "type": 1,
		"options": []any{map[string]any{"name": "symptom", "type": 3, "value": text}}}
	body, _ := json.Marshal(discordInteraction(2, user, data, nil))
	h := http.Header{"Content-Type": {"application/json"}, "User-Agent": {"Discord-Interactions/1.0 (+https://discord.com)"}}
	DiscordSign(h, key, body, at)
	return Request{Path: "/discord/interactions", Header: h, Body: body}
}

// DiscordClick presses the button customID on message (the message as
// Discord echoes it back with a click; may be nil).
func DiscordClick(key ed25519.PrivateKey, user, customID string, message map[string]any, at time.Time) Request {
	data := map[string]any{"custom_id": customID, "component_type": 2}
	if message == nil {
		message = map[string]any{"id": "1200000000000000099", "type": 20, "flags": 64, "content": "",
			"channel_id": "1180000000000000003", "components": []any{}, "embeds": []any{}}
	}
	body, _ := json.Marshal(discordInteraction(3, user, data, message))
	h := http.Header{"Content-Type": {"application/json"}, "User-Agent": {"Discord-Interactions/1.0 (+https://discord.com)"}}
	DiscordSign(h, key, body, at)
	return Request{Path: "/discord/interactions", Header: h, Body: body}
}

// maxBody is what the baseline reads at most, as the real handlers do.
const maxBody = 64 << 10

// SlackBaseline verifies a Slack request exactly as the Slack adapter
// does (slack-go's SecretsVerifier over the raw body, 64 KiB cap) and
// writes a fixed ephemeral reply: the floor under any Slack handler.
func SlackBaseline(secret string) http.Handler {
	reply := []byte(`{"response_type":"ephemeral","text":"ok"}`)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sv, err := slack.NewSecretsVerifier(r.Header, secret)
		if err != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		sv.Write(body)
		if sv.Ensure() != nil {
			http.Error(w, "invalid signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Write(reply)
	})
}

// DiscordBaseline verifies a Discord request exactly as the Discord
// adapter does (discordgo.VerifyInteraction, 64 KiB cap) and writes a fixed
// ephemeral reply.
func DiscordBaseline(pub ed25519.PublicKey) http.Handler {
	reply := []byte(`{"type":4,"data":{"content":"ok","flags":64}}` + "\n")
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
		if err != nil {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return
		}
		r.Body = io.NopCloser(bytes.NewReader(body))
		if !discordgo.VerifyInteraction(r, pub) {
			http.Error(w, "invalid request signature", http.StatusUnauthorized)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write(reply)
	})
}

// BaselineMux mounts the baseline handlers at the real handlers' paths.
func BaselineMux(secret string, pub ed25519.PublicKey) *http.ServeMux {
	mux := http.NewServeMux()
	s := SlackBaseline(secret)
	mux.Handle("POST /slack/commands", s)
	mux.Handle("POST /slack/interactions", s)
	mux.Handle("POST /discord/interactions", DiscordBaseline(pub))
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok\n") })
	return mux
}

// KeyFromSeed derives an Ed25519 key pair from a 32-byte hex seed, so
// that the load tool and a server under test can share a key through the
// environment (DISCORD_PUBLIC_KEY is the public half).
func KeyFromSeed(seedHex string) (ed25519.PrivateKey, error) {
	seed, err := hex.DecodeString(seedHex)
	if err != nil || len(seed) != ed25519.SeedSize {
		return nil, errSeed
	}
	return ed25519.NewKeyFromSeed(seed), nil
}

var errSeed = errors.New("the Discord key seed must be 64 hex characters")
