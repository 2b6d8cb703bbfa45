package discord

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// fakeCommands is a local fake of the command endpoints: it records what
// was PUT and answers like Discord, with ids filled in.
type fakeCommands struct {
	mu     sync.Mutex
	method string
	path   string
	header http.Header
	body   []byte
	status int // answer with this error status when set
}

func (fc *fakeCommands) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	fc.mu.Lock()
	defer fc.mu.Unlock()
	fc.method, fc.path, fc.header = r.Method, r.URL.Path, r.Header.Clone()
	fc.body, _ = io.ReadAll(r.Body)
	w.Header().Set("Content-Type", "application/json")
	if fc.status != 0 {
		w.WriteHeader(fc.status)
		io.WriteString(w, `{"message": "Missing Access", "code": 50001}`)
		return
	}
	var cmds []map[string]any
	if err := json.Unmarshal(fc.body, &cmds); err != nil {
		w.WriteHeader(http.StatusBadRequest)
		io.WriteString(w, `{"message": "400: Bad Request", "code": 0}`)
		return
	}
	for i, c := range cmds {
		c["id"] = "119000000000000000" + string(rune('0'+i))
		c["application_id"] = testApp
		c["version"] = "119000000000000100"
	}
	json.NewEncoder(w).Encode(cmds)
}

func TestRegister(t *testing.T) {
	tests := []struct {
		name, guild, path string
	}{
		{"global", "", "/api/v10/applications/" + testApp + "/commands"},
		{"one guild", testGuild, "/api/v10/applications/" + testApp + "/guilds/" + testGuild + "/commands"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fake := &fakeCommands{}
			srv := httptest.NewServer(fake)
			defer srv.Close()
			c := NewClient(srv.URL+"/api/v10", "bot-token-for-tests", srv.Client(), nil)
			cmds, err := Register(context.Background(), c, testApp, tt.guild)
			if err != nil {
				t.Fatal(err)
			}
			if len(cmds) != 1 || cmds[0].ID == "" || cmds[0].Name != "support" {
				t.Errorf("registered %+v, want /support with an id", cmds)
			}
			if fake.method != http.MethodPut || fake.path != tt.path {
				t.Errorf("%s %s, want PUT %s", fake.method, fake.path, tt.path)
			}
			if got := fake.header.Get("Authorization"); got != "Bot bot-token-for-tests" {
				t.Errorf("Authorization %q", got)
			}
			if got := fake.header.Get("User-Agent"); !strings.HasPrefix(got, "DiscordBot (") {
				t.Errorf("User-Agent %q, want DiscordBot (url, version)", got)
			}
			if got := fake.header.Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type %q", got)
			}
			checkCommandBody(t, fake.body)
		})
	}
}

// checkCommandBody checks the registered command against Discord's rules
// (developers/interactions/application-commands).
func checkCommandBody(t *testing.T, body []byte) {
	t.Helper()
	var got []struct {
		Type                     int               `json:"type"`
		Name                     string            `json:"name"`
		Description              string            `json:"description"`
		DescriptionLocalizations map[string]string `json:"description_localizations"`
		Contexts                 []int             `json:"contexts"`
		IntegrationTypes         []int             `json:"integration_types"`
		Options                  []struct {
			Type                     int               `json:"type"`
			Name                     string            `json:"name"`
			NameLocalizations        map[string]string `json:"name_localizations"`
			Description              string            `json:"description"`
			DescriptionLocalizations map[string]string `json:"description_localizations"`
			Required                 bool              `json:"required"`
			Autocomplete             bool              `json:"autocomplete"`
			Choices                  []any             `json:"choices"`
		} `json:"options"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatalf("body is not a command list: %v\n%s", err, body)
	}
	if len(got) != 1 {
		t.Fatalf("%d commands, want 1", len(got))
	}
	c := got[0]
	nameRe := regexp.MustCompile(`^[-_'\p{L}\p{N}]{1,32}$`)
	if c.Type != 1 || c.Name != "support" {
		t.Errorf("command type %d name %q, want 1 support", c.Type, c.Name)
	}
	descOK := func(what, s string) {
		if n := utf8.RuneCountInString(s); n < 1 || n > 100 {
			t.Errorf("%s %q is %d characters, want 1 to 100", what, s, n)
		}
	}
	descOK("description", c.Description)
	for _, loc := range []string{"ja", "en-US", "en-GB"} {
		descOK("description["+loc+"]", c.DescriptionLocalizations[loc])
	}
	if len(c.Contexts) != 2 || c.Contexts[0] != 0 || c.Contexts[1] != 1 {
		t.Errorf("contexts %v, want [0 1] (guild, bot DM)", c.Contexts)
	}
	if len(c.IntegrationTypes) != 1 || c.IntegrationTypes[0] != 0 {
		t.Errorf("integration_types %v, want [0] (guild install)", c.IntegrationTypes)
	}
	if len(c.Options) != 1 {
		t.Fatalf("%d options, want 1", len(c.Options))
	}
	o := c.Options[0]
	if o.Type != 3 || o.Name != "symptom" || o.Required || !o.Autocomplete || len(o.Choices) != 0 {
		t.Errorf("option %+v, want optional string symptom with autocomplete and no choices", o)
	}
	descOK("option description", o.Description)
	for _, loc := range []string{"ja", "en-US", "en-GB"} {
		descOK("option description["+loc+"]", o.DescriptionLocalizations[loc])
		n := o.NameLocalizations[loc]
		if !nameRe.MatchString(n) || strings.ToLower(n) != n {
			t.Errorf("option name[%s] %q breaks Discord's naming rule", loc, n)
		}
	}
	if o.NameLocalizations["ja"] != "症状" {
		t.Errorf("Japanese option name %q", o.NameLocalizations["ja"])
	}
}

func TestRegisterError(t *testing.T) {
	fake := &fakeCommands{status: http.StatusForbidden}
	srv := httptest.NewServer(fake)
	defer srv.Close()
	c := NewClient(srv.URL, "t", srv.Client(), nil)
	_, err := Register(context.Background(), c, testApp, testGuild)
	var ae *APIError
	if !errors.As(err, &ae) || ae.Status != 403 || ae.Code != 50001 {
		t.Fatalf("err %v, want the 403 Missing Access from Discord", err)
	}
	if !strings.Contains(err.Error(), "Missing Access") {
		t.Errorf("error %q does not say what Discord said", err)
	}
}

func TestInviteURL(t *testing.T) {
	u := InviteURL(testApp)
	for _, want := range []string{"client_id=" + testApp, "scope=applications.commands+bot", "permissions=19456"} {
		if !strings.Contains(u, want) {
			t.Errorf("invite %s lacks %s", u, want)
		}
	}
}
