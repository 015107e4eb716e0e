package command

import (
	"context"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

const whyUsage = "why <contact> [questionnaire]"

// WhyData is the data of a why reply.
type WhyData struct {
	Contact       string `json:"contact"`
	Questionnaire string `json:"questionnaire,omitempty"`
	DecisionData
	TelegramLinked bool `json:"telegram_linked"`
}

// DecisionData is the throttle's decision for one contact, as data.
type DecisionData struct {
	// Outcome is allow, defer or deny; Allowed is outcome == allow.
	Outcome     domain.Outcome      `json:"outcome"`
	Allowed     bool                `json:"allowed"`
	ReasonCodes []domain.ReasonCode `json:"reason_codes"`
	Reasons     []WhyReason         `json:"reasons"`
	// NextEligible is the first time every rule allows (now when
	// allowed); null when a rule holds that only the customer or the owner
	// can lift (WaitsFor names them).
	NextEligible *time.Time `json:"next_eligible"`
	WaitsFor     []string   `json:"waits_for,omitempty"`
}

// decisionData writes dec as data, with the sentences that say who lifts
// the rules that waiting cannot.
func decisionData(dec domain.Decision, c *domain.Contact) (*DecisionData, []domain.Msg) {
	d := &DecisionData{Outcome: dec.Outcome, Allowed: dec.Outcome == domain.Allow, ReasonCodes: dec.Codes(), Reasons: []WhyReason{}}
	if !dec.NextEligible.IsZero() {
		next := dec.NextEligible
		d.NextEligible = &next
	}
	var waits []domain.Msg
	for _, rs := range dec.Reasons {
		wr := WhyReason{Code: rs.Code, Text: rs.Text().String()}
		if rs.Wait == domain.WaitUntil && !rs.Until.IsZero() {
			u := rs.Until
			wr.Until = &u
		}
		d.Reasons = append(d.Reasons, wr)
		if who, text := waitText(rs, c); text.Format != "" {
			if !slices.ContainsFunc(waits, func(w domain.Msg) bool { return w.String() == text.String() }) {
				waits = append(waits, text)
			}
			if !slices.Contains(d.WaitsFor, who) {
				d.WaitsFor = append(d.WaitsFor, who)
			}
		}
	}
	return d, waits
}

// WhyReason is one rule that holds a contact back.
type WhyReason struct {
	Code  domain.ReasonCode `json:"code"`
	Text  string            `json:"text"`
	Until *time.Time        `json:"until,omitempty"`
}

// waitText says who lifts a rule that waiting cannot, or nothing.
func waitText(r domain.Reason, c *domain.Contact) (who string, text domain.Msg) {
	switch r.Code {
	case domain.NoConsent:
		return "customer", domain.M("only when the customer consents")
	case domain.OptedOut:
		return "customer", domain.M("only when the customer opts back in (/start in Telegram)")
	case domain.Unreachable:
		return "customer", domain.M("only when the customer starts the bot again")
	case domain.PrefersNever:
		return "customer", domain.M("only when the customer changes their frequency preference")
	case domain.DetractorPaused:
		return "owner", domain.M("only when the owner marks the detractor answer handled (handled %s)", c.Ref())
	}
	switch r.Wait {
	case domain.WaitCustomer:
		return "customer", domain.M("only when the customer acts")
	case domain.WaitHandled:
		return "owner", domain.M("only when the owner marks it handled (handled %s)", c.Ref())
	}
	return "", domain.Msg{}
}

// waiters name who a decision waits for (WaitsFor's codes).
var waiters = map[string]string{"customer": locale.Key("the customer"), "owner": locale.Key("the owner")}

// joinWaits writes the sentences of waitText one after the other.
func joinWaits(p *locale.Printer, waits []domain.Msg) string {
	texts := make([]string, len(waits))
	for i, w := range waits {
		texts[i] = p.Msg(w)
	}
	return strings.Join(texts, p.T("; and "))
}

// splitQuestionnaire takes a trailing questionnaire name off args, when
// the last word names one and words remain for the contact.
func splitQuestionnaire(svc *survey.Service, args []string) (ref, qn string) {
	if len(args) > 1 {
		if q, err := svc.Questionnaire(args[len(args)-1]); err == nil {
			return strings.Join(args[:len(args)-1], " "), q.ID
		}
	}
	return strings.Join(args, " "), ""
}

// why answers why <contact> [questionnaire]: the throttle's decision, with
// every rule that holds the contact back and the first date they may be
// asked.
func (e *Executor) why(ctx context.Context, _ Actor, args []string) (*reply.Reply, error) {
	if len(args) == 0 {
		return nil, usageError(whyUsage, "why needs a contact, as in why C42 or why C42 satisfaction")
	}
	svc, err := e.surveys()
	if err != nil {
		return nil, err
	}
	ref, qn := splitQuestionnaire(svc, args)
	c, err := e.CRM.Resolve(ctx, ref)
	if err != nil {
		return nil, mistypedQuestionnaire(svc, args, qn, err)
	}
	w, err := svc.Why(ctx, c, qn)
	if err != nil {
		return nil, err
	}
	return whyReply(locale.From(ctx), svc, w), nil
}

func whyReply(p *locale.Printer, svc *survey.Service, w *survey.Why) *reply.Reply {
	c, dec := w.Contact, w.Decision
	loc := contactZone(svc, c)
	what := p.T("a questionnaire")
	if w.Questionnaire != "" {
		what = w.Questionnaire
	}
	dd, waits := decisionData(dec, c)
	r := &reply.Reply{Data: &WhyData{Contact: c.Ref(), Questionnaire: w.Questionnaire, DecisionData: *dd, TelegramLinked: w.Linked}}
	reasons := reply.Section{Heading: p.T("What holds %s back", c.Ref())}
	for _, rs := range dec.Reasons {
		reasons.Fields = append(reasons.Fields, reply.Field{Label: string(rs.Code), Value: p.Msg(rs.Text())})
	}
	first := p.T("First date they may be asked")
	switch {
	case dec.Outcome == domain.Allow:
		r.Title = p.T("%s may be sent %s now", crm.Describe(c), what)
	case dec.NextEligible.IsZero():
		whos := make([]string, len(dd.WaitsFor))
		for i, who := range dd.WaitsFor {
			whos[i] = p.T(waiters[who])
		}
		r.Title = p.T("%s may not be sent %s: no date, it waits for %s", crm.Describe(c), what, strings.Join(whos, p.T(" and ")))
		r.Sections = append(r.Sections, reasons, reply.Section{Heading: first, Text: p.T("None yet: %s.", joinWaits(p, waits))})
	default:
		next := stamp(p, dec.NextEligible, loc)
		title := locale.Key("%s may not be sent %s now: first date %s")
		if dec.Outcome == domain.Defer {
			title = locale.Key("%s is deferred for %s now: first date %s")
		}
		r.Title = p.T(title, crm.Describe(c), what, next)
		r.Sections = append(r.Sections, reasons, reply.Section{Heading: first,
			Text: p.T("%s (the contact's time zone), when every rule above allows and out of quiet hours.", next)})
	}
	if !w.Linked {
		r.Sections = append(r.Sections, reply.Section{Text: p.T("No Telegram chat is linked to %[1]s: invite %[1]s makes a link to send them; nothing reaches them before they open it.", c.Ref())})
	}
	r.Actions = []reply.Action{{Label: p.T("Show contact"), Command: "show " + c.Ref()}}
	if !w.Linked {
		r.Actions = append(r.Actions, reply.Action{Label: p.T("Invite"), Command: "invite " + c.Ref()})
	}
	if slices.Contains(dd.ReasonCodes, domain.DetractorPaused) {
		r.Actions = append(r.Actions, reply.Action{Label: p.T("Handled"), Command: "handled " + c.Ref()})
	}
	return r
}

// mistypedQuestionnaire adds to a contact not found, when the last word
// was not read as a questionnaire but is near one's name, that name: in
// why C42 satisfction, the contact sought was "C42 satisfction".
func mistypedQuestionnaire(svc *survey.Service, args []string, qn string, err error) error {
	if qn != "" || len(args) < 2 || !domain.IsCode(err, domain.NotFound) {
		return err
	}
	if near := domain.DidYouMean(args[len(args)-1], surveyIDs(svc)); near.Format != "" {
		return domain.Errorf(domain.NotFound, "%v.%s", err, near)
	}
	return err
}

// contactZone is the time zone in which times about c are written: its
// own, else the throttle's, else UTC (as the throttle reads them).
func contactZone(svc *survey.Service, c *domain.Contact) *time.Location {
	if z := domain.Zone(c.TimeZone); z != nil {
		return z
	}
	if svc != nil && svc.Policy.Zone != nil {
		return svc.Policy.Zone
	}
	return time.UTC
}
