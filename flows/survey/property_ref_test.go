package survey_test

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// This file is the property test's reference: a plain reading of the
// throttle's rules (docs/throttle.md, first written from the product's
// specification) and of docs/customer-flows.md, written apart from domain.Decide. It keeps a log
// of what happened to each contact, as the customer and the team lived it,
// and judges each message that leaves by scanning that log.
//
// Where the text leaves a choice open, the reference takes the reading most
// favourable to sending, so that what it reports is a violation under every
// reading:
//   - "n days" after t ends at the earlier of n calendar days in the
//     contact's time zone and n×24 hours (they differ across a DST change);
//     a questionnaire has surely expired only at the later of the two;
//   - a questionnaire counts against the windows, the caps, fatigue and
//     "one open at a time" once it reached the customer (the fake Telegram
//     knows); one whose request may have left but did not arrive is not held
//     against the product;
//   - fatigue counts only questionnaires the customer did not react to at
//     all (no tap, no answer), surely expired, and pauses from the send of
//     the last of them;
//   - a tolerated frequency reads as its shortest span (a month is 28 days,
//     a quarter 89);
//   - "Not now" and "Never" count only when tapped on an invitation still
//     open, and /forget ends what the contact's record held (consent,
//     pauses, preference, time zone, company).

// refPolicy holds the figures of the policy: its documented defaults, or a
// configured variant. The product's domain.Policy is built from it.
type refPolicy struct {
	recontactDays, maxPerYear, cooldownDays int
	reminderAfterDays, openDays, notNowDays int
	fatigueRun, fatigueDays                 int
	quietFrom, quietTo                      int // minutes of the day; from > to spans midnight; from == to: none
	weekends                                bool
	companyMax, companyDays                 int // companyMax 0: no cap
	npsDetractorMax, csatDetractorMax       int // answers at or below are detractors
}

// productDefaults are the throttle's defaults as docs/throttle.md states
// them.
var productDefaults = refPolicy{
	recontactDays: 30, maxPerYear: 4, cooldownDays: 3,
	reminderAfterDays: 3, openDays: 7, notNowDays: 30,
	fatigueRun: 2, fatigueDays: 180,
	quietFrom: 20 * 60, quietTo: 9 * 60, weekends: true,
	npsDetractorMax: 6, csatDetractorMax: 2,
}

// variantPolicy is another configuration: a company cap, other quiet hours
// and no weekend rule, other windows.
var variantPolicy = refPolicy{
	recontactDays: 14, maxPerYear: 3, cooldownDays: 2,
	reminderAfterDays: 2, openDays: 7, notNowDays: 30,
	fatigueRun: 3, fatigueDays: 90,
	quietFrom: 21*60 + 30, quietTo: 8*60 + 15, weekends: false,
	companyMax: 1, companyDays: 7,
	npsDetractorMax: 6, csatDetractorMax: 2,
}

// domainPolicy is the product's configuration of the same figures.
func (p refPolicy) domainPolicy(team *time.Location) domain.Policy {
	return domain.Policy{
		RecontactDays: p.recontactDays, MaxPerYear: p.maxPerYear, CooldownAfterInteractionDays: p.cooldownDays,
		QuietHours: domain.QuietHours{Enabled: p.quietFrom != p.quietTo, Start: domain.Clock(p.quietFrom), End: domain.Clock(p.quietTo)},
		Weekends:   p.weekends, ReminderAfterDays: p.reminderAfterDays,
		Fatigue:    domain.Fatigue{Unanswered: p.fatigueRun, PauseDays: p.fatigueDays},
		Company:    domain.CompanyCap{Max: p.companyMax, PerDays: p.companyDays},
		Detractor:  domain.DetractorThresholds{NPSBelow: p.npsDetractorMax + 1, CSATBelow: p.csatDetractorMax + 1},
		NotNowDays: p.notNowDays, OpenDays: p.openDays,
		Telegram: domain.TelegramLimits{GlobalPerSecond: 25, PerChatPerSecond: 1},
		Zone:     team,
	}
}

// toleratedDays reads a "how often may we ask you?" answer as its shortest
// span in days; -1 is never, 0 no limit.
var toleratedDays = map[string]int{"weekly": 7, "monthly": 28, "quarterly": 89, "yearly": 365, "never": -1}

// refContact is what happened to one contact.
type refContact struct {
	idx     int
	id      int64
	chat    int64
	zone    string // the contact's own zone; "" is the team's
	company string

	linked        bool // the chat is linked to the contact
	consent       bool // the last word on consent was yes
	blocked       bool // the customer has blocked the bot (Telegram answers 403)
	unreachable   bool // the bot was told of a block and not of its end
	paused        bool // a detractor answer awaits its owner
	notNowAt      time.Time
	interactionAt time.Time // the latest sales interaction
	frequency     string
	surveys       []*refSurvey // in the order of their first message
}

