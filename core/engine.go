package core

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"
)

// Kind says what an Answer is, so adapters can choose how to show it.
type Kind int

// Answer kinds.
const (
	KindStep      Kind = iota // one step of a walkthrough
	KindChoose                // several causes fit: which is closest?
	KindMenu                  // the menu of topics (empty text, "help", start over)
	KindNoMatch               // nothing fits: what Kaiketsu can help with
	KindResolved              // the person says it is fixed
	KindHandoff               // the person is passed to a human
	KindStartOver             // a stale or broken button
	KindSlowDown              // the person is over the rate limit
)

func (k Kind) String() string {
	return [...]string{"step", "choose", "menu", "no-match", "resolved", "handoff", "start-over", "slow-down"}[k]
}

// Style hints how prominent a button is.
type Style int

// Button styles.
const (
	StyleDefault Style = iota
	StylePrimary
	StyleDanger
)

// Button is a choice offered to the person. ID is the walkthrough token the
// adapter puts in the platform's button id and hands back to Press.
type Button struct {
	ID    string
	Label string
	Style Style
}

// Answer is the engine's reply, free of any platform's format: plain text
// that each adapter escapes, lays out and trims to its platform's limits.
type Answer struct {
	Kind      Kind
	Lang      string
	Title     string   // heading: the cause, or what the answer is about
	Summary   string   // one line under the heading
	Notice    string   // a warning shown prominently (urgent, pasted secret)
	StepTitle string   // the current step's title
	Progress  string   // "Step 2 of 5"
	Text      string   // the step's explanation or the answer's body
	Steps     []string // numbered sub-steps
	Buttons   []Button
	Footer    string // small print under the buttons
	// Done is true when the conversation is over (resolved, handed off):
	// adapters drop the buttons they would otherwise keep.
	Done bool
	// Handoff is set on KindHandoff: what adapters post to the support
	// channel.
	Handoff *Handoff
	// Playbook, Topic and Step say where the answer stands, for metrics and
	// logs (ids only, never the person's text).
	Playbook string
	Topic    string
	Step     int
}

// Request is what a person did: typed a problem (Text) or pressed a button
// (Token).
type Request struct {
	Platform  string
	UserID    string
	UserName  string
	ChannelID string
	// Locale is the platform's idea of the person's language ("ja",
	// "en-US"); used when the text itself does not tell.
	Locale string
	Text   string
	Token  string
}

// Options configure an Engine.
type Options struct {
	// Key signs walkthrough tokens. Instances serving the same platform
	// must share it.
	Key []byte
	// DefaultLang answers when neither the text nor the locale tell.
	DefaultLang string
	// Store records outcomes and hand-offs; nil records nothing.
	Store Store
	// Playbook restricts the engine to one playbook ID ("" for all).
	Playbook string
	Logger   *slog.Logger
	Now      func() time.Time
	// Observe, when set, sees every answer the engine gives (after Ask,
	// Press and StartOver), for metrics. It must be fast and must not keep
	// req.Text.
	Observe func(ctx context.Context, req Request, a Answer)
	// Limit, when set, is the per-person rate limit on Ask and Press:
	// a person over it gets a KindSlowDown answer. Adapters show that
	// answer beside a clicked message rather than in its place, so that
	// the person's walkthrough buttons keep working.
	Limit *Limiter
}

// Engine answers requests from a KB. It is safe for concurrent use; SetKB
// swaps the knowledge under running requests.
type Engine struct {
	kb    atomic.Pointer[KB]
	seal  sealer
	opt   Options
	log   *slog.Logger
	nowFn func() time.Time

	// handing holds the hand-off keys being decided in this process, each
	// with a channel closed when it is: a double click's second click
	// waits for the first's hand-off rather than finding none yet.
	handingMu sync.Mutex
	handing   map[string]chan struct{}
}

