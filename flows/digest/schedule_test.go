package digest_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/flows/digest"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

var channels = []string{"C0SALES", "C0BOARD"}

// post is one digest a scheduler posted to one channel.
type post struct {
	process, channel, week string
	at                     time.Time // in Paris
}

// board is Slack as the schedulers see it: their posts, claimed in a real
// database as crmbot claims them.
type board struct {
	db       *store.DB
	mu       sync.Mutex
	posts    []post
	failures int // the next posts that fail before claiming anything
}

func newBoard(t *testing.T) *board {
	return &board{db: storetest.Open(t, "sqlite", time.Now)}
}

// scheduler is a process's scheduler: Monday 09:00 in Paris, on a clock
// that starts at start and runs with the bubble's fake time.
func (b *board) scheduler(process string, start time.Time) *digest.Scheduler {
	origin := time.Now()
	return &digest.Scheduler{
		Schedule: digest.DefaultSchedule(paris),
		Now:      func() time.Time { return start.Add(time.Since(origin)) },
		Log:      slog.New(slog.NewTextHandler(io.Discard, nil)),
		Post: func(ctx context.Context, now time.Time) ([]string, error) {
			week := domain.ISOWeek(now.In(paris))
			b.mu.Lock()
			fail := b.failures > 0
			if fail {
				b.failures--
			}
			b.mu.Unlock()
			if fail {
				return nil, errors.New("the database is down")
			}
			var out []string
			for _, ch := range channels {
				first, err := b.db.ClaimDigestPost(ctx, ch, week)
				if err != nil {
					return out, err
				}
				if first {
					out = append(out, ch)
					b.mu.Lock()
					b.posts = append(b.posts, post{process, ch, week, now.In(paris)})
					b.mu.Unlock()
				}
			}
			return out, nil
		},
	}
}

// start runs s until the returned stop is called.
func start(s *digest.Scheduler) (stop func()) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		s.Run(ctx)
		close(done)
	}()
	return func() {
		cancel()
		<-done
	}
}

// check waits for the schedulers to block, then compares the posts so
// far, as "week channel time in Paris", with want.
func (b *board) check(t *testing.T, want ...string) {
	t.Helper()
	synctest.Wait()
	b.mu.Lock()
	defer b.mu.Unlock()
	var got []string
	for _, p := range b.posts {
		got = append(got, p.week+" "+p.channel+" "+p.at.Format("Mon 2006-01-02 15:04 MST"))
	}
	if len(got) != len(want) {
		t.Fatalf("posts:\n%v\nwant:\n%v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Errorf("post %d: %s, want %s", i, got[i], want[i])
		}
	}
}

// parisTime is a wall-clock time in Paris.
func parisTime(y int, m time.Month, d, h, min int) time.Time {
	return time.Date(y, m, d, h, min, 0, 0, paris)
}

// The Monday post, at 09:00; a restart after it posts nothing; the next
// Monday's goes out once.
func TestSchedulerPostsOnMondayAndNotAgainAfterARestart(t *testing.T) {
	b := newBoard(t)
	synctest.Test(t, func(t *testing.T) {
		stop := start(b.scheduler("first", parisTime(2026, 11, 23, 7, 0))) // Monday, early
		b.check(t)
		time.Sleep(2 * time.Hour) // 09:00
		w48 := []string{"2026-W48 C0SALES Mon 2026-11-23 09:00 CET", "2026-W48 C0BOARD Mon 2026-11-23 09:00 CET"}
		b.check(t, w48...)
		stop()
		time.Sleep(time.Hour)
		stop = start(b.scheduler("restarted", parisTime(2026, 11, 23, 10, 0)))
		b.check(t, w48...)
		time.Sleep(7 * 24 * time.Hour)
		b.check(t, append(w48, "2026-W49 C0SALES Mon 2026-11-30 09:00 CET", "2026-W49 C0BOARD Mon 2026-11-30 09:00 CET")...)
		stop()
	})
}

// Down over Monday: the digest of the week goes out once at start-up, and
// the next one on Monday.
func TestSchedulerCatchesUpOnceAfterDowntime(t *testing.T) {
	b := newBoard(t)
	synctest.Test(t, func(t *testing.T) {
		stop := start(b.scheduler("late", parisTime(2026, 11, 24, 11, 30))) // Tuesday
		late := []string{"2026-W48 C0SALES Tue 2026-11-24 11:30 CET", "2026-W48 C0BOARD Tue 2026-11-24 11:30 CET"}
		b.check(t, late...)
		time.Sleep(5 * 24 * time.Hour) // Sunday
		b.check(t, late...)
		time.Sleep(24 * time.Hour)
		b.check(t, append(late, "2026-W49 C0SALES Mon 2026-11-30 09:00 CET", "2026-W49 C0BOARD Mon 2026-11-30 09:00 CET")...)
		stop()
	})
}

