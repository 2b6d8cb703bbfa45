package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"strings"
)

func init() { commands["diagnose"] = diagnose }

// diagnosis is one line of `kaiketsu diagnose --json`.
type diagnosis struct {
	Query   string      `json:"query"`
	Lang    string      `json:"lang"`
	Matches []matchJSON `json:"matches"`
}

type matchJSON struct {
	Playbook string  `json:"playbook"`
	Topic    string  `json:"topic"`
	Title    string  `json:"title"`
	Score    float64 `json:"score"`
}

func diagnose(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("diagnose", "diagnose [--json] [--lang ja|en] TEXT... (or - to read one query per line)")
	asJSON := fs.Bool("json", false, "print one JSON object per query")
	lang := fs.String("lang", "", "language when the text does not tell (ja or en)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		fs.Usage()
		return errUsage
	}
	if err := validLang(*lang); err != nil {
		fmt.Fprintln(env.stderr, "kaiketsu diagnose:", err)
		return errUsage
	}
	cfg, log, kb, err := setup(env)
	if err != nil {
		return err
	}
	eng, err := newEngine(cfg, log, kb, nil, "", false)
	if err != nil {
		return err
	}
	out := bufio.NewWriter(env.stdout)
	defer out.Flush()
	enc := json.NewEncoder(out)
	enc.SetEscapeHTML(false)
	one := func(q string) error {
		d := diagnosis{Query: q, Lang: eng.Lang(q, *lang), Matches: []matchJSON{}}
		for _, m := range eng.Diagnose(q) {
			p := m.Topic.Playbook()
			d.Matches = append(d.Matches, matchJSON{
				Playbook: p.ID,
				Topic:    m.Topic.ID,
				Title:    m.Topic.Title.Get(p.Lang(d.Lang, cfg.DefaultLang), cfg.DefaultLang),
				Score:    math.Round(m.Score*100) / 100,
			})
		}
		if *asJSON {
			return enc.Encode(d)
		}
		if len(d.Matches) == 0 {
			_, err := fmt.Fprintf(out, "%s\t(none)\n", q)
			return err
		}
		parts := make([]string, len(d.Matches))
		for i, m := range d.Matches {
			parts[i] = fmt.Sprintf("%s/%s %.2f %s", m.Playbook, m.Topic, m.Score, m.Title)
		}
		_, err := fmt.Fprintf(out, "%s\t%s\n", q, strings.Join(parts, " | "))
		return err
	}
	if fs.NArg() == 1 && fs.Arg(0) == "-" {
		sc := bufio.NewScanner(env.stdin)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if err := one(sc.Text()); err != nil {
				return err
			}
			out.Flush()
		}
		return sc.Err()
	}
	return one(strings.Join(fs.Args(), " "))
}
