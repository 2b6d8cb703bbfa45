package main

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"strings"
	"testing"
)

// diagnoseLine is the documented shape of one line of `diagnose --json`,
// key by key and in this order:
// {"query":"…","lang":"ja","matches":[{"playbook":"amazon-signin","topic":"…","title":"…","score":0.87}]}
var (
	diagnoseLine = regexp.MustCompile(`^\{"query":"(?:[^"\\]|\\.)*","lang":"[a-z]{2,3}","matches":\[(.*)\]\}$`)
	matchObject  = regexp.MustCompile(`^\{"playbook":"[a-z0-9-]+","topic":"[a-z0-9-]+","title":"(?:[^"\\]|\\.)+","score":(?:0|1|0\.[0-9]{1,2})\}$`)
)

type wantLine struct {
	Query   string `json:"query"`
	Lang    string `json:"lang"`
	Matches []struct {
		Playbook string  `json:"playbook"`
		Topic    string  `json:"topic"`
		Title    string  `json:"title"`
		Score    float64 `json:"score"`
	} `json:"matches"`
}

// checkLine checks one output line against the documented shape and
// returns it decoded.
func checkLine(t *testing.T, line string) wantLine {
	t.Helper()
	m := diagnoseLine.FindStringSubmatch(line)
	if m == nil {
		t.Fatalf("line %q is not {\"query\":…,\"lang\":…,\"matches\":[…]}", line)
	}
	if m[1] != "" {
		for _, obj := range strings.Split(m[1], "},{") {
			if !strings.HasPrefix(obj, "{") {
				obj = "{" + obj
			}
			if !strings.HasSuffix(obj, "}") {
				obj += "}"
			}
			if !matchObject.MatchString(obj) {
				t.Errorf("match %s is not {\"playbook\":…,\"topic\":…,\"title\":…,\"score\":0.87}", obj)
			}
		}
	}
	var d wantLine
	dec := json.NewDecoder(strings.NewReader(line))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("line %q: %v", line, err)
	}
	if len(d.Matches) > 3 {
		t.Errorf("%d matches, at most 3", len(d.Matches))
	}
	for i, m := range d.Matches {
		if m.Score <= 0 || m.Score > 1 || math.Round(m.Score*100) != m.Score*100 {
			t.Errorf("score %v: want (0, 1] with two decimals", m.Score)
		}
		if i > 0 && m.Score > d.Matches[i-1].Score {
			t.Errorf("matches not best first: %v", d.Matches)
		}
		if m.Playbook != "amazon-signin" || m.Topic == "" || m.Title == "" {
			t.Errorf("match %+v", m)
		}
	}
	return d
}

func TestDiagnoseJSON(t *testing.T) {
	tests := []struct {
		args      []string
		query     string
		lang      string
		top       string // "" for no match
		titleLike string
	}{
		{[]string{"--json", "パスワードを忘れた"}, "パスワードを忘れた", "ja", "forgot-password", "パスワード"},
		{[]string{"--json", "I", "forgot", "my", "password"}, "I forgot my password", "en", "forgot-password", "password"},
		{[]string{"--json", "--lang", "ja", "I forgot my password"}, "I forgot my password", "en", "forgot-password", "password"},
		{[]string{"--json", "asdfghjkl"}, "asdfghjkl", "en", "", ""},
		{[]string{"--json", "--lang", "ja", "asdfghjkl"}, "asdfghjkl", "ja", "", ""},
		{[]string{"--json", `he said "hi" <b> & left`}, `he said "hi" <b> & left`, "en", "", ""},
	}
	for _, tt := range tests {
		stdout, stderr, err := runCLI(t, "", nil, append([]string{"diagnose"}, tt.args...)...)
		if err != nil {
			t.Fatalf("diagnose %q: %v\n%s", tt.args, err, stderr)
		}
		if strings.Count(stdout, "\n") != 1 || !strings.HasSuffix(stdout, "\n") {
			t.Errorf("diagnose %q: want exactly one line, got %q", tt.args, stdout)
		}
		d := checkLine(t, strings.TrimSuffix(stdout, "\n"))
		if d.Query != tt.query || d.Lang != tt.lang {
			t.Errorf("diagnose %q: query %q lang %q, want %q %q", tt.args, d.Query, d.Lang, tt.query, tt.lang)
		}
		if tt.top == "" {
			if !strings.HasSuffix(stdout, `"matches":[]}`+"\n") {
				t.Errorf("diagnose %q: %q, want an empty array (not null) of matches", tt.args, stdout)
			}
			continue
		}
		if len(d.Matches) == 0 || d.Matches[0].Topic != tt.top || !strings.Contains(strings.ToLower(d.Matches[0].Title), tt.titleLike) {
			t.Errorf("diagnose %q: %+v, want %s first with a title in the query's language", tt.args, d.Matches, tt.top)
		}
	}
}

// TestDiagnoseStdin: with -, one query per line in, one result per line out,
// in the same order.
func TestDiagnoseStdin(t *testing.T) {
	queries := []string{"パスワードを忘れた", "asdfghjkl", "", "確認コードが届かない", "captcha keeps coming back", "荷物が届かない"}
	stdout, stderr, err := runCLI(t, strings.Join(queries, "\n")+"\n", nil, "diagnose", "--json", "-")
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != len(queries) {
		t.Fatalf("%d queries, %d lines:\n%s", len(queries), len(lines), stdout)
	}
	for i, line := range lines {
		if d := checkLine(t, line); d.Query != queries[i] {
			t.Errorf("line %d answers %q, want %q", i+1, d.Query, queries[i])
		}
	}

	// Without --json: one tab-separated line each.
	stdout, _, err = runCLI(t, "パスワードを忘れた\nasdfghjkl\n", nil, "diagnose", "-")
	if err != nil {
		t.Fatal(err)
	}
	lines = strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 2 || !strings.HasPrefix(lines[0], "パスワードを忘れた\tamazon-signin/forgot-password ") || lines[1] != "asdfghjkl\t(none)" {
		t.Errorf("text output:\n%s", stdout)
	}
}

func TestDiagnoseJSONIsValidForAwkwardText(t *testing.T) {
	in := "tab\there\n\"quoted\" \\ back\n\x00nul\n" + strings.Repeat("パスワード", 500) + "\n"
	stdout, _, err := runCLI(t, in, nil, "diagnose", "--json", "-")
	if err != nil {
		t.Fatal(err)
	}
	dec := json.NewDecoder(bytes.NewReader([]byte(stdout)))
	n := 0
	for dec.More() {
		var d wantLine
		if err := dec.Decode(&d); err != nil {
			t.Fatalf("line %d: %v", n+1, err)
		}
		n++
	}
	if n != 4 {
		t.Errorf("%d results for 4 lines", n)
	}
}
