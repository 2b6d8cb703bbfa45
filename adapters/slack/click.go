package slack

import (
	"errors"
	"fmt"
	"strings"

	"github.com/slack-go/slack"
	"github.com/valyala/fastjson"
)

// click is what Kaiketsu reads from a block_actions interaction: who
// clicked which button where, and where to answer. A click's payload
// carries the whole message it was made on; slack-go's
// InteractionCallbackParse decodes all of it (blocks, state, attachments)
// into its types, which was most of a click's cost, for the handful of
// fields below. Over HTTP parseClick reads them from the payload; Socket
// Mode hands over slack-go's InteractionCallback, which clickFrom reads.
type click struct {
	Type      slack.InteractionType
	UserID    string
	UserName  string
	ChannelID string // the container's channel, else the payload's
	// Container and MessageTs locate the message clicked on (for
	// chat.update).
	Container   string
	MessageTs   string
	ThreadTs    string
	IsEphemeral bool
	ResponseURL string
	// ActionID and Value are those of the first block action; HasAction
	// is false when there is none (attachment actions are not block
	// actions).
	HasAction bool
	ActionID  string
	Value     string
}

// clickParsers parse click payloads. fastjson scans the payload once into
// a tree it reuses, where encoding/json decoding into a struct had cost a
// click more than everything else in its handler; the message clicked on,
// most of the payload, is scanned but never copied.
var clickParsers fastjson.ParserPool

// parseClick decodes the payload field of an interaction request. It reads
// what slack-go's InteractionCallback would hold for these fields, and
// rejects what encoding/json would reject for them: a payload that is not
// JSON or not an object, or one of these fields with another type (null
// is allowed for any, as encoding/json allows it).
func parseClick(payload string) (click, error) {
	if payload == "" {
		return click{}, errors.New("payload is empty")
	}
	p := clickParsers.Get()
	defer clickParsers.Put(p)
	v, err := p.Parse(payload)
	if err != nil {
		return click{}, err
	}
	if v.Type() == fastjson.TypeNull {
		return click{}, nil // nothing clicked: the handler answers as to any unknown interaction
	}
	if v.Type() != fastjson.TypeObject {
		return click{}, fmt.Errorf("payload is a JSON %s, not an object", v.Type())
	}
	r := fieldReader{v: v}
	c := click{
		Type:        slack.InteractionType(r.str("type")),
		UserID:      r.str("user", "id"),
		UserName:    r.str("user", "name"),
		ChannelID:   r.str("container", "channel_id"),
		MessageTs:   r.str("container", "message_ts"),
		ThreadTs:    r.str("container", "thread_ts"),
		IsEphemeral: r.boolean("container", "is_ephemeral"),
		ResponseURL: r.str("response_url"),
	}
	c.Container = c.ChannelID
	if ch := r.str("channel", "id"); c.ChannelID == "" {
		c.ChannelID = ch
	}
	if as := r.get("actions"); as != nil && as.Type() != fastjson.TypeNull {
		items, err := as.Array()
		if err != nil {
			return click{}, fmt.Errorf("actions: %w", err)
		}
		for _, a := range items {
			ar := fieldReader{v: a}
			if a.Type() != fastjson.TypeObject && a.Type() != fastjson.TypeNull {
				return click{}, fmt.Errorf("actions: an action is a JSON %s", a.Type())
			}
			// slack-go counts an action as a block action when its
			// block_id is a string; anything else is an attachment action.
			id, value := ar.str("action_id"), ar.str("value")
			if b := a.Get("block_id"); !c.HasAction && b != nil && b.Type() == fastjson.TypeString {
				c.HasAction, c.ActionID, c.Value = true, id, value
			}
			if ar.err != nil {
				return click{}, fmt.Errorf("actions: %w", ar.err)
			}
		}
	}
	if r.err != nil {
		return click{}, r.err
	}
	return c, nil
}

// fieldReader reads fields of a parsed object, keeping the first type
// error: a field that is missing or null reads as its zero value.
type fieldReader struct {
	v   *fastjson.Value
	err error
}

// get returns the value at path, nil when it or an object on the way is
// missing or null; an object on the way with another type is an error.
func (r *fieldReader) get(path ...string) *fastjson.Value {
	v := r.v
	for i, k := range path {
		if v.Type() == fastjson.TypeNull {
			return nil
		}
		if v.Type() != fastjson.TypeObject {
			r.fail(path[:i], "an object", v)
			return nil
		}
		if v = v.Get(k); v == nil {
			return nil
		}
	}
	if v.Type() == fastjson.TypeNull {
		return nil
	}
	return v
}

func (r *fieldReader) str(path ...string) string {
	v := r.get(path...)
	if v == nil {
		return ""
	}
	b, err := v.StringBytes()
	if err != nil {
		r.fail(path, "a string", v)
		return ""
	}
	return string(b) // a copy: b lives in the parser, which is reused
}

func (r *fieldReader) boolean(path ...string) bool {
	v := r.get(path...)
	if v == nil {
		return false
	}
	b, err := v.Bool()
	if err != nil {
		r.fail(path, "a boolean", v)
	}
	return b
}

func (r *fieldReader) fail(path []string, want string, v *fastjson.Value) {
	if r.err == nil {
		r.err = fmt.Errorf("%s: want %s, not a JSON %s", strings.Join(path, "."), want, v.Type())
	}
}

// clickFrom reads a click from slack-go's decoded callback (Socket Mode).
func clickFrom(cb slack.InteractionCallback) click {
	c := click{
		Type:        cb.Type,
		UserID:      cb.User.ID,
		UserName:    cb.User.Name,
		ChannelID:   cb.Container.ChannelID,
		Container:   cb.Container.ChannelID,
		MessageTs:   cb.Container.MessageTs,
		ThreadTs:    cb.Container.ThreadTs,
		IsEphemeral: cb.Container.IsEphemeral,
		ResponseURL: cb.ResponseURL,
	}
	if c.ChannelID == "" {
		c.ChannelID = cb.Channel.ID
	}
	if as := cb.ActionCallback.BlockActions; len(as) > 0 && as[0] != nil {
		c.HasAction, c.ActionID, c.Value = true, as[0].ActionID, as[0].Value
	}
	return c
}
