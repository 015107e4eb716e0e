package command

import (
	"context"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/flows/crm"
)

const forgetUsage = "forget <contact> [confirm]"

// forget answers forget <contact> [confirm]: an admin's erasure of a
// contact's personal data, as the customer's /forget. Without confirm it
// only says what would be erased, and how to confirm.
func (e *Executor) forget(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	svc, c, rest, err := e.surveyContact(ctx, args, forgetUsage, "forget needs a contact, as in forget C42")
	if err != nil {
		return nil, err
	}
	confirm := "forget " + c.Ref() + " confirm"
	switch {
	case len(rest) == 0:
		return &reply.Reply{Title: "Erase the personal data of " + crm.Describe(c) + "?",
			Sections: []reply.Section{{Text: "This erases its name, contact details, preferences and custom fields, the notes of its " +
				"interactions, moves and orders, its comments in answers, its Telegram link and invites, and cancels its questionnaires " +
				"under way. Its orders and ratings stay, anonymous. It cannot be undone. Type " + confirm + " to erase."}},
			Data:    map[string]any{"contact": c.Ref(), "confirmed": false},
			Actions: []reply.Action{{Label: "Erase", Command: confirm}}}, nil
	case len(rest) > 1 || !strings.EqualFold(rest[0], "confirm"):
		return nil, usageError(forgetUsage, "forget takes a contact and then only the word confirm: %s is not that. Type %s", quote(strings.Join(rest, " ")), confirm)
	}
	if err := svc.Erase(ctx, c.ID, a.ID); err != nil {
		return nil, err
	}
	return &reply.Reply{Title: "Erased the personal data of " + c.Ref() + " (recorded: asked by " + a.ID + ")",
		Data: map[string]any{"contact": c.Ref(), "confirmed": true, "requested_by": a.ID, "at": e.now()}}, nil
}
