package slack

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

// TestMalformedPayloadNotLogged: a payload the parser refuses is logged
// without its content: a parser's error may quote it, and it holds the
// response_url, a capability to post as the app.
func TestMalformedPayloadNotLogged(t *testing.T) {
	tb := newTestBot(t, nil)
	payload := `x{"token":"VERIFTOKENSECRET","type":"block_actions","actions":[],"response_url":"https://hooks.slack.com/actions/T1/1/SECRETPATH"}`
	rec := tb.do(signed("/slack/interactions", formType, "payload="+urlQueryEscape(payload), time.Now()))
	if rec.Code != http.StatusBadRequest {
		t.Fatalf("status %d, want 400", rec.Code)
	}
	logs := tb.logs.String()
	if !strings.Contains(logs, "malformed interaction payload") {
		t.Errorf("the refusal is not logged: %s", logs)
	}
	for _, secret := range []string{"VERIFTOKENSECRET", "SECRETPATH"} {
		if strings.Contains(logs, secret) {
			t.Errorf("the log holds %s: %s", secret, logs)
		}
	}
}
