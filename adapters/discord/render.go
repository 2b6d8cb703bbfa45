package discord

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/kaiketsu/kaiketsu/core"
)

// Discord's limits on what a message may carry (developers/resources/message
// "Embed Limits", components/reference "Action Row", "Button").
const (
	maxContent     = 2000
	maxEmbedTitle  = 256
	maxEmbedDesc   = 4096
	maxEmbedFooter = 2048
	maxEmbedTotal  = 6000
	maxLabel       = 80
	maxCustomID    = 100
	maxPerRow      = 5
	maxRows        = 5
	maxChoices     = 25
	maxChoiceName  = 100
	maxChoiceValue = 100
)

// Embed colours by kind of answer.
const (
	colorStep     = 0x5865F2 // blurple
	colorUrgent   = 0xED4245 // red
	colorResolved = 0x57F287 // green
	colorHandoff  = 0xFEE75C // yellow
	colorNeutral  = 0x99AAB5 // grey
)

// Message renders an answer as a Discord message: the notice (a pasted
// secret, an urgent cause) in the content, where it cannot be missed; an
// embed with the heading, the summary and the current step as a numbered
// list, progress in its footer; the buttons in action rows. A finished
// conversation (Done) gets no buttons. Every field is set, even when
// empty: for an UPDATE_MESSAGE the whole message is replaced, and
// discordgo sends unset fields as "" and null anyway.
func Message(a core.Answer) *discordgo.InteractionResponseData {
	d := &discordgo.InteractionResponseData{
		Content:         truncate(escape(a.Notice), maxContent),
		Embeds:          []*discordgo.MessageEmbed{embed(a)},
		Components:      []discordgo.MessageComponent{},
		AllowedMentions: &discordgo.MessageAllowedMentions{Parse: []discordgo.AllowedMentionType{}},
	}
	if !a.Done {
		d.Components = rows(a.Buttons)
	}
	return d
}

func embed(a core.Answer) *discordgo.MessageEmbed {
	e := &discordgo.MessageEmbed{Title: truncate(a.Title, maxEmbedTitle), Color: color(a)}
	var b strings.Builder
	para := func(s string) {
		if s = strings.TrimSpace(s); s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(s)
	}
	para(escape(a.Summary))
	if a.StepTitle != "" {
		para("**" + escape(a.StepTitle) + "**")
	}
	para(escape(a.Text))
	if len(a.Steps) > 0 {
		var l strings.Builder
		for i, s := range a.Steps {
			l.WriteString(strconv.Itoa(i + 1))
			l.WriteString(". ")
			l.WriteString(escape(s))
			l.WriteByte('\n')
		}
		para(l.String())
	}
	var foot []string
	for _, s := range []string{a.Progress, a.Footer} {
		if s = strings.TrimSpace(s); s != "" {
			foot = append(foot, s)
		}
	}
	if len(foot) > 0 {
		// The footer is plain text: no escaping.
		e.Footer = &discordgo.MessageEmbedFooter{Text: truncate(strings.Join(foot, footSep), maxEmbedFooter)}
	}
	room := maxEmbedTotal - utf8.RuneCountInString(e.Title)
	if e.Footer != nil {
		room -= utf8.RuneCountInString(e.Footer.Text)
	}
	e.Description = truncate(b.String(), min(maxEmbedDesc, room))
	return e
}

func color(a core.Answer) int {
	switch {
	case a.Notice != "":
		return colorUrgent
	case a.Kind == core.KindResolved:
		return colorResolved
	case a.Kind == core.KindHandoff:
		return colorHandoff
	case a.Kind == core.KindStep || a.Kind == core.KindChoose:
		return colorStep
	}
	return colorNeutral
}

// rows lays the buttons out five to a row, at most five rows. Were there
// more than 25 (the engine keeps menus shorter), the last button (talk to
// a person) is kept and the ones before it dropped.
func rows(bs []core.Button) []discordgo.MessageComponent {
	var ok []core.Button
	for _, b := range bs {
		// Engine tokens fit; anything longer would make Discord refuse the
		// whole message, so it is left out rather than cut (a cut token is
		// a broken button).
		if b.ID != "" && len(b.ID) <= maxCustomID {
			ok = append(ok, b)
		}
	}
	if n := maxPerRow * maxRows; len(ok) > n {
		ok = append(ok[:n-1:n-1], ok[len(ok)-1])
	}
	out := []discordgo.MessageComponent{}
	for i := 0; i < len(ok); i += maxPerRow {
		row := discordgo.ActionsRow{}
		for _, b := range ok[i:min(i+maxPerRow, len(ok))] {
			row.Components = append(row.Components, discordgo.Button{
				Label:    truncate(b.Label, maxLabel),
				Style:    buttonStyle(b.Style),
				CustomID: b.ID,
			})
		}
		out = append(out, row)
	}
	return out
}

