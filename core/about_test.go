package core

import "testing"

func TestAboutExcludes(t *testing.T) {
	a := &About{
		Names:  []string{"Amazon", "アマゾン", "amazon.co.jp"},
		Others: []string{"Netflix", "Apple ID", "インスタ", "vpn", "楽天", "LINE"},
	}
	a.compile()
	tests := []struct {
		text string
		want bool
	}{
		{"forgot my netflix password", true},
		{"forgot my password", false},                               // no name at all: ours
		{"Netflix and Amazon both say my password is wrong", false}, // ours named too
		{"NETFLIXのパスワード忘れた", true},                                  // case and width folded
		{"ＮＥＴＦＬＩＸのパスワード忘れた", true},
		{"apple id says my password is incorrect", true},
		{"my appleid is fine", false}, // "apple id" is two words
		{"インスタ乗っ取られた", true},
		{"ｲﾝｽﾀ乗っ取られた", true}, // half-width katakana
		{"アマゾンとインスタ両方乗っ取られた", false},
		{"the company vpn rejects my code", true},
		{"vpnless", false},
		{"楽天のアカウントのメアド忘れた", true},
		{"I'm online but the sign-in page is blank", false}, // "line" inside "online"
		{"LINE on my new phone wants a code", true},
		{"amazon.co.jp keeps asking for a code", false},
	}
	for _, tt := range tests {
		if got := a.excludes(Normalize(tt.text)); got != tt.want {
			t.Errorf("excludes(%q) = %v, want %v", tt.text, got, tt.want)
		}
	}
	var none *About
	if none.excludes(Normalize("forgot my netflix password")) {
		t.Error("a playbook without about excludes a message")
	}
}