// NewEngine returns an engine serving kb.
func NewEngine(kb *KB, opt Options) (*Engine, error) {
	if len(opt.Key) < 16 {
		return nil, errors.New("state key must be at least 16 bytes")
	}
	if opt.DefaultLang == "" {
		opt.DefaultLang = "en"
	}
	if opt.Playbook != "" && kb.Playbook(opt.Playbook) == nil {
		return nil, fmt.Errorf("playbook %q is not loaded", opt.Playbook)
	}
	e := &Engine{seal: newSealer(opt.Key), opt: opt, log: opt.Logger, nowFn: opt.Now, handing: map[string]chan struct{}{}}
	if e.log == nil {
		e.log = slog.New(slog.DiscardHandler)
	}
	if e.nowFn == nil {
		e.nowFn = time.Now
	}
	e.kb.Store(kb)
	return e, nil
}

// KB returns the knowledge the engine serves now.
func (e *Engine) KB() *KB { return e.kb.Load() }

// SetKB replaces the knowledge. Buttons minted for playbook versions that
// are gone get the "start over" answer.
func (e *Engine) SetKB(kb *KB) { e.kb.Store(kb) }

// Store returns the engine's store, or nil.
func (e *Engine) Store() Store { return e.opt.Store }

// Lang picks the language to answer in: the text's own when clear, else the
// locale's, else the default.
func (e *Engine) Lang(text, locale string) string {
	return e.langFor(DetectLang(text), locale)
}

// langFor is Lang given the language detected in the text ("" when unclear).
func (e *Engine) langFor(detected, locale string) string {
	if detected != "" {
		return detected
	}
	if l := langOf(locale); l != "" && e.speaks(l) {
		return l
	}
	return e.opt.DefaultLang
}

// speaks reports whether a playbook the engine serves is written in lang, so
// that a locale no playbook speaks ("fr-FR") falls back to the default
// rather than labelling English text as French.
func (e *Engine) speaks(lang string) bool {
	for _, p := range e.KB().books {
		if (e.opt.Playbook == "" || p.ID == e.opt.Playbook) && contains(p.Languages, lang) {
			return true
		}
	}
	return false
}

// Diagnose ranks the topics for text, restricted to the engine's playbook
// when it has one.
func (e *Engine) Diagnose(text string) []Match { return e.diagnose(Scrub(text)) }

func (e *Engine) diagnose(clean string) []Match {
	return e.filter(e.KB().Diagnose(clean))
}

// filter keeps the matches of the engine's playbook, in a new slice, when
// it has one.
func (e *Engine) filter(ms []Match) []Match {
	if e.opt.Playbook == "" {
		return ms
	}
	out := ms[:0:0]
	for _, m := range ms {
		if m.Topic.playbook.ID == e.opt.Playbook {
			out = append(out, m)
		}
	}
	return out
}

// Topics returns every topic the engine serves, in menu order.
func (e *Engine) Topics() []*Topic {
	var out []*Topic
	for _, p := range e.KB().books {
		if e.serves(p) {
			out = append(out, p.Topics...)
		}
	}
	return out
}

// serves reports whether the engine answers from playbook p.
func (e *Engine) serves(p *Playbook) bool { return e.opt.Playbook == "" || p.ID == e.opt.Playbook }

// helpWords, normalized, ask for the menu rather than describe a problem.
var helpWords = []string{"", "help", "menu", "topics", "?", "へるぷ", "めにゅー", "ヘルプ", "一覧", "使い方", "つかいかた"}

// helpFoldLimit: a text whose normalized form is longer (its trailing space
// trimmed) is none of helpWords.
var helpFoldLimit = func() int {
	n := 0
	for _, w := range helpWords {
		n = max(n, len(w))
	}
	return n + 1 // the trailing space Normalize trims
}()

// isHelp reports whether text asks for the menu rather than describing a
// problem.
func isHelp(text string) bool { return isHelpNFKC(nfkc(text)) }

