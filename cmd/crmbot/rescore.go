package main

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/crmbot/crmbot/flows/crm"
	"github.com/crmbot/crmbot/store"
	"github.com/spf13/cobra"
)

// rescoreCmd rescores every contact at once, as crmbot run does every day
// when scores decay: after changing the rules, after the upgrade that
// added the fit grade and engagement, or for a process that does not run
// the bot.
func (m *Main) rescoreCmd() *cobra.Command {
	return m.profiledCmd("rescore", "Rescore every contact now (crmbot run does it every day when scores decay)",
		func(ctx context.Context) error {
			engine := m.Config.File.Scoring
			changed, err := crm.Rescore(ctx, m.db, engine, m.Now())
			if err != nil {
				return err
			}
			if err := m.db.DeleteSetting(ctx, store.RescorePending); err != nil {
				return err
			}
			decay := "no decay"
			if h := engine.HalfLife(); h > 0 {
				decay = fmt.Sprintf("a half-life of %d days", h)
			}
			fmt.Fprintf(m.Stdout, "Rescored every contact (%s): %d changed score or grade.\n", decay, changed)
			return nil
		})
}

// rescoreLease names the claim of the day's rescore; its holder is this
// process's name with rescoreHolder after it, which a clean stop does not
// release (ReleaseClaims releases the process's own name): a restarted
// process does not rescore again within the day.
const (
	rescoreLease  = "daily-rescore"
	rescoreHolder = "/rescore"
)

// startDailyRescore rescores every contact once a day while crmbot run
// runs, when scores decay (they change with time alone); one process of
// those sharing the database does it each day. Without decay it rescores
// once when the database asks for it (store.RescorePending: the upgrade
// that added the fit grade and engagement). The function it returns stops
// it and waits for it.
func (m *Main) startDailyRescore(ctx context.Context) (stop func()) {
	engine := m.Config.File.Scoring
	_, pending, err := m.db.Setting(ctx, store.RescorePending)
	if err != nil {
		m.log.Error("could not tell whether the contacts need rescoring", "err", err)
	}
	if engine.HalfLife() == 0 && !pending {
		return func() {}
	}
	holder := processName() + rescoreHolder
	d := &crm.DailyRescore{Store: m.db, Engine: engine, Now: m.Now, Log: m.log,
		Claim: func(ctx context.Context, now, until time.Time) (bool, error) {
			return m.db.AcquireLease(ctx, rescoreLease, holder, now, until)
		},
		Rescored: func(changed int) {
			if pending {
				if err := m.db.DeleteSetting(context.WithoutCancel(ctx), store.RescorePending); err != nil {
					m.log.Error("rescored every contact, but could not record it", "err", err)
				}
				pending = false
			}
			if m.rescored != nil {
				m.rescored(changed)
			}
		}}
	if engine.HalfLife() == 0 {
		m.log.Info("every contact is rescored once, for its fit grade and engagement")
		return goUntilStopped(ctx, func(ctx context.Context) {
			if _, err := d.Round(ctx); err != nil && ctx.Err() == nil {
				m.log.Error("the rescore of every contact failed; crmbot rescore does it", "err", err)
			}
		})
	}
	m.log.Info("scores decay: every contact is rescored daily", "half_life_days", engine.HalfLife(),
		"holder", strings.TrimSuffix(holder, rescoreHolder))
	return goUntilStopped(ctx, d.Run)
}
