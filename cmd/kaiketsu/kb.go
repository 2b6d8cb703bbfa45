package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/kaiketsu/kaiketsu/config"
	"github.com/kaiketsu/kaiketsu/core"
)

func init() { commands["kb"] = kb }

func kb(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 {
		fmt.Fprint(env.stderr, "Usage: kaiketsu kb validate [DIR] | kaiketsu kb list\n")
		return errUsage
	}
	switch args[0] {
	case "validate":
		return kbValidate(env, args[1:])
	case "list":
		return kbList(env, args[1:])
	}
	fmt.Fprintf(env.stderr, "kaiketsu kb: unknown command %q\nUsage: kaiketsu kb validate [DIR] | kaiketsu kb list\n", args[0])
	return errUsage
}

// kbValidate checks DIR, or, without one, the embedded playbooks and
// KAIKETSU_KB_DIR. Every problem is printed as file:line: field: message.
func kbValidate(env *cliEnv, args []string) error {
	fs := env.flags("kb validate", "kb validate [DIR]")
	if err := parse(fs, args); err != nil {
		return err
	}
	if fs.NArg() > 1 {
		fs.Usage()
		return errUsage
	}
	var (
		books []*core.Playbook
		err   error
	)
	if dir := fs.Arg(0); dir != "" {
		if info, serr := os.Stat(dir); serr != nil || !info.IsDir() {
			fmt.Fprintf(env.stderr, "kaiketsu kb validate: %s is not a directory\n", dir)
			return exitCode(1)
		}
		books, err = core.LoadDir(os.DirFS(dir), ".")
		err = prefixFiles(err, dir)
	} else {
		cfg, cerr := config.Load()
		if cerr != nil {
			return fmt.Errorf("configuration:\n%w", cerr)
		}
		var kb *core.KB
		kb, err = core.LoadKB(cfg.KBDir)
		if kb != nil {
			books = kb.Playbooks()
		}
	}
	if err != nil {
		for _, line := range strings.Split(err.Error(), "\n") {
			fmt.Fprintln(env.stderr, line)
		}
		fmt.Fprintf(env.stderr, "%d problem(s) found\n", strings.Count(err.Error(), "\n")+1)
		return exitCode(1)
	}
	topics := 0
	for _, p := range books {
		topics += len(p.Topics)
	}
	fmt.Fprintf(env.stdout, "ok: %d playbook(s), %d topic(s)\n", len(books), topics)
	return nil
}

func prefixFiles(err error, dir string) error {
	if err == nil {
		return nil
	}
	var out []error
	for _, line := range strings.Split(err.Error(), "\n") {
		out = append(out, errors.New(strings.TrimSuffix(dir, "/")+"/"+line))
	}
	return errors.Join(out...)
}

func kbList(env *cliEnv, args []string) error {
	fs := env.flags("kb list", "kb list [--lang ja|en]")
	lang := fs.String("lang", "", "language of the titles")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, _, kb, err := setup(env)
	if err != nil {
		return err
	}
	l := *lang
	if l == "" {
		l = cfg.DefaultLang
	}
	for _, p := range kb.Playbooks() {
		pl := p.Lang(l, cfg.DefaultLang)
		fmt.Fprintf(env.stdout, "%s\t%s\t[%s]\t%s\t%d out-of-scope examples and phrasings\n", p.ID, p.Title.Get(pl, cfg.DefaultLang),
			strings.Join(p.Languages, ","), p.Source, p.OutOfScope.Len()+p.OutOfScopePhrasings().Len())
		for _, t := range p.Topics {
			urgent := ""
			if t.Urgent {
				urgent = " (urgent)"
			}
			fmt.Fprintf(env.stdout, "  %s\t%s%s\t%d steps, %d examples, %d phrasings\n", t.ID, t.Title.Get(pl, cfg.DefaultLang), urgent,
				len(t.Steps), t.Examples.Len(), t.Phrasings().Len())
		}
	}
	return nil
}
