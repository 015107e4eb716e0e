package domain_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, wherever the tests run

	"github.com/crmbot/crmbot/domain"
)

var (
	parisZone    = mustZone("Europe/Paris")
	montrealZone = mustZone("America/Montreal")
	// throttleNow is a Tuesday, 10:00 in Paris: a quiet contact may be asked.
	throttleNow = inParis(2026, 11, 24, 10, 0)
)

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

func inParis(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, parisZone)
}

func inMontreal(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, montrealZone)
}

func utc(y int, m time.Month, d, h, mi int) time.Time {
	return time.Date(y, m, d, h, mi, 0, 0, time.UTC)
}

// teamPolicy is the default policy in a Paris team.
func teamPolicy() domain.Policy {
	p := domain.DefaultPolicy
	p.Zone = parisZone
	return p
}

// consenting is a contact who consented long ago and was never asked.
func consenting() domain.History {
	return domain.History{Consent: domain.Consent{Given: true, At: inParis(2025, 1, 6, 10, 0)}}
}

// answered is a send of q at t, answered an hour later.
func answered(q string, t time.Time) domain.Send {
	return domain.Send{Questionnaire: q, SentAt: t, AnsweredAt: t.Add(time.Hour)}
}

// ignored is a send of q at t that was never answered.
func ignored(q string, t time.Time) domain.Send { return domain.Send{Questionnaire: q, SentAt: t} }

func sends(s ...domain.Send) func(*domain.History) {
	return func(h *domain.History) { h.Sends = append(h.Sends, s...) }
}

func both(fs ...func(*domain.History)) func(*domain.History) {
	return func(h *domain.History) {
		for _, f := range fs {
			f(h)
		}
	}
}

var (
	survey   = domain.Ask{Questionnaire: "satisfaction"}
	afterBuy = domain.Ask{Questionnaire: "after_sale", PeriodDays: 7}
	remind   = domain.Ask{Questionnaire: "satisfaction", Reminder: true}
	noWeekly = func(p *domain.Policy) { p.Weekends = false }
)

// yearOfSends is four answered questionnaires in 365 days, the oldest on
// Monday 1 December 2025, the last on 1 September 2026.
var yearOfSends = sends(
	answered("satisfaction", inParis(2025, 12, 1, 10, 0)),
	answered("preferences", inParis(2026, 3, 2, 10, 0)),
	answered("satisfaction", inParis(2026, 6, 1, 10, 0)),
	answered("preferences", inParis(2026, 9, 1, 10, 0)),
)

// fatigued is two questionnaires in a row that went unanswered, the last on
// Thursday 5 February 2026.
var fatigued = sends(ignored("satisfaction", inParis(2026, 1, 5, 10, 0)), ignored("preferences", inParis(2026, 2, 5, 10, 0)))

// windowCase is a rule that holds the contact until end: one minute before
// it the send is deferred to end by that rule alone, at end it is allowed.
type windowCase struct {
	name   string
	code   domain.ReasonCode
	policy func(*domain.Policy)
	ask    domain.Ask
	hist   func(*domain.History)
	end    time.Time
}

