package telegramtest_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"

	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
)

// With WebhookConnections, updates go to the webhook with its secret, each
// chat's in order; one refused comes again, and leaves the queue once
// answered 200.
func TestWebhookDeliveryRetriesAndKeepsEachChatsOrder(t *testing.T) {
	var mu sync.Mutex
	got := map[int64][]string{}
	refuse := 1
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var u struct {
			Message struct {
				Text string
				Chat struct{ ID int64 }
			}
		}
		json.NewDecoder(r.Body).Decode(&u)
		mu.Lock()
		defer mu.Unlock()
		if r.Header.Get("X-Telegram-Bot-Api-Secret-Token") != "s3" {
			t.Errorf("secret %q", r.Header.Get("X-Telegram-Bot-Api-Secret-Token"))
		}
		if refuse > 0 {
			refuse--
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		got[u.Message.Chat.ID] = append(got[u.Message.Chat.ID], u.Message.Text)
	}))
	defer hook.Close()
	fake := telegramtest.New(t, telegramtest.Config{WebhookConnections: 4})
	for _, text := range []string{"1", "2", "3"} {
		fake.PushText(10, "en", text)
		fake.PushText(20, "en", text)
	}
	fake.SetWebhookURL(hook.URL, "s3")
	fake.WaitWebhookDeliveries(t, 6)
	mu.Lock()
	defer mu.Unlock()
	for _, chat := range []int64{10, 20} {
		if g := got[chat]; len(g) != 3 || g[0] != "1" || g[1] != "2" || g[2] != "3" {
			t.Errorf("chat %d got %v", chat, g)
		}
	}
	if ok, refused := fake.WebhookDeliveries(); ok != 6 || refused != 1 {
		t.Errorf("deliveries: %d ok, %d refused", ok, refused)
	}
}
