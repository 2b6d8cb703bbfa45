package main

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/core"
)

// vpnPlaybook is a small team playbook; version changes its first step.
func vpnPlaybook(version string) string {
	return `id: office-vpn
languages: [en]
title: {en: "The VPN does not connect"}
description: {en: "Gets the office VPN working again."}
contact: {en: "Write to it-help@example.com."}
topics:
  - id: vpn-down
    title: {en: "VPN will not connect"}
    summary: {en: "The VPN client fails to connect."}
    examples:
      en: ["the vpn will not connect", "vpn client keeps failing to connect", "cannot connect to the office vpn"]
    keywords:
      en: [vpn]
    steps:
      - id: restart
        title: {en: "Restart the VPN client ` + version + `"}
        text: {en: "Quit the VPN client completely and open it again."}
      - id: network
        title: {en: "Check your own internet"}
        text: {en: "Open any web page: the VPN needs a working connection first."}
`
}

// brokenPlaybook has a step that goes nowhere, on line 21.
const brokenPlaybook = `id: office-vpn
languages: [en]
title: {en: "The VPN does not connect"}
description: {en: "Gets the office VPN working again."}
contact: {en: "Write to it-help@example.com."}
topics:
  - id: vpn-down
    title: {en: "VPN will not connect"}
    summary: {en: "The VPN client fails to connect."}
    examples:
      en: ["the vpn will not connect", "vpn client keeps failing to connect"]
    keywords:
      en: [vpn]
    steps:
      - id: restart
        title: {en: "Restart the VPN client"}
        text: {en: "Quit the VPN client completely and open it again."}
      - id: network
        title: {en: "Check your own internet"}
        text: {en: "Open any web page."}
        next: somewhere-else
`

// syncBuffer is a log sink safe for the reloader's goroutine.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

func vpnEngine(t *testing.T, dir string) *core.Engine {
	t.Helper()
	kb, err := core.LoadKB(dir)
	if err != nil {
		t.Fatalf("LoadKB: %v", err)
	}
	eng, err := core.NewEngine(kb, core.Options{Key: []byte("0123456789abcdef0123456789abcdef")})
	if err != nil {
		t.Fatal(err)
	}
	return eng
}

func TestReloadRejectsABrokenEditAndSwapsInAGoodOne(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "office-vpn.yaml")
	writeFile(t, file, vpnPlaybook("v1"))
	eng := vpnEngine(t, dir)
	ctx := context.Background()
	a := eng.Ask(ctx, core.Request{Platform: "slack", UserID: "U1", Text: "the vpn will not connect"})
	if a.Playbook != "office-vpn" || a.Kind != core.KindStep {
		t.Fatalf("Ask = %v %s/%s, want the office-vpn walkthrough", a.Kind, a.Playbook, a.Topic)
	}
	next := a.Buttons[1].ID // "didn't work, next step"

	var logs syncBuffer
	var loads []bool
	r := newReloader(dir, eng, slog.New(slog.NewJSONHandler(&logs, nil)), func(ok bool, topics int) { loads = append(loads, ok) })
	if r.poll() {
		t.Fatal("reloaded although nothing changed")
	}

	// A broken edit: seen on one poll, loaded once it has settled, rejected.
	writeFile(t, file, brokenPlaybook)
	good := eng.KB()
	if r.poll() {
		t.Fatal("reloaded a file that may still be being written")
	}
	if !r.poll() {
		t.Fatal("a settled change was not loaded")
	}
	if eng.KB() != good {
		t.Fatal("a broken edit replaced the playbooks")
	}
	if !strings.Contains(logs.String(), "office-vpn.yaml:21") || !strings.Contains(logs.String(), "playbook reload rejected") {
		t.Errorf("log does not locate the error at office-vpn.yaml:21:\n%s", logs.String())
	}
	if p, err := eng.Press(ctx, core.Request{Platform: "slack", UserID: "U1", Token: next}); err != nil || p.StepTitle != "Check your own internet" {
		t.Errorf("after a rejected edit, the old button = %q, %v; want it still working", p.StepTitle, err)
	}

	// A good edit is swapped in; buttons from v1 are now stale.
	writeFile(t, file, vpnPlaybook("version two"))
	r.poll()
	if !r.poll() {
		t.Fatal("a good edit was not loaded")
	}
	if eng.KB() == good {
		t.Fatal("a good edit did not replace the playbooks")
	}
	a = eng.Ask(ctx, core.Request{Platform: "slack", UserID: "U1", Text: "the vpn will not connect"})
	if a.StepTitle != "Restart the VPN client version two" {
		t.Errorf("after the reload the first step is %q", a.StepTitle)
	}
	_, err := eng.Press(ctx, core.Request{Platform: "slack", UserID: "U1", Token: next})
	if !errors.Is(err, core.ErrStaleToken) {
		t.Fatalf("old button after a reload: err = %v, want ErrStaleToken", err)
	}
	if so := eng.StartOver(core.Request{Platform: "slack"}, err); so.Kind != core.KindStartOver || !strings.Contains(so.Title, "changed") {
		t.Errorf("StartOver = %v %q", so.Kind, so.Title)
	}
	if len(loads) != 2 || loads[0] || !loads[1] {
		t.Errorf("reload results reported = %v, want [false true]", loads)
	}
	if !strings.Contains(logs.String(), `"changed":["office-vpn"]`) {
		t.Errorf("log does not name the changed playbook:\n%s", logs.String())
	}

	// The directory vanishing is not an edit to serve: keep the last good.
	cur := eng.KB()
	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	r.poll()
	r.poll()
	if eng.KB() != cur || eng.KB().Playbook("office-vpn") == nil {
		t.Error("a vanished directory took the team's playbooks down")
	}
}

