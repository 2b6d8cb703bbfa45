package discord

import (
	"context"
	"fmt"
	"net/url"

	"github.com/bwmarrin/discordgo"
)

// CommandName is the slash command's name.
const CommandName = "support"

// Command is the /support command as registered: one optional string
// option, symptom, with autocomplete; usable in servers and in DMs with
// the bot. Names and descriptions are given in Japanese and in both
// English locales: Discord falls back from en-US to en-GB and back, so
// each gets its own entry.
func Command() *discordgo.ApplicationCommand {
	desc := map[discordgo.Locale]string{
		discordgo.Japanese:  "困っていることを書くと、原因を見つけて解決まで一歩ずつ案内します",
		discordgo.EnglishUS: "Describe your problem and get walked through the fix, step by step",
		discordgo.EnglishGB: "Describe your problem and get walked through the fix, step by step",
	}
	optName := map[discordgo.Locale]string{
		discordgo.Japanese:  "症状",
		discordgo.EnglishUS: OptionSymptom,
		discordgo.EnglishGB: OptionSymptom,
	}
	optDesc := map[discordgo.Locale]string{
		discordgo.Japanese:  "何が起きていますか?(例: パスワードを忘れた)空欄ならトピック一覧",
		discordgo.EnglishUS: "What is happening? (e.g. I forgot my password) Leave empty for the topics",
		discordgo.EnglishGB: "What is happening? (e.g. I forgot my password) Leave empty for the topics",
	}
	contexts := []discordgo.InteractionContextType{discordgo.InteractionContextGuild, discordgo.InteractionContextBotDM}
	install := []discordgo.ApplicationIntegrationType{discordgo.ApplicationIntegrationGuildInstall}
	return &discordgo.ApplicationCommand{
		Type:                     discordgo.ChatApplicationCommand,
		Name:                     CommandName,
		Description:              desc[discordgo.EnglishUS],
		DescriptionLocalizations: &desc,
		Contexts:                 &contexts,
		IntegrationTypes:         &install,
		Options: []*discordgo.ApplicationCommandOption{{
			Type:                     discordgo.ApplicationCommandOptionString,
			Name:                     OptionSymptom,
			NameLocalizations:        optName,
			Description:              optDesc[discordgo.EnglishUS],
			DescriptionLocalizations: optDesc,
			Required:                 false,
			Autocomplete:             true,
			MaxLength:                1000,
		}},
	}
}

// Register bulk-overwrites the application's commands with /support:
// globally when guildID is empty, else in that guild only (which takes
// effect at once; use it while trying things out).
func Register(ctx context.Context, c *Client, appID, guildID string) ([]*discordgo.ApplicationCommand, error) {
	cmds, err := c.BulkOverwriteCommands(ctx, appID, guildID, []*discordgo.ApplicationCommand{Command()})
	if err != nil {
		return nil, fmt.Errorf("register /%s: %w", CommandName, err)
	}
	return cmds, nil
}

// InvitePermissions are what the bot needs in the support channel: View
// Channel (1<<10), Send Messages (1<<11) and Embed Links (1<<14), for
// hand-off cards. Replies to /support need no permission.
const InvitePermissions = 1<<10 | 1<<11 | 1<<14

// InviteURL is the link that adds the application to a server with the
// scopes it needs: applications.commands for /support, bot for posting
// hand-off cards and for the Gateway.
func InviteURL(appID string) string {
	v := url.Values{}
	v.Set("client_id", appID)
	v.Set("scope", "applications.commands bot")
	v.Set("permissions", fmt.Sprint(InvitePermissions))
	return "https://discord.com/oauth2/authorize?" + v.Encode()
}
