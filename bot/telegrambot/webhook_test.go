package telegrambot_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/telegrambot"
	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/flows/survey"
)

const hookSecret = "s3cret-Token_123"

func webhookServer(t *testing.T) (*httptest.Server, *customers, *telegramtest.Server) {
	t.Helper()
	fake, client := setup(t)
	cu := newCustomers()
	mux := http.NewServeMux()
	mux.Handle(telegrambot.WebhookPath, telegrambot.NewWebhook(telegrambot.NewRouter(client, cu, testLog(t)), hookSecret, testLog(t)))
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv, cu, fake
}

func post(t *testing.T, srv *httptest.Server, method, secret, body string) int {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL+telegrambot.WebhookPath, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set(telegrambot.SecretHeader, secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func textUpdate(id int, chat int64, text string) string {
	return fmt.Sprintf(`{"update_id":%d,"message":{"message_id":5,"date":1700000000,`+
		`"from":{"id":%d,"is_bot":false,"first_name":"Ann","language_code":"en"},`+
		`"chat":{"id":%d,"type":"private","first_name":"Ann"},"text":%q}}`, id, chat, chat, text)
}

func TestWebhookRefusesRequestsWithoutTheSecret(t *testing.T) {
	srv, cu, _ := webhookServer(t)
	for _, secret := range []string{"", "wrong", hookSecret + "x", hookSecret[:len(hookSecret)-1]} {
		if code := post(t, srv, http.MethodPost, secret, textUpdate(1, 40, "/stop")); code != http.StatusUnauthorized {
			t.Errorf("secret %q: status %d, want 401", secret, code)
		}
	}
	if code := post(t, srv, http.MethodGet, "", ""); code != http.StatusUnauthorized {
		t.Errorf("GET without the secret: status %d, want 401", code)
	}
	if calls := cu.Calls(); len(calls) != 0 {
		t.Errorf("handled %+v", calls)
	}
}

func TestWebhookHandlesAnUpdateWithTheSecret(t *testing.T) {
	srv, cu, _ := webhookServer(t)
	if code := post(t, srv, http.MethodPost, hookSecret, textUpdate(77, 40, "/stop")); code != http.StatusOK {
		t.Fatalf("status %d", code)
	}
	// Handled before the answer: no waiting.
	calls := cu.Calls()
	want := call{Kind: "text", Key: "tg:77", Chat: survey.Chat{ID: 40, Language: "en"}, Text: "/stop"}
	if len(calls) != 1 || !same(calls[0], want) {
		t.Fatalf("calls = %+v, want %+v", calls, want)
	}
}

func TestWebhookAnswersErrors(t *testing.T) {
	srv, cu, _ := webhookServer(t)
	if code := post(t, srv, http.MethodGet, hookSecret, ""); code != http.StatusMethodNotAllowed {
		t.Errorf("GET: status %d, want 405", code)
	}
	for _, body := range []string{"", "not json", "[]", `{"hello":1}`} {
		if code := post(t, srv, http.MethodPost, hookSecret, body); code != http.StatusBadRequest {
			t.Errorf("body %q: status %d, want 400", body, code)
		}
	}
	cu.text = func(call) (survey.Reply, error) { return survey.Reply{}, errBoom }
	if code := post(t, srv, http.MethodPost, hookSecret, textUpdate(78, 40, "hello")); code != http.StatusInternalServerError {
		t.Errorf("failed handling: status %d, want 500 (Telegram retries)", code)
	}
}

func TestWebhookWithoutASecretRefusesEverything(t *testing.T) {
	_, client := setup(t)
	cu := newCustomers()
	h := telegrambot.NewWebhook(telegrambot.NewRouter(client, cu, testLog(t)), "", testLog(t))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodPost, telegrambot.WebhookPath, strings.NewReader(textUpdate(1, 2, "x"))))
	if rec.Code != http.StatusUnauthorized || len(cu.Calls()) != 0 {
		t.Errorf("status %d, calls %+v", rec.Code, cu.Calls())
	}
}

func TestSetWebhookSendsTheSecret(t *testing.T) {
	fake, client := setup(t)
	if err := client.SetWebhook(context.Background(), "https://crm.example.com/telegram/webhook", hookSecret); err != nil {
		t.Fatal(err)
	}
	if u, s := fake.Webhook(); u != "https://crm.example.com/telegram/webhook" || s != hookSecret {
		t.Errorf("webhook %q with secret %q", u, s)
	}
	if err := client.DeleteWebhook(context.Background()); err != nil {
		t.Fatal(err)
	}
	if u, _ := fake.Webhook(); u != "" {
		t.Errorf("webhook still %q", u)
	}
}
