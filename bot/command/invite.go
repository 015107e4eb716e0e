package command

import (
	"context"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

const inviteUsage = "invite <contact>"

// invite answers invite <contact>: a single-use Telegram deep link.
func (e *Executor) invite(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	if len(args) == 0 {
		return nil, usageError(inviteUsage, "invite needs a contact, as in invite C42")
	}
	svc, err := e.surveys()
	if err != nil {
		return nil, err
	}
	c, err := e.CRM.Resolve(ctx, strings.Join(args, " "))
	if err != nil {
		return nil, err
	}
	if e.BotName == nil {
		return nil, domain.Errorf(domain.Unavailable, "Telegram is not configured: set TELEGRAM_BOT_TOKEN so that invite links name the bot; nothing was made")
	}
	bot, err := e.BotName(ctx)
	if err != nil {
		e.logger().Error("could not ask Telegram for the bot's name (getMe) for an invite link", "err", err)
		return nil, domain.Errorf(domain.Unavailable, "could not ask Telegram for the bot's name, so no link was made: try again in a moment")
	}
	bot = strings.TrimPrefix(strings.TrimSpace(bot), "@")
	if bot == "" {
		return nil, domain.Errorf(domain.Unavailable, "Telegram gave no name for the bot, so no link was made: check TELEGRAM_BOT_TOKEN")
	}
	token, err := svc.Invite(ctx, c, a.ID)
	if err != nil {
		return nil, err
	}
	link := "https://t.me/" + bot + "?start=" + token
	expires := e.now().AddDate(0, 0, survey.InviteDays)
	p := locale.From(ctx)
	return &reply.Reply{Title: p.T("Telegram invite for %s", crm.Describe(c)),
		Sections: []reply.Section{
			{Fields: []reply.Field{{Label: p.T("link"), Value: link}, {Label: p.T("expires"), Value: p.Date(expires)}}},
			{Text: p.T("Send this link to the customer: it works once and expires after %d days. Opening it links their Telegram chat to %s and asks for their consent to questionnaires.", survey.InviteDays, c.Ref())},
		},
		Data: map[string]any{"contact": c.Ref(), "link": link, "token": token, "expires": expires, "valid_days": survey.InviteDays},
	}, nil
}
