package core_test

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kaiketsu/kaiketsu/core"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/bad")

// loadErrors flattens a joined load error into its located problems.
func loadErrors(t *testing.T, err error) []*core.LoadError {
	t.Helper()
	var out []*core.LoadError
	var walk func(error)
	walk = func(e error) {
		if j, ok := e.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				walk(x)
			}
			return
		}
		var le *core.LoadError
		if !errors.As(e, &le) {
			t.Errorf("error %q is not a *core.LoadError", e)
			return
		}
		out = append(out, le)
	}
	walk(err)
	return out
}

func parseFile(t *testing.T, path string) error {
	t.Helper()
	src, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, err = core.Parse(path, src)
	return err
}

// locatedLine is the documented shape of a problem: file:line: field: message
// (the field is absent for problems of the file as a whole, such as YAML
// syntax).
var locatedLine = regexp.MustCompile(`^(testdata/bad/[a-z0-9-]+\.yaml):([1-9][0-9]*): (\S+: )?\S.*$`)

// TestLoadBadGolden checks every broken playbook in testdata/bad against the
// errors recorded next to it in a .err file. Run with -update to rewrite them
// after a deliberate change of wording.
func TestLoadBadGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/bad/*.yaml")
	if err != nil || len(files) == 0 {
		t.Fatalf("no broken playbooks in testdata/bad: %v", err)
	}
	goldens, _ := filepath.Glob("testdata/bad/*.err")
	for _, g := range goldens {
		if !slices.Contains(files, strings.TrimSuffix(g, ".err")+".yaml") {
			t.Errorf("%s has no playbook next to it", g)
		}
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			err := parseFile(t, file)
			if err == nil {
				t.Fatalf("%s loaded without error", file)
			}
			got := err.Error() + "\n"
			for _, line := range strings.Split(strings.TrimSuffix(got, "\n"), "\n") {
				m := locatedLine.FindStringSubmatch(line)
				if m == nil || m[1] != file {
					t.Errorf("%q is not %s:line: field: message", line, file)
				}
			}
			for _, le := range loadErrors(t, err) {
				if le.File != file || le.Line <= 0 {
					t.Errorf("problem %q: File %q Line %d, want %s and a line", le, le.File, le.Line, file)
				}
			}
			golden := strings.TrimSuffix(file, ".yaml") + ".err"
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, rerr := os.ReadFile(golden)
			if rerr != nil {
				t.Fatalf("%v (run go test ./core -run TestLoadBadGolden -update to create it)", rerr)
			}
			if got != string(want) {
				t.Errorf("errors for %s differ from %s\n got:\n%s\nwant:\n%s", file, golden, got, want)
			}
		})
	}
}

// TestLoadErrorsLocated checks, problem by problem, that the loader names the
// file, the line and the field where an author has to look.
func TestLoadErrorsLocated(t *testing.T) {
	tests := []struct {
		name  string
		file  string
		line  int
		field string
		msg   string // part of the message
	}{
		{"unknown key at top level", "unknown-key-top.yaml", 5, "author", "unknown key"},
		{"unknown key in a topic", "unknown-key-topic.yaml", 10, "topics[0].priority", "unknown key"},
		{"unknown key in a step", "unknown-key-step.yaml", 14, "topics[0].steps[0].buttons", "unknown key"},
		{"missing translation: title", "missing-translations.yaml", 4, "title.ja", "missing translation"},
		{"missing translation: summary", "missing-translations.yaml", 9, "topics[0].summary.ja", "missing translation"},
		{"missing translation: step text", "missing-translations.yaml", 15, "topics[0].steps[0].text.ja", "missing translation"},
		{"missing translation: do", "missing-translations.yaml", 17, "topics[0].steps[0].do.ja", "missing translation"},
		{"missing translation: choice label", "missing-translations.yaml", 22, "topics[0].steps[1].choices[0].label.ja", "missing translation"},
		{"next points nowhere", "next-nowhere.yaml", 14, "topics[0].steps[0].next", `"nowhere"`},
		{"jump to a missing topic", "topic-jump-missing.yaml", 14, "topics[0].steps[0].next", `topic "two", which does not exist`},
		{"choice points nowhere", "choice-nowhere.yaml", 16, "topics[0].steps[0].choices[0].go", `"windows"`},
		{"unreachable step", "unreachable.yaml", 15, "topics[0].steps[1]", "cannot be reached"},
		{"cycle with no exit (first)", "cycle.yaml", 11, "topics[0].steps[0]", "cycle with no exit"},
		{"cycle with no exit (second)", "cycle.yaml", 15, "topics[0].steps[1]", "cycle with no exit"},
		{"topic title too long for a button", "long-label.yaml", 8, "topics[0].title.en", "76 characters"},
		{"choice label too long for a button", "long-label.yaml", 16, "topics[0].steps[0].choices[0].label.ja", "76 characters"},
		{"step text too long", "long-text.yaml", 15, "topics[0].steps[0].text.en", "2001 characters"},
		{"duplicate topic id", "duplicate-topic.yaml", 14, "topics[1].id", "defined twice"},
		{"duplicate step id", "duplicate-step.yaml", 14, "topics[0].steps[1].id", "defined twice"},
		{"bad playbook id", "bad-id.yaml", 2, "id", "lower-case letters"},
		{"bad topic id", "bad-id.yaml", 7, "topics[0].id", "lower-case letters"},
		{"bad step id", "bad-id.yaml", 12, "topics[0].steps[0].id", "lower-case letters"},
		// yaml.v3 reports where the unclosed mapping's context begins,
		// counted from 0 for parser errors: the "{" is on line 3.
		{"invalid YAML", "syntax.yaml", 2, "", "did not find expected ',' or '}'"},
		{"empty file", "empty.yaml", 1, "", "file is empty"},
		{"string for a localized text", "wrong-types.yaml", 4, "title", "must be a mapping"},
		{"string for a topic", "wrong-types.yaml", 7, "topics[0]", "must be a mapping"},
		{"string for a boolean", "wrong-types.yaml", 11, "topics[1].urgent", "true or false"},
		{"list for a localized list", "wrong-types.yaml", 12, "topics[1].keywords", "must be a mapping"},
		{"string for a step", "wrong-types.yaml", 14, "topics[1].steps[0]", "must be a mapping"},
		{"duplicate key", "duplicate-key.yaml", 14, "topics[0].steps[0].text", "duplicate key"},
		{"undeclared language", "undeclared-language.yaml", 5, "title.fr", "unknown key (allowed: en, ja)"},
		{"misspelt language", "undeclared-language.yaml", 14, "topics[0].steps[0].title.jp", "unknown key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := "testdata/bad/" + tt.file
			les := loadErrors(t, parseFile(t, path))
			for _, le := range les {
				if le.File == path && le.Line == tt.line && le.Field == tt.field && strings.Contains(le.Msg, tt.msg) {
					return
				}
			}
			var got []string
			for _, le := range les {
				got = append(got, le.Error())
			}
			t.Errorf("no problem %s:%d: %s: …%s…; got:\n%s", path, tt.line, tt.field, tt.msg, strings.Join(got, "\n"))
		})
	}
}

// TestLoadReportsEveryProblem: an author sees all the problems of a file at
// once, not one per run.
func TestLoadReportsEveryProblem(t *testing.T) {
	for file, want := range map[string][]string{
		"several.yaml":              {"version", "topics[0].title.ja", "topics[0].steps[0].wait", "topics[0].steps[1].id"},
		"missing-translations.yaml": {"title.ja", "topics[0].summary.ja", "topics[0].steps[0].text.ja", "topics[0].steps[0].do.ja", "topics[0].steps[1].choices[0].label.ja"},
	} {
		var got []string
		for _, le := range loadErrors(t, parseFile(t, "testdata/bad/"+file)) {
			got = append(got, le.Field)
		}
		if !slices.Equal(got, want) {
			t.Errorf("%s: fields with problems %q, want %q", file, got, want)
		}
	}
}

const minimal = `id: limits
languages: [en, ja]
title: {en: "TITLE", ja: "題"}
contact: {en: "Ask IT.", ja: "ITに聞いてください。"}
topics:
  - id: one
    title: {en: "One", ja: "ひとつ"}
    summary: {en: "The first topic.", ja: "最初のトピック。"}
    keywords: {en: [one], ja: [ひとつ]}
    steps:
      - id: a
        title: {en: "A", ja: "エー"}
        text: {en: "TEXT", ja: "Aをします。"}
`

// TestLoadLimitsAtTheBoundary: exactly 75 characters fit a button and
// exactly 2,000 a step, counted in characters, not bytes.
func TestLoadLimitsAtTheBoundary(t *testing.T) {
	tests := []struct {
		title, text string
		ok          bool
	}{
		{strings.Repeat("a", 75), strings.Repeat("b", 2000), true},
		{strings.Repeat("あ", 75), strings.Repeat("い", 2000), true},
		{strings.Repeat("a", 76), "short", false},
		{"short", strings.Repeat("い", 2001), false},
	}
	for _, tt := range tests {
		src := strings.Replace(strings.Replace(minimal, "TITLE", tt.title, 1), "TEXT", tt.text, 1)
		_, err := core.Parse("limits.yaml", []byte(src))
		if (err == nil) != tt.ok {
			t.Errorf("title of %d runes, text of %d runes: err = %v, want ok=%v", len([]rune(tt.title)), len([]rune(tt.text)), err, tt.ok)
		}
	}
}

func TestLoadGoodPlaybook(t *testing.T) {
	books, err := core.LoadDir(os.DirFS("testdata/good"), ".")
	if err != nil {
		t.Fatal(err)
	}
	if len(books) != 1 || books[0].ID != "office-network" {
		t.Fatalf("loaded %d playbooks, want office-network alone", len(books))
	}
	p := books[0]
	if !slices.Equal(p.Languages, []string{"en", "ja"}) {
		t.Errorf("languages %q", p.Languages)
	}
	var ids []string
	for _, tp := range p.Topics {
		ids = append(ids, tp.ID)
	}
	if !slices.Equal(ids, []string{"no-wifi", "no-cable", "hacked"}) {
		t.Errorf("topics %q", ids)
	}
	if p.Fingerprint == 0 {
		t.Error("no fingerprint")
	}
}

func copyFile(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestLoadDirKeepsTheGood: one broken file does not hide the good ones.
func TestLoadDirKeepsTheGood(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/good/office-network.yaml", filepath.Join(dir, "a-good.yaml"))
	copyFile(t, "testdata/bad/cycle.yaml", filepath.Join(dir, "b-bad.yml"))
	copyFile(t, "testdata/bad/syntax.yaml", filepath.Join(dir, "notes.txt")) // not a playbook
	books, err := core.LoadDir(os.DirFS(dir), ".")
	if len(books) != 1 || books[0].ID != "office-network" {
		t.Errorf("loaded %d playbooks, want office-network", len(books))
	}
	les := loadErrors(t, err)
	if len(les) == 0 {
		t.Fatal("the broken file was not reported")
	}
	for _, le := range les {
		if le.File != "b-bad.yml" || le.Line == 0 {
			t.Errorf("problem %q, want it located in b-bad.yml", le)
		}
	}
}

func TestLoadDirDuplicatePlaybookID(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/good/office-network.yaml", filepath.Join(dir, "a.yaml"))
	copyFile(t, "testdata/good/office-network.yaml", filepath.Join(dir, "b.yaml"))
	books, err := core.LoadDir(os.DirFS(dir), ".")
	if len(books) != 1 {
		t.Errorf("loaded %d playbooks, want 1", len(books))
	}
	les := loadErrors(t, err)
	if len(les) != 1 || les[0].File != "b.yaml" || les[0].Field != "id" || !strings.Contains(les[0].Msg, "a.yaml") {
		t.Errorf("got %v, want b.yaml: id: already defined in a.yaml", err)
	}
}

// TestLoadKBBrokenTeamDir: a team directory that is broken or missing never
// takes the embedded playbook down; the problem is reported with a path the
// operator can open.
func TestLoadKBBrokenTeamDir(t *testing.T) {
	dir := t.TempDir()
	copyFile(t, "testdata/bad/unknown-key-step.yaml", filepath.Join(dir, "team.yaml"))
	for name, d := range map[string]string{"broken playbook": dir, "missing directory": filepath.Join(dir, "nope")} {
		kb, err := core.LoadKB(d)
		if kb == nil || kb.Playbook("amazon-signin") == nil {
			t.Errorf("%s: the embedded playbook is not served", name)
		}
		if err == nil {
			t.Errorf("%s: not reported", name)
		}
	}
	_, err := core.LoadKB(dir)
	les := loadErrors(t, err)
	want := filepath.Join(dir, "team.yaml")
	if len(les) != 1 || les[0].File != want || les[0].Line != 14 || les[0].Field != "topics[0].steps[0].buttons" {
		t.Errorf("got %v, want %s:14: topics[0].steps[0].buttons: ...", err, want)
	}
}

// TestLoadKBTeamOverrides: a team's playbook with the id of an embedded one
// replaces it; others are added.
func TestLoadKBTeamOverrides(t *testing.T) {
	dir := t.TempDir()
	src, err := os.ReadFile("testdata/good/office-network.yaml")
	if err != nil {
		t.Fatal(err)
	}
	over := strings.Replace(string(src), "id: office-network", "id: amazon-signin", 1)
	if err := os.WriteFile(filepath.Join(dir, "ours.yaml"), []byte(over), 0o644); err != nil {
		t.Fatal(err)
	}
	copyFile(t, "testdata/good/office-network.yaml", filepath.Join(dir, "extra.yaml"))
	kb, err := core.LoadKB(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, p := range kb.Playbooks() {
		ids = append(ids, p.ID)
	}
	if !slices.Equal(ids, []string{"amazon-signin", "office-network"}) {
		t.Fatalf("playbooks %q", ids)
	}
	p := kb.Playbook("amazon-signin")
	if p.Topic("no-wifi") == nil || p.Topic("forgot-password") != nil {
		t.Error("the team's amazon-signin did not replace the embedded one")
	}
	if !strings.HasPrefix(p.Source, dir) {
		t.Errorf("source %q, want it under %s", p.Source, dir)
	}
}

func TestEmbeddedPlaybook(t *testing.T) {
	books, err := core.DefaultPlaybooks()
	if err != nil {
		t.Fatalf("embedded playbooks do not validate:\n%v", err)
	}
	var p *core.Playbook
	for _, b := range books {
		if b.ID == "amazon-signin" {
			p = b
		}
	}
	if p == nil {
		t.Fatal("amazon-signin is not embedded")
	}
	if !slices.Equal(p.Languages, []string{"ja", "en"}) && !slices.Equal(p.Languages, []string{"en", "ja"}) {
		t.Errorf("languages %q, want ja and en", p.Languages)
	}
	var ids []string
	for _, tp := range p.Topics {
		ids = append(ids, tp.ID)
		if tp.Urgent != (tp.ID == "account-takeover") {
			t.Errorf("topic %s: urgent = %v", tp.ID, tp.Urgent)
		}
	}
	want := []string{"wrong-credentials", "captcha", "verification-code", "browser-trouble", "account-takeover", "forgot-password", "forgot-email"}
	if !slices.Equal(ids, want) {
		t.Errorf("topic ids %q, want exactly %q", ids, want)
	}
}

// TestEmbeddedPlaybookHasNoAdvertising: the seed article ends with
// advertising; none of it may reach a user, in any language.
func TestEmbeddedPlaybookHasNoAdvertising(t *testing.T) {
	files, _ := filepath.Glob("playbooks/*.yaml")
	if len(files) == 0 {
		t.Fatal("no playbooks")
	}
	ads := []string{"アクシグ", "1300万", "1,300万", "稼", "無在庫", "ビズイングリッシュ", "biz english", "英会話",
		"成功者", "限定公開", "期間限定", "先行者利益", "マル秘", "輸入ビジネス", "make money", "english school"}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := strings.ToLower(string(b))
		for _, ad := range ads {
			if strings.Contains(text, ad) {
				t.Errorf("%s contains advertising from the seed article: %q", f, ad)
			}
		}
	}
}
