package slack

import (
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/slack-go/slack"
	"github.com/slack-go/slack/slackevents"
)

// Mount registers the three Slack endpoints on mux.
func (b *Bot) Mount(mux *http.ServeMux) {
	mux.HandleFunc("POST /slack/commands", b.Commands)
	mux.HandleFunc("POST /slack/interactions", b.Interactions)
	mux.HandleFunc("POST /slack/events", b.Events)
}

// verified reads the body of a request from Slack and checks its
// signature before anything looks at the content. It answers 401 for a
// missing, wrong or stale signature and 413 for a body over 64 KiB, and
// then returns ok false.
func (b *Bot) verified(w http.ResponseWriter, r *http.Request) (body []byte, ok bool) {
	if b.opt.SigningSecret == "" {
		http.Error(w, "Slack HTTP endpoints are not configured", http.StatusNotFound)
		return nil, false
	}
	// Headers first: no point reading a body whose signature is missing
	// or whose timestamp is outside the five-minute window.
	sh, err := b.signer.headers(r.Header, time.Now())
	if err != nil {
		closeUnread(w)
		b.log.WarnContext(r.Context(), "slack: rejected request", "path", r.URL.Path, "reason", err.Error())
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	if r.ContentLength > maxBody {
		closeUnread(w)
		http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
		return nil, false
	}
	body, err = readBody(http.MaxBytesReader(w, r.Body, maxBody), r.ContentLength)
	if err != nil {
		if _, tooBig := err.(*http.MaxBytesError); tooBig {
			http.Error(w, "request body too large", http.StatusRequestEntityTooLarge)
			return nil, false
		}
		http.Error(w, "could not read request", http.StatusBadRequest)
		return nil, false
	}
	if !b.signer.valid(sh, body) {
		b.log.WarnContext(r.Context(), "slack: rejected request", "path", r.URL.Path, "reason", "signature does not match")
		http.Error(w, "invalid signature", http.StatusUnauthorized)
		return nil, false
	}
	return body, true
}

// preallocMax is the most of a declared body length readBody sets aside
// before reading: more than a slash command or a click carries.
const preallocMax = 16 << 10

// closeUnread marks a response to a request whose body was not read: the
// connection is closed after it, so that net/http does not first wait for
// a body the client may never send (it reads what is left to reuse the
// connection, up to the read timeout).
func closeUnread(w http.ResponseWriter) { w.Header().Set("Connection", "close") }

// readBody reads all of r as io.ReadAll does, into one buffer of the
// declared length when there is one (io.ReadAll starts at 512 bytes and
// grows, three allocations for a click's few KiB). The declaration is
// trusted up to preallocMax only: the signature is checked after the
// body is read, so a declared length is anyone's word, and a buffer
// beyond what commands and clicks need grows only as bytes arrive.
func readBody(r io.Reader, declared int64) ([]byte, error) {
	if declared <= 0 || declared > maxBody {
		return io.ReadAll(r)
	}
	buf := make([]byte, 0, min(declared, preallocMax)+1) // +1: room to see the end without growing
	for {
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if errors.Is(err, io.EOF) {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)] // longer than declared: grow as ReadAll would
		}
	}
}

// maxIDLen bounds a Slack id (user, channel, team: "U024BE7LH"), far
// above any Slack sends: an id becomes a key of the rate limiter, the
// locale cache and the store, and a signed request with a 40 KB user id
// (a leaked secret, a bug) must not fill them.
const maxIDLen = 64

// plausibleID reports whether id could be a Slack id: letters and digits,
// no longer than maxIDLen (a newline or a NUL in an id was stored in
// hand-offs; found by a second hostile run).
func plausibleID(id string) bool { return id != "" && len(id) <= maxIDLen && alnum(id) }

// okID reports whether an optional id is absent or plausible.
func okID(id string) bool { return id == "" || plausibleID(id) }

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c|0x20 >= 'a' && c|0x20 <= 'z') {
			return false
		}
	}
	return true
}

// isForm reports whether the request says its body is a form, as
// http.Request.ParseForm decides before it reads one. The handlers parse
// the verified body once themselves, where slack-go's parsers would clone
// the request and parse it again.
func isForm(r *http.Request) bool {
	ct := r.Header.Get("Content-Type")
	if ct == formContentType {
		return true
	}
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && mt == formContentType
}

const formContentType = "application/x-www-form-urlencoded"

