package discord

import (
	"bytes"
	"crypto/ed25519"
	"encoding/hex"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/bwmarrin/discordgo"
)

// TestVerifyMatchesDiscordgo: the in-place check accepts exactly the
// signatures discordgo.VerifyInteraction accepts, for the right one, the
// same in upper case, and signatures cut, lengthened, flipped or not hex.
func TestVerifyMatchesDiscordgo(t *testing.T) {
	pub, priv, err := ed25519.GenerateKey(bytes.NewReader(bytes.Repeat([]byte{7}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	ts, body := "1700000000", []byte(`{"type":1}`)
	good := hex.EncodeToString(ed25519.Sign(priv, append([]byte(ts), body...)))
	flipped := []byte(good)
	flipped[7] ^= 1 // '0'..'f' stays a hex digit or becomes another character
	sigs := []string{good, strings.ToUpper(good), good[:127], good[:126], good + "0", good + "00", good[2:] + "zz",
		"zz" + good[2:], string(flipped), strings.Repeat("0", 128), "", " " + good[1:], good[:64] + "\x00" + good[65:]}
	accepted := 0
	for _, sig := range sigs {
		for _, b := range [][]byte{body, []byte(`{"type":2}`), nil} {
			r := httptest.NewRequest("POST", "/", bytes.NewReader(b))
			r.Header.Set("X-Signature-Ed25519", sig)
			r.Header.Set("X-Signature-Timestamp", ts)
			want := discordgo.VerifyInteraction(r, pub)
			if got := verify(pub, sig, append([]byte(ts), b...)); got != want {
				t.Errorf("signature %q over %q: verify %v, discordgo %v", sig, b, got, want)
			}
			if want {
				accepted++
			}
		}
	}
	if accepted != 2 {
		t.Errorf("%d signatures accepted, want 2 (the right one in either case)", accepted)
	}
}
