// Package discord is the Discord edge of Kaiketsu: the /support slash
// command, its autocomplete and the walkthrough buttons, received over the
// HTTP interactions endpoint (Ed25519-verified) or over the Gateway, and
// the hand-off cards posted to the support channel.
//
// Both ways in share one path: an interaction is decoded into discordgo's
// types and answered by Handler.Respond; the HTTP endpoint writes the
// answer in its response, the Gateway posts it to the callback endpoint.
package discord

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bwmarrin/discordgo"
	"github.com/kaiketsu/kaiketsu/core"
)

// Platform is the name hand-offs and outcomes record for Discord.
const Platform = "discord"

// MaxBody is the largest interaction accepted over HTTP. Discord's own
// are a few KiB; a component click carries the whole message, still far
// below this.
const MaxBody = 64 << 10

// MaxSkew is how old (or how far in the future) a signed request's
// timestamp may be. Discord documents no replay window; five minutes, as
// Slack uses, rejects a captured request replayed later while tolerating
// clock drift.
const MaxSkew = 5 * time.Minute

// OptionSymptom is the /support command's one option.
const OptionSymptom = "symptom"

// Options configure a Handler.
type Options struct {
	Engine *core.Engine
	// PublicKey verifies requests to the HTTP endpoint.
	PublicKey ed25519.PublicKey
	// Client makes REST calls (Gateway replies, hand-off cards, DMs); nil
	// without a bot token.
	Client *Client
	// SupportChannel is where hand-off cards go; "" posts none.
	SupportChannel string
	// TeamLang is the language of hand-off cards ("" for the engine's
	// default).
	TeamLang string
	Logger   *slog.Logger
	Now      func() time.Time
	// CardBackoff is how posting a hand-off card is retried (zero:
	// CardBackoff, about two minutes).
	CardBackoff Backoff
	// OnCardRetry, when set, is called each time posting a hand-off card
	// is retried (for metrics).
	OnCardRetry func()
}

// Handler answers Discord interactions. It is an http.Handler for
// POST /discord/interactions and also serves the Gateway (RunGateway).
type Handler struct {
	eng      *core.Engine
	key      ed25519.PublicKey
	client   *Client
	channel  string
	teamLang string
	log      *slog.Logger
	now      func() time.Time
	onRetry  func()
	backoff  Backoff

	// Posts to Discord that outlive the interaction (hand-off cards, DMs),
	// so that Drain can wait for them at shutdown and cancel what is left.
	bg      context.Context
	stopBg  context.CancelFunc
	pending sync.WaitGroup
}

