package slack

import (
	"errors"
	"net/url"
	"strings"
)

// form is a parsed application/x-www-form-urlencoded body. Slack's forms
// are a dozen short fields read once each, so a url.Values map (a map, a
// slice per key, a string per key) cost more than the lookups it saved: a
// form keeps the pairs in order, in place, and get scans them.
type form struct {
	pairs []formPair
	small [24]formPair // room for a slash command's fields without allocating
}

type formPair struct{ key, value string }

var (
	errSemicolon     = errors.New("invalid semicolon separator in query")
	errTooManyFields = errors.New("number of parameters exceeds limit")
)

// maxFormFields is url.ParseQuery's limit on the fields of one query (Go's
// urlmaxqueryparams default).
const maxFormFields = 10000

// parse reads body as url.ParseQuery does: pairs separated by '&', empty
// segments skipped, a segment with ';' rejected, keys and values
// unescaped; the first error is returned, as ParseQuery returns it. get
// then gives what url.Values.Get would.
func (f *form) parse(body string) error {
	f.pairs = f.small[:0]
	// url.ParseQuery refuses more than maxFormFields fields at once.
	if strings.Count(body, "&") >= maxFormFields {
		return errTooManyFields
	}
	var first error
	for body != "" {
		var seg string
		seg, body, _ = strings.Cut(body, "&")
		if strings.Contains(seg, ";") {
			if first == nil {
				first = errSemicolon
			}
			continue
		}
		if seg == "" {
			continue
		}
		k, v, _ := strings.Cut(seg, "=")
		k, err := queryUnescape(k)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		v, err = queryUnescape(v)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		f.pairs = append(f.pairs, formPair{k, v})
	}
	return first
}

// get returns the first value of key, or "".
func (f *form) get(key string) string {
	for _, p := range f.pairs {
		if p.key == key {
			return p.value
		}
	}
	return ""
}

// queryUnescape is url.QueryUnescape at twice its speed: a click's payload
// is several kilobytes of JSON in which every quote, colon and comma is a
// %XX, and the standard one reads it twice a byte at a time (to check and
// count, then to build); this one counts with a vector instruction and
// copies the runs between escapes whole. It returns the same strings and
// the same errors (FuzzForm holds the form to url.ParseQuery).
func queryUnescape(s string) (string, error) {
	i := 0
	for i < len(s) && s[i] != '%' && s[i] != '+' {
		i++
	}
	if i == len(s) {
		return s, nil
	}
	var b strings.Builder
	// Exact for a valid string ("%%%" would make it negative).
	b.Grow(max(len(s)-2*strings.Count(s[i:], "%"), 0))
	b.WriteString(s[:i])
	for i < len(s) {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
			i++
		case '%':
			if i+2 >= len(s) || hexVal[s[i+1]] < 0 || hexVal[s[i+2]] < 0 {
				bad := s[i:]
				if len(bad) > 3 {
					bad = bad[:3]
				}
				return "", url.EscapeError(bad)
			}
			b.WriteByte(byte(hexVal[s[i+1]])<<4 | byte(hexVal[s[i+2]]))
			i += 3
		default:
			j := i + 1
			for j < len(s) && s[j] != '%' && s[j] != '+' {
				j++
			}
			b.WriteString(s[i:j])
			i = j
		}
	}
	return b.String(), nil
}

// hexVal maps a hex digit to its value and anything else to -1.
var hexVal = func() (t [256]int8) {
	for i := range t {
		t[i] = -1
	}
	for i := range 10 {
		t['0'+i] = int8(i)
	}
	for i := range 6 {
		t['a'+i], t['A'+i] = int8(10+i), int8(10+i)
	}
	return t
}()
