package slack

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/slack-go/slack"

	"github.com/kaiketsu/kaiketsu/core"
)

// Slack's Block Kit limits for messages (see the protocol notes). Lengths
// are counted in characters, as Slack and slack-go count them.
const (
	maxBlocks      = 50
	maxText        = 3000 // section text
	maxHeader      = 150  // header text
	maxLabel       = 75   // button text
	maxActionID    = 255
	maxValue       = 2000
	maxPerActions  = 25 // elements in one actions block
	maxBlockID     = 255
	maxFallback    = 3000 // top-level text: Slack cuts at 40,000; notifications need far less
	maxContextElem = 10
)

// walkAction starts the action_id of walkthrough buttons ("k:0", "k:1",
// ...); the value is the engine's token. Hand-off card buttons use
// "ho:claim:ID" and "ho:solve:ID".
const walkAction = "k:"

// Message is an answer rendered for Slack: Block Kit blocks and the
// fallback text Slack shows in notifications and to screen readers.
type Message struct {
	Text   string
	Blocks []slack.Block
}

// newIter returns a fresh block_id prefix. Slack asks for new block ids
// on every iteration of a message, or a client may keep showing the old
// blocks after an update.
func newIter() string {
	var b [4]byte
	rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

var mrkdwnEscaper = strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")

// escape makes plain text safe for mrkdwn: only &, < and > are special
// (they would start links, mentions or entities).
func escape(s string) string { return mrkdwnEscaper.Replace(s) }

// truncate shortens s to at most n characters, ending with "…" when cut.
func truncate(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return strings.TrimSpace(string(r[:n-1])) + "…"
}

// chunks escapes plain text for mrkdwn and splits it into pieces of at most
// n characters, at line breaks where it can and never inside an entity.
func chunks(s string, n int) []string {
	var out []string
	var cur strings.Builder
	curLen := 0
	flush := func() {
		if t := strings.TrimRight(cur.String(), "\n"); strings.TrimSpace(t) != "" {
			out = append(out, t)
		}
		cur.Reset()
		curLen = 0
	}
	for i, line := range strings.Split(s, "\n") {
		esc := escape(line)
		l := utf8.RuneCountInString(esc)
		sep := 0
		if i > 0 && curLen > 0 {
			sep = 1
		}
		if curLen+sep+l <= n {
			if sep == 1 {
				cur.WriteByte('\n')
			}
			cur.WriteString(esc)
			curLen += sep + l
			continue
		}
		flush()
		// The line alone is too long: cut it rune by rune, counting
		// each rune's escaped length.
		for _, r := range line {
			e := escape(string(r))
			el := utf8.RuneCountInString(e)
			if curLen+el > n {
				flush()
			}
			cur.WriteString(e)
			curLen += el
		}
	}
	flush()
	return out
}

func mrkdwn(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.MarkdownType, s, false, false)
}

func plain(s string) *slack.TextBlockObject {
	return slack.NewTextBlockObject(slack.PlainTextType, s, true, false)
}

// builder collects blocks and gives them block ids when done.
type builder struct {
	head []slack.Block // text: trimmed first when over the block limit
	tail []slack.Block // buttons and small print: always kept
}

func (bd *builder) section(text string) {
	for _, c := range chunks(text, maxText) {
		bd.head = append(bd.head, slack.NewSectionBlock(mrkdwn(c), nil, nil))
	}
}

// sectionRaw adds already-escaped mrkdwn (with our own *bold*).
func (bd *builder) sectionRaw(text string) {
	bd.head = append(bd.head, slack.NewSectionBlock(mrkdwn(truncate(text, maxText)), nil, nil))
}

func (bd *builder) header(text string) {
	if strings.TrimSpace(text) == "" {
		return
	}
	bd.head = append(bd.head, slack.NewHeaderBlock(plain(truncate(text, maxHeader))))
}

func (bd *builder) context(text string, tail bool) {
	if strings.TrimSpace(text) == "" {
		return
	}
	b := slack.NewContextBlock("", mrkdwn(chunks(text, maxText)[0]))
	if tail {
		bd.tail = append(bd.tail, b)
	} else {
		bd.head = append(bd.head, b)
	}
}

