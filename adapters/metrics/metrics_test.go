package metrics

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/core"
)

// scrape fetches /metrics as Prometheus does.
func scrape(t *testing.T, m *Metrics) string {
	t.Helper()
	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET /metrics = %d", rec.Code)
	}
	return rec.Body.String()
}

// value returns the sample of metric whose labels include want, or -1
// when there is none.
func value(t *testing.T, body, metric string, want map[string]string) float64 {
	t.Helper()
	sc := bufio.NewScanner(strings.NewReader(body))
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") {
			continue
		}
		name, rest, _ := strings.Cut(line, "{")
		if name != metric {
			if n, v, ok := strings.Cut(line, " "); ok && n == metric && len(want) == 0 {
				f, _ := strconv.ParseFloat(v, 64)
				return f
			}
			continue
		}
		labels, v, _ := strings.Cut(rest, "} ")
		got := map[string]string{}
		for _, kv := range strings.Split(labels, `",`) {
			k, val, _ := strings.Cut(kv, `="`)
			got[k] = strings.TrimSuffix(val, `"`)
		}
		match := true
		for k, w := range want {
			if got[k] != w {
				match = false
			}
		}
		if match {
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				t.Fatalf("bad sample %q", line)
			}
			return f
		}
	}
	return -1
}

func TestMiddlewareCountsRoutesStatusesAndSignatureFailures(t *testing.T) {
	m := New()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/commands", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "invalid signature", http.StatusUnauthorized)
	})
	mux.HandleFunc("POST /discord/interactions", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"type":1}`) // implicit 200
	})
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusUnauthorized) // not a platform route
	})
	h := m.Middleware(mux)
	do := func(method, path string) int {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(method, path, strings.NewReader("x")))
		return rec.Code
	}
	do("POST", "/slack/commands")
	do("POST", "/slack/commands")
	do("POST", "/discord/interactions")
	do("GET", "/healthz")
	for i := range 50 {
		do("GET", "/slack/probe"+strconv.Itoa(i)) // random paths must not become series
	}

	body := scrape(t, m)
	for _, tc := range []struct {
		metric string
		labels map[string]string
		want   float64
	}{
		{"kaiketsu_http_requests_total", map[string]string{"platform": "slack", "route": "POST /slack/commands", "status": "401"}, 2},
		{"kaiketsu_http_requests_total", map[string]string{"platform": "discord", "route": "POST /discord/interactions", "status": "200"}, 1},
		{"kaiketsu_http_requests_total", map[string]string{"platform": "none", "route": "GET /healthz", "status": "401"}, 1},
		{"kaiketsu_http_requests_total", map[string]string{"platform": "slack", "route": "unmatched", "status": "404"}, 50},
		{"kaiketsu_http_request_duration_seconds_count", map[string]string{"platform": "slack", "route": "POST /slack/commands"}, 2},
		{"kaiketsu_signature_failures_total", map[string]string{"platform": "slack"}, 2},
		{"kaiketsu_signature_failures_total", map[string]string{"platform": "discord"}, 0},
		{"kaiketsu_http_requests_in_flight", nil, 0},
	} {
		if got := value(t, body, tc.metric, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.metric, tc.labels, got, tc.want)
		}
	}
	if strings.Contains(body, "probe") {
		t.Error("a request path became a label value")
	}
}

func TestMiddlewareCountsAPanicAsA500(t *testing.T) {
	m := New()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/events", func(w http.ResponseWriter, r *http.Request) { panic("boom") })
	func() {
		defer func() {
			if recover() == nil {
				t.Error("the panic was swallowed: net/http must still see it")
			}
		}()
		m.Middleware(mux).ServeHTTP(httptest.NewRecorder(), httptest.NewRequest("POST", "/slack/events", nil))
	}()
	if got := value(t, scrape(t, m), "kaiketsu_http_requests_total", map[string]string{"route": "POST /slack/events", "status": "500"}); got != 1 {
		t.Errorf("panicking request counted %v times as 500, want 1", got)
	}
}

func TestObserveAndStoreCountDiagnosesAndOutcomes(t *testing.T) {
	m := New()
	books, err := core.DefaultPlaybooks()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{
		Key:     []byte("0123456789abcdef0123456789abcdef"),
		Store:   m.Store(memstore.New()),
		Observe: m.Observe,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	a := eng.Ask(ctx, core.Request{Platform: "slack", UserID: "U1", Text: "パスワードを忘れた"})
	if a.Kind != core.KindStep {
		t.Fatalf("Ask = %v, want a walkthrough step", a.Kind)
	}
	topic, playbook := a.Topic, a.Playbook
	// What a text diagnoses to is the engine's business; the labels are ours.
	m.Observe(ctx, core.Request{Platform: "discord", UserID: "1", Text: "weather?"}, core.Answer{Kind: core.KindNoMatch})
	m.Observe(ctx, core.Request{Platform: "discord", UserID: "1", Text: "locked"}, core.Answer{Kind: core.KindChoose})
	if _, err := eng.Press(ctx, core.Request{Platform: "slack", UserID: "U1", Token: a.Buttons[0].ID}); err != nil { // "That fixed it"
		t.Fatal(err)
	}
	eng.StartOver(core.Request{Platform: "slack", UserID: "U1"}, core.ErrStaleToken)

	body := scrape(t, m)
	for _, tc := range []struct {
		metric string
		labels map[string]string
		want   float64
	}{
		{"kaiketsu_diagnoses_total", map[string]string{"platform": "slack", "playbook": playbook, "topic": topic}, 1},
		{"kaiketsu_diagnoses_total", map[string]string{"platform": "discord", "topic": "none"}, 1},
		{"kaiketsu_answers_total", map[string]string{"platform": "slack", "kind": "step"}, 1},
		{"kaiketsu_answers_total", map[string]string{"platform": "slack", "kind": "resolved"}, 1},
		{"kaiketsu_answers_total", map[string]string{"platform": "slack", "kind": "start-over"}, 1},
		{"kaiketsu_diagnoses_total", map[string]string{"platform": "discord", "topic": "ambiguous"}, 1},
		{"kaiketsu_answers_total", map[string]string{"platform": "discord", "kind": "no-match"}, 1},
		{"kaiketsu_walkthroughs_total", map[string]string{"platform": "slack", "topic": topic, "outcome": "started"}, 1},
		{"kaiketsu_walkthroughs_total", map[string]string{"platform": "slack", "topic": topic, "outcome": "resolved"}, 1},
	} {
		if got := value(t, body, tc.metric, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.metric, tc.labels, got, tc.want)
		}
	}
	// Only one diagnosis on slack: the button press is not one.
	if strings.Count(body, `kaiketsu_diagnoses_total{platform="slack"`) != 1 {
		t.Errorf("diagnoses on slack:\n%s", grep(body, "kaiketsu_diagnoses_total"))
	}
	// The series are looked up once and kept: a second count lands on the
	// same series, and another label set on its own.
	eng.Ask(ctx, core.Request{Platform: "slack", UserID: "U2", Text: "パスワードを忘れた"})
	eng.Ask(ctx, core.Request{Platform: "discord", UserID: "2", Text: "パスワードを忘れた"})
	body = scrape(t, m)
	for _, tc := range []struct {
		metric string
		labels map[string]string
		want   float64
	}{
		{"kaiketsu_diagnoses_total", map[string]string{"platform": "slack", "playbook": playbook, "topic": topic}, 2},
		{"kaiketsu_diagnoses_total", map[string]string{"platform": "discord", "playbook": playbook, "topic": topic}, 1},
		{"kaiketsu_answers_total", map[string]string{"platform": "slack", "kind": "step"}, 2},
		{"kaiketsu_walkthroughs_total", map[string]string{"platform": "slack", "topic": topic, "outcome": "started"}, 2},
		{"kaiketsu_walkthroughs_total", map[string]string{"platform": "discord", "topic": topic, "outcome": "started"}, 1},
	} {
		if got := value(t, body, tc.metric, tc.labels); got != tc.want {
			t.Errorf("after more answers: %s%v = %v, want %v", tc.metric, tc.labels, got, tc.want)
		}
	}
}

func TestHandoffRetriesAndReloads(t *testing.T) {
	m := New()
	body := scrape(t, m)
	if got := value(t, body, "kaiketsu_handoff_post_retries_total", map[string]string{"platform": "discord"}); got != 0 {
		t.Errorf("retries before any = %v, want a 0 series", got)
	}
	m.HandoffPostRetry("discord")
	m.HandoffPostRetry("discord")
	m.HandoffPostRetry("bogus-platform")
	m.KBLoaded(true, 7)
	m.KBLoaded(false, 7)
	body = scrape(t, m)
	for _, tc := range []struct {
		metric string
		labels map[string]string
		want   float64
	}{
		{"kaiketsu_handoff_post_retries_total", map[string]string{"platform": "discord"}, 2},
		{"kaiketsu_handoff_post_retries_total", map[string]string{"platform": "other"}, 1},
		{"kaiketsu_kb_reloads_total", map[string]string{"result": "ok"}, 1},
		{"kaiketsu_kb_reloads_total", map[string]string{"result": "rejected"}, 1},
		{"kaiketsu_kb_topics", nil, 7},
	} {
		if got := value(t, body, tc.metric, tc.labels); got != tc.want {
			t.Errorf("%s%v = %v, want %v", tc.metric, tc.labels, got, tc.want)
		}
	}
	if !strings.Contains(body, "go_goroutines") || !strings.Contains(body, "process_resident_memory_bytes") {
		t.Error("Go runtime and process metrics missing")
	}
}

func grep(body, s string) string {
	var out []string
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