// New returns a handler.
func New(opt Options) *Handler {
	h := &Handler{
		eng: opt.Engine, key: opt.PublicKey, client: opt.Client, channel: opt.SupportChannel,
		teamLang: opt.TeamLang, log: opt.Logger, now: opt.Now, onRetry: opt.OnCardRetry, backoff: opt.CardBackoff,
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.teamLang == "" {
		h.teamLang = h.eng.Lang("", "")
	}
	if h.client == nil {
		h.channel = ""
	}
	if h.backoff.Attempts == 0 {
		h.backoff = CardBackoff
	}
	h.bg, h.stopBg = context.WithCancel(context.Background())
	return h
}

// Drain waits for pending posts (hand-off cards, DMs) until ctx is done,
// then cancels the rest. Hand-offs whose card was not posted are still in
// the store (`kaiketsu handoffs` lists them).
func (h *Handler) Drain(ctx context.Context) error {
	done := make(chan struct{})
	go func() { h.pending.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		h.stopBg()
		<-done
		return fmt.Errorf("posts to Discord still pending at shutdown: %w", ctx.Err())
	}
}

// later runs f in the background, tracked by Drain.
func (h *Handler) later(f func(ctx context.Context)) {
	h.pending.Add(1)
	go func() {
		defer h.pending.Done()
		defer h.recovered("background post")
		f(h.bg)
	}()
}

// recovered logs a panic in work that runs outside an HTTP request (the
// Gateway's handlers, background posts), where nothing else would catch
// it and the whole process would stop. Deferred directly.
func (h *Handler) recovered(what string) {
	if r := recover(); r != nil {
		h.log.Error("discord: "+what+" panicked", "panic", fmt.Sprint(r))
	}
}

// errNoUser refuses a command or click that names nobody. Discord sends
// the member (in a guild) or the user (in a DM) with every one; without
// it, the answer would come from a rate-limit bucket shared by all such
// requests.
var errNoUser = errors.New("interaction without a member or user")

// ErrUnsupported is returned by Respond for interaction types Kaiketsu
// does not handle (modal submits, future types).
var ErrUnsupported = errors.New("unsupported interaction type")

// ServeHTTP serves Discord's interactions endpoint: the signature is
// checked before anything else is looked at.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sig, ts := r.Header.Get("X-Signature-Ed25519"), r.Header.Get("X-Signature-Timestamp")
	if sig == "" || ts == "" {
		unread(w)
		h.reject(w, http.StatusUnauthorized, "missing request signature")
		return
	}
	// What can be refused without the body is refused before reading it:
	// a client that declares more than it sends would otherwise hold the
	// connection until the read timeout.
	if len(sig) != 2*ed25519.SignatureSize {
		unread(w)
		h.log.InfoContext(r.Context(), "discord: rejected request with an invalid signature")
		h.reject(w, http.StatusUnauthorized, "invalid request signature")
		return
	}
	if r.ContentLength > MaxBody {
		unread(w)
		h.reject(w, http.StatusRequestEntityTooLarge, "request body too large")
		return
	}
	bp := bodyBufs.Get().(*[]byte)
	defer putBody(bp)
	// The body is read after the timestamp: the signed message is the two
	// together, verified where it lies.
	msg, err := readBody((*bp)[:0], ts, http.MaxBytesReader(w, r.Body, MaxBody))
	*bp = msg
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			h.reject(w, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		h.reject(w, http.StatusBadRequest, "could not read request body")
		return
	}
	body := msg[len(ts):]
	if len(h.key) != ed25519.PublicKeySize || !verify(h.key, sig, msg) {
		h.log.InfoContext(r.Context(), "discord: rejected request with an invalid signature")
		h.reject(w, http.StatusUnauthorized, "invalid request signature")
		return
	}
	if !h.fresh(ts) {
		h.log.WarnContext(r.Context(), "discord: rejected signed request with a stale timestamp")
		h.reject(w, http.StatusUnauthorized, "request timestamp too old")
		return
	}
	// Nothing decoded keeps a reference to body, which goes back to the
	// pool when this returns.
	in, err := decodeInteraction(body)
	if err != nil {
		h.reject(w, http.StatusBadRequest, "malformed interaction JSON")
		return
	}
	rep, err := h.respond(r.Context(), in)
	if err != nil {
		h.reject(w, http.StatusBadRequest, err.Error())
		return
	}
	writeReply(w, &rep)
}

// verify checks sig (hex) over msg (the timestamp, then the body) as
// discordgo.VerifyInteraction does: the signature must be 64 bytes of hex
// and verify with key, which must be ed25519.PublicKeySize long. Unlike
// VerifyInteraction it copies neither the body nor the signature.
func verify(key ed25519.PublicKey, sig string, msg []byte) bool {
	var raw [ed25519.SignatureSize]byte
	if len(sig) != 2*len(raw) {
		return false
	}
	for i := range raw {
		hi, ok1 := unhex(sig[2*i])
		lo, ok2 := unhex(sig[2*i+1])
		if !ok1 || !ok2 {
			return false
		}
		raw[i] = hi<<4 | lo
	}
	return ed25519.Verify(key, msg, raw[:])
}

// unhex is one hex digit's value, either case as encoding/hex accepts.
func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// bodyBufs holds the buffers request bodies are read into: a click, the
// largest interaction Kaiketsu gets, is a few KiB.
var bodyBufs = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}

func putBody(bp *[]byte) {
	// A buffer grown for an unusually large body is not kept.
	if cap(*bp) <= 16<<10 {
		bodyBufs.Put(bp)
	}
}

// readBody appends prefix and then all of r to buf, as io.ReadAll reads.
func readBody(buf []byte, prefix string, r io.Reader) ([]byte, error) {
	buf = append(buf, prefix...)
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
	}
}

// respBufs holds the buffers responses are written into: a response is a
// few KiB, copied into the reply as soon as it is written.
var respBufs = sync.Pool{New: func() any { b := make([]byte, 0, 8192); return &b }}

