package main

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
)

// TestReadingCommandsDoNotCreateADatabase: handoffs and stats run in a
// directory without the database say so, and leave no empty file behind.
func TestReadingCommandsDoNotCreateADatabase(t *testing.T) {
	cleanEnv(t)
	t.Chdir(t.TempDir())
	t.Setenv("KAIKETSU_DATABASE_URL", "sqlite:kaiketsu.db")
	for _, cmd := range []string{"handoffs", "stats"} {
		err := run(context.Background(), []string{cmd}, strings.NewReader(""), io.Discard, io.Discard)
		if err == nil || !strings.Contains(err.Error(), "no database at kaiketsu.db") {
			t.Errorf("%s: err = %v, want it to say there is no database", cmd, err)
		}
	}
	if _, err := os.Stat("kaiketsu.db"); err == nil {
		t.Error("a reading command created kaiketsu.db")
	}
}
