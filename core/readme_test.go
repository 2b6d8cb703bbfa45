package core_test

import (
	"os"
	"strings"
	"testing"

	"github.com/kaiketsu/kaiketsu/core"
)

// TestReadmePlaybookExample: the playbook README's "Writing playbooks"
// shows loads, and its about block does what the comments say.
func TestReadmePlaybookExample(t *testing.T) {
	readme, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, rest, ok := strings.Cut(string(readme), "## Writing playbooks")
	if !ok {
		t.Fatal("README has no Writing playbooks section")
	}
	_, rest, ok = strings.Cut(rest, "```yaml\n")
	example, _, ok2 := strings.Cut(rest, "```")
	if !ok || !ok2 {
		t.Fatal("Writing playbooks has no yaml example")
	}
	p, err := core.Parse("README.md", []byte(example))
	if err != nil {
		t.Fatalf("the README's example playbook does not load: %v", err)
	}
	kb := core.NewKB(p)
	for text, want := range map[string]bool{
		"changed my password and now the vpn rejects me": true,
		"can't login Outlook":                            false, // a place, named as what the person signs in to
		"Teamsにログインできない":                                 false,
		"the vpn code goes to my Outlook":                true,
	} {
		if got := len(kb.Diagnose(text)) > 0; got != want {
			t.Errorf("Diagnose(%q) has a topic: %v, want %v", text, got, want)
		}
	}
}
