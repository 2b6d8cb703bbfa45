package slack

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/slack-go/slack"

	"github.com/kaiketsu/kaiketsu/core"
)

// TestEncodeMatchesJSONMarshal: the hand-written encoder gives exactly the
// bytes json.Marshal gives, for every kind of answer, hand-off cards (whose
// fields and accessories go through the fallback) and awkward text, both
// as a reply and as the response_url message slack.PostWebhook sent.
func TestEncodeMatchesJSONMarshal(t *testing.T) {
	msgs := map[string]Message{}
	for name, a := range answers(t) {
		msgs[name] = Render(a, newIter())
	}
	h := &core.Handoff{ID: 7, Ref: "H-7<&>", Platform: Platform, Requester: "U1", Lang: "en", Topic: "password",
		Status: core.HandoffOpen, CreatedAt: time.Unix(1700000000, 0)}
	msgs["card"] = renderCard(h, "en", "Password <reset> & \"more\"", "it0")
	awkward := "quote \" back\\slash \b\f\n\r\t \x01 \x1f <b>&amp; \u2028\u2029 \xff\xfe 日本語 😀 \u007f"
	msgs["awkward"] = Render(core.Answer{Kind: core.KindStep, Title: awkward, Summary: awkward, StepTitle: awkward,
		Text: awkward, Steps: []string{awkward}, Footer: awkward, Notice: awkward, Progress: awkward,
		Buttons: []core.Button{{ID: "k1." + awkward, Label: awkward, Style: core.StyleDanger}, {ID: "k1.x", Label: "ok", Style: core.StylePrimary}}}, "it0")
	msgs["empty"] = Message{}
	msgs["mixed"] = Message{Text: "x", Blocks: []slack.Block{
		slack.NewDividerBlock(),
		slack.NewContextBlock("c", slack.NewImageBlockElement("https://example.com/a.png", "alt"), mrkdwn("t")),
		slack.NewSectionBlock(mrkdwn("s"), []*slack.TextBlockObject{plain("f")}, nil),
		slack.NewActionBlock("a"),
	}}
	for name, m := range msgs {
		for _, r := range []Reply{
			ephemeral(m),
			{ResponseType: slack.ResponseTypeInChannel, Text: m.Text, Blocks: m.Blocks, ReplaceOriginal: true, DeleteOriginal: true, ThreadTS: "1700000000.000100"},
		} {
			want, err := json.Marshal(r)
			if err != nil {
				t.Fatal(err)
			}
			got, err := r.appendJSON(nil)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s reply (%v):\n got %s\nwant %s", name, err, got, want)
			}
			want, err = json.Marshal(&slack.WebhookMessage{Text: r.Text, Blocks: &slack.Blocks{BlockSet: r.Blocks},
				ResponseType: r.ResponseType, ReplaceOriginal: r.ReplaceOriginal, DeleteOriginal: r.DeleteOriginal, ThreadTimestamp: r.ThreadTS})
			if err != nil {
				t.Fatal(err)
			}
			got, err = r.appendWebhookJSON(nil)
			if err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s webhook (%v):\n got %s\nwant %s", name, err, got, want)
			}
		}
	}
}

// TestParseClickMatchesSlackGo: the fields read from a payload are those
// slack-go's parser gives, for the payloads Slack sends and a few it might.
func TestParseClickMatchesSlackGo(t *testing.T) {
	payloads := []string{
		clickJSON("U1", "D123", "k:1", "k1.abc", "https://hooks.slack.com/actions/T1/1/x", true),
		clickJSON("U2", "C123", "ho:claim:7", "", "https://hooks.slack.com/actions/T1/1/y", false),
		`{"type":"block_actions","user":{"id":"U3","name":"n"},"channel":{"id":"C9"},"container":{"type":"message","thread_ts":"1.2"},"actions":[{"action_id":"old","value":"v"},{"action_id":"k:0","block_id":"b","value":"k1.z"}]}`,
		`{"type":"block_actions","user":{"id":"U3"},"actions":[{"action_id":"a","block_id":null,"value":"v"}]}`,
		`{"type":"view_submission","user":{"id":"U4"}}`,
		`{"type":"block_actions","actions":[]}`,
	}
	for _, p := range payloads {
		var cb slack.InteractionCallback
		if err := json.Unmarshal([]byte(p), &cb); err != nil {
			t.Fatalf("slack-go rejects %s: %v", p, err)
		}
		got, err := parseClick(p)
		if err != nil {
			t.Fatalf("parseClick(%s): %v", p, err)
		}
		if want := clickFrom(cb); got != want {
			t.Errorf("parseClick(%s)\n got %+v\nwant %+v", p, got, want)
		}
	}
	for _, bad := range []string{"", "{", `{"user":"U1"}`, `[1]`} {
		if _, err := parseClick(bad); err == nil {
			t.Errorf("parseClick(%q) accepted", bad)
		}
		if _, err := slack.InteractionCallbackParse(formReq(bad)); err == nil {
			t.Errorf("slack-go accepts %q: this test's premise is wrong", bad)
		}
	}
}

func formReq(payload string) *http.Request {
	r, _ := http.NewRequest("POST", "/", strings.NewReader(url.Values{"payload": {payload}}.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return r
}