// Summer time ends on Sunday 25 October 2026: the Monday post stays at
// 09:00 in Paris, 08:00 UTC instead of 07:00.
func TestSchedulerKeepsTheTimeOfDayOverADaylightSavingChange(t *testing.T) {
	b := newBoard(t)
	synctest.Test(t, func(t *testing.T) {
		stop := start(b.scheduler("first", parisTime(2026, 10, 19, 8, 0))) // Monday, before 09:00, summer time
		// A week of hours later it is 07:00 on the next Monday, winter time:
		// not yet the time, which comes two hours later.
		time.Sleep(7 * 24 * time.Hour)
		b.check(t, "2026-W43 C0SALES Mon 2026-10-19 09:00 CEST", "2026-W43 C0BOARD Mon 2026-10-19 09:00 CEST")
		time.Sleep(2 * time.Hour)
		b.check(t, "2026-W43 C0SALES Mon 2026-10-19 09:00 CEST", "2026-W43 C0BOARD Mon 2026-10-19 09:00 CEST",
			"2026-W44 C0SALES Mon 2026-10-26 09:00 CET", "2026-W44 C0BOARD Mon 2026-10-26 09:00 CET")
		stop()
		b.mu.Lock()
		defer b.mu.Unlock()
		if h := b.posts[2].at.UTC().Hour(); h != 8 {
			t.Errorf("the post after the change is at %d:00 UTC, want 8:00", h)
		}
	})
}

// Two processes on one database, due at the same instant: each channel
// gets the digest once.
func TestSchedulerTwoProcessesPostOnce(t *testing.T) {
	b := newBoard(t)
	synctest.Test(t, func(t *testing.T) {
		early := parisTime(2026, 11, 23, 8, 0) // Monday
		stop1 := start(b.scheduler("one", early))
		stop2 := start(b.scheduler("two", early))
		b.check(t)
		time.Sleep(time.Hour)
		b.check(t, "2026-W48 C0SALES Mon 2026-11-23 09:00 CET", "2026-W48 C0BOARD Mon 2026-11-23 09:00 CET")
		stop1()
		stop2()
	})
}

// A failed post is tried again 15 minutes later, until it goes; a failure
// at the end of a week is not carried over to the next.
func TestSchedulerRetriesAFailedPost(t *testing.T) {
	b := newBoard(t)
	b.failures = 2
	synctest.Test(t, func(t *testing.T) {
		stop := start(b.scheduler("first", parisTime(2026, 11, 23, 9, 0))) // Monday 09:00
		b.check(t)
		time.Sleep(digest.RetryAfter)
		b.check(t)
		time.Sleep(digest.RetryAfter)
		w48 := []string{"2026-W48 C0SALES Mon 2026-11-23 09:30 CET", "2026-W48 C0BOARD Mon 2026-11-23 09:30 CET"}
		b.check(t, w48...)
		time.Sleep(time.Hour)
		b.check(t, w48...)
		stop()
	})
	b = newBoard(t)
	b.failures = 1
	synctest.Test(t, func(t *testing.T) {
		stop := start(b.scheduler("late", parisTime(2026, 12, 6, 23, 50))) // Sunday, last minutes of W49
		b.check(t)
		time.Sleep(9*time.Hour + 10*time.Minute) // Monday 09:00
		synctest.Wait()
		b.mu.Lock()
		got := b.posts[len(b.posts)-1]
		b.mu.Unlock()
		if got.week != "2026-W50" || !got.at.Equal(parisTime(2026, 12, 7, 9, 0)) || len(b.posts) != 2 {
			t.Errorf("posts after a failure at the end of W49: %+v", b.posts)
		}
		stop()
	})
}

func TestParseSchedule(t *testing.T) {
	s, err := digest.ParseSchedule("Friday", "17:30", paris)
	if err != nil || s.Weekday != time.Friday || s.Hour != 17 || s.Minute != 30 {
		t.Errorf("ParseSchedule = %+v, %v", s, err)
	}
	if due := s.Due(parisTime(2026, 11, 25, 10, 0)); !due.Equal(parisTime(2026, 11, 27, 17, 30)) {
		t.Errorf("due %v", due)
	}
	if s, err := digest.ParseSchedule("", "", paris); err != nil || s != digest.DefaultSchedule(paris) {
		t.Errorf("defaults: %+v, %v", s, err)
	}
	for _, bad := range [][2]string{{"someday", ""}, {"", "9h"}} {
		if _, err := digest.ParseSchedule(bad[0], bad[1], paris); !domain.IsCode(err, domain.Invalid) {
			t.Errorf("ParseSchedule(%q, %q): %v", bad[0], bad[1], err)
		}
	}
}
