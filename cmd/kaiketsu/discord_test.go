package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// `kaiketsu discord register --guild ID` against a local fake of
// Discord's REST API, reached through DISCORD_API_URL.
func TestDiscordRegister(t *testing.T) {
	var got struct {
		method, path, auth string
		body               []map[string]any
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got.method, got.path, got.auth = r.Method, r.URL.Path, r.Header.Get("Authorization")
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &got.body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(b)
	}))
	defer srv.Close()
	t.Setenv("DISCORD_APP_ID", "1180000000000000001")
	t.Setenv("DISCORD_BOT_TOKEN", "test-bot-token")
	t.Setenv("DISCORD_API_URL", srv.URL+"/api/v10")
	var out, errb bytes.Buffer
	err := run(context.Background(), []string{"discord", "register", "--guild", "1180000000000000002"}, strings.NewReader(""), &out, &errb)
	if err != nil {
		t.Fatalf("register: %v\n%s", err, errb.String())
	}
	if got.method != http.MethodPut || got.path != "/api/v10/applications/1180000000000000001/guilds/1180000000000000002/commands" {
		t.Errorf("%s %s, want PUT of the guild's commands", got.method, got.path)
	}
	if got.auth != "Bot test-bot-token" {
		t.Errorf("Authorization %q", got.auth)
	}
	if len(got.body) != 1 || got.body[0]["name"] != "support" {
		t.Errorf("body %v, want /support", got.body)
	}
	if !strings.Contains(out.String(), "in server 1180000000000000002") || !strings.Contains(out.String(), "scope=applications.commands+bot") {
		t.Errorf("output %q, want where it registered and the invite link", out.String())
	}
	if strings.Contains(out.String()+errb.String(), "test-bot-token") {
		t.Error("the bot token was printed")
	}
}

func TestDiscordRegisterUsage(t *testing.T) {
	tests := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"no subcommand", []string{"discord"}, nil, "Usage: kaiketsu discord register"},
		{"bad guild", []string{"discord", "register", "--guild", "general"}, nil, "numeric server id"},
		{"missing credentials", []string{"discord", "register"}, map[string]string{"DISCORD_APP_ID": "", "DISCORD_BOT_TOKEN": ""}, "DISCORD_APP_ID and DISCORD_BOT_TOKEN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for k, v := range tt.env {
				t.Setenv(k, v)
			}
			var out, errb bytes.Buffer
			err := run(context.Background(), tt.args, strings.NewReader(""), &out, &errb)
			if err == nil {
				t.Fatal("no error")
			}
			if msg := err.Error() + errb.String(); !strings.Contains(msg, tt.want) {
				t.Errorf("got %q, want it to say %q", msg, tt.want)
			}
		})
	}
}
