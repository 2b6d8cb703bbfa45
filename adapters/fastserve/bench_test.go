package fastserve

import (
	"bufio"
	"strings"
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkNewRequest: the http.Request a handler gets for a slash
// command as Slack sends it, headers and all.
func BenchmarkNewRequest(b *testing.B) {
	var c fasthttp.RequestCtx
	raw := "POST /slack/commands HTTP/1.1\r\nHost: kaiketsu.example.com\r\nUser-Agent: Slackbot 1.0 (+https://api.slack.com/robots)\r\n" +
		"Accept-Encoding: gzip,deflate\r\nAccept: application/json,*/*\r\nX-Slack-Signature: v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503\r\n" +
		"X-Slack-Request-Timestamp: 1531420618\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 0\r\nX-Forwarded-For: 10.0.0.1\r\n\r\n"
	if err := c.Request.Header.Read(bufio.NewReader(strings.NewReader(raw))); err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := newRequest(&c); err != nil {
			b.Fatal(err)
		}
	}
}
