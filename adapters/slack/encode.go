package slack

import (
	"encoding/json"
	"strconv"

	"github.com/kaiketsu/kaiketsu/adapters/internal/jsonstr"
	"github.com/slack-go/slack"
)

// The JSON of every reply Kaiketsu sends, written straight into one buffer.
// encoding/json reaches slack-go's blocks through interfaces and through
// the MarshalJSON methods of Blocks, BlockElements and ContextElements,
// each of which marshals into a buffer of its own that is then checked and
// copied again: for a step's reply that was most of the cost of the
// answer. The blocks Render builds (section, header, context, actions with
// buttons) are written here field by field in slack-go's order and with
// its omitempty rules, so that the bytes are the ones json.Marshal gives
// (TestEncodeMatchesJSONMarshal); any other block or element is handed to
// json.Marshal as before.

// appendJSON appends r as json.Marshal(r) would.
func (r Reply) appendJSON(buf []byte) ([]byte, error) {
	buf = append(buf, `{"response_type":`...)
	buf = appendString(buf, r.ResponseType)
	buf = append(buf, `,"text":`...)
	buf = appendString(buf, r.Text)
	buf = append(buf, `,"blocks":`...)
	buf, err := appendBlocks(buf, r.Blocks)
	if err != nil {
		return nil, err
	}
	if r.ReplaceOriginal {
		buf = append(buf, `,"replace_original":true`...)
	}
	if r.DeleteOriginal {
		buf = append(buf, `,"delete_original":true`...)
	}
	if r.ThreadTS != "" {
		buf = append(buf, `,"thread_ts":`...)
		buf = appendString(buf, r.ThreadTS)
	}
	return append(buf, '}'), nil
}

// appendWebhookJSON appends r as a response_url message: the bytes of
// json.Marshal(slack.WebhookMessage{...}) with r's fields, which is what
// slack.PostWebhook sent.
func (r Reply) appendWebhookJSON(buf []byte) ([]byte, error) {
	buf = append(buf, '{')
	if r.ThreadTS != "" {
		buf = append(buf, `"thread_ts":`...)
		buf = appendString(buf, r.ThreadTS)
		buf = append(buf, ',')
	}
	if r.Text != "" {
		buf = append(buf, `"text":`...)
		buf = appendString(buf, r.Text)
		buf = append(buf, ',')
	}
	buf = append(buf, `"blocks":`...)
	buf, err := appendBlocks(buf, r.Blocks)
	if err != nil {
		return nil, err
	}
	if r.ResponseType != "" {
		buf = append(buf, `,"response_type":`...)
		buf = appendString(buf, r.ResponseType)
	}
	buf = append(buf, `,"replace_original":`...)
	buf = strconv.AppendBool(buf, r.ReplaceOriginal)
	buf = append(buf, `,"delete_original":`...)
	buf = strconv.AppendBool(buf, r.DeleteOriginal)
	return append(buf, '}'), nil
}

func appendBlocks(buf []byte, bs []slack.Block) ([]byte, error) {
	if bs == nil {
		return append(buf, "null"...), nil
	}
	buf = append(buf, '[')
	for i, b := range bs {
		if i > 0 {
			buf = append(buf, ',')
		}
		var err error
		if buf, err = appendBlock(buf, b); err != nil {
			return nil, err
		}
	}
	return append(buf, ']'), nil
}

func appendBlock(buf []byte, b slack.Block) ([]byte, error) {
	switch b := b.(type) {
	case *slack.SectionBlock:
		if b == nil || len(b.Fields) > 0 || b.Accessory != nil {
			break
		}
		buf = append(buf, `{"type":`...)
		buf = appendString(buf, string(b.Type))
		if b.Text != nil {
			buf = append(buf, `,"text":`...)
			buf = appendText(buf, b.Text)
		}
		buf = appendBlockID(buf, b.BlockID)
		if b.Expand {
			buf = append(buf, `,"expand":true`...)
		}
		return append(buf, '}'), nil
	case *slack.HeaderBlock:
		if b == nil {
			break
		}
		buf = append(buf, `{"type":`...)
		buf = appendString(buf, string(b.Type))
		if b.Text != nil {
			buf = append(buf, `,"text":`...)
			buf = appendText(buf, b.Text)
		}
		buf = appendBlockID(buf, b.BlockID)
		if b.Level != 0 {
			buf = append(buf, `,"level":`...)
			buf = strconv.AppendInt(buf, int64(b.Level), 10)
		}
		return append(buf, '}'), nil
	case *slack.ContextBlock:
		if b == nil || !allText(b.ContextElements.Elements) {
			break
		}
		buf = append(buf, `{"type":`...)
		buf = appendString(buf, string(b.Type))
		buf = appendBlockID(buf, b.BlockID)
		buf = append(buf, `,"elements":`...)
		buf = jsonstr.AppendList(buf, b.ContextElements.Elements, func(buf []byte, e slack.MixedElement) []byte {
			return appendText(buf, e.(*slack.TextBlockObject))
		})
		return append(buf, '}'), nil
	case *slack.ActionBlock:
		if b == nil || (b.Elements != nil && !allPlainButtons(b.Elements.ElementSet)) {
			break
		}
		buf = append(buf, `{"type":`...)
		buf = appendString(buf, string(b.Type))
		buf = appendBlockID(buf, b.BlockID)
		buf = append(buf, `,"elements":`...)
		var set []slack.BlockElement
		if b.Elements != nil {
			set = b.Elements.ElementSet
		}
		buf = jsonstr.AppendList(buf, set, func(buf []byte, e slack.BlockElement) []byte {
			return appendButton(buf, e.(*slack.ButtonBlockElement))
		})
		return append(buf, '}'), nil
	}
	js, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	return append(buf, js...), nil
}

