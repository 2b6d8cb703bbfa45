package discord

import (
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/kaiketsu/kaiketsu/adapters/internal/jsonstr"
	"github.com/kaiketsu/kaiketsu/core"
)

// The answers to a command or a click are written as JSON straight from
// the engine's answer, in one pass: the same bytes as Message followed by
// appendResponse (TestDirectMatchesMessage), without building discordgo's
// response, embed, footer and buttons (each boxed in an interface) and
// the joined description only to write them out again.
//
// The one pass covers answers whose texts fit Discord's limits as they
// are, which is every answer the engine gives from a real playbook; an
// answer Message would cut goes through Message.

// reply answers an interaction: an answer of the engine's, kept in that
// form until it is written, or a response made otherwise.
type reply struct {
	resp  *discordgo.InteractionResponse // nil for an answer
	typ   discordgo.InteractionResponseType
	flags discordgo.MessageFlags
	a     core.Answer
}

// answerReply is a response of type typ carrying a as Message renders it.
func answerReply(typ discordgo.InteractionResponseType, flags discordgo.MessageFlags, a core.Answer) reply {
	return reply{typ: typ, flags: flags, a: a}
}

// response is r as discordgo's response.
func (r *reply) response() *discordgo.InteractionResponse {
	if r.resp != nil {
		return r.resp
	}
	d := Message(r.a)
	d.Flags = r.flags
	return &discordgo.InteractionResponse{Type: r.typ, Data: d}
}

// responseType is the type of r's response.
func (r *reply) responseType() discordgo.InteractionResponseType {
	if r.resp != nil {
		return r.resp.Type
	}
	return r.typ
}

// appendJSON appends r's JSON as appendResponse(buf, r.response()) does;
// ok is false for a response left to the encoder.
func (r *reply) appendJSON(buf []byte) (out []byte, ok bool) {
	if r.resp != nil {
		return appendResponse(buf, r.resp)
	}
	out, ok = appendAnswer(buf, r)
	if ok {
		return out, true
	}
	return appendResponse(out[:len(buf)], r.response())
}

// footSep is what embed puts between the progress and the footer.
const footSep = " · "

// appendAnswer writes r's answer in one pass; ok is false (and buf
// unusable) when a text would have to be cut.
//
// Texts are measured in characters, as Discord counts, only when their
// bytes (never fewer) are over a limit.
func appendAnswer(buf []byte, r *reply) ([]byte, bool) {
	a := &r.a
	content := strings.TrimSpace(escape(a.Notice))
	title := strings.TrimSpace(a.Title)
	progress, footer := strings.TrimSpace(a.Progress), strings.TrimSpace(a.Footer)
	both := progress != "" && footer != ""
	footBytes := len(progress) + len(footer)
	if both {
		footBytes += len(footSep)
	}
	footRunes := func() int {
		n := utf8.RuneCountInString(progress) + utf8.RuneCountInString(footer)
		if both {
			n += utf8.RuneCountInString(footSep)
		}
		return n
	}
	if !fits(content, maxContent) || !fits(title, maxEmbedTitle) || (footBytes > maxEmbedFooter && footRunes() > maxEmbedFooter) {
		return buf, false
	}
	d := newDescription(a)
	if n := d.bytes; n > maxEmbedDesc || n > maxEmbedTotal-len(title)-footBytes {
		n = d.runes()
		if n > maxEmbedDesc || n > maxEmbedTotal-utf8.RuneCountInString(title)-footRunes() {
			return buf, false
		}
	}

	buf = append(buf, `{"type":`...)
	buf = strconv.AppendUint(buf, uint64(r.typ), 10)
	buf = append(buf, `,"data":{"tts":false,"content":`...)
	buf = appendString(buf, content, false)
	buf = append(buf, `,"components":`...)
	if a.Done {
		buf = append(buf, "[]"...)
	} else {
		var ok bool
		if buf, ok = appendRows(buf, a.Buttons); !ok {
			return buf, false
		}
	}
	buf = append(buf, `,"embeds":[{`...)
	if title != "" {
		buf = append(buf, `"title":`...)
		buf = appendString(buf, title, false)
		buf = append(buf, ',')
	}
	if d.paras > 0 {
		buf = append(buf, `"description":"`...)
		buf = d.appendBody(buf)
		buf = append(buf, `",`...)
	}
	buf = append(buf, `"color":`...)
	buf = strconv.AppendInt(buf, int64(color(*a)), 10)
	if progress != "" || footer != "" {
		buf = append(buf, `,"footer":{"text":"`...)
		buf = jsonstr.AppendBody(buf, progress, nil)
		if both {
			buf = append(buf, footSep...)
		}
		buf = jsonstr.AppendBody(buf, footer, nil)
		buf = append(buf, `"}`...)
	}
	buf = append(buf, `}],"allowed_mentions":{"parse":[],"replied_user":false}`...)
	if r.flags != 0 {
		buf = append(buf, `,"flags":`...)
		buf = strconv.AppendInt(buf, int64(r.flags), 10)
	}
	return append(buf, "}}\n"...), true
}

// fits reports whether s has at most n characters.
func fits(s string, n int) bool {
	return len(s) <= n || utf8.RuneCountInString(s) <= n
}

