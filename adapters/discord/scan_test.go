package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/bwmarrin/discordgo"
	"github.com/google/go-cmp/cmp"

	"github.com/kaiketsu/kaiketsu/adapters/loadgen"
	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/core"
)

// sameAsStd fails t unless scanInteraction gives what decodeStd gives for
// body (or leaves it to decodeStd), and decodeInteraction as decodeStd
// does. It reports whether the one pass took it.
func sameAsStd(t *testing.T, body []byte) bool {
	t.Helper()
	want, wantErr := decodeStd(body)
	got, ok := scanInteraction(body)
	if ok {
		if wantErr != nil {
			t.Fatalf("%q: the one pass decoded what encoding/json refuses (%v):\n%+v", body, wantErr, got)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%q (-encoding/json +one pass):\n%s", body, diff)
		}
	}
	got, err := decodeInteraction(body)
	if (err == nil) != (wantErr == nil) || cmp.Diff(want, got) != "" {
		t.Fatalf("%q: decodeInteraction %+v, %v; encoding/json %+v, %v", body, got, err, want, wantErr)
	}
	return ok
}

// discordBodies is interactions as Discord sends them: the one pass must
// take every one.
func discordBodies(t *testing.T) [][]byte {
	f := newFixture(t, nil)
	r, _ := f.ok(f.command(jaUser, ptr("パスワードを忘れた")))
	msg := echo(t, r.Data, true)
	d := checkLimits(t, r)
	dm := who{user: testUser, name: "Dee", locale: "ko", dm: true}
	return [][]byte{
		f.command(jaUser, ptr("パスワードを忘れた")),
		f.command(enUser, ptr(`I can't sign in "quoted" \ back <&> 😀 `+"\u2028 tab\t nl\n")),
		f.command(dm, ptr("help")),
		f.command(enUser, nil),
		f.autocomplete(enUser, "pass"),
		f.autocomplete(jaUser, ""),
		f.click(jaUser, button(t, d, "だめだった"), msg),
		f.click(dm, "kk-card:claim:1", nil),
		f.interaction(discordgo.InteractionPing, who{}, nil, nil),
		f.interaction(discordgo.InteractionType(42), enUser, map[string]any{"x": []any{1, "2"}}, nil),
		f.interaction(discordgo.InteractionApplicationCommand, enUser, map[string]any{"id": "1", "name": "support", "type": 1,
			"options": []any{map[string]any{"name": "group", "type": 2, "options": []any{
				map[string]any{"name": "n", "type": 10, "value": -1.5e3}, map[string]any{"name": "b", "type": 5, "value": true},
				map[string]any{"name": "s", "type": 3, "value": ""}}}}}, nil),
		f.interaction(discordgo.InteractionMessageComponent, enUser, map[string]any{"custom_id": "menu", "component_type": 3,
			"values": []any{"a", "日本", ""}}, nil),
	}
}

