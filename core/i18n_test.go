package core

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestMessageFormatsMatchFmt checks the engine's own formatting of its
// messages, and the message tables, against fmt and the messages
// themselves.
func TestMessageFormatsMatchFmt(t *testing.T) {
	for k, m := range messages {
		for _, lang := range []string{"en", "ja", "fr", ""} {
			if got, want := msg(msgKey(k), lang), m.Get(lang, "en"); got != want {
				t.Errorf("msg(%d, %q) = %q, want %q", k, lang, got, want)
			}
		}
		for lang, f := range m {
			switch n := strings.Count(f, "%d"); {
			case n == 1:
				for _, x := range []int{0, 2, 17, -3, 123456789} {
					if got, want := formatInts(f, x), fmt.Sprintf(f, x); got != want {
						t.Errorf("%s message %d: formatInts = %q, fmt says %q", lang, k, got, want)
					}
				}
			case n == 2:
				if got, want := formatInts(f, 2, 5), fmt.Sprintf(f, 2, 5); got != want {
					t.Errorf("%s message %d: formatInts = %q, fmt says %q", lang, k, got, want)
				}
			case strings.Contains(f, "%s"):
				if got, want := formatString(f, "K-42"), fmt.Sprintf(f, "K-42"); got != want {
					t.Errorf("%s message %d: formatString = %q, fmt says %q", lang, k, got, want)
				}
			}
		}
	}
	// Anything but the simple cases goes to fmt.
	for _, c := range []struct {
		f    string
		args []int
	}{{"%x and %d", []int{255, 3}}, {"%d", []int{1, 2}}, {"%d %d", []int{1}}, {"100%", nil}, {"%%d", []int{4}}, {"none", nil}} {
		as := make([]any, len(c.args))
		for i, a := range c.args {
			as[i] = a
		}
		if got, want := formatInts(c.f, c.args...), fmt.Sprintf(c.f, as...); got != want {
			t.Errorf("formatInts(%q, %v) = %q, fmt says %q", c.f, c.args, got, want)
		}
	}
	for _, f := range []string{"%s %s", "%q", "50%", "%s%%", "plain"} {
		if got, want := formatString(f, "x"), fmt.Sprintf(f, "x"); got != want {
			t.Errorf("formatString(%q) = %q, fmt says %q", f, got, want)
		}
	}
}

func TestWalkIDIsHex(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, x := range append([]uint32{0, 1, 0xf, 0x10, 0xffffffff}, r.Uint32(), r.Uint32(), r.Uint32()) {
		if got, want := walkID(x), fmt.Sprintf("%08x", x); got != want {
			t.Errorf("walkID(%#x) = %q, want %q", x, got, want)
		}
	}
}