var windowCases = []windowCase{
	{name: "recontact window", code: domain.RecontactWindow, ask: survey,
		hist: sends(answered("preferences", inParis(2026, 11, 2, 10, 0))), end: inParis(2026, 12, 2, 10, 0)},
	{name: "recontact window across the spring change, in calendar days", code: domain.RecontactWindow, ask: survey,
		hist: sends(answered("preferences", inParis(2026, 3, 10, 10, 0))), end: utc(2026, 4, 9, 8, 0)},
	{name: "recontact window across the autumn change, in calendar days", code: domain.RecontactWindow, ask: survey,
		hist: sends(answered("preferences", inParis(2026, 10, 13, 10, 0))), end: utc(2026, 11, 12, 9, 0)},
	{name: "a questionnaire's own shorter window replaces the recontact window", code: domain.RecontactWindow, ask: afterBuy,
		hist: sends(answered("satisfaction", inParis(2026, 11, 16, 10, 0))), end: inParis(2026, 11, 23, 10, 0)},
	{name: "yearly cap", code: domain.YearlyCap, ask: survey, hist: yearOfSends, end: inParis(2026, 12, 1, 10, 0)},
	{name: "yearly cap holds a questionnaire with its own period", code: domain.YearlyCap, ask: afterBuy,
		hist: yearOfSends, end: inParis(2026, 12, 1, 10, 0)},
	{name: "same questionnaire within its period once answered", code: domain.QuestionnairePeriod, ask: afterBuy,
		hist: sends(domain.Send{Questionnaire: "after_sale", SentAt: inParis(2026, 11, 16, 9, 30), AnsweredAt: inParis(2026, 11, 16, 10, 0)}),
		end:  inParis(2026, 11, 23, 10, 0)},
	{name: "quarterly preference is stricter than the window", code: domain.FrequencyPreference, ask: survey,
		hist: both(sends(answered("preferences", inParis(2026, 11, 2, 10, 0))), func(h *domain.History) { h.Frequency = "Quarterly" }),
		end:  inParis(2027, 2, 1, 10, 0)},
	{name: "monthly preference is stricter than a questionnaire's own period", code: domain.FrequencyPreference, ask: afterBuy,
		hist: both(sends(answered("satisfaction", inParis(2026, 11, 16, 10, 0))), func(h *domain.History) { h.Frequency = "mensuel" }),
		end:  inParis(2026, 12, 16, 10, 0)},
	{name: "cool-down after a sales interaction", code: domain.Cooldown, ask: survey,
		hist: func(h *domain.History) { h.LastInteraction = inParis(2026, 11, 20, 10, 0) }, end: inParis(2026, 11, 23, 10, 0)},
	{name: "cool-down holds a reminder too", code: domain.Cooldown, ask: remind,
		hist: both(sends(ignored("satisfaction", inParis(2026, 11, 18, 10, 0))), func(h *domain.History) { h.LastInteraction = inParis(2026, 11, 20, 10, 0) }),
		end:  inParis(2026, 11, 23, 10, 0)},
	{name: "not now", code: domain.NotNow, ask: survey,
		hist: func(h *domain.History) { h.NotNowAt = inParis(2026, 11, 2, 10, 0) }, end: inParis(2026, 12, 2, 10, 0)},
	{name: "fatigue", code: domain.Fatigued, ask: survey, hist: fatigued, end: inParis(2026, 8, 4, 10, 0)},
	{name: "fatigue holds a questionnaire with its own period", code: domain.Fatigued, ask: afterBuy, hist: fatigued, end: inParis(2026, 8, 4, 10, 0)},
	{name: "another questionnaire is open", code: domain.OpenQuestionnaire, ask: survey,
		hist: func(h *domain.History) {
			h.Open = domain.OpenAsk{Questionnaire: "preferences", Expires: inParis(2026, 11, 25, 10, 0)}
		}, end: inParis(2026, 11, 25, 10, 0)},
	{name: "company cap", code: domain.CompanyCapped, ask: survey,
		policy: func(p *domain.Policy) { p.Company = domain.CompanyCap{Max: 1, PerDays: 7} },
		hist:   func(h *domain.History) { h.CompanySends = []time.Time{inParis(2026, 11, 16, 10, 0)} }, end: inParis(2026, 11, 23, 10, 0)},
	{name: "reminder too early", code: domain.ReminderTooEarly, ask: remind,
		hist: both(sends(ignored("satisfaction", inParis(2026, 11, 20, 10, 0))), func(h *domain.History) {
			h.Open = domain.OpenAsk{Questionnaire: "satisfaction", Expires: inParis(2026, 11, 27, 10, 0)}
		}), end: inParis(2026, 11, 23, 10, 0)},
	{name: "quiet hours end at 09:00", code: domain.QuietHoursNow, ask: survey, end: inParis(2026, 11, 24, 9, 0)},
	{name: "quiet hours end on a Monday", code: domain.QuietHoursNow, ask: survey, end: inParis(2026, 11, 30, 9, 0)},
	{name: "quiet hours end in Montreal", code: domain.QuietHoursNow, ask: survey,
		hist: func(h *domain.History) { h.Zone = montrealZone }, end: inMontreal(2026, 11, 24, 9, 0)},
	{name: "quiet hours end on the last Sunday of March (CEST)", code: domain.QuietHoursNow, ask: survey, policy: noWeekly,
		end: utc(2026, 3, 29, 7, 0)},
	{name: "quiet hours end on the last Sunday of October (CET)", code: domain.QuietHoursNow, ask: survey, policy: noWeekly,
		end: utc(2026, 10, 25, 8, 0)},
}

