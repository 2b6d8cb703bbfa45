package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"math/rand/v2"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"

	"github.com/kaiketsu/kaiketsu/adapters/memstore"
	"github.com/kaiketsu/kaiketsu/core"
)

// encoderBytes is what writeJSON writes for resp.
func encoderBytes(t *testing.T, resp *discordgo.InteractionResponse) []byte {
	t.Helper()
	rec := httptest.NewRecorder()
	writeJSON(rec, 200, wire(resp))
	return rec.Body.Bytes()
}

// TestEncodeMatchesEncoder: responses written directly are byte for byte
// what writeJSON's encoder writes, for the engine's answers (every one of
// which is written directly), generated answers with awkward text, a pong,
// and shapes appendResponse leaves to the encoder.
func TestEncodeMatchesEncoder(t *testing.T) {
	check := func(name string, resp *discordgo.InteractionResponse, wantDirect bool) {
		t.Helper()
		want := encoderBytes(t, resp)
		got, ok := appendResponse(nil, resp)
		if ok != wantDirect {
			t.Errorf("%s: written directly %v, want %v", name, ok, wantDirect)
		}
		if ok && !bytes.Equal(got, want) {
			t.Errorf("%s:\n got %s\nwant %s", name, got, want)
		}
		rec := httptest.NewRecorder()
		writeResponse(rec, resp)
		if !bytes.Equal(rec.Body.Bytes(), want) || rec.Header().Get("Content-Type") != "application/json" {
			t.Errorf("%s: writeResponse wrote %s", name, rec.Body)
		}
		if cl := rec.Header().Get("Content-Length"); ok && cl != strconv.Itoa(rec.Body.Len()) {
			t.Errorf("%s: Content-Length %q for %d bytes", name, cl, rec.Body.Len())
		}
	}
	as := map[string]core.Answer{}
	books, err := core.DefaultPlaybooks()
	if err != nil {
		t.Fatal(err)
	}
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("encode test key, 16 bytes at least"), Store: memstore.New()})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, text := range []string{"パスワードを忘れた", "I forgot my password", "help", "", "my password is hunter2 <&>", "I can't sign in", "zzz qqq"} {
		a := eng.Ask(ctx, core.Request{Platform: Platform, UserID: "1", Text: text})
		as["ask "+text] = a
		for i := 0; i < 8 && len(a.Buttons) > 1 && !a.Done; i++ {
			if a, err = eng.Press(ctx, core.Request{Platform: Platform, UserID: "1", Token: a.Buttons[min(1, len(a.Buttons)-1)].ID}); err != nil {
				break
			}
			as["press "+text+" "+string(rune('0'+i))] = a
		}
	}
	for name, a := range as {
		for _, typ := range []discordgo.InteractionResponseType{discordgo.InteractionResponseChannelMessageWithSource, discordgo.InteractionResponseUpdateMessage} {
			d := Message(a)
			if typ == discordgo.InteractionResponseChannelMessageWithSource {
				d.Flags = discordgo.MessageFlagsEphemeral
			}
			check(name, &discordgo.InteractionResponse{Type: typ, Data: d}, true)
		}
	}

	pieces := []string{"", " ", "\n", "a", "&<>", "a & b <c>", "日本語", "\xff\xfe", "\u2028\u2029", "\xe3\x81", "\xed\xa0\x80",
		"quote \" back\\slash \t\x01\x7f", "1. two\n# three\n> four", "* _ ~ ` | @here", strings.Repeat("字", 2100), strings.Repeat("x", 90)}
	rnd := rand.New(rand.NewPCG(6, 6))
	pick := func() string {
		if rnd.IntN(3) == 0 {
			return ""
		}
		return pieces[rnd.IntN(len(pieces))] + pieces[rnd.IntN(len(pieces))]
	}
	for range 2000 {
		a := core.Answer{Kind: core.Kind(rnd.IntN(6)), Notice: pick(), Title: pick(), Summary: pick(), Progress: pick(),
			StepTitle: pick(), Text: pick(), Footer: pick(), Done: rnd.IntN(5) == 0}
		for range rnd.IntN(4) {
			a.Steps = append(a.Steps, pick())
		}
		for j := range rnd.IntN(30) {
			a.Buttons = append(a.Buttons, core.Button{ID: "k1.<&>" + strings.Repeat("t", j*5), Label: pick(), Style: core.Style(rnd.IntN(3))})
		}
		check("generated", &discordgo.InteractionResponse{Type: discordgo.InteractionResponseUpdateMessage, Data: Message(a)}, true)
	}

	check("pong", &discordgo.InteractionResponse{Type: discordgo.InteractionResponsePong}, true)
	check("no type", &discordgo.InteractionResponse{Data: &discordgo.InteractionResponseData{Content: "x"}}, true)
	check("odd button", &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.Button{Label: "<b>", URL: "https://example.com/?a=1&b=2", Disabled: true, ID: 3}}}},
		Embeds: []*discordgo.MessageEmbed{{URL: "https://example.com", Type: discordgo.EmbedTypeRich, Timestamp: "2024-01-01T00:00:00Z",
			Footer: &discordgo.MessageEmbedFooter{IconURL: "https://example.com/i.png"}}}}}, true)
	check("autocomplete", &discordgo.InteractionResponse{Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: []*discordgo.ApplicationCommandOptionChoice{{Name: "a", Value: "b"}}}}, false)
	check("select menu", &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{
		Components: []discordgo.MessageComponent{discordgo.ActionsRow{Components: []discordgo.MessageComponent{
			discordgo.SelectMenu{CustomID: "s"}}}}}}, false)
	check("embed fields", &discordgo.InteractionResponse{Type: 4, Data: &discordgo.InteractionResponseData{
		Embeds: []*discordgo.MessageEmbed{{Title: "t", Fields: []*discordgo.MessageEmbedField{{Name: "n", Value: "v"}}}}}}, false)

	// The direct bytes are JSON a client reads back as the same response.
	resp := &discordgo.InteractionResponse{Type: 7, Data: Message(as["ask パスワードを忘れた"])}
	js, _ := appendResponse(nil, resp)
	var back map[string]any
	if err := json.Unmarshal(js, &back); err != nil {
		t.Fatalf("direct JSON does not parse: %v", err)
	}
}

// BenchmarkDiscordReply: an answer to the bytes of the response, written
// directly ("direct") and by the encoder ("encoder").
func BenchmarkDiscordReply(b *testing.B) {
	books, _ := core.DefaultPlaybooks()
	eng, err := core.NewEngine(core.NewKB(books...), core.Options{Key: []byte("encode bench key, 16 bytes at least"), Store: memstore.New()})
	if err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct{ name, text string }{{"step-ja", "パスワードを忘れた"}, {"menu-en", "help"}} {
		a := eng.Ask(context.Background(), core.Request{Platform: Platform, Text: tc.text})
		b.Run(tc.name+"/direct", func(b *testing.B) {
			b.ReportAllocs()
			buf := make([]byte, 0, 8192)
			for b.Loop() {
				buf, _ = appendResponse(buf[:0], &discordgo.InteractionResponse{Type: 4, Data: Message(a)})
			}
		})
		b.Run(tc.name+"/encoder", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				writeJSON(httptest.NewRecorder(), 200, wire(&discordgo.InteractionResponse{Type: 4, Data: Message(a)}))
			}
		})
	}
}
