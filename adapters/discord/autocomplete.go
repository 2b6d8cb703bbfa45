package discord

import (
	"errors"
	"sort"
	"strings"

	"github.com/bwmarrin/discordgo"
	"github.com/kaiketsu/kaiketsu/core"
)

// autocomplete suggests topics for what has been typed into symptom so
// far. A choice's value is the topic's title, which diagnoses to that topic
// when submitted (a test keeps it so).
func (h *Handler) autocomplete(in *discordgo.Interaction) (*discordgo.InteractionResponse, error) {
	data, ok := in.Data.(discordgo.ApplicationCommandInteractionData)
	if !ok {
		return nil, errors.New("autocomplete without data")
	}
	var typed string
	for _, o := range data.Options {
		if o != nil && o.Focused { // a null in the list is a nil option
			typed, _ = o.Value.(string)
		}
	}
	choices := h.Suggest(typed, string(in.Locale))
	return &discordgo.InteractionResponse{
		Type: discordgo.InteractionApplicationCommandAutocompleteResult,
		Data: &discordgo.InteractionResponseData{Choices: choices},
	}, nil
}

// Suggest ranks the topics for a partly typed symptom, in the language of
// the text (else of the locale). Titles matching what is typed come first,
// as that is what the person sees: a title starting with it, then one
// with a word starting with it, then one containing it; the diagnosis
// orders topics within each of those and ranks the rest. Nothing typed
// lists the topics in menu order. At most 25.
func (h *Handler) Suggest(typed, locale string) []*discordgo.ApplicationCommandOptionChoice {
	lang := h.eng.Lang(typed, locale)
	def := h.eng.Lang("", "")
	topics := h.eng.Topics()
	q := core.Normalize(typed)
	score := make(map[*core.Topic]int, len(topics))
	if q != "" {
		for i, m := range h.eng.Diagnose(typed) {
			score[m.Topic] = max(500-i, 1)
		}
		for _, t := range topics {
			class := 0
			for _, title := range t.Title {
				n := core.Normalize(title)
				switch {
				case strings.HasPrefix(n, q):
					class = max(class, 3)
				case strings.Contains(" "+n, " "+q):
					class = max(class, 2)
				case strings.Contains(n, q):
					class = max(class, 1)
				}
			}
			score[t] += class * 1000
		}
	}
	order := make([]*core.Topic, 0, len(topics))
	for _, t := range topics {
		if q == "" || score[t] > 0 {
			order = append(order, t)
		}
	}
	sort.SliceStable(order, func(i, j int) bool { return score[order[i]] > score[order[j]] })
	out := []*discordgo.ApplicationCommandOptionChoice{}
	seen := map[string]bool{}
	for _, t := range order {
		if len(out) == maxChoices {
			break
		}
		title := strings.TrimSpace(t.Title.Get(t.Playbook().Lang(lang, def), def))
		name := truncate(title, maxChoiceName)
		// The value must be the exact title (so that it diagnoses to the
		// topic) and at most 100 characters; a longer title is left out
		// rather than submitted cut.
		if title == "" || len([]rune(title)) > maxChoiceValue || seen[title] {
			continue
		}
		seen[title] = true
		out = append(out, &discordgo.ApplicationCommandOptionChoice{Name: name, Value: title})
	}
	return out
}