func TestThrottleWindowBoundaries(t *testing.T) {
	for _, c := range windowCases {
		p := teamPolicy()
		if c.policy != nil {
			c.policy(&p)
		}
		h := consenting()
		if c.hist != nil {
			c.hist(&h)
		}
		t.Run(c.name+"/one minute before", func(t *testing.T) {
			d := domain.Decide(p, h, c.ask, c.end.Add(-time.Minute))
			expect(t, d, outcomeOf(c.code), []domain.ReasonCode{c.code}, c.end)
			if r := d.Reasons[0]; !r.Until.Equal(c.end) {
				t.Errorf("the rule allows from %v, want %v", r.Until, c.end)
			}
		})
		t.Run(c.name+"/at the end", func(t *testing.T) {
			expect(t, domain.Decide(p, h, c.ask, c.end), domain.Allow, nil, c.end)
		})
	}
}

// expect checks a decision; next is checked when not zero, and must be zero
// for a denial.
// outcomeOf is the outcome of a decision held by one timed rule: quiet
// hours and weekends defer, every other window denies (with its date).
func outcomeOf(code domain.ReasonCode) domain.Outcome {
	if code == domain.QuietHoursNow || code == domain.WeekendNow {
		return domain.Defer
	}
	return domain.Deny
}

func expect(t *testing.T, d domain.Decision, want domain.Outcome, codes []domain.ReasonCode, next time.Time) {
	t.Helper()
	if d.Outcome != want || !slices.Equal(d.Codes(), codes) {
		t.Fatalf("got %s %v, want %s %v\n%s", d.Outcome, d.Codes(), want, codes, d)
	}
	timed := !slices.ContainsFunc(d.Reasons, func(r domain.Reason) bool { return r.Wait != domain.WaitUntil })
	if want == domain.Deny && !timed && !d.NextEligible.IsZero() {
		t.Errorf("a denial no wait can lift is eligible from %v", d.NextEligible)
	}
	if want == domain.Deny && timed && d.NextEligible.IsZero() {
		t.Errorf("a denial by windows says no date")
	}
	if !next.IsZero() && !d.NextEligible.Equal(next) {
		t.Errorf("next eligible %v, want %v\n%s", d.NextEligible.In(parisZone), next.In(parisZone), d)
	}
	for _, r := range d.Reasons {
		if txt := r.Text().String(); txt == "" || txt == string(r.Code) || strings.Contains(txt, "%!") {
			t.Errorf("reason %s reads %q", r.Code, txt)
		}
		if (r.Wait == domain.WaitUntil) == r.Until.IsZero() {
			t.Errorf("reason %s waits %d until %v", r.Code, r.Wait, r.Until)
		}
	}
	if !strings.HasPrefix(d.String(), string(want)) {
		t.Errorf("summary %q", d)
	}
}

// throttleCase is one decision: the history is a consenting contact changed
// by hist, the policy the team's changed by policy, now throttleNow unless set.
type throttleCase struct {
	name   string
	policy func(*domain.Policy)
	hist   func(*domain.History)
	ask    domain.Ask
	now    time.Time
	want   domain.Outcome
	codes  []domain.ReasonCode
	next   time.Time
}

type codes = []domain.ReasonCode

