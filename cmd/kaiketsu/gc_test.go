package main

import (
	"log/slog"
	"runtime/debug"
	"testing"
)

func TestTuneGC(t *testing.T) {
	tests := []struct {
		name, gogc, memlimit string
		want                 int
	}{
		{"default", "", "", serveGCPercent},
		{"GOGC set by the operator", "150", "", 100},
		{"GOMEMLIMIT set by the operator", "", "512MiB", 100},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("GOGC", tt.gogc)
			t.Setenv("GOMEMLIMIT", tt.memlimit)
			prev := debug.SetGCPercent(100) // what the runtime would start with
			defer debug.SetGCPercent(prev)
			tuneGC(slog.New(slog.DiscardHandler))
			if got := debug.SetGCPercent(100); got != tt.want {
				t.Errorf("GC percent = %d, want %d", got, tt.want)
			}
		})
	}
}
