package main

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"

	"github.com/kaiketsu/kaiketsu/adapters/httplog"
	"github.com/kaiketsu/kaiketsu/config"
	"github.com/kaiketsu/kaiketsu/core"
)

// exitCode ends the process with a status but no further message: the
// command has already said what was wrong.
type exitCode int

func (e exitCode) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// errUsage is returned after usage has been printed for a bad command line.
var errUsage = exitCode(2)

const usage = `Usage: kaiketsu COMMAND [flags]

Commands:
  serve                 serve Slack and Discord (configured by environment variables)
  chat                  talk to Kaiketsu in the terminal
  diagnose TEXT...      show which topics fit a problem (- reads one per line from stdin)
  kb validate [DIR]     check playbook files; exit 1 with file:line errors
  kb list               list the loaded playbooks and topics
  slack manifest        print a Slack app manifest
  discord register      register the /support command with Discord
  handoffs              list open hand-offs
  stats                 walkthrough outcomes per topic
  config                describe the environment variables

Run kaiketsu COMMAND -h for a command's flags.
`

// command is one subcommand.
type command func(ctx context.Context, env *cliEnv, args []string) error

// commands is filled by each subcommand's file.
var commands = map[string]command{}

// cliEnv is what every subcommand gets.
type cliEnv struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	env := &cliEnv{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	switch args[0] {
	case "-h", "--help", "help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	cmd, ok := commands[args[0]]
	if !ok {
		fmt.Fprintf(stderr, "kaiketsu: unknown command %q\n\n%s", args[0], usage)
		return errUsage
	}
	return cmd(ctx, env, args[1:])
}

// flags returns a flag set that prints its usage to stderr and reports
// errors instead of exiting.
func (env *cliEnv) flags(name, synopsis string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	fs.Usage = func() {
		fmt.Fprintf(env.stderr, "Usage: kaiketsu %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parse parses args, turning a bad command line into exit status 2, and -h
// into exit status 0 once the usage is printed (rather than running the
// command anyway).
func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitCode(0)
		}
		return errUsage
	}
	return nil
}

// setup loads the configuration, the logger and the knowledge.
func setup(env *cliEnv) (config.Config, *slog.Logger, *core.KB, error) {
	cfg, err := config.Load()
	if err != nil {
		return cfg, nil, nil, fmt.Errorf("configuration:\n%w", err)
	}
	log := newLogger(env.stderr, cfg)
	kb, err := core.LoadKB(cfg.KBDir)
	if kb == nil {
		return cfg, log, nil, err
	}
	if err != nil {
		// The embedded playbooks still serve; the team must know theirs did not load.
		log.Error("team playbooks not loaded; serving the others", "dir", cfg.KBDir, "err", err)
	}
	if p := langProblem(cfg, kb); p != "" {
		log.Warn(p)
	}
	return cfg, log, kb, nil
}

func newLogger(w io.Writer, cfg config.Config) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	opts := &slog.HandlerOptions{Level: level}
	// httplog.Handler adds the request id to every line logged while
	// handling a request.
	if cfg.LogFormat == "json" {
		return slog.New(httplog.Handler(slog.NewJSONHandler(w, opts)))
	}
	return slog.New(httplog.Handler(slog.NewTextHandler(w, opts)))
}

// stateKey derives the token key from KAIKETSU_STATE_KEY, or makes a random
// one, warning that instances will not understand each other's buttons.
func stateKey(cfg config.Config, log *slog.Logger, warn bool) []byte {
	if cfg.StateKey != "" {
		k := sha256.Sum256([]byte("kaiketsu state key\x00" + cfg.StateKey))
		return k[:]
	}
	if warn {
		log.Warn("KAIKETSU_STATE_KEY is not set: using a random key; buttons stop working after a restart, and several instances must share one key")
	}
	k := make([]byte, 32)
	rand.Read(k)
	return k
}

// newEngine builds the engine from the configuration; serve adds the rate
// limit and metrics through more.
func newEngine(cfg config.Config, log *slog.Logger, kb *core.KB, store core.Store, playbook string, warn bool, more ...func(*core.Options)) (*core.Engine, error) {
	opt := core.Options{
		Key:         stateKey(cfg, log, warn),
		DefaultLang: cfg.DefaultLang,
		Store:       store,
		Playbook:    playbook,
		Logger:      log,
	}
	for _, f := range more {
		f(&opt)
	}
	return core.NewEngine(kb, opt)
}

// withRateLimit applies KAIKETSU_RATE_LIMIT and KAIKETSU_RATE_BURST. Only
// serve uses it: one person at a terminal (chat) is never limited.
func withRateLimit(cfg config.Config) func(*core.Options) {
	return func(o *core.Options) {
		if cfg.RateLimit.Off() {
			return
		}
		l, err := core.NewLimiter(cfg.RateLimit.N, cfg.RateLimit.Per, cfg.RateBurst, 0)
		if err == nil { // config.Validate has already ruled out the errors
			o.Limit = l
		}
	}
}

func validLang(l string) error {
	if l == "" || (len(l) >= 2 && len(l) <= 3 && strings.ToLower(l) == l) {
		return nil
	}
	return fmt.Errorf("--lang %q: use a language code such as ja or en", l)
}