var throttleCases = []throttleCase{
	{name: "a consenting contact never asked is allowed now", ask: survey, want: domain.Allow, next: throttleNow},
	{name: "no consent", ask: survey, hist: func(h *domain.History) { h.Consent = domain.Consent{} },
		want: domain.Deny, codes: codes{domain.NoConsent}},
	{name: "consent withdrawn", ask: survey, hist: func(h *domain.History) { h.Consent.WithdrawnAt = inParis(2026, 5, 1, 10, 0) },
		want: domain.Deny, codes: codes{domain.NoConsent}},
	{name: "consent given again after a withdrawal", ask: survey, hist: func(h *domain.History) {
		h.Consent = domain.Consent{Given: true, At: inParis(2026, 6, 1, 10, 0), WithdrawnAt: inParis(2026, 5, 1, 10, 0)}
	}, want: domain.Allow},
	{name: "opted out", ask: survey, hist: func(h *domain.History) { h.OptedOut = true },
		want: domain.Deny, codes: codes{domain.OptedOut}},
	{name: "opted out, even for a questionnaire with its own period", ask: afterBuy, hist: func(h *domain.History) { h.OptedOut = true },
		want: domain.Deny, codes: codes{domain.OptedOut}},
	{name: "unreachable", ask: survey, hist: func(h *domain.History) { h.Unreachable = true },
		want: domain.Deny, codes: codes{domain.Unreachable}},
	{name: "detractor pause until handled", ask: survey, hist: func(h *domain.History) { h.Detractor.Since = inParis(2026, 11, 1, 10, 0) },
		want: domain.Deny, codes: codes{domain.DetractorPaused}},
	{name: "detractor pause handled", ask: survey, hist: func(h *domain.History) {
		h.Detractor = domain.DetractorPause{Since: inParis(2026, 11, 1, 10, 0), Handled: true}
	}, want: domain.Allow},
	{name: "never, in French", ask: survey, hist: func(h *domain.History) { h.Frequency = " Jamais " },
		want: domain.Deny, codes: codes{domain.PrefersNever}},
	{name: "a weekly preference would loosen the 30-day window and is ignored", ask: survey,
		hist: both(sends(answered("preferences", inParis(2026, 11, 18, 10, 0))), func(h *domain.History) { h.Frequency = "weekly" }),
		want: domain.Deny, codes: codes{domain.RecontactWindow}, next: inParis(2026, 12, 18, 10, 0)},
	{name: "a weekly preference does not loosen a yearly cap either", ask: survey,
		hist: both(yearOfSends, func(h *domain.History) { h.Frequency = "weekly" }),
		want: domain.Deny, codes: codes{domain.YearlyCap}, next: inParis(2026, 12, 1, 10, 0)},
	{name: "an unreadable preference is ignored", ask: survey, hist: func(h *domain.History) { h.Frequency = "sometimes" }, want: domain.Allow},
	{name: "an open questionnaire of unknown expiry holds for OpenDays", ask: survey,
		hist: func(h *domain.History) { h.Open = domain.OpenAsk{Questionnaire: "preferences"} },
		want: domain.Deny, codes: codes{domain.OpenQuestionnaire}, next: inParis(2026, 12, 1, 10, 0)},
	{name: "an unanswered questionnaire still open is not yet fatigue", ask: survey,
		hist: both(sends(ignored("preferences", inParis(2026, 10, 1, 10, 0)), ignored("satisfaction", inParis(2026, 11, 20, 10, 0))),
			func(h *domain.History) {
				h.Open = domain.OpenAsk{Questionnaire: "satisfaction", Expires: inParis(2026, 11, 27, 10, 0)}
			}),
		want: domain.Deny, codes: codes{domain.RecontactWindow, domain.OpenQuestionnaire}, next: inParis(2026, 12, 21, 9, 0)},
	{name: "an answer breaks the unanswered streak", ask: survey,
		hist: sends(ignored("satisfaction", inParis(2026, 1, 5, 10, 0)), answered("preferences", inParis(2026, 3, 5, 10, 0)),
			ignored("satisfaction", inParis(2026, 5, 5, 10, 0))),
		want: domain.Allow},
	{name: "reminder of an answered questionnaire", ask: remind, hist: sends(answered("satisfaction", inParis(2026, 11, 16, 10, 0))),
		want: domain.Deny, codes: codes{domain.ReminderAnswered}},
	{name: "second reminder", ask: remind, hist: sends(domain.Send{Questionnaire: "satisfaction", SentAt: inParis(2026, 11, 16, 10, 0), ReminderSent: true}),
		want: domain.Deny, codes: codes{domain.ReminderAlreadySent}},
	{name: "reminder of a questionnaire never sent", ask: remind, hist: sends(ignored("preferences", inParis(2026, 11, 16, 10, 0))),
		want: domain.Deny, codes: codes{domain.ReminderNothingSent}},
	{name: "a reminder one minute before its questionnaire expires", ask: remind, hist: sends(ignored("satisfaction", inParis(2026, 11, 17, 10, 0))),
		now: inParis(2026, 11, 24, 9, 59), want: domain.Allow},
	{name: "a reminder once its questionnaire expired", ask: remind, hist: sends(ignored("satisfaction", inParis(2026, 11, 17, 10, 0))),
		want: domain.Deny, codes: codes{domain.ReminderExpired}},
	{name: "a reminder is not held by the windows that count questionnaires", ask: remind,
		policy: func(p *domain.Policy) { p.Company = domain.CompanyCap{Max: 1, PerDays: 7} },
		hist: both(yearOfSends, sends(ignored("preferences", inParis(2026, 10, 1, 10, 0)), ignored("satisfaction", inParis(2026, 11, 20, 10, 0))),
			func(h *domain.History) {
				h.Frequency = "yearly"
				h.CompanySends = []time.Time{inParis(2026, 11, 20, 10, 0)}
			}),
		want: domain.Allow},
	{name: "a reminder is held by quiet hours", ask: remind, hist: sends(ignored("satisfaction", inParis(2026, 11, 20, 10, 0))),
		now: inParis(2026, 11, 24, 21, 0), want: domain.Defer, codes: codes{domain.QuietHoursNow}, next: inParis(2026, 11, 25, 9, 0)},
	{name: "a reminder is held by an opt-out", ask: remind,
		hist: both(sends(ignored("satisfaction", inParis(2026, 11, 20, 10, 0))), func(h *domain.History) { h.OptedOut = true }),
		want: domain.Deny, codes: codes{domain.OptedOut}},
	{name: "19:59 is not quiet", ask: survey, now: inParis(2026, 11, 24, 19, 59), want: domain.Allow},
	{name: "20:00 is quiet", ask: survey, now: inParis(2026, 11, 24, 20, 0),
		want: domain.Defer, codes: codes{domain.QuietHoursNow}, next: inParis(2026, 11, 25, 9, 0)},
	{name: "Friday 19:59 is not quiet", ask: survey, now: inParis(2026, 11, 27, 19, 59), want: domain.Allow},
	{name: "Friday 20:00 waits for Monday 09:00", ask: survey, now: inParis(2026, 11, 27, 20, 0),
		want: domain.Defer, codes: codes{domain.QuietHoursNow}, next: inParis(2026, 11, 30, 9, 0)},
	{name: "Saturday noon", ask: survey, now: inParis(2026, 11, 28, 12, 0),
		want: domain.Defer, codes: codes{domain.WeekendNow}, next: inParis(2026, 11, 30, 9, 0)},
	{name: "Sunday 23:59, quiet and weekend", ask: survey, now: inParis(2026, 11, 29, 23, 59),
		want: domain.Defer, codes: codes{domain.QuietHoursNow, domain.WeekendNow}, next: inParis(2026, 11, 30, 9, 0)},
	{name: "Monday 00:00 is quiet, no longer weekend", ask: survey, now: inParis(2026, 11, 30, 0, 0),
		want: domain.Defer, codes: codes{domain.QuietHoursNow}, next: inParis(2026, 11, 30, 9, 0)},
	{name: "a cool-down ending Friday 21:00 waits for Monday 09:00", ask: survey,
		hist: func(h *domain.History) { h.LastInteraction = inParis(2026, 11, 24, 21, 0) }, now: inParis(2026, 11, 25, 10, 0),
		want: domain.Deny, codes: codes{domain.Cooldown}, next: inParis(2026, 11, 30, 9, 0)},
	{name: "Saturday night before the spring change waits for Monday 09:00 CEST", ask: survey, now: inParis(2026, 3, 28, 21, 0),
		want: domain.Defer, codes: codes{domain.QuietHoursNow, domain.WeekendNow}, next: utc(2026, 3, 30, 7, 0)},
	{name: "the night of the spring change is quiet until 09:00 CEST", ask: survey, policy: noWeekly, now: utc(2026, 3, 29, 0, 30),
		want: domain.Defer, codes: codes{domain.QuietHoursNow}, next: utc(2026, 3, 29, 7, 0)},
	{name: "19:59 CEST on the day of the spring change", ask: survey, policy: noWeekly, now: utc(2026, 3, 29, 17, 59), want: domain.Allow},
	{name: "20:00 CEST on the day of the spring change", ask: survey, policy: noWeekly, now: utc(2026, 3, 29, 18, 0),
		want: domain.Defer, codes: codes{domain.QuietHoursNow}, next: utc(2026, 3, 30, 7, 0)},
	{name: "19:59 CET on the day of the autumn change", ask: survey, policy: noWeekly, now: utc(2026, 10, 25, 18, 59), want: domain.Allow},
	{name: "20:00 CET on the day of the autumn change", ask: survey, policy: noWeekly, now: utc(2026, 10, 25, 19, 0),
		want: domain.Defer, codes: codes{domain.QuietHoursNow}, next: utc(2026, 10, 26, 8, 0)},
	{name: "15:30 in Montreal while Paris sleeps", ask: survey, hist: func(h *domain.History) { h.Zone = montrealZone },
		now: utc(2026, 11, 24, 20, 30), want: domain.Allow},
	{name: "the same minute, a contact in the team's zone", ask: survey,
		now: utc(2026, 11, 24, 20, 30), want: domain.Defer, codes: codes{domain.QuietHoursNow}, next: inParis(2026, 11, 25, 9, 0)},
	{name: "Friday 20:00 in Montreal, already Saturday in Paris", ask: survey, hist: func(h *domain.History) { h.Zone = montrealZone },
		now: inMontreal(2026, 11, 27, 20, 0), want: domain.Defer, codes: codes{domain.QuietHoursNow}, next: utc(2026, 11, 30, 14, 0)},
	{name: "no zone anywhere is UTC", ask: survey, policy: func(p *domain.Policy) { p.Zone = nil },
		now: utc(2026, 11, 24, 20, 30), want: domain.Defer, codes: codes{domain.QuietHoursNow}, next: utc(2026, 11, 25, 9, 0)},
	{name: "several rules at once: all reported, the latest wins", ask: survey, now: inParis(2026, 11, 24, 21, 0),
		hist: both(sends(answered("satisfaction", inParis(2025, 12, 15, 10, 0)), answered("preferences", inParis(2026, 4, 15, 10, 0)),
			answered("satisfaction", inParis(2026, 8, 14, 10, 0)), answered("preferences", inParis(2026, 11, 10, 10, 0))),
			func(h *domain.History) { h.LastInteraction = inParis(2026, 11, 23, 10, 0) }),
		want: domain.Deny, codes: codes{domain.RecontactWindow, domain.YearlyCap, domain.Cooldown, domain.QuietHoursNow},
		next: inParis(2026, 12, 15, 10, 0)},
	{name: "a denial still lists every rule", ask: survey, now: inParis(2026, 11, 24, 21, 0),
		hist: both(sends(answered("preferences", inParis(2026, 11, 10, 10, 0))), func(h *domain.History) {
			h.OptedOut = true
			h.Detractor.Since = inParis(2026, 11, 10, 12, 0)
		}),
		want: domain.Deny, codes: codes{domain.OptedOut, domain.DetractorPaused, domain.RecontactWindow, domain.QuietHoursNow}},
	{name: "a zero policy holds nothing but consent", ask: survey, policy: func(p *domain.Policy) { *p = domain.Policy{} },
		hist: both(fatigued, yearOfSends, sends(answered("satisfaction", throttleNow.Add(-time.Hour)))), now: inParis(2026, 11, 28, 23, 0),
		want: domain.Allow},
}