// isHelpNFKC is isHelp for text in NFKC. Only a short text can be a help
// word: its normalized form is built on the stack and given up once too
// long for one.
func isHelpNFKC(text string) bool {
	var buf [64]byte
	b, ok := fold(buf[:0], text, helpFoldLimit)
	if !ok {
		return false
	}
	b = bytes.TrimSpace(b)
	for _, w := range helpWords {
		if string(b) == w {
			return true
		}
	}
	return false
}

// Ask answers a problem typed in free text: a confident diagnosis starts its
// walkthrough; several close ones ask which is closest; empty text or "help"
// shows the menu; nothing fitting says what Kaiketsu can help with.
func (e *Engine) Ask(ctx context.Context, req Request) Answer {
	if a, slow := e.slowDown(req); slow {
		e.observe(ctx, req, a)
		return a
	}
	a := e.ask(ctx, req)
	e.observe(ctx, req, a)
	return a
}

func (e *Engine) observe(ctx context.Context, req Request, a Answer) {
	if e.opt.Observe != nil {
		e.opt.Observe(ctx, req, a)
	}
}

func (e *Engine) ask(ctx context.Context, req Request) Answer {
	kb := e.KB()
	// A text asked before and found plain (see cached) is not normalised
	// or scanned again; any other is read in NFKC, once: language
	// detection, secret scanning, the menu words and diagnosis all read
	// that form.
	ms, plain := kb.cache.getPlain(req.Text)
	text, clean, secret := req.Text, req.Text, false
	if !plain {
		text = nfkc(req.Text)
		clean, secret = scrubNFKC(text)
	}
	lang := e.langFor(detectLangNFKC(text), req.Locale)
	walk := newWalk()
	var notice string
	if secret {
		notice = msg(msgSecret, lang)
	}
	if isHelpNFKC(text) {
		a := e.menu(lang, walk, msgMenu, msgMenuBody)
		a.Notice = notice
		return a
	}
	if !plain {
		// Unless a secret was redacted, clean is the text itself, in NFKC.
		ms = kb.matches(clean, !secret, !secret && clean == req.Text)
	}
	ms = e.filter(ms)
	var a Answer
	switch {
	case len(ms) == 0:
		a = e.menu(lang, walk, msgNoMatch, msgNoMatchBody)
		a.Kind = KindNoMatch
	case ms[0].Score >= confident && (len(ms) == 1 || ms[1].Score < closeRatio*ms[0].Score):
		t := ms[0].Topic
		a = e.start(ctx, req, t, lang, walk)
	default:
		a = e.choose(ms, lang, walk)
	}
	if notice != "" {
		a.Notice = strings.TrimSpace(notice + "\n" + a.Notice)
	}
	return a
}

// Press follows a button. A tampered, truncated or stale token returns a
// *TokenError; adapters answer it with StartOver.
func (e *Engine) Press(ctx context.Context, req Request) (Answer, error) {
	if a, slow := e.slowDown(req); slow {
		e.observe(ctx, req, a)
		return a, nil
	}
	a, err := e.press(ctx, req)
	if err == nil {
		e.observe(ctx, req, a)
	}
	return a, err
}

