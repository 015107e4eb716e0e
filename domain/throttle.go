package domain

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// This file is the throttle against over-solicitation of PRODUCT.md: a pure
// function, Decide, that tells for one contact and one send whether the
// questionnaire may leave now, later or never, with every rule that holds
// the contact back. The dispatcher calls it just before a message leaves;
// `why <contact>` calls it to explain.
//
// Windows are counted in calendar days in the contact's time zone: a send at
// 10:00 in Paris with a 30-day window may be followed at 10:00 in Paris 30
// days later, even when a daylight-saving change lies in between.

// Policy is the throttle configuration (the `throttle:` section). A count or
// a number of days of zero turns its rule off, except ReminderAfterDays
// (zero: a reminder may follow at once). Consent, opt-out, unreachable
// contacts and the detractor pause are not settings: they always hold.
type Policy struct {
	// RecontactDays is the global recontact window: at most one
	// questionnaire per contact within it.
	RecontactDays int
	// MaxPerYear caps the questionnaires per contact over any 365 days.
	MaxPerYear int
	// CooldownAfterInteractionDays follows any sales interaction.
	CooldownAfterInteractionDays int
	// QuietHours and Weekends defer sends, in the contact's time zone.
	QuietHours QuietHours
	Weekends   bool
	// ReminderAfterDays is how long after a send its single reminder may
	// follow, if the questionnaire is still unanswered.
	ReminderAfterDays int
	Fatigue           Fatigue
	// Company is the optional per-company cap (zero Max: none).
	Company   CompanyCap
	Detractor DetractorThresholds
	// NotNowDays is how long the invitation's "Not now" button defers.
	NotNowDays int
	// OpenDays is how long a questionnaire stays open before it expires
	// (PRODUCT.md section 3): an unanswered send counts for fatigue only
	// once expired, and is reminded only before. Zero: sends count for
	// fatigue at once, and reminders do not expire.
	OpenDays int
	// Telegram holds the transport's rate limits; Decide does not read
	// them, the sender does.
	Telegram TelegramLimits
	// Zone is the team's time zone, used for contacts without their own;
	// nil is UTC.
	Zone *time.Location
}

// QuietHours is a daily span of local time, Start included, End excluded,
// that may wrap past midnight (20:00–09:00). Start == End means none.
type QuietHours struct {
	Enabled    bool
	Start, End Clock
}

// Clock is a time of day in minutes since midnight.
type Clock int

// Fatigue pauses a contact for PauseDays after Unanswered questionnaires in a
// row went unanswered.
type Fatigue struct {
	Unanswered, PauseDays int
}

// CompanyCap allows at most Max questionnaires per company per PerDays days.
type CompanyCap struct {
	Max, PerDays int
}

// DetractorThresholds: an NPS below NPSBelow or a CSAT below CSATBelow is a
// detractor answer (see Answer.IsDetractor).
type DetractorThresholds struct {
	NPSBelow, CSATBelow int
}

// TelegramLimits are the transport's rate limits, in messages per second.
type TelegramLimits struct {
	GlobalPerSecond, PerChatPerSecond float64
}

// DefaultPolicy is the throttle of PRODUCT.md. Its Zone is nil (UTC): the
// caller sets the team's zone (CRMBOT_TIMEZONE, Europe/Paris by default).
var DefaultPolicy = Policy{
	RecontactDays:                30,
	MaxPerYear:                   4,
	CooldownAfterInteractionDays: 3,
	QuietHours:                   QuietHours{Enabled: true, Start: 20 * 60, End: 9 * 60},
	Weekends:                     true,
	ReminderAfterDays:            3,
	Fatigue:                      Fatigue{Unanswered: 2, PauseDays: 180},
	Detractor:                    DetractorThresholds{NPSBelow: 7, CSATBelow: 3},
	NotNowDays:                   30,
	OpenDays:                     7,
	Telegram:                     TelegramLimits{GlobalPerSecond: 25, PerChatPerSecond: 1},
}

// ParseClock reads a time of day written "HH:MM" (00:00 to 23:59).
func ParseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(strings.TrimSpace(s), ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || len(m) != 2 || hh < 0 || hh > 23 || mm < 0 || mm > 59 {
		return 0, Errorf(Invalid, "%q is not a time of day: write HH:MM, e.g. 20:00", s)
	}
	return Clock(hh*60 + mm), nil
}

// String writes c as HH:MM.
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", int(c)/60, int(c)%60) }

