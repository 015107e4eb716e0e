package command

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/flows/survey"
)

const (
	whyUsage     = "why <contact> [questionnaire]"
	handledUsage = "handled <contact> [note]"
	inviteUsage  = "invite <contact>"
	surveyUsage  = "survey list | survey send <questionnaire> to <contact|segment:NAME|filter…> [dry-run] | survey results <questionnaire>"
	sendUsage    = "survey send <questionnaire> to <contact|segment:NAME|filter…> [dry-run]"
	resultsUsage = "survey results <questionnaire>"
)

// surveys returns the questionnaire service, or an error when this process
// has none.
func (e *Executor) surveys() (*survey.Service, error) {
	if e.Surveys == nil {
		return nil, domain.Errorf(domain.Unavailable, "Telegram questionnaires are not set up in this crmbot process")
	}
	return e.Surveys, nil
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

func stamp(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

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
		if e.Logger != nil {
			e.Logger.Error("getMe", "err", err)
		}
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
	return &reply.Reply{Title: "Telegram invite for " + crm.Describe(c),
		Sections: []reply.Section{
			{Fields: []reply.Field{{Label: "link", Value: link}, {Label: "expires", Value: domain.FormatDate(expires)}}},
			{Text: fmt.Sprintf("Send this link to the customer: it works once and expires after %d days. Opening it links their Telegram chat to %s and asks for their consent to questionnaires.", survey.InviteDays, c.Ref())},
		},
		Data: map[string]any{"contact": c.Ref(), "link": link, "token": token, "expires": expires, "valid_days": survey.InviteDays},
	}, nil
}

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
func decisionData(dec domain.Decision, c *domain.Contact) (*DecisionData, []string) {
	d := &DecisionData{Outcome: dec.Outcome, Allowed: dec.Outcome == domain.Allow, ReasonCodes: dec.Codes(), Reasons: []WhyReason{}}
	if !dec.NextEligible.IsZero() {
		next := dec.NextEligible
		d.NextEligible = &next
	}
	var waits []string
	for _, rs := range dec.Reasons {
		wr := WhyReason{Code: rs.Code, Text: rs.Text()}
		if rs.Wait == domain.WaitUntil && !rs.Until.IsZero() {
			u := rs.Until
			wr.Until = &u
		}
		d.Reasons = append(d.Reasons, wr)
		if who, text := waitText(rs, c); text != "" {
			if !slices.Contains(waits, text) {
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

// waitText says who lifts a rule that waiting cannot, or "".
func waitText(r domain.Reason, c *domain.Contact) (who, text string) {
	switch r.Code {
	case domain.NoConsent:
		return "customer", "only when the customer consents"
	case domain.OptedOut:
		return "customer", "only when the customer opts back in (/start in Telegram)"
	case domain.Unreachable:
		return "customer", "only when the customer starts the bot again"
	case domain.PrefersNever:
		return "customer", "only when the customer changes their frequency preference"
	case domain.DetractorPaused:
		return "owner", "only when the owner marks the detractor answer handled (handled " + c.Ref() + ")"
	}
	switch r.Wait {
	case domain.WaitCustomer:
		return "customer", "only when the customer acts"
	case domain.WaitHandled:
		return "owner", "only when the owner marks it handled (handled " + c.Ref() + ")"
	}
	return "", ""
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
	return whyReply(svc, w), nil
}

func whyReply(svc *survey.Service, w *survey.Why) *reply.Reply {
	c, dec := w.Contact, w.Decision
	loc := contactZone(svc, c)
	what := "a questionnaire"
	if w.Questionnaire != "" {
		what = w.Questionnaire
	}
	dd, waits := decisionData(dec, c)
	r := &reply.Reply{Data: &WhyData{Contact: c.Ref(), Questionnaire: w.Questionnaire, DecisionData: *dd, TelegramLinked: w.Linked}}
	reasons := reply.Section{Heading: "What holds " + c.Ref() + " back"}
	for _, rs := range dec.Reasons {
		reasons.Fields = append(reasons.Fields, reply.Field{Label: string(rs.Code), Value: rs.Text()})
	}
	switch {
	case dec.Outcome == domain.Allow:
		r.Title = fmt.Sprintf("%s may be sent %s now", crm.Describe(c), what)
	case dec.NextEligible.IsZero():
		r.Title = fmt.Sprintf("%s may not be sent %s: no date, it waits for the %s", crm.Describe(c), what, strings.Join(dd.WaitsFor, " and the "))
		r.Sections = append(r.Sections, reasons, reply.Section{Heading: "First date they may be asked",
			Text: "None yet: " + strings.Join(waits, "; and ") + "."})
	default:
		verb := "may not be sent"
		if dec.Outcome == domain.Defer {
			verb = "is deferred for"
		}
		next := stamp(dec.NextEligible, loc)
		r.Title = fmt.Sprintf("%s %s %s now: first date %s", crm.Describe(c), verb, what, next)
		r.Sections = append(r.Sections, reasons, reply.Section{Heading: "First date they may be asked",
			Text: next + " (the contact's time zone), when every rule above allows and out of quiet hours."})
	}
	if !w.Linked {
		r.Sections = append(r.Sections, reply.Section{Text: "No Telegram chat is linked to " + c.Ref() +
			": invite " + c.Ref() + " makes a link to send them; nothing reaches them before they open it."})
	}
	r.Actions = []reply.Action{{Label: "Show contact", Command: "show " + c.Ref()}}
	if !w.Linked {
		r.Actions = append(r.Actions, reply.Action{Label: "Invite", Command: "invite " + c.Ref()})
	}
	if slices.Contains(dd.ReasonCodes, domain.DetractorPaused) {
		r.Actions = append(r.Actions, reply.Action{Label: "Handled", Command: "handled " + c.Ref()})
	}
	return r
}

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

// surveyCmd answers survey list|send|results.
func (e *Executor) surveyCmd(ctx context.Context, a Actor, args []string) (*reply.Reply, error) {
	sub := ""
	if len(args) > 0 {
		sub = strings.ToLower(args[0])
	}
	switch sub {
	case "list", "send", "results":
	default:
		return nil, usageError(surveyUsage, "survey takes list, send or results (got %s)", quote(strings.Join(args, " ")))
	}
	svc, err := e.surveys()
	if err != nil {
		return nil, err
	}
	switch sub {
	case "list":
		if len(args) > 1 {
			return nil, usageError(surveyUsage, "survey list takes no other word (got %s)", quote(strings.Join(args[1:], " ")))
		}
		return surveyList(ctx, svc)
	case "results":
		if len(args) != 2 {
			return nil, usageError(resultsUsage, "survey results takes one questionnaire, as in survey results satisfaction (%s)", questionnaireIDs(svc))
		}
		return surveyResults(ctx, svc, args[1])
	}
	return e.surveySend(ctx, svc, a, args[1:])
}

// questionnaireIDs names the questionnaires there are.
// mistypedQuestionnaire adds to a contact not found, when the last word
// was not read as a questionnaire but is near one's name, that name: in
// why C42 satisfction, the contact sought was "C42 satisfction".
func mistypedQuestionnaire(svc *survey.Service, args []string, qn string, err error) error {
	if qn != "" || len(args) < 2 || !domain.IsCode(err, domain.NotFound) {
		return err
	}
	if near := domain.DidYouMean(args[len(args)-1], surveyIDs(svc)); near != "" {
		return domain.Errorf(domain.NotFound, "%v.%s", err, near)
	}
	return err
}

func questionnaireIDs(svc *survey.Service) string {
	return "there are " + strings.Join(surveyIDs(svc), ", ")
}

// surveyIDs lists the names of the questionnaires.
func surveyIDs(svc *survey.Service) []string {
	ids := make([]string, len(svc.Questionnaires))
	for i, q := range svc.Questionnaires {
		ids[i] = q.ID
	}
	return ids
}

// SurveySummary is one questionnaire of survey list.
type SurveySummary struct {
	ID           string                      `json:"id"`
	Version      int                         `json:"version"`
	Title        string                      `json:"title"`
	Questions    int                         `json:"questions"`
	PeriodDays   int                         `json:"period_days"`
	Sent         int                         `json:"sent"`
	Answered     int                         `json:"answered"`
	ResponseRate float64                     `json:"response_rate_pct"`
	Counts       map[domain.SurveyStatus]int `json:"counts"`
}

func summarize(m survey.Summary) SurveySummary {
	counts := map[domain.SurveyStatus]int{}
	for k, v := range m.Counts {
		counts[k] = v
	}
	q := m.Questionnaire
	return SurveySummary{ID: q.ID, Version: q.Version, Title: q.Title.In("en"), Questions: len(q.Questions), PeriodDays: q.PeriodDays,
		Sent: m.Sent(), Answered: m.Counts[domain.SurveyAnswered], ResponseRate: m.ResponseRate(), Counts: counts}
}

func surveyList(ctx context.Context, svc *survey.Service) (*reply.Reply, error) {
	list, err := svc.List(ctx)
	if err != nil {
		return nil, err
	}
	t := &reply.Table{Columns: []string{"questionnaire", "version", "questions", "period", "queued", "sent", "answered", "response rate"}}
	data := make([]SurveySummary, len(list))
	for i, m := range list {
		s := summarize(m)
		data[i] = s
		period := "none"
		if s.PeriodDays > 0 {
			period = strconv.Itoa(s.PeriodDays) + " days"
		}
		t.Rows = append(t.Rows, []string{s.ID + " — " + s.Title, "v" + strconv.Itoa(s.Version), strconv.Itoa(s.Questions), period,
			strconv.Itoa(s.Counts[domain.SurveyQueued]), strconv.Itoa(s.Sent), strconv.Itoa(s.Answered), fmt.Sprintf("%.1f %%", s.ResponseRate)})
	}
	return &reply.Reply{Title: domain.Count(len(list), "questionnaire"), Data: data,
		Sections: []reply.Section{{Table: t}, {Text: "survey send <questionnaire> to <contact|segment:NAME|filter…> queues one; survey results <questionnaire> shows its answers."}}}, nil
}

// outcomeLabels name the outcomes of a send plan, in the order shown.
var outcomeLabels = []struct{ key, label string }{
	{string(domain.Allow), "allowed now"},
	{string(domain.Defer), "deferred (quiet hours or weekend)"},
	{string(domain.Deny), "denied"},
	{survey.AlreadyQueued, "already queued or open"},
}

// PlanData is the data of a survey send reply.
type PlanData struct {
	Questionnaire string                    `json:"questionnaire"`
	DryRun        bool                      `json:"dry_run"`
	Audience      int                       `json:"audience"`
	Queued        int                       `json:"queued"`
	Outcomes      map[string]int            `json:"outcomes"`
	Reasons       map[domain.ReasonCode]int `json:"reasons"`
	// Held lists every contact held back, by the reasons that hold them
	// (comma-joined codes, or "already").
	Held HeldContacts `json:"held"`
	// Contact, Decision: when the audience is one contact.
	Contact  string        `json:"contact,omitempty"`
	Decision *DecisionData `json:"decision,omitempty"`
}

// surveySend answers survey send <questionnaire> to <audience> [dry-run].
func (e *Executor) surveySend(ctx context.Context, svc *survey.Service, a Actor, args []string) (*reply.Reply, error) {
	if len(args) == 0 || strings.EqualFold(args[0], "to") {
		return nil, usageError(sendUsage, "survey send needs a questionnaire and an audience, as in survey send satisfaction to C42 (%s)", questionnaireIDs(svc))
	}
	q, err := svc.Questionnaire(args[0])
	if err != nil {
		return nil, domain.Errorf(domain.ErrorCode(err), "%s", err.Error()).WithUsage(sendUsage)
	}
	rest := args[1:]
	if len(rest) == 0 || !strings.EqualFold(rest[0], "to") {
		return nil, usageError(sendUsage, "survey send needs to before the audience, as in survey send %s to C42, to segment:NAME or to stage=customer", q.ID)
	}
	var words []string
	dryRun := false
	for _, w := range rest[1:] {
		switch strings.ToLower(w) {
		case "dry-run", "dryrun", "--dry-run":
			dryRun = true
		default:
			words = append(words, w)
		}
	}
	if len(words) == 0 {
		return nil, usageError(sendUsage, "survey send %s to whom? Give a contact (C42), segment:NAME or filters such as stage=customer", q.ID)
	}
	audience, many, err := e.audience(ctx, words)
	if err != nil {
		return nil, err
	}
	if many && !a.Has(Manager) {
		// The rule is about how many contacts are asked, not how they
		// are named: a filter matching one contact is one contact.
		if audience, err = onlyOne(ctx, audience); err != nil {
			return nil, err
		}
	}
	p, err := svc.SendTo(ctx, q.ID, audience, a.ID, dryRun)
	if err != nil {
		return nil, err
	}
	if p.Audience == 0 {
		return nil, domain.Errorf(domain.Invalid, "no contact matches %s: nobody to send %s to. find %s shows who matches.",
			quote(strings.Join(words, " ")), q.ID, JoinWords(findWords(words))).WithUsage(sendUsage)
	}
	var single *domain.Contact
	if p.Audience == 1 {
		if single, err = e.CRM.Resolve(ctx, domain.ContactRef(p.SingleID)); err != nil {
			return nil, err
		}
	}
	r := planReply(svc, p, single)
	if single != nil && p.Queued > 0 {
		res, err := e.Surveys.Respondent(ctx, single.ID)
		if err != nil {
			return nil, err
		}
		if res == nil || res.ChatID == 0 {
			r.Sections = append(r.Sections, reply.Section{Text: "No Telegram chat is linked to " + single.Ref() + ": it waits until invite " +
				single.Ref() + "'s link is opened (in the console, as " + single.Ref() + " answers it)."})
		}
	}
	return r, nil
}

// onlyOne returns audience as one contact's when it has exactly one, and
// otherwise the refusal of a send to more than one contact without the
// manager role.
func onlyOne(ctx context.Context, audience survey.Audience) (survey.Audience, error) {
	var ids []int64
	errEnough := errors.New("more than one")
	err := audience(ctx, 2, func(part []int64) error {
		ids = append(ids, part...)
		if len(ids) > 1 {
			return errEnough
		}
		return nil
	})
	switch {
	case err != nil && !errors.Is(err, errEnough):
		return nil, err
	case len(ids) > 1:
		return nil, domain.Errorf(domain.Forbidden, "survey send to more than one contact needs the manager role, which you do not have; a filter matching one contact, or one contact, needs only sales").WithUsage(sendUsage)
	}
	return survey.IDs(ids), nil
}

// heldShown is how many held-back contacts a plan's text lists.
const heldShown = 20

// HeldContacts are the contacts of a plan held back, by the reasons that
// hold them. It is written in JSON as references (C42), one at a time:
// a plan over a million contacts never holds a million strings.
type HeldContacts map[string][]int64

// MarshalJSON writes each reason's contacts as references.
func (h HeldContacts) MarshalJSON() ([]byte, error) {
	keys := slices.Sorted(maps.Keys(h))
	b := []byte{'{'}
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendQuote(b, k)
		b = append(b, ':', '[')
		for j, id := range h[k] {
			if j > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendQuote(b, domain.ContactRef(id))
		}
		b = append(b, ']')
	}
	return append(b, '}'), nil
}

// heldSection lists the first held-back contacts with what holds them,
// lowest ids first, and says where to see them all.
func heldSection(p *survey.Plan) (reply.Section, bool) {
	type held struct {
		id  int64
		why string
	}
	var first []held
	total := 0
	for why, ids := range p.Held {
		total += len(ids)
		slices.Sort(ids)
		for _, id := range ids[:min(len(ids), heldShown)] {
			first = append(first, held{id, why})
		}
	}
	slices.SortFunc(first, func(a, b held) int { return cmp.Compare(a.id, b.id) })
	first = first[:min(len(first), heldShown)]
	if total == 0 {
		return reply.Section{}, false
	}
	t := &reply.Table{Columns: []string{"contact", "held back by"}}
	for _, h := range first {
		why := h.why
		if why == survey.AlreadyQueued {
			why = "already queued or open"
		}
		t.Rows = append(t.Rows, []string{domain.ContactRef(h.id), strings.ReplaceAll(why, ",", ", ")})
	}
	sec := reply.Section{Heading: fmt.Sprintf("Held back (%d)", total), Table: t}
	if total > len(first) {
		sec.Text = fmt.Sprintf("The first %d are listed; the JSON reply (crmbot exec --json) lists all %d, and why <contact> %s explains one.", len(first), total, p.Questionnaire)
	}
	return sec, true
}

// findWords turns the audience words into find's: segment:NAME becomes
// segment=NAME.
func findWords(words []string) []string {
	out := make([]string, len(words))
	for i, w := range words {
		if name, ok := cutFold(w, "segment:"); ok {
			w = "segment=" + name
		}
		out[i] = w
	}
	return out
}

// cutFold is strings.CutPrefix ignoring the prefix's case.
func cutFold(s, prefix string) (string, bool) {
	if len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix) {
		return s[len(prefix):], true
	}
	return s, false
}

// audience resolves the words after "to": a contact reference, or, when
// any word is segment:NAME or a filter, every contact matching them all
// (find's filters, without a limit), streamed by id rather than loaded.
// many reports a segment or filter audience.
func (e *Executor) audience(ctx context.Context, words []string) (a survey.Audience, many bool, err error) {
	for _, w := range words {
		_, hasSegment := cutFold(w, "segment:")
		if _, _, _, ok := domain.SplitFilter(w); ok || hasSegment {
			many = true
		}
	}
	if !many {
		return e.contactsAudience(ctx, words)
	}
	fw := findWords(words)
	for _, w := range fw {
		if field, _, _, ok := domain.SplitFilter(w); ok {
			switch strings.ToLower(field) {
			case "sort", "limit", "page":
				return nil, true, usageError(sendUsage, "survey send goes to every matching contact: %s does not apply (got %s)", strings.ToLower(field)+"=", quote(w))
			}
		}
		if name, ok := cutFold(w, "segment="); ok && strings.TrimSpace(name) == "" {
			return nil, true, usageError(sendUsage, "segment: takes a segment's name, as in segment:champions or segment:big-agro")
		}
	}
	q, _, err := e.query(ctx, fw, sendUsage)
	if err != nil {
		return nil, true, err
	}
	return func(ctx context.Context, chunk int, fn func([]int64) error) error {
		return e.CRM.EachID(ctx, q, chunk, fn)
	}, true, nil
}

// contactsAudience resolves one contact reference ("Jeanne Martin",
// C42), or else a list of them (C509 C510 C511), each word one contact.
func (e *Executor) contactsAudience(ctx context.Context, words []string) (survey.Audience, bool, error) {
	c, err := e.CRM.Resolve(ctx, strings.Join(words, " "))
	if err == nil {
		return survey.IDs([]int64{c.ID}), false, nil
	}
	if len(words) == 1 || domain.ErrorCode(err) != domain.NotFound {
		return nil, false, err
	}
	ids := make([]int64, 0, len(words))
	for _, w := range words {
		one, werr := e.CRM.Resolve(ctx, w)
		if werr != nil {
			// Not a list either: the whole reference's error says most.
			return nil, false, err
		}
		if !slices.Contains(ids, one.ID) {
			ids = append(ids, one.ID)
		}
	}
	slices.Sort(ids)
	return survey.IDs(ids), len(ids) > 1, nil
}

// reasonSummaries say briefly what each rule is, for the counts of a plan.
var reasonSummaries = map[domain.ReasonCode]string{
	domain.NoConsent:           "no consent recorded",
	domain.OptedOut:            "opted out",
	domain.Unreachable:         "blocked the bot",
	domain.DetractorPaused:     "detractor answer not yet handled",
	domain.PrefersNever:        "asked never to be asked",
	domain.NotNow:              `tapped "Not now" recently`,
	domain.Fatigued:            "fatigue: questionnaires in a row unanswered",
	domain.RecontactWindow:     "recontact window",
	domain.YearlyCap:           "yearly cap reached",
	domain.QuestionnairePeriod: "answered within the questionnaire's period",
	domain.FrequencyPreference: "the customer's frequency preference",
	domain.Cooldown:            "cool-down after a sales interaction",
	domain.OpenQuestionnaire:   "another questionnaire still open",
	domain.CompanyCapped:       "company cap reached",
	domain.QuietHoursNow:       "quiet hours",
	domain.WeekendNow:          "weekend",
}

func planReply(svc *survey.Service, p *survey.Plan, single *domain.Contact) *reply.Reply {
	data := &PlanData{Questionnaire: p.Questionnaire, DryRun: p.DryRun, Audience: p.Audience, Queued: p.Queued,
		Outcomes: map[string]int{}, Reasons: map[domain.ReasonCode]int{}}
	for _, o := range outcomeLabels {
		data.Outcomes[o.key] = p.Outcomes[o.key]
	}
	for k, v := range p.Reasons {
		data.Reasons[k] = v
	}
	r := &reply.Reply{Data: data}
	switch {
	case p.DryRun:
		r.Title = fmt.Sprintf("Dry run: %s would be queued for %d of %s; nothing was queued", p.Questionnaire, p.Queued, domain.Count(p.Audience, "contact"))
	default:
		r.Title = fmt.Sprintf("Queued %s for %d of %s", p.Questionnaire, p.Queued, domain.Count(p.Audience, "contact"))
	}
	outcomes := reply.Section{Heading: "Outcomes"}
	for _, o := range outcomeLabels {
		outcomes.Fields = append(outcomes.Fields, reply.Field{Label: o.label, Value: strconv.Itoa(p.Outcomes[o.key])})
	}
	r.Sections = append(r.Sections, outcomes)
	if len(p.Reasons) > 0 {
		codes := make([]domain.ReasonCode, 0, len(p.Reasons))
		for c := range p.Reasons {
			codes = append(codes, c)
		}
		slices.SortFunc(codes, func(a, b domain.ReasonCode) int {
			if n := p.Reasons[b] - p.Reasons[a]; n != 0 {
				return n
			}
			return strings.Compare(string(a), string(b))
		})
		t := &reply.Table{Columns: []string{"reason", "contacts", "rule"}}
		for _, c := range codes {
			t.Rows = append(t.Rows, []string{string(c), strconv.Itoa(p.Reasons[c]), reasonSummaries[c]})
		}
		r.Sections = append(r.Sections, reply.Section{Heading: "Reasons (a contact may have several)", Table: t})
	}
	data.Held = HeldContacts(p.Held)
	if single == nil {
		if sec, ok := heldSection(p); ok {
			r.Sections = append(r.Sections, sec)
		}
	}
	if single != nil {
		data.Contact = single.Ref()
		if p.Single != nil {
			dd, waits := decisionData(*p.Single, single)
			data.Decision = dd
			sec := reply.Section{Heading: single.Ref() + ": " + string(p.Single.Outcome)}
			for _, rs := range p.Single.Reasons {
				sec.Fields = append(sec.Fields, reply.Field{Label: string(rs.Code), Value: rs.Text()})
			}
			switch {
			case p.Single.Outcome == domain.Allow:
				sec.Text = "No rule holds " + single.Ref() + " back: it leaves with the next dispatch."
			case p.Single.NextEligible.IsZero():
				sec.Text = "No date: " + strings.Join(waits, "; and ") + "."
			default:
				sec.Text = "First date: " + stamp(p.Single.NextEligible, contactZone(svc, single)) + "."
			}
			r.Sections = append(r.Sections, sec)
		} else if p.Outcomes[survey.AlreadyQueued] > 0 {
			r.Sections = append(r.Sections, reply.Section{Text: single.Ref() + " already has " + p.Questionnaire + " queued or open: nothing more was queued."})
		}
		r.Actions = []reply.Action{{Label: "Why", Command: "why " + single.Ref() + " " + p.Questionnaire}}
	}
	if !p.DryRun && p.Queued > 0 {
		r.Sections = append(r.Sections, reply.Section{Text: "The running crmbot sends them when due, checking the throttle again just before each leaves; why <contact> explains one contact."})
	}
	return r
}

func surveyResults(ctx context.Context, svc *survey.Service, qn string) (*reply.Reply, error) {
	res, err := svc.Results(ctx, qn)
	if err != nil {
		return nil, domain.Errorf(domain.ErrorCode(err), "%s", err.Error()).WithUsage(resultsUsage)
	}
	sum := summarize(res.Summary)
	q := res.Questionnaire
	r := &reply.Reply{Title: fmt.Sprintf("Results of %s v%d — %s: %d answered of %d sent (response rate %.1f %%)",
		q.ID, q.Version, sum.Title, sum.Answered, sum.Sent, sum.ResponseRate)}
	type questionData struct {
		ID      string         `json:"id"`
		Type    string         `json:"type"`
		Text    string         `json:"text"`
		Answers int            `json:"answers"`
		Counts  map[string]int `json:"counts"`
		Average *float64       `json:"average,omitempty"`
		CSAT    *float64       `json:"csat_pct,omitempty"`
		NPS     *float64       `json:"nps,omitempty"`
	}
	type commentData struct {
		Contact string    `json:"contact"`
		At      time.Time `json:"at"`
		Text    string    `json:"text"`
	}
	var questions []questionData
	for _, qr := range res.Questions {
		qu := qr.Question
		d := questionData{ID: qu.ID, Type: string(qu.Type), Text: qu.Text.In("en"), Answers: qr.Answers, Counts: map[string]int{}}
		sec := reply.Section{Heading: fmt.Sprintf("%s (%s, %s): %s", qu.ID, qu.Type, domain.Count(qr.Answers, "answer"), qu.Text.In("en"))}
		var parts []string
		for _, vc := range qr.Counts {
			d.Counts[vc.Value] = vc.N
			parts = append(parts, fmt.Sprintf("%s: %d", valueLabel(qu, vc.Value), vc.N))
		}
		if len(parts) > 0 {
			sec.Fields = append(sec.Fields, reply.Field{Label: "answers", Value: strings.Join(parts, " · ")})
		}
		if qr.Answers > 0 {
			switch qu.Type {
			case domain.RatingQuestion:
				avg, csat := qr.Average, qr.CSAT
				d.Average, d.CSAT = &avg, &csat
				sec.Fields = append(sec.Fields, reply.Field{Label: "average", Value: fmt.Sprintf("%.2f", avg)},
					reply.Field{Label: "CSAT", Value: fmt.Sprintf("%.1f %% (4 or 5)", csat)})
			case domain.NPSQuestion:
				avg, nps := qr.Average, qr.NPS
				d.Average, d.NPS = &avg, &nps
				sec.Fields = append(sec.Fields, reply.Field{Label: "average", Value: fmt.Sprintf("%.2f", avg)},
					reply.Field{Label: "NPS", Value: fmt.Sprintf("%+.0f (promoters 9–10 minus detractors 0–6)", nps)})
			}
		} else {
			sec.Text = "No answer yet."
		}
		questions = append(questions, d)
		r.Sections = append(r.Sections, sec)
	}
	comments := []commentData{}
	sec := reply.Section{Heading: "Recent comments", Text: "No comment yet."}
	for _, c := range res.Comments {
		if c.Text == "" {
			continue
		}
		comments = append(comments, commentData{Contact: domain.ContactRef(c.ContactID), At: c.At, Text: c.Text})
		sec.Fields = append(sec.Fields, reply.Field{Label: domain.FormatDate(c.At) + " " + domain.ContactRef(c.ContactID), Value: c.Text})
	}
	if len(comments) > 0 {
		sec.Text = ""
	}
	r.Sections = append(r.Sections, sec)
	r.Data = map[string]any{"questionnaire": q.ID, "version": q.Version, "sent": sum.Sent, "answered": sum.Answered,
		"response_rate_pct": sum.ResponseRate, "counts": sum.Counts, "questions": questions, "comments": comments}
	return r, nil
}

// valueLabel writes a button value for the team: an option's English text
// with its id, yes/no, the number.
func valueLabel(qu domain.Question, v string) string {
	for _, o := range qu.Options {
		if o.ID == v {
			return o.Text.In("en")
		}
	}
	return v
}
