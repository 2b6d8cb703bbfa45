package main

import (
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/kaiketsu/kaiketsu/core"
)

func signinTopic(t *testing.T, id string) (*core.Topic, int) {
	t.Helper()
	kb, err := core.LoadKB("")
	if err != nil {
		t.Fatal(err)
	}
	p := kb.Playbook("amazon-signin")
	i := slices.IndexFunc(p.Topics, func(tp *core.Topic) bool { return tp.ID == id })
	if i < 0 {
		t.Fatalf("no topic %s", id)
	}
	return p.Topics[i], i + 1 // the menu lists the topics in order, from 1
}

// wantInOrder checks that each part appears in out after the previous one.
func wantInOrder(t *testing.T, out string, parts ...string) {
	t.Helper()
	rest := out
	for _, p := range parts {
		i := strings.Index(rest, p)
		if i < 0 {
			t.Fatalf("output lacks %q (in order) after the previous parts; output:\n%s", p, out)
		}
		rest = rest[i+len(p):]
	}
}

// TestChatPipedToResolved: a problem typed in free text, one "didn't work",
// then "that fixed it", all from a pipe.
func TestChatPipedToResolved(t *testing.T) {
	topic, _ := signinTopic(t, "forgot-password")
	stdout, stderr, err := runCLI(t, "パスワードを忘れた\n2\n1\nquit\n", nil, "chat")
	if err != nil {
		t.Fatalf("chat: %v\n%s", err, stderr)
	}
	wantInOrder(t, stdout,
		"== "+topic.Title["ja"]+" ==",
		"[ステップ 1 / ", topic.Steps[0].Title["ja"],
		"(1) ✅ 解決した", "(2) ➡ だめだった、次へ",
		"[ステップ 2 / ", topic.Steps[1].Title["ja"],
		"↩ 戻る",
		"== 解決してよかったです! ==",
		"ほかにお困りのことはありますか",
		"またどうぞ!",
	)
	if strings.Contains(stdout, core.TokenPrefix) {
		t.Error("the chat shows button tokens")
	}
}

// TestChatPipedToPerson: the menu, the urgent topic, one step on, then
// "talk to a person": how to reach a person is shown (no reference: the
// terminal has no support team to hand off to).
func TestChatPipedToPerson(t *testing.T) {
	topic, n := signinTopic(t, "account-takeover")
	human := 5 // fixed, next, back, start over, talk to a person
	if c := len(topic.Steps[1].Choices); c > 0 {
		human = c + 3
	}
	in := fmt.Sprintf("help\n%d\n2\n%d\n", n, human)
	stdout, stderr, err := runCLI(t, in, nil, "chat", "--lang", "en")
	if err != nil {
		t.Fatalf("chat: %v\n%s", err, stderr)
	}
	if strings.Contains(stdout, "Your reference is") {
		t.Errorf("chat promised a hand-off reference nobody will follow up:\n%s", stdout)
	}
	contact := topic.Playbook().Contact["en"]
	wantInOrder(t, stdout,
		"Kaiketsu: describe your problem",
		"== What's the trouble? ==",
		fmt.Sprintf("(%d) %s", n, topic.Title["en"]),
		"This is urgent",
		"== "+topic.Title["en"]+" ==",
		"[Step 1 of ", topic.Steps[0].Title["en"],
		"[Step 2 of ", topic.Steps[1].Title["en"],
		fmt.Sprintf("(%d) 🙋 Talk to a person", human),
		"== Let's get you to a person ==",
		"Here is how to reach a person:",
		contact,
		"Anything else?",
	)
}

func TestChatNumbersAndWords(t *testing.T) {
	stdout, _, err := runCLI(t, "help\n99\n0\n\nquit\nI forgot my password\n", nil, "chat", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	if strings.Count(stdout, "Pick a number from 1 to 8, or describe your problem.") != 2 {
		t.Errorf("out-of-range numbers are not explained:\n%s", stdout)
	}
	if !strings.HasSuffix(strings.TrimSpace(stdout), "Bye!") {
		t.Errorf("quit does not end the chat:\n%s", stdout)
	}
}

// TestChatEndOfInput: a pipe that ends ends the chat without an error.
func TestChatEndOfInput(t *testing.T) {
	stdout, _, err := runCLI(t, "I forgot my password", nil, "chat")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "Forgot your password") {
		t.Errorf("the last line without a newline is not answered:\n%s", stdout)
	}
}

func TestChatPlaybookFlag(t *testing.T) {
	_, _, err := runCLI(t, "help\n", nil, "chat", "--playbook", "no-such-playbook")
	if err == nil || !strings.Contains(err.Error(), "no-such-playbook") {
		t.Errorf("an unknown playbook: %v", err)
	}
	stdout, _, err := runCLI(t, "help\n", map[string]string{"KAIKETSU_KB_DIR": "../../core/testdata/good"}, "chat", "--playbook", "office-network", "--lang", "en")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(stdout, "Wi-Fi does not connect") || strings.Contains(stdout, "Forgot your password") {
		t.Errorf("--playbook office-network menu:\n%s", stdout)
	}
}