// Validate checks that no setting is negative, that the clocks are times of
// day and that the quiet hours are not empty when enabled.
func (p Policy) Validate() error {
	days := []int{p.RecontactDays, p.MaxPerYear, p.CooldownAfterInteractionDays, p.ReminderAfterDays,
		p.Fatigue.Unanswered, p.Fatigue.PauseDays, p.Company.Max, p.Company.PerDays, p.NotNowDays, p.OpenDays}
	for _, d := range days {
		if d < 0 {
			return Errorf(Invalid, "throttle settings cannot be negative (got %d)", d)
		}
	}
	q := p.QuietHours
	if q.Start < 0 || q.Start >= 24*60 || q.End < 0 || q.End >= 24*60 {
		return Errorf(Invalid, "quiet hours must be times of day between 00:00 and 23:59")
	}
	if q.Enabled && q.Start == q.End {
		return Errorf(Invalid, "quiet hours start and end at %s: give a span, or disable them", q.Start)
	}
	if p.Company.Max > 0 && p.Company.PerDays == 0 {
		return Errorf(Invalid, "the company cap needs per_days")
	}
	return nil
}

// Frequency is a customer's stated frequency preference: the minimum number
// of days between two questionnaires, 0 for no preference, or Never.
type Frequency int

// Never is the preference of a customer who wants no questionnaire at all.
const Never Frequency = -1

// frequencies maps the words of the preferences questionnaire, in English
// and French, to a minimum interval in days.
var frequencies = map[string]Frequency{
	"": 0, "any": 0, "no preference": 0, "indifférent": 0, "indifferent": 0,
	"weekly": 7, "hebdomadaire": 7,
	"monthly": 30, "mensuel": 30, "mensuelle": 30,
	"quarterly": 91, "trimestriel": 91, "trimestrielle": 91,
	"semiannual": 182, "twice a year": 182, "semestriel": 182, "semestrielle": 182,
	"yearly": 365, "annually": 365, "annual": 365, "annuel": 365, "annuelle": 365,
	"never": Never, "jamais": Never,
}

// ParseFrequency reads a frequency preference, ignoring case and spaces
// around it: weekly (7 days), monthly (30), quarterly (91), semiannual or
// "twice a year" (182), yearly (365), never; their French names
// (hebdomadaire, mensuel, trimestriel, semestriel, annuel, jamais); "" or
// "any" for none; or a number of days written "45d".
func ParseFrequency(s string) (Frequency, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	if f, ok := frequencies[s]; ok {
		return f, nil
	}
	if n, err := strconv.Atoi(strings.TrimSuffix(s, "d")); err == nil && n > 0 && strings.HasSuffix(s, "d") {
		return Frequency(n), nil
	}
	return 0, Errorf(Invalid, "%q is not a frequency: weekly, monthly, quarterly, semiannual, yearly, never, or a number of days like 45d", s)
}

// Consent is the customer's recorded consent.
type Consent struct {
	Given       bool
	At          time.Time
	WithdrawnAt time.Time // set by a withdrawal; a consent given again later (At after it) holds
}

// Send is one questionnaire sent to the contact in the past. Reminders are
// not sends of their own: ReminderSent marks that this one was reminded.
type Send struct {
	Questionnaire string
	SentAt        time.Time
	AnsweredAt    time.Time // zero while unanswered
	ReminderSent  bool
	// Declined marks a send the customer put off with "Not now": it
	// counts as a solicitation, but the customer did react, so it ends a
	// run of unanswered ones for fatigue.
	Declined bool
}

// OpenAsk is the questionnaire the contact is in the middle of, if any.
type OpenAsk struct {
	Questionnaire string    // empty: none open
	Expires       time.Time // zero: unknown, taken as OpenDays from now
}

// DetractorPause is set by a detractor answer and lifted by the owner.
type DetractorPause struct {
	Since   time.Time // zero: no detractor answer
	Handled bool
}

