package command

import (
	"context"
	"slices"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

// triggersShown is how many occasions survey triggers lists.
const triggersShown = 50

// surveyTriggers lists what the questionnaires' triggers will queue in the
// coming 7 days (and what is due now, queued at the next round), and why.
func (e *Executor) surveyTriggers(ctx context.Context, p *locale.Printer, svc *survey.Service) (*reply.Reply, error) {
	var with []string
	for _, q := range svc.Questionnaires {
		if q.Trigger != nil {
			with = append(with, q.ID+" ("+triggerText(p, *q.Trigger)+")")
		}
	}
	if len(with) == 0 {
		return &reply.Reply{Title: p.T("No questionnaire asks itself: give one a trigger in the configuration file, as in trigger: {after: sale, days: 7}")}, nil
	}
	until := e.now().AddDate(0, 0, 7)
	causes, err := (&survey.Triggerer{Service: svc}).Upcoming(ctx, until, triggersShown+1)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(causes, func(a, b domain.TriggerCause) int { return a.Due.Compare(b.Due) })
	t := &reply.Table{Columns: []string{p.T("due"), p.T("contact"), p.T("questionnaire"), p.T("why")}}
	for _, c := range causes[:min(len(causes), triggersShown)] {
		t.Rows = append(t.Rows, []string{p.DateTime(c.Due.In(e.Loc)), domain.ContactRef(c.ContactID), c.Questionnaire, causeText(p, c, e)})
	}
	r := &reply.Reply{Title: p.N(len(causes), "%d questionnaire due to ask itself in the coming 7 days", "%d questionnaires due to ask themselves in the coming 7 days", len(causes)),
		Sections: []reply.Section{{Text: p.T("Triggers: %s. Each goes through the throttle when due: held back by a window, it leaves when the window opens.", strings.Join(with, "; "))}},
		Data:     causes}
	if len(t.Rows) > 0 {
		r.Sections = append(r.Sections, reply.Section{Table: t})
	}
	return r, nil
}

// triggerText writes a trigger as a member reads it.
func triggerText(p *locale.Printer, t domain.Trigger) string {
	switch {
	case t.EveryDays > 0:
		return p.N(t.EveryDays, "every %d day after the last answer", "every %d days after the last answer", t.EveryDays)
	case t.After == domain.AfterMove:
		return p.N(t.Days, "%[1]d day after a move to %[2]s", "%[1]d days after a move to %[2]s", t.Days, stageName(p, t.To))
	}
	return p.N(t.Days, "%d day after a sale", "%d days after a sale", t.Days)
}

// causeText writes the occasion a trigger follows.
func causeText(p *locale.Printer, c domain.TriggerCause, e *Executor) string {
	at := p.Date(c.At.In(e.Loc))
	switch {
	case strings.HasPrefix(c.Key, domain.AfterSale+":"):
		return p.T("sale of %s on %s", domain.FormatAmount(c.Amount), at)
	case strings.HasPrefix(c.Key, domain.AfterMove+":"):
		return p.T("moved on %s", at)
	}
	return p.T("last answered on %s", at)
}
