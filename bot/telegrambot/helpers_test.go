package telegrambot_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/telegrambot"
	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/flows/survey"
)

// call is one call the bot made of the customers' side.
type call struct {
	Kind      string // "text", "tap", "blocked"
	Key       string
	Chat      survey.Chat
	ChatID    int64 // Blocked's
	MessageID int64
	Text      string // Text's text, Tap's data
	Blocked   bool
	Returned  time.Time // when the call returned
}

// customers is the tests' Customers: it records every call and answers
// with what its functions say; by default Text echoes, Tap edits the
// tapped message and asks a next question, Blocked succeeds.
type customers struct {
	mu      sync.Mutex
	calls   []call
	changed chan struct{}

	text    func(c call) (survey.Reply, error)
	tap     func(c call) (survey.Reply, error)
	blocked func(c call) error
}

func newCustomers() *customers {
	return &customers{changed: make(chan struct{})}
}

func (cu *customers) record(c call) {
	c.Returned = time.Now()
	cu.mu.Lock()
	defer cu.mu.Unlock()
	cu.calls = append(cu.calls, c)
	close(cu.changed)
	cu.changed = make(chan struct{})
}

func (cu *customers) SlowDown(ctx context.Context, key string, chat survey.Chat) error {
	cu.record(call{Kind: "slowdown", Key: key, Chat: chat})
	return nil
}

func (cu *customers) Text(ctx context.Context, key string, chat survey.Chat, text string) (survey.Reply, error) {
	c := call{Kind: "text", Key: key, Chat: chat, Text: text}
	defer func() { cu.record(c) }()
	if cu.text != nil {
		return cu.text(c)
	}
	return survey.Reply{Messages: []survey.Message{{ChatID: chat.ID, Text: "echo: " + text}}}, nil
}

func (cu *customers) Tap(ctx context.Context, key string, chat survey.Chat, messageID int64, data string) (survey.Reply, error) {
	c := call{Kind: "tap", Key: key, Chat: chat, MessageID: messageID, Text: data}
	defer func() { cu.record(c) }()
	if cu.tap != nil {
		return cu.tap(c)
	}
	return survey.Reply{Notice: "Saved", Messages: []survey.Message{
		{ChatID: chat.ID, Edit: messageID, Text: "You answered " + data},
		{ChatID: chat.ID, Text: "Next question", Buttons: [][]survey.Button{{{Text: "Yes", Data: "q2:y"}, {Text: "No", Data: "q2:n"}}}},
	}}, nil
}

func (cu *customers) Blocked(ctx context.Context, key string, chatID int64, blocked bool) error {
	c := call{Kind: "blocked", Key: key, ChatID: chatID, Blocked: blocked}
	defer func() { cu.record(c) }()
	if cu.blocked != nil {
		return cu.blocked(c)
	}
	return nil
}

// Calls returns the calls made so far.
func (cu *customers) Calls() []call {
	cu.mu.Lock()
	defer cu.mu.Unlock()
	return append([]call(nil), cu.calls...)
}

// wait waits until n calls were made, and returns them.
func (cu *customers) wait(t *testing.T, n int) []call {
	t.Helper()
	timer := time.NewTimer(10 * time.Second)
	defer timer.Stop()
	for {
		cu.mu.Lock()
		calls, changed := append([]call(nil), cu.calls...), cu.changed
		cu.mu.Unlock()
		if len(calls) >= n {
			return calls
		}
		select {
		case <-changed:
		case <-timer.C:
			t.Fatalf("gave up waiting for %d calls of the customers' side; got %+v", n, calls)
		}
	}
}

// testLog writes to the test's output (shown with -v or on failure).
func testLog(t *testing.T) *slog.Logger {
	return slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelDebug}))
}

// fast are rates high enough for quick tests, held by both the fake and
// the client.
const fastGlobal, fastChat = 200, 20

// setup starts a fake with fast rates and a client for it.
func setup(t *testing.T) (*telegramtest.Server, *telegrambot.Client) {
	t.Helper()
	fake := telegramtest.New(t, telegramtest.Config{GlobalRate: fastGlobal, ChatRate: fastChat})
	return fake, newClient(t, fake, telegrambot.Config{GlobalRate: fastGlobal, ChatRate: fastChat})
}

// newClient returns a client of fake with cfg's rates and attempts.
func newClient(t testing.TB, fake *telegramtest.Server, cfg telegrambot.Config) *telegrambot.Client {
	t.Helper()
	cfg.Token, cfg.APIURL = fake.Token, fake.URL
	if tt, ok := t.(*testing.T); ok && cfg.Log == nil {
		cfg.Log = testLog(tt)
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	c, err := telegrambot.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// sleeps records a poller's waits, which return at once; when blocking,
// each wait first hands its duration over ch to the test.
type sleeps struct {
	mu       sync.Mutex
	all      []time.Duration
	blocking bool
	ch       chan time.Duration
}

func newSleeps(blocking bool) *sleeps {
	return &sleeps{blocking: blocking, ch: make(chan time.Duration)}
}

func (s *sleeps) Sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.all = append(s.all, d)
	s.mu.Unlock()
	if s.blocking {
		select {
		case s.ch <- d:
		case <-ctx.Done():
		}
	}
	return ctx.Err()
}

func (s *sleeps) All() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.all...)
}

// startPoller runs p until the test ends, or until the returned stop is
// called (which waits for Run to return, failing the test if it takes
// more than 5 s).
func startPoller(t *testing.T, p *telegrambot.Poller) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("Run: %v", err)
				}
			case <-time.After(5 * time.Second):
				t.Errorf("Run did not return within 5 s of its context's end")
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

// poller returns a poller of client routing to cu, that does not wait
// between rounds.
func poller(t *testing.T, client *telegrambot.Client, cu telegrambot.Customers, sl *sleeps) *telegrambot.Poller {
	log := testLog(t)
	return &telegrambot.Poller{
		Client: client,
		Router: telegrambot.NewRouter(client, cu, log),
		Log:    log,
		Sleep:  sl.Sleep,
	}
}

var errBoom = errors.New("boom: the database is down")

func key(id int) string { return fmt.Sprintf("tg:%d", id) }