func (e *Engine) press(ctx context.Context, req Request) (Answer, error) {
	st, err := e.seal.decode(req.Token)
	if err != nil {
		return Answer{}, err
	}
	kb := e.KB()
	p := kb.byFP[st.Fingerprint]
	if p == nil {
		return Answer{}, &TokenError{Err: ErrStaleToken, Detail: "playbook version is no longer loaded"}
	}
	if int(st.Lang) >= len(p.Languages) {
		return Answer{}, &TokenError{Err: ErrBadToken, Detail: "language out of range"}
	}
	for _, i := range st.Path {
		if i >= len(p.steps) {
			return Answer{}, &TokenError{Err: ErrBadToken, Detail: "step out of range"}
		}
	}
	lang := p.Languages[st.Lang]
	w := walkState{p: p, lang: lang, walk: st.Walk, path: st.Path}
	switch st.Action {
	case ActTopic:
		if st.Arg >= len(p.Topics) {
			return Answer{}, &TokenError{Err: ErrBadToken, Detail: "topic out of range"}
		}
		return e.start(ctx, req, p.Topics[st.Arg], lang, st.Walk), nil
	case ActRestart:
		return e.menu(lang, st.Walk, msgMenu, msgMenuBody), nil
	}
	if len(st.Path) == 0 {
		if st.Action == ActHuman {
			return e.handoff(ctx, req, w, answered{}), nil
		}
		return Answer{}, &TokenError{Err: ErrBadToken, Detail: "no current step"}
	}
	cur := w.current()
	switch st.Action {
	case ActNext:
		next, term := p.follow(cur, cur.Next)
		return e.advance(ctx, req, w, next, term, answered{result: ResultDidNotWork}), nil
	case ActChoice:
		if st.Arg >= len(cur.Choices) {
			return Answer{}, &TokenError{Err: ErrBadToken, Detail: "choice out of range"}
		}
		c := cur.Choices[st.Arg]
		next, term := p.follow(cur, c.Go)
		return e.advance(ctx, req, w, next, term, answered{result: ResultChose, chose: c}), nil
	case ActBack:
		if len(w.path) <= 1 {
			return e.menu(lang, st.Walk, msgMenu, msgMenuBody), nil
		}
		w.path = w.path[:len(w.path)-1]
		return e.step(w), nil
	case ActResolved:
		return e.resolved(ctx, req, w), nil
	case ActHuman:
		return e.handoff(ctx, req, w, answered{}), nil
	}
	return Answer{}, &TokenError{Err: ErrBadToken, Detail: "unknown action"}
}

// StartOver is the friendly answer to a button that cannot be followed:
// what changed, and the menu to begin again.
func (e *Engine) StartOver(req Request, err error) Answer {
	lang := e.Lang("", req.Locale)
	a := e.menu(lang, newWalk(), msgStale, msgStaleBody)
	if !errors.Is(err, ErrStaleToken) {
		a.Summary = msg(msgBad, lang)
	}
	a.Kind = KindStartOver
	e.observe(context.Background(), req, a)
	return a
}

// walkState is a decoded walkthrough.
type walkState struct {
	p    *Playbook
	lang string
	walk uint32
	path []int
}

func (w walkState) current() *Step { return w.p.steps[w.path[len(w.path)-1]] }

func (w walkState) walkID() string { return walkID(w.walk) }

// walkID spells a walk as outcomes record it: fmt's %08x.
func walkID(walk uint32) string {
	const digits = "0123456789abcdef"
	var b [8]byte
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = digits[walk&0xf]
		walk >>= 4
	}
	return string(b[:])
}

// langIndex is the index of w.lang among the playbook's languages, as
// tokens carry it (0 when it is not one of them).
func (w walkState) langIndex() byte {
	li := 0
	for i, l := range w.p.Languages {
		if l == w.lang {
			li = i
		}
	}
	return byte(li)
}

// minter mints the buttons of one answer into one buffer, so that an
// answer costs one allocation for all its tokens rather than one each.
// The tokens are strings over the buffer: it is only ever appended to,
// and when it grows, the tokens already minted keep the old one.
type minter struct {
	seal sealer
	buf  []byte
}

// newMinter is ready for n buttons of walks with paths of up to steps
// steps (a guess: the buffer grows if needed).
func (e *Engine) newMinter(n, steps int) minter {
	per := min(MaxTokenLen, len(TokenPrefix)+b64.EncodedLen(10+4+3*steps+macLen))
	return minter{seal: e.seal, buf: make([]byte, 0, n*per)}
}

// token mints a button of walk w; li is w.langIndex(), worked out once
// per answer.
func (m *minter) token(w walkState, li byte, a Action, arg int) string {
	start := len(m.buf)
	m.buf = m.seal.appendToken(m.buf, State{Action: a, Arg: arg, Lang: li, Fingerprint: w.p.Fingerprint, Walk: w.walk, Path: w.path})
	tok := m.buf[start:]
	return unsafe.String(unsafe.SliceData(tok), len(tok))
}