func TestThrottleDecide(t *testing.T) {
	for _, c := range throttleCases {
		t.Run(c.name, func(t *testing.T) {
			p, h, now := teamPolicy(), consenting(), c.now
			if c.policy != nil {
				c.policy(&p)
			}
			if c.hist != nil {
				c.hist(&h)
			}
			if now.IsZero() {
				now = throttleNow
			}
			expect(t, domain.Decide(p, h, c.ask, now), c.want, c.codes, c.next)
		})
	}
}

// TestThrottleReasonTimes checks that each rule reports its own earliest
// time, and what lifts the rules that time cannot.
func TestThrottleReasonTimes(t *testing.T) {
	h := consenting()
	h.Detractor.Since = inParis(2026, 11, 1, 10, 0)
	h.Unreachable = true
	h.LastInteraction = inParis(2026, 11, 23, 10, 0)
	h.Sends = []domain.Send{answered("satisfaction", inParis(2026, 11, 10, 10, 0))}
	d := domain.Decide(teamPolicy(), h, survey, throttleNow)
	want := map[domain.ReasonCode]struct {
		wait  domain.Wait
		until time.Time
	}{
		domain.Unreachable:     {domain.WaitCustomer, time.Time{}},
		domain.DetractorPaused: {domain.WaitHandled, time.Time{}},
		domain.RecontactWindow: {domain.WaitUntil, inParis(2026, 12, 10, 10, 0)},
		domain.Cooldown:        {domain.WaitUntil, inParis(2026, 11, 26, 10, 0)},
	}
	if len(d.Reasons) != len(want) {
		t.Fatalf("reasons %v, want %d", d.Codes(), len(want))
	}
	for _, r := range d.Reasons {
		if w := want[r.Code]; r.Wait != w.wait || !r.Until.Equal(w.until) {
			t.Errorf("%s waits %d until %v, want %d until %v", r.Code, r.Wait, r.Until, w.wait, w.until)
		}
	}
}

