package main

// Black-box end-to-end tests of `kaiketsu serve`.
//
// These tests were written from the platforms' protocol documentation
// (/work/shared/reference/protocol-facts.md, Slack §1-5 and Discord §10-14),
// the README and docs/*.md only, without reading the Slack or Discord
// adapters: they are an independent check that the server speaks the real
// wire protocols. They build the binary, start it as a child process against
// local fakes of the Slack Web API, a Slack response_url and the Discord REST
// API, and talk to it over HTTP on 127.0.0.1 with requests built by hand the
// way the platforms send them (raw form bodies and JSON, real field sets,
// signed headers). Responses are decoded with slack-go and discordgo types and
// checked against the platforms' limits.

import (
	"bytes"
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/slack-go/slack"
)

const (
	bbSigningSecret = "8f742231b10e8888abcd99yyyzzz85a5"         // Slack signing secret of the test app
	bbStateKey      = "blackbox-state-key-0123456789abcdef-0123" // >= 32 characters
	bbBotToken      = "xoxb-1234567890-0987654321-blackboxtoken"
	bbTeam          = "T0BB00001"
	bbChannel       = "C0BB00001"
	bbBotUser       = "U0BBBOT01"
	bbAppID         = "A0BB00001"
	bbDiscordApp    = "1300000000000000001"
	bbGuild         = "1300000000000000002"
	bbDiscordChan   = "1300000000000000003"
	// waitAsync bounds how long an asynchronous post (response_url,
	// chat.postMessage) is waited for. Generous: it is a bound, never an
	// assertion about speed.
	bbWaitAsync = 5 * time.Second
)

// ---------------------------------------------------------------------------
// The server under test.

type bbServer struct {
	base    string // http://127.0.0.1:PORT
	cmd     *exec.Cmd
	logs    *bbLog
	done    chan struct{}
	slack   *bbRecorder // Slack Web API fake
	hooks   *bbRecorder // Slack response_url fake
	discord *bbRecorder // Discord REST fake
	hookURL string
	dbURL   string
	bin     string
	priv    ed25519.PrivateKey
	topics  int // topic count, from `kaiketsu kb list`
	client  *http.Client
	seq     atomic.Int64
}

// bbLog collects the child's stdout and stderr.
type bbLog struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *bbLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *bbLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// bbCall is one request received by a fake.
type bbCall struct {
	Method string
	Path   string
	Header http.Header
	Body   []byte
	Form   url.Values // form fields, or top-level JSON fields as strings
}

// bbRecorder is a fake HTTP service that records every request.
type bbRecorder struct {
	mu    sync.Mutex
	calls []bbCall
}

func (r *bbRecorder) record(req *http.Request) bbCall {
	body, _ := io.ReadAll(io.LimitReader(req.Body, 1<<20))
	c := bbCall{Method: req.Method, Path: req.URL.Path, Header: req.Header.Clone(), Body: body, Form: url.Values{}}
	ct, _, _ := mime.ParseMediaType(req.Header.Get("Content-Type"))
	switch ct {
	case "application/json":
		var m map[string]any
		if json.Unmarshal(body, &m) == nil {
			for k, v := range m {
				if s, ok := v.(string); ok {
					c.Form.Set(k, s)
				} else {
					b, _ := json.Marshal(v)
					c.Form.Set(k, string(b))
				}
			}
		}
	case "application/x-www-form-urlencoded":
		c.Form, _ = url.ParseQuery(string(body))
	}
	for k, vs := range req.URL.Query() {
		for _, v := range vs {
			c.Form.Add(k, v)
		}
	}
	r.mu.Lock()
	r.calls = append(r.calls, c)
	r.mu.Unlock()
	return c
}

func (r *bbRecorder) matching(pred func(bbCall) bool) []bbCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []bbCall
	for _, c := range r.calls {
		if pred(c) {
			out = append(out, c)
		}
	}
	return out
}

