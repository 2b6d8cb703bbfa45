package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"text/tabwriter"

	"github.com/kaiketsu/kaiketsu/config"
	"github.com/kaiketsu/kaiketsu/core"
)

func init() { commands["config"] = configCmd }

// configCmd describes every environment variable, and with --check
// validates the current environment without starting anything.
func configCmd(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("config", "config [--check]")
	check := fs.Bool("check", false, "validate the current environment and exit 1 on problems")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *check {
		cfg, err := config.Load()
		if err != nil {
			fmt.Fprintf(env.stderr, "configuration:\n%v\n", err)
			return exitCode(1)
		}
		// What serve would refuse or serve oddly, found before it starts:
		// team playbooks that do not load, a default language no playbook
		// is written in.
		kb, err := core.LoadKB(cfg.KBDir)
		var problems []string
		if err != nil {
			problems = append(problems, "KAIKETSU_KB_DIR: "+err.Error())
		}
		if kb != nil {
			if p := langProblem(cfg, kb); p != "" {
				problems = append(problems, p)
			}
		}
		if len(problems) > 0 {
			fmt.Fprintf(env.stderr, "configuration:\n%s\n", strings.Join(problems, "\n"))
			return exitCode(1)
		}
		fmt.Fprintln(env.stdout, "ok")
		return nil
	}
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "VARIABLE\tDEFAULT\tDESCRIPTION")
	fmt.Fprint(tw, config.Usage())
	return tw.Flush()
}

// langProblem describes a KAIKETSU_DEFAULT_LANG that no loaded playbook is
// written in ("" when some playbook is): the answers would then mix the
// engine's English words with each playbook's first language.
func langProblem(cfg config.Config, kb *core.KB) string {
	var langs []string
	for _, p := range kb.Playbooks() {
		for _, l := range p.Languages {
			if l == cfg.DefaultLang {
				return ""
			}
			if !slices.Contains(langs, l) {
				langs = append(langs, l)
			}
		}
	}
	return fmt.Sprintf("KAIKETSU_DEFAULT_LANG: no playbook is written in this language; use one of %s", strings.Join(langs, ", "))
}
