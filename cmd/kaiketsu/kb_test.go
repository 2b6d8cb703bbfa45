package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestKBValidateBad: every broken playbook in core/testdata/bad is reported
// as file:line: field: message, and the command exits 1.
func TestKBValidateBad(t *testing.T) {
	const dir = "../../core/testdata/bad"
	stdout, stderr, err := runCLI(t, "", nil, "kb", "validate", dir)
	wantExit(t, err, 1)
	if stdout != "" {
		t.Errorf("stdout %q", stdout)
	}
	files, _ := filepath.Glob(dir + "/*.yaml")
	if len(files) < 10 {
		t.Fatalf("only %d broken playbooks", len(files))
	}
	lines := strings.Split(strings.TrimSuffix(stderr, "\n"), "\n")
	located := regexp.MustCompile(`^` + regexp.QuoteMeta(dir) + `/([a-z0-9-]+\.yaml):[1-9][0-9]*: \S`)
	named := map[string]bool{}
	for _, line := range lines[:len(lines)-1] {
		m := located.FindStringSubmatch(line)
		if m == nil {
			t.Errorf("%q is not DIR/file.yaml:line: ...", line)
			continue
		}
		named[m[1]] = true
	}
	for _, f := range files {
		if !named[filepath.Base(f)] {
			t.Errorf("%s is not reported", filepath.Base(f))
		}
	}
	for _, want := range []string{
		dir + "/cycle.yaml:11: topics[0].steps[0]: step \"a\" of topic \"one\" is in a cycle with no exit",
		dir + "/unknown-key-top.yaml:5: author: unknown key",
		dir + "/missing-translations.yaml:22: topics[0].steps[1].choices[0].label.ja: missing translation",
	} {
		if !strings.Contains(stderr, want) {
			t.Errorf("stderr lacks %q", want)
		}
	}
	if last := lines[len(lines)-1]; last != strconv.Itoa(len(lines)-1)+" problem(s) found" {
		t.Errorf("last line %q, want the count of problems", last)
	}
}

func TestKBValidateGood(t *testing.T) {
	stdout, stderr, err := runCLI(t, "", nil, "kb", "validate", "../../core/testdata/good")
	if err != nil || stdout != "ok: 1 playbook(s), 3 topic(s)\n" {
		t.Errorf("good dir: %v, %q, %q", err, stdout, stderr)
	}
	// Without a directory: the embedded playbooks.
	stdout, _, err = runCLI(t, "", nil, "kb", "validate")
	if err != nil || !strings.HasPrefix(stdout, "ok: 1 playbook(s), 7 topic(s)") {
		t.Errorf("embedded: %v, %q", err, stdout)
	}
	// Without a directory but with KAIKETSU_KB_DIR: the team's too.
	_, stderr, err = runCLI(t, "", map[string]string{"KAIKETSU_KB_DIR": "../../core/testdata/bad"}, "kb", "validate")
	wantExit(t, err, 1)
	if !strings.Contains(stderr, "cycle.yaml:11:") {
		t.Errorf("KAIKETSU_KB_DIR problems not shown: %q", stderr)
	}
}

func TestKBValidateMissingDir(t *testing.T) {
	_, stderr, err := runCLI(t, "", nil, "kb", "validate", filepath.Join(t.TempDir(), "nope"))
	wantExit(t, err, 1)
	if !strings.Contains(stderr, "not a directory") {
		t.Errorf("stderr %q", stderr)
	}
}

// topicCounts ends a topic's line of kb list: every shipped topic has
// steps, examples and phrasings.
var topicCounts = regexp.MustCompile(`\t[1-9][0-9]* steps, [1-9][0-9]* examples, [1-9][0-9]* phrasings$`)

func TestKBList(t *testing.T) {
	stdout, _, err := runCLI(t, "", nil, "kb", "list")
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 8 || !strings.HasPrefix(lines[0], "amazon-signin\t") || !strings.Contains(lines[0], "[ja,en]") {
		t.Fatalf("kb list:\n%s", stdout)
	}
	for i, id := range []string{"wrong-credentials", "captcha", "verification-code", "browser-trouble", "account-takeover", "forgot-password", "forgot-email"} {
		line := lines[i+1]
		if !strings.HasPrefix(line, "  "+id+"\t") || !topicCounts.MatchString(line) {
			t.Errorf("line %q, want topic %s", line, id)
		}
		if strings.Contains(line, "(urgent)") != (id == "account-takeover") {
			t.Errorf("line %q: urgent marker", line)
		}
	}

	// A team directory adds its playbooks; a broken one is reported on
	// stderr and the embedded playbook is still listed.
	stdout, _, err = runCLI(t, "", map[string]string{"KAIKETSU_KB_DIR": "../../core/testdata/good"}, "kb", "list", "--lang", "ja")
	if err != nil || !strings.Contains(stdout, "office-network\tオフィスでネットにつながらない\t[en,ja]") {
		t.Errorf("with a team dir: %v\n%s", err, stdout)
	}
	dir := t.TempDir()
	b, err := os.ReadFile("../../core/testdata/bad/cycle.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "team.yaml"), b, 0o644); err != nil {
		t.Fatal(err)
	}
	stdout, stderr, err := runCLI(t, "", map[string]string{"KAIKETSU_KB_DIR": dir}, "kb", "list")
	if err != nil || !strings.HasPrefix(stdout, "amazon-signin\t") {
		t.Errorf("with a broken team dir: %v\n%s", err, stdout)
	}
	if !strings.Contains(stderr, "team.yaml:11") {
		t.Errorf("the broken team playbook is not reported: %q", stderr)
	}
}
