package slack

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/kaiketsu/kaiketsu/core"
)

// The answers Kaiketsu sends over HTTP (a command's reply, a click's
// response_url update) are written as JSON straight from the engine's
// answer, in one pass: the same bytes as Render followed by the encoder
// (TestDirectMatchesRender), without building slack-go's blocks, text
// objects and buttons, the escaped copies of every text and the chunk
// lists only to write them out again. Building those was most of the
// adapter's own cost of a reply.
//
// The one pass covers answers whose texts fit their blocks as they are,
// which is every answer the engine gives from a real playbook. An answer
// with a text that Render would have to split or cut (over 3,000
// characters, say) or more than 25 buttons goes through Render.

// answerReply is a reply still in the form of the engine's answer.
type answerReply struct {
	a        core.Answer
	iter     string
	replace  bool   // replace_original
	threadTS string // thread_ts
}

// reply is r through Render, for the answers the one pass does not cover.
func (r answerReply) reply() Reply {
	rep := ephemeral(Render(r.a, r.iter))
	rep.ReplaceOriginal = r.replace
	rep.ThreadTS = r.threadTS
	return rep
}

// appendJSON appends the bytes of r.reply().appendJSON.
func (r answerReply) appendJSON(buf []byte) ([]byte, error) {
	if !direct(&r.a) {
		return r.reply().appendJSON(buf)
	}
	buf = append(buf, `{"response_type":"ephemeral","text":`...)
	buf = appendFallback(buf, &r.a)
	buf = append(buf, `,"blocks":`...)
	buf = appendAnswerBlocks(buf, &r.a, r.iter)
	if r.replace {
		buf = append(buf, `,"replace_original":true`...)
	}
	if r.threadTS != "" {
		buf = append(buf, `,"thread_ts":`...)
		buf = appendString(buf, r.threadTS)
	}
	return append(buf, '}'), nil
}

// appendWebhookJSON appends the bytes of r.reply().appendWebhookJSON.
func (r answerReply) appendWebhookJSON(buf []byte) ([]byte, error) {
	if !direct(&r.a) {
		return r.reply().appendWebhookJSON(buf)
	}
	buf = append(buf, '{')
	if r.threadTS != "" {
		buf = append(buf, `"thread_ts":`...)
		buf = appendString(buf, r.threadTS)
		buf = append(buf, ',')
	}
	if fallbackEmpty(&r.a) {
		buf = append(buf, `"blocks":`...)
	} else {
		buf = append(buf, `"text":`...)
		buf = appendFallback(buf, &r.a)
		buf = append(buf, `,"blocks":`...)
	}
	buf = appendAnswerBlocks(buf, &r.a, r.iter)
	buf = append(buf, `,"response_type":"ephemeral","replace_original":`...)
	buf = strconv.AppendBool(buf, r.replace)
	return append(buf, `,"delete_original":false}`...), nil
}

// escRunes is the length in characters of s once escaped for mrkdwn, as
// chunks counts it.
func escRunes(s string) int {
	return utf8.RuneCountInString(s) + escExtra(s)
}

// escBytes is the length in bytes of s once escaped for mrkdwn: at least
// escRunes(s), and quicker to count.
func escBytes(s string) int { return len(s) + escExtra(s) }

// escExtra is what escaping adds to s: 4 for each & (&amp;), 3 for each <
// or > (&lt;, &gt;). strings.Count looks for one byte with vector
// instructions: three passes cost less than one byte-by-byte switch.
func escExtra(s string) int {
	return 4*strings.Count(s, "&") + 3*(strings.Count(s, "<")+strings.Count(s, ">"))
}

// fitsChunk reports whether chunks(s, n) is s in one piece (escaped, with
// the line breaks at either end dropped) or nothing.
func fitsChunk(s string, n int) bool {
	return len(s)*5 <= n || escBytes(s) <= n || escRunes(s) <= n
}

// chunk is the one piece of chunks(s, n) when fitsChunk(s, n), before
// escaping; "" when chunks gives none.
func chunk(s string) string {
	if strings.TrimSpace(s) == "" {
		return ""
	}
	return strings.Trim(s, "\n")
}

