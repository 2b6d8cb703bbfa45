package slack

import (
	"net/url"
	"strings"
	"testing"
)

// checkFormMatchesParseQuery fails t when form disagrees with url.ParseQuery
// on body: the same error or none, and the same first value for every key.
func checkFormMatchesParseQuery(t *testing.T, body string) {
	t.Helper()
	var f form
	err := f.parse(body)
	want, wantErr := url.ParseQuery(body)
	if (err == nil) != (wantErr == nil) {
		t.Fatalf("parse(%q) error = %v, url.ParseQuery's = %v", body, err, wantErr)
	}
	if err != nil {
		return
	}
	for k := range want {
		if got := f.get(k); got != want.Get(k) {
			t.Errorf("parse(%q).get(%q) = %q, url.Values.Get gives %q", body, k, got, want.Get(k))
		}
	}
	for _, p := range f.pairs {
		if _, ok := want[p.key]; !ok {
			t.Errorf("parse(%q) has key %q that url.ParseQuery has not", body, p.key)
		}
	}
}

var formCases = []string{
	"",
	"&&&",
	"a=1",
	"a=1&a=2",
	"a",
	"=v",
	"a=&b=2",
	"text=%E3%83%91%E3%82%B9%E3%83%AF%E3%83%BC%E3%83%89%E3%82%92%E5%BF%98%E3%82%8C%E3%81%9F&user_id=U1",
	"text=I+forgot+my+password&user_id=U1",
	"text=50%25+off",
	"text=%zz&user_id=U1",       // bad escape: an error, like ParseQuery
	"user_id=U1;text=x",         // semicolon separator: an error
	"te%78t=hello&user%5Fid=U2", // escaped keys
	"a=1&&b=2&",
	"payload=%7B%22type%22%3A%22block_actions%22%7D",
	"a=%",
	"a=%4",
	"a=%%%",
	"a=b=c",
	"+=+",
}

func TestFormMatchesParseQuery(t *testing.T) {
	for _, body := range formCases {
		checkFormMatchesParseQuery(t, body)
	}
	// A real slash command, as the tests send it.
	checkFormMatchesParseQuery(t, commandForm("U123", "パスワードを忘れた & more", "https://hooks.slack.com/commands/T1/1/x").Encode())
	// More fields than the form keeps in place.
	var many []string
	for i := range 40 {
		many = append(many, "k"+strings.Repeat("x", i)+"=v")
	}
	checkFormMatchesParseQuery(t, strings.Join(many, "&"))
	// url.ParseQuery's limit on the number of fields, at and over it.
	checkFormMatchesParseQuery(t, "user_id=U1"+strings.Repeat("&", maxFormFields-1))
	checkFormMatchesParseQuery(t, "user_id=U1"+strings.Repeat("&", maxFormFields))
}

func FuzzForm(f *testing.F) {
	for _, c := range formCases {
		f.Add(c)
	}
	f.Fuzz(func(t *testing.T, body string) {
		checkFormMatchesParseQuery(t, body)
	})
}