// oddBodies is odd, wrong and malformed JSON.
func oddBodies() [][]byte {
	return [][]byte{
		[]byte(` { "type" : 2 , "data" : { "options" : [ { "name" : "symptom" , "value" : "x" } ] } } ` + "\n\t\r"),
		[]byte(`{"type":2,"data":null,"member":null,"user":null,"guild_locale":null,"locale":null,"id":null,"version":null}`),
		[]byte(`{"data":{"options":[],"resolved":null,"target_id":"9"},"type":4,"member":{},"user":{}}`),
		[]byte(`{"type":3,"data":{"values":null,"resolved":null,"custom_id":"\u006b1.\ud83d\ude00\ud83d\u0041\ude00\"\\\/\b\f\n\r\t"}}`),
		[]byte(`{"type":3,"data":{"values":[],"component_type":0,"custom_id":"` + "\xff\xfe\xed\xa0\x80字\xe5" + `"}}`),
		[]byte(`{"type":1,"data":"anything","version":-0,"message":{"a":[1,-2.5e-3,true,false,null,{},[],{"":""}]}}`),
		[]byte(`{"type":2,"data":{"options":[{"value":1e400}]}}`),
		[]byte(`{"type":2,"data":{"options":[{"value":{"a":1}}]}}`),
		[]byte(`{"type":2,"data":{"options":[null]}}`),
		[]byte(`{"type":2,"data":{"resolved":{"users":{}}}}`),
		[]byte(`{"type":5,"data":{"custom_id":"m","components":[]}}`),
		[]byte(`{"TYPE":2,"data":{}}`), []byte(`{"type":2,"Data":{}}`), []byte(`{"t\u0079pe":2,"data":{}}`),
		[]byte(`{"type":2,"type":3,"data":{}}`), []byte(`{"type":2,"data":{"Name":"x"}}`),
		[]byte(`{"type":2,"user":{"ID":"1"},"data":{}}`), []byte(`{"type":2,"member":{"User":{}},"data":{}}`),
		[]byte(`{"type":256}`), []byte(`{"type":-1}`), []byte(`{"type":2.0}`), []byte(`{"type":"2"}`), []byte(`{"type":1e0}`),
		[]byte(`{"version":9223372036854775807}`), []byte(`{"version":999999999999999999}`), []byte(`{"version":-999999999999999999}`),
		[]byte(`{"type":3,"data":{"component_type":18446744073709551615}}`), []byte(`{"type":3,"data":{"component_type":18446744073709551616}}`),
		[]byte(`{"user":{"bot":1}}`), []byte(`{"user":{"flags":true}}`), []byte(`{"user":{"accent_color":null,"verified":null}}`),
		[]byte(`{"type":1,"message":` + strings.Repeat("[", maxScanDepth+1) + strings.Repeat("]", maxScanDepth+1) + `}`),
		[]byte(`{"type":1,"message":` + strings.Repeat("[", maxScanDepth) + strings.Repeat("]", maxScanDepth) + `}`),
		[]byte(``), []byte(`{`), []byte(`{"type":2}`), []byte(`{"type":3,"data":"x"}`), []byte(`[]`), []byte(`null`),
		[]byte(`{"type":1} x`), []byte(`{"type":1,}`), []byte(`{,"type":1}`), []byte(`{"type":1 "id":"x"}`), []byte(`{"id":"a` + "\x01" + `"}`),
		[]byte(`{"id":"\x"}`), []byte(`{"id":"\'"}`), []byte(`{"x":"\'"}`), []byte(`{"id":"\u12"}`), []byte(`{"x":01}`), []byte(`{"x":-}`), []byte(`{"x":1.}`), []byte(`{"x":1e}`),
		[]byte(`{"x":tru}`), []byte(`{"x":nul}`), []byte(`{"x":[1,]}`), []byte(`{"x":{"a" 1}}`), []byte("\xef\xbb\xbf{}"),
	}
}

// TestScanMatchesStd: the one pass decodes what encoding/json decodes for
// every interaction Discord sends (and takes every one of those), for odd
// and malformed JSON, and for thousands of mutations of both: bytes
// dropped, added, changed or repeated, values replaced by others of every
// type, keys repeated or in another case, strings written with escapes.
func TestScanMatchesStd(t *testing.T) {
	discord, odd := discordBodies(t), oddBodies()
	for _, b := range discord {
		if !sameAsStd(t, b) {
			t.Errorf("%s: left to encoding/json; the one pass must take what Discord sends", b)
		}
	}
	for _, b := range odd {
		sameAsStd(t, b)
	}
	rnd := rand.New(rand.NewPCG(11, 12))
	seeds := append(append([][]byte{}, discord...), odd[:6]...)
	taken, total := 0, 0
	for range 30000 {
		b := mutate(rnd, seeds[rnd.IntN(len(seeds))])
		if sameAsStd(t, b) {
			taken++
		}
		total++
	}
	t.Logf("%d of %d mutants taken by the one pass", taken, total)
	if taken < total/10 || taken == total {
		t.Errorf("%d of %d mutants taken by the one pass: the mutations test too little of it", taken, total)
	}
}