// History is everything the policy knows about one contact. Sends and
// CompanySends are best given oldest first (else Decide sorts a copy).
type History struct {
	Consent       Consent
	OptedOut      bool
	OptedOutAt    time.Time
	Unreachable   bool // the customer blocked the bot
	UnreachableAt time.Time
	// Zone is the contact's time zone; nil is the policy's.
	Zone *time.Location
	// Frequency is the stated preference as stored, read by ParseFrequency;
	// a value it cannot read is ignored.
	Frequency       string
	Sends           []Send
	LastInteraction time.Time // the last sales interaction, zero if none
	Open            OpenAsk
	Detractor       DetractorPause
	NotNowAt        time.Time // the last "Not now" tap, zero if none
	// CompanySends are the questionnaires sent to anyone of the contact's
	// company (this contact included) within the company cap's window.
	CompanySends []time.Time
	// Queued are the questionnaires queued for the contact and not sent
	// yet; Decide does not read them (the send decides again when it
	// leaves), a plan skips the contacts that have its questionnaire there.
	Queued []string
}

// WithQueued is h as it will be once the questionnaires queued for the
// contact, but the one asked about (ask), have left at now: a plan, or
// `why`, reads the contact as the dispatcher will find them, so that a
// questionnaire queued behind another is not said to leave "now" only to
// be held back when its turn comes. The dispatcher itself decides on the
// history as it is.
func (h History) WithQueued(ask string, now time.Time) History {
	var ahead []string
	for _, q := range h.Queued {
		if q != ask {
			ahead = append(ahead, q)
		}
	}
	if len(ahead) == 0 {
		return h
	}
	h.Sends = slices.Clone(h.Sends)
	for _, q := range ahead {
		h.Sends = append(h.Sends, Send{Questionnaire: q, SentAt: now})
	}
	if h.Open.Questionnaire == "" {
		h.Open = OpenAsk{Questionnaire: ahead[len(ahead)-1]}
	}
	h.CompanySends = append(slices.Clone(h.CompanySends), now)
	h.Queued = nil
	return h
}

// Ask is the send being decided: a questionnaire, or its reminder. The zero
// Ask is any new questionnaire with no period of its own: what `why
// <contact>` asks when no questionnaire is named.
type Ask struct {
	Questionnaire string
	// PeriodDays is the questionnaire's own period, 0 if none. Shorter than
	// the recontact window, it replaces that window for this questionnaire.
	PeriodDays int
	Reminder   bool
}

// Outcome is what the dispatcher does with a send.
type Outcome string

// The outcomes of Decide.
const (
	Allow Outcome = "allow"
	Defer Outcome = "defer"
	Deny  Outcome = "deny"
)

// Wait says what lifts a rule.
type Wait int

// What lifts a rule: time (Reason.Until), only the customer, or only the
// contact's owner.
const (
	WaitUntil Wait = iota
	WaitCustomer
	WaitHandled
)

// ReasonCode names the rule that holds a contact back.
type ReasonCode string

// The rules of the throttle.
const (
	NoConsent           ReasonCode = "no_consent"
	OptedOut            ReasonCode = "opted_out"
	Unreachable         ReasonCode = "unreachable"
	DetractorPaused     ReasonCode = "detractor_pause"
	PrefersNever        ReasonCode = "frequency_never"
	ReminderAnswered    ReasonCode = "reminder_answered"
	ReminderAlreadySent ReasonCode = "reminder_already_sent"
	ReminderNothingSent ReasonCode = "reminder_nothing_sent"
	ReminderExpired     ReasonCode = "reminder_expired"
	NotNow              ReasonCode = "not_now"
	Fatigued            ReasonCode = "fatigue"
	RecontactWindow     ReasonCode = "recontact_window"
	YearlyCap           ReasonCode = "max_per_year"
	QuestionnairePeriod ReasonCode = "questionnaire_period"
	FrequencyPreference ReasonCode = "frequency_preference"
	Cooldown            ReasonCode = "cooldown"
	OpenQuestionnaire   ReasonCode = "open_questionnaire"
	CompanyCapped       ReasonCode = "company_cap"
	ReminderTooEarly    ReasonCode = "reminder_too_early"
	QuietHoursNow       ReasonCode = "quiet_hours"
	WeekendNow          ReasonCode = "weekend"
)

// Reason is one rule that holds the contact back. Until is the earliest
// time this rule alone allows (zero unless Wait is WaitUntil); Since is the
// event the rule counts from; Days and Count are the rule's figures; Ask is
// the questionnaire concerned (the open one, for OpenQuestionnaire); Zone is
// the contact's, in which Text writes times.
type Reason struct {
	Code  ReasonCode
	Wait  Wait
	Until time.Time
	Since time.Time
	Days  int
	Count int
	Ask   string
	Zone  *time.Location
	// Refused marks a NoConsent whose customer answered no (at Since),
	// as opposed to one who never answered or withdrew.
	Refused bool
}

