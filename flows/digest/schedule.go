package digest

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/crm"
)

// Schedule is when the weekly digest is due: a weekday and a time of day
// in the team's time zone.
type Schedule struct {
	Weekday      time.Weekday
	Hour, Minute int
	Loc          *time.Location
}

// DefaultSchedule is the documented default (docs/configuration.md,
// digest): Monday 09:00.
func DefaultSchedule(loc *time.Location) Schedule {
	return Schedule{Weekday: time.Monday, Hour: 9, Loc: loc}
}

// ParseSchedule reads the configuration's weekday ("monday") and time
// ("09:00"); an empty one keeps the default's.
func ParseSchedule(weekday, hhmm string, loc *time.Location) (Schedule, error) {
	s := DefaultSchedule(loc)
	if weekday != "" {
		found := false
		for d := time.Sunday; d <= time.Saturday; d++ {
			if strings.EqualFold(d.String(), weekday) {
				s.Weekday, found = d, true
			}
		}
		if !found {
			return s, domain.Errorf(domain.Invalid, "digest.weekday must be a day such as monday (got %q)", weekday)
		}
	}
	if hhmm != "" {
		t, err := time.Parse("15:04", hhmm)
		if err != nil {
			return s, domain.Errorf(domain.Invalid, "digest.time must be a time like 09:00 (got %q)", hhmm)
		}
		s.Hour, s.Minute = t.Hour(), t.Minute()
	}
	return s, nil
}

// Due returns when the digest of t's ISO week is due. It is built from the
// calendar day and the wall clock, so a change of daylight saving time
// keeps it at the same time of day.
func (s Schedule) Due(t time.Time) time.Time {
	start := crm.WeekStart(t, s.Loc)
	y, m, d := start.Date()
	offset := (int(s.Weekday) + 6) % 7 // Monday 0 … Sunday 6
	return time.Date(y, m, d+offset, s.Hour, s.Minute, 0, 0, s.Loc)
}

// Scheduler posts the digest of each ISO week once its time has come:
// when it is due while the process runs, or at start-up when the process
// was down at the time (the catch-up). Post must claim each channel's
// post of the week in the database before posting it (see
// store.DB.ClaimDigestPost), so that restarts and other processes on the
// same database never post it twice.
type Scheduler struct {
	Schedule Schedule
	Now      func() time.Time
	// Post builds and posts the digest of the week of now, and returns the
	// channels it posted to (none when every channel had it already).
	Post func(ctx context.Context, now time.Time) ([]string, error)
	Log  *slog.Logger
	// What names what is posted in the logs ("the weekly digest" when
	// empty); Post's strings are where it went.
	What string
}

// RetryAfter is how long the scheduler waits before it tries again a
// post that failed.
const RetryAfter = 15 * time.Minute

// Run posts the digests until ctx is done. A failed post is tried again
// RetryAfter later, within the same week: the channels claimed already are
// skipped then, so a channel whose own post failed after its claim is not
// posted to again (at most once matters more than at all).
func (s *Scheduler) Run(ctx context.Context) error {
	var retry time.Time // when to try again a failed post of this week
	for {
		now := s.Now()
		due := s.Schedule.Due(now)
		if !now.Before(due) {
			if retry.IsZero() || !now.Before(retry) {
				retry = time.Time{}
				if !s.post(ctx, now) {
					retry = now.Add(RetryAfter)
				}
			}
			due = s.Schedule.Due(crm.WeekStart(now, s.Schedule.Loc).AddDate(0, 0, 7))
		} else {
			retry = time.Time{} // a new week: the failed post's week is over
		}
		if !retry.IsZero() && retry.Before(due) {
			due = retry
		}
		timer := time.NewTimer(due.Sub(now))
		select {
		case <-ctx.Done():
			timer.Stop()
			return nil
		case <-timer.C:
		}
	}
}

// post posts the digest of the week of now, and reports whether it went
// without error.
func (s *Scheduler) post(ctx context.Context, now time.Time) bool {
	week := domain.ISOWeek(now.In(s.Schedule.Loc))
	posted, err := s.Post(ctx, now)
	switch {
	case err != nil:
		s.Log.Error("not posted; trying again later", "what", s.what(), "week", week, "err", err, "retry_in", RetryAfter)
		return false
	case len(posted) > 0:
		s.Log.Info("posted", "what", s.what(), "week", week, "to", strings.Join(posted, ","))
	default:
		s.Log.Debug("posted already", "what", s.what(), "week", week)
	}
	return true
}

func (s *Scheduler) what() string { return cmp.Or(s.What, "the weekly digest") }

// String describes s for logs: "monday 09:00 Europe/Paris".
func (s Schedule) String() string {
	return fmt.Sprintf("%s %02d:%02d %s", strings.ToLower(s.Weekday.String()), s.Hour, s.Minute, s.Loc)
}