// direct reports whether Render lays a out without splitting or cutting a
// text and within one actions block, so that the one pass gives its bytes.
func direct(a *core.Answer) bool {
	for _, s := range [...]string{a.Notice, a.Summary, a.Progress, a.Footer} {
		if !fitsChunk(s, maxText) {
			return false
		}
	}
	switch {
	case a.StepTitle != "" && a.Text != "":
		// Render adds the text's first chunk to the step title's
		// section; a text of spaces has none.
		if chunk(a.Text) == "" {
			return false
		}
		t := 2 + escRunes(truncate(a.StepTitle, 200))
		if len(a.Text)*5 <= maxText-2-5*200-1 {
			break
		}
		if !fitsChunk(a.Text, maxText-t-1) {
			return false
		}
	case a.StepTitle == "" && !fitsChunk(a.Text, maxText):
		return false
	}
	if len(a.Steps) > 0 && !stepsFit(a, escBytes) && !stepsFit(a, escRunes) {
		return false
	}
	if !a.Done && len(a.Buttons) > maxPerActions {
		n := 0
		for _, b := range a.Buttons {
			if b.ID != "" && len(b.ID) <= maxValue {
				n++
			}
		}
		if n > maxPerActions {
			return false
		}
	}
	// The fallback text: parts joined by " · ", or the text alone.
	if fallbackEmpty(a) {
		return true
	}
	if fallbackParts(a) == 0 {
		return chunk(a.Text) != "" && fitsChunk(a.Text, maxFallback)
	}
	return fallbackFits(a, escBytes) || fallbackFits(a, escRunes)
}

// stepsFit reports whether the numbered steps fit one section, their
// lengths counted by length.
func stepsFit(a *core.Answer, length func(string) int) bool {
	n := 0
	for i, s := range a.Steps {
		n += length(s) + 1 + 2 // the step, its line break, ". " or "• "
		if a.Kind != core.KindChoose {
			n += len(strconv.Itoa(i + 1))
		}
	}
	return n <= maxText
}

func fallbackParts(a *core.Answer) int {
	parts := 0
	for _, s := range [...]string{a.Notice, a.Title, a.Summary, a.StepTitle} {
		if strings.TrimSpace(s) != "" {
			parts++
		}
	}
	return parts
}

// fallbackFits reports whether the parts of the fallback text, joined by
// " · ", fit one chunk, their lengths counted by length.
func fallbackFits(a *core.Answer, length func(string) int) bool {
	n, parts := 0, 0
	for _, s := range [...]string{a.Notice, a.Title, a.Summary, a.StepTitle} {
		if s = strings.TrimSpace(s); s != "" {
			n += length(s)
			parts++
		}
	}
	return n+3*(parts-1) <= maxFallback
}

func fallbackEmpty(a *core.Answer) bool {
	return a.Text == "" && strings.TrimSpace(a.Notice) == "" && strings.TrimSpace(a.Title) == "" &&
		strings.TrimSpace(a.Summary) == "" && strings.TrimSpace(a.StepTitle) == ""
}

// appendFallback appends fallback(a) as a JSON string.
func appendFallback(buf []byte, a *core.Answer) []byte {
	buf = append(buf, '"')
	parts := 0
	for _, s := range [...]string{a.Notice, a.Title, a.Summary, a.StepTitle} {
		if s = strings.TrimSpace(s); s != "" {
			if parts > 0 {
				buf = append(buf, " · "...)
			}
			buf = appendStringBody(buf, s, true)
			parts++
		}
	}
	if parts == 0 && a.Text != "" {
		buf = appendStringBody(buf, chunk(a.Text), true)
	}
	return append(buf, '"')
}

// blockWriter writes blocks with their ids: iter-0, iter-1, ...
type blockWriter struct {
	buf  []byte
	iter string
	n    int
}

func (w *blockWriter) open(kind string) {
	if w.n > 0 {
		w.buf = append(w.buf, ',')
	}
	w.buf = append(w.buf, `{"type":"`...)
	w.buf = append(w.buf, kind...)
	w.buf = append(w.buf, '"')
}

func (w *blockWriter) id() {
	w.buf = append(w.buf, `,"block_id":"`...)
	w.buf = appendStringBody(w.buf, w.iter, false)
	w.buf = append(w.buf, '-')
	w.buf = strconv.AppendInt(w.buf, int64(w.n), 10)
	w.buf = append(w.buf, '"')
	w.n++
}