func (e *Engine) start(ctx context.Context, req Request, t *Topic, lang string, walk uint32) Answer {
	p := t.playbook
	first := t.Steps[0]
	path := first.path
	if len(path) != 1 || path[0] != first.index {
		path = []int{first.index}
	}
	w := walkState{p: p, lang: p.Lang(lang, e.opt.DefaultLang), walk: walk, path: path}
	e.record(ctx, req, w.p, w.lang, w.walk, OutcomeStarted, t, 0)
	return e.step(w)
}

// answered is how the person left the current step: "didn't work", a
// choice, or (zero) not at all, asking for a person there.
type answered struct {
	result string // ResultDidNotWork, ResultChose; "" for ResultCurrent
	chose  *Choice
}

func (e *Engine) advance(ctx context.Context, req Request, w walkState, next *Step, term string, how answered) Answer {
	switch {
	case next != nil:
		from := w.current().topic
		w.path = append(w.path[:len(w.path):len(w.path)], next.index)
		if next.topic != from && next.pos == 0 {
			e.record(ctx, req, w.p, w.lang, w.walk, OutcomeStarted, next.topic, 0)
		}
		return e.step(w)
	case term == GoResolved:
		return e.resolved(ctx, req, w)
	default:
		return e.handoff(ctx, req, w, how)
	}
}

// step renders the current step with its buttons.
func (e *Engine) step(w walkState) Answer {
	s := w.current()
	t := s.topic
	l, d := w.lang, e.opt.DefaultLang
	m, li := msgsIn(l), w.langIndex()
	a := Answer{
		Kind:      KindStep,
		Lang:      l,
		Title:     t.Title.Get(l, d),
		Summary:   t.Summary.Get(l, d),
		StepTitle: s.Title.Get(l, d),
		Progress:  s.progressIn(w.p, li, l, m),
		Text:      s.Text.Get(l, d),
		Steps:     s.Do[l],
		Playbook:  w.p.ID,
		Topic:     t.ID,
		Step:      s.Number(),
	}
	if a.Steps == nil {
		a.Steps = s.Do[d]
	}
	if t.Urgent {
		a.Notice = m[msgUrgent]
	}
	n := 2 + 2 // fixed and next, or the choices; start over and a person
	if len(s.Choices) > 0 {
		n += len(s.Choices) - 2
	}
	if len(w.path) > 1 {
		n++ // back
	}
	a.Buttons = make([]Button, 0, n)
	mt := e.newMinter(n, len(w.path))
	if len(s.Choices) > 0 {
		for i, c := range s.Choices {
			a.Buttons = append(a.Buttons, Button{ID: mt.token(w, li, ActChoice, i), Label: c.Label.Get(l, d)})
		}
	} else {
		a.Buttons = append(a.Buttons, Button{ID: mt.token(w, li, ActResolved, 0), Label: m[msgFixed], Style: StylePrimary})
		key := msgNext
		if _, term := w.p.follow(s, s.Next); term == GoHandoff {
			key = msgNextHandoff
		}
		a.Buttons = append(a.Buttons, Button{ID: mt.token(w, li, ActNext, 0), Label: m[key]})
	}
	if len(w.path) > 1 {
		a.Buttons = append(a.Buttons, Button{ID: mt.token(w, li, ActBack, 0), Label: m[msgBack]})
	}
	a.Buttons = append(a.Buttons,
		Button{ID: mt.token(w, li, ActRestart, 0), Label: m[msgRestart]},
		Button{ID: mt.token(w, li, ActHuman, 0), Label: m[msgHuman], Style: StyleDanger},
	)
	return a
}

