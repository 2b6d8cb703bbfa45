package discord

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"flag"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"
	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/core"
)

// Regenerate the golden files after a playbook or wording change with
//
//	go test ./adapters/discord/ -update
var update = flag.Bool("update", false, "rewrite testdata/*.golden.json")

// testNow is the clock of every test: interactions are signed at it.
var testNow = time.Date(2026, 11, 25, 9, 30, 0, 0, time.UTC)

const (
	testApp     = "1180000000000000001"
	testGuild   = "1180000000000000002"
	testChannel = "1180000000000000003"
	testUser    = "1180000000000000004"
	testBot     = "1180000000000000005"
)

// fixture is a handler with a test key pair and a memory store.
type fixture struct {
	t     *testing.T
	h     *Handler
	eng   *core.Engine
	store *memstore.Store
	pub   ed25519.PublicKey
	priv  ed25519.PrivateKey
	seq   atomic.Int64
}

func newFixture(t *testing.T, mod func(*Options)) *fixture {
	t.Helper()
	books, err := core.DefaultPlaybooks()
	if err != nil {
		t.Fatalf("playbooks: %v", err)
	}
	return newFixtureWith(t, books, mod)
}

// twins loads testdata/twins.yaml: two topics any printing trouble fits.
func twins(t *testing.T) []*core.Playbook {
	t.Helper()
	books, err := core.LoadDir(os.DirFS("testdata"), ".")
	if err != nil || len(books) != 1 {
		t.Fatalf("testdata playbooks: %d, %v", len(books), err)
	}
	return books
}

func newFixtureWith(t *testing.T, books []*core.Playbook, mod func(*Options)) *fixture {
	t.Helper()
	st := memstore.New()
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{
		Key:         []byte("discord adapter test key, 32 bytes!"),
		DefaultLang: "en",
		Store:       st,
		Now:         func() time.Time { return testNow },
	})
	if err != nil {
		t.Fatalf("engine: %v", err)
	}
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	opt := Options{Engine: eng, PublicKey: pub, Now: func() time.Time { return testNow }}
	if mod != nil {
		mod(&opt)
	}
	return &fixture{t: t, h: New(opt), eng: eng, store: st, pub: pub, priv: priv}
}

// who invokes an interaction, and where.
type who struct {
	user   string
	name   string
	locale string
	dm     bool // in a DM with the bot: user instead of member, no guild
}

var (
	jaUser = who{user: testUser, name: "Hanako", locale: "ja"}
	enUser = who{user: testUser, name: "Alice", locale: "en-US"}
)

// interaction builds an interaction the way Discord sends it (the fields
// and their JSON types as in developers/interactions/receiving-and-responding).
func (f *fixture) interaction(typ discordgo.InteractionType, w who, data map[string]any, message map[string]any) []byte {
	f.t.Helper()
	n := f.seq.Add(1)
	user := map[string]any{
		"id": w.user, "username": strings.ToLower(w.name), "global_name": w.name, "avatar": nil,
		"discriminator": "0", "public_flags": 0, "avatar_decoration_data": nil, "clan": nil,
	}
	in := map[string]any{
		"id":                    "12000000000000000" + strconv.FormatInt(10+n, 10),
		"application_id":        testApp,
		"type":                  int(typ),
		"token":                 "aW50ZXJhY3Rpb246MTIwMDAwMDAwMDAwMDAwMDA6c2VjcmV0" + strconv.FormatInt(n, 10),
		"version":               1,
		"app_permissions":       "562949953601536",
		"locale":                w.locale,
		"entitlements":          []any{},
		"attachment_size_limit": 10485760,
	}
	if typ == discordgo.InteractionPing {
		delete(in, "locale")
		delete(in, "app_permissions")
		in["user"] = nil
	}
	if data != nil {
		in["data"] = data
	}
	if message != nil {
		in["message"] = message
	}
	switch {
	case typ == discordgo.InteractionPing:
	case w.dm:
		in["user"] = user
		in["context"] = 1
		in["channel_id"] = "1180000000000000099"
		in["channel"] = map[string]any{"id": "1180000000000000099", "type": 1, "flags": 0, "last_message_id": nil,
			"recipients": []any{user}}
		in["authorizing_integration_owners"] = map[string]any{"0": testGuild}
	default:
		in["guild_id"] = testGuild
		in["guild"] = map[string]any{"id": testGuild, "locale": "en-US", "features": []any{}}
		in["guild_locale"] = "en-US"
		in["context"] = 0
		in["channel_id"] = testChannel
		in["channel"] = map[string]any{"id": testChannel, "type": 0, "name": "help", "guild_id": testGuild,
			"position": 3, "flags": 0, "parent_id": nil, "topic": nil, "nsfw": false, "rate_limit_per_user": 0,
			"last_message_id": "1180000000000000050", "permissions": "2248473465835073"}
		in["member"] = map[string]any{
			"user": user, "roles": []any{}, "joined_at": "2025-04-01T10:00:00.000000+00:00", "nick": nil,
			"avatar": nil, "premium_since": nil, "deaf": false, "mute": false, "pending": false, "flags": 0,
			"permissions": "2248473465835073", "communication_disabled_until": nil, "unusual_dm_activity_until": nil,
		}
		in["authorizing_integration_owners"] = map[string]any{"0": testGuild}
	}
	b, err := json.Marshal(in)
	if err != nil {
		f.t.Fatal(err)
	}
	return b
}

