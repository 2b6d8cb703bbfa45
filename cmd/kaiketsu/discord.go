package main

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"regexp"
	"time"

	"github.com/kaiketsu/kaiketsu/adapters/discord"
	"github.com/kaiketsu/kaiketsu/config"
)

func init() {
	mounts = append(mounts, mountDiscord)
	commands["discord"] = discordCommand
}

// mountDiscord serves Discord when it is configured: at
// POST /discord/interactions when DISCORD_PUBLIC_KEY is set, else over the
// Gateway when DISCORD_BOT_TOKEN is (Discord sends interactions to one or
// the other: setting an Interactions Endpoint URL stops the Gateway's).
func mountDiscord(ctx context.Context, d *deps) (*edge, error) {
	cfg := d.cfg
	if cfg.DiscordPublicKey == "" && cfg.DiscordBotToken == "" {
		return nil, nil
	}
	var client *discord.Client
	if cfg.DiscordBotToken != "" {
		client = discord.NewClient(cfg.DiscordAPIURL, cfg.DiscordBotToken, nil, d.log)
	}
	switch {
	case cfg.DiscordSupportChannel != "" && client == nil:
		d.log.Warn("DISCORD_SUPPORT_CHANNEL is set but DISCORD_BOT_TOKEN is not: hand-off cards cannot be posted")
	case cfg.DiscordSupportChannel == "":
		d.log.Info("DISCORD_SUPPORT_CHANNEL is not set: hand-offs get a reference and the playbook's contact details; `kaiketsu handoffs` lists them")
	}
	opt := discord.Options{
		Engine:         d.eng,
		Client:         client,
		SupportChannel: cfg.DiscordSupportChannel,
		TeamLang:       cfg.DefaultLang,
		Logger:         d.log.With("platform", "discord"),
	}
	if d.metrics != nil {
		opt.OnCardRetry = func() { d.metrics.HandoffPostRetry(discord.Platform) }
	}
	if cfg.DiscordPublicKey != "" {
		key, err := hex.DecodeString(cfg.DiscordPublicKey)
		if err != nil || len(key) != ed25519.PublicKeySize {
			return nil, fmt.Errorf("DISCORD_PUBLIC_KEY: must be 64 hex characters")
		}
		opt.PublicKey = key
	}
	h := discord.New(opt)
	if cfg.DiscordPublicKey != "" {
		d.mux.Handle("POST /discord/interactions", h)
		if cfg.DiscordBotToken != "" {
			d.log.Info("discord: serving interactions at /discord/interactions; the Gateway is not used while an Interactions Endpoint URL is set")
		}
		return &edge{name: "discord", drain: h.Drain, sweep: h.RepostCards}, nil
	}
	return &edge{
		name:  "discord (gateway)",
		run:   func(ctx context.Context) error { return h.RunGateway(ctx, cfg.DiscordBotToken, cfg.DiscordAPIURL) },
		drain: h.Drain,
		sweep: h.RepostCards,
	}, nil
}

const discordUsage = "Usage: kaiketsu discord register [--guild ID]\n"

var snowflake = regexp.MustCompile(`^[0-9]{5,25}$`)

func discordCommand(ctx context.Context, env *cliEnv, args []string) error {
	if len(args) == 0 || args[0] != "register" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			fmt.Fprint(env.stdout, discordUsage)
			return nil
		}
		fmt.Fprint(env.stderr, discordUsage)
		return errUsage
	}
	fs := env.flags("discord register", "discord register [--guild ID]")
	guild := fs.String("guild", "", "register in this server only (takes effect at once; for trying things out) instead of globally")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		fs.Usage()
		return errUsage
	}
	if *guild != "" && !snowflake.MatchString(*guild) {
		fmt.Fprintln(env.stderr, "kaiketsu discord register: --guild must be a numeric server id (Developer Mode, right-click the server, Copy Server ID)")
		return errUsage
	}
	cfg, err := config.Load()
	if err != nil {
		return fmt.Errorf("configuration:\n%w", err)
	}
	if cfg.DiscordAppID == "" || cfg.DiscordBotToken == "" {
		return fmt.Errorf("discord register needs DISCORD_APP_ID and DISCORD_BOT_TOKEN (Developer Portal: General Information, Application ID; Bot, Reset Token)")
	}
	log := newLogger(env.stderr, cfg)
	ctx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	c := discord.NewClient(cfg.DiscordAPIURL, cfg.DiscordBotToken, nil, log)
	cmds, err := discord.Register(ctx, c, cfg.DiscordAppID, *guild)
	if err != nil {
		return err
	}
	where := "globally (Discord clients pick it up within minutes)"
	if *guild != "" {
		where = "in server " + *guild + " (available now)"
	}
	fmt.Fprintf(env.stdout, "Registered /%s %s: %d command(s).\n", discord.CommandName, where, len(cmds))
	fmt.Fprintf(env.stdout, "Invite the bot to a server with:\n  %s\n", discord.InviteURL(cfg.DiscordAppID))
	return nil
}