// Decision is the throttle's answer. NextEligible is the first time every
// rule allows, out of quiet hours and weekends: now when allowed, zero when
// a rule holds that waiting cannot lift. Reasons lists every rule that
// holds the contact back.
type Decision struct {
	Outcome      Outcome
	NextEligible time.Time
	Reasons      []Reason
}

// Decide applies p to one contact's history h for the send q at now. A rule
// that waiting alone cannot lift (consent, opt-out, unreachable, an
// unhandled detractor pause, a "never" preference, an impossible reminder)
// denies with no date; a window (recontact, yearly cap, cool-down…) denies
// with the date it ends in NextEligible, which `why` reports; only quiet
// hours and weekends defer the send to NextEligible. A questionnaire's
// own shorter period replaces only the recontact window: consent, opt-out,
// fatigue, the yearly cap and every other rule still hold. A reminder is
// part of its questionnaire's ask: it is not held by the windows that count
// questionnaires (recontact, yearly cap, own period, preference, fatigue,
// open questionnaire, company cap), but by everything else.
func Decide(p Policy, h History, q Ask, now time.Time) Decision {
	h.Sends = inOrder(h.Sends, func(s Send) time.Time { return s.SentAt })
	h.CompanySends = inOrder(h.CompanySends, func(t time.Time) time.Time { return t })
	c := check{p: p, h: h, q: q, now: now, loc: zone(p, h)}
	if f, err := ParseFrequency(h.Frequency); err == nil {
		c.freq = f
	}
	c.customer()
	if q.Reminder {
		c.reminder()
	} else {
		c.questionnaire()
	}
	c.cooldown()
	c.quiet()
	return c.decision()
}

// inOrder returns s if it is sorted by at, else a sorted copy: the caller's
// history is never changed.
func inOrder[T any](s []T, at func(T) time.Time) []T {
	for i := 1; i < len(s); i++ {
		if at(s[i]).Before(at(s[i-1])) {
			s = slices.Clone(s)
			slices.SortStableFunc(s, func(a, b T) int { return at(a).Compare(at(b)) })
			return s
		}
	}
	return s
}

func zone(p Policy, h History) *time.Location {
	switch {
	case h.Zone != nil:
		return h.Zone
	case p.Zone != nil:
		return p.Zone
	}
	return time.UTC
}

// check gathers the reasons of one decision.
type check struct {
	p       Policy
	h       History
	q       Ask
	now     time.Time
	loc     *time.Location
	freq    Frequency
	reasons []Reason
}

func (c *check) add(r Reason) {
	r.Zone = c.loc
	if r.Ask == "" {
		r.Ask = c.q.Questionnaire
	}
	if c.reasons == nil {
		c.reasons = make([]Reason, 0, 2) // one allocation for most decisions
	}
	c.reasons = append(c.reasons, r)
}

// window adds a time-bounded reason when now is before since + days.
func (c *check) window(code ReasonCode, since time.Time, days int, r Reason) {
	if days <= 0 || since.IsZero() {
		return
	}
	if until, held := c.holds(since, days); held {
		r.Code, r.Until, r.Since, r.Days = code, until, since, days
		c.add(r)
	}
}

// addDays adds calendar days in the contact's zone.
func (c *check) addDays(t time.Time, days int) time.Time {
	return t.In(c.loc).AddDate(0, 0, days)
}

// holds tells whether now is before since + days, and that end. A window
// long past is recognised without calendar arithmetic: a zone's offset
// changes by less than a day.
func (c *check) holds(since time.Time, days int) (time.Time, bool) {
	if c.now.Sub(since) > time.Duration(days+1)*24*time.Hour {
		return time.Time{}, false
	}
	until := c.addDays(since, days)
	return until, c.now.Before(until)
}

