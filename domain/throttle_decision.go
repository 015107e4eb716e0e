package domain

import (
	"slices"
	"time"
)

// This file is the throttle's decision: a pure function, Decide, that tells
// for one contact and one send whether the questionnaire may leave now,
// later or never, with every rule that holds the contact back. The
// dispatcher calls it just before a message leaves; `why <contact>` calls it
// to explain. The settings it applies are in throttle_policy.go, the texts
// of its reasons in throttle_reasons.go.

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
	Consent    Consent
	OptedOut   bool
	OptedOutAt time.Time
	// Suppressed is the contact's match on the suppression list, zero if
	// none: a person who opted out or was erased, met again under another
	// contact (re-imported, added again).
	Suppressed    Suppression
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
	if s := h.Suppressed; !s.At.IsZero() && !s.Lifted(k) {
		c.add(Reason{Code: Suppressed, Wait: WaitCustomer, Since: s.At, Suppressed: s.Reason})
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
