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
		k, err := url.QueryUnescape(k)
		if err != nil {
			if first == nil {
				first = err
			}
			continue
		}
		v, err = url.QueryUnescape(v)
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
