package telegrambot

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/crmbot/crmbot/flows/survey"
)

// simAPI is a Bot API inside a synctest bubble (an http.RoundTripper, no
// network): each request travels a random delay before Telegram receives
// it and another before its answer comes back. It records when each
// message was received.
type simAPI struct {
	maxDelay time.Duration

	mu       sync.Mutex
	rng      *rand.Rand
	received []received
	next     int
}

type received struct {
	chat int64
	at   time.Time
}

func (s *simAPI) delay() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return time.Duration(s.rng.Int64N(int64(s.maxDelay) + 1))
}

func (s *simAPI) RoundTrip(r *http.Request) (*http.Response, error) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		return nil, err
	}
	var result any = true
	switch path.Base(r.URL.Path) {
	case "getMe":
		result = map[string]any{"id": 1, "is_bot": true, "first_name": "crmbot", "username": "sim_bot"}
	case "sendMessage":
		time.Sleep(s.delay())
		chat, _ := strconv.ParseInt(form.Get("chat_id"), 10, 64)
		s.mu.Lock()
		s.received = append(s.received, received{chat, time.Now()})
		s.next++
		id := s.next
		s.mu.Unlock()
		time.Sleep(s.delay())
		result = map[string]any{"message_id": id, "date": 0, "chat": map[string]any{"id": chat, "type": "private"}, "text": form.Get("text")}
	}
	b, _ := json.Marshal(map[string]any{"ok": true, "result": result})
	return &http.Response{StatusCode: http.StatusOK, Header: http.Header{"Content-Type": {"application/json"}},
		Body: io.NopCloser(strings.NewReader(string(b))), Request: r}, nil
}

// simulate sends from workers to chats (in turn) for d, through a client
// at its default rates, and returns what the simulated Telegram received.
func simulate(t *testing.T, maxDelay, d time.Duration, chats, workers int) []received {
	sim := &simAPI{maxDelay: maxDelay, rng: rand.New(rand.NewPCG(1, 2))}
	c, err := New(context.Background(), Config{Token: "1:T", APIURL: "http://sim/", HTTPClient: &http.Client{Transport: sim},
		Log: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	var mu sync.Mutex
	n := 0
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil {
				mu.Lock()
				n++
				chat := int64(1 + n%chats)
				mu.Unlock()
				if _, err := c.Send(ctx, survey.Message{ChatID: chat, Text: "hi"}, nil); err != nil && ctx.Err() == nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	return sim.received
}

// overLimit returns a description of the first second in which more than
// limit of msgs were received, "" if none.
func overLimit(msgs []received, limit int) string {
	for i := 0; i+limit < len(msgs); i++ {
		if gap := msgs[i+limit].at.Sub(msgs[i].at); gap < time.Second {
			return fmt.Sprintf("%d messages within %v from %v", limit+1, gap, msgs[i].at)
		}
	}
	return ""
}

func byChat(msgs []received) map[int64][]received {
	out := map[int64][]received{}
	for _, m := range msgs {
		out[m.chat] = append(out[m.chat], m)
	}
	return out
}

// Whatever the network's delays, Telegram never receives more than 25
// messages in a second, nor more than one per chat; with short delays the
// rate stays close to the configured one.
func TestRatesHoldAsTelegramCountsWhateverTheDelays(t *testing.T) {
	for _, tc := range []struct {
		name            string
		maxDelay        time.Duration
		chats, workers  int
		minRate         float64 // messages a second, after the first
		perChatMinRates float64
	}{
		{"short delays, many chats", 5 * time.Millisecond, 200, 64, 0.95 * 25, 0},
		{"long delays, many chats", 300 * time.Millisecond, 200, 64, 0, 0},
		{"short delays, few chats", 5 * time.Millisecond, 5, 15, 0, 0.95},
		{"long delays, few chats", 300 * time.Millisecond, 5, 15, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				msgs := simulate(t, tc.maxDelay, 60*time.Second, tc.chats, tc.workers)
				if s := overLimit(msgs, 25); s != "" {
					t.Errorf("global rate exceeded: %s", s)
				}
				rate := float64(len(msgs)-1) / msgs[len(msgs)-1].at.Sub(msgs[0].at).Seconds()
				if rate < tc.minRate {
					t.Errorf("%.2f messages a second, want at least %.2f", rate, tc.minRate)
				}
				for chat, ms := range byChat(msgs) {
					if s := overLimit(ms, 1); s != "" {
						t.Errorf("chat %d: rate exceeded: %s", chat, s)
					}
					if len(ms) > 1 {
						r := float64(len(ms)-1) / ms[len(ms)-1].at.Sub(ms[0].at).Seconds()
						if r < tc.perChatMinRates {
							t.Errorf("chat %d: %.3f messages a second, want at least %.3f", chat, r, tc.perChatMinRates)
						}
					}
				}
				t.Logf("%d messages, %.2f/s", len(msgs), rate)
			})
		})
	}
}

// The limiters of chats idle for a while are forgotten; those in use stay.
func TestIdleChatLimitersAreForgotten(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		c, err := New(context.Background(), Config{Token: "1:T", APIURL: "http://sim/",
			HTTPClient: &http.Client{Transport: &simAPI{rng: rand.New(rand.NewPCG(1, 2))}}, Log: slog.New(slog.DiscardHandler)})
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		for chat := range int64(50) {
			l, err := c.acquire(ctx, chat+1)
			if err != nil {
				t.Fatal(err)
			}
			c.release(l, true)
		}
		busy, err := c.acquire(ctx, 100)
		if err != nil {
			t.Fatal(err)
		}
		time.Sleep(c.idleAfter())
		l, err := c.acquire(ctx, 101)
		if err != nil {
			t.Fatal(err)
		}
		c.mu.Lock()
		n := len(c.chats)
		c.mu.Unlock()
		if n != 2 {
			t.Errorf("%d chat limiters kept, want 2 (the busy one and the new one)", n)
		}
		c.release(l, true)
		c.release(busy, true)
	})
}