// jsonContentType is the Content-Type of every response, one slice shared
// by all: net/http only reads it.
var jsonContentType = []string{"application/json"}

// writeResponse writes resp as writeJSON(w, http.StatusOK, wire(resp))
// does, written directly where appendResponse can.
func writeResponse(w http.ResponseWriter, resp *discordgo.InteractionResponse) {
	writeReply(w, &reply{resp: resp})
}

// writeReply writes r as writeResponse(w, r.response()) does.
func writeReply(w http.ResponseWriter, r *reply) {
	bp := respBufs.Get().(*[]byte)
	js, ok := r.appendJSON((*bp)[:0])
	if !ok {
		respBufs.Put(bp)
		writeJSON(w, http.StatusOK, wire(r.response()))
		return
	}
	h := w.Header()
	h["Content-Type"] = jsonContentType
	// With its length known, the response goes out as one plain body: one
	// over 2 KiB without it is sent chunked, in more pieces.
	h["Content-Length"] = []string{strconv.Itoa(len(js))}
	w.WriteHeader(http.StatusOK)
	w.Write(js)
	// A buffer grown for an unusually large response is not kept.
	if cap(js) <= 64<<10 {
		*bp = js
		respBufs.Put(bp)
	}
}

// wire is the JSON form of a response. discordgo's InteractionResponseData
// sends content, components and embeds even when empty; an autocomplete
// result is sent as Discord documents it, with its choices only.
func wire(r *discordgo.InteractionResponse) any {
	if r.Type != discordgo.InteractionApplicationCommandAutocompleteResult || r.Data == nil {
		return r
	}
	type choices struct {
		Choices []*discordgo.ApplicationCommandOptionChoice `json:"choices"`
	}
	return struct {
		Type discordgo.InteractionResponseType `json:"type"`
		Data choices                           `json:"data"`
	}{r.Type, choices{r.Data.Choices}}
}

// fresh reports whether a signed timestamp (unix seconds) is within MaxSkew
// of now.
func (h *Handler) fresh(ts string) bool {
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil {
		return false
	}
	d := h.now().Sub(time.Unix(sec, 0))
	return d <= MaxSkew && d >= -MaxSkew
}

// unread marks a response to a request whose body was not read: the
// connection is closed after it, so that net/http does not first wait for
// a body the client may never send (it reads what is left to reuse the
// connection, up to the read timeout).
func unread(w http.ResponseWriter) { w.Header().Set("Connection", "close") }

