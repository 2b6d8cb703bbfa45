package main

import (
	"bytes"
	"context"
	"strings"
	"testing"
)

func TestSlackManifestCommand(t *testing.T) {
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"slack", "manifest", "--url", "https://kaiketsu.example.com"}, strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatalf("run: %v\n%s", err, errb.String())
	}
	for _, want := range []string{
		"url: https://kaiketsu.example.com/slack/commands",
		"request_url: https://kaiketsu.example.com/slack/events",
		"request_url: https://kaiketsu.example.com/slack/interactions",
		"socket_mode_enabled: false",
		"- app_mention",
	} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("manifest lacks %q:\n%s", want, out.String())
		}
	}
	out.Reset()
	if err := run(context.Background(), []string{"slack", "manifest", "--socket"}, strings.NewReader(""), &out, &errb); err != nil || !strings.Contains(out.String(), "socket_mode_enabled: true") {
		t.Errorf("--socket: %v\n%s", err, out.String())
	}
	for _, args := range [][]string{{"slack"}, {"slack", "manifest"}, {"slack", "manifest", "--url", "http://insecure"}, {"slack", "frobnicate"}} {
		if err := run(context.Background(), args, strings.NewReader(""), &out, &errb); err == nil {
			t.Errorf("%v: no error", args)
		}
	}
}
