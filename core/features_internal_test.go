package core

import (
	"fmt"
	"testing"
)

// packedRecorder records features as the index knows them, whether they
// come by string or by packed key.
type packedRecorder struct {
	ix  *index
	got []string
}

func (r *packedRecorder) feature(key []byte, w float64) {
	id, ok := r.ix.feats[string(key)]
	r.got = append(r.got, fmt.Sprintf("%d/%v/%v", id, ok, w))
}

func (r *packedRecorder) featurePacked(key uint64, w float64) {
	id, ok := r.ix.packed[key]
	r.got = append(r.got, fmt.Sprintf("%d/%v/%v", id, ok, w))
}

// TestPackedKeysAreTheStrings checks that diagnosis, which looks kanji,
// kana n-grams and trigrams up by packed key, finds the same features in
// the same order as the string keys the index was built from.
func TestPackedKeysAreTheStrings(t *testing.T) {
	kb := mustDefaultKB(t)
	ix := kb.index
	texts := append(evalTexts(t), "ぱ", "漢", "ー", "a", "ab", "abcd", "pass word 々", "ヽヾ日本語のテキスト", "𠮷野家", "1234")
	for _, text := range texts {
		norm := Normalize(text)
		plain := &packedRecorder{ix: ix}
		features(norm, plain.feature)
		packed := &packedRecorder{ix: ix}
		k := keyer{buf: make([]byte, 0, 64), sink: packed, packed: packed}
		k.features(norm)
		if fmt.Sprint(plain.got) != fmt.Sprint(packed.got) {
			t.Fatalf("features of %q:\n by string %v\n packed    %v", norm, plain.got, packed.got)
		}
	}
	// Every packed key stands for exactly one string key.
	n := 0
	for f := range ix.feats {
		if _, ok := packKey(f); ok {
			n++
		}
	}
	if n != len(ix.packed) || n == 0 {
		t.Errorf("%d feature keys have a packed form, the index holds %d", n, len(ix.packed))
	}
}