func (h *Handler) reject(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		http.Error(w, `{"error":"internal error"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// Respond answers one interaction, however it arrived.
func (h *Handler) Respond(ctx context.Context, in *discordgo.Interaction) (*discordgo.InteractionResponse, error) {
	r, err := h.respond(ctx, in)
	if err != nil {
		return nil, err
	}
	return r.response(), nil
}

// respond is Respond with an answer kept as the engine gave it, for the
// HTTP endpoint to write directly.
func (h *Handler) respond(ctx context.Context, in *discordgo.Interaction) (reply, error) {
	start := h.now()
	var (
		r   reply
		err error
	)
	switch in.Type {
	case discordgo.InteractionPing:
		return reply{resp: &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}}, nil
	case discordgo.InteractionApplicationCommand:
		r, err = h.command(ctx, in)
	case discordgo.InteractionApplicationCommandAutocomplete:
		r.resp, err = h.autocomplete(in)
	case discordgo.InteractionMessageComponent:
		r, err = h.component(ctx, in)
	default:
		err = fmt.Errorf("%w %d", ErrUnsupported, in.Type)
	}
	if err != nil {
		h.log.WarnContext(ctx, "discord: interaction not answered", "interaction", in.ID, "type", int(in.Type), "err", err)
		return reply{}, err
	}
	// Checked first: the arguments would be made (and allocated) even for
	// a logger that drops them.
	if h.log.Enabled(ctx, slog.LevelDebug) {
		h.log.DebugContext(ctx, "discord: answered", "interaction", in.ID, "type", int(in.Type), "response", int(r.responseType()), "took", h.now().Sub(start).String())
	}
	return r, nil
}

// request is what the engine needs to know about who asked, and where.
func (h *Handler) request(in *discordgo.Interaction) core.Request {
	req := core.Request{Platform: Platform, ChannelID: in.ChannelID, Locale: string(in.Locale)}
	u := in.User
	if in.Member != nil && in.Member.User != nil {
		u = in.Member.User // in a guild; User is set only in DMs
	}
	if u != nil {
		req.UserID = u.ID
		req.UserName = u.GlobalName
		if req.UserName == "" {
			req.UserName = u.Username
		}
	}
	return req
}

// maxIDLen bounds a Discord id: snowflakes are at most 20 digits. An id
// becomes a key of the rate limiter and the store, and a signed
// interaction with a 40 KB user id (a leaked key, a bug) must not fill
// them.
const maxIDLen = 32

// plausibleID reports whether id could be a Discord id: digits, no longer
// than maxIDLen.
func plausibleID(id string) bool {
	return id != "" && len(id) <= maxIDLen && strings.Trim(id, "0123456789") == ""
}

func (h *Handler) command(ctx context.Context, in *discordgo.Interaction) (reply, error) {
	data, ok := in.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return reply{}, errors.New("application command without data")
	}
	// Bulk registration makes /support the application's only command, so
	// the name is not checked: any command is a request for help.
	req := h.request(in)
	if !plausibleID(req.UserID) || (req.ChannelID != "" && !plausibleID(req.ChannelID)) {
		return reply{}, errNoUser
	}
	req.Text = strings.TrimSpace(symptom(data.Options))
	a := h.eng.Ask(ctx, req)
	h.logAnswer(ctx, in, a)
	return answerReply(discordgo.InteractionResponseChannelMessageWithSource, discordgo.MessageFlagsEphemeral, a), nil
}

// symptom returns the text of the symptom option ("" when left out).
func symptom(opts []*discordgo.ApplicationCommandInteractionDataOption) string {
	for _, o := range opts {
		// A null in the list is decoded as a nil option.
		if o != nil && o.Name == OptionSymptom && o.Type == discordgo.ApplicationCommandOptionString {
			if s, ok := o.Value.(string); ok {
				return s
			}
		}
	}
	return ""
}

func (h *Handler) component(ctx context.Context, in *discordgo.Interaction) (reply, error) {
	data, ok := in.Data.(discordgo.MessageComponentInteractionData)
	if !ok {
		return reply{}, errors.New("component interaction without data")
	}
	req := h.request(in)
	if !plausibleID(req.UserID) || (req.ChannelID != "" && !plausibleID(req.ChannelID)) {
		return reply{}, errNoUser
	}
	if strings.HasPrefix(data.CustomID, cardPrefix) {
		return reply{resp: h.cardAction(ctx, in, data.CustomID)}, nil
	}
	req.Token = data.CustomID
	a, err := h.eng.Press(ctx, req)
	if err != nil {
		// A forged, truncated or outdated button: never an error to the
		// person, the friendly "start over" in place of the old message.
		var te *core.TokenError
		if !errors.As(err, &te) {
			h.log.ErrorContext(ctx, "discord: press", "interaction", in.ID, "err", err)
		}
		a = h.eng.StartOver(req, err)
	}
	h.logAnswer(ctx, in, a)
	if a.Kind == core.KindHandoff && a.Handoff != nil {
		h.postCard(a.Handoff)
	}
	if a.Kind == core.KindSlowDown {
		// A new private message beside the walkthrough, never in its
		// place, so that its buttons still work once the person has waited.
		return answerReply(discordgo.InteractionResponseChannelMessageWithSource, discordgo.MessageFlagsEphemeral, a), nil
	}
	return answerReply(discordgo.InteractionResponseUpdateMessage, 0, a), nil
}

// logAnswer logs ids only: never the person's text.
func (h *Handler) logAnswer(ctx context.Context, in *discordgo.Interaction, a core.Answer) {
	// Debug: at info, httplog's access line is the one per request.
	if !h.log.Enabled(ctx, slog.LevelDebug) {
		return
	}
	h.log.DebugContext(ctx, "discord: answer", "interaction", in.ID, "kind", a.Kind.String(),
		"playbook", a.Playbook, "topic", a.Topic, "step", a.Step, "lang", a.Lang)
}
