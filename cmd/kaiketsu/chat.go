package main

import (
	"context"
	"fmt"

	"github.com/kaiketsu/kaiketsu/adapters/console"
)

func init() { commands["chat"] = chat }

func chat(ctx context.Context, env *cliEnv, args []string) error {
	fs := env.flags("chat [--lang ja|en] [--playbook ID]", "chat [flags]")
	lang := fs.String("lang", "", "language to answer in when the text does not tell (ja or en)")
	playbook := fs.String("playbook", "", "only use this playbook")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if err := validLang(*lang); err != nil {
		fmt.Fprintln(env.stderr, "kaiketsu chat:", err)
		return errUsage
	}
	cfg, log, kb, err := setup(env)
	if err != nil {
		return err
	}
	// No store: a terminal conversation has no support team behind it, so
	// "talk to a person" gives the playbook's contact instructions rather
	// than a reference nobody will see.
	eng, err := newEngine(cfg, log, kb, nil, *playbook, false)
	if err != nil {
		return err
	}
	return console.Chat(ctx, eng, env.stdin, env.stdout, *lang)
}