// customer applies the rules only the customer or the owner can lift.
func (c *check) customer() {
	h := &c.h
	k := h.Consent
	switch {
	case !k.Given && !k.At.IsZero() && k.At.After(k.WithdrawnAt):
		// The customer answered no to the consent prompt, last.
		c.add(Reason{Code: NoConsent, Wait: WaitCustomer, Since: k.At, Refused: true})
	case !k.Given || (!k.WithdrawnAt.IsZero() && !k.WithdrawnAt.Before(k.At)):
		c.add(Reason{Code: NoConsent, Wait: WaitCustomer, Since: k.WithdrawnAt})
	}
	if h.OptedOut {
		c.add(Reason{Code: OptedOut, Wait: WaitCustomer, Since: h.OptedOutAt})
	}
	if h.Unreachable {
		c.add(Reason{Code: Unreachable, Wait: WaitCustomer, Since: h.UnreachableAt})
	}
	if !h.Detractor.Since.IsZero() && !h.Detractor.Handled {
		c.add(Reason{Code: DetractorPaused, Wait: WaitHandled, Since: h.Detractor.Since})
	}
	if c.freq == Never {
		c.add(Reason{Code: PrefersNever, Wait: WaitCustomer})
	}
	c.window(NotNow, h.NotNowAt, c.p.NotNowDays, Reason{})
}

// reminder applies the rules of the single reminder of q: only of its last
// send, unanswered, not yet reminded nor expired, ReminderAfterDays after it.
func (c *check) reminder() {
	s, ok := c.lastSend(c.isAsked)
	switch {
	case !ok:
		c.add(Reason{Code: ReminderNothingSent, Wait: WaitCustomer})
	case !s.AnsweredAt.IsZero():
		c.add(Reason{Code: ReminderAnswered, Wait: WaitCustomer, Since: s.AnsweredAt})
	case s.ReminderSent:
		c.add(Reason{Code: ReminderAlreadySent, Wait: WaitCustomer, Since: s.SentAt})
	case c.p.OpenDays > 0 && !c.isOpen(s):
		c.add(Reason{Code: ReminderExpired, Wait: WaitCustomer, Since: s.SentAt, Days: c.p.OpenDays})
	default:
		c.window(ReminderTooEarly, s.SentAt, c.p.ReminderAfterDays, Reason{})
	}
	if o := c.h.Open; o.Questionnaire != "" && o.Questionnaire != c.q.Questionnaire {
		c.open()
	}
}

// questionnaire applies the rules that count questionnaires.
func (c *check) questionnaire() {
	c.fatigue()
	last, window := c.recontact()
	c.yearlyCap()
	if s, ok := c.lastSend(c.isAnswered); ok {
		c.window(QuestionnairePeriod, s.AnsweredAt, c.q.PeriodDays, Reason{})
	}
	if int(c.freq) > window {
		c.window(FrequencyPreference, last, int(c.freq), Reason{})
	}
	if c.h.Open.Questionnaire != "" {
		c.open()
	}
	c.companyCap()
}

// recontact applies the recontact window, or the questionnaire's own shorter
// period, from the last send; it returns that send's time and the window.
func (c *check) recontact() (time.Time, int) {
	window := c.p.RecontactDays
	if c.q.PeriodDays > 0 && c.q.PeriodDays < window {
		window = c.q.PeriodDays
	}
	var last time.Time
	if n := len(c.h.Sends); n > 0 {
		last = c.h.Sends[n-1].SentAt
	}
	c.window(RecontactWindow, last, window, Reason{})
	return last, window
}

// yearlyCap holds the contact until the oldest of its last MaxPerYear sends
// is 365 days old.
func (c *check) yearlyCap() {
	n, sends := c.p.MaxPerYear, c.h.Sends
	if n <= 0 || len(sends) < n {
		return
	}
	c.window(YearlyCap, sends[len(sends)-n].SentAt, 365, Reason{Count: n})
}

// companyCap is the yearly cap's rule over the company's sends.
func (c *check) companyCap() {
	n, sends := c.p.Company.Max, c.h.CompanySends
	if n <= 0 || len(sends) < n {
		return
	}
	c.window(CompanyCapped, sends[len(sends)-n], c.p.Company.PerDays, Reason{Count: n})
}

// fatigue counts, from the last send back, the expired sends that went
// unanswered (sends still open are skipped) and pauses from the last one.
func (c *check) fatigue() {
	f := c.p.Fatigue
	if f.Unanswered <= 0 {
		return
	}
	count, last := 0, time.Time{}
	for i := len(c.h.Sends) - 1; i >= 0 && count < f.Unanswered; i-- {
		s := c.h.Sends[i]
		if !s.AnsweredAt.IsZero() || s.Declined {
			break
		}
		if c.isOpen(s) {
			continue
		}
		if count == 0 {
			last = s.SentAt
		}
		count++
	}
	if count == f.Unanswered {
		c.window(Fatigued, last, f.PauseDays, Reason{Count: count})
	}
}