// refSurvey is one questionnaire sent to a contact, by survey id.
type refSurvey struct {
	id            int64
	contact       *refContact
	questionnaire string
	invited       bool      // an invitation request left that may have arrived
	invitedAt     time.Time // the first of them
	reminded      bool      // a reminder request left that may have arrived
	delivered     bool      // the customer received the invitation or the reminder
	reacted       bool      // the customer tapped or answered something of it
	closed        bool      // ended by "Not now", "Never", /stop or /forget
	answeredAt    time.Time // every question answered or skipped
	answers       map[string]bool
}

// reference is the whole log of one sequence.
type reference struct {
	pol      refPolicy
	team     *time.Location
	periods  map[string]int      // questionnaire → its own period, days
	question map[string][]string // questionnaire → question ids
	sets     map[string]string   // "questionnaire/question" → the field it sets
	kinds    map[string]domain.QuestionType
	contacts []*refContact
	surveys  map[int64]*refSurvey
}

func newReference(pol refPolicy, team *time.Location, qs []domain.Questionnaire) *reference {
	r := &reference{pol: pol, team: team, periods: map[string]int{}, question: map[string][]string{},
		sets: map[string]string{}, kinds: map[string]domain.QuestionType{}, surveys: map[int64]*refSurvey{}}
	for _, q := range qs {
		r.periods[q.ID] = q.PeriodDays
		for _, qu := range q.Questions {
			r.question[q.ID] = append(r.question[q.ID], qu.ID)
			r.sets[q.ID+"/"+qu.ID] = qu.Sets
			r.kinds[q.ID+"/"+qu.ID] = qu.Type
		}
	}
	return r
}

func (r *reference) zone(c *refContact) *time.Location {
	if c.zone != "" {
		if l, err := time.LoadLocation(c.zone); err == nil {
			return l
		}
	}
	return r.team
}

// early is when "n days after t" ends at the earliest, for contacts in
// the zones given.
func early(t time.Time, n int, locs ...*time.Location) time.Time {
	end := t.Add(time.Duration(n) * 24 * time.Hour)
	for _, l := range locs {
		if c := t.In(l).AddDate(0, 0, n); c.Before(end) {
			end = c
		}
	}
	return end
}

// late is when "n days after t" ends at the latest.
func late(t time.Time, n int, loc *time.Location) time.Time {
	end := t.Add(time.Duration(n) * 24 * time.Hour)
	if c := t.In(loc).AddDate(0, 0, n); c.After(end) {
		end = c
	}
	return end
}

// survey returns the log of survey id, made on its first message.
func (r *reference) survey(id int64, c *refContact, questionnaire string) *refSurvey {
	s, ok := r.surveys[id]
	if !ok {
		s = &refSurvey{id: id, contact: c, questionnaire: questionnaire, answers: map[string]bool{}}
		r.surveys[id] = s
		c.surveys = append(c.surveys, s)
	}
	return s
}

// received lists the contact's questionnaires that reached the customer,
// by the time of their first invitation request.
func (c *refContact) received() []*refSurvey {
	var out []*refSurvey
	for _, s := range c.surveys {
		if s.delivered && s.invited {
			out = append(out, s)
		}
	}
	slices.SortStableFunc(out, func(a, b *refSurvey) int { return a.invitedAt.Compare(b.invitedAt) })
	return out
}

// open tells whether s is still open at t for the rules that hold while a
// questionnaire is open (it surely is).
func (r *reference) open(s *refSurvey, t time.Time) bool {
	return s.delivered && s.invited && !s.closed && s.answeredAt.IsZero() &&
		t.Before(early(s.invitedAt, r.pol.openDays, r.zone(s.contact)))
}

// verdict lists every rule the message about survey s, sent to chat at t,
// breaks: an invitation, or the reminder when reminder is set.
func (r *reference) verdict(s *refSurvey, reminder bool, chat int64, t time.Time) []string {
	c := s.contact
	loc := r.zone(c)
	var v []string
	add := func(code, format string, args ...any) { v = append(v, code+": "+fmt.Sprintf(format, args...)) }
	day := func(x time.Time) string { return x.In(loc).Format("2006-01-02 15:04:05 MST") }
	if !c.linked || chat != c.chat {
		add("chat", "sent to chat %d, which is not the contact's linked chat", chat)
	}
	if !c.consent {
		add("consent", "no consent (never given, refused, or withdrawn by /stop or Never)")
	}
	if c.unreachable {
		add("unreachable", "the customer blocked the bot and the bot was told")
	}
	if c.paused {
		add("detractor", "a detractor answer awaits its owner's handled")
	}
	if !c.notNowAt.IsZero() && t.Before(early(c.notNowAt, r.pol.notNowDays, loc)) {
		add("not_now", "\"Not now\" tapped %s: no ask for %d days", day(c.notNowAt), r.pol.notNowDays)
	}
	if !c.interactionAt.IsZero() && t.Before(early(c.interactionAt, r.pol.cooldownDays, loc)) {
		add("cooldown", "sales interaction %s: %d-day cool-down", day(c.interactionAt), r.pol.cooldownDays)
	}
	r.quiet(t, loc, add)
	if reminder {
		r.reminderRules(s, t, loc, add, day)
	} else {
		r.invitationRules(s, t, loc, add, day)
	}
	return v
}

