package telegrambot

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// Poller receives updates by long polling (getUpdates) and routes them, in
// order. Only one process may poll a bot: with several crmbot processes on
// one database, MayPoll elects the one that does.
type Poller struct {
	Client *Client
	Router *Router
	Log    *slog.Logger // nil means slog.Default()

	// failing is set while getUpdates (or deleting the webhook) fails, for
	// Failing.
	failing atomic.Bool

	// MayPoll is asked before each round (at most Timeout plus the
	// handling of a batch apart); nil means always. While it answers false
	// or fails, the poller asks again every Interval.
	MayPoll func(ctx context.Context) (bool, error)
	// Timeout is how long one getUpdates waits for updates; 0 means 30 s.
	Timeout time.Duration
	// Interval is how long to wait before asking MayPoll again after a
	// false; 0 means 5 s.
	Interval time.Duration
	// MaxAttempts is how often an update is handled before it is given
	// up (logged and skipped); 0 means 5.
	MaxAttempts int
	// Backoff is the wait after the n-th failure in a row (n ≥ 1) of a
	// request or of an update's handling; nil means 1 s doubling up to 1
	// min.
	Backoff func(n int) time.Duration
	// Sleep waits for d or until ctx is done (then returning its error);
	// nil means a timer. Tests replace it so as not to wait.
	Sleep func(ctx context.Context, d time.Duration) error
}

// Failing reports whether the poller's last request to Telegram failed
// (it goes on trying, backing off).
func (p *Poller) Failing() bool { return p.failing.Load() }

// Run polls until ctx is done, then returns nil. Before its first poll it
// deletes any webhook (Telegram refuses getUpdates while one is set). The
// offset only moves past an update once it was handled, or given up after
// MaxAttempts: a crash or a failure means the update comes again, with the
// same key.
func (p *Poller) Run(ctx context.Context) error {
	log := p.Log
	if log == nil {
		log = slog.Default()
	}
	timeout := p.Timeout
	if timeout <= 0 {
		timeout = 30 * time.Second
	}
	interval := p.Interval
	if interval <= 0 {
		interval = 5 * time.Second
	}
	maxAttempts := p.MaxAttempts
	if maxAttempts <= 0 {
		maxAttempts = 5
	}
	backoff := p.Backoff
	if backoff == nil {
		backoff = defaultBackoff
	}
	wait := p.Sleep
	if wait == nil {
		wait = sleep
	}

	var (
		offset        int
		webhookGone   bool
		errorsInARow  int  // of requests
		attempts      int  // handlings of the update at offset that failed
		leading       bool // MayPoll's last answer, to log its changes
		pause         time.Duration
		retryAfterErr *tgbotapi.Error
	)
	for {
		if pause > 0 {
			if wait(ctx, pause) != nil {
				return nil
			}
			pause = 0
		}
		if ctx.Err() != nil {
			return nil
		}
		if p.MayPoll != nil {
			ok, err := p.MayPoll(ctx)
			if err != nil && ctx.Err() == nil {
				log.Warn("could not learn whether to poll Telegram", "err", err)
			}
			if ok != leading {
				leading = ok
				if ok {
					log.Info("polling Telegram for updates")
				} else {
					log.Info("another process polls Telegram; waiting")
				}
			}
			if !ok {
				pause = interval
				continue
			}
		}
		if !webhookGone {
			if err := p.Client.DeleteWebhook(ctx); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				errorsInARow++
				p.failing.Store(true)
				log.Warn("could not delete Telegram's webhook", "err", err)
				pause = backoff(errorsInARow)
				continue
			}
			webhookGone = true
		}
		updates, err := p.Client.getUpdates(ctx, offset, timeout)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			errorsInARow++
			p.failing.Store(true)
			pause = backoff(errorsInARow)
			if errors.As(err, &retryAfterErr) && retryAfterErr.RetryAfter > 0 {
				pause = max(pause, time.Duration(retryAfterErr.RetryAfter)*time.Second)
			}
			log.Warn("could not get updates from Telegram", "err", err, "retry_in", pause)
			continue
		}
		errorsInARow = 0
		p.failing.Store(false)
		for _, u := range updates {
			if u.UpdateID < offset {
				continue // confirmed already
			}
			if err := p.Router.Route(ctx, u); err != nil {
				if ctx.Err() != nil {
					return nil
				}
				attempts++
				if attempts < maxAttempts {
					pause = backoff(attempts)
					log.Warn("update not handled; it will be tried again", "update", u.UpdateID, "attempt", attempts, "retry_in", pause)
					break
				}
				log.Error("update given up after repeated failures", "update", u.UpdateID, "attempts", attempts, "err", err)
			}
			attempts = 0
			offset = u.UpdateID + 1
		}
	}
}

// defaultBackoff waits 1 s, 2 s, 4 s… up to a minute.
func defaultBackoff(n int) time.Duration {
	d := time.Second
	for i := 1; i < n && d < time.Minute; i++ {
		d *= 2
	}
	return min(d, time.Minute)
}