// command is /support with symptom set, or without the option when
// symptom is nil.
func (f *fixture) command(w who, symptom *string) []byte {
	data := map[string]any{"id": "1180000000000000010", "name": "support", "type": 1}
	if symptom != nil {
		data["options"] = []any{map[string]any{"name": "symptom", "type": 3, "value": *symptom}}
	}
	return f.interaction(discordgo.InteractionApplicationCommand, w, data, nil)
}

func (f *fixture) autocomplete(w who, typed string) []byte {
	data := map[string]any{"id": "1180000000000000010", "name": "support", "type": 1,
		"options": []any{map[string]any{"name": "symptom", "type": 3, "value": typed, "focused": true}}}
	return f.interaction(discordgo.InteractionApplicationCommandAutocomplete, w, data, nil)
}

// click presses a button on msg (the message as Discord holds it: our
// earlier answer, as Discord echoes it back).
func (f *fixture) click(w who, customID string, msg map[string]any) []byte {
	data := map[string]any{"custom_id": customID, "component_type": 2}
	return f.interaction(discordgo.InteractionMessageComponent, w, data, msg)
}

// echo turns an answer's data into the message object Discord sends back
// with a click on it.
func echo(t *testing.T, d json.RawMessage, ephemeral bool) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(d, &m); err != nil {
		t.Fatal(err)
	}
	m["id"] = "1180000000000000077"
	m["channel_id"] = testChannel
	m["type"] = 20
	m["author"] = map[string]any{"id": testBot, "username": "kaiketsu", "bot": true, "discriminator": "0"}
	m["timestamp"] = "2026-11-25T09:29:00.000000+00:00"
	m["edited_timestamp"] = nil
	m["mentions"] = []any{}
	m["attachments"] = []any{}
	m["pinned"] = false
	m["mention_everyone"] = false
	m["tts"] = false
	m["application_id"] = testApp
	m["webhook_id"] = testApp
	m["interaction_metadata"] = map[string]any{"id": "1200000000000000011", "type": 2, "user": map[string]any{"id": testUser}}
	if ephemeral {
		m["flags"] = 64
	} else {
		m["flags"] = 0
	}
	delete(m, "allowed_mentions")
	return m
}

// sign returns a request signed as Discord signs: Ed25519 over the
// timestamp followed by the body.
func (f *fixture) sign(body []byte, at time.Time) *http.Request {
	ts := strconv.FormatInt(at.Unix(), 10)
	r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
	r.Header.Set("Content-Type", "application/json")
	r.Header.Set("User-Agent", "Discord-Interactions/1.0 (+https://discord.com)")
	r.Header.Set("X-Signature-Timestamp", ts)
	r.Header.Set("X-Signature-Ed25519", hex.EncodeToString(ed25519.Sign(f.priv, append([]byte(ts), body...))))
	return r
}

// post sends a signed request through the real handler.
func (f *fixture) post(body []byte) *httptest.ResponseRecorder {
	f.t.Helper()
	rec := httptest.NewRecorder()
	f.h.ServeHTTP(rec, f.sign(body, testNow))
	return rec
}

// response is an interaction response as it went over the wire.
type response struct {
	Type int             `json:"type"`
	Data json.RawMessage `json:"data"`
}

