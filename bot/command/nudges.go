package command

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/nudge"
	"github.com/crmbot/crmbot/locale"
)

const (
	alertsUsage  = "alerts [all] | alerts snooze <contact> [days] | alerts mute <contact> | alerts unmute <contact>"
	checkinUsage = "checkin [owner]"
)

// alertsShown is how many alerts the alerts command lists.
const alertsShown = 10

func (e *Executor) nudges() (*nudge.Service, error) {
	if e.Nudges == nil {
		return nil, domain.Errorf(domain.Unavailable, "alerts and check-ins are not set up in this crmbot process")
	}
	return e.Nudges, nil
}

func (e *Executor) alerts(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	n, err := e.nudges()
	if err != nil {
		return nil, err
	}
	if len(args) == 0 || (len(args) == 1 && keyword(args[0]) == "all") {
		owner := a.ID
		if len(args) == 1 {
			owner = ""
		}
		return e.alertList(ctx, n, owner)
	}
	switch keyword(args[0]) {
	case "snooze", "mute", "unmute":
		return e.snooze(ctx, n, a, keyword(args[0]), args[1:])
	}
	return nil, usageError(alertsUsage, "%s is not a subcommand of alerts: use all, snooze, mute or unmute", quote(args[0]))
}

// alertList lists the alerts of the last week, of owner's contacts only
// when owner is not empty. It makes the alerts due first, as crmbot run
// does each minute, so that they read as of now without Slack too.
func (e *Executor) alertList(ctx context.Context, n *nudge.Service, owner string) (*reply.Reply, error) {
	p := locale.From(ctx)
	if _, err := n.AlertRound(ctx); err != nil {
		return nil, err
	}
	views, total, err := n.Alerts(ctx, owner, alertsShown)
	if err != nil {
		return nil, err
	}
	r := &reply.Reply{Title: p.N(int(total), "%d hot-lead alert this week", "%d hot-lead alerts this week", int(total)),
		Data: map[string]any{"total": total, "alerts": views}}
	if total == 0 {
		r.Sections = []reply.Section{{Text: hotRule(p, n.Policy())}}
	}
	for _, v := range views {
		r.Sections = append(r.Sections, alertSections(p, v)...)
	}
	if int(total) > len(views) {
		r.Sections = append(r.Sections, reply.Section{Text: p.T("Showing the %d newest.", len(views))})
	}
	return r, nil
}

// hotRule says when a lead is hot.
func hotRule(p *locale.Printer, h domain.HotPolicy) string {
	return p.T("A lead is hot when it reaches grade %s or gains %d points within 7 days; its owner gets one alert a week at most.", h.Grade, h.Jump)
}

// AlertReply is the hot-lead alert an owner receives, as a reply: who,
// why, the rules the recent activity brought, the last interactions, and
// buttons to act.
func AlertReply(p *locale.Printer, v *nudge.AlertView) *reply.Reply {
	return &reply.Reply{OK: true, Command: "alerts", Title: p.T("🔥 Hot lead: %s", crm.Describe(v.Contact)),
		Sections: alertSections(p, v), Data: v}
}

func alertSections(p *locale.Printer, v *nudge.AlertView) []reply.Section {
	c, a := v.Contact, v.Alert
	why := p.T("reached grade %s", v.Policy.Grade)
	if a.Reason == domain.Jumped {
		why = p.T("gained %d points in 7 days", a.Gained)
	}
	head := reply.Section{Text: p.T("%s %s: score %d (%s), %s · %s", crm.Describe(c), why, c.Score, c.Grade, stageName(p, c.Stage), p.DateTime(a.At)),
		Actions: nudgeActions(p, c, true)}
	out := []reply.Section{head}
	if len(v.Rules) > 0 {
		var parts []string
		for _, f := range v.Rules {
			parts = append(parts, fmt.Sprintf("%+d %s", f.Points, ruleName(p, f.Rule)))
		}
		out = append(out, reply.Section{Heading: p.T("What its recent activity brought"), Text: strings.Join(parts, "; ")})
	}
	if len(v.Recent) > 0 {
		s := reply.Section{Heading: p.T("Last interactions")}
		for _, i := range v.Recent {
			s.Fields = append(s.Fields, reply.Field{Label: p.Date(i.At), Value: joinNonEmpty(kindName(p, i.Kind), by(p, i.Author), i.Note)})
		}
		out = append(out, s)
	}
	return out
}

// nudgeActions are the buttons under a contact of an alert or a check-in:
// log a call, move to the next stage, snooze; an alert adds the card.
func nudgeActions(p *locale.Printer, c *domain.Contact, alert bool) []reply.Action {
	out := []reply.Action{{Label: p.T("Log a call"), Command: "log " + c.Ref() + " call"}}
	if next := c.Stage.Next(); next != "" {
		out = append(out, reply.Action{Label: p.T("Move to %s", stageName(p, next)), Command: fmt.Sprintf("move %s %s", c.Ref(), next)})
	}
	out = append(out, reply.Action{Label: p.T("Snooze 7 days"), Command: "alerts snooze " + c.Ref()})
	if alert {
		out = append(out, reply.Action{Label: p.T("Show the card"), Command: "show " + c.Ref()})
	}
	return out
}

