package command

import (
	"cmp"
	"context"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/crmbot/crmbot/bot/reply"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/survey"
	"github.com/crmbot/crmbot/locale"
)

const sendUsage = "survey send <questionnaire> to <contact|segment:NAME|filter…> [dry-run]"

// outcomeLabels name the outcomes of a send plan, in the order shown.
var outcomeLabels = []struct{ key, label string }{
	{string(domain.Allow), locale.Key("allowed now")},
	{string(domain.Defer), locale.Key("deferred (quiet hours or weekend)")},
	{string(domain.Deny), locale.Key("denied")},
	{survey.AlreadyQueued, locale.Key("already queued or open")},
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
	if len(args) == 0 || keyword(args[0]) == "to" {
		return nil, usageError(sendUsage, "survey send needs a questionnaire and an audience, as in survey send satisfaction to C42 (%s)", questionnaireIDs(svc))
	}
	q, err := svc.Questionnaire(args[0])
	if err != nil {
		return nil, withUsage(err, sendUsage)
	}
	rest := args[1:]
	if len(rest) == 0 || keyword(rest[0]) != "to" {
		return nil, usageError(sendUsage, "survey send needs to before the audience, as in survey send %s to C42, to segment:NAME or to stage=customer", q.ID)
	}
	var words []string
	dryRun := false
	for _, w := range rest[1:] {
		switch keyword(w) {
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
	if many && a.MaySend(2) != nil {
		// Only counting tells whether the send may go: a filter
		// matching one contact is one contact.
		if audience, err = onlyOne(ctx, a, audience); err != nil {
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
	pr := locale.From(ctx)
	r := planReply(pr, svc, p, single)
	if single != nil && p.Queued > 0 {
		res, err := e.Surveys.Respondent(ctx, single.ID)
		if err != nil {
			return nil, err
		}
		if res == nil || res.ChatID == 0 {
			r.Sections = append(r.Sections, reply.Section{Text: pr.T("No Telegram chat is linked to %[1]s: it waits until invite %[1]s's link is opened (in the console, as %[1]s answers it).", single.Ref())})
		}
	}
	return r, nil
}

// onlyOne returns audience as one contact's when it has exactly one, and
// otherwise the refusal of a send by a to more than one contact.
func onlyOne(ctx context.Context, a Actor, audience survey.Audience) (survey.Audience, error) {
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
		return nil, withUsage(a.MaySend(len(ids)), sendUsage)
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
func heldSection(pr *locale.Printer, p *survey.Plan) (reply.Section, bool) {
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
	t := &reply.Table{Columns: []string{pr.T("contact"), pr.T("held back by")}}
	for _, h := range first {
		why := h.why
		if why == survey.AlreadyQueued {
			why = pr.T("already queued or open")
		}
		t.Rows = append(t.Rows, []string{domain.ContactRef(h.id), strings.ReplaceAll(why, ",", ", ")})
	}
	sec := reply.Section{Heading: pr.T("Held back (%d)", total), Table: t}
	if total > len(first) {
		sec.Text = pr.T("The first %d are listed; the JSON reply (crmbot exec --json) lists all %d, and why <contact> %s explains one.", len(first), total, p.Questionnaire)
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
		if number, ok := cutFold(w, "persona:"); ok {
			w = "persona=" + number
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
		_, hasPersona := cutFold(w, "persona:")
		if _, _, _, ok := domain.SplitFilter(w); ok || hasSegment || hasPersona {
			many = true
		}
	}
	if !many {
		return e.contactsAudience(ctx, words)
	}
	if a, ok, err := e.sampleAudience(ctx, findWords(words)); ok || err != nil {
		return a, true, err
	}
	fw := findWords(words)
	for _, w := range fw {
		if field, _, _, ok := domain.SplitFilter(w); ok {
			switch keyword(field) {
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
	domain.NoConsent:           locale.Key("no consent recorded"),
	domain.OptedOut:            locale.Key("opted out"),
	domain.Unreachable:         locale.Key("blocked the bot"),
	domain.DetractorPaused:     locale.Key("detractor answer not yet handled"),
	domain.PrefersNever:        locale.Key("asked never to be asked"),
	domain.NotNow:              locale.Key(`tapped "Not now" recently`),
	domain.Fatigued:            locale.Key("fatigue: questionnaires in a row unanswered"),
	domain.RecontactWindow:     locale.Key("recontact window"),
	domain.YearlyCap:           locale.Key("yearly cap reached"),
	domain.QuestionnairePeriod: locale.Key("answered within the questionnaire's period"),
	domain.FrequencyPreference: locale.Key("the customer's frequency preference"),
	domain.Cooldown:            locale.Key("cool-down after a sales interaction"),
	domain.OpenQuestionnaire:   locale.Key("another questionnaire still open"),
	domain.CompanyCapped:       locale.Key("company cap reached"),
	domain.QuietHoursNow:       locale.Key("quiet hours"),
	domain.WeekendNow:          locale.Key("weekend"),
}

func planReply(pr *locale.Printer, svc *survey.Service, p *survey.Plan, single *domain.Contact) *reply.Reply {
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
		r.Title = pr.T("Dry run: %s would be queued for %d of %s; nothing was queued", p.Questionnaire, p.Queued, pr.N(p.Audience, "%d contact", "%d contacts", p.Audience))
	default:
		r.Title = pr.T("Queued %s for %d of %s", p.Questionnaire, p.Queued, pr.N(p.Audience, "%d contact", "%d contacts", p.Audience))
	}
	outcomes := reply.Section{Heading: pr.T("Outcomes")}
	for _, o := range outcomeLabels {
		outcomes.Fields = append(outcomes.Fields, reply.Field{Label: pr.T(o.label), Value: strconv.Itoa(p.Outcomes[o.key])})
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
		t := &reply.Table{Columns: []string{pr.T("reason"), pr.T("contacts"), pr.T("rule")}}
		for _, c := range codes {
			t.Rows = append(t.Rows, []string{string(c), strconv.Itoa(p.Reasons[c]), pr.T(reasonSummaries[c])})
		}
		r.Sections = append(r.Sections, reply.Section{Heading: pr.T("Reasons (a contact may have several)"), Table: t})
	}
	data.Held = HeldContacts(p.Held)
	if single == nil {
		if sec, ok := heldSection(pr, p); ok {
			r.Sections = append(r.Sections, sec)
		}
	}
	if single != nil {
		data.Contact = single.Ref()
		if p.Single != nil {
			dd, waits := decisionData(*p.Single, single)
			data.Decision = dd
			sec := reply.Section{Heading: pr.T(outcomeHeadings[p.Single.Outcome], single.Ref())}
			for _, rs := range p.Single.Reasons {
				sec.Fields = append(sec.Fields, reply.Field{Label: string(rs.Code), Value: pr.Msg(rs.Text())})
			}
			switch {
			case p.Single.Outcome == domain.Allow:
				sec.Text = pr.T("No rule holds %s back: it leaves with the next dispatch.", single.Ref())
			case p.Single.NextEligible.IsZero():
				sec.Text = pr.T("No date: %s.", joinWaits(pr, waits))
			default:
				sec.Text = pr.T("First date: %s.", stamp(pr, p.Single.NextEligible, contactZone(svc, single)))
			}
			r.Sections = append(r.Sections, sec)
		} else if p.Outcomes[survey.AlreadyQueued] > 0 {
			r.Sections = append(r.Sections, reply.Section{Text: pr.T("%s already has %s queued or open: nothing more was queued.", single.Ref(), p.Questionnaire)})
		}
		r.Actions = []reply.Action{{Label: pr.T("Why"), Command: "why " + single.Ref() + " " + p.Questionnaire}}
	}
	if !p.DryRun && p.Queued > 0 {
		r.Sections = append(r.Sections, reply.Section{Text: pr.T("The running crmbot sends them when due, checking the throttle again just before each leaves; why <contact> explains one contact.")})
	}
	return r
}