// progressIn is "Step 2 of 5" in lang (language li of p, with messages
// m), as worked out at load when it still applies.
func (s *Step) progressIn(p *Playbook, li byte, lang string, m *[numMsgs]string) string {
	if int(li) < len(s.progress) && int(li) < len(p.Languages) && p.Languages[li] == lang {
		return s.progress[li]
	}
	return formatInts(m[msgStepOf], s.Number(), len(s.topic.Steps))
}

// maxMenu keeps the menu within every platform's button limits (Discord: 25
// buttons in all) with room for "talk to a person".
const maxMenu = 20

// menu lists the topics as buttons, under the given heading.
func (e *Engine) menu(lang string, walk uint32, title, body msgKey) Answer {
	m := msgsIn(lang)
	a := Answer{Kind: KindMenu, Lang: lang, Title: m[title], Text: m[body]}
	// The topics of Topics(), walked in place rather than copied.
	books := e.KB().books
	total := 0
	for _, p := range books {
		if e.serves(p) {
			total += len(p.Topics)
		}
	}
	a.Buttons = make([]Button, 0, min(total, maxMenu)+1)
	mt := e.newMinter(cap(a.Buttons), 0)
	var first *Topic
	i := 0
topics:
	for _, p := range books {
		if !e.serves(p) {
			continue
		}
		w := walkState{p: p, lang: p.Lang(lang, e.opt.DefaultLang), walk: walk}
		li := w.langIndex()
		for _, t := range p.Topics {
			if i == maxMenu {
				a.Footer = formatInts(m[msgMenuMore], total-maxMenu)
				break topics
			}
			if first == nil {
				first = t
			}
			a.Buttons = append(a.Buttons, Button{ID: mt.token(w, li, ActTopic, t.index), Label: t.Title.Get(w.lang, e.opt.DefaultLang)})
			i++
		}
	}
	if first != nil {
		p := first.playbook
		w := walkState{p: p, lang: p.Lang(lang, e.opt.DefaultLang), walk: walk}
		a.Buttons = append(a.Buttons, Button{ID: mt.token(w, w.langIndex(), ActHuman, 0), Label: m[msgHuman], Style: StyleDanger})
	}
	return a
}

// choose offers the close candidates.
func (e *Engine) choose(ms []Match, lang string, walk uint32) Answer {
	mm := msgsIn(lang)
	a := Answer{Kind: KindChoose, Lang: lang, Title: mm[msgChoose], Text: mm[msgChooseBody]}
	// Below confident the best is a guess ("I can't sign in" fits every
	// cause a little): the rest of the playbook's causes follow the
	// guesses, so that the person is not steered to one (an urgent
	// takeover, say) and finds theirs among all. Causes that each fit
	// well are offered alone.
	weak := ms[0].Score < confident
	n := len(ms) + 2
	if weak {
		n += len(ms[0].Topic.playbook.Topics)
	}
	a.Buttons = make([]Button, 0, n)
	a.Steps = make([]string, 0, len(ms))
	mt := e.newMinter(cap(a.Buttons), 0)
	for _, m := range ms {
		if ms[0].Score >= confident && m.Score < closeRatio*ms[0].Score {
			break // a clear runner-up list: only the close ones
		}
		p := m.Topic.playbook
		w := walkState{p: p, lang: p.Lang(lang, e.opt.DefaultLang), walk: walk}
		title := m.Topic.Title.Get(w.lang, e.opt.DefaultLang)
		a.Buttons = append(a.Buttons, Button{
			ID:    mt.token(w, w.langIndex(), ActTopic, m.Topic.index),
			Label: title,
		})
		a.Steps = append(a.Steps, title+": "+m.Topic.Summary.Get(w.lang, e.opt.DefaultLang))
	}
	p := ms[0].Topic.playbook
	w := walkState{p: p, lang: p.Lang(lang, e.opt.DefaultLang), walk: walk}
	li := w.langIndex()
	if weak {
		offered := len(a.Buttons)
	rest:
		for _, t := range p.Topics {
			if len(a.Buttons) == maxMenu {
				break
			}
			for _, m := range ms[:offered] {
				if m.Topic == t {
					continue rest
				}
			}
			a.Buttons = append(a.Buttons, Button{ID: mt.token(w, li, ActTopic, t.index), Label: t.Title.Get(w.lang, e.opt.DefaultLang)})
		}
	}
	a.Buttons = append(a.Buttons,
		Button{ID: mt.token(w, li, ActRestart, 0), Label: mm[msgOther]},
		Button{ID: mt.token(w, li, ActHuman, 0), Label: mm[msgHuman], Style: StyleDanger})
	return a
}

