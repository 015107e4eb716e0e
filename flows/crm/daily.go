package crm

import (
	"context"
	"log/slog"
	"time"

	"github.com/crmbot/crmbot/domain"
)

// DailyRescore rescores every contact once a day, for scores that change
// with time alone: with decay on, a form filled last month counts less
// today than yesterday, and the stored score (which find, top, the weekly
// snapshots and the digest read) must follow. Several processes on one
// database rescore once between them: the day's round is claimed first.
type DailyRescore struct {
	Store  BulkStore
	Engine *domain.Engine
	Now    func() time.Time
	// Claim takes the rescore for this process from now until until, and
	// reports whether it holds it: false while another process holds it
	// (store.DB.AcquireLease under one name and this process's holder).
	Claim func(ctx context.Context, now, until time.Time) (bool, error)
	Log   *slog.Logger
	// Rescored, when set, is told each round that ran (for tests and
	// logs).
	Rescored func(changed int)
}

const (
	// RescoreEvery is how often every contact is rescored.
	RescoreEvery = 24 * time.Hour
	// RescoreRetry is how soon a process looks again after a round it
	// could not claim (another process did it) or that failed.
	RescoreRetry = time.Hour
)

// Run rescores everyone at once (unless another process did within the
// day), then every RescoreEvery, until ctx is done.
func (d *DailyRescore) Run(ctx context.Context) {
	for {
		wait := RescoreRetry
		if ran, err := d.Round(ctx); err != nil && ctx.Err() == nil {
			d.Log.Error("the daily rescore failed; trying again later", "err", err, "retry_in", RescoreRetry)
		} else if ran {
			wait = RescoreEvery
		}
		timer := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
	}
}

// Round claims the day's rescore and, when it holds it, rescores every
// contact; it reports whether it ran.
func (d *DailyRescore) Round(ctx context.Context) (bool, error) {
	now := d.Now()
	held, err := d.Claim(ctx, now, now.Add(RescoreEvery))
	if err != nil || !held {
		return false, err
	}
	start := time.Now()
	changed, err := Rescore(ctx, d.Store, d.Engine, now)
	if err != nil {
		return false, err
	}
	d.Log.Info("rescored every contact", "changed", changed, "half_life_days", d.Engine.HalfLife(), "took", time.Since(start))
	if d.Rescored != nil {
		d.Rescored(changed)
	}
	return true, nil
}
