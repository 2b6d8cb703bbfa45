package fastserve

import (
	"bufio"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// FuzzServe writes arbitrary bytes as a request to a running server whose
// handler reads the whole request: the bridge must never panic (the
// server would answer 500) and every answer must be a well-formed HTTP
// response.
func FuzzServe(f *testing.F) {
	for _, seed := range []string{
		"GET /healthz HTTP/1.1\r\nHost: h\r\n\r\n",
		"POST /slack/commands?x=%zz HTTP/1.1\r\nHost: h\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 9\r\n\r\ntext=help",
		"POST http://h/x HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
		"GET /a HTTP/1.0\r\nX: 1\r\nX: 2\r\nx-y_z: \xff\r\n\r\nGET /b HTTP/1.1\r\nHost: h\r\n\r\n",
		"OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n",
	} {
		f.Add(seed)
	}
	var once sync.Once
	var addr string
	handler := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		_ = r.URL.String() + r.Host + r.RequestURI + r.Header.Get("X") + r.Method
		w.Header().Set("X-Len", strings.Repeat("n", len(b)%7))
		w.Write(b)
	})
	f.Fuzz(func(t *testing.T, req string) {
		once.Do(func() {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				t.Fatal(err)
			}
			addr = ln.Addr().String()
			s := New(handler, Options{MaxBody: 4096, ReadTimeout: time.Second, Log: slog.New(slog.DiscardHandler)})
			go s.Serve(ln)
		})
		c, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(3 * time.Second))
		io.WriteString(c, req)
		c.(*net.TCPConn).CloseWrite()
		br := bufio.NewReader(c)
		for {
			resp, err := http.ReadResponse(br, nil)
			if err != nil {
				if peek, _ := br.Peek(1); len(peek) > 0 {
					t.Fatalf("not an HTTP response after %q: %v", req, err)
				}
				return // the server closed the connection: fine
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode == http.StatusInternalServerError {
				t.Fatalf("500 for %q: the bridge panicked", req)
			}
		}
	})
}