// wait polls until a call matching pred arrives, for up to bbWaitAsync.
func (r *bbRecorder) wait(pred func(bbCall) bool) (bbCall, bool) {
	deadline := time.Now().Add(bbWaitAsync)
	for {
		if got := r.matching(pred); len(got) > 0 {
			return got[0], true
		}
		if time.Now().After(deadline) {
			return bbCall{}, false
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func bbGoTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}

// bbStart builds the binary and starts `kaiketsu serve` against fresh fakes.
func bbStart(t *testing.T) *bbServer {
	t.Helper()
	dir := t.TempDir()
	bin := filepath.Join(dir, "kaiketsu")
	build := exec.Command(bbGoTool(), "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	s := &bbServer{
		slack: &bbRecorder{}, hooks: &bbRecorder{}, discord: &bbRecorder{},
		logs: &bbLog{}, done: make(chan struct{}), bin: bin,
		client: &http.Client{Timeout: 15 * time.Second},
	}
	// The Slack Web API fake answers the methods a bot may call.
	slackAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := s.slack.record(r)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		method := strings.TrimPrefix(c.Path, "/api/")
		switch method {
		case "auth.test":
			fmt.Fprintf(w, `{"ok":true,"url":"https://kaiketsu-test.slack.com/","team":"kaiketsu-test","user":"kaiketsu","team_id":%q,"user_id":%q,"bot_id":"B0BB00001","is_enterprise_install":false}`, bbTeam, bbBotUser)
		case "users.info":
			u := c.Form.Get("user")
			if strings.HasPrefix(u, "UERR") {
				fmt.Fprint(w, `{"ok":false,"error":"user_not_found"}`)
				return
			}
			locale := "en-US"
			if strings.HasPrefix(u, "UJA") {
				locale = "ja-JP"
			}
			fmt.Fprintf(w, `{"ok":true,"user":{"id":%q,"team_id":%q,"name":"someone","deleted":false,"real_name":"Someone","tz":"Asia/Tokyo","tz_offset":32400,"profile":{"real_name":"Someone","display_name":"someone"},"is_bot":false,"locale":%q}}`, u, bbTeam, locale)
		case "chat.postMessage":
			ch := c.Form.Get("channel")
			fmt.Fprintf(w, `{"ok":true,"channel":%q,"ts":"1700009999.%06d","message":{"type":"message","text":"","user":%q,"ts":"1700009999.000001"}}`, ch, len(s.slack.matching(func(bbCall) bool { return true })), bbBotUser)
		case "chat.postEphemeral":
			fmt.Fprint(w, `{"ok":true,"message_ts":"1700009999.000002"}`)
		case "conversations.open":
			fmt.Fprint(w, `{"ok":true,"channel":{"id":"D0BB00001"}}`)
		default:
			fmt.Fprint(w, `{"ok":true}`)
		}
	}))
	t.Cleanup(slackAPI.Close)
	// Slack's response_url endpoint answers 200 "ok".
	hooks := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hooks.record(r)
		w.Header().Set("Content-Type", "text/html")
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(hooks.Close)
	s.hookURL = hooks.URL
	discordAPI := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.discord.record(r)
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{}`)
	}))
	t.Cleanup(discordAPI.Close)

	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s.priv = priv
	s.dbURL = "sqlite:" + filepath.Join(dir, "k.db")

	env := []string{}
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if strings.HasPrefix(k, "KAIKETSU_") || strings.HasPrefix(k, "SLACK_") || strings.HasPrefix(k, "DISCORD_") {
			continue
		}
		env = append(env, kv)
	}
	kbDir, err := filepath.Abs(filepath.Join("testdata", "blackbox"))
	if err != nil {
		t.Fatal(err)
	}
	env = append(env,
		"KAIKETSU_KB_DIR="+kbDir,
		"KAIKETSU_DATABASE_URL="+s.dbURL,
		"KAIKETSU_STATE_KEY="+bbStateKey,
		"KAIKETSU_DEFAULT_LANG=en",
		"SLACK_SIGNING_SECRET="+bbSigningSecret,
		"SLACK_BOT_TOKEN="+bbBotToken,
		"SLACK_API_URL="+slackAPI.URL+"/api/",
		// The fake response_urls are on this machine.
		"SLACK_RESPONSE_HOSTS=127.0.0.1",
		"DISCORD_PUBLIC_KEY="+hex.EncodeToString(pub),
		"DISCORD_API_URL="+discordAPI.URL+"/api/v10",
	)

	// `kaiketsu kb list`: how many topics the menu must offer.
	kbl := exec.Command(bin, "kb", "list")
	kbl.Env = append(env, "KAIKETSU_DATABASE_URL=memory:")
	out, err := kbl.Output()
	if err != nil {
		t.Fatalf("kaiketsu kb list: %v", err)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "  ") && strings.TrimSpace(line) != "" {
			s.topics++
		}
	}
	if s.topics == 0 {
		t.Fatalf("kaiketsu kb list shows no topics:\n%s", out)
	}

	// A free port can be taken between closing it and the child binding it:
	// try a few.
	for attempt := 0; attempt < 3; attempt++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := ln.Addr().String()
		ln.Close()
		s.base = "http://" + addr
		s.logs = &bbLog{}
		s.done = make(chan struct{})
		s.cmd = exec.Command(bin, "serve")
		s.cmd.Env = append(env, "KAIKETSU_ADDR="+addr)
		s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
		if err := s.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		go func(cmd *exec.Cmd, done chan struct{}) { cmd.Wait(); close(done) }(s.cmd, s.done)
		if s.waitHealthy(30 * time.Second) {
			t.Cleanup(func() {
				select {
				case <-s.done:
				default:
					s.cmd.Process.Kill()
					<-s.done
				}
			})
			return s
		}
		select {
		case <-s.done: // exited (port taken?): try again
		default:
			s.cmd.Process.Kill()
			<-s.done
			t.Fatalf("kaiketsu serve not healthy after 30s; log:\n%s", s.logs)
		}
	}
	t.Fatalf("kaiketsu serve did not start; log:\n%s", s.logs)
	return nil
}

func (s *bbServer) waitHealthy(d time.Duration) bool {
	deadline := time.Now().Add(d)
	c := &http.Client{Timeout: time.Second}
	for time.Now().Before(deadline) {
		select {
		case <-s.done:
			return false
		default:
		}
		resp, err := c.Get(s.base + "/healthz")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return true
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	return false
}

// stop sends SIGTERM and returns the exit code.
func (s *bbServer) stop(t *testing.T) int {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatalf("SIGTERM: %v", err)
	}
	select {
	case <-s.done:
	case <-time.After(40 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
		t.Fatalf("kaiketsu serve did not stop within 40s of SIGTERM; log:\n%s", s.logs)
	}
	return s.cmd.ProcessState.ExitCode()
}

func (s *bbServer) next() int64 { return s.seq.Add(1) }

type bbResp struct {
	Status int
	Header http.Header
	Body   []byte
}

func (s *bbServer) do(t *testing.T, method, path, contentType string, body []byte, hdr map[string]string) bbResp {
	t.Helper()
	req, err := http.NewRequest(method, s.base+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return bbResp{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// ---------------------------------------------------------------------------
// Slack requests, built as Slack sends them.

func bbSlackSign(ts string, body []byte) string {
	m := hmac.New(sha256.New, []byte(bbSigningSecret))
	fmt.Fprintf(m, "v0:%s:", ts)
	m.Write(body)
	return "v0=" + hex.EncodeToString(m.Sum(nil))
}

func bbSlackHeaders(body []byte, at time.Time) map[string]string {
	ts := strconv.FormatInt(at.Unix(), 10)
	return map[string]string{
		"User-Agent":                "Slackbot 1.0 (+https://api.slack.com/robots)",
		"X-Slack-Request-Timestamp": ts,
		"X-Slack-Signature":         bbSlackSign(ts, body),
	}
}

const bbForm = "application/x-www-form-urlencoded"

// postSlack sends a correctly signed Slack request.
func (s *bbServer) postSlack(t *testing.T, path, contentType string, body []byte) bbResp {
	t.Helper()
	return s.do(t, "POST", path, contentType, body, bbSlackHeaders(body, time.Now()))
}

// slashBody is a slash command form body with Slack's field set.
func (s *bbServer) slashBody(user, text string) []byte {
	n := s.next()
	// In Slack's order, not sorted: a server that re-encodes the parsed
	// form instead of checking the raw bytes fails the signature.
	fields := [][2]string{
		{"token", "gIkuvaNzQIHg97ATvDxqgjtO"},
		{"team_id", bbTeam},
		{"team_domain", "kaiketsu-test"},
		{"channel_id", bbChannel},
		{"channel_name", "general"},
		{"user_id", user},
		{"user_name", "someone"},
		{"command", "/support"},
		{"text", text},
		{"api_app_id", bbAppID},
		{"is_enterprise_install", "false"},
		{"response_url", fmt.Sprintf("%s/commands/%s/%d/slash%d", s.hookURL, bbTeam, n, n)},
		{"trigger_id", fmt.Sprintf("13345224609.738474920.8088930838d88f008e0%d", n)},
	}
	var b strings.Builder
	for i, f := range fields {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(f[0] + "=" + url.QueryEscape(f[1]))
	}
	return []byte(b.String())
}

// slashCommand sends /support TEXT and decodes the ephemeral answer.
func (s *bbServer) slashCommand(t *testing.T, user, text string) (slack.Msg, []byte) {
	t.Helper()
	r := s.postSlack(t, "/slack/commands", bbForm, s.slashBody(user, text))
	if r.Status != 200 {
		t.Fatalf("/support %q: status %d, want 200; body %q", text, r.Status, r.Body)
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		t.Fatalf("/support %q: Content-Type %q, want application/json", text, r.Header.Get("Content-Type"))
	}
	var msg slack.Msg
	if err := json.Unmarshal(r.Body, &msg); err != nil {
		t.Fatalf("/support %q: answer is not a Slack message: %v\n%s", text, err, r.Body)
	}
	if msg.ResponseType != slack.ResponseTypeEphemeral {
		t.Errorf("/support %q: response_type %q, want %q (answers are private)", text, msg.ResponseType, "ephemeral")
	}
	bbCheckSlackMessage(t, "/support "+text, msg, r.Body)
	return msg, r.Body
}

type bbButton struct {
	BlockID, ActionID, Value string
	Label                    string // text as shown (Discord: emoji name and label)
	Style                    string
}

func bbSlackButtons(msg slack.Msg) []bbButton {
	var out []bbButton
	add := func(blockID string, b *slack.ButtonBlockElement) {
		bt := bbButton{BlockID: blockID, ActionID: b.ActionID, Value: b.Value, Style: string(b.Style)}
		if b.Text != nil {
			bt.Label = b.Text.Text
		}
		out = append(out, bt)
	}
	for _, bl := range msg.Blocks.BlockSet {
		switch b := bl.(type) {
		case *slack.ActionBlock:
			if b.Elements == nil {
				continue
			}
			for _, e := range b.Elements.ElementSet {
				if btn, ok := e.(*slack.ButtonBlockElement); ok {
					add(b.BlockID, btn)
				}
			}
		case *slack.SectionBlock:
			if b.Accessory != nil && b.Accessory.ButtonElement != nil {
				add(b.BlockID, b.Accessory.ButtonElement)
			}
		}
	}
	return out
}

// bbSlackText is the readable text of a Slack message: the fallback text
// and every text object in the blocks (button values are left out).
func bbSlackText(raw []byte) string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return ""
	}
	var texts []string
	if s, ok := m["text"].(string); ok {
		texts = append(texts, s)
	}
	var blocks []any
	if b, ok := m["blocks"].([]any); ok {
		blocks = b
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			for k, e := range x {
				if s, ok := e.(string); ok && k == "text" {
					texts = append(texts, s)
					continue
				}
				if k == "value" || k == "action_id" || k == "block_id" {
					continue
				}
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(blocks)
	return strings.Join(texts, "\n")
}

// bbSlackMrkdwn is every piece of a Slack message that Slack parses as
// mrkdwn: the top-level text (the notification fallback) and mrkdwn text
// objects anywhere in the blocks.
func bbSlackMrkdwn(raw []byte) []string {
	var m map[string]any
	if json.Unmarshal(raw, &m) != nil {
		return nil
	}
	var out []string
	if s, ok := m["text"].(string); ok {
		out = append(out, s)
	}
	var walk func(v any)
	walk = func(v any) {
		switch x := v.(type) {
		case map[string]any:
			if x["type"] == "mrkdwn" {
				if s, ok := x["text"].(string); ok {
					out = append(out, s)
				}
			}
			for _, e := range x {
				walk(e)
			}
		case []any:
			for _, e := range x {
				walk(e)
			}
		}
	}
	walk(m["blocks"])
	return out
}

// bbMarkup are the control sequences in testdata/blackbox/markup.yaml: in
// mrkdwn they would ping a channel, mention someone or make a link.
var bbMarkup = []string{"<!channel>", "<!here>", "<@U0BBOTHER>", "<#C0BBOTHER>", "<https://evil.example", "<Ctrl>", "<x>"}

// bbCheckSlackEscaped checks that text reaches Slack as text: &, < and >
// escaped in every mrkdwn string (protocol-facts §4).
func bbCheckSlackEscaped(t *testing.T, what string, raw []byte) {
	t.Helper()
	texts := bbSlackMrkdwn(raw)
	all := strings.Join(texts, "\n")
	for _, m := range bbMarkup {
		if strings.Contains(all, m) {
			t.Errorf("%s: mrkdwn carries %q unescaped (Slack would act on it):\n%s", what, m, all)
		}
	}
	if !strings.Contains(all, "&lt;") || !strings.Contains(all, "&amp;") {
		t.Errorf("%s: the playbook's < and & do not arrive escaped as &lt; and &amp;:\n%s", what, all)
	}
}

// bbCheckSlackMessage checks a message against Slack's Block Kit limits
// (protocol-facts §4).
func bbCheckSlackMessage(t *testing.T, what string, msg slack.Msg, raw []byte) {
	t.Helper()
	if strings.TrimSpace(msg.Text) == "" {
		t.Errorf("%s: no top-level text: Slack uses it for notifications and screen readers", what)
	}
	n := len(msg.Blocks.BlockSet)
	if n == 0 {
		t.Errorf("%s: no blocks: %s", what, raw)
	}
	if n > 50 {
		t.Errorf("%s: %d blocks, Slack allows 50 per message", what, n)
	}
	blockIDs := map[string]bool{}
	chars := utf8.RuneCountInString
	textObj := func(where string, o *slack.TextBlockObject, max int, plainOnly bool) {
		if o == nil {
			return
		}
		if o.Type != slack.PlainTextType && o.Type != slack.MarkdownType {
			t.Errorf("%s: %s text type %q, want plain_text or mrkdwn", what, where, o.Type)
		}
		if plainOnly && o.Type != slack.PlainTextType {
			t.Errorf("%s: %s must be plain_text, got %q", what, where, o.Type)
		}
		if c := chars(o.Text); c == 0 || c > max {
			t.Errorf("%s: %s text is %d characters, Slack allows 1..%d", what, where, c, max)
		}
	}
	for i, bl := range msg.Blocks.BlockSet {
		where := fmt.Sprintf("block %d (%s)", i, bl.BlockType())
		id := bl.ID()
		if id != "" {
			if chars(id) > 255 {
				t.Errorf("%s: %s block_id is %d characters, Slack allows 255", what, where, chars(id))
			}
			if blockIDs[id] {
				t.Errorf("%s: %s block_id %q is not unique in the message", what, where, id)
			}
			blockIDs[id] = true
		}
		switch b := bl.(type) {
		case *slack.SectionBlock:
			if b.Text == nil && len(b.Fields) == 0 {
				t.Errorf("%s: %s has neither text nor fields", what, where)
			}
			textObj(where, b.Text, 3000, false)
			if len(b.Fields) > 10 {
				t.Errorf("%s: %s has %d fields, Slack allows 10", what, where, len(b.Fields))
			}
			for _, f := range b.Fields {
				textObj(where+" field", f, 2000, false)
			}
		case *slack.HeaderBlock:
			textObj(where, b.Text, 150, true)
		case *slack.ContextBlock:
			if k := len(b.ContextElements.Elements); k == 0 || k > 10 {
				t.Errorf("%s: %s has %d elements, Slack allows 1..10", what, where, k)
			}
		case *slack.ActionBlock:
			if b.Elements == nil || len(b.Elements.ElementSet) == 0 || len(b.Elements.ElementSet) > 25 {
				k := 0
				if b.Elements != nil {
					k = len(b.Elements.ElementSet)
				}
				t.Errorf("%s: %s has %d elements, Slack allows 1..25", what, where, k)
			}
			seen := map[string]bool{}
			if b.Elements != nil {
				for _, e := range b.Elements.ElementSet {
					if btn, ok := e.(*slack.ButtonBlockElement); ok {
						if seen[btn.ActionID] {
							t.Errorf("%s: %s: action_id %q repeats within the block", what, where, btn.ActionID)
						}
						seen[btn.ActionID] = true
					}
				}
			}
		}
	}
	for _, b := range bbSlackButtons(msg) {
		if c := chars(b.Label); c == 0 || c > 75 {
			t.Errorf("%s: button %q label is %d characters, Slack allows 1..75", what, b.Label, c)
		}
		if c := chars(b.ActionID); c == 0 || c > 255 {
			t.Errorf("%s: button %q action_id is %d characters, Slack allows 1..255", what, b.Label, c)
		}
		if c := chars(b.Value); c > 2000 {
			t.Errorf("%s: button %q value is %d characters, Slack allows 2000", what, b.Label, c)
		}
		if b.Style != "" && b.Style != "primary" && b.Style != "danger" {
			t.Errorf("%s: button %q style %q, Slack allows primary or danger", what, b.Label, b.Style)
		}
	}
	// Plain-text button labels must be plain_text objects.
	var m struct {
		Blocks []struct {
			Elements []struct {
				Type string `json:"type"`
				Text struct {
					Type string `json:"type"`
				} `json:"text"`
			} `json:"elements"`
		} `json:"blocks"`
	}
	if err := json.Unmarshal(raw, &m); err == nil {
		for _, b := range m.Blocks {
			for _, e := range b.Elements {
				if e.Type == "button" && e.Text.Type != "plain_text" {
					t.Errorf("%s: button text type %q, Slack requires plain_text", what, e.Text.Type)
				}
			}
		}
	}
}

// blockActions is the form body of a button click as Slack sends it: one
// field, payload, holding the block_actions JSON. The message the button is
// on is ephemeral, so, as Slack does, the payload carries the container but
// no message.
func (s *bbServer) blockActions(user, responseURL string, b bbButton) []byte {
	n := s.next()
	action := map[string]any{
		"action_id": b.ActionID,
		"block_id":  b.BlockID,
		"text":      map[string]any{"type": "plain_text", "text": b.Label, "emoji": true},
		"type":      "button",
		"action_ts": fmt.Sprintf("1700001%03d.%06d", n%1000, n),
	}
	if b.Value != "" {
		action["value"] = b.Value
	}
	if b.Style != "" {
		action["style"] = b.Style
	}
	p := map[string]any{
		"type":                  "block_actions",
		"user":                  map[string]any{"id": user, "username": "someone", "name": "someone", "team_id": bbTeam},
		"api_app_id":            bbAppID,
		"token":                 "gIkuvaNzQIHg97ATvDxqgjtO",
		"container":             map[string]any{"type": "message", "message_ts": "1700000000.000100", "channel_id": bbChannel, "is_ephemeral": true},
		"trigger_id":            fmt.Sprintf("13345224609.738474920.8088930838d88f008e0%d", n),
		"team":                  map[string]any{"id": bbTeam, "domain": "kaiketsu-test"},
		"enterprise":            nil,
		"is_enterprise_install": false,
		"channel":               map[string]any{"id": bbChannel, "name": "general"},
		"state":                 map[string]any{"values": map[string]any{}},
		"response_url":          responseURL,
		"actions":               []any{action},
	}
	js, _ := json.Marshal(p)
	return []byte(url.Values{"payload": {string(js)}}.Encode())
}

// click sends a block_actions click and returns the message the server then
// posts to the response_url.
func (s *bbServer) click(t *testing.T, user string, b bbButton) (slack.Msg, []byte) {
	t.Helper()
	path := fmt.Sprintf("/actions/%s/%d/click", bbTeam, s.next())
	r := s.postSlack(t, "/slack/interactions", bbForm, s.blockActions(user, s.hookURL+path, b))
	if r.Status != 200 {
		t.Fatalf("click %q: status %d, want 200; body %q", b.Label, r.Status, r.Body)
	}
	c, ok := s.hooks.wait(func(c bbCall) bool { return c.Path == path })
	if !ok {
		t.Fatalf("click %q: nothing posted to the response_url within %v; log:\n%s", b.Label, bbWaitAsync, s.logs)
	}
	if c.Method != "POST" {
		t.Errorf("click %q: response_url got %s, want POST", b.Label, c.Method)
	}
	if ct, _, _ := mime.ParseMediaType(c.Header.Get("Content-Type")); ct != "application/json" {
		t.Errorf("click %q: response_url Content-Type %q, want application/json", b.Label, c.Header.Get("Content-Type"))
	}
	var raw map[string]any
	if err := json.Unmarshal(c.Body, &raw); err != nil {
		t.Fatalf("click %q: response_url body is not JSON: %v\n%s", b.Label, err, c.Body)
	}
	if raw["replace_original"] != true {
		t.Errorf("click %q: response_url body has replace_original=%v, want true (update the same message)", b.Label, raw["replace_original"])
	}
	if raw["delete_original"] == true {
		t.Errorf("click %q: response_url body deletes the original", b.Label)
	}
	if rt, ok := raw["response_type"]; ok && rt != "ephemeral" {
		t.Errorf("click %q: response_type %v, want ephemeral", b.Label, rt)
	}
	var msg slack.Msg
	if err := json.Unmarshal(c.Body, &msg); err != nil {
		t.Fatalf("click %q: response_url body is not a Slack message: %v\n%s", b.Label, err, c.Body)
	}
	bbCheckSlackMessage(t, "after click "+b.Label, msg, c.Body)
	return msg, c.Body
}

// ---------------------------------------------------------------------------
// Which button is which, by the emoji a person sees on it (README: ✅ That
// fixed it, ➡ Didn't work, next step, ↩ Back, 🔄 Start over, 🙋 Talk to a
// person); Slack may spell emoji as :shortcodes:. Words would not do: a
// topic may be called "...画面が戻る..." without being the back button.

var bbIntents = map[string][]string{
	"fixed":  {"✅", ":white_check_mark:"},
	"next":   {"➡", ":arrow_right:"},
	"back":   {"↩", ":leftwards_arrow_with_hook:"},
	"over":   {"🔄", ":arrows_counterclockwise:"},
	"person": {"🙋", ":raising_hand:"},
}

func bbIs(b bbButton, intent string) bool {
	for _, s := range bbIntents[intent] {
		if strings.Contains(b.Label, s) {
			return true
		}
	}
	return false
}

func bbFind(bs []bbButton, intent string) (bbButton, bool) {
	for _, b := range bs {
		if bbIs(b, intent) {
			return b, true
		}
	}
	return bbButton{}, false
}

// bbChoice is the first button that is none of the walkthrough controls:
// a branch choice or a topic.
func bbChoice(bs []bbButton) (bbButton, bool) {
	for _, b := range bs {
		control := false
		for intent := range bbIntents {
			if bbIs(b, intent) {
				control = true
			}
		}
		if !control {
			return b, true
		}
	}
	return bbButton{}, false
}

func bbHasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

func bbLabels(bs []bbButton) []string {
	var out []string
	for _, b := range bs {
		out = append(out, b.Label)
	}
	return out
}

// bbCorrupt changes one character in the middle of s, keeping it in the
// base64url alphabet so only the signature can tell.
func bbCorrupt(s string) string {
	if s == "" {
		return "x"
	}
	b := []byte(s)
	i := len(b) / 2
	if b[i] == 'A' {
		b[i] = 'B'
	} else {
		b[i] = 'A'
	}
	return string(b)
}

// bbCorruptHex changes one hex digit in the middle of s to another value
// (not just its case, which decodes to the same byte).
func bbCorruptHex(s string) string {
	b := []byte(s)
	i := len(b) / 2
	if b[i] == '0' {
		b[i] = '1'
	} else {
		b[i] = '0'
	}
	return string(b)
}

func bbNoStackTrace(t *testing.T, what string, body []byte) {
	t.Helper()
	for _, s := range []string{"goroutine ", "panic", ".go:", "runtime."} {
		if bytes.Contains(body, []byte(s)) {
			t.Errorf("%s: body shows internals (%q): %s", what, s, body)
		}
	}
}

// ---------------------------------------------------------------------------
// Discord requests, built as Discord sends them.

func (s *bbServer) discordHeaders(body []byte, at time.Time) map[string]string {
	ts := strconv.FormatInt(at.Unix(), 10)
	sig := ed25519.Sign(s.priv, append([]byte(ts), body...))
	return map[string]string{
		"User-Agent":            "Discord-Interactions/1.0 (+https://discord.com)",
		"X-Signature-Ed25519":   hex.EncodeToString(sig),
		"X-Signature-Timestamp": ts,
	}
}

func (s *bbServer) postDiscord(t *testing.T, body []byte) bbResp {
	t.Helper()
	return s.do(t, "POST", "/discord/interactions", "application/json", body, s.discordHeaders(body, time.Now()))
}

func (s *bbServer) snowflake() string {
	return strconv.FormatInt(1310000000000000000+s.next(), 10)
}

func bbDiscordUser(id string) map[string]any {
	return map[string]any{
		"avatar": nil, "avatar_decoration_data": nil, "clan": nil, "discriminator": "0",
		"global_name": "Taro", "id": id, "public_flags": 0, "username": "taro",
	}
}

// interaction is an interaction object with the fields Discord sends in a
// guild (receiving-and-responding.mdx "Interaction Structure").
func (s *bbServer) interaction(typ int, user, locale string, data, message any) []byte {
	in := map[string]any{
		"app_permissions":                "562949953601536",
		"application_id":                 bbDiscordApp,
		"attachment_size_limit":          10485760,
		"authorizing_integration_owners": map[string]any{"0": bbGuild},
		"channel": map[string]any{
			"flags": 0, "guild_id": bbGuild, "id": bbDiscordChan, "last_message_id": "1300000000000000099",
			"name": "general", "nsfw": false, "parent_id": nil, "permissions": "2248473465835073",
			"position": 0, "rate_limit_per_user": 0, "topic": nil, "type": 0,
		},
		"channel_id":          bbDiscordChan,
		"context":             0,
		"entitlement_sku_ids": []any{},
		"entitlements":        []any{},
		"guild":               map[string]any{"features": []any{}, "id": bbGuild, "locale": "en-US"},
		"guild_id":            bbGuild,
		"guild_locale":        "en-US",
		"id":                  s.snowflake(),
		"locale":              locale,
		"member": map[string]any{
			"avatar": nil, "banner": nil, "communication_disabled_until": nil, "deaf": false, "flags": 0,
			"joined_at": "2025-01-01T00:00:00.000000+00:00", "mute": false, "nick": nil, "pending": false,
			"permissions": "2248473465835073", "premium_since": nil, "roles": []any{},
			"unusual_dm_activity_until": nil, "user": bbDiscordUser(user),
		},
		"token":   "aW50ZXJhY3Rpb246MTMxMDAwMDAwMDAwMDAwMDAwMDpibGFja2JveA" + strconv.FormatInt(s.next(), 10),
		"type":    typ,
		"version": 1,
	}
	if data != nil {
		in["data"] = data
	}
	if message != nil {
		in["message"] = message
	}
	b, _ := json.Marshal(in)
	return b
}

func (s *bbServer) commandData(options ...map[string]any) map[string]any {
	d := map[string]any{"id": "1300000000000000010", "name": "support", "type": 1}
	if len(options) > 0 {
		opts := make([]any, len(options))
		for i, o := range options {
			opts[i] = o
		}
		d["options"] = opts
	}
	return d
}

type bbDiscordAnswer struct {
	Type       discordgo.InteractionResponseType
	RawData    map[string]json.RawMessage
	Content    string
	Flags      discordgo.MessageFlags
	Embeds     []*discordgo.MessageEmbed
	Components []discordgo.MessageComponent
	Choices    []*discordgo.ApplicationCommandOptionChoice
	Raw        []byte
}

func bbDecodeDiscord(t *testing.T, what string, r bbResp) bbDiscordAnswer {
	t.Helper()
	if r.Status != 200 {
		t.Fatalf("%s: status %d, want 200; body %q", what, r.Status, r.Body)
	}
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
		t.Errorf("%s: Content-Type %q, want application/json", what, r.Header.Get("Content-Type"))
	}
	var top struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data map[string]json.RawMessage        `json:"data"`
	}
	if err := json.Unmarshal(r.Body, &top); err != nil {
		t.Fatalf("%s: not an interaction response: %v\n%s", what, err, r.Body)
	}
	a := bbDiscordAnswer{Type: top.Type, RawData: top.Data, Raw: r.Body}
	var data struct {
		Content    string                                      `json:"content"`
		Flags      discordgo.MessageFlags                      `json:"flags"`
		Embeds     []*discordgo.MessageEmbed                   `json:"embeds"`
		Components []json.RawMessage                           `json:"components"`
		Choices    []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	}
	if top.Data != nil {
		raw, _ := json.Marshal(top.Data)
		if err := json.Unmarshal(raw, &data); err != nil {
			t.Fatalf("%s: data does not decode into discordgo types: %v\n%s", what, err, r.Body)
		}
	}
	a.Content, a.Flags, a.Embeds, a.Choices = data.Content, data.Flags, data.Embeds, data.Choices
	for i, c := range data.Components {
		mc, err := discordgo.MessageComponentFromJSON(c)
		if err != nil {
			t.Fatalf("%s: component %d does not decode into discordgo types: %v\n%s", what, i, err, c)
		}
		a.Components = append(a.Components, mc)
	}
	return a
}

func (a bbDiscordAnswer) buttons() []bbButton {
	var out []bbButton
	for _, c := range a.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			continue
		}
		for _, e := range row.Components {
			if b, ok := e.(*discordgo.Button); ok {
				label := b.Label
				if b.Emoji != nil && b.Emoji.Name != "" {
					label = b.Emoji.Name + " " + label
				}
				out = append(out, bbButton{ActionID: b.CustomID, Label: label})
			}
		}
	}
	return out
}

// text is what a person reads: content, embeds and button labels.
func (a bbDiscordAnswer) text() string {
	parts := []string{a.Content}
	for _, e := range a.Embeds {
		parts = append(parts, e.Title, e.Description)
		for _, f := range e.Fields {
			parts = append(parts, f.Name, f.Value)
		}
		if e.Footer != nil {
			parts = append(parts, e.Footer.Text)
		}
		if e.Author != nil {
			parts = append(parts, e.Author.Name)
		}
	}
	return strings.Join(parts, "\n")
}

// bbCheckDiscordMessage checks message data against Discord's limits
// (protocol-facts §14).
func bbCheckDiscordMessage(t *testing.T, what string, a bbDiscordAnswer) {
	t.Helper()
	chars := func(s string) int { return utf8.RuneCountInString(strings.TrimSpace(s)) }
	if a.Content == "" && len(a.Embeds) == 0 {
		t.Errorf("%s: neither content nor embeds: %s", what, a.Raw)
	}
	if c := chars(a.Content); c > 2000 {
		t.Errorf("%s: content is %d characters, Discord allows 2000", what, c)
	}
	if a.Flags&discordgo.MessageFlagsIsComponentsV2 != 0 {
		t.Errorf("%s: IS_COMPONENTS_V2 set with content/embeds", what)
	}
	if len(a.Embeds) > 10 {
		t.Errorf("%s: %d embeds, Discord allows 10", what, len(a.Embeds))
	}
	total := 0
	for i, e := range a.Embeds {
		lim := func(field, s string, max int) {
			c := chars(s)
			total += c
			if c > max {
				t.Errorf("%s: embed %d %s is %d characters, Discord allows %d", what, i, field, c, max)
			}
		}
		lim("title", e.Title, 256)
		lim("description", e.Description, 4096)
		if len(e.Fields) > 25 {
			t.Errorf("%s: embed %d has %d fields, Discord allows 25", what, i, len(e.Fields))
		}
		for _, f := range e.Fields {
			lim("field name", f.Name, 256)
			lim("field value", f.Value, 1024)
		}
		if e.Footer != nil {
			lim("footer", e.Footer.Text, 2048)
		}
		if e.Author != nil {
			lim("author", e.Author.Name, 256)
		}
	}
	if total > 6000 {
		t.Errorf("%s: embeds total %d characters, Discord allows 6000", what, total)
	}
	if len(a.Components) > 5 {
		t.Errorf("%s: %d action rows, Discord allows 5", what, len(a.Components))
	}
	ids := map[string]bool{}
	for i, c := range a.Components {
		row, ok := c.(*discordgo.ActionsRow)
		if !ok {
			t.Errorf("%s: top-level component %d is %T, want an action row", what, i, c)
			continue
		}
		if len(row.Components) == 0 || len(row.Components) > 5 {
			t.Errorf("%s: row %d has %d components, Discord allows 1..5", what, i, len(row.Components))
		}
		for _, e := range row.Components {
			b, ok := e.(*discordgo.Button)
			if !ok {
				continue
			}
			if b.Label == "" && b.Emoji == nil {
				t.Errorf("%s: a button has neither label nor emoji", what)
			}
			if c := utf8.RuneCountInString(b.Label); c > 80 {
				t.Errorf("%s: button label %q is %d characters, Discord allows 80", what, b.Label, c)
			}
			switch {
			case b.Style == discordgo.LinkButton:
				if b.URL == "" || b.CustomID != "" {
					t.Errorf("%s: link button %q needs a url and no custom_id", what, b.Label)
				}
			case b.Style >= discordgo.PrimaryButton && b.Style <= discordgo.DangerButton:
				if n := len(b.CustomID); n == 0 || n > 100 {
					t.Errorf("%s: button %q custom_id is %d characters, Discord allows 1..100", what, b.Label, n)
				}
				if ids[b.CustomID] {
					t.Errorf("%s: custom_id %q repeats in the message", what, b.CustomID)
				}
				ids[b.CustomID] = true
			default:
				t.Errorf("%s: button %q style %d is not 1..5", what, b.Label, b.Style)
			}
		}
	}
}

// command sends /support [symptom] and checks the ephemeral type 4 answer.
func (s *bbServer) command(t *testing.T, user, locale string, symptom *string) bbDiscordAnswer {
	t.Helper()
	var data map[string]any
	if symptom != nil {
		data = s.commandData(map[string]any{"name": "symptom", "type": 3, "value": *symptom})
	} else {
		data = s.commandData()
	}
	what := fmt.Sprintf("/support (locale %s)", locale)
	if symptom != nil {
		what = fmt.Sprintf("/support symptom:%q (locale %s)", *symptom, locale)
	}
	a := bbDecodeDiscord(t, what, s.postDiscord(t, s.interaction(2, user, locale, data, nil)))
	if a.Type != discordgo.InteractionResponseChannelMessageWithSource {
		t.Fatalf("%s: response type %d, want 4; body %s", what, a.Type, a.Raw)
	}
	if a.Flags&discordgo.MessageFlagsEphemeral == 0 {
		t.Errorf("%s: flags %d lack EPHEMERAL (64)", what, a.Flags)
	}
	bbCheckDiscordMessage(t, what, a)
	return a
}

// press clicks a button on the message prev and checks the type 7 answer.
func (s *bbServer) press(t *testing.T, user, locale string, prev bbDiscordAnswer, customID, label string) bbDiscordAnswer {
	t.Helper()
	msg := map[string]any{
		"application_id": bbDiscordApp,
		"attachments":    []any{},
		"author": map[string]any{"avatar": nil, "bot": true, "discriminator": "0000", "global_name": nil,
			"id": bbDiscordApp, "public_flags": 524288, "username": "Kaiketsu"},
		"channel_id":       bbDiscordChan,
		"components":       prev.RawData["components"],
		"content":          prev.RawData["content"],
		"edited_timestamp": nil,
		"embeds":           prev.RawData["embeds"],
		"flags":            64,
		"id":               s.snowflake(),
		"interaction_metadata": map[string]any{
			"authorizing_integration_owners": map[string]any{"0": bbGuild}, "command_type": 1,
			"id": s.snowflake(), "name": "support", "type": 2, "user": bbDiscordUser(user),
		},
		"mention_everyone": false, "mention_roles": []any{}, "mentions": []any{}, "pinned": false,
		"timestamp": time.Now().UTC().Format("2006-01-02T15:04:05.000000+00:00"), "tts": false,
		"type": 20, "webhook_id": bbDiscordApp,
	}
	for k, v := range msg {
		if v == nil {
			continue
		}
		if raw, ok := v.(json.RawMessage); ok && raw == nil {
			delete(msg, k)
		}
	}
	data := map[string]any{"component_type": 2, "custom_id": customID}
	what := fmt.Sprintf("press %q", label)
	a := bbDecodeDiscord(t, what, s.postDiscord(t, s.interaction(3, user, locale, data, msg)))
	if a.Type != discordgo.InteractionResponseUpdateMessage {
		t.Fatalf("%s: response type %d, want 7 (update the message); body %s", what, a.Type, a.Raw)
	}
	bbCheckDiscordMessage(t, what, a)
	return a
}

// ---------------------------------------------------------------------------
// The test.

func TestBlackboxServe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs kaiketsu serve as a child process")
	}
	s := bbStart(t)

	t.Run("health", func(t *testing.T) {
		for _, p := range []string{"/healthz", "/readyz"} {
			if r := s.do(t, "GET", p, "", nil, nil); r.Status != 200 {
				t.Errorf("GET %s: status %d, want 200; body %q", p, r.Status, r.Body)
			}
		}
		for _, p := range []string{"/slack/commands", "/slack/interactions", "/slack/events", "/discord/interactions"} {
			if r := s.do(t, "GET", p, "", nil, nil); r.Status < 400 || r.Status >= 500 {
				t.Errorf("GET %s: status %d, want 4xx (the platforms POST)", p, r.Status)
			}
		}
	})

	t.Run("long-input", func(t *testing.T) {
		// Long text under the body limit: answered, and within the limits.
		long := strings.Repeat("I forgot my password and cannot sign in. ", 120) // ~5,000 characters
		s.slashCommand(t, "UEN000018", long)
		ja := strings.Repeat("パスワードを忘れてログインできません。", 300) // ~5,700 characters
		s.command(t, "1300000000000000045", "ja", &ja)
	})

	t.Run("slack/command-japanese", func(t *testing.T) {
		msg, raw := s.slashCommand(t, "UEN000001", "パスワードを忘れた")
		text := bbSlackText(raw)
		if !bbHasJapanese(text) {
			t.Errorf("answer to Japanese text is not in Japanese:\n%s", text)
		}
		bs := bbSlackButtons(msg)
		if len(bs) < 2 {
			t.Fatalf("want walkthrough buttons, got %q", bbLabels(bs))
		}
		for _, b := range bs {
			if !bbHasJapanese(b.Label) {
				t.Errorf("button %q is not in Japanese", b.Label)
			}
		}
		for _, intent := range []string{"fixed", "next", "person"} {
			if _, ok := bbFind(bs, intent); !ok {
				t.Errorf("no %q button among %q", intent, bbLabels(bs))
			}
		}
	})

	t.Run("slack/command-english", func(t *testing.T) {
		msg, raw := s.slashCommand(t, "UJA000002", "I forgot my password")
		bs := bbSlackButtons(msg)
		for _, b := range bs {
			if bbHasJapanese(b.Label) {
				t.Errorf("English text (from a ja-JP user) got a Japanese button %q", b.Label)
			}
		}
		for _, bl := range msg.Blocks.BlockSet {
			if h, ok := bl.(*slack.HeaderBlock); ok && h.Text != nil && bbHasJapanese(h.Text.Text) {
				t.Errorf("English text got a Japanese header %q", h.Text.Text)
			}
		}
		for _, intent := range []string{"fixed", "next", "person"} {
			if _, ok := bbFind(bs, intent); !ok {
				t.Errorf("no %q button among %q", intent, bbLabels(bs))
			}
		}
		if !strings.Contains(strings.ToLower(bbSlackText(raw)), "password") {
			t.Errorf("English answer does not mention the password:\n%s", bbSlackText(raw))
		}
	})

	t.Run("slack/command-menu", func(t *testing.T) {
		for _, tc := range []struct{ user, text string }{{"UEN000003", ""}, {"UEN000003", "help"}, {"UJA000003", ""}} {
			msg, raw := s.slashCommand(t, tc.user, tc.text)
			bs := bbSlackButtons(msg)
			topics := 0
			for _, b := range bs {
				if _, ok := bbChoice([]bbButton{b}); ok {
					topics++
				}
			}
			if topics < s.topics {
				t.Errorf("/support %q from %s: %d topic buttons, want one per topic (%d): %q", tc.text, tc.user, topics, s.topics, bbLabels(bs))
			}
			ja := strings.HasPrefix(tc.user, "UJA")
			if got := bbHasJapanese(bbSlackText(raw)); got != ja {
				t.Errorf("/support %q from a user with Slack locale ja=%v: answer in Japanese=%v:\n%s", tc.text, ja, got, bbSlackText(raw))
			}
		}
	})

	t.Run("slack/command-nothing-fits", func(t *testing.T) {
		msg, _ := s.slashCommand(t, "UEN000004", "what time does the train to Osaka leave")
		if _, ok := bbFind(bbSlackButtons(msg), "person"); !ok {
			t.Errorf("nothing fits: want a talk-to-a-person button, got %q", bbLabels(bbSlackButtons(msg)))
		}
	})

	t.Run("slack/command-pasted-secret", func(t *testing.T) {
		_, raw := s.slashCommand(t, "UEN000005", "my password is Zebra-Quartz-917")
		if bytes.Contains(raw, []byte("Zebra-Quartz-917")) {
			t.Errorf("the answer echoes the pasted password: %s", raw)
		}
	})

	t.Run("slack/locale-lookup-fails", func(t *testing.T) {
		// users.info answers an error: the default language, not a failure.
		msg, raw := s.slashCommand(t, "UERR00001", "")
		if len(bbSlackButtons(msg)) < s.topics {
			t.Errorf("menu with a failing users.info: %q", bbLabels(bbSlackButtons(msg)))
		}
		if bbHasJapanese(bbSlackText(raw)) {
			t.Errorf("menu with a failing users.info is not in the default language (en):\n%s", bbSlackText(raw))
		}
	})

	t.Run("slack/rate-limited-person-still-answered", func(t *testing.T) {
		// Past the per-person limit the answer is still an HTTP 200 message
		// (Slack shows anything else as an error), and it says so.
		var first, last string
		for i := 0; i < 14; i++ {
			_, raw := s.slashCommand(t, "UEN000017", "I forgot my password")
			if i == 0 {
				first = bbSlackText(raw)
			}
			last = bbSlackText(raw)
		}
		if last == first {
			t.Errorf("14 commands at once from one person were all answered in full; README: KAIKETSU_RATE_BURST 10")
		}
	})

	t.Run("slack/signature", func(t *testing.T) {
		body := s.slashBody("UEN000006", "I forgot my password")
		now := time.Now()
		good := bbSlackHeaders(body, now)
		old := bbSlackHeaders(body, now.Add(-10*time.Minute))
		future := bbSlackHeaders(body, now.Add(10*time.Minute))
		wrong := bbSlackHeaders(body, now)
		wrong["X-Slack-Signature"] = bbCorruptHex(wrong["X-Slack-Signature"])
		otherSecret := hmac.New(sha256.New, []byte("not-the-signing-secret"))
		fmt.Fprintf(otherSecret, "v0:%s:%s", good["X-Slack-Request-Timestamp"], body)
		for _, tc := range []struct {
			name string
			hdr  map[string]string
		}{
			{"wrong signature", wrong},
			{"other secret", map[string]string{"X-Slack-Request-Timestamp": good["X-Slack-Request-Timestamp"], "X-Slack-Signature": "v0=" + hex.EncodeToString(otherSecret.Sum(nil))}},
			{"not hex", map[string]string{"X-Slack-Request-Timestamp": good["X-Slack-Request-Timestamp"], "X-Slack-Signature": "v0=zz"}},
			{"no headers", nil},
			{"no signature", map[string]string{"X-Slack-Request-Timestamp": good["X-Slack-Request-Timestamp"]}},
			{"no timestamp", map[string]string{"X-Slack-Signature": good["X-Slack-Signature"]}},
			{"10 minutes old", old},
			{"10 minutes ahead", future},
		} {
			for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
				r := s.do(t, "POST", path, bbForm, body, tc.hdr)
				if r.Status != 401 {
					t.Errorf("%s to %s: status %d, want 401; body %q", tc.name, path, r.Status, r.Body)
				}
				bbNoStackTrace(t, tc.name, r.Body)
			}
		}
		// A click with a bad signature changes nothing.
		path := fmt.Sprintf("/actions/%s/%d/unsigned", bbTeam, s.next())
		click := s.blockActions("UEN000006", s.hookURL+path, bbButton{ActionID: "k1.AAAA", Value: "k1.AAAA", Label: "✅ That fixed it"})
		hdr := bbSlackHeaders(click, now)
		hdr["X-Slack-Signature"] = bbCorruptHex(hdr["X-Slack-Signature"])
		if r := s.do(t, "POST", "/slack/interactions", bbForm, click, hdr); r.Status != 401 {
			t.Errorf("click with a bad signature: status %d, want 401", r.Status)
		}
		// The signed command itself still works.
		if r := s.do(t, "POST", "/slack/commands", bbForm, body, good); r.Status != 200 {
			t.Errorf("the same command correctly signed: status %d, want 200", r.Status)
		}
		time.Sleep(200 * time.Millisecond)
		if got := s.hooks.matching(func(c bbCall) bool { return c.Path == path }); len(got) != 0 {
			t.Errorf("a click with a bad signature was acted on: %d posts to its response_url", len(got))
		}
	})

	t.Run("slack/oversized", func(t *testing.T) {
		big := []byte(url.Values{"text": {strings.Repeat("a", 100<<10)}, "command": {"/support"}, "user_id": {"UEN000007"}}.Encode())
		for _, path := range []string{"/slack/commands", "/slack/interactions", "/slack/events"} {
			if r := s.postSlack(t, path, bbForm, big); r.Status != http.StatusRequestEntityTooLarge {
				t.Errorf("100 KiB body to %s: status %d, want 413", path, r.Status)
			}
		}
	})

	t.Run("slack/walkthrough-to-resolved", func(t *testing.T) {
		const user = "UJA000008"
		first, firstRaw := s.slashCommand(t, user, "パスワードを忘れた")
		cur, curRaw := first, firstRaw
		step := func(intent string) {
			t.Helper()
			bs := bbSlackButtons(cur)
			b, ok := bbFind(bs, intent)
			if intent == "choice" || (!ok && intent == "next") {
				b, ok = bbChoice(bs)
			}
			if !ok {
				t.Fatalf("no %q button on the message; buttons %q\n%s", intent, bbLabels(bs), bbSlackText(curRaw))
			}
			prevText := bbSlackText(curRaw)
			cur, curRaw = s.click(t, user, b)
			if bbSlackText(curRaw) == prevText {
				t.Errorf("click %q did not change the message", b.Label)
			}
			if !bbHasJapanese(bbSlackText(curRaw)) {
				t.Errorf("after %q the walkthrough left Japanese:\n%s", b.Label, bbSlackText(curRaw))
			}
		}
		step("next")
		if _, ok := bbFind(bbSlackButtons(cur), "back"); !ok {
			t.Errorf("step 2 has no back button: %q", bbLabels(bbSlackButtons(cur)))
		}
		step("back")
		if got, want := bbSlackText(curRaw), bbSlackText(firstRaw); got != want {
			t.Errorf("back did not return to the first step:\ngot:\n%s\nwant:\n%s", got, want)
		}
		step("next")
		step("next")
		// Through the branches (the first choice where there is no plain
		// next) until the step offers "that fixed it".
		for i := 0; i < 4; i++ {
			if _, ok := bbFind(bbSlackButtons(cur), "fixed"); ok {
				break
			}
			step("next")
		}
		step("fixed")
		bs := bbSlackButtons(cur)
		for _, intent := range []string{"fixed", "next", "back"} {
			if _, ok := bbFind(bs, intent); ok {
				t.Errorf("the resolved message still offers %q: %q", intent, bbLabels(bs))
			}
		}
		if !strings.Contains(bbSlackText(curRaw), "解決") {
			t.Errorf("the last message does not say it is resolved:\n%s", bbSlackText(curRaw))
		}
	})

	t.Run("slack/forged-buttons", func(t *testing.T) {
		const user = "UEN000009"
		msg, _ := s.slashCommand(t, user, "I forgot my password")
		next, ok := bbFind(bbSlackButtons(msg), "next")
		if !ok {
			t.Fatalf("no next button: %q", bbLabels(bbSlackButtons(msg)))
		}
		forged := next
		forged.ActionID, forged.Value = bbCorrupt(next.ActionID), bbCorrupt(next.Value)
		garbage := bbButton{BlockID: next.BlockID, ActionID: "give_me_admin", Value: "../../etc/passwd", Label: next.Label}
		for name, b := range map[string]bbButton{"tampered token": forged, "garbage ids": garbage} {
			got, raw := s.click(t, user, b)
			text := strings.ToLower(bbSlackText(raw))
			if !strings.Contains(text, "start over") {
				t.Errorf("%s: want a friendly start-over message, got:\n%s", name, bbSlackText(raw))
			}
			if _, ok := bbFind(bbSlackButtons(got), "fixed"); ok {
				t.Errorf("%s: a forged button advanced the walkthrough: %q", name, bbLabels(bbSlackButtons(got)))
			}
		}
	})

	t.Run("slack/malformed-payloads", func(t *testing.T) {
		bodies := map[string][]byte{
			"payload not JSON":        []byte(url.Values{"payload": {"{not json"}}.Encode()),
			"no payload field":        []byte("foo=bar"),
			"empty body":              nil,
			"JSON body, not form":     []byte(`{"type":"block_actions"}`),
			"no actions":              []byte(url.Values{"payload": {`{"type":"block_actions","user":{"id":"UEN000010"},"actions":[]}`}}.Encode()),
			"no user, no response":    []byte(url.Values{"payload": {`{"type":"block_actions","actions":[{"action_id":"x","value":"y","type":"button"}]}`}}.Encode()),
			"unknown interaction":     []byte(url.Values{"payload": {`{"type":"view_submission","user":{"id":"UEN000010"},"view":{"id":"V1"}}`}}.Encode()),
			"payload is a JSON array": []byte(url.Values{"payload": {`[1,2,3]`}}.Encode()),
		}
		for name, body := range bodies {
			r := s.postSlack(t, "/slack/interactions", bbForm, body)
			if r.Status != 200 && (r.Status < 400 || r.Status >= 500) {
				t.Errorf("%s: status %d, want a 4xx or 200; body %q", name, r.Status, r.Body)
			}
			bbNoStackTrace(t, name, r.Body)
		}
	})

	t.Run("slack/url-verification", func(t *testing.T) {
		const challenge = "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
		body := []byte(`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","challenge":"` + challenge + `","type":"url_verification"}`)
		r := s.postSlack(t, "/slack/events", "application/json", body)
		if r.Status != 200 {
			t.Fatalf("url_verification: status %d, want 200; body %q", r.Status, r.Body)
		}
		ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		ok := false
		switch ct {
		case "text/plain":
			ok = strings.TrimSpace(string(r.Body)) == challenge
		case "application/json":
			var v struct{ Challenge string }
			ok = json.Unmarshal(r.Body, &v) == nil && v.Challenge == challenge
		case bbForm:
			v, _ := url.ParseQuery(string(r.Body))
			ok = v.Get("challenge") == challenge
		}
		if !ok {
			t.Errorf("url_verification: answer %q (Content-Type %q) does not return the challenge", r.Body, r.Header.Get("Content-Type"))
		}
	})

	t.Run("slack/event-retry-answered-once", func(t *testing.T) {
		event := func(id, ts string) []byte {
			return []byte(fmt.Sprintf(`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","team_id":%q,"api_app_id":%q,"event":{"client_msg_id":"5e3a6c1a-0d0f-4bd1-9d51-%012d","type":"app_mention","text":"<@%s> I forgot my password","user":"UEN000011","ts":%q,"blocks":[{"type":"rich_text","block_id":"Bq1","elements":[{"type":"rich_text_section","elements":[{"type":"user","user_id":%q},{"type":"text","text":" I forgot my password"}]}]}],"team":%q,"channel":%q,"event_ts":%q},"type":"event_callback","event_id":%q,"event_time":1700000200,"authorizations":[{"enterprise_id":null,"team_id":%q,"user_id":%q,"is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false,"event_context":"4-eyJldCI6ImFwcF9tZW50aW9uIn0"}`,
				bbTeam, bbAppID, s.next(), bbBotUser, ts, bbBotUser, bbTeam, bbChannel, ts, id, bbTeam, bbBotUser))
		}
		posts := func(thread string) []bbCall {
			return s.slack.matching(func(c bbCall) bool {
				return strings.HasSuffix(c.Path, "chat.postMessage") && c.Form.Get("thread_ts") == thread
			})
		}
		first := event("Ev0BB0000001", "1700000200.000100")
		if r := s.postSlack(t, "/slack/events", "application/json", first); r.Status != 200 {
			t.Fatalf("app_mention: status %d, want 200; body %q", r.Status, r.Body)
		}
		c, ok := s.slack.wait(func(c bbCall) bool {
			return strings.HasSuffix(c.Path, "chat.postMessage") && c.Form.Get("thread_ts") == "1700000200.000100"
		})
		if !ok {
			t.Fatalf("app_mention: no chat.postMessage in the thread within %v; Web API calls: %v\nlog:\n%s", bbWaitAsync, s.slack.matching(func(bbCall) bool { return true }), s.logs)
		}
		if c.Form.Get("channel") != bbChannel {
			t.Errorf("reply went to channel %q, want %q", c.Form.Get("channel"), bbChannel)
		}
		if auth := c.Header.Get("Authorization"); auth != "Bearer "+bbBotToken && c.Form.Get("token") != bbBotToken {
			t.Errorf("chat.postMessage not authorised with the bot token")
		}
		// Slack retries the same delivery (X-Slack-Retry-Num) after a timeout.
		hdr := bbSlackHeaders(first, time.Now())
		hdr["X-Slack-Retry-Num"] = "1"
		hdr["X-Slack-Retry-Reason"] = "http_timeout"
		if r := s.do(t, "POST", "/slack/events", "application/json", first, hdr); r.Status != 200 {
			t.Errorf("retried event: status %d, want 200 (else Slack retries again)", r.Status)
		}
		// A different event afterwards: once it is answered, a duplicate
		// answer to the retry would have had its chance too.
		if r := s.postSlack(t, "/slack/events", "application/json", event("Ev0BB0000002", "1700000300.000100")); r.Status != 200 {
			t.Fatalf("second app_mention: status %d", r.Status)
		}
		if _, ok := s.slack.wait(func(c bbCall) bool {
			return strings.HasSuffix(c.Path, "chat.postMessage") && c.Form.Get("thread_ts") == "1700000300.000100"
		}); !ok {
			t.Fatalf("second app_mention: no reply within %v", bbWaitAsync)
		}
		time.Sleep(300 * time.Millisecond)
		if n := len(posts("1700000200.000100")); n != 1 {
			t.Errorf("event Ev0BB0000001 answered %d times, want once (the retry must be dropped)", n)
		}
		// A retry of a delivery this server never saw (the first attempt
		// went to an instance that died, or timed out before reading it) is
		// the only copy: duplicates are told by event_id, not by the header.
		only := event("Ev0BB0000003", "1700000350.000100")
		hdr = bbSlackHeaders(only, time.Now())
		hdr["X-Slack-Retry-Num"] = "2"
		hdr["X-Slack-Retry-Reason"] = "http_error"
		if r := s.do(t, "POST", "/slack/events", "application/json", only, hdr); r.Status != 200 {
			t.Errorf("first-seen retried event: status %d, want 200", r.Status)
		}
		if _, ok := s.slack.wait(func(c bbCall) bool {
			return strings.HasSuffix(c.Path, "chat.postMessage") && c.Form.Get("thread_ts") == "1700000350.000100"
		}); !ok {
			t.Errorf("an event first seen as a retry (X-Slack-Retry-Num: 2, new event_id) was never answered")
		}
	})

	t.Run("slack/markup-escaped", func(t *testing.T) {
		const user = "UEN000013"
		msg, raw := s.slashCommand(t, user, "my zorbulator jams")
		if !strings.Contains(bbSlackText(raw), "Zorbulator") {
			t.Fatalf("the probe playbook (KAIKETSU_KB_DIR) was not diagnosed:\n%s", bbSlackText(raw))
		}
		bbCheckSlackEscaped(t, "/support my zorbulator jams", raw)
		// Talk to a person: the playbook's contact text, full of markup.
		person, ok := bbFind(bbSlackButtons(msg), "person")
		if !ok {
			t.Fatalf("no talk-to-a-person button: %q", bbLabels(bbSlackButtons(msg)))
		}
		_, raw = s.click(t, user, person)
		if !strings.Contains(bbSlackText(raw), "U0BBOTHER") {
			t.Errorf("the hand-off answer does not give the playbook's contact:\n%s", bbSlackText(raw))
		}
		for _, m := range bbMarkup {
			if strings.Contains(strings.Join(bbSlackMrkdwn(raw), "\n"), m) {
				t.Errorf("hand-off answer: mrkdwn carries %q unescaped:\n%s", m, bbSlackText(raw))
			}
		}
	})

	t.Run("slack/events-acknowledged", func(t *testing.T) {
		// Every delivery gets a 2xx, or Slack retries and eventually turns
		// the subscription off: events Kaiketsu does not act on included.
		for name, body := range map[string]string{
			"app_rate_limited": fmt.Sprintf(`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","type":"app_rate_limited","team_id":%q,"minute_rate_limited":1700000400,"api_app_id":%q}`, bbTeam, bbAppID),
			"reaction_added":   fmt.Sprintf(`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","team_id":%q,"api_app_id":%q,"event":{"type":"reaction_added","user":"UEN000014","item":{"type":"message","channel":%q,"ts":"1700000200.000100"},"reaction":"thumbsup","item_user":%q,"event_ts":"1700000410.000100"},"type":"event_callback","event_id":"Ev0BB0000099","event_time":1700000410}`, bbTeam, bbAppID, bbChannel, bbBotUser),
		} {
			if r := s.postSlack(t, "/slack/events", "application/json", []byte(body)); r.Status < 200 || r.Status > 299 {
				t.Errorf("%s: status %d, want 2xx; body %q", name, r.Status, r.Body)
			}
		}
	})

	t.Run("slack/mention-button-private", func(t *testing.T) {
		// The answer to an @mention is public, in the thread; whoever clicks
		// its button continues privately (docs/slack-setup.md): the public
		// message must not be replaced for everyone.
		const ts = "1700000500.000100"
		body := fmt.Sprintf(`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","team_id":%q,"api_app_id":%q,"event":{"client_msg_id":"5e3a6c1a-0d0f-4bd1-9d51-000000000500","type":"app_mention","text":"<@%s> I forgot my password","user":"UEN000015","ts":%q,"team":%q,"channel":%q,"event_ts":%q},"type":"event_callback","event_id":"Ev0BB0000500","event_time":1700000500}`,
			bbTeam, bbAppID, bbBotUser, ts, bbTeam, bbChannel, ts)
		if r := s.postSlack(t, "/slack/events", "application/json", []byte(body)); r.Status != 200 {
			t.Fatalf("app_mention: status %d", r.Status)
		}
		c, ok := s.slack.wait(func(c bbCall) bool {
			return strings.HasSuffix(c.Path, "chat.postMessage") && c.Form.Get("thread_ts") == ts
		})
		if !ok {
			t.Fatalf("app_mention: no reply within %v", bbWaitAsync)
		}
		var reply slack.Msg
		if err := json.Unmarshal([]byte(`{"text":`+strconv.Quote(c.Form.Get("text"))+`,"blocks":`+c.Form.Get("blocks")+`}`), &reply); err != nil {
			t.Fatalf("the mention reply's blocks do not decode: %v\n%s", err, c.Form.Get("blocks"))
		}
		bs := bbSlackButtons(reply)
		if len(bs) == 0 {
			t.Fatalf("the mention reply has no button to start the walkthrough:\n%s", c.Form.Get("blocks"))
		}
		// The click on a public message: container not ephemeral, and the
		// message itself in the payload.
		path := fmt.Sprintf("/actions/%s/%d/public", bbTeam, s.next())
		b, ok := bbFind(bs, "next")
		if !ok {
			b = bs[0]
		}
		form, _ := url.ParseQuery(string(s.blockActions("UEN000016", s.hookURL+path, b)))
		var p map[string]any
		json.Unmarshal([]byte(form.Get("payload")), &p)
		p["container"] = map[string]any{"type": "message", "message_ts": "1700009999.000001", "channel_id": bbChannel, "is_ephemeral": false}
		var blocks any
		json.Unmarshal([]byte(c.Form.Get("blocks")), &blocks)
		p["message"] = map[string]any{"type": "message", "subtype": "bot_message", "text": c.Form.Get("text"), "ts": "1700009999.000001", "thread_ts": ts, "bot_id": "B0BB00001", "app_id": bbAppID, "blocks": blocks}
		js, _ := json.Marshal(p)
		if r := s.postSlack(t, "/slack/interactions", bbForm, []byte(url.Values{"payload": {string(js)}}.Encode())); r.Status != 200 {
			t.Fatalf("click on the public reply: status %d, want 200; body %q", r.Status, r.Body)
		}
		hook, viaHook := s.hooks.wait(func(c bbCall) bool { return c.Path == path })
		if !viaHook {
			if _, ok := s.slack.wait(func(c bbCall) bool { return strings.HasSuffix(c.Path, "chat.postEphemeral") }); !ok {
				t.Fatalf("click on the public reply: nothing posted (response_url or chat.postEphemeral) within %v", bbWaitAsync)
			}
			return
		}
		var raw map[string]any
		if err := json.Unmarshal(hook.Body, &raw); err != nil {
			t.Fatalf("response_url body is not JSON: %v", err)
		}
		if raw["replace_original"] == true {
			t.Errorf("a click on the public mention reply replaced it for everyone (replace_original=true); want a new ephemeral message")
		}
		if rt, ok := raw["response_type"]; ok && rt != "ephemeral" {
			t.Errorf("a click on the public mention reply answered with response_type %v, want ephemeral", rt)
		}
		var msg slack.Msg
		if err := json.Unmarshal(hook.Body, &msg); err == nil {
			bbCheckSlackMessage(t, "click on the public reply", msg, hook.Body)
		}
	})

	t.Run("slack/dm-event", func(t *testing.T) {
		const dm = "D0BB00002"
		envelope := func(id string, event string) []byte {
			return []byte(fmt.Sprintf(`{"token":"Jhj5dZrVaK7ZwHHjRyZWjbDl","team_id":%q,"api_app_id":%q,"event":%s,"type":"event_callback","event_id":%q,"event_time":1700000400,"authorizations":[{"enterprise_id":null,"team_id":%q,"user_id":%q,"is_bot":true,"is_enterprise_install":false}],"is_ext_shared_channel":false,"event_context":"4-eyJldCI6Im1lc3NhZ2UifQ"}`,
				bbTeam, bbAppID, event, id, bbTeam, bbBotUser))
		}
		// Slack delivers the bot's own replies and edits in the DM as
		// message.im events too: answering them would loop.
		own := fmt.Sprintf(`{"type":"message","subtype":"bot_message","text":"Forgot your password","ts":"1700000401.000100","bot_id":"B0BB00001","app_id":%q,"channel":%q,"event_ts":"1700000401.000100","channel_type":"im"}`, bbAppID, dm)
		ownUser := fmt.Sprintf(`{"type":"message","user":%q,"bot_id":"B0BB00001","app_id":%q,"text":"Forgot your password","ts":"1700000402.000100","team":%q,"bot_profile":{"id":"B0BB00001","app_id":%q,"name":"kaiketsu","deleted":false,"team_id":%q},"channel":%q,"event_ts":"1700000402.000100","channel_type":"im"}`, bbBotUser, bbAppID, bbTeam, bbAppID, bbTeam, dm)
		edited := fmt.Sprintf(`{"type":"message","subtype":"message_changed","hidden":true,"message":{"type":"message","user":"UEN000012","text":"I forgot my password!","ts":"1700000300.000100","edited":{"user":"UEN000012","ts":"1700000403.000000"}},"channel":%q,"previous_message":{"type":"message","user":"UEN000012","text":"I forgot my password","ts":"1700000300.000100"},"event_ts":"1700000403.000100","ts":"1700000403.000100","channel_type":"im"}`, dm)
		person := fmt.Sprintf(`{"client_msg_id":"7c1f2d2e-1111-4bd1-9d51-000000000001","type":"message","text":"I forgot my password","user":"UEN000012","ts":"1700000404.000100","team":%q,"channel":%q,"event_ts":"1700000404.000100","channel_type":"im"}`, bbTeam, dm)
		for i, ev := range []string{own, ownUser, edited, person} {
			if r := s.postSlack(t, "/slack/events", "application/json", envelope(fmt.Sprintf("Ev0BB00001%02d", i), ev)); r.Status != 200 {
				t.Fatalf("message.im event %d: status %d, want 200; body %q", i, r.Status, r.Body)
			}
		}
		c, ok := s.slack.wait(func(c bbCall) bool {
			return strings.HasSuffix(c.Path, "chat.postMessage") && c.Form.Get("channel") == dm
		})
		if !ok {
			t.Fatalf("a DM got no reply within %v", bbWaitAsync)
		}
		if got := c.Form.Get("thread_ts"); got != "1700000404.000100" {
			t.Errorf("DM reply thread_ts %q, want the message's ts 1700000404.000100", got)
		}
		time.Sleep(300 * time.Millisecond)
		if n := len(s.slack.matching(func(c bbCall) bool {
			return strings.HasSuffix(c.Path, "chat.postMessage") && c.Form.Get("channel") == dm
		})); n != 1 {
			t.Errorf("%d replies in the DM, want 1: the bot's own messages and edits must not be answered", n)
		}
	})

	// ---------------------------------------------------------------- Discord

	t.Run("discord/ping", func(t *testing.T) {
		body := []byte(`{"application_id":"` + bbDiscordApp + `","entitlements":[],"id":"1300000000000000020","token":"aW50ZXJhY3Rpb246cGluZw","type":1,"user":{"avatar":null,"discriminator":"0","global_name":"Dev","id":"1300000000000000021","public_flags":0,"username":"dev"},"version":1}`)
		r := s.postDiscord(t, body)
		if r.Status != 200 {
			t.Fatalf("PING: status %d, want 200; body %q", r.Status, r.Body)
		}
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
			t.Errorf("PING: Content-Type %q, want application/json", r.Header.Get("Content-Type"))
		}
		var v map[string]any
		if err := json.Unmarshal(r.Body, &v); err != nil || len(v) != 1 || v["type"] != float64(1) {
			t.Errorf(`PING: body %q, want {"type":1}`, r.Body)
		}
	})

	t.Run("discord/signature", func(t *testing.T) {
		body := []byte(`{"application_id":"` + bbDiscordApp + `","id":"1300000000000000022","token":"dG9rZW4","type":1,"version":1}`)
		now := time.Now()
		good := s.discordHeaders(body, now)
		_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
		ts := good["X-Signature-Timestamp"]
		other := hex.EncodeToString(ed25519.Sign(otherKey, append([]byte(ts), body...)))
		flipped := bbCorruptHex(good["X-Signature-Ed25519"])
		for _, tc := range []struct {
			name string
			hdr  map[string]string
			body []byte
		}{
			{"no headers", nil, body},
			{"no signature", map[string]string{"X-Signature-Timestamp": ts}, body},
			{"no timestamp", map[string]string{"X-Signature-Ed25519": good["X-Signature-Ed25519"]}, body},
			{"flipped signature", map[string]string{"X-Signature-Ed25519": flipped, "X-Signature-Timestamp": ts}, body},
			{"another key", map[string]string{"X-Signature-Ed25519": other, "X-Signature-Timestamp": ts}, body},
			{"not hex", map[string]string{"X-Signature-Ed25519": "zz", "X-Signature-Timestamp": ts}, body},
			{"other timestamp", map[string]string{"X-Signature-Ed25519": good["X-Signature-Ed25519"], "X-Signature-Timestamp": strconv.FormatInt(now.Unix()+1, 10)}, body},
			{"body changed", good, append(bytes.TrimSuffix(bytes.Clone(body), []byte("}")), []byte(`,"x":1}`)...)},
			{"10 minutes old", s.discordHeaders(body, now.Add(-10*time.Minute)), body},
			{"10 minutes ahead", s.discordHeaders(body, now.Add(10*time.Minute)), body},
		} {
			r := s.do(t, "POST", "/discord/interactions", "application/json", tc.body, tc.hdr)
			if r.Status != 401 {
				t.Errorf("%s: status %d, want 401; body %q", tc.name, r.Status, r.Body)
			}
			bbNoStackTrace(t, tc.name, r.Body)
		}
	})

	t.Run("discord/oversized", func(t *testing.T) {
		big := s.interaction(2, "1300000000000000030", "en-US", s.commandData(map[string]any{"name": "symptom", "type": 3, "value": strings.Repeat("a", 100<<10)}), nil)
		if r := s.postDiscord(t, big); r.Status != http.StatusRequestEntityTooLarge {
			t.Errorf("100 KiB interaction: status %d, want 413", r.Status)
		}
	})

	t.Run("discord/command-languages", func(t *testing.T) {
		ja, en := "パスワードを忘れた", "I forgot my password"
		a := s.command(t, "1300000000000000031", "ja", &ja)
		if !bbHasJapanese(a.text()) {
			t.Errorf("Japanese symptom, locale ja: answer not in Japanese:\n%s", a.text())
		}
		for _, b := range a.buttons() {
			if !bbHasJapanese(b.Label) {
				t.Errorf("Japanese answer has button %q", b.Label)
			}
		}
		if len(a.Embeds) == 0 {
			t.Errorf("want an embed with the cause and step, got %s", a.Raw)
		}
		b := s.command(t, "1300000000000000032", "en-US", &en)
		for _, e := range b.Embeds {
			if bbHasJapanese(e.Title) {
				t.Errorf("English symptom, locale en-US: embed title %q in Japanese", e.Title)
			}
		}
		for _, btn := range b.buttons() {
			if bbHasJapanese(btn.Label) {
				t.Errorf("English answer has button %q", btn.Label)
			}
		}
		for _, intent := range []string{"fixed", "next", "person"} {
			if _, ok := bbFind(b.buttons(), intent); !ok {
				t.Errorf("no %q button among %q", intent, bbLabels(b.buttons()))
			}
		}
		// No symptom: the menu, in the interaction's locale.
		m := s.command(t, "1300000000000000033", "ja", nil)
		if !bbHasJapanese(m.text() + strings.Join(bbLabels(m.buttons()), "")) {
			t.Errorf("no symptom, locale ja: menu not in Japanese:\n%s", m.text())
		}
		topics := 0
		for _, b := range m.buttons() {
			if _, ok := bbChoice([]bbButton{b}); ok {
				topics++
			}
		}
		if topics < s.topics {
			t.Errorf("no symptom: %d topic buttons, want %d: %q", topics, s.topics, bbLabels(m.buttons()))
		}
	})

	t.Run("discord/walkthrough-to-resolved", func(t *testing.T) {
		const user = "1300000000000000034"
		sym := "I forgot my password"
		first := s.command(t, user, "en-US", &sym)
		cur := first
		step := func(intent string) {
			t.Helper()
			bs := cur.buttons()
			b, ok := bbFind(bs, intent)
			if !ok && intent == "next" {
				b, ok = bbChoice(bs)
			}
			if !ok {
				t.Fatalf("no %q button; buttons %q\n%s", intent, bbLabels(bs), cur.text())
			}
			prev := cur.text()
			cur = s.press(t, user, "en-US", cur, b.ActionID, b.Label)
			if cur.text() == prev {
				t.Errorf("press %q did not change the message", b.Label)
			}
		}
		step("next")
		step("back")
		if got, want := cur.text(), first.text(); got != want {
			t.Errorf("back did not return to the first step:\ngot:\n%s\nwant:\n%s", got, want)
		}
		step("next")
		step("next")
		for i := 0; i < 4; i++ {
			if _, ok := bbFind(cur.buttons(), "fixed"); ok {
				break
			}
			step("next")
		}
		step("fixed")
		for _, intent := range []string{"fixed", "next", "back"} {
			if _, ok := bbFind(cur.buttons(), intent); ok {
				t.Errorf("the resolved message still offers %q: %q", intent, bbLabels(cur.buttons()))
			}
		}
		if !strings.Contains(strings.ToLower(cur.text()), "fixed") {
			t.Errorf("the last message does not say it is resolved:\n%s", cur.text())
		}
	})

	t.Run("discord/forged-custom-id", func(t *testing.T) {
		const user = "1300000000000000035"
		sym := "I forgot my password"
		a := s.command(t, user, "en-US", &sym)
		next, ok := bbFind(a.buttons(), "next")
		if !ok {
			t.Fatalf("no next button: %q", bbLabels(a.buttons()))
		}
		for name, id := range map[string]string{"tampered": bbCorrupt(next.ActionID), "garbage": "give_me_admin"} {
			got := s.press(t, user, "en-US", a, id, name)
			text := strings.ToLower(got.text() + " " + strings.Join(bbLabels(got.buttons()), " "))
			if !strings.Contains(text, "start over") {
				t.Errorf("%s custom_id: want a friendly start-over message, got:\n%s", name, got.text())
			}
			if _, ok := bbFind(got.buttons(), "fixed"); ok {
				t.Errorf("%s custom_id advanced the walkthrough: %q", name, bbLabels(got.buttons()))
			}
		}
	})

	t.Run("discord/autocomplete", func(t *testing.T) {
		for _, tc := range []struct{ locale, typed string }{{"en-US", "pass"}, {"en-US", ""}, {"ja", "パス"}} {
			data := s.commandData(map[string]any{"name": "symptom", "type": 3, "value": tc.typed, "focused": true})
			data["version"] = "1300000000000000011"
			what := fmt.Sprintf("autocomplete %q (%s)", tc.typed, tc.locale)
			a := bbDecodeDiscord(t, what, s.postDiscord(t, s.interaction(4, "1300000000000000036", tc.locale, data, nil)))
			if a.Type != discordgo.InteractionApplicationCommandAutocompleteResult {
				t.Fatalf("%s: response type %d, want 8; body %s", what, a.Type, a.Raw)
			}
			if n := len(a.Choices); n == 0 || n > 25 {
				t.Errorf("%s: %d choices, want 1..25", what, n)
			}
			for _, c := range a.Choices {
				if n := utf8.RuneCountInString(c.Name); n < 1 || n > 100 {
					t.Errorf("%s: choice name %q is %d characters, Discord allows 1..100", what, c.Name, n)
				}
				v, ok := c.Value.(string)
				if !ok || utf8.RuneCountInString(v) < 1 || utf8.RuneCountInString(v) > 100 {
					t.Errorf("%s: choice value %#v must be a string of 1..100 characters", what, c.Value)
				}
			}
			if tc.typed == "pass" && len(a.Choices) > 0 && !strings.Contains(strings.ToLower(a.Choices[0].Name), "password") {
				t.Errorf("%s: first choice %q, want one about the password", what, a.Choices[0].Name)
			}
			if tc.locale == "ja" && len(a.Choices) > 0 && !bbHasJapanese(a.Choices[0].Name) {
				t.Errorf("%s: first choice %q is not in Japanese", what, a.Choices[0].Name)
			}
		}
	})

	t.Run("discord/dm-command", func(t *testing.T) {
		// In a DM there is no member and no guild: the user is in "user".
		in := map[string]any{
			"app_permissions":                "562949953601536",
			"application_id":                 bbDiscordApp,
			"attachment_size_limit":          10485760,
			"authorizing_integration_owners": map[string]any{"0": bbGuild},
			"channel":                        map[string]any{"flags": 0, "id": "1300000000000000040", "last_message_id": nil, "recipients": []any{bbDiscordUser("1300000000000000041")}, "type": 1},
			"channel_id":                     "1300000000000000040",
			"context":                        1,
			"data":                           s.commandData(map[string]any{"name": "symptom", "type": 3, "value": "I forgot my password"}),
			"entitlements":                   []any{},
			"id":                             s.snowflake(),
			"locale":                         "en-GB",
			"token":                          "aW50ZXJhY3Rpb246ZG0",
			"type":                           2,
			"user":                           bbDiscordUser("1300000000000000041"),
			"version":                        1,
		}
		body, _ := json.Marshal(in)
		a := bbDecodeDiscord(t, "/support in a DM", s.postDiscord(t, body))
		if a.Type != discordgo.InteractionResponseChannelMessageWithSource {
			t.Fatalf("/support in a DM: response type %d, want 4; body %s", a.Type, a.Raw)
		}
		if a.Flags&discordgo.MessageFlagsEphemeral == 0 {
			t.Errorf("/support in a DM: flags %d lack EPHEMERAL (64)", a.Flags)
		}
		bbCheckDiscordMessage(t, "/support in a DM", a)
		if _, ok := bbFind(a.buttons(), "next"); !ok {
			t.Errorf("/support in a DM: want the walkthrough, got %q\n%s", bbLabels(a.buttons()), a.text())
		}
	})

	t.Run("discord/pasted-code", func(t *testing.T) {
		sym := "my code is 482913 what now"
		a := s.command(t, "1300000000000000043", "en-US", &sym)
		if bytes.Contains(a.Raw, []byte("482913")) {
			t.Errorf("the answer echoes the pasted code: %s", a.Raw)
		}
		if !strings.Contains(strings.ToLower(a.text()), "never share") {
			t.Errorf("want the never-share warning, got:\n%s", a.text())
		}
	})

	t.Run("discord/rate-limited-person-still-answered", func(t *testing.T) {
		sym := "I forgot my password"
		var first, last string
		for i := 0; i < 14; i++ {
			a := s.command(t, "1300000000000000044", "en-US", &sym)
			if i == 0 {
				first = a.text()
			}
			last = a.text()
		}
		if last == first {
			t.Errorf("14 commands at once from one person were all answered in full; README: KAIKETSU_RATE_BURST 10")
		}
	})

	t.Run("discord/mentions-inert", func(t *testing.T) {
		const user = "1300000000000000042"
		sym := "my zorbulator jams"
		a := s.command(t, user, "en-US", &sym)
		if !strings.Contains(a.text(), "Zorbulator") {
			t.Fatalf("the probe playbook (KAIKETSU_KB_DIR) was not diagnosed:\n%s", a.text())
		}
		inert := func(what string, a bbDiscordAnswer) {
			t.Helper()
			var am struct {
				Parse *[]string `json:"parse"`
			}
			hasMention := strings.Contains(a.Content, "@everyone") || strings.Contains(a.Content, "@here") || strings.Contains(a.Content, "<@")
			if raw, ok := a.RawData["allowed_mentions"]; ok && json.Unmarshal(raw, &am) == nil && am.Parse != nil && len(*am.Parse) == 0 {
				return
			}
			if hasMention {
				t.Errorf("%s: content has a mention and allowed_mentions does not turn parsing off: %s", what, a.Raw)
			}
		}
		inert("/support "+sym, a)
		person, ok := bbFind(a.buttons(), "person")
		if !ok {
			t.Fatalf("no talk-to-a-person button: %q", bbLabels(a.buttons()))
		}
		h := s.press(t, user, "en-US", a, person.ActionID, person.Label)
		if !strings.Contains(h.text(), "U0BBOTHER") {
			t.Errorf("the hand-off answer does not give the playbook's contact:\n%s", h.text())
		}
		inert("talk to a person", h)
	})

	t.Run("discord/malformed-and-unknown", func(t *testing.T) {
		r := s.postDiscord(t, []byte(`{"type":2,"data":{"name":"support"`))
		if r.Status != 400 {
			t.Errorf("malformed JSON: status %d, want 400; body %q", r.Status, r.Body)
		}
		bbNoStackTrace(t, "malformed JSON", r.Body)
		for name, body := range map[string][]byte{
			"type 99":        s.interaction(99, "1300000000000000037", "en-US", map[string]any{}, nil),
			"type as string": []byte(`{"type":"ping","id":"1","application_id":"` + bbDiscordApp + `","token":"x","version":1}`),
		} {
			r := s.postDiscord(t, body)
			if r.Status < 400 || r.Status >= 500 {
				t.Errorf("%s: status %d, want 4xx; body %q", name, r.Status, r.Body)
			}
			bbNoStackTrace(t, name, r.Body)
		}
	})

	// ---------------------------------------------------------------- stop

	code := s.stop(t)
	logs := s.logs.String()
	if code != 0 {
		t.Errorf("kaiketsu serve exited %d after SIGTERM, want 0; log:\n%s", code, logs)
	}
	for _, secret := range []string{bbSigningSecret, bbStateKey, bbBotToken, "Zebra-Quartz-917", "482913", "train to Osaka", "zorbulator jams"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log contains %q (secrets and message text must never be logged)", secret)
		}
	}
	for _, s := range []string{"panic", "goroutine "} {
		if strings.Contains(logs, s) {
			t.Errorf("the log shows %q:\n%s", s, logs)
		}
	}
	// The outcomes reached the store: both walkthroughs ended resolved.
	st := exec.Command(s.bin, "stats", "--json")
	st.Env = append(os.Environ(), "KAIKETSU_DATABASE_URL="+s.dbURL)
	out, err := st.Output()
	if err != nil {
		t.Fatalf("kaiketsu stats: %v", err)
	}
	var stats struct {
		Total struct {
			Resolved int `json:"resolved"`
		} `json:"total"`
	}
	if err := json.Unmarshal(out, &stats); err != nil {
		t.Fatalf("kaiketsu stats --json: %v\n%s", err, out)
	}
	if stats.Total.Resolved < 2 {
		t.Errorf("kaiketsu stats counts %d resolved walkthroughs, want at least 2 (Slack and Discord):\n%s", stats.Total.Resolved, out)
	}
	if t.Failed() {
		t.Logf("server log:\n%s", logs)
	}
}