// slashCommand reads the fields slack.SlashCommandParse reads, from a
// parsed form.
func slashCommand(q *form) slack.SlashCommand {
	return slack.SlashCommand{
		Token:               q.get("token"),
		TeamID:              q.get("team_id"),
		TeamDomain:          q.get("team_domain"),
		EnterpriseID:        q.get("enterprise_id"),
		EnterpriseName:      q.get("enterprise_name"),
		IsEnterpriseInstall: q.get("is_enterprise_install") == "true",
		ChannelID:           q.get("channel_id"),
		ChannelName:         q.get("channel_name"),
		UserID:              q.get("user_id"),
		UserName:            q.get("user_name"),
		Command:             q.get("command"),
		Text:                q.get("text"),
		ResponseURL:         q.get("response_url"),
		TriggerID:           q.get("trigger_id"),
		APIAppID:            q.get("api_app_id"),
	}
}

// jsonBufs holds the buffers replies are written into: a reply is a few
// KiB, copied into the response as soon as it is written.
var jsonBufs = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}

// jsonContentType is the Content-Type of every JSON reply, one slice
// shared by all: net/http only reads it.
var jsonContentType = []string{"application/json; charset=utf-8"}

func writeJSON(w http.ResponseWriter, r interface{ appendJSON([]byte) ([]byte, error) }) {
	bp := jsonBufs.Get().(*[]byte)
	js, err := r.appendJSON((*bp)[:0])
	if err != nil {
		jsonBufs.Put(bp)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	// With its length known, the reply goes out as one plain body: a
	// reply over 2 KiB without it is sent chunked, in more pieces.
	h["Content-Length"] = []string{strconv.Itoa(len(js))}
	w.Write(js)
	// A buffer grown for an unusually large reply is not kept.
	if cap(js) <= 64<<10 {
		*bp = js
		jsonBufs.Put(bp)
	}
}

// Commands answers the slash command within Slack's three seconds with an
// ephemeral message.
func (b *Bot) Commands(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
	if !ok {
		return
	}
	var q form
	err := q.parse(string(body))
	if err == nil && q.get("ssl_check") == "1" {
		// Slack checking the certificate: not a command.
		w.WriteHeader(http.StatusOK)
		return
	}
	if err != nil || !isForm(r) || !plausibleID(q.get("user_id")) || !okID(q.get("channel_id")) || !okID(q.get("team_id")) {
		http.Error(w, "malformed slash command", http.StatusBadRequest)
		return
	}
	writeJSON(w, answerReply{a: b.ask(r.Context(), slashCommand(&q)), iter: newIter()})
}

// Interactions acknowledges a click at once; the answer follows through
// the payload's response_url.
func (b *Bot) Interactions(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
	if !ok {
		return
	}
	var c click
	var q form
	err := q.parse(string(body))
	if err == nil && !isForm(r) {
		err = errors.New("not a form")
	}
	if err == nil {
		c, err = parseClick(q.get("payload"))
	}
	// A click is someone's: as a command without user_id, one without a
	// user is refused, not answered from a bucket every such click shares.
	if err == nil && (!plausibleID(c.UserID) || !okID(c.ChannelID)) {
		err = errors.New("no user")
	}
	if err != nil {
		// Not the error itself: a parser's message may quote the payload,
		// which holds the response_url (a capability to post as the app).
		b.log.WarnContext(r.Context(), "slack: malformed interaction payload", "bytes", len(body))
		http.Error(w, "malformed interaction payload", http.StatusBadRequest)
		return
	}
	w.WriteHeader(http.StatusOK)
	b.interaction(r.Context(), c)
}

// Events answers Slack's URL check and acknowledges events, which are
// handled after the ack.
func (b *Bot) Events(w http.ResponseWriter, r *http.Request) {
	body, ok := b.verified(w, r)
	if !ok {
		return
	}
	var outer struct {
		Type      string `json:"type"`
		Challenge string `json:"challenge"`
	}
	if err := json.Unmarshal(body, &outer); err != nil {
		http.Error(w, "malformed event", http.StatusBadRequest)
		return
	}
	if outer.Type == slackevents.URLVerification {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		io.WriteString(w, outer.Challenge)
		return
	}
	ev, err := slackevents.ParseEvent(json.RawMessage(body), slackevents.OptionNoVerifyToken())
	// An event type this bot does not handle still gets its 200: a non-200
	// makes Slack retry it, and eventually disable the subscription.
	w.WriteHeader(http.StatusOK)
	if err != nil {
		b.log.DebugContext(r.Context(), "slack: event not handled", "type", outer.Type, "err", err)
		return
	}
	b.event(r.Context(), ev)
}
