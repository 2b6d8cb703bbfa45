package jsonstr

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func encode(t *testing.T, s string, html bool) string {
	t.Helper()
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(html)
	if err := enc.Encode(s); err != nil {
		t.Fatal(err)
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// TestMatchesEncoder: the same bytes as encoding/json, with and without
// its HTML escaping, for awkward strings.
func TestMatchesEncoder(t *testing.T) {
	for _, s := range []string{
		"", "plain", `"quoted" \ back`, "a<b>&c", "tab\tnl\nnul\x00\x1f\x7f",
		"パスワードを忘れた", "ﾊﾟｽﾜｰﾄﾞ", "line\u2028sep\u2029", "bad\xffutf8\xe3\x81", "emoji 🙋✅", "\xed\xa0\x80",
	} {
		for _, html := range []bool{true, false} {
			var special *Escapes
			if html {
				special = &HTML
			}
			got := `"` + string(AppendBody(nil, s, special)) + `"`
			if want := encode(t, s, html); got != want {
				t.Errorf("AppendBody(%q, html %v) = %s, want %s", s, html, got, want)
			}
		}
	}
}

func FuzzMatchesEncoder(f *testing.F) {
	f.Add("パスワード <&> \u2028 \xff")
	f.Fuzz(func(t *testing.T, s string) {
		for _, html := range []bool{true, false} {
			var special *Escapes
			if html {
				special = &HTML
			}
			if got, want := `"`+string(AppendBody(nil, s, special))+`"`, encode(t, s, html); got != want {
				t.Fatalf("AppendBody(%q, html %v) = %s, want %s", s, html, got, want)
			}
		}
	})
}

func BenchmarkAppendBody(b *testing.B) {
	texts := map[string]string{
		"en": strings.Repeat("Open the Amazon sign-in screen and click \"Forgot your password?\" below the box. ", 8),
		"ja": strings.Repeat("Amazonのログイン画面を開き、パスワード入力欄の下の「パスワードをお忘れですか?」を押します。", 8),
	}
	for name, s := range texts {
		b.Run(name, func(b *testing.B) {
			buf := make([]byte, 0, 4096)
			b.SetBytes(int64(len(s)))
			for b.Loop() {
				buf = AppendBody(buf[:0], s, &HTML)
			}
		})
	}
}