// TestThrottleSendsInAnyOrder decides the same whatever the order of the
// sends, and leaves the caller's history as it was.
func TestThrottleSendsInAnyOrder(t *testing.T) {
	h := consenting()
	yearOfSends(&h)
	h.CompanySends = []time.Time{inParis(2026, 11, 20, 10, 0), inParis(2026, 11, 16, 10, 0)}
	p := teamPolicy()
	p.Company = domain.CompanyCap{Max: 1, PerDays: 7}
	want := domain.Decide(p, h, survey, throttleNow)
	slices.Reverse(h.Sends)
	first := h.Sends[0]
	got := domain.Decide(p, h, survey, throttleNow)
	if got.String() != want.String() || !got.NextEligible.Equal(want.NextEligible) {
		t.Errorf("reversed sends: %s\nin order: %s", got, want)
	}
	if h.Sends[0] != first {
		t.Error("Decide reordered the caller's sends")
	}
	if !slices.Equal(got.Codes(), []domain.ReasonCode{domain.YearlyCap, domain.CompanyCapped}) {
		t.Errorf("codes %v", got.Codes())
	}
}

// ExampleDecide is `why <contact>` for a contact asked two weeks ago, who
// spoke with a salesperson yesterday, and whom it is now 21:00 for.
func ExampleDecide() {
	paris, _ := time.LoadLocation("Europe/Paris")
	p := domain.DefaultPolicy
	p.Zone = paris
	h := domain.History{
		Consent:         domain.Consent{Given: true, At: time.Date(2026, 1, 6, 10, 0, 0, 0, paris)},
		Frequency:       "quarterly",
		Sends:           []domain.Send{{Questionnaire: "satisfaction", SentAt: time.Date(2026, 11, 10, 10, 0, 0, 0, paris)}},
		LastInteraction: time.Date(2026, 11, 23, 15, 30, 0, 0, paris),
	}
	d := domain.Decide(p, h, domain.Ask{}, time.Date(2026, 11, 24, 21, 0, 0, 0, paris))
	fmt.Println(d.Outcome, "— may be asked from", d.NextEligible.In(paris).Format("Monday 2 January 2006 15:04"))
	for _, r := range d.Reasons {
		fmt.Printf("- %s: %s\n", r.Code, r.Text())
	}
	// Output:
	// deny — may be asked from Tuesday 9 February 2027 10:00
	// - recontact_window: last questionnaire sent on 2026-11-10 10:00 CET: at most one per 30 days, until 2026-12-10 10:00 CET
	// - frequency_preference: the customer asked for one questionnaire every 91 days at most; last sent on 2026-11-10 10:00 CET: until 2027-02-09 10:00 CET
	// - cooldown: sales interaction on 2026-11-23 15:30 CET: 3-day cool-down, until 2026-11-26 15:30 CET
	// - quiet_hours: 2026-11-24 21:00 CET is within quiet hours in the contact's time zone: from 2026-11-25 09:00 CET
}

