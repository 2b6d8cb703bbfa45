package slack

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/slack-go/slack"
)

// fakeSlack is a local Slack: the Web API methods Kaiketsu calls, the
// response_url endpoint, and a Socket Mode WebSocket. It records what it
// was sent, as Slack would receive it.
type fakeSlack struct {
	t   *testing.T
	srv *httptest.Server

	mu        sync.Mutex
	calls     []apiCall          // Web API calls, in order
	responses []responsePost     // posts to response URLs
	locales   map[string]string  // users.info answers
	fail      map[string][]fault // method -> faults to serve, in order, before succeeding
	ts        int
	gate      chan struct{} // when set, response_url posts wait for it

	// Socket Mode
	wsMu   sync.Mutex
	ws     *websocket.Conn
	wsConn chan struct{}
	acks   chan socketAck
}

type apiCall struct {
	Method string
	Form   url.Values
	Auth   string
}

type responsePost struct {
	Path string
	Body []byte
}

type fault struct {
	Status     int
	RetryAfter string
	SlackError string // an {"ok":false,"error":...} answer
}

type socketAck struct {
	EnvelopeID string          `json:"envelope_id"`
	Payload    json.RawMessage `json:"payload"`
}

func newFakeSlack(t *testing.T) *fakeSlack {
	f := &fakeSlack{t: t, locales: map[string]string{}, fail: map[string][]fault{},
		wsConn: make(chan struct{}, 4), acks: make(chan socketAck, 64)}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/{method}", f.api)
	mux.HandleFunc("POST /response/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		gate := f.gate
		f.mu.Unlock()
		if gate != nil {
			select {
			case <-gate:
			case <-r.Context().Done():
				return
			}
		}
		if ct := r.Header.Get("Content-Type"); ct != "application/json" {
			t.Errorf("response_url post with Content-Type %q", ct)
		}
		f.mu.Lock()
		f.responses = append(f.responses, responsePost{Path: r.URL.Path, Body: body})
		fs := f.fail["response"]
		var ft *fault
		if len(fs) > 0 {
			ft, f.fail["response"] = &fs[0], fs[1:]
		}
		f.mu.Unlock()
		if ft != nil {
			w.WriteHeader(ft.Status)
			return
		}
		io.WriteString(w, "ok")
	})
	mux.HandleFunc("GET /ws", f.socket)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(func() {
		f.wsMu.Lock()
		if f.ws != nil {
			f.ws.Close()
		}
		f.wsMu.Unlock()
		f.srv.Close()
	})
	return f
}

func (f *fakeSlack) apiURL() string { return f.srv.URL + "/api/" }

func (f *fakeSlack) responseURL(id string) string { return f.srv.URL + "/response/" + id }

func (f *fakeSlack) failNext(method string, fs ...fault) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fail[method] = append(f.fail[method], fs...)
}

func (f *fakeSlack) api(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
	form := url.Values{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		body, _ := io.ReadAll(r.Body)
		var m map[string]any
		json.Unmarshal(body, &m)
		for k, v := range m {
			form.Set(k, fmt.Sprint(v))
		}
	} else {
		r.ParseForm()
		form = r.PostForm
	}
	f.mu.Lock()
	f.calls = append(f.calls, apiCall{Method: method, Form: form, Auth: r.Header.Get("Authorization")})
	var ft *fault
	if fs := f.fail[method]; len(fs) > 0 {
		ft, f.fail[method] = &fs[0], fs[1:]
	}
	f.ts++
	ts := fmt.Sprintf("1700000000.%06d", f.ts)
	loc := f.locales[form.Get("user")]
	f.mu.Unlock()
	if ft != nil {
		if ft.RetryAfter != "" {
			w.Header().Set("Retry-After", ft.RetryAfter)
		}
		if ft.Status != 0 {
			w.WriteHeader(ft.Status)
			io.WriteString(w, "<html>busy</html>")
			return
		}
		writeJSONBody(w, map[string]any{"ok": false, "error": ft.SlackError})
		return
	}
	switch method {
	case "chat.postMessage", "chat.update":
		writeJSONBody(w, map[string]any{"ok": true, "channel": form.Get("channel"), "ts": ts})
	case "users.info":
		writeJSONBody(w, map[string]any{"ok": true, "user": map[string]any{"id": form.Get("user"), "locale": loc}})
	case "conversations.open":
		writeJSONBody(w, map[string]any{"ok": true, "channel": map[string]any{"id": "D" + strings.TrimPrefix(form.Get("users"), "U")}})
	case "apps.connections.open":
		writeJSONBody(w, map[string]any{"ok": true, "url": "ws" + strings.TrimPrefix(f.srv.URL, "http") + "/ws"})
	default:
		writeJSONBody(w, map[string]any{"ok": false, "error": "unknown_method"})
	}
}

func writeJSONBody(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// callsTo returns the recorded calls of one method.
func (f *fakeSlack) callsTo(method string) []apiCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []apiCall
	for _, c := range f.calls {
		if c.Method == method {
			out = append(out, c)
		}
	}
	return out
}

func (f *fakeSlack) responsePosts() []responsePost {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]responsePost(nil), f.responses...)
}

// socket speaks Socket Mode's server side: hello, then whatever the test
// sends; acks come back on f.acks.
func (f *fakeSlack) socket(w http.ResponseWriter, r *http.Request) {
	// Slack's client sends Origin: https://api.slack.com.
	up := websocket.Upgrader{CheckOrigin: func(r *http.Request) bool { return r.Header.Get("Origin") == "https://api.slack.com" }}
	c, err := up.Upgrade(w, r, nil)
	if err != nil {
		f.t.Errorf("websocket upgrade: %v", err)
		return
	}
	f.wsMu.Lock()
	f.ws = c
	c.WriteJSON(map[string]any{"type": "hello", "num_connections": 1,
		"connection_info": map[string]any{"app_id": "A0KAIKETSU"}, "debug_info": map[string]any{"host": "fake"}})
	f.wsMu.Unlock()
	f.wsConn <- struct{}{}
	for {
		var ack socketAck
		if err := c.ReadJSON(&ack); err != nil {
			return
		}
		f.acks <- ack
	}
}

// sendEnvelope delivers a Socket Mode envelope to the connected client.
func (f *fakeSlack) sendEnvelope(typ, envelopeID string, payload any) {
	f.t.Helper()
	f.wsMu.Lock()
	defer f.wsMu.Unlock()
	if f.ws == nil {
		f.t.Fatal("no socket mode client connected")
	}
	err := f.ws.WriteJSON(map[string]any{
		"envelope_id": envelopeID, "type": typ, "payload": payload,
		"accepts_response_payload": typ == "slash_commands", "retry_attempt": 0, "retry_reason": "",
	})
	if err != nil {
		f.t.Fatalf("send envelope: %v", err)
	}
}

// decodeBlocks parses a form or JSON blocks field back with slack-go.
func decodeBlocks(t *testing.T, raw string) slack.Blocks {
	t.Helper()
	var bs slack.Blocks
	if err := json.Unmarshal([]byte(raw), &bs); err != nil {
		t.Fatalf("blocks do not parse as Block Kit: %v\n%s", err, raw)
	}
	return bs
}
