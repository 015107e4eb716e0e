package config

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
)

var weekdays = []string{"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}

// checkSections checks the sections beyond scoring.
func checkSections(f File, name string, at func(...any) (int, int)) Problems {
	var probs Problems
	add := func(msg string, path ...any) {
		l, c := at(path...)
		probs = append(probs, Problem{name, l, c, msg})
	}
	if f.RFM != nil && f.RFM.WindowDays < 0 {
		add("rfm.window_days must be 0 (all history) or a number of days", "rfm", "window_days")
	}
	if a := f.ABC; a != nil && !(a.A > 0 && a.A < a.B && a.B < 100) {
		add(fmt.Sprintf("abc needs 0 < a < b < 100 (cumulative revenue shares in %%), got a=%g b=%g", a.A, a.B), "abc")
	}
	if t := f.Throttle; t != nil {
		for key, v := range map[string]*int{"recontact_days": t.RecontactDays, "max_per_year": t.MaxPerYear,
			"cooldown_after_interaction_days": t.CooldownAfterInteractionDays, "reminder_after_days": t.ReminderAfterDays} {
			if v != nil && *v < 0 {
				add(fmt.Sprintf("throttle.%s cannot be negative", key), "throttle", key)
			}
		}
		if q := t.QuietHours; q != nil {
			// Every value written is checked, whether the quiet hours are
			// on or not: a typo would otherwise surface only when someone
			// turns them on.
			for key, v := range map[string]string{"start": q.Start, "end": q.End} {
				if _, err := domain.ParseClock(v); v != "" && err != nil {
					add(fmt.Sprintf("throttle.quiet_hours.%s must be a time like 20:00 (got %q)", key, v), "throttle", "quiet_hours", key)
				}
			}
		}
		if f := t.Fatigue; f != nil && (below(f.Unanswered, 0) || below(f.PauseDays, 0)) {
			add("throttle.fatigue needs unanswered ≥ 0 and pause_days ≥ 0 (0 turns the rule off)", "throttle", "fatigue")
		}
		if d := t.Detractor; d != nil && (outside(d.NPSBelow, 0, 11) || outside(d.CSATBelow, 0, 6)) {
			add("throttle.detractor needs nps_below between 0 and 11 and csat_below between 0 and 6", "throttle", "detractor")
		}
		if g := t.Telegram; g != nil && (g.GlobalPerSecond < 0 || g.PerChatPerSecond < 0) {
			add("throttle.telegram rates must be positive numbers of messages per second", "throttle", "telegram")
		}
		if c := t.Company; c != nil && (c.Max < 1 || c.PerDays < 1) {
			add("throttle.company needs max ≥ 1 and per_days ≥ 1; leave it out for no per-company cap", "throttle", "company")
		}
	}
	checkQuestionnaires(f.Questionnaires, add)
	if d := f.Digest; d != nil {
		if d.Weekday != "" && !slices.Contains(weekdays, strings.ToLower(d.Weekday)) {
			add(fmt.Sprintf("digest.weekday must be a day such as monday (got %q)", d.Weekday), "digest", "weekday")
		}
		if _, err := time.Parse("15:04", d.Time); d.Time != "" && err != nil {
			add(fmt.Sprintf("digest.time must be a time like 09:00 (got %q)", d.Time), "digest", "time")
		}
	}
	checkCheckin(f.Checkin, add)
	return probs
}

// below reports whether a key that was written is less than lo.
func below(v *int, lo int) bool { return v != nil && *v < lo }

// outside reports whether a key that was written is not within lo..hi.
func outside(v *int, lo, hi int) bool { return v != nil && (*v < lo || *v > hi) }