// generatedHistories makes n varied histories: consent, opt-outs, zones,
// preferences, up to six past sends over two years, interactions.
func generatedHistories(n int, now time.Time) []domain.History {
	r := rand.New(rand.NewPCG(4, 2))
	zones := []*time.Location{nil, parisZone, montrealZone, time.UTC}
	freqs := []string{"", "", "", "weekly", "monthly", "quarterly", "never"}
	ago := func(days int) time.Time { return now.Add(-time.Duration(r.IntN(days*24*60)) * time.Minute) }
	hs := make([]domain.History, n)
	for i := range hs {
		h := &hs[i]
		h.Consent = domain.Consent{Given: r.IntN(20) > 0, At: ago(900)}
		h.OptedOut, h.Unreachable = r.IntN(50) == 0, r.IntN(100) == 0
		h.Zone, h.Frequency = zones[r.IntN(len(zones))], freqs[r.IntN(len(freqs))]
		if r.IntN(3) == 0 {
			h.LastInteraction = ago(30)
		}
		if r.IntN(30) == 0 {
			h.Detractor = domain.DetractorPause{Since: ago(200), Handled: r.IntN(2) == 0}
		}
		h.Sends = make([]domain.Send, r.IntN(7))
		for j := range h.Sends {
			h.Sends[j] = domain.Send{Questionnaire: "satisfaction", SentAt: ago(730)}
			if r.IntN(3) > 0 {
				h.Sends[j].AnsweredAt = h.Sends[j].SentAt.Add(time.Hour)
			}
		}
		slices.SortFunc(h.Sends, func(a, b domain.Send) int { return a.SentAt.Compare(b.SentAt) })
		h.CompanySends = []time.Time{ago(14)}
	}
	return hs
}