// lastSend returns the last send that matches.
func (c *check) lastSend(match func(Send) bool) (Send, bool) {
	for i := len(c.h.Sends) - 1; i >= 0; i-- {
		if match(c.h.Sends[i]) {
			return c.h.Sends[i], true
		}
	}
	return Send{}, false
}

func (c *check) isAsked(s Send) bool { return s.Questionnaire == c.q.Questionnaire }

func (c *check) isAnswered(s Send) bool { return c.isAsked(s) && !s.AnsweredAt.IsZero() }

// isOpen tells whether s has not expired yet.
func (c *check) isOpen(s Send) bool {
	_, open := c.holds(s.SentAt, c.p.OpenDays)
	return open
}

// open holds the contact while another questionnaire is open.
func (c *check) open() {
	o := c.h.Open
	until := o.Expires
	if until.IsZero() {
		until = c.addDays(c.now, max(c.p.OpenDays, 1))
	}
	if c.now.Before(until) {
		c.add(Reason{Code: OpenQuestionnaire, Until: until, Ask: o.Questionnaire})
	}
}

// cooldown follows the last sales interaction.
func (c *check) cooldown() {
	c.window(Cooldown, c.h.LastInteraction, c.p.CooldownAfterInteractionDays, Reason{})
}

// quiet holds the contact during quiet hours and weekends, until both are
// over.
func (c *check) quiet() {
	weekend, quiet := c.p.quietAt(c.now.In(c.loc))
	if !weekend && !quiet {
		return
	}
	until := c.p.awake(c.now, c.loc)
	if quiet {
		c.add(Reason{Code: QuietHoursNow, Until: until, Since: c.now})
	}
	if weekend {
		c.add(Reason{Code: WeekendNow, Until: until, Since: c.now})
	}
}

// quietAt tells whether the local time l is in a weekend, and whether it is
// within quiet hours.
func (p Policy) quietAt(l time.Time) (weekend, quiet bool) {
	wd := l.Weekday()
	h, m, _ := l.Clock()
	return p.Weekends && (wd == time.Saturday || wd == time.Sunday), p.QuietHours.within(Clock(h*60 + m))
}

// within tells whether the time of day m is within the quiet hours.
func (q QuietHours) within(m Clock) bool {
	switch {
	case !q.Enabled || q.Start == q.End:
		return false
	case q.Start < q.End:
		return m >= q.Start && m < q.End
	}
	return m >= q.Start || m < q.End
}

// awake returns the first time from t that is neither a weekend nor within
// quiet hours in loc. Leaving one may land in the other, hence the loop; a
// week of steps always reaches a weekday's end of quiet hours.
func (p Policy) awake(t time.Time, loc *time.Location) time.Time {
	for range 16 {
		l := t.In(loc)
		weekend, quiet := p.quietAt(l)
		if !weekend && !quiet {
			return t
		}
		y, m, d := l.Date()
		if weekend {
			t = time.Date(y, m, d+(8-int(l.Weekday()))%7, 0, 0, 0, 0, loc)
			continue
		}
		end := p.QuietHours.End
		if h, mi, _ := l.Clock(); Clock(h*60+mi) >= end {
			d++
		}
		t = time.Date(y, m, d, int(end)/60, int(end)%60, 0, 0, loc)
	}
	return t
}

// decision turns the reasons into an outcome. Only quiet hours and weekends
// defer a send (it leaves by itself when they end); any other rule denies
// it. A denial by rules that time lifts still tells, in NextEligible, the
// first time every rule allows; one that waiting cannot lift (consent,
// opt-out, an unhandled detractor…) has none.
func (c *check) decision() Decision {
	d := Decision{Outcome: Allow, NextEligible: c.now, Reasons: c.reasons}
	if len(c.reasons) == 0 {
		return d
	}
	next, quietOnly := c.now, true
	for _, r := range c.reasons {
		if r.Wait != WaitUntil {
			return Decision{Outcome: Deny, Reasons: c.reasons}
		}
		quietOnly = quietOnly && (r.Code == QuietHoursNow || r.Code == WeekendNow)
		if r.Until.After(next) {
			next = r.Until
		}
	}
	d.Outcome, d.NextEligible = Deny, c.p.awake(next, c.loc)
	if quietOnly {
		d.Outcome = Defer
	}
	return d
}

