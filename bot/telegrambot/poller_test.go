package telegrambot_test

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/flows/survey"
)

func TestTextGoesToCustomers(t *testing.T) {
	fake, client := setup(t)
	cu := newCustomers()
	startPoller(t, poller(t, client, cu, newSleeps(false)))

	id := fake.PushText(42, "fr", "/start tok_123")
	calls := cu.wait(t, 1)
	want := call{Kind: "text", Key: key(id), Chat: survey.Chat{ID: 42, Language: "fr"}, Text: "/start tok_123"}
	if len(calls) != 1 || !same(calls[0], want) {
		t.Fatalf("calls = %+v, want %+v", calls, want)
	}
	fake.WaitOffset(t, id+1)
	if n := len(fake.AllSent()); n != 0 {
		t.Errorf("the router sent %d messages: the engine's outbox sends them", n)
	}
}

// same compares calls but for when they returned.
func same(a, b call) bool {
	a.Returned, b.Returned = time.Time{}, time.Time{}
	return a == b
}

func TestTapIsAnsweredAfterTapReturned(t *testing.T) {
	fake, client := setup(t)
	cu := newCustomers()
	entered, release := make(chan int, 1), make(chan struct{})
	cu.tap = func(c call) (survey.Reply, error) {
		entered <- len(fake.Answers())
		<-release
		return survey.Reply{Notice: "Saved"}, nil
	}
	startPoller(t, poller(t, client, cu, newSleeps(false)))

	id, query := fake.PushTap(7, "en", 99, "q1:5")
	if n := <-entered; n != 0 {
		t.Fatalf("%d callback answers before Tap was called", n)
	}
	close(release)
	answers := fake.WaitAnswers(t, 1)
	calls := cu.Calls()
	want := call{Kind: "tap", Key: key(id), Chat: survey.Chat{ID: 7, Language: "en"}, MessageID: 99, Text: "q1:5"}
	if len(calls) != 1 || !same(calls[0], want) {
		t.Fatalf("calls = %+v, want %+v", calls, want)
	}
	a := answers[0]
	if a.QueryID != query || a.Text != "Saved" {
		t.Errorf("answer = %+v", a)
	}
	if !a.At.After(calls[0].Returned) {
		t.Errorf("the tap was answered at %v, before Tap returned at %v", a.At, calls[0].Returned)
	}
}

func TestFailedTapIsApologisedForInTheCustomersLanguageAndNotRetried(t *testing.T) {
	fake, client := setup(t)
	cu := newCustomers()
	cu.tap = func(call) (survey.Reply, error) { return survey.Reply{}, errBoom }
	startPoller(t, poller(t, client, cu, newSleeps(false)))

	id, _ := fake.PushTap(5, "fr-CA", 1234, "q1:3")
	answers := fake.WaitAnswers(t, 1)
	if want := "Désolé, une erreur s'est produite — merci de réessayer"; answers[0].Text != want {
		t.Errorf("answer %q, want %q", answers[0].Text, want)
	}
	id2, _ := fake.PushTap(6, "de", 1235, "q1:3")
	answers = fake.WaitAnswers(t, 2)
	if want := "Sorry, something went wrong — please try again"; answers[1].Text != want {
		t.Errorf("answer %q, want %q", answers[1].Text, want)
	}
	fake.WaitOffset(t, id2+1)
	if calls := cu.Calls(); len(calls) != 2 || calls[0].Key != key(id) || calls[1].Key != key(id2) {
		t.Errorf("calls = %+v, want one per tap", calls)
	}
	if n := len(fake.AllSent()); n != 0 {
		t.Errorf("%d messages sent", n)
	}
}

func TestMyChatMemberBlocksAndUnblocks(t *testing.T) {
	fake, client := setup(t)
	cu := newCustomers()
	startPoller(t, poller(t, client, cu, newSleeps(false)))

	kicked := fake.PushMember(9, "kicked")
	fake.PushMember(9, "left") // neither: ignored
	member := fake.PushMember(9, "member")
	calls := cu.wait(t, 2)
	want := []call{
		{Kind: "blocked", Key: key(kicked), ChatID: 9, Blocked: true},
		{Kind: "blocked", Key: key(member), ChatID: 9, Blocked: false},
	}
	if len(calls) != 2 || !same(calls[0], want[0]) || !same(calls[1], want[1]) {
		t.Fatalf("calls = %+v, want %+v", calls, want)
	}
}

func TestGroupsAndNonTextAreIgnored(t *testing.T) {
	fake, client := setup(t)
	cu := newCustomers()
	startPoller(t, poller(t, client, cu, newSleeps(false)))

	group := map[string]any{"id": -100123, "type": "supergroup", "title": "Friends"}
	fake.Push("message", map[string]any{"message_id": 1, "date": 1, "chat": group, "from": telegramtest.User(3, "en"), "text": "/start x"})
	fake.Push("message", map[string]any{"message_id": 2, "date": 1, "chat": telegramtest.PrivateChat(3), "from": telegramtest.User(3, "en"),
		"sticker": map[string]any{"file_id": "f", "file_unique_id": "u", "width": 1, "height": 1}})
	fake.Push("edited_message", map[string]any{"message_id": 3, "date": 1, "chat": telegramtest.PrivateChat(3), "text": "edited"})
	last := fake.PushText(3, "en", "hello")
	fake.WaitOffset(t, last+1)
	if calls := cu.Calls(); len(calls) != 1 || calls[0].Text != "hello" {
		t.Errorf("calls = %+v, want only hello", calls)
	}
}

