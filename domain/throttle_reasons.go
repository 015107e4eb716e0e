package domain

import (
	"fmt"
	"strings"
	"time"
)

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
