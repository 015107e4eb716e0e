package telegrambot_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/telegrambot"
	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/flows/survey"
	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

func TestUsernameComesFromGetMe(t *testing.T) {
	fake, client := setup(t)
	for range 2 {
		name, err := client.Username(context.Background())
		if err != nil || name != "crmbot_test_bot" {
			t.Fatalf("Username = %q, %v", name, err)
		}
	}
	if n := fake.Calls("getMe"); n != 1 {
		t.Errorf("getMe called %d times", n)
	}
}

func TestNewRefusesAWrongToken(t *testing.T) {
	fake := telegramtest.New(t, telegramtest.Config{})
	_, err := telegrambot.New(context.Background(), telegrambot.Config{Token: "123456:WRONG", APIURL: fake.URL})
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusUnauthorized {
		t.Errorf("New with a wrong token: %v", err)
	}
}

func TestSendToABlockedChatIsUnreachable(t *testing.T) {
	fake, client := setup(t)
	fake.Block(13, true)
	_, err := client.Send(context.Background(), survey.Message{ChatID: 13, Text: "Hello"}, nil)
	if !errors.Is(err, survey.ErrUnreachable) {
		t.Fatalf("Send to a blocked chat: %v, want ErrUnreachable", err)
	}
	fake.Block(13, false)
	if _, err := client.Send(context.Background(), survey.Message{ChatID: 13, Text: "Hello again"}, nil); err != nil {
		t.Fatal(err)
	}
}

