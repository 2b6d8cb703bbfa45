package metrics

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkMiddleware: what counting and timing adds to a request on a
// matched route (go test ./adapters/metrics -run '^$' -bench .).
func BenchmarkMiddleware(b *testing.B) {
	m := New()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /slack/commands", func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("ok")) })
	h := m.Middleware(mux)
	r := httptest.NewRequest("POST", "/slack/commands", nil)
	b.ReportAllocs()
	for b.Loop() {
		h.ServeHTTP(httptest.NewRecorder(), r)
	}
}
