package config

import (
	"strings"
	"testing"
	"time"
)

func TestRateDecode(t *testing.T) {
	tests := []struct {
		in      string
		want    Rate
		wantErr bool
	}{
		{in: "20/min", want: Rate{20, time.Minute}},
		{in: " 5 / s ", want: Rate{5, time.Second}},
		{in: "100/h", want: Rate{100, time.Hour}},
		{in: "3/second", want: Rate{3, time.Second}},
		{in: "off", want: Rate{}},
		{in: "OFF", want: Rate{}},
		{in: "0", want: Rate{}},
		{in: "20", wantErr: true},
		{in: "0/min", wantErr: true},
		{in: "-3/min", wantErr: true},
		{in: "20/day", wantErr: true},
		{in: "x/min", wantErr: true},
		{in: "", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			var r Rate
			err := r.Decode(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Decode(%q) error = %v, want error %v", tt.in, err, tt.wantErr)
			}
			if err == nil && r != tt.want {
				t.Errorf("Decode(%q) = %+v, want %+v", tt.in, r, tt.want)
			}
		})
	}
}

func TestRateString(t *testing.T) {
	for _, s := range []string{"20/min", "5/s", "100/h", "off"} {
		var r Rate
		if err := r.Decode(s); err != nil {
			t.Fatal(err)
		}
		if r.String() != s {
			t.Errorf("Decode(%q).String() = %q", s, r.String())
		}
	}
}

func TestLoadRateLimit(t *testing.T) {
	t.Setenv("KAIKETSU_DATABASE_URL", "memory:")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.RateLimit != (Rate{30, time.Minute}) || c.RateBurst != 10 {
		t.Errorf("default rate limit = %v burst %d, want 30/min burst 10", c.RateLimit, c.RateBurst)
	}
	t.Setenv("KAIKETSU_RATE_LIMIT", "20/min")
	t.Setenv("KAIKETSU_RATE_BURST", "5")
	if c, err = Load(); err != nil || c.RateLimit != (Rate{20, time.Minute}) || c.RateBurst != 5 {
		t.Errorf("Load with 20/min burst 5 = %v %d, %v", c.RateLimit, c.RateBurst, err)
	}
	t.Setenv("KAIKETSU_RATE_LIMIT", "lots")
	if _, err = Load(); err == nil || !strings.Contains(err.Error(), "KAIKETSU_RATE_LIMIT") {
		t.Errorf("Load with a bad rate: %v, want an error naming KAIKETSU_RATE_LIMIT", err)
	}
	t.Setenv("KAIKETSU_RATE_LIMIT", "off")
	t.Setenv("KAIKETSU_RATE_BURST", "0")
	if _, err = Load(); err == nil || !strings.Contains(err.Error(), "KAIKETSU_RATE_BURST") {
		t.Errorf("Load with burst 0: %v, want an error naming KAIKETSU_RATE_BURST", err)
	}
}
