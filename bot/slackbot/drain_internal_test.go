package slackbot

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"testing/synctest"
	"time"
)

// A stopping bot waits for its commands: one that ends within drainLimit
// is not cancelled and the wait ends with it; one still running at the
// limit is cancelled then, and the wait ends when it gives up.
func TestDrainWaitsThenCancels(t *testing.T) {
	for _, c := range []struct {
		name     string
		takes    time.Duration // 0: until cancelled
		waited   time.Duration
		canceled bool
	}{
		{"quick", 3 * time.Second, 3 * time.Second, false},
		{"stuck", 0, drainLimit, true},
	} {
		t.Run(c.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				b := &Bot{slots: make(chan struct{}, 1), log: slog.New(slog.NewTextHandler(io.Discard, nil))}
				b.jobs, b.abandon = context.WithCancel(context.Background())
				var err error
				b.spawn(context.Background(), func(ctx context.Context) {
					if c.takes > 0 {
						time.Sleep(c.takes) // the fake clock of the bubble
						return
					}
					<-ctx.Done()
					err = ctx.Err()
				})
				start := time.Now()
				b.drain()
				if waited := time.Since(start); waited != c.waited || (err != nil) != c.canceled {
					t.Errorf("waited %v (want %v), command's context: %v", waited, c.waited, err)
				}
			})
		})
	}
}