// quiet applies quiet hours and weekends, in the contact's zone.
func (r *reference) quiet(t time.Time, loc *time.Location, add func(string, string, ...any)) {
	l := t.In(loc)
	m := l.Hour()*60 + l.Minute()
	from, to := r.pol.quietFrom, r.pol.quietTo
	in := from != to && ((from < to && m >= from && m < to) || (from > to && (m >= from || m < to)))
	if in {
		add("quiet_hours", "%s in %s", l.Format("Mon 15:04:05"), loc)
	}
	if r.pol.weekends && (l.Weekday() == time.Saturday || l.Weekday() == time.Sunday) {
		add("weekend", "%s in %s", l.Format("Mon 15:04:05"), loc)
	}
}

func (r *reference) reminderRules(s *refSurvey, t time.Time, loc *time.Location, add func(string, string, ...any), day func(time.Time) string) {
	switch {
	case !s.invited:
		add("reminder_nothing", "reminder of S%d, whose invitation never left", s.id)
		return
	case s.reminded:
		add("reminder_twice", "a second reminder of S%d", s.id)
	case !s.answeredAt.IsZero():
		add("reminder_answered", "reminder of S%d, answered %s", s.id, day(s.answeredAt))
	case s.closed:
		add("reminder_ended", "reminder of S%d, ended by the customer (Not now, Never, /stop or /forget)", s.id)
	}
	if t.Before(early(s.invitedAt, r.pol.reminderAfterDays, loc)) {
		add("reminder_early", "reminder of S%d sent %s: only %d days after", s.id, day(s.invitedAt), r.pol.reminderAfterDays)
	}
	if !t.Before(late(s.invitedAt, r.pol.openDays, loc)) {
		add("reminder_expired", "reminder of S%d sent %s: expired after %d days", s.id, day(s.invitedAt), r.pol.openDays)
	}
}

func (r *reference) invitationRules(s *refSurvey, t time.Time, loc *time.Location, add func(string, string, ...any), day func(time.Time) string) {
	c := s.contact
	if s.invited {
		add("invitation_twice", "invitation of S%d again, after a request of it that may have arrived (%s)", s.id, day(s.invitedAt))
	}
	pref := toleratedDays[c.frequency]
	if pref < 0 {
		add("frequency_never", "the customer answered they never want questionnaires")
	}
	got := c.received()
	if n := len(got); n > 0 {
		last := got[n-1]
		window := r.pol.recontactDays
		if p := r.periods[s.questionnaire]; p > 0 && p < window {
			window = p
		}
		if t.Before(early(last.invitedAt, window, loc)) {
			add("recontact", "S%d (%s) sent %s, %d days", last.id, last.questionnaire, day(last.invitedAt), window)
		}
		if pref > 0 && t.Before(early(last.invitedAt, pref, loc)) {
			add("frequency", "tolerated frequency %s: S%d sent %s", c.frequency, last.id, day(last.invitedAt))
		}
	}
	inYear := 0
	for _, g := range got {
		if t.Before(early(g.invitedAt, 365, loc)) {
			inYear++
		}
		if g.questionnaire == s.questionnaire && !g.answeredAt.IsZero() && r.periods[s.questionnaire] > 0 &&
			t.Before(early(g.answeredAt, r.periods[s.questionnaire], loc)) {
			add("period", "%s answered %s (S%d): its own period is %d days", s.questionnaire, day(g.answeredAt), g.id, r.periods[s.questionnaire])
		}
		if g != s && r.open(g, t) {
			add("open", "S%d (%s, sent %s) is still open", g.id, g.questionnaire, day(g.invitedAt))
		}
	}
	if r.pol.maxPerYear > 0 && inYear >= r.pol.maxPerYear {
		add("yearly_cap", "%d questionnaires within 365 days already", inYear)
	}
	r.fatigue(got, t, loc, add, day)
	r.companyCap(c, t, loc, add)
}

