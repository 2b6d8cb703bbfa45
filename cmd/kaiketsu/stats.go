package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/kaiketsu/kaiketsu/config"
	"github.com/kaiketsu/kaiketsu/core"
)

func init() { commands["stats"] = stats }

// statsJSON is the output of `kaiketsu stats --json`.
type statsJSON struct {
	Since  time.Time         `json:"since"`
	Until  time.Time         `json:"until"`
	Topics []core.TopicStats `json:"topics"`
	Total  totalJSON         `json:"total"`
}

type totalJSON struct {
	Started    int     `json:"started"`
	Resolved   int     `json:"resolved"`
	HandedOff  int     `json:"handed_off"`
	Left       int     `json:"left"`
	Deflection float64 `json:"deflection"`
}

// sinceFlag is --since: a duration back from now (7d, 36h) or a date
// (2025-04-01, local midnight).
type sinceFlag struct {
	raw string
	at  func(now time.Time) time.Time
}

func (f *sinceFlag) String() string { return f.raw }

func (f *sinceFlag) Set(s string) error {
	if day, err := time.ParseInLocation(time.DateOnly, s, time.Local); err == nil {
		f.raw, f.at = s, func(time.Time) time.Time { return day }
		return nil
	}
	var d config.Duration
	if err := d.Decode(s); err != nil || d <= 0 {
		return fmt.Errorf("want a duration such as 7d or 24h, or a date such as 2025-04-01")
	}
	f.raw, f.at = s, func(now time.Time) time.Time { return now.Add(-time.Duration(d)) }
	return nil
}

func stats(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("stats", "stats [--since 7d|DATE] [--json]")
	since := &sinceFlag{}
	_ = since.Set("7d")
	fs.Var(since, "since", "walkthroughs from this long ago (7d, 24h) or this date (2025-04-01)")
	asJSON := fs.Bool("json", false, "print the numbers as JSON")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	store, err := configuredStore(ctx, env)
	if err != nil {
		return err
	}
	defer store.Close()
	now := time.Now()
	from := since.at(now)
	outcomes, err := store.Outcomes(ctx, from)
	if err != nil {
		return err
	}
	topics := core.Summarize(outcomes)
	total := core.Totals(topics)
	if *asJSON {
		enc := json.NewEncoder(env.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(statsJSON{
			Since: from.UTC().Truncate(time.Second), Until: now.UTC().Truncate(time.Second), Topics: topics,
			Total: totalJSON{total.Started, total.Resolved, total.HandedOff, total.Left, total.Deflection},
		})
	}
	period := fmt.Sprintf("since %s", from.Format("2006-01-02 15:04"))
	if !strings.Contains(since.raw, "-") {
		period += " (last " + since.raw + ")"
	}
	if len(topics) == 0 {
		fmt.Fprintf(env.stdout, "No walkthroughs %s.\n", period)
		return nil
	}
	fmt.Fprintf(env.stdout, "Walkthroughs %s\n\n", period)
	t := &table{right: map[int]bool{1: true, 3: true, 4: true}}
	t.add("TOPIC", "STARTED", "RESOLVED", "HANDED OFF", "LEFT", "BEST STEP")
	for _, s := range topics {
		best := "-"
		if s.BestStep > 0 {
			best = fmt.Sprintf("step %d (%d)", s.BestStep, s.BestStepResolved)
		}
		t.add(s.Playbook+"/"+s.Topic, strconv.Itoa(s.Started), resolvedCell(s), strconv.Itoa(s.HandedOff), strconv.Itoa(s.Left), best)
	}
	t.add("TOTAL", strconv.Itoa(total.Started), resolvedCell(total), strconv.Itoa(total.HandedOff), strconv.Itoa(total.Left), "")
	if err := t.write(env.stdout); err != nil {
		return err
	}

	fmt.Fprintf(env.stdout, "\nDeflection (resolved by the bot, of those started)\n")
	chart := &table{right: map[int]bool{2: true}}
	for _, s := range topics {
		chart.add(s.Playbook+"/"+s.Topic, bar(s.Deflection, barWidth), percent(s.Deflection))
	}
	chart.add("TOTAL", bar(total.Deflection, barWidth), percent(total.Deflection))
	return chart.write(env.stdout)
}

func resolvedCell(s core.TopicStats) string {
	return fmt.Sprintf("%d (%s)", s.Resolved, percent(s.Deflection))
}

func percent(f float64) string { return fmt.Sprintf("%d%%", int(math.Round(f*100))) }

// barWidth is the chart's width in terminal columns at 100%.
const barWidth = 20

// eighths are the partial blocks, from 1/8 to 7/8 of a column.
var eighths = []rune("▏▎▍▌▋▊▉")

// bar draws f (0..1) as a bar of unicode blocks, to an eighth of a column,
// padded to width with spaces so that the numbers after it line up.
func bar(f float64, width int) string {
	f = min(max(f, 0), 1)
	n := int(math.Round(f * float64(width) * 8))
	s := strings.Repeat("█", n/8)
	if n%8 > 0 {
		s += string(eighths[n%8-1])
	}
	return s + strings.Repeat(" ", width-displayWidth(s))
}
