package command

import (
	"context"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

const handledUsage = "handled <contact> [note]"

// maxRefWords bounds the words a contact reference followed by a note is
// looked for in.
const maxRefWords = 5

// resolveLeading resolves the longest run of leading words that names one
// contact and returns the words after it. With none, it returns the error
// of the first word alone (which lists candidates when it is ambiguous).
func (e *Executor) resolveLeading(ctx context.Context, args []string) (*domain.Contact, []string, error) {
	var firstErr error
	for n := min(len(args), maxRefWords); n >= 1; n-- {
		c, err := e.CRM.Resolve(ctx, strings.Join(args[:n], " "))
		if err == nil {
			return c, args[n:], nil
		}
		if code := domain.ErrorCode(err); code != domain.NotFound && code != domain.Conflict && code != domain.Invalid {
			return nil, nil, err
		}
		firstErr = err
	}
	return nil, nil, firstErr
}

// handled answers handled <contact> [note]: lifts a detractor's pause.
func (e *Executor) handled(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	if len(args) == 0 {
		return nil, usageError(handledUsage, "handled needs a contact, as in handled C42 called back, apologised")
	}
	svc, err := e.surveys()
	if err != nil {
		return nil, err
	}
	c, rest, err := e.resolveLeading(ctx, args)
	if err != nil {
		return nil, err
	}
	note := strings.Join(rest, " ")
	if err := svc.Handled(ctx, c, a.ID, note); err != nil {
		return nil, err
	}
	r := &reply.Reply{Title: "Marked the detractor answer of " + crm.Describe(c) + " as handled: automated questionnaires may resume",
		Data:    map[string]any{"contact": c.Ref(), "handled_by": a.ID, "note": note, "at": e.now()},
		Actions: []reply.Action{{Label: "Why", Command: "why " + c.Ref()}}}
	if note != "" {
		r.Sections = []reply.Section{{Fields: []reply.Field{{Label: "note", Value: note}}}}
	}
	r.Sections = append(r.Sections, reply.Section{Text: "why " + c.Ref() + " tells when they may be asked again."})
	return r, nil
}
