package telegrambot

import (
	"context"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/flows/survey"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// countingCustomers counts what the router hands on, per chat.
type countingCustomers struct {
	mu            sync.Mutex
	texts, slowed map[int64]int
}

func (c *countingCustomers) add(m map[int64]int, chat int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	m[chat]++
}

func (c *countingCustomers) Text(_ context.Context, _ string, chat survey.Chat, _ string) (survey.Reply, error) {
	c.add(c.texts, chat.ID)
	return survey.Reply{}, nil
}

func (c *countingCustomers) Tap(context.Context, string, survey.Chat, int64, string) (survey.Reply, error) {
	return survey.Reply{}, nil
}

func (c *countingCustomers) Blocked(context.Context, string, int64, bool) error { return nil }

func (c *countingCustomers) SlowDown(_ context.Context, _ string, chat survey.Chat) error {
	c.add(c.slowed, chat.ID)
	return nil
}

func text(id int, chat int64) tgbotapi.Update {
	return tgbotapi.Update{UpdateID: id, Message: &tgbotapi.Message{Chat: &tgbotapi.Chat{ID: chat, Type: "private"}, Text: "/help"}}
}

// One chat sending 60 messages at once: its first FloodBurst are handled,
// it is asked once to slow down, the rest are dropped (not stored, not
// answered); another chat is handled as usual; a second later the
// flooding chat has room for one more.
func TestAFloodingChatIsAskedToSlowDown(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	cu := &countingCustomers{texts: map[int64]int{}, slowed: map[int64]int{}}
	r := &Router{customers: cu, log: slog.New(slog.DiscardHandler), flood: newFloodGate(func() time.Time { return now })}
	for i := range 60 {
		if err := r.Route(t.Context(), text(i, 1)); err != nil {
			t.Fatal(err)
		}
	}
	if err := r.Route(t.Context(), text(100, 2)); err != nil {
		t.Fatal(err)
	}
	if cu.texts[1] != FloodBurst || cu.slowed[1] != 1 || cu.texts[2] != 1 || cu.slowed[2] != 0 {
		t.Fatalf("handled %v, slowed %v", cu.texts, cu.slowed)
	}
	now = now.Add(FloodEvery)
	r.Route(t.Context(), text(101, 1))
	r.Route(t.Context(), text(102, 1))
	if cu.texts[1] != FloodBurst+1 || cu.slowed[1] != 2 {
		t.Fatalf("a second later: handled %v, slowed %v", cu.texts, cu.slowed)
	}
}

// The gate forgets chats whose allowance is full again: memory stays
// bounded by the chats active lately.
func TestTheFloodGateForgetsQuietChats(t *testing.T) {
	now := time.Date(2026, 12, 4, 10, 0, 0, 0, time.UTC)
	g := newFloodGate(func() time.Time { return now })
	for chat := range int64(1000) {
		g.admit(chat)
	}
	now = now.Add(time.Minute)
	g.admit(5000)
	if n := len(g.chats); n != 1 {
		t.Fatalf("%d chats kept, want 1", n)
	}
}
