package main

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/kaiketsu/kaiketsu/core"
)

func TestHandoffsCommand(t *testing.T) {
	ctx := context.Background()
	url, s := seedDB(t)

	out, errOut, err := storeCLI(t, url, "handoffs")
	if err != nil || out != "No open hand-offs.\n" {
		t.Errorf("empty database: %q, %v\n%s", out, err, errOut)
	}

	now := time.Now()
	mk := func(name, requester string, age time.Duration) *core.Handoff {
		h := &core.Handoff{
			Platform: "slack", Requester: requester, RequesterName: name, Channel: "D0123ABCD",
			Playbook: "amazon-signin", Topic: "otp-not-arriving", Lang: "ja", CreatedAt: now.Add(-age),
			Transcript: []core.TranscriptEntry{{Topic: "otp-not-arriving", Step: "check-spam", Title: "迷惑メールを確認", Result: core.ResultCurrent}},
		}
		if err := s.CreateHandoff(ctx, h); err != nil {
			t.Fatal(err)
		}
		return h
	}
	open1 := mk("山田 花子", "U0000001", 3*time.Hour+10*time.Minute)
	claimed := mk("Bob", "U0000002", 50*time.Minute)
	solved := mk("Carol", "U0000003", 30*time.Minute)
	// Created last but dated earliest: listed first, since the order is
	// the order of creation.
	open2 := mk("Eve\x1b[31m\nFAKE LINE", "U0000004", 5*24*time.Hour+time.Hour)
	if _, err := s.ClaimHandoff(ctx, claimed.ID, "U0AGENT", now); err != nil {
		t.Fatal(err)
	}
	if _, err := s.SolveHandoff(ctx, solved.ID, "U0AGENT", now); err != nil {
		t.Fatal(err)
	}

	out, errOut, err = storeCLI(t, url, "handoffs")
	if err != nil {
		t.Fatalf("handoffs: %v\n%s", err, errOut)
	}
	t.Logf("kaiketsu handoffs:\n%s", out)
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != 3 {
		t.Fatalf("handoffs printed %d lines, want a header and 2 open hand-offs:\n%s", len(lines), out)
	}
	for _, col := range []string{"REF", "AGE", "PLATFORM", "REQUESTER", "PLAYBOOK/TOPIC", "STATUS", "CLAIMED BY"} {
		if !strings.Contains(lines[0], col) {
			t.Errorf("header %q lacks %s", lines[0], col)
		}
	}
	// Newest first; control characters in a name cannot break the table.
	if !strings.HasPrefix(lines[1], "#"+open2.Ref+" ") || !strings.Contains(lines[1], "Eve?[31m?FAKE LINE (U0000004)") || !strings.Contains(lines[1], "5d") {
		t.Errorf("first row = %q, want %s, aged 5d, with the name made printable", lines[1], open2.Ref)
	}
	if !strings.HasPrefix(lines[2], "#"+open1.Ref+" ") || !strings.Contains(lines[2], " 3h ") ||
		!strings.Contains(lines[2], "山田 花子 (U0000001)") || !strings.Contains(lines[2], "amazon-signin/otp-not-arriving") ||
		!strings.Contains(lines[2], "open") || !strings.HasSuffix(lines[2], "-") {
		t.Errorf("second row = %q", lines[2])
	}
	// Columns line up although the name is in wide characters: STATUS
	// starts at the same terminal column in every row.
	col := func(line, word string) int { return displayWidth(line[:strings.Index(line, word)]) }
	if a, b := col(lines[0], "STATUS"), col(lines[2], "open"); a != b {
		t.Errorf("STATUS at column %d in the header, %d in the Japanese row:\n%s", a, b, out)
	}

	out, _, err = storeCLI(t, url, "handoffs", "--all", "--limit", "3")
	if err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(out, "\n"); n != 4 {
		t.Errorf("--all --limit 3 printed %d lines, want 4:\n%s", n, out)
	}
	if !strings.Contains(out, "#"+claimed.Ref) || !strings.Contains(out, "U0AGENT") || !strings.Contains(out, "solved") || strings.Contains(out, "#"+open1.Ref+" ") {
		t.Errorf("--all --limit 3 should list the 3 newest with their claims:\n%s", out)
	}

	out, _, err = storeCLI(t, url, "handoffs", "--all", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var got []handoffJSON
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("--json: %v\n%s", err, out)
	}
	if len(got) != 4 || got[0].Ref != open2.Ref || got[3].Ref != open1.Ref {
		t.Fatalf("--json listed %d hand-offs, want 4 newest first:\n%s", len(got), out)
	}
	c := got[2]
	if c.Status != core.HandoffClaimed || c.ClaimedBy != "U0AGENT" || c.ClaimedAt.IsZero() || c.RequesterName != "Bob" ||
		len(c.Transcript) != 1 || c.Transcript[0].Title != "迷惑メールを確認" {
		t.Errorf("--json claimed hand-off = %+v", c)
	}
	if strings.Contains(out, `"solved_at"`) != true || strings.Count(out, `"solved_at"`) != 1 {
		t.Errorf("--json should carry solved_at only for the solved hand-off:\n%s", out)
	}
}

func TestHandoffsCommandUsage(t *testing.T) {
	url, _ := seedDB(t)
	for _, args := range [][]string{
		{"handoffs", "--limit", "0"},
		{"handoffs", "--bogus"},
		{"handoffs", "extra"},
	} {
		_, errOut, err := storeCLI(t, url, args...)
		if !errors.Is(err, errUsage) {
			t.Errorf("%v: error = %v, want usage error", args, err)
		}
		if !strings.Contains(errOut, "Usage: kaiketsu handoffs") {
			t.Errorf("%v: stderr lacks the usage:\n%s", args, errOut)
		}
	}
	// A database that cannot be opened is a clear error, not a panic.
	_, _, err := storeCLI(t, "sqlite:/nonexistent-dir/k.db", "handoffs")
	if err == nil || !strings.Contains(err.Error(), "KAIKETSU_DATABASE_URL") {
		t.Errorf("bad database: error = %v, want it to name KAIKETSU_DATABASE_URL", err)
	}
}

func TestAge(t *testing.T) {
	for d, want := range map[time.Duration]string{
		-time.Second:                 "0s",
		45 * time.Second:             "45s",
		12*time.Minute + time.Second: "12m",
		3*time.Hour + 59*time.Minute: "3h",
		47 * time.Hour:               "47h",
		5*24*time.Hour + time.Hour:   "5d",
	} {
		if got := age(d); got != want {
			t.Errorf("age(%v) = %q, want %q", d, got, want)
		}
	}
}
