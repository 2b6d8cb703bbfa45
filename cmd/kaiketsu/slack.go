package main

import (
	"context"
	"fmt"

	slackedge "github.com/kaiketsu/kaiketsu/adapters/slack"
	"github.com/kaiketsu/kaiketsu/config"
)

func init() {
	mounts = append(mounts, mountSlack)
	commands["slack"] = slackCommand
}

// mountSlack serves Slack when it is configured: over Socket Mode when
// SLACK_APP_TOKEN is set, else over HTTP at /slack/* when
// SLACK_SIGNING_SECRET is.
func mountSlack(ctx context.Context, d *deps) (*edge, error) {
	cfg := d.cfg
	if cfg.SlackSigningSecret == "" && cfg.SlackAppToken == "" {
		if cfg.SlackBotToken != "" {
			d.log.Warn("SLACK_BOT_TOKEN is set but neither SLACK_SIGNING_SECRET (HTTP) nor SLACK_APP_TOKEN (Socket Mode): Slack is not served")
		}
		return nil, nil
	}
	b, err := slackedge.New(slackedge.Options{
		Engine:         d.eng,
		Store:          d.store,
		Logger:         d.log,
		SigningSecret:  cfg.SlackSigningSecret,
		BotToken:       cfg.SlackBotToken,
		AppToken:       cfg.SlackAppToken,
		SupportChannel: cfg.SlackSupportChannel,
		APIURL:         cfg.SlackAPIURL,
		ResponseHosts:  cfg.SlackResponseHosts,
		DefaultLang:    cfg.DefaultLang,
		OnCardRetry:    cardRetries(d, slackedge.Platform),
	})
	if err != nil {
		return nil, err
	}
	if cfg.SlackBotToken == "" {
		d.log.Warn("SLACK_BOT_TOKEN is not set: the slash command works, but not @mentions, DMs, locale look-up or hand-off cards")
	}
	if cfg.SlackSupportChannel == "" {
		d.log.Info("SLACK_SUPPORT_CHANNEL is not set: hand-offs get a reference and the playbook's contact details; `kaiketsu handoffs` lists them")
	}
	if cfg.SlackAppToken != "" {
		if cfg.SlackSigningSecret != "" {
			d.log.Info("SLACK_APP_TOKEN is set: serving Slack over Socket Mode; the /slack/* HTTP endpoints are not mounted")
		}
		return &edge{name: "slack (socket mode)", run: b.RunSocketMode, drain: b.Drain, sweep: b.RepostCards}, nil
	}
	b.Mount(d.mux)
	return &edge{name: "slack", drain: b.Drain, sweep: b.RepostCards}, nil
}

const slackUsage = "Usage: kaiketsu slack manifest --url https://HOST [--socket] [--command /support] [--name Kaiketsu]\n"

func slackCommand(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "manifest" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(env.stdout, slackUsage)
			return nil
		}
		fmt.Fprint(env.stderr, slackUsage)
		return errUsage
	}
	fs := env.flags("slack manifest", "slack manifest --url https://HOST [--socket] [--command /support] [--name Kaiketsu]")
	defCommand := "/support"
	if cfg, err := config.Load(); err == nil {
		defCommand = cfg.SlackCommand
	}
	u := fs.String("url", "", "public https:// base URL of kaiketsu serve (the app calls URL/slack/commands, /slack/interactions, /slack/events)")
	socket := fs.Bool("socket", false, "make a Socket Mode app (no public URL needed; set SLACK_APP_TOKEN)")
	command := fs.String("command", defCommand, "slash command name")
	name := fs.String("name", "Kaiketsu", "app name shown in Slack")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 || (*u == "" && !*socket) {
		fs.Usage()
		return errUsage
	}
	out, err := slackedge.Manifest(slackedge.ManifestOptions{URL: *u, Command: *command, Name: *name, Socket: *socket})
	if err != nil {
		fmt.Fprintf(env.stderr, "kaiketsu slack manifest: %v\n", err)
		return exitCode(2)
	}
	_, err = env.stdout.Write(out)
	return err
}
