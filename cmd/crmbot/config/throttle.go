package config

import "github.com/crmbot/crmbot/domain"

// policy applies the throttle section over domain.DefaultPolicy key by
// key: a key left out keeps its default, so that writing one setting never
// loosens the others by accident. The section has been checked.
func policy(t *Throttle) domain.Policy {
	p := domain.DefaultPolicy
	if t == nil {
		return p
	}
	set := func(dst *int, v *int) {
		if v != nil {
			*dst = *v
		}
	}
	set(&p.RecontactDays, t.RecontactDays)
	set(&p.MaxPerYear, t.MaxPerYear)
	set(&p.CooldownAfterInteractionDays, t.CooldownAfterInteractionDays)
	set(&p.ReminderAfterDays, t.ReminderAfterDays)
	if t.Weekends != nil {
		p.Weekends = *t.Weekends
	}
	if q := t.QuietHours; q != nil {
		// Writing start or end never turns the quiet hours off; only
		// enabled: false does.
		if q.Start != "" || q.End != "" {
			p.QuietHours.Enabled = true
		}
		if q.Enabled != nil {
			p.QuietHours.Enabled = *q.Enabled
		}
		if c, err := domain.ParseClock(q.Start); err == nil {
			p.QuietHours.Start = c
		}
		if c, err := domain.ParseClock(q.End); err == nil {
			p.QuietHours.End = c
		}
	}
	if f := t.Fatigue; f != nil {
		set(&p.Fatigue.Unanswered, f.Unanswered)
		set(&p.Fatigue.PauseDays, f.PauseDays)
	}
	if c := t.Company; c != nil {
		p.Company = domain.CompanyCap{Max: c.Max, PerDays: c.PerDays}
	}
	if d := t.Detractor; d != nil {
		set(&p.Detractor.NPSBelow, d.NPSBelow)
		set(&p.Detractor.CSATBelow, d.CSATBelow)
	}
	if g := t.Telegram; g != nil {
		if g.GlobalPerSecond > 0 {
			p.Telegram.GlobalPerSecond = g.GlobalPerSecond
		}
		if g.PerChatPerSecond > 0 {
			p.Telegram.PerChatPerSecond = g.PerChatPerSecond
		}
	}
	return p
}
