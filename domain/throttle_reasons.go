package domain

import "time"

// This file holds the reasons the throttle gives (throttle_decision.go):
// the rules that hold a contact back, and the sentences that `why
// <contact>` and the stored decisions show for them.

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
	Suppressed          ReasonCode = "suppressed"
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
	// Suppressed is why a Suppressed contact is on the list.
	Suppressed SuppressReason
}

// String is the one-line summary that is stored with the decision, in
// English.
func (d Decision) String() string { return d.Summary().String() }

// Summary is the one-line summary of the decision, kept as a message for
// the transport to write in its reader's language.
func (d Decision) Summary() Msg {
	switch d.Outcome {
	case Allow:
		return M("allow: no rule holds the contact back")
	case Defer:
		return M("defer until %s: %s", stamp(d.NextEligible, d.Reasons[0].Zone), joinReasons(d.Reasons))
	}
	if !d.NextEligible.IsZero() {
		return M("deny (may be asked from %s): %s", stamp(d.NextEligible, d.Reasons[0].Zone), joinReasons(d.Reasons))
	}
	return M("deny: %s", joinReasons(d.Reasons))
}

func joinReasons(rs []Reason) Msg {
	texts := make([]Msg, len(rs))
	for i, r := range rs {
		texts[i] = r.Text()
	}
	return Join(texts, "; ")
}

func stamp(t time.Time, loc *time.Location) Moment {
	if loc == nil {
		loc = time.UTC
	}
	return Moment{t.In(loc)}
}

// Text is the reason as a sentence, times in the contact's zone, kept as
// a message for the transport to write in its reader's language (String
// gives the English).
func (r Reason) Text() Msg {
	at, until := stamp(r.Since, r.Zone), stamp(r.Until, r.Zone)
	switch r.Code {
	case NoConsent:
		if r.Refused {
			return M("consent refused on %s: nothing is sent until the customer consents (/start in Telegram)", at)
		}
		if !r.Since.IsZero() {
			return M("consent withdrawn on %s: nothing is sent until the customer consents again", at)
		}
		return M("no consent recorded: nothing is sent until the customer consents")
	case OptedOut:
		return M("opted out: final until the customer opts back in")
	case Suppressed:
		if r.Suppressed == SuppressErased {
			return M("on the suppression list: this email, phone or Telegram account was erased on %s at the person's request; nothing is sent until they consent again", at)
		}
		return M("on the suppression list: this email, phone or Telegram account opted out on %s; nothing is sent until they consent again", at)
	case Unreachable:
		return M("blocked the bot: nothing is sent until the customer starts it again")
	case DetractorPaused:
		return M("detractor answer on %s: automated asks are paused until the owner marks it handled", at)
	case PrefersNever:
		return M("the customer asked never to receive questionnaires")
	case ReminderAnswered:
		return M("%q was answered on %s: no reminder", r.Ask, at)
	case ReminderAlreadySent:
		return M("%q sent on %s was already reminded: at most one reminder", r.Ask, at)
	case ReminderNothingSent:
		return M("%q was never sent to this contact: nothing to remind", r.Ask)
	case ReminderExpired:
		return M("%q sent on %s expired after %d days: no reminder", r.Ask, at, r.Days)
	}
	return r.windowText(at, until)
}

// The caps' reasons, which English writes alike for a cap of one ("already
// 1 questionnaires", as it always did) but French does not: Countf lets
// the French catalog give the singular.
const (
	yearlyCapped  = "already %d questionnaires, the most in 365 days, the oldest on %s: until %s"
	companyCapped = "already %d questionnaires to the same company, the most in %d days, the oldest on %s: until %s"
)

func (r Reason) windowText(at, until Moment) Msg {
	switch r.Code {
	case NotNow:
		return M("tapped \"Not now\" on %s: not asked for %d days, until %s", at, r.Days, until)
	case Fatigued:
		return M("%d questionnaires in a row went unanswered, the last sent on %s: paused %d days, until %s", r.Count, at, r.Days, until)
	case RecontactWindow:
		return M("last questionnaire sent on %s: at most one per %d days, until %s", at, r.Days, until)
	case YearlyCap:
		return Countf(r.Count, yearlyCapped, yearlyCapped, r.Count, at, until)
	case QuestionnairePeriod:
		return M("%q answered on %s: not re-sent within its %d-day period, until %s", r.Ask, at, r.Days, until)
	case FrequencyPreference:
		return M("the customer asked for one questionnaire every %d days at most; last sent on %s: until %s", r.Days, at, until)
	case Cooldown:
		return M("sales interaction on %s: %d-day cool-down, until %s", at, r.Days, until)
	case OpenQuestionnaire:
		return M("%q is still open: until it expires on %s", r.Ask, until)
	case CompanyCapped:
		return Countf(r.Count, companyCapped, companyCapped, r.Count, r.Days, at, until)
	case ReminderTooEarly:
		return M("%q sent on %s: its reminder only %d days after, from %s", r.Ask, at, r.Days, until)
	case QuietHoursNow:
		return M("%s is within quiet hours in the contact's time zone: from %s", at, until)
	case WeekendNow:
		return M("%s is a weekend in the contact's time zone: from %s", at, until)
	}
	return M("%s", string(r.Code))
}
