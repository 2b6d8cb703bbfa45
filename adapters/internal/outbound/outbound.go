// Package outbound builds the HTTP clients the adapters use to call their
// platform (Slack's response_url and Web API, Discord's REST API).
package outbound

import (
	"net"
	"net/http"
	"time"
)

// idlePerHost is how many idle connections are kept per host. Every
// response_url post goes to one host (hooks.slack.com), every REST call to
// another (discord.com): net/http's default of 2 would, under more than two
// concurrent clicks, close connections after each use and open new ones,
// a TCP and TLS handshake per click that costs far more than the request.
const idlePerHost = 64

// Transport returns a transport with the default's proxy and dial
// settings, keeping enough idle connections per host for concurrent posts,
// with a bound on each phase so that a stuck platform cannot hold a
// goroutine longer than the client's timeout.
func Transport() *http.Transport {
	return &http.Transport{
		Proxy:                 http.ProxyFromEnvironment,
		DialContext:           (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          4 * idlePerHost,
		MaxIdleConnsPerHost:   idlePerHost,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: 15 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
}

// Client returns a client on Transport with an overall timeout per request.
func Client(timeout time.Duration) *http.Client {
	return &http.Client{Timeout: timeout, Transport: Transport()}
}