// description is the embed's description as embed joins it, in pieces
// written one after the other: each meets the next at an ASCII
// character, so that they are escaped and counted as the joined text is.
type description struct {
	a                        *core.Answer
	summary, stepTitle, text string // escaped and trimmed; the step title within ** **, not trimmed
	// last is the last step, escaped, without the trailing white space
	// the list loses when it is trimmed as a whole.
	last  string
	paras int
	bytes int
}

func newDescription(a *core.Answer) description {
	d := description{a: a, summary: strings.TrimSpace(escape(a.Summary)), text: strings.TrimSpace(escape(a.Text))}
	for _, p := range [...]string{d.summary, d.text} {
		if p != "" {
			d.paras++
			d.bytes += len(p)
		}
	}
	if a.StepTitle != "" {
		d.stepTitle = escape(a.StepTitle)
		d.paras++
		d.bytes += len("****") + len(d.stepTitle)
	}
	// The numbered list: "1. step\n" each, the whole trimmed, which can
	// only take the last step's trailing white space (and the space after
	// its number when nothing else is left).
	if n := len(a.Steps); n > 0 {
		d.paras++
		for i, s := range a.Steps[:n-1] {
			d.bytes += numLen(i+1) + len(". ") + len(escape(s)) + len("\n")
		}
		d.last = strings.TrimRightFunc(escape(a.Steps[n-1]), unicode.IsSpace)
		d.bytes += numLen(n) + len(".")
		if d.last != "" {
			d.bytes += len(" ") + len(d.last)
		}
	}
	if d.paras > 0 {
		d.bytes += len("\n\n") * (d.paras - 1)
	}
	return d
}

// runes is the length of the description in characters.
func (d *description) runes() int {
	n := d.bytes
	for _, p := range [...]string{d.summary, d.stepTitle, d.text, d.last} {
		n -= len(p) - utf8.RuneCountInString(p)
	}
	for _, s := range d.a.Steps[:max(len(d.a.Steps)-1, 0)] {
		s = escape(s)
		n -= len(s) - utf8.RuneCountInString(s)
	}
	return n
}

// appendBody appends the description as the body of a JSON string.
func (d *description) appendBody(buf []byte) []byte {
	sep := false
	para := func() {
		if sep {
			buf = append(buf, `\n\n`...)
		}
		sep = true
	}
	if d.summary != "" {
		para()
		buf = jsonstr.AppendBody(buf, d.summary, nil)
	}
	if d.a.StepTitle != "" {
		para()
		buf = append(buf, "**"...)
		buf = jsonstr.AppendBody(buf, d.stepTitle, nil)
		buf = append(buf, "**"...)
	}
	if d.text != "" {
		para()
		buf = jsonstr.AppendBody(buf, d.text, nil)
	}
	if n := len(d.a.Steps); n > 0 {
		para()
		for i, s := range d.a.Steps[:n-1] {
			buf = strconv.AppendInt(buf, int64(i+1), 10)
			buf = append(buf, ". "...)
			buf = jsonstr.AppendBody(buf, escape(s), nil)
			buf = append(buf, `\n`...)
		}
		buf = strconv.AppendInt(buf, int64(n), 10)
		buf = append(buf, '.')
		if d.last != "" {
			buf = append(buf, ' ')
			buf = jsonstr.AppendBody(buf, d.last, nil)
		}
	}
	return buf
}

// numLen is the number of digits of n > 0.
func numLen(n int) int {
	d := 1
	for ; n >= 10; n /= 10 {
		d++
	}
	return d
}

// appendRows writes the buttons as rows does, when every label fits.
func appendRows(buf []byte, bs []core.Button) ([]byte, bool) {
	usable := func(b *core.Button) bool { return b.ID != "" && len(b.ID) <= maxCustomID }
	n := 0
	for i := range bs {
		if usable(&bs[i]) {
			n++
		}
	}
	// Past 25, the last is kept and the ones before the 25th dropped.
	keep, lastAt := n, -1
	if most := maxPerRow * maxRows; n > most {
		keep = most - 1
		for i := len(bs) - 1; i >= 0; i-- {
			if usable(&bs[i]) {
				lastAt = i
				break
			}
		}
	}
	buf = append(buf, '[')
	written := 0
	for i := range bs {
		b := &bs[i]
		if !usable(b) || (written == keep && i != lastAt) {
			continue
		}
		label := strings.TrimSpace(b.Label)
		if !fits(label, maxLabel) {
			return buf, false
		}
		switch {
		case written%maxPerRow != 0:
			buf = append(buf, ',')
		case written > 0:
			buf = append(buf, `],"type":1},{"components":[`...)
		default:
			buf = append(buf, `{"components":[`...)
		}
		buf = append(buf, `{"label":`...)
		buf = appendString(buf, label, true)
		buf = append(buf, `,"style":`...)
		buf = strconv.AppendUint(buf, uint64(buttonStyle(b.Style)), 10)
		buf = append(buf, `,"disabled":false,"custom_id":`...)
		buf = appendString(buf, b.ID, true)
		buf = append(buf, `,"type":2}`...)
		written++
	}
	if written > 0 {
		buf = append(buf, `],"type":1}`...)
	}
	return append(buf, ']'), true
}