// section writes a section of the given mrkdwn pieces, each escaped.
func (w *blockWriter) section(pieces ...string) {
	w.open("section")
	w.buf = append(w.buf, `,"text":{"type":"mrkdwn","text":"`...)
	for _, p := range pieces {
		w.buf = appendStringBody(w.buf, p, true)
	}
	w.buf = append(w.buf, `"}`...)
	w.id()
	w.buf = append(w.buf, '}')
}

// text writes a section of plain text, as builder.section does.
func (w *blockWriter) text(s string) {
	if c := chunk(s); c != "" {
		w.section(c)
	}
}

func (w *blockWriter) context(s string) {
	c := chunk(s)
	if c == "" {
		return
	}
	w.open("context")
	w.id()
	w.buf = append(w.buf, `,"elements":[{"type":"mrkdwn","text":"`...)
	w.buf = appendStringBody(w.buf, c, true)
	w.buf = append(w.buf, `"}]}`...)
}

// appendAnswerBlocks appends the JSON of Render(*a, iter).Blocks, for an
// answer direct(a) accepts.
func appendAnswerBlocks(buf []byte, a *core.Answer, iter string) []byte {
	w := blockWriter{buf: append(buf, '['), iter: iter}
	if a.Notice != "" {
		w.text(a.Notice)
	}
	if strings.TrimSpace(a.Title) != "" {
		w.open("header")
		w.buf = append(w.buf, `,"text":{"type":"plain_text","text":`...)
		w.buf = appendString(w.buf, truncate(a.Title, maxHeader))
		w.buf = append(w.buf, `,"emoji":true}`...)
		w.id()
		w.buf = append(w.buf, '}')
	}
	if a.Summary != "" {
		w.text(a.Summary)
	}
	if a.Progress != "" {
		w.context(a.Progress)
	}
	switch {
	case a.StepTitle != "" && a.Text != "":
		w.section("*", truncate(a.StepTitle, 200), "*\n", chunk(a.Text))
	case a.StepTitle != "":
		w.section("*", truncate(a.StepTitle, 200), "*")
	case a.Text != "":
		w.text(a.Text)
	}
	if len(a.Steps) > 0 {
		w.open("section")
		w.buf = append(w.buf, `,"text":{"type":"mrkdwn","text":"`...)
		for i, s := range a.Steps {
			if i > 0 {
				w.buf = append(w.buf, `\n`...)
			}
			if a.Kind == core.KindChoose {
				w.buf = append(w.buf, "• "...)
			} else {
				w.buf = strconv.AppendInt(w.buf, int64(i+1), 10)
				w.buf = append(w.buf, ". "...)
			}
			// Line breaks within a step are spaces, as Render has them.
			for {
				j := strings.IndexByte(s, '\n')
				if j < 0 {
					break
				}
				w.buf = appendStringBody(w.buf, s[:j], true)
				w.buf = append(w.buf, ' ')
				s = s[j+1:]
			}
			w.buf = appendStringBody(w.buf, s, true)
		}
		w.buf = append(w.buf, `"}`...)
		w.id()
		w.buf = append(w.buf, '}')
	}
	if !a.Done {
		first := true
		for i, b := range a.Buttons {
			if b.ID == "" || len(b.ID) > maxValue {
				continue
			}
			if first {
				w.open("actions")
				w.id()
				w.buf = append(w.buf, `,"elements":[`...)
				first = false
			} else {
				w.buf = append(w.buf, ',')
			}
			w.buf = append(w.buf, `{"type":"button","text":{"type":"plain_text","text":`...)
			w.buf = appendString(w.buf, truncate(b.Label, maxLabel))
			w.buf = append(w.buf, `,"emoji":true},"action_id":"`+walkAction...)
			w.buf = strconv.AppendInt(w.buf, int64(i), 10)
			w.buf = append(w.buf, `","value":`...)
			w.buf = appendString(w.buf, b.ID)
			switch b.Style {
			case core.StylePrimary:
				w.buf = append(w.buf, `,"style":"primary"`...)
			case core.StyleDanger:
				w.buf = append(w.buf, `,"style":"danger"`...)
			}
			w.buf = append(w.buf, '}')
		}
		if !first {
			w.buf = append(w.buf, "]}"...)
		}
	}
	w.context(a.Footer)
	return append(w.buf, ']')
}
