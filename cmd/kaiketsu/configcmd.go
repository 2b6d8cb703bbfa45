package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/kaiketsu/kaiketsu/config"
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
		if _, err := config.Load(); err != nil {
			fmt.Fprintf(env.stderr, "configuration:\n%v\n", err)
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