// buttonStyle maps the engine's hints: the hopeful answer ("that fixed
// it") green, talking to a person red so that it is easy to find, the rest
// grey so that the colours mean something.
func buttonStyle(s core.Style) discordgo.ButtonStyle {
	switch s {
	case core.StylePrimary:
		return discordgo.SuccessButton
	case core.StyleDanger:
		return discordgo.DangerButton
	}
	return discordgo.SecondaryButton
}

// escape makes playbook text show as written: Discord reads markdown in
// content and embed descriptions, so * _ ~ ` | \ and the characters of
// links and mentions are backslash-escaped, and so are the marks that make
// a line a heading, a quote or a list.
func escape(s string) string {
	if !needsEscape(s) {
		return s
	}
	return escapeMarkdown(s)
}

// needsEscape reports whether escapeMarkdown would change s: most texts,
// Japanese above all, have nothing to escape, and are then not copied.
func needsEscape(s string) bool {
	start := true
	for i := 0; i < len(s); i++ {
		switch mdClass[s[i]] {
		case mdPlain:
			// Most of a text: on to the next character that may matter.
			for i+1 < len(s) && mdClass[s[i+1]] == mdPlain {
				i++
			}
		case mdAlways:
			return true
		case mdLineStart:
			if start {
				return true
			}
		case mdNewline:
			// Leading spaces do not stop a line from being a list item.
			for i+1 < len(s) && s[i+1] == ' ' {
				i++
			}
			start = true
			continue
		case mdDigit:
			if start {
				j := i
				for j < len(s) && '0' <= s[j] && s[j] <= '9' {
					j++
				}
				if j < len(s) && (s[j] == '.' || s[j] == ')') {
					return true
				}
			}
		}
		start = false
	}
	return false
}

// What a byte is to escape.
const (
	mdPlain     = iota
	mdAlways    // escaped wherever it is
	mdLineStart // escaped at the start of a line
	mdDigit     // escaped with the digits after it at the start of a line, before . or )
	mdNewline
)

var mdClass = func() (t [256]uint8) {
	for _, c := range []byte{'\\', '*', '_', '~', '`', '|', '[', ']', '<', '@'} {
		t[c] = mdAlways
	}
	for _, c := range []byte{'#', '>', '-', '+'} {
		t[c] = mdLineStart
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = mdDigit
	}
	t['\n'] = mdNewline
	return t
}()

// escapeMarkdown is escape's work, for a text that needs it.
func escapeMarkdown(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	start := true
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if start {
			switch r {
			case '#', '>', '-', '+':
				b.WriteByte('\\')
			}
			if r >= '0' && r <= '9' {
				// "1. " at the start of a line would become a list item.
				j := i
				for j < len(s) && s[j] >= '0' && s[j] <= '9' {
					j++
				}
				if j < len(s) && (s[j] == '.' || s[j] == ')') {
					b.WriteString(s[i:j])
					b.WriteByte('\\')
					i = j
					start = false
					continue
				}
			}
		}
		switch r {
		case '\\', '*', '_', '~', '`', '|', '[', ']', '<', '@':
			b.WriteByte('\\')
		}
		b.WriteString(s[i : i+n])
		start = r == '\n'
		if start {
			// Leading spaces do not stop a line from being a list item.
			for i+n < len(s) && s[i+n] == ' ' {
				b.WriteByte(' ')
				n++
			}
		}
		i += n
	}
	return b.String()
}

// truncate cuts s to at most n characters, ending with "…" when cut.
// Discord counts characters, not bytes.
func truncate(s string, n int) string {
	s = strings.TrimSpace(s)
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	if n <= 0 {
		return ""
	}
	r := []rune(s)
	// Do not leave a lone escaping backslash at the end.
	cut := strings.TrimRight(string(r[:n-1]), "\\")
	return cut + "…"
}