// ok posts body and decodes a 200 JSON response.
func (f *fixture) ok(body []byte) (response, []byte) {
	f.t.Helper()
	rec := f.post(body)
	if rec.Code != http.StatusOK {
		f.t.Fatalf("status %d, want 200; body %s", rec.Code, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
		f.t.Fatalf("Content-Type %q, want application/json", ct)
	}
	var r response
	if err := json.Unmarshal(rec.Body.Bytes(), &r); err != nil {
		f.t.Fatalf("response is not JSON: %v\n%s", err, rec.Body)
	}
	return r, rec.Body.Bytes()
}

// decoded is a message response decoded back into discordgo's types.
type decoded struct {
	discordgo.Message
	Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
}

// checkLimits decodes a response's data into discordgo's types and checks
// every limit Discord enforces; it returns the decoded message.
func checkLimits(t *testing.T, r response) decoded {
	t.Helper()
	var d decoded
	if err := json.Unmarshal(r.Data, &d.Message); err != nil {
		t.Fatalf("data does not decode as a discordgo message: %v\n%s", err, r.Data)
	}
	if err := json.Unmarshal(r.Data, &struct {
		Choices *[]*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	}{&d.Choices}); err != nil {
		t.Fatal(err)
	}
	runes := utf8.RuneCountInString
	if n := runes(d.Content); n > maxContent {
		t.Errorf("content is %d characters, limit %d", n, maxContent)
	}
	if len(d.Embeds) > 10 {
		t.Errorf("%d embeds, limit 10", len(d.Embeds))
	}
	total := 0
	for _, e := range d.Embeds {
		if n := runes(e.Title); n > maxEmbedTitle {
			t.Errorf("embed title is %d characters, limit %d", n, maxEmbedTitle)
		}
		if n := runes(e.Description); n > maxEmbedDesc {
			t.Errorf("embed description is %d characters, limit %d", n, maxEmbedDesc)
		}
		total += runes(e.Title) + runes(e.Description)
		if e.Footer != nil {
			total += runes(e.Footer.Text)
		}
		if len(e.Fields) > 25 {
			t.Errorf("%d embed fields, limit 25", len(e.Fields))
		}
		for _, fl := range e.Fields {
			total += runes(fl.Name) + runes(fl.Value)
			if runes(fl.Name) > 256 || runes(fl.Value) > 1024 || fl.Value == "" {
				t.Errorf("embed field %q out of limits", fl.Name)
			}
		}
	}
	if total > maxEmbedTotal {
		t.Errorf("embeds total %d characters, limit %d", total, maxEmbedTotal)
	}
	if len(d.Components) > maxRows {
		t.Errorf("%d action rows, limit %d", len(d.Components), maxRows)
	}
	ids := map[string]bool{}
	for _, c := range d.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			t.Fatalf("top-level component %T, want an action row", c)
		}
		if len(row.Components) == 0 || len(row.Components) > maxPerRow {
			t.Errorf("action row with %d components, want 1 to %d", len(row.Components), maxPerRow)
		}
		for _, c := range row.Components {
			b, ok := c.(*discordgo.Button)
			if !ok {
				t.Fatalf("component %T, want a button", c)
			}
			if n := len(b.CustomID); n < 1 || n > maxCustomID {
				t.Errorf("custom_id of %d characters, want 1 to %d", n, maxCustomID)
			}
			if ids[b.CustomID] {
				t.Errorf("custom_id %q twice in one message", b.CustomID)
			}
			ids[b.CustomID] = true
			if n := runes(b.Label); n < 1 || n > maxLabel {
				t.Errorf("label %q is %d characters, want 1 to %d", b.Label, n, maxLabel)
			}
			if b.Style < discordgo.PrimaryButton || b.Style > discordgo.DangerButton {
				t.Errorf("button style %d needs a custom_id-less form", b.Style)
			}
		}
	}
	if len(d.Choices) > maxChoices {
		t.Errorf("%d autocomplete choices, limit %d", len(d.Choices), maxChoices)
	}
	for _, c := range d.Choices {
		v, _ := c.Value.(string)
		if n := runes(c.Name); n < 1 || n > maxChoiceName {
			t.Errorf("choice name %q is %d characters, want 1 to %d", c.Name, n, maxChoiceName)
		}
		if n := runes(v); n < 1 || n > maxChoiceValue {
			t.Errorf("choice value %q is %d characters, want 1 to %d", v, n, maxChoiceValue)
		}
	}
	return d
}

// buttons lists a decoded message's buttons in order.
func buttons(d decoded) []*discordgo.Button {
	var out []*discordgo.Button
	for _, c := range d.Components {
		for _, b := range c.(*discordgo.ActionsRow).Components {
			out = append(out, b.(*discordgo.Button))
		}
	}
	return out
}

// findButton returns the custom_id of the first button whose label
// contains label, or "".
func findButton(d decoded, label string) string {
	for _, b := range buttons(d) {
		if strings.Contains(b.Label, label) {
			return b.CustomID
		}
	}
	return ""
}

// button finds the button whose label contains label.
func button(t *testing.T, d decoded, label string) string {
	t.Helper()
	var have []string
	for _, b := range buttons(d) {
		if strings.Contains(b.Label, label) {
			return b.CustomID
		}
		have = append(have, b.Label)
	}
	t.Fatalf("no button %q; have %q", label, have)
	return ""
}

var tokenRe = regexp.MustCompile(`"k1\.[A-Za-z0-9_-]+"`)

// compareGolden compares a response with testdata/name.golden.json.
// Walkthrough tokens carry a random walk id, so they are replaced by
// "k1.TOKEN" first (their own tests check them).
func compareGolden(t *testing.T, name string, raw []byte) {
	t.Helper()
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		t.Fatal(err)
	}
	got := tokenRe.ReplaceAll(buf.Bytes(), []byte(`"k1.TOKEN"`))
	path := filepath.Join("testdata", name+".golden.json")
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./adapters/discord/ -update to create it)", err)
	}
	if diff := cmp.Diff(string(want), string(got)); diff != "" {
		t.Errorf("%s mismatch (-want +got):\n%s\n(if the change is intended: go test ./adapters/discord/ -update)", path, diff)
	}
}

func ptr[T any](v T) *T { return &v }
