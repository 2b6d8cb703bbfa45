package httplog

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func logLines(t *testing.T, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var out []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("log line %q: %v", l, err)
		}
		out = append(out, m)
	}
	return out
}

func TestEveryLineOfARequestCarriesItsID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/commands", func(w http.ResponseWriter, r *http.Request) {
		log.With("platform", "slack").InfoContext(r.Context(), "command", "user", "U1")
		w.WriteHeader(http.StatusUnauthorized)
	})
	h := Middleware(log, mux)

	body := "token=xoxb-secret&text=my+password+is+hunter2"
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/slack/commands?sig=abc", strings.NewReader(body)))
	id := rec.Header().Get(RequestIDHeader)
	if len(id) != 16 {
		t.Fatalf("X-Request-Id = %q, want 16 hex digits", id)
	}
	lines := logLines(t, &buf)
	if len(lines) != 2 {
		t.Fatalf("%d log lines, want 2:\n%s", len(lines), buf.String())
	}
	for _, l := range lines {
		if l["request_id"] != id {
			t.Errorf("line %v: request_id = %v, want %s", l["msg"], l["request_id"], id)
		}
	}
	acc := lines[1]
	if acc["msg"] != "http request" || acc["route"] != "POST /slack/commands" || acc["status"] != 401.0 || acc["level"] != "INFO" {
		t.Errorf("access line = %v", acc)
	}
	for _, leak := range []string{"xoxb", "hunter2", "password", "sig=abc"} {
		if strings.Contains(buf.String(), leak) {
			t.Errorf("log contains %q:\n%s", leak, buf.String())
		}
	}
}

func TestIncomingRequestID(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug})))
	h := Middleware(log, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	for _, tc := range []struct {
		in   string
		keep bool
	}{
		{"abc-123_X.y", true},
		{"", false},
		{"has space", false},
		{"evil\nlevel=ERROR", false},
		{strings.Repeat("a", 65), false},
	} {
		buf.Reset()
		req := httptest.NewRequest("GET", "/healthz", nil)
		req.Header.Set(RequestIDHeader, tc.in)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		got := rec.Header().Get(RequestIDHeader)
		if (got == tc.in) != tc.keep || got == "" {
			t.Errorf("incoming %q -> %q, keep %v", tc.in, got, tc.keep)
		}
		lines := logLines(t, &buf)
		if lines[0]["request_id"] != got || lines[0]["level"] != "DEBUG" || lines[0]["route"] != "unmatched" {
			t.Errorf("access line = %v", lines[0])
		}
	}
}

func TestNoIDWithoutARequest(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(Handler(slog.NewTextHandler(&buf, nil)))
	log.Info("starting")
	if strings.Contains(buf.String(), "request_id") {
		t.Errorf("a line outside any request has a request id: %s", buf.String())
	}
	buf.Reset()
	log.WithGroup("g").InfoContext(WithRequestID(t.Context(), "r1"), "x")
	if !strings.Contains(buf.String(), "r1") {
		t.Errorf("grouped logger lost the request id: %s", buf.String())
	}
}