func TestFailedUpdateIsRedeliveredWithTheSameKeyBeforeTheNext(t *testing.T) {
	fake, client := setup(t)
	cu := newCustomers()
	failures := 2
	cu.text = func(c call) (survey.Reply, error) {
		if c.Text == "first" && failures > 0 {
			failures-- // only the poller's goroutine calls it
			return survey.Reply{}, errBoom
		}
		return survey.Reply{Messages: []survey.Message{{ChatID: c.Chat.ID, Text: "ok " + c.Text}}}, nil
	}
	sl := newSleeps(false)
	first := fake.PushText(1, "en", "first")
	second := fake.PushText(1, "en", "second")
	startPoller(t, poller(t, client, cu, sl))

	fake.WaitOffset(t, second+1)
	var keys []string
	for _, c := range cu.Calls() {
		keys = append(keys, c.Key)
	}
	if want := []string{key(first), key(first), key(first), key(second)}; !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
	if got, want := sl.All(), []time.Duration{time.Second, 2 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

func TestUpdateIsGivenUpAfterMaxAttempts(t *testing.T) {
	fake, client := setup(t)
	cu := newCustomers()
	cu.blocked = func(call) error { return errBoom }
	p := poller(t, client, cu, newSleeps(false))
	p.MaxAttempts = 3
	stuck := fake.PushMember(4, "kicked")
	next := fake.PushText(4, "en", "still there?")
	startPoller(t, p)

	fake.WaitOffset(t, next+1)
	var keys []string
	for _, c := range cu.Calls() {
		keys = append(keys, c.Key)
	}
	if want := []string{key(stuck), key(stuck), key(stuck), key(next)}; !slices.Equal(keys, want) {
		t.Errorf("keys = %v, want %v", keys, want)
	}
}

func TestPollerBacksOffOnErrorsAndHonoursRetryAfter(t *testing.T) {
	fake, client := setup(t)
	cu := newCustomers()
	fake.Fail("getUpdates", http.StatusBadGateway, "Bad Gateway", 0)
	fake.Fail("getUpdates", http.StatusBadGateway, "Bad Gateway", 0)
	fake.Fail("getUpdates", http.StatusTooManyRequests, "Too Many Requests: retry after 9", 9)
	sl := newSleeps(false)
	id := fake.PushText(2, "en", "hi")
	startPoller(t, poller(t, client, cu, sl))

	fake.WaitOffset(t, id+1)
	if got, want := sl.All(), []time.Duration{time.Second, 2 * time.Second, 9 * time.Second}; !slices.Equal(got, want) {
		t.Errorf("waits %v, want %v", got, want)
	}
}

func TestPollerDeletesTheWebhookOnceFirst(t *testing.T) {
	fake, client := setup(t)
	fake.SetWebhookURL("https://crm.example.com/telegram/webhook", "s")
	cu := newCustomers()
	startPoller(t, poller(t, client, cu, newSleeps(false)))

	for i := range 3 {
		fake.PushText(8, "en", "hello")
		cu.wait(t, i+1)
	}
	if u, _ := fake.Webhook(); u != "" {
		t.Errorf("webhook still set: %s", u)
	}
	if n := fake.Calls("deleteWebhook"); n != 1 {
		t.Errorf("deleteWebhook called %d times", n)
	}
}

func TestOnlyTheLeaderPolls(t *testing.T) {
	fake, client := setup(t)
	cu := newCustomers()
	leader := make(chan bool)
	sl := newSleeps(true)
	p := poller(t, client, cu, sl)
	p.Interval = 7 * time.Second
	p.MayPoll = func(ctx context.Context) (bool, error) {
		select {
		case ok := <-leader:
			return ok, nil
		case <-ctx.Done():
			return false, ctx.Err()
		}
	}
	fake.PushText(3, "en", "hello")
	startPoller(t, p)

	for range 3 {
		leader <- false
		if d := <-sl.ch; d != 7*time.Second {
			t.Fatalf("waited %v, want the interval", d)
		}
	}
	if n := fake.Calls("getUpdates") + fake.Calls("deleteWebhook"); n != 0 {
		t.Fatalf("%d calls while not the leader", n)
	}
	leader <- true
	cu.wait(t, 1)
	// It asks again before the next round.
	leader <- false
	if d := <-sl.ch; d != 7*time.Second {
		t.Fatalf("waited %v, want the interval", d)
	}
}

func TestShutdownAbortsTheLongPoll(t *testing.T) {
	fake, client := setup(t)
	stop := startPoller(t, poller(t, client, newCustomers(), newSleeps(false)))
	fake.WaitPolling(t) // a getUpdates waits 30 s for updates
	start := time.Now()
	stop()
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("Run took %v to return", d)
	}
}
