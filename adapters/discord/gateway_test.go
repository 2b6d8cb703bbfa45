package discord

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"
)

// A local fake of the Gateway (hello, identify, ready, then two
// INTERACTION_CREATE dispatches) and of the callback endpoint: the
// interactions are answered through the same Respond as over HTTP.
func TestGateway(t *testing.T) {
	type callback struct {
		path string
		body []byte
	}
	callbacks := make(chan callback, 4)
	identified := make(chan map[string]any, 1)
	var f *fixture
	var events [][]byte
	mux := http.NewServeMux()
	var srv *httptest.Server
	mux.HandleFunc("GET /api/v10/gateway", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"url":"ws://`+strings.TrimPrefix(srv.URL, "http://")+`/ws"}`)
	})
	mux.HandleFunc("POST /api/v10/interactions/{id}/{token}/callback", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		callbacks <- callback{r.URL.Path, b}
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("/ws/", func(w http.ResponseWriter, r *http.Request) {
		up := websocket.Upgrader{}
		c, err := up.Upgrade(w, r, nil)
		if err != nil {
			t.Errorf("upgrade: %v", err)
			return
		}
		defer c.Close()
		c.WriteJSON(map[string]any{"op": 10, "d": map[string]any{"heartbeat_interval": 45000}})
		var id map[string]any
		if err := c.ReadJSON(&id); err != nil {
			t.Errorf("identify: %v", err)
			return
		}
		identified <- id
		c.WriteJSON(map[string]any{"op": 0, "s": 1, "t": "READY", "d": map[string]any{
			"v": 10, "session_id": "s1", "resume_gateway_url": "ws://" + r.Host + "/ws", "guilds": []any{},
			"user":        map[string]any{"id": testBot, "username": "kaiketsu", "bot": true, "discriminator": "0"},
			"application": map[string]any{"id": testApp, "flags": 0},
		}})
		for i, ev := range events {
			c.WriteJSON(map[string]any{"op": 0, "s": 2 + i, "t": "INTERACTION_CREATE", "d": json.RawMessage(ev)})
		}
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})
	srv = httptest.NewServer(mux)
	defer srv.Close()
	f = newFixture(t, func(o *Options) {
		o.Client = NewClient(srv.URL+"/api/v10", "gateway-token", srv.Client(), nil)
	})
	events = [][]byte{f.command(jaUser, ptr("パスワードを忘れた")), f.autocomplete(enUser, "verif")}

	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- f.h.RunGateway(ctx, "gateway-token", srv.URL+"/api/v10") }()

	select {
	case id := <-identified:
		d, _ := id["d"].(map[string]any)
		if id["op"] != float64(2) || d["token"] != "Bot gateway-token" || d["intents"] != float64(0) {
			t.Errorf("identify %v: want op 2 with the bot token and no intents", id)
		}
	case err := <-done:
		t.Fatalf("gateway stopped: %v", err)
	case <-time.After(10 * time.Second):
		t.Fatal("no identify")
	}
	got := map[int]response{}
	for len(got) < 2 {
		select {
		case cb := <-callbacks:
			if !strings.HasPrefix(cb.path, "/api/v10/interactions/12000000000000000") {
				t.Errorf("callback to %s", cb.path)
			}
			var r response
			if err := json.Unmarshal(cb.body, &r); err != nil {
				t.Fatalf("callback body: %v", err)
			}
			got[r.Type] = r
		case <-time.After(10 * time.Second):
			t.Fatalf("got %d callbacks, want 2", len(got))
		}
	}
	cancel()
	if err := <-done; err != nil {
		t.Errorf("RunGateway returned %v after cancel", err)
	}
	d := checkLimits(t, got[4])
	if d.Flags != 64 || len(d.Embeds) != 1 || d.Embeds[0].Title != "パスワードを忘れた" {
		t.Errorf("command over the Gateway answered %s", got[4].Data)
	}
	d = checkLimits(t, got[8])
	if len(d.Choices) == 0 || !strings.Contains(strings.ToLower(d.Choices[0].Name), "verification") {
		t.Errorf("autocomplete over the Gateway answered %s", got[8].Data)
	}
}

// TestGatewayLogLineDropsPayloads: discordgo's lines that print whole
// Gateway events or the identify packet keep their event name, never the
// payload (interaction tokens, typed text, the bot token).
func TestGatewayLogLineDropsPayloads(t *testing.T) {
	const secret = "tok-SECRET"
	raw := []byte(`{"token":"` + secret + `","data":{"text":"my password is hunter2"}}`)
	tests := []struct {
		format string
		args   []any
		want   string
	}{
		{"unknown event: Op: %d, Seq: %d, Type: %s, Data: %s", []any{0, 7, "NEW_THING", string(raw)},
			"unknown event: Op: 0, Seq: 7, Type: NEW_THING, Data: (not logged)"},
		{"unknown Op: %d, Seq: %d, Type: %s, Data: %s, message: %s", []any{5, 7, "X", string(raw), string(raw)},
			"unknown Op: 5, Seq: 7, Type: X, Data: (not logged)"},
		{"Expected READY/RESUMED, instead got:\n%#v\n", []any{struct{ Raw []byte }{raw}},
			"Expected READY/RESUMED, instead got: (not logged)"},
		{"Identify Packet: \n%#v", []any{struct{ Token string }{secret}}, "Identify Packet: (not logged)"},
		{"error connecting to gateway %s, %s", []any{"wss://gateway.discord.gg", "EOF"},
			"error connecting to gateway wss://gateway.discord.gg, EOF"},
	}
	for _, tt := range tests {
		got := gatewayLogLine(tt.format, tt.args...)
		if got != tt.want {
			t.Errorf("gatewayLogLine(%q) = %q, want %q", tt.format, got, tt.want)
		}
		if strings.Contains(got, secret) || strings.Contains(got, "hunter2") {
			t.Errorf("gatewayLogLine(%q) leaks the payload: %q", tt.format, got)
		}
	}
}

// TestBackgroundPanicIsLogged: a panic in work outside an HTTP request
// (a Gateway interaction, a background post) is logged, and the process
// and Drain carry on.
func TestBackgroundPanicIsLogged(t *testing.T) {
	var logs strings.Builder
	h := New(Options{TeamLang: "en", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	h.later(func(context.Context) { panic("boom") })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := h.Drain(ctx); err != nil {
		t.Fatalf("Drain after a panic: %v", err)
	}
	if !strings.Contains(logs.String(), "background post panicked") || !strings.Contains(logs.String(), "boom") {
		t.Errorf("panic not logged: %q", logs.String())
	}
}