func TestSendWaitsOutA429AndDeliversOnce(t *testing.T) {
	fake, client := setup(t)
	fake.Fail("sendMessage", http.StatusTooManyRequests, "Too Many Requests: retry after 1", 1)
	start := time.Now()
	id, err := client.Send(context.Background(), survey.Message{ChatID: 21, Text: "Invitation"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d < time.Second {
		t.Errorf("sent again after %v, before retry_after", d)
	}
	sent := fake.Sent(21)
	if len(sent) != 1 || sent[0].MessageID != id || fake.Calls("sendMessage") != 2 {
		t.Errorf("sent %+v in %d calls, id %d", sent, fake.Calls("sendMessage"), id)
	}
}

func TestSendDemandedToSlowDownByTheStrictServer(t *testing.T) {
	// The client believes in 100 messages a second per chat; the fake
	// allows 1: the second message gets a 429 and waits it out.
	fake := telegramtest.New(t, telegramtest.Config{GlobalRate: 100, ChatRate: 1})
	client := newClient(t, fake, telegrambot.Config{GlobalRate: 100, ChatRate: 100})
	for _, text := range []string{"one", "two"} {
		if _, err := client.Send(context.Background(), survey.Message{ChatID: 22, Text: text}, nil); err != nil {
			t.Fatal(err)
		}
	}
	sent := fake.Sent(22)
	if len(sent) != 2 || sent[0].Text != "one" || sent[1].Text != "two" || fake.TooManyRequests() != 1 {
		t.Errorf("sent %+v with %d 429s", sent, fake.TooManyRequests())
	}
	if gap := sent[1].At.Sub(sent[0].At); gap < time.Second {
		t.Errorf("second message %v after the first", gap)
	}
}

func TestSendGivesUpAfterMaxAttempts(t *testing.T) {
	fake := telegramtest.New(t, telegramtest.Config{GlobalRate: fastGlobal, ChatRate: fastChat})
	client := newClient(t, fake, telegrambot.Config{GlobalRate: fastGlobal, ChatRate: fastChat, MaxAttempts: 2})
	for range 2 {
		fake.Fail("sendMessage", http.StatusTooManyRequests, "Too Many Requests: retry after 1", 1)
	}
	_, err := client.Send(context.Background(), survey.Message{ChatID: 23, Text: "Invitation"}, nil)
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusTooManyRequests {
		t.Fatalf("Send: %v, want the 429", err)
	}
	if n := fake.Calls("sendMessage"); n != 2 || len(fake.Sent(23)) != 0 {
		t.Errorf("%d calls, %d sent", n, len(fake.Sent(23)))
	}
}

func TestSendStopsWaitingWhenTheContextEnds(t *testing.T) {
	fake, client := setup(t)
	fake.Fail("sendMessage", http.StatusTooManyRequests, "Too Many Requests: retry after 30", 30)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := client.Send(ctx, survey.Message{ChatID: 24, Text: "Invitation"}, nil)
		done <- err
	}()
	fake.WaitCalls(t, "sendMessage", 1)
	cancel()
	select {
	case err := <-done:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("Send: %v, want context.Canceled", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Send still waiting after its context ended")
	}
}

func TestOtherErrorsAreWrapped(t *testing.T) {
	fake, client := setup(t)
	fake.Fail("sendMessage", http.StatusBadRequest, "Bad Request: chat not found", 0)
	_, err := client.Send(context.Background(), survey.Message{ChatID: 25, Text: "Hi"}, nil)
	var apiErr *tgbotapi.Error
	if !errors.As(err, &apiErr) || apiErr.Code != http.StatusBadRequest || errors.Is(err, survey.ErrUnreachable) {
		t.Errorf("Send: %v", err)
	}
}

func TestEditsReplaceTextAndKeyboard(t *testing.T) {
	fake, client := setup(t)
	ctx := context.Background()
	kb := [][]survey.Button{{{Text: "A", Data: "a"}}, {{Text: "B", Data: "b"}, {Text: "Done", Data: "done"}}}
	id, err := client.Send(ctx, survey.Message{ChatID: 30, Text: "Pick", Buttons: kb}, nil)
	if err != nil {
		t.Fatal(err)
	}
	// A toggle: same text, new keyboard.
	kb2 := [][]survey.Button{{{Text: "✓ A", Data: "a"}}, {{Text: "B", Data: "b"}, {Text: "Done", Data: "done"}}}
	if got, err := client.Send(ctx, survey.Message{ChatID: 30, Edit: id, Text: "Pick", Buttons: kb2}, nil); err != nil || got != id {
		t.Fatalf("edit: %d, %v", got, err)
	}
	m, _ := fake.Current(30, id)
	if want := [][]telegramtest.Button{{{Text: "✓ A", Data: "a"}}, {{Text: "B", Data: "b"}, {Text: "Done", Data: "done"}}}; !slices.EqualFunc(m.Keyboard, want, slices.Equal) {
		t.Errorf("keyboard %+v", m.Keyboard)
	}
	// The same again: "message is not modified" is no error.
	if got, err := client.Send(ctx, survey.Message{ChatID: 30, Edit: id, Text: "Pick", Buttons: kb2}, nil); err != nil || got != id {
		t.Fatalf("unmodified edit: %d, %v", got, err)
	}
	// No buttons: the keyboard goes.
	if _, err := client.Send(ctx, survey.Message{ChatID: 30, Edit: id, Text: "Picked: A"}, nil); err != nil {
		t.Fatal(err)
	}
	if m, _ := fake.Current(30, id); m.Text != "Picked: A" || m.Keyboard != nil {
		t.Errorf("after the last edit: %+v", m)
	}
	if n := len(fake.Edits(30)); n != 2 {
		t.Errorf("%d edits recorded, want 2", n)
	}
}

// Many workers send at once to a few chats (and edit): the strict fake,
// holding the same rates, never answers 429, and every message arrives once.
func TestConcurrentSendsStayWithinTheRates(t *testing.T) {
	fake, client := setup(t)
	const chats, perChat, workers = 20, 15, 40 // 300 messages: 1.5 s at 200/s
	type job struct {
		chat int64
		n    int
	}
	jobs := make(chan job)
	var wg sync.WaitGroup
	errs := make(chan error, chats*perChat)
	for range workers {
		wg.Go(func() {
			for j := range jobs {
				m := survey.Message{ChatID: j.chat, Text: "message"}
				if j.n%5 == 4 {
					// Every fifth is an edit of the chat's first message.
					m = survey.Message{ChatID: j.chat, Edit: fake.Sent(j.chat)[0].MessageID, Text: "edit " + string(rune('a'+j.n))}
				}
				if _, err := client.Send(context.Background(), m, nil); err != nil {
					errs <- err
				}
			}
		})
	}
	start := time.Now()
	for n := range perChat {
		for c := range chats {
			if n == 4 {
				fake.WaitSent(t, int64(100+c), 1) // the message to edit
			}
			jobs <- job{int64(100 + c), n}
		}
	}
	close(jobs)
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	elapsed := time.Since(start)
	if n := fake.TooManyRequests(); n != 0 {
		g, c := fake.TooManyRequestsBy()
		t.Errorf("the fake answered 429 %d times (global rate exceeded %d times, a chat's %d)", n, g, c)
	}
	total := 0
	for c := range chats {
		total += len(fake.Sent(int64(100+c))) + len(fake.Edits(int64(100+c)))
	}
	if total != chats*perChat {
		t.Errorf("%d messages and edits arrived, want %d", total, chats*perChat)
	}
	t.Logf("%d messages in %v: %.0f/s (configured %d/s)", total, elapsed, float64(total)/elapsed.Seconds(), fastGlobal)
}
