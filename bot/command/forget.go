package command

import (
	"context"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/locale"
)

const forgetUsage = "forget <contact> [confirm]"

// forget answers forget <contact> [confirm]: an admin's erasure of a
// contact's personal data, as the customer's /forget. Without confirm it
// only says what would be erased, and how to confirm.
func (e *Executor) forget(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	svc, c, rest, err := e.surveyContact(ctx, args, forgetUsage, domain.M("forget needs a contact, as in forget C42"))
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	// The command to type, in the reader's words; the button's stays
	// English, which crmbot reads in any language.
	confirm := "forget " + c.Ref() + " confirm"
	typed := domain.M("forget %s confirm", c.Ref())
	switch {
	case len(rest) == 0:
		return &reply.Reply{Title: p.T("Erase the personal data of %s?", crm.Describe(c)),
			Sections: []reply.Section{{Text: p.T("This erases its name, contact details, preferences and custom fields, the notes of its "+
				"interactions, moves and orders, its comments in answers, its Telegram link and invites, and cancels its questionnaires "+
				"under way. Its orders and ratings stay, anonymous. It cannot be undone. Type %s to erase.", typed)}},
			Data:    map[string]any{"contact": c.Ref(), "confirmed": false},
			Actions: []reply.Action{{Label: p.T("Erase"), Command: confirm}}}, nil
	case len(rest) > 1 || keyword(rest[0]) != "confirm":
		return nil, usageError(forgetUsage, "forget takes a contact and then only the word confirm: %s is not that. Type %s", quote(strings.Join(rest, " ")), typed)
	}
	if err := svc.Erase(ctx, c.ID, a.ID); err != nil {
		return nil, err
	}
	return &reply.Reply{Title: p.T("Erased the personal data of %s (recorded: asked by %s)", c.Ref(), a.ID),
		Data: map[string]any{"contact": c.Ref(), "confirmed": true, "requested_by": a.ID, "at": e.now()}}, nil
}