func appendBlockID(buf []byte, id string) []byte {
	if id == "" {
		return buf
	}
	buf = append(buf, `,"block_id":`...)
	return appendString(buf, id)
}

// allText reports whether every context element is a text object, the
// only kind appendBlock writes itself.
func allText(es []slack.MixedElement) bool {
	for _, e := range es {
		if t, ok := e.(*slack.TextBlockObject); !ok || t == nil {
			return false
		}
	}
	return true
}

// allPlainButtons reports whether every element is a button without the
// parts appendButton leaves to json.Marshal (a confirmation dialog, a
// visibility list).
func allPlainButtons(es []slack.BlockElement) bool {
	for _, e := range es {
		b, ok := e.(*slack.ButtonBlockElement)
		if !ok || b == nil || b.Confirm != nil || len(b.VisibleToUserIDs) > 0 {
			return false
		}
	}
	return true
}

func appendText(buf []byte, t *slack.TextBlockObject) []byte {
	buf = append(buf, `{"type":`...)
	buf = appendString(buf, t.Type)
	buf = append(buf, `,"text":`...)
	buf = appendString(buf, t.Text)
	if t.Emoji != nil {
		buf = append(buf, `,"emoji":`...)
		buf = strconv.AppendBool(buf, *t.Emoji)
	}
	if t.Verbatim {
		buf = append(buf, `,"verbatim":true`...)
	}
	return append(buf, '}')
}

func appendButton(buf []byte, b *slack.ButtonBlockElement) []byte {
	buf = append(buf, '{')
	if b.Type != "" {
		buf = append(buf, `"type":`...)
		buf = appendString(buf, string(b.Type))
		buf = append(buf, ',')
	}
	buf = append(buf, `"text":`...)
	if b.Text == nil {
		buf = append(buf, "null"...)
	} else {
		buf = appendText(buf, b.Text)
	}
	for _, f := range [...]struct{ name, v string }{
		{`,"action_id":`, b.ActionID},
		{`,"url":`, b.URL},
		{`,"value":`, b.Value},
		{`,"style":`, string(b.Style)},
		{`,"accessibility_label":`, b.AccessibilityLabel},
		{`,"agent_prompt":`, b.AgentPrompt},
		{`,"agent_prompt_display":`, b.AgentPromptDisplay},
	} {
		if f.v != "" {
			buf = append(buf, f.name...)
			buf = appendString(buf, f.v)
		}
	}
	return append(buf, '}')
}

// appendString appends s as a JSON string exactly as encoding/json writes
// it with its default HTML escaping: <, > and & as \u003c, \u003e and
// \u0026, U+2028 and U+2029 escaped, invalid UTF-8 as U+FFFD.
func appendString(buf []byte, s string) []byte {
	buf = append(buf, '"')
	buf = appendStringBody(buf, s, false)
	return append(buf, '"')
}

// appendStringBody appends s as appendString does, without the quotes.
// With mrkdwn, s is first escaped as escape does (&, < and > as &amp;,
// &lt; and &gt;), in the same pass.
func appendStringBody(buf []byte, s string, mrkdwn bool) []byte {
	if mrkdwn {
		return jsonstr.AppendBody(buf, s, &mrkdwnJSON)
	}
	return jsonstr.AppendBody(buf, s, &jsonstr.HTML)
}

// mrkdwnJSON is how escape's entities look in a JSON string.
var mrkdwnJSON = jsonstr.Escapes{'&': `\u0026amp;`, '<': `\u0026lt;`, '>': `\u0026gt;`}
