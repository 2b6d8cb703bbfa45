// Package jsonstr writes the inside of JSON strings byte for byte as
// encoding/json does, for the Slack and Discord adapters, which write their
// replies directly rather than through the encoder.
package jsonstr

import "unicode/utf8"

// Escapes says how &, < and > are written inside a string, indexed by the
// character; nil leaves them as they are.
type Escapes = [63]string

// HTML is encoding/json's default escaping of &, < and >.
var HTML = Escapes{'&': `\u0026`, '<': `\u003c`, '>': `\u003e`}

const hexDigits = "0123456789abcdef"

// plainASCII and plainHTML say which bytes are copied as they are: ASCII
// from space on, but for the quote and the backslash, and with plainHTML
// but for &, < and > too. Bytes from 0x80 on are false: they start
// characters looked at one by one.
var plainASCII, plainHTML = func() (a, h [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		a[c] = c != '"' && c != '\\'
		h[c] = a[c] && c != '&' && c != '<' && c != '>'
	}
	return a, h
}()

// AppendBody appends s as encoding/json writes a string, without the
// quotes: control characters, quotes and backslashes escaped, U+2028 and
// U+2029 escaped, invalid UTF-8 as U+FFFD, and &, < and > as special says
// (encoding/json's default with &HTML, as they are with nil).
func AppendBody(buf []byte, s string, special *Escapes) []byte {
	plain := &plainASCII
	if special != nil {
		plain = &plainHTML
	}
	start := 0
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			if plain[c] {
				i++
				for i < len(s) && plain[s[i]] {
					i++
				}
				continue
			}
			buf = append(buf, s[start:i]...)
			switch c {
			case '&', '<', '>':
				buf = append(buf, special[c]...)
			case '\\', '"':
				buf = append(buf, '\\', c)
			case '\b':
				buf = append(buf, '\\', 'b')
			case '\f':
				buf = append(buf, '\\', 'f')
			case '\n':
				buf = append(buf, '\\', 'n')
			case '\r':
				buf = append(buf, '\\', 'r')
			case '\t':
				buf = append(buf, '\\', 't')
			default:
				buf = append(buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
			}
			i++
			start = i
			continue
		}
		// A well-formed three-byte character other than U+2028 and
		// U+2029 (most of Japanese text) is copied without decoding.
		if c := s[i]; c >= 0xE1 && c <= 0xEF && c != 0xED && i+2 < len(s) &&
			s[i+1]&0xC0 == 0x80 && s[i+2]&0xC0 == 0x80 && (c != 0xE2 || s[i+1] != 0x80 || s[i+2]&0xFE != 0xA8) {
			i += 3
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			buf = append(buf, s[start:i]...)
			buf = append(buf, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			buf = append(buf, s[start:i]...)
			buf = append(buf, '\\', 'u', '2', '0', '2', hexDigits[r&0xF])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(buf, s[start:]...)
}

// AppendList writes list as a JSON array, or null when it is nil as
// encoding/json does, writing each element with one.
func AppendList[T any](buf []byte, list []T, one func([]byte, T) []byte) []byte {
	if list == nil {
		return append(buf, "null"...)
	}
	buf = append(buf, '[')
	for i, e := range list {
		if i > 0 {
			buf = append(buf, ',')
		}
		buf = one(buf, e)
	}
	return append(buf, ']')
}
