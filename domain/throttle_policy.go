package domain

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// The throttle against over-solicitation (docs/throttle.md) is three files: its
// settings (this one: the policy, its quiet hours and the customer's stated
// frequency), its decision (throttle_decision.go) and the texts of the
// reasons it gives (throttle_reasons.go).
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
	// (docs/customer-flows.md): an unanswered send counts for fatigue only
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

// DefaultPolicy is the throttle of docs/throttle.md. Its Zone is nil (UTC): the
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
