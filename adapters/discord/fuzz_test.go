package discord_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/loadgen"
)

// FuzzDiscordInteraction fuzzes the interaction JSON, correctly signed:
// every body gets 200 with a JSON response that has a type, or a 400 with
// a JSON error; never a 500, a 401 or a panic.
func FuzzDiscordInteraction(f *testing.F) {
	bn := newBench(f)
	now := time.Now()
	for _, t := range benchTexts {
		f.Add(loadgen.DiscordCommand(bn.priv, benchUser, t, now).Body)
	}
	id, msg := bn.nextButton(f)
	f.Add(loadgen.DiscordClick(bn.priv, benchUser, id, msg, now).Body)
	f.Add(loadgen.DiscordClick(bn.priv, benchUser, "k1.AAAAAAAAAAAAAAAAAAAAAAAAAAAA", nil, now).Body)
	f.Add(loadgen.DiscordClick(bn.priv, benchUser, "kk-card:claim:1", nil, now).Body)
	f.Add([]byte(`{"type":1}`))
	f.Add([]byte(`{"type":4,"data":{"name":"support","options":[{"name":"symptom","type":3,"value":"pass","focused":true}]}}`))
	f.Add([]byte(`{"type":2,"data":{"options":[{"name":"symptom","type":3,"value":7}]}}`))
	f.Add([]byte(`{"type":3,"data":{"custom_id":12}}`))
	f.Add([]byte(`{"type":2,"data":{"options":[null]}}`))
	f.Add([]byte(`{"type":4,"data":{"options":[null,{"focused":true,"value":"x"}]}}`))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, body []byte) {
		r := httptest.NewRequest(http.MethodPost, "/discord/interactions", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		loadgen.DiscordSign(r.Header, bn.priv, body, time.Now())
		rec := httptest.NewRecorder()
		bn.h.ServeHTTP(rec, r)
		var resp map[string]any
		if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
			t.Fatalf("%q: status %d, reply is not JSON: %s", body, rec.Code, rec.Body)
		}
		switch rec.Code {
		case http.StatusOK:
			if _, ok := resp["type"].(float64); !ok {
				t.Fatalf("%q: 200 without a response type: %s", body, rec.Body)
			}
		case http.StatusBadRequest, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("%q: status %d %s", body, rec.Code, rec.Body)
		}
	})
}