// BenchmarkThrottleDecide decides b.N sends over a pool of generated
// histories; run it with -benchtime=1000000x for a plan of a million.
func BenchmarkThrottleDecide(b *testing.B) {
	p := teamPolicy()
	p.Company = domain.CompanyCap{Max: 1, PerDays: 7}
	hs := generatedHistories(1<<16, throttleNow)
	outcomes := map[domain.Outcome]int{}
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		d := domain.Decide(p, hs[i&(len(hs)-1)], survey, throttleNow)
		outcomes[d.Outcome]++
		i++
	}
	b.ReportMetric(float64(outcomes[domain.Allow])/float64(i), "allowed/op")
}

// A "Not now" ends a run of unanswered questionnaires (the customer did
// react) but counts as a solicitation for the yearly cap.
func TestThrottleDeclinedSend(t *testing.T) {
	h := consenting()
	h.Sends = []domain.Send{
		{Questionnaire: "a", SentAt: inParis(2026, 6, 1, 10, 0)},
		{Questionnaire: "b", SentAt: inParis(2026, 8, 1, 10, 0), Declined: true},
		{Questionnaire: "c", SentAt: inParis(2026, 9, 1, 10, 0)},
		{Questionnaire: "d", SentAt: inParis(2026, 10, 1, 10, 0)},
	}
	p := teamPolicy()
	got := domain.Decide(p, h, survey, throttleNow)
	if !slices.Contains(got.Codes(), domain.YearlyCap) || !slices.Contains(got.Codes(), domain.Fatigued) {
		t.Errorf("four sends, the last two unanswered: %v", got.Codes())
	}
	h.Sends[3].Declined = true
	got = domain.Decide(p, h, survey, throttleNow)
	if slices.Contains(got.Codes(), domain.Fatigued) || !slices.Contains(got.Codes(), domain.YearlyCap) {
		t.Errorf("the last one declined: %v", got.Codes())
	}
}

// A questionnaire queued for the contact counts, for a plan, as sent when
// it leaves: a second questionnaire is not said to leave now (issue 11:
// both were "allow", and the second was held back when its turn came).
func TestWithQueuedCountsTheQueuedSends(t *testing.T) {
	h := consenting()
	h.Queued = []string{domain.SatisfactionID}
	ask := domain.Ask{Questionnaire: "preferences"}
	if d := domain.Decide(teamPolicy(), h, ask, throttleNow); d.Outcome != domain.Allow {
		t.Fatalf("as the dispatcher reads it: %v", d)
	}
	d := domain.Decide(teamPolicy(), h.WithQueued(ask.Questionnaire, throttleNow), ask, throttleNow)
	if d.Outcome != domain.Deny || !slices.Contains(d.Codes(), domain.OpenQuestionnaire) || !slices.Contains(d.Codes(), domain.RecontactWindow) {
		t.Fatalf("with the queued send counted: %v", d)
	}
	if len(h.Sends) != 0 || len(h.Queued) != 1 {
		t.Fatalf("WithQueued changed its receiver: %+v", h)
	}
	if same := h.WithQueued(domain.SatisfactionID, throttleNow); len(same.Sends) != 0 || same.Open.Questionnaire != "" {
		t.Fatalf("only the questionnaire asked about queued: %+v", same)
	}
}