func TestReloadRunsOnTimerAndSIGHUP(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "office-vpn.yaml")
	writeFile(t, file, vpnPlaybook("v1"))
	eng := vpnEngine(t, dir)
	var logs syncBuffer
	r := newReloader(dir, eng, slog.New(slog.NewTextHandler(&logs, nil)), nil)
	hup := make(chan os.Signal, 1)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { r.run(ctx, 5*time.Millisecond, hup); close(done) }()

	firstStep := func() string {
		return eng.Ask(context.Background(), core.Request{Text: "the vpn will not connect"}).StepTitle
	}
	waitFor := func(what string, cond func() bool) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) { // at once when all is well; -race trains slowly
			if time.Now().After(deadline) {
				t.Fatalf("gave up waiting for %s; log:\n%s", what, logs.String())
			}
		}
	}
	writeFile(t, file, vpnPlaybook("polled"))
	waitFor("the poll to load the edit", func() bool { return firstStep() == "Restart the VPN client polled" })

	// SIGHUP reloads at once: no need to wait for a change to settle.
	before := eng.KB()
	hup <- syscall.SIGHUP
	waitFor("SIGHUP to reload", func() bool { return strings.Contains(logs.String(), "why=SIGHUP") })
	if eng.KB() == before {
		t.Error("SIGHUP did not load the playbooks again")
	}
	cancel()
	<-done
}

// TestReloadSeesPhrasingFiles: a team playbook's phrasing files, in a
// directory below KAIKETSU_KB_DIR, are watched as the playbooks are: a
// broken line is rejected with its file:line, a good edit is swapped in.
func TestReloadSeesPhrasingFiles(t *testing.T) {
	dir := t.TempDir()
	book := strings.Replace(vpnPlaybook("v1"), "languages: [en]\n", "languages: [en]\nphrasings: [phrasings/*.tsv]\n", 1)
	writeFile(t, filepath.Join(dir, "office-vpn.yaml"), book)
	if err := os.Mkdir(filepath.Join(dir, "phrasings"), 0o755); err != nil {
		t.Fatal(err)
	}
	tsv := filepath.Join(dir, "phrasings", "chat-log.tsv")
	writeFile(t, tsv, "lang\ttopic\ttext\nen\tvpn-down\tmy tunnel to the office is dead\n")
	eng := vpnEngine(t, dir)
	var logs syncBuffer
	r := newReloader(dir, eng, slog.New(slog.NewJSONHandler(&logs, nil)), nil)
	good := eng.KB()

	writeFile(t, tsv, "lang\ttopic\ttext\nen\tvpn-down\tmy tunnel to the office is dead\nen\tvpn-slow\tthe vpn crawls\n")
	r.poll()
	if !r.poll() {
		t.Fatal("a settled change to a phrasing file was not loaded")
	}
	if eng.KB() != good {
		t.Fatal("a phrasing file naming an unknown topic replaced the playbooks")
	}
	if !strings.Contains(logs.String(), filepath.Join("phrasings", "chat-log.tsv")+":3") || !strings.Contains(logs.String(), `\"vpn-slow\" is not a topic`) {
		t.Errorf("log does not locate the error at phrasings/chat-log.tsv:3:\n%s", logs.String())
	}

	writeFile(t, tsv, "lang\ttopic\ttext\nen\tvpn-down\tmy tunnel to the office is dead\nen\tnone\tthe printer on floor 3 is jammed\n")
	r.poll()
	if !r.poll() || eng.KB() == good {
		t.Fatal("a good edit to a phrasing file was not swapped in")
	}
	if !strings.Contains(logs.String(), `"changed":["office-vpn (phrasings)"]`) {
		t.Errorf("log does not say the phrasings changed:\n%s", logs.String())
	}

	// A phrasing file reached through a symbolic link is watched too.
	elsewhere := filepath.Join(t.TempDir(), "shared.tsv")
	writeFile(t, elsewhere, "lang\ttopic\ttext\nen\tvpn-down\tthe tunnel drops every hour\n")
	if err := os.Symlink(elsewhere, filepath.Join(dir, "phrasings", "shared.tsv")); err != nil {
		t.Fatal(err)
	}
	r.poll()
	if !r.poll() {
		t.Fatal("a new linked phrasing file was not loaded")
	}
	linked := eng.KB()
	writeFile(t, elsewhere, "lang\ttopic\ttext\nen\tvpn-down\tthe tunnel drops every hour\nen\tvpn-down\tand again at noon\n")
	r.poll()
	if !r.poll() || eng.KB() == linked {
		t.Fatal("an edit behind a symbolic link was not seen")
	}
}