// FuzzScanMatchesStd: whatever the body, the one pass never panics and
// gives encoding/json's result or leaves the body to it.
func FuzzScanMatchesStd(f *testing.F) {
	key, err := loadgen.KeyFromSeed(strings.Repeat("5a", 32))
	if err != nil {
		f.Fatal(err)
	}
	msg := map[string]any{"id": "1", "type": 20, "content": "", "embeds": []any{map[string]any{"title": "t", "color": 1}},
		"components": []any{map[string]any{"type": 1, "components": []any{map[string]any{"type": 2, "custom_id": "k1.x", "label": "é"}}}}}
	f.Add(loadgen.DiscordCommand(key, "1", "パスワードを忘れた", time.Now()).Body)
	f.Add(loadgen.DiscordClick(key, "1", "k1.x", msg, time.Now()).Body)
	for _, b := range oddBodies() {
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, body []byte) { sameAsStd(t, body) })
}

// Values of every JSON type, odd numbers and strings with escapes.
var mutantValues = []string{`null`, `true`, `false`, `0`, `-0`, `7`, `255`, `256`, `-1`, `1.5`, `1e2`, `1E+2`, `-2.5e-3`,
	`99999999999999999999`, `1e400`, `""`, `"x"`, `"\u00e9\u5b57"`, `"\ud83d\ude00"`, `"\ud83d"`, `"\ude00x"`, `"\ud83d\u0041"`,
	`"\ud83dx"`, "\"\xff\xfe\"", `"a\"b\\c\/d\b\f\n\r\t"`, `"\u0000"`, `{}`, `[]`, `[null]`, `[{}]`, `["a","b"]`, `[1,"a"]`,
	`{"a":[1,{"b":null}],"c":"d"}`, `{"name":"symptom","type":3,"value":"v","focused":true}`,
	`[{"name":"symptom","type":3,"value":"v"}]`, `{"id":"5","username":"u","global_name":null}`}

var mutantKeys = []string{"id", "application_id", "type", "data", "guild_id", "channel_id", "member", "user", "locale",
	"guild_locale", "token", "version", "name", "options", "value", "focused", "custom_id", "component_type", "values",
	"resolved", "global_name", "username", "bot", "flags", "target_id", "message"}

// mutate returns a changed copy of b.
func mutate(rnd *rand.Rand, b []byte) []byte {
	b = bytes.Clone(b)
	for range 1 + rnd.IntN(3) {
		if len(b) == 0 {
			return []byte(mutantValues[rnd.IntN(len(mutantValues))])
		}
		i := rnd.IntN(len(b))
		switch rnd.IntN(9) {
		case 0: // drop a byte
			b = append(b[:i], b[i+1:]...)
		case 1: // add a byte
			const bs = "{}[]\":,\\ \n'0123456789-+.eEtrufalsn\x00\x1f\x7f\xff\xc3"
			b = append(b[:i], append([]byte{bs[rnd.IntN(len(bs))]}, b[i:]...)...)
		case 2: // change a byte
			b[i] = byte(rnd.IntN(256))
		case 3: // repeat a piece
			j := min(len(b), i+rnd.IntN(40))
			b = append(b[:j], append(bytes.Clone(b[i:j]), b[j:]...)...)
		case 4: // cut
			b = b[:i]
		case 5, 6: // another value for a key
			k := `"` + mutantKeys[rnd.IntN(len(mutantKeys))] + `":`
			if at := bytes.Index(b, []byte(k)); at >= 0 {
				start := at + len(k)
				end := valueEnd(b, start)
				b = append(b[:start], append([]byte(mutantValues[rnd.IntN(len(mutantValues))]), b[end:]...)...)
			}
		case 7: // a key again, or in another case
			k := mutantKeys[rnd.IntN(len(mutantKeys))]
			if at := bytes.Index(b, []byte(`"`+k+`":`)); at >= 0 {
				if rnd.IntN(2) == 0 {
					copy(b[at+1:], strings.ToUpper(k[:1]))
				} else if open := bytes.LastIndexByte(b[:at], '{'); open >= 0 {
					v := fmt.Sprintf(`"%s":%s,`, k, mutantValues[rnd.IntN(len(mutantValues))])
					b = append(b[:open+1], append([]byte(v), b[open+1:]...)...)
				}
			}
		case 8: // a string written with escapes
			if q := bytes.IndexByte(b[i:], '"'); q >= 0 {
				start := i + q
				if end := valueEnd(b, start); end > start+1 && b[end-1] == '"' {
					b = append(b[:start], append(escapeAll(b[start+1:end-1]), b[end:]...)...)
				}
			}
		}
	}
	return b
}

