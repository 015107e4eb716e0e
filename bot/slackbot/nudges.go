package slackbot

import (
	"context"
	"fmt"

	"github.com/crmbot/crmbot/bot/command"
	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/flows/nudge"
	"github.com/crmbot/crmbot/locale"
	"github.com/slack-go/slack"
)

// The bot delivers the hot-lead alerts and check-ins as direct messages,
// and draws the same check-in on each member's App Home tab.
var _ nudge.Sender = (*Bot)(nil)

// IsUser reports whether owner is a Slack user id, who can receive a
// direct message (a contact added from the console has a local name).
func IsUser(owner string) bool { return reply.IsSlackUser(owner) }

// SendHotAlert sends a hot-lead alert to the contact's owner, in their
// language, with its buttons (conversations.open, chat.postMessage).
func (b *Bot) SendHotAlert(ctx context.Context, v *nudge.AlertView) error {
	return b.directMessage(ctx, v.Alert.Owner, func(p *locale.Printer) *reply.Reply { return command.AlertReply(p, v) })
}

// SendCheckin sends an owner their weekly check-in.
func (b *Bot) SendCheckin(ctx context.Context, v *nudge.CheckinView) error {
	return b.directMessage(ctx, v.Owner, func(p *locale.Printer) *reply.Reply { return command.CheckinReply(p, v) })
}

func (b *Bot) directMessage(ctx context.Context, user string, draw func(*locale.Printer) *reply.Reply) error {
	if !IsUser(user) {
		return fmt.Errorf("slack: %q is not a Slack user id: no direct message can reach them", user)
	}
	p := b.langs.printer(ctx, user)
	r := draw(p)
	r.Lang = p.Lang()
	blocks, text := Draw(r)
	ch, _, _, err := b.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}})
	if err != nil {
		return fmt.Errorf("slack: open a DM with %s for %s: %w", user, r.Command, err)
	}
	if _, _, err := b.api.PostMessageContext(ctx, ch.ID, slack.MsgOptionText(text, false), slack.MsgOptionBlocks(blocks...)); err != nil {
		return fmt.Errorf("slack: post %s to %s: %w", r.Command, user, err)
	}
	return nil
}

// maxHomeBlocks is what Slack's Home tab holds (a message holds 50).
const maxHomeBlocks = 100

// publishHome draws user's Home tab (views.publish): their check-in as of
// now, under the week's figures, with the same buttons as the check-in.
func (b *Bot) publishHome(ctx context.Context, user string) {
	n := b.exec.Nudges
	if n == nil {
		return
	}
	p := b.langs.printer(ctx, user)
	ctx = locale.With(ctx, p)
	v, err := n.Checkin(ctx, user)
	if err != nil {
		b.log.Error("could not draw a member's Home tab", "user", user, "err", err)
		return
	}
	alerts, err := n.WeekAlerts(ctx, user)
	if err != nil {
		b.log.Error("could not draw a member's Home tab", "user", user, "err", err)
		return
	}
	r := command.HomeReply(p, v, alerts)
	r.Lang = p.Lang()
	blocks, _ := Draw(r)
	blocks = blocks[:min(len(blocks), maxHomeBlocks)]
	view := slack.HomeTabViewRequest{Type: slack.VTHomeTab, Blocks: slack.Blocks{BlockSet: blocks}}
	if _, err := b.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: view}); err != nil {
		b.log.Error("could not publish a member's Home tab", "user", user, "err", err)
	}
}