// snooze runs alerts snooze, mute and unmute for the actor.
func (e *Executor) snooze(ctx context.Context, n *nudge.Service, a Actor, verb string, args []string) (*reply.Reply, error) {
	switch {
	case verb == "snooze" && (len(args) == 0 || len(args) > 2):
		return nil, usageError(alertsUsage, "alerts snooze takes a contact and, if you like, a number of days")
	case verb != "snooze" && len(args) != 1:
		return nil, usageError(alertsUsage, "alerts %s takes a contact", verb)
	}
	days := 7
	if len(args) == 2 {
		d, err := strconv.Atoi(strings.TrimSuffix(args[1], "d"))
		if err != nil || d < 1 || d > 365 {
			return nil, usageError(alertsUsage, "%s is not a number of days from 1 to 365", quote(args[1]))
		}
		days = d
	}
	c, err := e.CRM.Resolve(ctx, args[0])
	if err != nil {
		return nil, err
	}
	p := locale.From(ctx)
	switch verb {
	case "unmute":
		if err := n.Unsnooze(ctx, c, a.ID); err != nil {
			return nil, err
		}
		return &reply.Reply{Title: p.T("%s is back in your alerts and check-ins", crm.Describe(c))}, nil
	case "mute":
		days = 0
	}
	if err := n.Snooze(ctx, c, a.ID, days); err != nil {
		return nil, err
	}
	if days == 0 {
		return &reply.Reply{Title: p.T("%s is muted: no more alerts or check-ins about it for you (alerts unmute %s lifts it)", crm.Describe(c), c.Ref())}, nil
	}
	return &reply.Reply{Title: p.N(days, "%[2]s is snoozed for %[1]d day", "%[2]s is snoozed for %[1]d days", days, crm.Describe(c))}, nil
}

func (e *Executor) checkin(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	n, err := e.nudges()
	if err != nil {
		return nil, err
	}
	if len(args) > 1 {
		return nil, usageError(checkinUsage, "checkin takes at most an owner")
	}
	owner := a.ID
	if len(args) == 1 {
		owner = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(args[0], "<@"), "@"), ">")
	}
	v, err := n.Checkin(ctx, owner)
	if err != nil {
		return nil, err
	}
	return CheckinReply(locale.From(ctx), v), nil
}

// CheckinReply is an owner's weekly check-in as a reply: each list with
// its first contacts, each contact with its buttons.
func CheckinReply(p *locale.Printer, v *nudge.CheckinView) *reply.Reply {
	r := &reply.Reply{OK: true, Command: "checkin", Title: p.T("Your week, %s", reply.Person(v.Owner)), Data: v}
	if v.Empty() {
		r.Sections = []reply.Section{{Text: p.T("No hot lead, rotting deal or quiet prospect: nothing waits for you.")}}
		return r
	}
	for _, l := range v.Lists {
		r.Sections = append(r.Sections, reply.Section{Heading: nudgeHeading(p, l), Text: more(p, l, v)})
		for _, c := range l.Contacts {
			r.Sections = append(r.Sections, reply.Section{Text: nudgeLine(p, c, v.Rot), Actions: nudgeActions(p, c, false)})
		}
	}
	return r
}

func nudgeHeading(p *locale.Printer, l nudge.List) string {
	n := int(l.Total)
	switch l.Kind {
	case domain.HotLeads:
		return p.N(n, "🔥 %d hot lead", "🔥 %d hot leads", n)
	case domain.RottingDeals:
		return p.N(n, rotMark+" %d rotting deal", rotMark+" %d rotting deals", n)
	}
	return p.N(n, "💤 %d prospect quiet for 30 days", "💤 %d prospects quiet for 30 days", n)
}

// more says how to see the rest of a list longer than what is shown.
func more(p *locale.Printer, l nudge.List, v *nudge.CheckinView) string {
	rest := int(l.Total) - len(l.Contacts)
	if rest <= 0 {
		return ""
	}
	owner := v.Owner
	find := map[domain.NudgeKind]string{domain.HotLeads: "find grade<=" + v.Grade + " owner=" + owner + " sort=-score",
		domain.RottingDeals: "find rotting owner=" + owner, domain.QuietProspects: "find stage=prospect owner=" + owner + " sort=last_contact"}[l.Kind]
	return p.N(rest, "and %[1]d more: %[2]s", "and %[1]d more: %[2]s", rest, "`"+find+"`")
}

func nudgeLine(p *locale.Printer, c *domain.Contact, rot map[int64]crm.Rot) string {
	line := p.T("%s · score %d (%s) · %s", crm.Describe(c), c.Score, c.Grade, stageName(p, c.Stage))
	if r, ok := rot[c.ID]; ok {
		line += " · " + p.N(r.Idle, "idle %d day", "idle %d days", r.Idle)
	} else if !c.LastContactAt.IsZero() {
		line += " · " + p.T("last contact %s", p.Date(c.LastContactAt))
	}
	return line
}

// HomeReply is a member's App Home: the week's figures (alerts, and each
// list's size) over their check-in.
func HomeReply(p *locale.Printer, v *nudge.CheckinView, alerts int64) *reply.Reply {
	r := CheckinReply(p, v)
	figures := []string{p.N(int(alerts), "%d hot-lead alert this week", "%d hot-lead alerts this week", int(alerts))}
	for _, l := range v.Lists {
		figures = append(figures, nudgeHeading(p, l))
	}
	r.Sections = append([]reply.Section{{Text: strings.Join(figures, " · ")}}, r.Sections...)
	return r
}
