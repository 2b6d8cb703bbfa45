package discord

import (
	"strconv"

	"github.com/bwmarrin/discordgo"
	"github.com/kaiketsu/kaiketsu/adapters/internal/jsonstr"
)

// The JSON of the responses the HTTP endpoint writes, straight into one
// buffer. encoding/json reaches discordgo's components through their
// MarshalJSON methods, each of which marshals into a buffer of its own
// that the encoder then checks and copies again; with the reflection over
// the response, the embed and the allowed mentions, that was the largest
// cost of an answer after the signature check and the engine. The shapes
// Message builds (action rows of buttons, embeds with a title,
// description, colour and footer) are written here field by field in
// discordgo's order and with its omitempty rules, so that the bytes are
// those of writeJSON's encoder (TestEncodeMatchesEncoder); any other
// response goes to the encoder as before.
//
// The encoder does not escape <, > and & (SetEscapeHTML(false)), but the
// components' own MarshalJSON (discordgo.Marshal, json.Marshal) does, so
// their strings are written with HTML escaping and the rest without.

// appendResponse appends r's JSON and a line break, as writeJSON's
// encoder does; ok is false for a response it leaves to the encoder.
func appendResponse(buf []byte, r *discordgo.InteractionResponse) (out []byte, ok bool) {
	if r == nil || r.Type == discordgo.InteractionApplicationCommandAutocompleteResult || !plainData(r.Data) {
		return buf, false
	}
	buf = append(buf, '{')
	if r.Type != 0 {
		buf = append(buf, `"type":`...)
		buf = strconv.AppendUint(buf, uint64(r.Type), 10)
	}
	if d := r.Data; d != nil {
		if r.Type != 0 {
			buf = append(buf, ',')
		}
		buf = append(buf, `"data":{"tts":`...)
		buf = strconv.AppendBool(buf, d.TTS)
		buf = append(buf, `,"content":`...)
		buf = appendString(buf, d.Content, false)
		buf = append(buf, `,"components":`...)
		buf = jsonstr.AppendList(buf, d.Components, func(buf []byte, c discordgo.MessageComponent) []byte {
			return appendRow(buf, c.(discordgo.ActionsRow))
		})
		buf = append(buf, `,"embeds":`...)
		buf = jsonstr.AppendList(buf, d.Embeds, appendEmbed)
		if d.AllowedMentions != nil {
			buf = append(buf, `,"allowed_mentions":{"parse":`...)
			buf = jsonstr.AppendList(buf, d.AllowedMentions.Parse, func(buf []byte, p discordgo.AllowedMentionType) []byte {
				return appendString(buf, string(p), false)
			})
			buf = append(buf, `,"replied_user":`...)
			buf = strconv.AppendBool(buf, d.AllowedMentions.RepliedUser)
			buf = append(buf, '}')
		}
		if d.Flags != 0 {
			buf = append(buf, `,"flags":`...)
			buf = strconv.AppendInt(buf, int64(d.Flags), 10)
		}
		buf = append(buf, '}')
	}
	return append(buf, "}\n"...), true
}

// plainData reports whether d has only the parts appendResponse writes.
func plainData(d *discordgo.InteractionResponseData) bool {
	if d == nil {
		return true
	}
	if d.Attachments != nil || d.Poll != nil || d.Choices != nil || d.CustomID != "" || d.Title != "" {
		return false
	}
	if m := d.AllowedMentions; m != nil && (m.Roles != nil || m.Users != nil) {
		return false
	}
	for _, c := range d.Components {
		row, ok := c.(discordgo.ActionsRow)
		if !ok || row.ID != 0 {
			return false
		}
		for _, c := range row.Components {
			if b, ok := c.(discordgo.Button); !ok || b.Emoji != nil {
				return false
			}
		}
	}
	for _, e := range d.Embeds {
		if e == nil || e.Image != nil || e.Thumbnail != nil || e.Video != nil || e.Provider != nil || e.Author != nil || e.Fields != nil {
			return false
		}
	}
	return true
}

func appendRow(buf []byte, r discordgo.ActionsRow) []byte {
	buf = append(buf, `{"components":`...)
	buf = jsonstr.AppendList(buf, r.Components, func(buf []byte, c discordgo.MessageComponent) []byte {
		return appendButton(buf, c.(discordgo.Button))
	})
	return append(buf, `,"type":1}`...)
}

func appendButton(buf []byte, b discordgo.Button) []byte {
	if b.Style == 0 {
		b.Style = discordgo.PrimaryButton
	}
	buf = append(buf, `{"label":`...)
	buf = appendString(buf, b.Label, true)
	buf = append(buf, `,"style":`...)
	buf = strconv.AppendUint(buf, uint64(b.Style), 10)
	buf = append(buf, `,"disabled":`...)
	buf = strconv.AppendBool(buf, b.Disabled)
	for _, f := range [...]struct{ name, v string }{
		{`,"url":`, b.URL},
		{`,"custom_id":`, b.CustomID},
		{`,"sku_id":`, b.SKUID},
	} {
		if f.v != "" {
			buf = append(buf, f.name...)
			buf = appendString(buf, f.v, true)
		}
	}
	if b.ID != 0 {
		buf = append(buf, `,"id":`...)
		buf = strconv.AppendInt(buf, int64(b.ID), 10)
	}
	return append(buf, `,"type":2}`...)
}

func appendEmbed(buf []byte, e *discordgo.MessageEmbed) []byte {
	buf = append(buf, '{')
	sep := false
	field := func(name string) {
		if sep {
			buf = append(buf, ',')
		}
		buf = append(buf, name...)
		sep = true
	}
	for _, f := range [...]struct{ name, v string }{
		{`"url":`, e.URL},
		{`"type":`, string(e.Type)},
		{`"title":`, e.Title},
		{`"description":`, e.Description},
		{`"timestamp":`, e.Timestamp},
	} {
		if f.v != "" {
			field(f.name)
			buf = appendString(buf, f.v, false)
		}
	}
	if e.Color != 0 {
		field(`"color":`)
		buf = strconv.AppendInt(buf, int64(e.Color), 10)
	}
	if f := e.Footer; f != nil {
		field(`"footer":{`)
		fsep := false
		for _, ff := range [...]struct{ name, v string }{
			{`"text":`, f.Text},
			{`"icon_url":`, f.IconURL},
			{`"proxy_icon_url":`, f.ProxyIconURL},
		} {
			if ff.v != "" {
				if fsep {
					buf = append(buf, ',')
				}
				buf = append(buf, ff.name...)
				buf = appendString(buf, ff.v, false)
				fsep = true
			}
		}
		buf = append(buf, '}')
	}
	return append(buf, '}')
}

// appendString appends s as a JSON string as encoding/json writes it:
// with html, <, > and & as \u003c, \u003e and \u0026; always U+2028 and
// U+2029 escaped and invalid UTF-8 as U+FFFD.
func appendString(buf []byte, s string, html bool) []byte {
	var special *jsonstr.Escapes
	if html {
		special = &jsonstr.HTML
	}
	buf = append(buf, '"')
	buf = jsonstr.AppendBody(buf, s, special)
	return append(buf, '"')
}
