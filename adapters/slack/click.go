package slack

import (
	"encoding/json"
	"errors"

	"github.com/slack-go/slack"
)

// click is what Kaiketsu reads from a block_actions interaction: who
// clicked which button where, and where to answer. A click's payload
// carries the whole message it was made on; slack-go's
// InteractionCallbackParse decodes all of it (blocks, state, attachments)
// into its types, which was most of a click's cost, for the handful of
// fields below. Over HTTP the payload is decoded straight into
// clickWire; Socket Mode hands over slack-go's InteractionCallback,
// which clickFrom reads.
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

// clickWire is the part of Slack's interaction payload Kaiketsu reads,
// with slack-go's field names.
type clickWire struct {
	Type slack.InteractionType `json:"type"`
	User struct {
		ID   string `json:"id"`
		Name string `json:"name"`
	} `json:"user"`
	Container struct {
		MessageTs   string `json:"message_ts"`
		ThreadTs    string `json:"thread_ts"`
		ChannelID   string `json:"channel_id"`
		IsEphemeral bool   `json:"is_ephemeral"`
	} `json:"container"`
	Channel struct {
		ID string `json:"id"`
	} `json:"channel"`
	ResponseURL string `json:"response_url"`
	Actions     []struct {
		// slack-go counts an action as a block action when its block_id
		// is a string; anything else is an attachment action.
		BlockID  json.RawMessage `json:"block_id"`
		ActionID string          `json:"action_id"`
		Value    string          `json:"value"`
	} `json:"actions"`
}

// parseClick decodes the payload field of an interaction request.
func parseClick(payload string) (click, error) {
	if payload == "" {
		return click{}, errors.New("payload is empty")
	}
	var p clickWire
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return click{}, err
	}
	c := click{
		Type:        p.Type,
		UserID:      p.User.ID,
		UserName:    p.User.Name,
		ChannelID:   p.Container.ChannelID,
		Container:   p.Container.ChannelID,
		MessageTs:   p.Container.MessageTs,
		ThreadTs:    p.Container.ThreadTs,
		IsEphemeral: p.Container.IsEphemeral,
		ResponseURL: p.ResponseURL,
	}
	if c.ChannelID == "" {
		c.ChannelID = p.Channel.ID
	}
	for _, a := range p.Actions {
		if len(a.BlockID) > 0 && a.BlockID[0] == '"' {
			c.HasAction, c.ActionID, c.Value = true, a.ActionID, a.Value
			break
		}
	}
	return c, nil
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
