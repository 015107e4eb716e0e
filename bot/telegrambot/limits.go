package telegrambot

import (
	"context"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// chatLimiter is one chat's rate, and its turn: one message to a chat is
// sent at a time.
type chatLimiter struct {
	turn chan struct{} // holds a token while a message to the chat is being sent
	lim  *rate.Limiter
	// Guarded by Client.mu:
	users int       // Sends holding or waiting for the turn
	last  time.Time // when the last one let go
}

// acquire takes the chat's turn, creating its limiter when needed.
func (c *Client) acquire(ctx context.Context, chat int64) (*chatLimiter, error) {
	c.mu.Lock()
	c.sweep(time.Now())
	l := c.chats[chat]
	if l == nil {
		l = &chatLimiter{turn: make(chan struct{}, 1), lim: rate.NewLimiter(c.chatRate, 1)}
		c.chats[chat] = l
	}
	l.users++
	c.mu.Unlock()
	select {
	case l.turn <- struct{}{}:
		return l, nil
	case <-ctx.Done():
		c.release(l, false)
		return nil, ctx.Err()
	}
}

// release lets go of the chat's turn (when held) and of the limiter.
func (c *Client) release(l *chatLimiter, held bool) {
	if held {
		<-l.turn
	}
	c.mu.Lock()
	l.users--
	l.last = time.Now()
	c.mu.Unlock()
}

// idleAfter is how long a chat's limiter is kept unused: by then it is full
// again, so forgetting it changes nothing.
func (c *Client) idleAfter() time.Duration {
	return max(time.Minute, time.Duration(2*float64(time.Second)/float64(c.chatRate)))
}

// sweep forgets the limiters of chats idle for a while, at most once per
// idleAfter. c.mu is held.
func (c *Client) sweep(now time.Time) {
	idle := c.idleAfter()
	if now.Sub(c.lastSweep) < idle {
		return
	}
	c.lastSweep = now
	for id, l := range c.chats {
		if l.users == 0 && now.Sub(l.last) >= idle {
			delete(c.chats, id)
		}
	}
}

// waitTurn waits until the chat's rate and the global one allow one more
// message now. The chat's limiter is only looked at here, and consumed when
// Telegram answered (see Send). Then the global bucket spaces the message
// from the previous one, and last the global window counts it in flight:
// last, so that the time a message holds a place in the window is as short
// as can be (the window's cost is one network round trip a second). When
// it returns nil, the caller sends and then calls c.window.leave(true).
func (c *Client) waitTurn(ctx context.Context, l *chatLimiter) error {
	for {
		tokens := l.lim.TokensAt(time.Now())
		if tokens >= 1 {
			break
		}
		d := time.Duration((1 - tokens) / float64(l.lim.Limit()) * float64(time.Second))
		if err := sleep(ctx, max(d, time.Millisecond)); err != nil {
			return err
		}
	}
	// Reserve and sleep rather than Wait, so that a context's end is
	// reported as such (Wait reports a deadline too near in its own words).
	r := c.global.Reserve()
	if err := sleep(ctx, r.Delay()); err != nil {
		r.Cancel()
		return err
	}
	return c.window.enter(ctx)
}

// sleep waits for d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// window is the global rate's guarantee against the network's delays. The
// token bucket spaces requests as they leave, but Telegram counts them as
// they arrive, and delays differ from one request to the next. window
// lets a request leave only while fewer than limit requests are in flight
// or were answered within the last second. Telegram receives each request
// after it left and before it answered, so it never sees more than limit
// in any second, whatever the delays: of limit+1 requests it received
// within one second, the last to leave would have found the others in
// flight or answered less than a second before.
type window struct {
	limit int

	mu       sync.Mutex
	inFlight int
	answered []time.Time // in order: when each request of the last second was answered
	changed  chan struct{}
}

func newWindow(limit int) *window {
	return &window{limit: max(limit, 1), changed: make(chan struct{})}
}

// enter waits until one more request may leave, and counts it in flight.
func (w *window) enter(ctx context.Context) error {
	for {
		w.mu.Lock()
		now := time.Now()
		i := 0
		for i < len(w.answered) && now.Sub(w.answered[i]) >= time.Second {
			i++
		}
		w.answered = w.answered[i:]
		if w.inFlight+len(w.answered) < w.limit {
			w.inFlight++
			w.mu.Unlock()
			return nil
		}
		changed := w.changed
		wait := time.Hour // until an answer
		if len(w.answered) > 0 {
			wait = w.answered[0].Add(time.Second).Sub(now)
		}
		w.mu.Unlock()
		t := time.NewTimer(wait)
		select {
		case <-t.C:
		case <-changed:
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		}
		t.Stop()
	}
}

// leave counts a request out of flight: answered (now), or never sent.
func (w *window) leave(sent bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.inFlight--
	if sent {
		w.answered = append(w.answered, time.Now())
	}
	close(w.changed)
	w.changed = make(chan struct{})
}
