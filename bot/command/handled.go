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

// surveyContact is what handled and forget start with: the questionnaires'
// service, and the contact that the leading words of args name, and the
// words after it; without any word, a usage error saying missing.
func (e *Executor) surveyContact(ctx context.Context, args []string, usage string, missing domain.Msg) (*survey.Service, *domain.Contact, []string, error) {
	if len(args) == 0 {
		return nil, nil, nil, usageError(usage, "%s", missing)
	}
	svc, err := e.surveys()
	if err != nil {
		return nil, nil, nil, err
	}
	c, rest, err := e.resolveLeading(ctx, args)
	return svc, c, rest, err
}

// handled answers handled <contact> [note]: lifts a detractor's pause.
func (e *Executor) handled(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	svc, c, rest, err := e.surveyContact(ctx, args, handledUsage, domain.M("handled needs a contact, as in handled C42 called back, apologised"))
	if err != nil {
		return nil, err
	}
	note := strings.Join(rest, " ")
	if err := svc.Handled(ctx, c, a.ID, note); err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	r := &reply.Reply{Title: p.T("Marked the detractor answer of %s as handled: automated questionnaires may resume", crm.Describe(c)),
		Data:    map[string]any{"contact": c.Ref(), "handled_by": a.ID, "note": note, "at": e.now()},
		Actions: []reply.Action{{Label: p.T("Why"), Command: "why " + c.Ref()}}}
	if note != "" {
		r.Sections = []reply.Section{{Fields: []reply.Field{{Label: p.T("note"), Value: note}}}}
	}
	r.Sections = append(r.Sections, reply.Section{Text: p.T("why %s tells when they may be asked again.", c.Ref())})
	return r, nil
}