func (e *Engine) resolved(ctx context.Context, req Request, w walkState) Answer {
	s := w.current()
	l := w.lang
	e.record(ctx, req, w.p, w.lang, w.walk, OutcomeResolved, s.topic, s.Number())
	return Answer{
		Kind:     KindResolved,
		Lang:     l,
		Title:    msg(msgResolved, l),
		Text:     formatString(msg(msgResolvedBody, l), s.Title.Get(l, e.opt.DefaultLang)),
		Done:     true,
		Playbook: w.p.ID,
		Topic:    s.topic.ID,
		Step:     s.pos + 1,
	}
}

// handoff passes the person to a human: it stores the hand-off with the
// transcript (when there is a store) and tells the person what happens next.
func (e *Engine) handoff(ctx context.Context, req Request, w walkState, last answered) Answer {
	l, d := w.lang, e.opt.DefaultLang
	a := Answer{Kind: KindHandoff, Lang: l, Title: msg(msgHandoff, l), Done: true, Playbook: w.p.ID}
	h := &Handoff{
		Platform:      req.Platform,
		Requester:     req.UserID,
		RequesterName: req.UserName,
		Channel:       req.ChannelID,
		Playbook:      w.p.ID,
		Lang:          l,
		Status:        HandoffOpen,
		CreatedAt:     e.nowFn(),
	}
	for i, si := range w.path {
		s := w.p.steps[si]
		te := TranscriptEntry{Topic: s.topic.ID, Step: s.ID, Title: s.Title.Get(l, d), Result: ResultDidNotWork}
		var chose *Choice
		if i < len(w.path)-1 {
			// The step the person went on to tells which choice led there.
			for _, c := range s.Choices {
				if next, _ := w.p.follow(s, c.Go); next != nil && next.index == w.path[i+1] {
					chose = c
					break
				}
			}
		} else if last.result == "" {
			te.Result = ResultCurrent
		} else {
			chose = last.chose
		}
		if chose != nil {
			te.Result, te.Chose = ResultChose, chose.Label.Get(l, d)
		}
		h.Transcript = append(h.Transcript, te)
	}
	if len(w.path) > 0 {
		s := w.current()
		h.Topic, a.Topic, a.Step = s.topic.ID, s.topic.ID, s.pos+1
		e.record(ctx, req, w.p, w.lang, w.walk, OutcomeHandoff, s.topic, s.pos+1)
	}
	contact := w.p.Contact.Get(l, d)
	if st := e.opt.Store; st != nil {
		// One hand-off per problem: a double click, a click replayed by
		// the platform or the same button pressed again on an older copy
		// of the message would otherwise open another ticket and post
		// another card. The walk id rides in the button's token; with the
		// topic, a new problem chosen after "start over" is a new one.
		// A repeat whose hand-off cannot be found open (it was solved, or
		// storing it failed) opens one after all.
		if len(w.path) > 0 {
			key := "handoff:" + req.Platform + ":" + req.UserID + ":" + walkID(w.walk) + ":" + h.Topic
			defer e.deciding(ctx, key)()
			if first, err := st.FirstSeen(ctx, key, e.nowFn()); err != nil {
				e.log.ErrorContext(ctx, "check hand-off", "err", err, "playbook", w.p.ID)
			} else if !first {
				if prev := e.awaitHandoff(ctx, req, w.p.ID, h.Topic); prev != nil {
					a.Summary = formatString(msg(msgHandoffRef, l), prev.Ref)
					a.Text = msg(msgHandoffAgain, l) + "\n" + contact
					return a
				}
			}
		}
		if err := st.CreateHandoff(ctx, h); err != nil {
			e.log.ErrorContext(ctx, "create hand-off", "err", err, "playbook", w.p.ID)
		} else {
			a.Handoff = h
			a.Summary = formatString(msg(msgHandoffRef, l), h.Ref)
			a.Text = msg(msgHandoffNext, l) + "\n" + contact
			return a
		}
	}
	a.Text = msg(msgHandoffNoRef, l) + "\n" + contact
	return a
}

