package main

import (
	"context"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/flows/nudge"
	"github.com/crmbot/crmbot/flows/survey"
)

// alertEvery is how often crmbot run looks for leads that turned hot.
const alertEvery = time.Minute

// startNudges delivers the owners' alerts and check-ins through Slack,
// and starts the alert rounds and the check-in schedule. Every process
// runs them: each alert and check-in is claimed once in the database.
func (m *Main) startNudges(ctx context.Context, b *background, deliv *survey.Deliverer) {
	deliv.More = map[domain.OutgoingKind]func(context.Context, domain.Outgoing) error{}
	for _, k := range nudge.Kinds() {
		deliv.More[k] = m.nudges.Deliver
	}
	m.nudges.Wake = deliv.Wake
	told := func(what string) func() {
		return func() {
			if m.nudged != nil {
				m.nudged(what)
			}
		}
	}
	b.wg.Go(func() { m.nudges.RunAlerts(ctx, alertEvery, told("alerts")) })
	cfg := m.Config.File.File.Checkin
	if !cfg.On() {
		return
	}
	weekday, hhmm := "", ""
	if cfg != nil {
		weekday, hhmm = cfg.Weekday, cfg.Time
	}
	sched, err := digest.ParseSchedule(weekday, hhmm, m.Config.Zone)
	if err != nil { // crmbot check refuses such a file already
		m.log.Error("the weekly check-in is not scheduled", "err", err)
		return
	}
	s := &digest.Scheduler{Schedule: sched, Now: m.Now, Log: m.log, What: "the weekly check-ins",
		Post: func(ctx context.Context, now time.Time) ([]string, error) {
			defer told("checkin")()
			return m.nudges.CheckinRound(ctx, now)
		}}
	m.log.Info("the weekly check-in is scheduled", "when", sched.String())
	b.wg.Go(func() { s.Run(ctx) })
}
