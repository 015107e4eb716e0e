package slackbot

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/slack-go/slack"
)

// The handlers below are the one handler both transports share: each takes
// a request as Slack sends it, starts its work in the background and
// returns at once what acknowledges it (nil for an empty acknowledgement).

// errOtherTeam refuses a request from a workspace other than SLACK_TEAM_ID.
var errOtherTeam = errors.New("the request comes from another Slack workspace than SLACK_TEAM_ID")

// checkTeam refuses a request from another workspace when one is set.
func (b *Bot) checkTeam(team string) error {
	if b.cfg.TeamID != "" && team != b.cfg.TeamID {
		b.log.Warn("refused a Slack request from another workspace", "team", team, "want", b.cfg.TeamID)
		return errOtherTeam
	}
	return nil
}

// onCommand handles the slash command: `add` alone opens the form, any
// other line runs and answers through the response_url.
func (b *Bot) onCommand(ctx context.Context, c slack.SlashCommand) (any, error) {
	if err := b.checkTeam(c.TeamID); err != nil {
		return nil, err
	}
	line := commandLine(c.Text)
	to := destination{ResponseURL: c.ResponseURL, Channel: c.ChannelID}
	if isBareAdd(line) && c.TriggerID != "" {
		b.spawn(ctx, func(ctx context.Context) { b.openAddForm(ctx, c.TriggerID, c.UserID, to) })
		return nil, nil
	}
	b.submit(ctx, job{key: deliveryKey("command", c.TriggerID), user: c.UserID, line: line, to: to})
	return nil, nil
}

// onInteraction handles a click on one of our buttons, which runs the
// command line the button holds as the user who clicked, and the
// submission of the add form.
func (b *Bot) onInteraction(ctx context.Context, ic slack.InteractionCallback) (any, error) {
	if err := b.checkTeam(ic.Team.ID); err != nil {
		return nil, err
	}
	switch ic.Type {
	case slack.InteractionTypeBlockActions:
		for _, a := range ic.ActionCallback.BlockActions {
			if !strings.HasPrefix(a.ActionID, actionPrefix) {
				continue
			}
			to := destination{ResponseURL: ic.ResponseURL, Channel: ic.Channel.ID}
			b.submit(ctx, job{key: deliveryKey("action", ic.TriggerID+"/"+a.ActionID), user: ic.User.ID, line: a.Value, to: to})
		}
	case slack.InteractionTypeViewSubmission:
		if ic.View.CallbackID == addCallback {
			return b.submitAddForm(ctx, ic), nil
		}
	}
	return nil, nil
}

// eventEnvelope is what the Events API sends: a url_verification challenge
// or an event_callback with its event.
type eventEnvelope struct {
	Type      string `json:"type"`
	Challenge string `json:"challenge"`
	TeamID    string `json:"team_id"`
	EventID   string `json:"event_id"`
	Event     struct {
		Type        string `json:"type"`
		Subtype     string `json:"subtype"`
		User        string `json:"user"`
		BotID       string `json:"bot_id"`
		Text        string `json:"text"`
		TS          string `json:"ts"`
		ThreadTS    string `json:"thread_ts"`
		Channel     string `json:"channel"`
		ChannelType string `json:"channel_type"`
	} `json:"event"`
}

// onEvent handles an Events API delivery: the URL check, and mentions and
// direct messages, which run their text and answer in the thread or DM.
// Messages of bots (the bot's own replies among them) and message subtypes
// (edits, joins, …) are ignored, so the bot never answers itself.
func (b *Bot) onEvent(ctx context.Context, raw []byte) (any, error) {
	var env eventEnvelope
	if err := json.Unmarshal(raw, &env); err != nil {
		return nil, fmt.Errorf("events API payload: %w", err)
	}
	if env.Type == "url_verification" {
		return map[string]string{"challenge": env.Challenge}, nil
	}
	if env.Type != "event_callback" {
		return nil, nil
	}
	if err := b.checkTeam(env.TeamID); err != nil {
		return nil, err
	}
	ev := env.Event
	if ev.BotID != "" || ev.Subtype != "" || ev.User == "" {
		return nil, nil
	}
	to := destination{Channel: ev.Channel, ThreadTS: ev.ThreadTS}
	switch {
	case ev.Type == "app_mention":
		if to.ThreadTS == "" {
			to.ThreadTS = ev.TS // answer in a thread under the mention
		}
	case ev.Type == "message" && ev.ChannelType == "im":
	default:
		return nil, nil
	}
	line := commandLine(stripMention(ev.Text))
	b.submit(ctx, job{key: deliveryKey("event", env.EventID), user: ev.User, line: line, to: to})
	return nil, nil
}

// deliveryKey names a delivery for its claim, "" when Slack gave no id.
func deliveryKey(kind, id string) string {
	if id == "" {
		return ""
	}
	return kind + ":" + id
}

// isBareAdd reports whether line is `add` (or an alias) with nothing after.
func isBareAdd(line string) bool {
	words, err := command.Split(line)
	return err == nil && len(words) == 1 && command.CommandName(words[0]) == "add"
}