// buttons adds actions blocks of at most 25 buttons each.
func (bd *builder) buttons(bs []slack.BlockElement) {
	for len(bs) > 0 {
		n := min(len(bs), maxPerActions)
		bd.tail = append(bd.tail, slack.NewActionBlock("", bs[:n]...))
		bs = bs[n:]
	}
}

// blocks returns the blocks within the 50-block limit, with fresh ids.
func (bd *builder) blocks(iter string) []slack.Block {
	room := maxBlocks - len(bd.tail)
	if room < 0 {
		room, bd.tail = 0, bd.tail[:maxBlocks]
	}
	head := bd.head
	if len(head) > room {
		head = head[:room]
	}
	all := append(append([]slack.Block{}, head...), bd.tail...)
	for i, b := range all {
		id := iter + "-" + strconv.Itoa(i)
		switch b := b.(type) {
		case *slack.SectionBlock:
			b.BlockID = id
		case *slack.HeaderBlock:
			b.BlockID = id
		case *slack.ContextBlock:
			b.BlockID = id
		case *slack.ActionBlock:
			b.BlockID = id
		case *slack.DividerBlock:
			b.BlockID = id
		}
	}
	return all
}

func button(actionID, value, label string, style core.Style) *slack.ButtonBlockElement {
	b := slack.NewButtonBlockElement(actionID, value, plain(truncate(label, maxLabel)))
	switch style {
	case core.StylePrimary:
		b.Style = slack.StylePrimary
	case core.StyleDanger:
		b.Style = slack.StyleDanger
	}
	return b
}

// Render lays an answer out as Block Kit within Slack's limits: a notice
// first, the title as a header, the summary, the step with its progress,
// the numbered sub-steps, the buttons (none once Done) and the footer.
// iter prefixes the block ids; pass a new one for every update.
func Render(a core.Answer, iter string) Message {
	var bd builder
	if a.Notice != "" {
		bd.section(a.Notice)
	}
	bd.header(a.Title)
	if a.Summary != "" {
		bd.section(a.Summary)
	}
	if a.Progress != "" {
		bd.context(a.Progress, false)
	}
	switch {
	case a.StepTitle != "" && a.Text != "":
		t := "*" + escape(truncate(a.StepTitle, 200)) + "*"
		cs := chunks(a.Text, maxText-utf8.RuneCountInString(t)-1)
		bd.sectionRaw(t + "\n" + cs[0])
		for _, c := range cs[1:] {
			bd.sectionRaw(c)
		}
	case a.StepTitle != "":
		bd.sectionRaw("*" + escape(truncate(a.StepTitle, 200)) + "*")
	case a.Text != "":
		bd.section(a.Text)
	}
	if len(a.Steps) > 0 {
		var sb strings.Builder
		for i, s := range a.Steps {
			if a.Kind == core.KindChoose {
				sb.WriteString("• ")
			} else {
				fmt.Fprintf(&sb, "%d. ", i+1)
			}
			sb.WriteString(strings.ReplaceAll(s, "\n", " "))
			sb.WriteByte('\n')
		}
		bd.section(sb.String())
	}
	if !a.Done {
		var els []slack.BlockElement
		for i, b := range a.Buttons {
			if b.ID == "" || len(b.ID) > maxValue {
				continue
			}
			els = append(els, button(walkAction+strconv.Itoa(i), b.ID, b.Label, b.Style))
		}
		bd.buttons(els)
	}
	bd.context(a.Footer, true)
	return Message{Text: fallback(a), Blocks: bd.blocks(iter)}
}

// fallback is the message's top-level text: what a notification or a
// screen reader says.
func fallback(a core.Answer) string {
	var parts []string
	for _, s := range []string{a.Notice, a.Title, a.Summary, a.StepTitle} {
		if s = strings.TrimSpace(s); s != "" {
			parts = append(parts, s)
		}
	}
	if len(parts) == 0 && a.Text != "" {
		parts = append(parts, a.Text)
	}
	if len(parts) == 0 {
		return ""
	}
	return chunks(strings.Join(parts, " · "), maxFallback)[0]
}
