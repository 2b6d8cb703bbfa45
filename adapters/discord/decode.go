package discord

import (
	"encoding/json"

	"github.com/bwmarrin/discordgo"
)

// leanInteraction is the part of an interaction Kaiketsu reads. A button
// click carries the whole message it was made on (content, embeds,
// components); decoding that into discordgo's types was the largest cost
// of a click after the signature check, for fields nothing here reads.
// The member is reduced to its user, the only part used.
type leanInteraction struct {
	ID        string                    `json:"id"`
	AppID     string                    `json:"application_id"`
	Type      discordgo.InteractionType `json:"type"`
	Data      json.RawMessage           `json:"data"`
	GuildID   string                    `json:"guild_id"`
	ChannelID string                    `json:"channel_id"`
	Member    *struct {
		User *discordgo.User `json:"user"`
	} `json:"member"`
	User        *discordgo.User   `json:"user"`
	Locale      discordgo.Locale  `json:"locale"`
	GuildLocale *discordgo.Locale `json:"guild_locale"`
	Token       string            `json:"token"`
	Version     int               `json:"version"`
}

// decodeInteraction decodes an interaction from the HTTP endpoint into
// discordgo's type, with its data decoded as discordgo decodes it, and
// without the message, permissions and entitlements, which Kaiketsu does
// not read: in one pass (scan.go) when it can, else with encoding/json.
// Both give the same (TestScanMatchesStd, FuzzScanMatchesStd).
func decodeInteraction(body []byte) (*discordgo.Interaction, error) {
	if in, ok := scanInteraction(body); ok {
		return in, nil
	}
	return decodeStd(body)
}

// decodeStd is decodeInteraction with encoding/json: the reference, and
// the way for whatever the one pass leaves (malformed JSON among it).
func decodeStd(body []byte) (*discordgo.Interaction, error) {
	var l leanInteraction
	if err := json.Unmarshal(body, &l); err != nil {
		return nil, err
	}
	in := &discordgo.Interaction{
		ID: l.ID, AppID: l.AppID, Type: l.Type, GuildID: l.GuildID, ChannelID: l.ChannelID,
		User: l.User, Locale: l.Locale, GuildLocale: l.GuildLocale, Token: l.Token, Version: l.Version,
	}
	if l.Member != nil {
		in.Member = &discordgo.Member{User: l.Member.User}
	}
	// Data is decoded as discordgo decodes it: a missing field is an error.
	var err error
	switch l.Type {
	case discordgo.InteractionApplicationCommand, discordgo.InteractionApplicationCommandAutocomplete:
		var v discordgo.ApplicationCommandInteractionData
		err = json.Unmarshal(l.Data, &v)
		in.Data = v
	case discordgo.InteractionMessageComponent:
		var v discordgo.MessageComponentInteractionData
		err = json.Unmarshal(l.Data, &v)
		in.Data = v
	case discordgo.InteractionModalSubmit:
		var v discordgo.ModalSubmitInteractionData
		err = json.Unmarshal(l.Data, &v)
		in.Data = v
	}
	if err != nil {
		return nil, err
	}
	return in, nil
}