// deciding waits while another click of this process decides the hand-off
// of key (the clicks of a double click arrive together), then marks key
// as being decided until the returned func is called.
func (e *Engine) deciding(ctx context.Context, key string) (done func()) {
	for {
		e.handingMu.Lock()
		wait, busy := e.handing[key]
		if !busy {
			ch := make(chan struct{})
			e.handing[key] = ch
			e.handingMu.Unlock()
			return func() {
				e.handingMu.Lock()
				delete(e.handing, key)
				e.handingMu.Unlock()
				close(ch)
			}
		}
		e.handingMu.Unlock()
		select {
		case <-wait:
		case <-ctx.Done():
			return func() {}
		}
	}
}

// handoffRetries are the waits before asking the store again for a
// repeat's hand-off, when the first click went to another instance and
// may not have stored it yet: four look-ups within about a second, not
// more, since a store that failed to save it may be failing now.
var handoffRetries = []time.Duration{100 * time.Millisecond, 300 * time.Millisecond, 600 * time.Millisecond}

// awaitHandoff is openHandoff, asked again after each of handoffRetries
// while it finds none.
func (e *Engine) awaitHandoff(ctx context.Context, req Request, playbook, topic string) *Handoff {
	for i := 0; ; i++ {
		if h := e.openHandoff(ctx, req, playbook, topic); h != nil || i == len(handoffRetries) {
			return h
		}
		t := time.NewTimer(handoffRetries[i])
		select {
		case <-ctx.Done():
			t.Stop()
			return nil
		case <-t.C:
		}
	}
}

// openHandoff finds the newest hand-off of req's person on playbook's
// topic that is not solved yet, to remind them of its reference; nil when
// there is none among the most recent.
func (e *Engine) openHandoff(ctx context.Context, req Request, playbook, topic string) *Handoff {
	hs, err := e.opt.Store.ListHandoffs(ctx, 200, HandoffOpen, HandoffClaimed)
	if err != nil {
		e.log.ErrorContext(ctx, "list hand-offs", "err", err)
		return nil
	}
	var newest *Handoff
	for _, h := range hs {
		if h.Platform == req.Platform && h.Requester == req.UserID && h.Playbook == playbook && h.Topic == topic && (newest == nil || h.ID > newest.ID) {
			newest = h
		}
	}
	return newest
}

// record stores an outcome of walk in playbook p. It takes the walk's parts
// rather than a walkState so that the walk's path, which the store never
// sees, can stay on the stack.
func (e *Engine) record(ctx context.Context, req Request, p *Playbook, lang string, walk uint32, kind OutcomeKind, t *Topic, step int) {
	st := e.opt.Store
	if st == nil {
		return
	}
	o := Outcome{Walk: walkID(walk), Kind: kind, Platform: req.Platform, Playbook: p.ID, Topic: t.ID, Step: step, Lang: lang, At: e.nowFn()}
	if err := st.RecordOutcome(ctx, o); err != nil {
		e.log.ErrorContext(ctx, "record outcome", "err", err, "playbook", p.ID, "topic", t.ID)
	}
}

func newWalk() uint32 {
	var b [4]byte
	rand.Read(b[:])
	return binary.BigEndian.Uint32(b[:])
}