// fatigue: the last questionnaires received, surely expired with no
// reaction at all, pause the contact from the send of the last of them.
func (r *reference) fatigue(got []*refSurvey, t time.Time, loc *time.Location, add func(string, string, ...any), day func(time.Time) string) {
	if r.pol.fatigueRun <= 0 {
		return
	}
	run, last := 0, time.Time{}
	for i := len(got) - 1; i >= 0; i-- {
		g := got[i]
		if g.reacted || g.closed || !g.answeredAt.IsZero() || t.Before(late(g.invitedAt, r.pol.openDays, loc)) {
			break
		}
		if run == 0 {
			last = g.invitedAt
		}
		run++
	}
	if run >= r.pol.fatigueRun && t.Before(early(last, r.pol.fatigueDays, loc)) {
		add("fatigue", "%d questionnaires in a row unanswered, the last sent %s: %d days", run, day(last), r.pol.fatigueDays)
	}
}

// companyCap counts what the contact's company received within its window.
func (r *reference) companyCap(c *refContact, t time.Time, loc *time.Location, add func(string, string, ...any)) {
	if r.pol.companyMax <= 0 || c.company == "" {
		return
	}
	n := 0
	for _, o := range r.contacts {
		if !strings.EqualFold(o.company, c.company) {
			continue
		}
		for _, g := range o.received() {
			if t.Before(early(g.invitedAt, r.pol.companyDays, loc, r.zone(o))) {
				n++
			}
		}
	}
	if n >= r.pol.companyMax {
		add("company_cap", "%d questionnaires to %q within %d days already", n, c.company, r.pol.companyDays)
	}
}

// sent logs a request about s that left at t: may it have arrived, did it.
func (r *reference) sent(s *refSurvey, reminder bool, t time.Time, mayHave, arrived bool) {
	if mayHave {
		if reminder {
			s.reminded = true
		} else if !s.invited {
			s.invited, s.invitedAt = true, t
		}
	}
	if arrived {
		s.delivered = true
	}
}

// endOpen closes the contact's questionnaires still open: the customer
// stopped everything.
func (r *reference) endOpen(c *refContact) {
	for _, s := range c.surveys {
		if s.answeredAt.IsZero() {
			s.closed = true
		}
	}
}

// optOut is /stop, or "Never" on an open invitation.
func (r *reference) optOut(c *refContact) {
	c.consent = false
	r.endOpen(c)
}

// forget is a confirmed /forget: the record of the customer is gone.
func (r *reference) forget(c *refContact) {
	r.endOpen(c)
	c.linked, c.consent, c.unreachable, c.paused = false, false, false, false
	c.notNowAt, c.frequency, c.zone, c.company = time.Time{}, "", "", ""
}

// tapInvitation logs a tap on an invitation's Start, Not now or Never.
func (r *reference) tapInvitation(s *refSurvey, action string, t time.Time) {
	s.reacted = true
	if !r.open(s, t) || action == "start" {
		return
	}
	s.closed = true
	if action == "later" {
		s.contact.notNowAt = t
	} else if action == "never" {
		r.optOut(s.contact)
	}
}

// answer logs an answer stored for s at t.
func (r *reference) answer(s *refSurvey, a domain.StoredAnswer) {
	c := s.contact
	s.reacted = true
	s.answers[a.Question] = true
	key := s.questionnaire + "/" + a.Question
	switch {
	case a.Skipped:
	case r.kinds[key] == domain.NPSQuestion && a.Number <= r.pol.npsDetractorMax,
		r.kinds[key] == domain.RatingQuestion && a.Number <= r.pol.csatDetractorMax:
		c.paused = true
	}
	if r.sets[key] == "frequency" && !a.Skipped && len(a.Options) == 1 {
		c.frequency = a.Options[0]
	}
	if s.answeredAt.IsZero() && len(s.answers) == len(r.question[s.questionnaire]) {
		s.answeredAt = a.At
	}
}

// edges lists instants where a rule of contact c begins or ends: the
// times worth landing on exactly.
func (r *reference) edges(c *refContact) []time.Time {
	loc := r.zone(c)
	var out []time.Time
	span := func(t time.Time, n int) {
		if !t.IsZero() && n > 0 {
			out = append(out, early(t, n, loc), late(t, n, loc))
		}
	}
	span(c.notNowAt, r.pol.notNowDays)
	span(c.interactionAt, r.pol.cooldownDays)
	for _, s := range c.surveys {
		if !s.invited {
			continue
		}
		for _, n := range []int{r.pol.reminderAfterDays, r.pol.openDays, r.pol.recontactDays, 365, r.pol.fatigueDays, r.pol.companyDays, r.periods[s.questionnaire], 28, 89} {
			span(s.invitedAt, n)
		}
		span(s.answeredAt, r.periods[s.questionnaire])
	}
	return out
}
