package slack

import (
	"encoding/json"
	"errors"
	"io"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/slack-go/slack"
)

// clickWire is how parseClick read a payload before fastjson, with
// encoding/json: the reference it must agree with.
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
		BlockID  json.RawMessage `json:"block_id"`
		ActionID string          `json:"action_id"`
		Value    string          `json:"value"`
	} `json:"actions"`
}

func referenceClick(payload string) (click, error) {
	var p clickWire
	if err := json.Unmarshal([]byte(payload), &p); err != nil {
		return click{}, err
	}
	c := click{
		Type: p.Type, UserID: p.User.ID, UserName: p.User.Name,
		ChannelID: p.Container.ChannelID, Container: p.Container.ChannelID,
		MessageTs: p.Container.MessageTs, ThreadTs: p.Container.ThreadTs,
		IsEphemeral: p.Container.IsEphemeral, ResponseURL: p.ResponseURL,
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

// checkClickMatchesReference: where encoding/json reads a payload,
// parseClick reads the same click; where encoding/json rejects valid JSON
// (a field of another type), parseClick rejects it too. JSON that is not
// valid may be read or rejected, as long as nothing panics: the payload's
// signature has already proved it comes from Slack.
func checkClickMatchesReference(t *testing.T, payload string) {
	t.Helper()
	want, wantErr := referenceClick(payload)
	got, err := parseClick(payload)
	if !plainKeys(payload) || loneSurrogate.MatchString(payload) || !utf8.ValidString(payload) {
		// encoding/json matches keys without regard to case ("tYpe" is
		// "type", "K" with a Kelvin sign is "k") and takes the last of
		// repeated keys; Slack's keys are lowercase and never repeated,
		// and parseClick matches them exactly and takes the first. A
		// \ud800 without its pair becomes U+FFFD in encoding/json and
		// stays as written in fastjson, and so do bytes that are not
		// UTF-8: Slack sends UTF-8 text.
		return
	}
	switch {
	case wantErr == nil && err != nil:
		t.Fatalf("parseClick(%q): %v; encoding/json reads %+v", payload, err, want)
	case wantErr == nil && got != want:
		t.Fatalf("parseClick(%q)\n got %+v\nwant %+v", payload, got, want)
	case wantErr != nil && err == nil && json.Valid([]byte(payload)):
		t.Fatalf("parseClick(%q) = %+v, want an error like encoding/json's: %v", payload, got, wantErr)
	}
}

var clickCases = []string{
	clickJSON("U1", "D123", "k:1", "k1.abc", "https://hooks.slack.com/actions/T1/1/x", true),
	clickJSON("U2", "C123", "ho:claim:7", "", "https://hooks.slack.com/actions/T1/1/y", false),
	`{"type":"block_actions","user":{"id":"U3","name":"n"},"channel":{"id":"C9"},"container":{"type":"message","thread_ts":"1.2"},"actions":[{"action_id":"old","value":"v"},{"action_id":"k:0","block_id":"b","value":"k1.z"}]}`,
	`{"type":"block_actions","user":{"id":"U3"},"actions":[{"action_id":"a","block_id":null,"value":"v"}]}`,
	`{"type":"block_actions","user":null,"container":null,"actions":null,"response_url":null}`,
	`{"type":"block_actions","user":{"id":"U\u00e9\ud83d\ude00"},"actions":[null,{"block_id":"b","action_id":"k:1","value":"x\"y"}]}`,
	`{"type":"block_actions","user":"U1"}`,
	`{"type":1}`,
	`{"user":{"id":5}}`,
	`{"container":{"is_ephemeral":"yes"}}`,
	`{"actions":{"action_id":"a"}}`,
	`{"actions":["a"]}`,
	`{"actions":[{"block_id":"b","value":7}]}`,
	`[1]`, `"s"`, `null`, `{`, `{}`, `{"a":[1,2,{"b":{}}]}`,
}

func TestParseClickMatchesEncodingJSON(t *testing.T) {
	for _, p := range clickCases {
		checkClickMatchesReference(t, p)
	}
}

func FuzzParseClick(f *testing.F) {
	for _, p := range clickCases {
		f.Add(p)
	}
	f.Fuzz(func(t *testing.T, payload string) {
		if payload == "" {
			return
		}
		checkClickMatchesReference(t, payload)
	})
}

// loneSurrogate finds an escaped UTF-16 surrogate (paired or not: telling
// them apart is not worth it here).
var loneSurrogate = regexp.MustCompile(`(?i)\\ud[89a-f]`)

// plainKeys reports whether every object key in payload is lowercase ASCII
// letters, digits and '_', and none is repeated in its object (true too for
// input that is not JSON).
func plainKeys(payload string) bool {
	d := json.NewDecoder(strings.NewReader(payload))
	// For each open object or array: whether it is an object, and in an
	// object whether the next string is a key.
	type level struct {
		object, wantKey bool
		keys            map[string]bool
	}
	var stack []level
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) || err != nil {
			return true
		}
		top := len(stack) - 1
		isKey := top >= 0 && stack[top].object && stack[top].wantKey
		if top >= 0 && stack[top].object {
			stack[top].wantKey = !stack[top].wantKey
		}
		switch tok := tok.(type) {
		case json.Delim:
			switch tok {
			case '{':
				stack = append(stack, level{object: true, wantKey: true, keys: map[string]bool{}})
			case '[':
				stack = append(stack, level{})
			default:
				stack = stack[:top]
				if top > 0 && stack[top-1].object {
					// the closed value was a value: the next string is a key
					stack[top-1].wantKey = true
				}
			}
		case string:
			if !isKey {
				continue
			}
			if stack[top].keys[tok] || strings.IndexFunc(tok, func(r rune) bool { return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_') }) >= 0 {
				return false
			}
			stack[top].keys[tok] = true
		}
	}
}
