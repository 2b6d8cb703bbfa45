package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/sqlite"
	"github.com/kaiketsu/kaiketsu/config"
	"github.com/kaiketsu/kaiketsu/core"
)

func init() { commands["handoffs"] = handoffs }

// handoffJSON is one hand-off in `kaiketsu handoffs --json`.
type handoffJSON struct {
	Ref           string                 `json:"ref"`
	ID            int64                  `json:"id"`
	Status        core.HandoffStatus     `json:"status"`
	Platform      string                 `json:"platform"`
	Requester     string                 `json:"requester"`
	RequesterName string                 `json:"requester_name,omitempty"`
	Channel       string                 `json:"channel,omitempty"`
	Playbook      string                 `json:"playbook"`
	Topic         string                 `json:"topic,omitempty"`
	Lang          string                 `json:"lang,omitempty"`
	CreatedAt     time.Time              `json:"created_at"`
	ClaimedBy     string                 `json:"claimed_by,omitempty"`
	ClaimedAt     time.Time              `json:"claimed_at,omitzero"`
	SolvedBy      string                 `json:"solved_by,omitempty"`
	SolvedAt      time.Time              `json:"solved_at,omitzero"`
	Card          string                 `json:"card,omitempty"`
	Transcript    []core.TranscriptEntry `json:"transcript"`
}

func handoffs(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("handoffs", "handoffs [--all] [--json] [--limit N]")
	all := fs.Bool("all", false, "list claimed and solved hand-offs too, not only open ones")
	asJSON := fs.Bool("json", false, "print a JSON array with every field and the transcript")
	limit := fs.Int("limit", 50, "at most this many, newest first")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 || *limit < 1 {
		fs.Usage()
		return errUsage
	}
	store, err := configuredStore(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	var status []core.HandoffStatus
	if !*all {
		status = []core.HandoffStatus{core.HandoffOpen}
	}
	list, err := store.ListHandoffs(ctx, *limit, status...)
	if err != nil {
		return err
	}
	if *asJSON {
		out := make([]handoffJSON, 0, len(list))
		for _, h := range list {
			if h.Transcript == nil {
				h.Transcript = []core.TranscriptEntry{} // purged or empty: [] rather than null
			}
			card := h.Card
			if !core.CardPosted(card) {
				card = "" // a post under way is not a card yet
			}
			out = append(out, handoffJSON{
				Ref: h.Ref, ID: h.ID, Status: h.Status, Platform: h.Platform,
				Requester: h.Requester, RequesterName: h.RequesterName, Channel: h.Channel,
				Playbook: h.Playbook, Topic: h.Topic, Lang: h.Lang, CreatedAt: h.CreatedAt,
				ClaimedBy: h.ClaimedBy, ClaimedAt: h.ClaimedAt, SolvedBy: h.SolvedBy, SolvedAt: h.SolvedAt,
				Card: card, Transcript: h.Transcript,
			})
		}
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(out)
	}
	if len(list) == 0 {
		if *all {
			fmt.Fprintln(env.stdout, "No hand-offs.")
		} else {
			fmt.Fprintln(env.stdout, "No open hand-offs.")
		}
		return nil
	}
	now := time.Now()
	t := &table{}
	t.add("REF", "AGE", "PLATFORM", "REQUESTER", "PLAYBOOK/TOPIC", "STATUS", "CLAIMED BY")
	for _, h := range list {
		who := h.Requester
		if h.RequesterName != "" {
			who = h.RequesterName + " (" + h.Requester + ")"
		}
		topic := h.Playbook
		if h.Topic != "" {
			topic += "/" + h.Topic
		}
		claimed := h.ClaimedBy
		if claimed == "" {
			claimed = "-"
		}
		t.add("#"+h.Ref, age(now.Sub(h.CreatedAt)), h.Platform, who, topic, string(h.Status), claimed)
	}
	return t.write(env.stdout)
}

// configuredStore opens the store the configuration names, for the
// commands that only read it (handoffs, stats).
func configuredStore(ctx context.Context, env *cliEnv) (core.Store, error) {
	cfg, err := config.Load()
	if err != nil {
		return nil, fmt.Errorf("configuration:\n%w", err)
	}
	// Reading commands must not leave an empty database behind when run in
	// the wrong directory: say where they looked instead.
	if path, ok := strings.CutPrefix(cfg.DatabaseURL, sqlite.Scheme); ok && path != ":memory:" {
		if strings.HasPrefix(path, "//") {
			path = path[2:]
		}
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("no database at %s: nothing recorded yet, or KAIKETSU_DATABASE_URL is not the one kaiketsu serve uses", path)
		}
	}
	return openStore(ctx, cfg, newLogger(env.stderr, cfg))
}

// age is a short, human duration: 45s, 12m, 3h, 5d.
func age(d time.Duration) string {
	switch {
	case d < time.Minute:
		return fmt.Sprintf("%ds", max(int(d/time.Second), 0))
	case d < time.Hour:
		return fmt.Sprintf("%dm", int(d/time.Minute))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh", int(d/time.Hour))
	}
	return fmt.Sprintf("%dd", int(d/(24*time.Hour)))
}