// Codes lists the codes of the decision's reasons, in order.
func (d Decision) Codes() []ReasonCode {
	codes := make([]ReasonCode, len(d.Reasons))
	for i, r := range d.Reasons {
		codes[i] = r.Code
	}
	return codes
}

// String is the one-line summary that is stored with the decision.
func (d Decision) String() string {
	switch d.Outcome {
	case Allow:
		return "allow: no rule holds the contact back"
	case Defer:
		return fmt.Sprintf("defer until %s: %s", stamp(d.NextEligible, d.Reasons[0].Zone), joinReasons(d.Reasons))
	}
	if !d.NextEligible.IsZero() {
		return fmt.Sprintf("deny (may be asked from %s): %s", stamp(d.NextEligible, d.Reasons[0].Zone), joinReasons(d.Reasons))
	}
	return "deny: " + joinReasons(d.Reasons)
}

func joinReasons(rs []Reason) string {
	texts := make([]string, len(rs))
	for i, r := range rs {
		texts[i] = r.Text()
	}
	return strings.Join(texts, "; ")
}

func stamp(t time.Time, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	return t.In(loc).Format("2006-01-02 15:04 MST")
}

// Text is the reason as a sentence, times in the contact's zone.
func (r Reason) Text() string {
	at, until := stamp(r.Since, r.Zone), stamp(r.Until, r.Zone)
	switch r.Code {
	case NoConsent:
		if r.Refused {
			return "consent refused on " + at + ": nothing is sent until the customer consents (/start in Telegram)"
		}
		if !r.Since.IsZero() {
			return "consent withdrawn on " + at + ": nothing is sent until the customer consents again"
		}
		return "no consent recorded: nothing is sent until the customer consents"
	case OptedOut:
		return "opted out: final until the customer opts back in"
	case Unreachable:
		return "blocked the bot: nothing is sent until the customer starts it again"
	case DetractorPaused:
		return "detractor answer on " + at + ": automated asks are paused until the owner marks it handled"
	case PrefersNever:
		return "the customer asked never to receive questionnaires"
	case ReminderAnswered:
		return fmt.Sprintf("%q was answered on %s: no reminder", r.Ask, at)
	case ReminderAlreadySent:
		return fmt.Sprintf("%q sent on %s was already reminded: at most one reminder", r.Ask, at)
	case ReminderNothingSent:
		return fmt.Sprintf("%q was never sent to this contact: nothing to remind", r.Ask)
	case ReminderExpired:
		return fmt.Sprintf("%q sent on %s expired after %d days: no reminder", r.Ask, at, r.Days)
	}
	return r.windowText(at, until)
}

func (r Reason) windowText(at, until string) string {
	switch r.Code {
	case NotNow:
		return fmt.Sprintf("tapped \"Not now\" on %s: not asked for %d days, until %s", at, r.Days, until)
	case Fatigued:
		return fmt.Sprintf("%d questionnaires in a row went unanswered, the last sent on %s: paused %d days, until %s", r.Count, at, r.Days, until)
	case RecontactWindow:
		return fmt.Sprintf("last questionnaire sent on %s: at most one per %d days, until %s", at, r.Days, until)
	case YearlyCap:
		return fmt.Sprintf("already %d questionnaires, the most in 365 days, the oldest on %s: until %s", r.Count, at, until)
	case QuestionnairePeriod:
		return fmt.Sprintf("%q answered on %s: not re-sent within its %d-day period, until %s", r.Ask, at, r.Days, until)
	case FrequencyPreference:
		return fmt.Sprintf("the customer asked for one questionnaire every %d days at most; last sent on %s: until %s", r.Days, at, until)
	case Cooldown:
		return fmt.Sprintf("sales interaction on %s: %d-day cool-down, until %s", at, r.Days, until)
	case OpenQuestionnaire:
		return fmt.Sprintf("%q is still open: until it expires on %s", r.Ask, until)
	case CompanyCapped:
		return fmt.Sprintf("already %d questionnaires to the same company, the most in %d days, the oldest on %s: until %s", r.Count, r.Days, at, until)
	case ReminderTooEarly:
		return fmt.Sprintf("%q sent on %s: its reminder only %d days after, from %s", r.Ask, at, r.Days, until)
	case QuietHoursNow:
		return fmt.Sprintf("%s is within quiet hours in the contact's time zone: from %s", at, until)
	case WeekendNow:
		return fmt.Sprintf("%s is a weekend in the contact's time zone: from %s", at, until)
	}
	return string(r.Code)
}
