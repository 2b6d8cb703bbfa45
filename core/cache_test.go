package core

import (
	"fmt"
	"testing"
)

func TestDiagnosisCacheIsBoundedAndConsistent(t *testing.T) {
	kb := mustDefaultKB(t)
	first := kb.Diagnose("パスワードを忘れた")
	if len(first) == 0 || first[0].Topic.ID != "forgot-password" {
		t.Fatalf("Diagnose = %v, want forgot-password first", first)
	}
	first[0].Score = -1 // a caller changing its result must not change the cache
	again := kb.Diagnose("パスワードを忘れた")
	if again[0].Score < 0 {
		t.Fatal("a cached diagnosis was changed through a returned slice")
	}
	for i := range 3*diagnosisCacheSize + 10 {
		kb.Diagnose(fmt.Sprintf("message number %d about nothing", i))
	}
	if n := kb.cache.len(); n > 2*diagnosisCacheSize {
		t.Errorf("cache holds %d entries, want at most %d", n, 2*diagnosisCacheSize)
	}
	long := make([]byte, maxCachedText+1)
	for i := range long {
		long[i] = 'a'
	}
	kb.Diagnose(string(long))
	if _, ok := kb.cache.get(string(long)); ok {
		t.Errorf("a text longer than %d bytes was cached", maxCachedText)
	}
}
