package slackbot

import (
	"cmp"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/slack-go/slack"
)

// The handlers below are the one handler both transports share: each takes
// a request as Slack sends it, with the digest of its bytes (see digest),
// starts its work in the background and returns at once what acknowledges
// it (nil for an empty acknowledgement).

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
func (b *Bot) onCommand(ctx context.Context, c slack.SlashCommand, sum string) (any, error) {
	if err := b.checkTeam(c.TeamID); err != nil {
		return nil, err
	}
	line := commandLine(c.Text)
	to := destination{ResponseURL: c.ResponseURL, Channel: c.ChannelID}
	if isBareAdd(line) && c.TriggerID != "" {
		b.spawn(ctx, func(ctx context.Context) { b.openAddForm(ctx, c.TriggerID, c.UserID, to) })
		return nil, nil
	}
	b.submit(ctx, job{key: deliveryKey("command", c.TriggerID, sum), user: c.UserID, line: line, to: to})
	return nil, nil
}

// onInteraction handles a click on one of our buttons, which runs the
// command line the button holds as the user who clicked, and the
// submission of the add form.
func (b *Bot) onInteraction(ctx context.Context, ic slack.InteractionCallback, sum string) (any, error) {
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
			key := deliveryKey("action", ic.TriggerID, sum) + "/" + a.ActionID
			j := job{key: key, user: ic.User.ID, line: a.Value, to: to}
			if ic.View.Type == slack.VTHomeTab {
				// A button of the Home tab: the answer goes to the
				// member's DM, and the tab is drawn again.
				user := ic.User.ID
				j.to = destination{Channel: user}
				j.then = func(ctx context.Context) { b.publishHome(ctx, user) }
			}
			b.submit(ctx, j)
		}
	case slack.InteractionTypeViewSubmission:
		if ic.View.CallbackID == addCallback {
			return b.submitAddForm(ctx, ic, sum), nil
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
		Tab         string `json:"tab"`
	} `json:"event"`
}

// onEvent handles an Events API delivery: the URL check, mentions and
// direct messages, which run their text and answer in the thread or DM,
// and a member opening the Home tab, which draws it.
// Messages of bots (the bot's own replies among them) and message subtypes
// (edits, joins, …) are ignored, so the bot never answers itself.
func (b *Bot) onEvent(ctx context.Context, raw []byte, sum string) (any, error) {
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
	if ev.Type == "app_home_opened" {
		if ev.Tab == "home" {
			b.spawn(ctx, func(ctx context.Context) { b.publishHome(ctx, ev.User) })
		}
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
	b.submit(ctx, job{key: deliveryKey("event", env.EventID, sum), user: ev.User, line: line, to: to})
	return nil, nil
}

// deliveryKey names a delivery for its claim: by the id Slack gave it
// (trigger_id, event_id, view id), else by sum, the digest of the request.
func deliveryKey(kind, id, sum string) string {
	return kind + ":" + cmp.Or(id, sum)
}

// digest is the hex SHA-256 of parts: a request's bytes as Slack signed
// them (timestamp and body) or sent them (a Socket Mode payload). It keys
// a delivery Slack gave no id of its own, so that the same request resent,
// by a proxy that retries or in another envelope, claims the same key and
// is applied once, while two different requests (each has its own
// response_url, ts or timestamp) never share one.
func digest(parts ...[]byte) string {
	h := sha256.New()
	for _, p := range parts {
		h.Write(p)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// isBareAdd reports whether line is `add` (or an alias) with nothing after.
func isBareAdd(line string) bool {
	words, err := command.Split(line)
	return err == nil && len(words) == 1 && command.CommandName(words[0]) == "add"
}