// valueEnd is where the JSON value starting at b[start] ends, roughly
// (mutants need not be valid).
func valueEnd(b []byte, start int) int {
	depth, inStr := 0, false
	for i := start; i < len(b); i++ {
		c := b[i]
		switch {
		case inStr:
			if c == '\\' {
				i++
			} else if c == '"' {
				inStr = false
				if depth == 0 {
					return i + 1
				}
			}
		case c == '"':
			inStr = true
		case c == '{' || c == '[':
			depth++
		case c == '}' || c == ']':
			if depth == 0 {
				return i
			}
			depth--
			if depth == 0 {
				return i + 1
			}
		case c == ',' && depth == 0:
			return i
		}
	}
	return len(b)
}

// escapeAll writes the body of a JSON string with every character as a
// \u escape (a surrogate pair above U+FFFF), keeping its escapes.
func escapeAll(body []byte) []byte {
	out := []byte{'"'}
	s := string(body)
	for i := 0; i < len(s); {
		if s[i] == '\\' && i+1 < len(s) {
			n := 2
			if s[i+1] == 'u' {
				n = min(6, len(s)-i)
			}
			out = append(out, s[i:i+n]...)
			i += n
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r1, r2 := utf16.EncodeRune(r); r1 != 0xFFFD {
			out = fmt.Appendf(out, `\u%04x\u%04X`, r1, r2)
		} else {
			out = fmt.Appendf(out, `\u%04x`, r)
		}
		i += size
	}
	return append(out, '"')
}

// BenchmarkDecode: a command and a click (with the message it was made
// on, a walkthrough's first step) decoded in one pass ("scan") and by
// encoding/json ("std").
func BenchmarkDecode(b *testing.B) {
	key, err := loadgen.KeyFromSeed(strings.Repeat("5a", 32))
	if err != nil {
		b.Fatal(err)
	}
	books, err := core.DefaultPlaybooks()
	if err != nil {
		b.Fatal(err)
	}
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("decode bench key, 16 bytes at least"), Store: memstore.New()})
	if err != nil {
		b.Fatal(err)
	}
	js, _ := json.Marshal(Message(eng.Ask(context.Background(), core.Request{Platform: Platform, Text: "パスワードを忘れた"})))
	var msg map[string]any
	if err := json.Unmarshal(js, &msg); err != nil {
		b.Fatal(err)
	}
	msg["id"], msg["type"], msg["channel_id"], msg["flags"] = "1200000000000000099", 20, testChannel, 64
	for _, tc := range []struct {
		name string
		body []byte
	}{
		{"command", loadgen.DiscordCommand(key, testUser, "パスワードを忘れた", time.Now()).Body},
		{"click", loadgen.DiscordClick(key, testUser, "k1.x", msg, time.Now()).Body},
	} {
		if _, ok := scanInteraction(tc.body); !ok {
			b.Fatalf("%s: not taken by the one pass", tc.name)
		}
		b.Run(tc.name+"/scan", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				decodeInteraction(tc.body)
			}
		})
		b.Run(tc.name+"/std", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				decodeStd(tc.body)
			}
		})
	}
}
