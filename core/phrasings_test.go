package core_test

import (
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/kaiketsu/kaiketsu/core"
)

// phrasedBook is a small playbook listing phrasing files.
const phrasedBook = `id: office-vpn
languages: [en, ja]
phrasings: [phrasings/*.tsv]
title: {en: "The VPN does not connect", ja: "VPNにつながらない"}
contact: {en: "Ask IT.", ja: "ITに聞いてください。"}
topics:
  - id: vpn-down
    title: {en: "VPN will not connect", ja: "VPNが接続できない"}
    summary: {en: "The client fails.", ja: "クライアントが失敗する。"}
    keywords: {en: [vpn], ja: [VPN]}
    steps:
      - id: restart
        title: {en: "Restart the client", ja: "再起動"}
        text: {en: "Quit it and open it again.", ja: "終了して開き直します。"}
`

func TestPhrasingsLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"office-vpn.yaml": {Data: []byte(phrasedBook)},
		"phrasings/a.tsv": {Data: []byte("lang\ttopic\ttext\n# from the help channel\n\nen\tvpn-down\tmy tunnel to the office is dead\r\nja\tvpn-down\t社外からつながらない\nen\tnone\tthe printer is jammed\n")},
		"phrasings/b.tsv": {Data: []byte("lang\ttopic\ttext\nen\tvpn-down\tvpn says handshake failed\nen\tgeneral\tthe vpn is broken\n")},
	}
	books, err := core.LoadDir(fsys, ".")
	if err != nil {
		t.Fatalf("LoadDir: %v", err)
	}
	p := books[0]
	got := p.Topic("vpn-down").Phrasings()
	if want := []string{"my tunnel to the office is dead", "vpn says handshake failed"}; !slices.Equal(got["en"], want) {
		t.Errorf("en phrasings %q, want %q (files in name order, the CR dropped)", got["en"], want)
	}
	if !slices.Equal(got["ja"], []string{"社外からつながらない"}) {
		t.Errorf("ja phrasings %q", got["ja"])
	}
	if oos := p.OutOfScopePhrasings(); !slices.Equal(oos["en"], []string{"the printer is jammed"}) {
		t.Errorf("out-of-scope phrasings %q", oos["en"])
	}
	if g := p.GeneralPhrasings(); !slices.Equal(g["en"], []string{"the vpn is broken"}) {
		t.Errorf("general phrasings %q", g["en"])
	}
	if len(p.Topic("vpn-down").Examples["en"]) != 0 {
		t.Error("phrasings were added to the hand-written examples")
	}
}

// TestPhrasingsErrors: a broken phrasing file keeps its playbook out, with
// an error naming the file, the line and the column at fault.
func TestPhrasingsErrors(t *testing.T) {
	for _, tc := range []struct {
		name, pattern, file, want string
	}{
		{"line numbers", "\n  - phrasings/*.tsv\n  - nowhere/*.tsv\n", "lang\ttopic\ttext\n", `office-vpn.yaml:5: phrasings[1]: "nowhere/*.tsv" matches no file`},
		{"no header", "phrasings/*.tsv", "en\tvpn-down\tno header\n", `phrasings/a.tsv:1: the first line must be the header "lang\ttopic\ttext"`},
		{"empty file", "phrasings/*.tsv", "", "phrasings/a.tsv:1: file is empty"},
		{"two columns", "phrasings/*.tsv", "lang\ttopic\ttext\nen\tvpn-down\n", "phrasings/a.tsv:2: has 2 tab-separated columns, want 3"},
		{"unknown topic", "phrasings/*.tsv", "lang\ttopic\ttext\nen\tvpn-down\tok\nen\tvpn-slow\tslow\n", `phrasings/a.tsv:3: topic: "vpn-slow" is not a topic of playbook "office-vpn"`},
		{"unknown language", "phrasings/*.tsv", "lang\ttopic\ttext\nfr\tvpn-down\tle vpn ne marche pas\n", `phrasings/a.tsv:2: lang: "fr" is not one of the playbook's languages [en ja]`},
		{"empty text", "phrasings/*.tsv", "lang\ttopic\ttext\nen\tnone\t \n", "phrasings/a.tsv:2: text: must not be empty"},
		{"too long", "phrasings/*.tsv", "lang\ttopic\ttext\nen\tnone\t" + strings.Repeat("あ", 1001) + "\n", "phrasings/a.tsv:2: text: is longer than 1000 characters"},
		{"not UTF-8", "phrasings/*.tsv", "lang\ttopic\ttext\nen\tnone\t\xff\n", "phrasings/a.tsv: file is not valid UTF-8"},
		{"no match", "phrasing/*.tsv", "lang\ttopic\ttext\n", `office-vpn.yaml:3: phrasings[0]: "phrasing/*.tsv" matches no file`},
		{"absolute", "/etc/*.tsv", "lang\ttopic\ttext\n", `office-vpn.yaml:3: phrasings[0]: "/etc/*.tsv" must be a path below the playbook's directory`},
		{"bad pattern", `"phrasings/[.tsv"`, "lang\ttopic\ttext\n", `office-vpn.yaml:3: phrasings[0]: "phrasings/[.tsv" is not a valid pattern`},
		{"outside", "../other/*.tsv", "lang\ttopic\ttext\n", `office-vpn.yaml:3: phrasings[0]: "../other/*.tsv" must be a path below the playbook's directory`},
		{"only a directory", "phras*", "lang\ttopic\ttext\n", `office-vpn.yaml:3: phrasings[0]: "phras*" matches no file`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			book := strings.Replace(phrasedBook, "phrasings/*.tsv", tc.pattern, 1)
			if strings.HasPrefix(tc.pattern, "\n") { // a block list
				book = strings.Replace(phrasedBook, " [phrasings/*.tsv]", tc.pattern, 1)
			}
			fsys := fstest.MapFS{
				"office-vpn.yaml": {Data: []byte(book)},
				"phrasings/a.tsv": {Data: []byte(tc.file)},
			}
			books, err := core.LoadDir(fsys, ".")
			if len(books) != 0 {
				t.Error("a playbook with a broken phrasing file was loaded")
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

// TestPhrasingsSingleFile: phrasings may name one file without a list,
// and a byte-order mark before the header is no error.
func TestPhrasingsSingleFile(t *testing.T) {
	fsys := fstest.MapFS{
		"office-vpn.yaml": {Data: []byte(strings.Replace(phrasedBook, "[phrasings/*.tsv]", "phrasings/a.tsv", 1))},
		// Saved from a spreadsheet: a byte-order mark first.
		"phrasings/a.tsv": {Data: []byte("\ufefflang\ttopic\ttext\nen\tvpn-down\tthe tunnel is down\n")},
	}
	books, err := core.LoadDir(fsys, ".")
	if err != nil || len(books[0].Topic("vpn-down").Phrasings()["en"]) != 1 {
		t.Fatalf("LoadDir = %v, %v", books, err)
	}
}
