package core

import "testing"

func mustDefaultKB(t testing.TB) *KB {
	t.Helper()
	books, err := DefaultPlaybooks()
	if err != nil {
		t.Fatalf("embedded playbooks: %v", err)
	}
	return NewKB(books...)
}
