package main

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/store/storetest"
)

// anyTime is a throttle that holds at any hour of any day, so that the
// test passes whenever it runs: quiet hours, weekends and the cool-down
// after the contact's creation are off; every other rule holds.
const anyTime = "throttle:\n  quiet_hours: {enabled: false}\n  weekends: false\n  cooldown_after_interaction_days: 0\n"

// telegramEnv writes the configuration and returns the environment of a
// crmbot speaking to the fake Bot API tg.
func telegramEnv(t *testing.T, tg *telegramtest.Server) []string {
	t.Helper()
	cfg := filepath.Join(t.TempDir(), "crmbot.yaml")
	if err := os.WriteFile(cfg, []byte(anyTime), 0o644); err != nil {
		t.Fatal(err)
	}
	return []string{"CRMBOT_CONFIG=" + cfg, "TELEGRAM_BOT_TOKEN=" + tg.Token, "TELEGRAM_API_URL=" + tg.URL}
}

// slackPosts is a fake Slack Web API that keeps the messages posted.
func slackPosts(t *testing.T) (*httptest.Server, chan string) {
	posts := make(chan string, 16)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		w.Header().Set("Content-Type", "application/json")
		switch {
		case strings.HasSuffix(r.URL.Path, "/conversations.open"):
			io.WriteString(w, `{"ok":true,"channel":{"id":"D0OWNER"}}`)
		case strings.HasSuffix(r.URL.Path, "/chat.postMessage"):
			posts <- r.Form.Get("channel") + " " + r.Form.Get("text") + " " + r.Form.Get("blocks")
			io.WriteString(w, `{"ok":true,"channel":"D0OWNER","ts":"1.2"}`)
		default:
			io.WriteString(w, `{"ok":true}`)
		}
	}))
	t.Cleanup(srv.Close)
	return srv, posts
}

// TestTelegramQuestionnaireEndToEnd drives crmbot run against a fake
// Bot API that enforces Telegram's rates: a customer opens an invite link,
// consents, answers a whole questionnaire with buttons and text; the
// detractor answer reaches the owner in Slack and pauses further asks,
// which why reports; a second send is denied with its reasons; /stop stops
// everything.
func TestTelegramQuestionnaireEndToEnd(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	tg := telegramtest.New(t, telegramtest.Config{})
	env := telegramEnv(t, tg)
	ex := func(args ...string) result {
		t.Helper()
		return runCrmbot(t, dsn, nil, env, append([]string{"exec", "--as", "U0OWNER"}, args...)...)
	}
	if r := ex(`add "Jeanne Martin" email=jeanne@martin.fr owner=U0OWNER`); r.code != 0 {
		t.Fatalf("add: %+v", r)
	}
	inv := ex("invite C1")
	token := regexp.MustCompile(`https://t\.me/crmbot_test_bot\?start=([A-Za-z0-9_-]+)`).FindStringSubmatch(inv.stdout)
	if inv.code != 0 || token == nil {
		t.Fatalf("invite: %+v", inv)
	}
	slack, posts := slackPosts(t)
	startRun(t, append(env, "CRMBOT_DATABASE="+dsn, "SLACK_BOT_TOKEN=xoxb-test", "SLACK_SIGNING_SECRET=s3cr3t",
		"SLACK_APP_TOKEN=", "SLACK_API_URL="+slack.URL+"/api/")...)

	const chat = 4242
	tg.PushText(chat, "en", "/start "+token[1])
	consent := tg.WaitSent(t, chat, 1)[0]
	if !strings.Contains(consent.Text, "Do you agree?") || len(consent.Keyboard) == 0 {
		t.Fatalf("consent question: %+v", consent)
	}
	tg.PushTap(chat, "en", consent.MessageID, "c:yes")
	tg.WaitSent(t, chat, 2)

	if r := ex("survey send satisfaction to C1"); r.code != 0 || !strings.Contains(r.stdout, "1") {
		t.Fatalf("survey send: %+v", r)
	}
	sent := tg.WaitSent(t, chat, 3)
	invitation := sent[2]
	if !strings.Contains(invitation.Text, "Your satisfaction") {
		t.Fatalf("invitation: %+v", invitation)
	}
	tg.PushTap(chat, "en", invitation.MessageID, dataOf(t, invitation, ":start"))
	q1 := tg.WaitSent(t, chat, 4)[3]
	tg.PushTap(chat, "en", q1.MessageID, dataOf(t, q1, ":2")) // a detractor's CSAT
	tg.WaitSent(t, chat, 5)
	tg.PushText(chat, "en", "3")
	tg.WaitSent(t, chat, 6)
	tg.PushText(chat, "en", "Delivery was late twice")
	thanks := tg.WaitSent(t, chat, 7)[6]
	if !strings.Contains(thanks.Text, "Thank you for your answers") {
		t.Fatalf("thanks: %+v", thanks)
	}
	if alert := <-posts; !strings.HasPrefix(alert, "D0OWNER") || !strings.Contains(alert, "Detractor") || !strings.Contains(alert, "handled C1") {
		t.Fatalf("alert: %s", alert)
	}
	results := ex("survey results satisfaction")
	if !strings.Contains(results.stdout, "Delivery was late twice") {
		t.Fatalf("results: %+v", results)
	}
	why := mustOK(t, execJSONEnv(t, dsn, env, "why C1"))
	if !strings.Contains(string(why.Data), "detractor_pause") {
		t.Fatalf("why: %s", why.Data)
	}
	again := ex("survey send preferences to C1")
	for _, want := range []string{"detractor", "recontact"} {
		if !strings.Contains(strings.ToLower(again.stdout), want) {
			t.Errorf("second send does not say %s: %s", want, again.stdout)
		}
	}
	tg.PushText(chat, "en", "/stop")
	if stop := tg.WaitSent(t, chat, 8)[7]; !strings.Contains(stop.Text, "no more questionnaires") {
		t.Fatalf("stop: %+v", stop)
	}
	if n := tg.TooManyRequests(); n != 0 {
		t.Errorf("%d answers 429", n)
	}
}

// TestTelegramWebhookNeedsTheSecret: with TELEGRAM_WEBHOOK_SECRET, updates
// come to POST /telegram/webhook, and one without the secret is refused.
func TestTelegramWebhookNeedsTheSecret(t *testing.T) {
	t.Parallel()
	dsn := storetest.DSN(t, "sqlite")
	tg := telegramtest.New(t, telegramtest.Config{})
	addr := startRun(t, append(telegramEnv(t, tg), "CRMBOT_DATABASE="+dsn, "TELEGRAM_WEBHOOK_SECRET=hook_secret-1")...)
	update := `{"update_id":7,"message":{"message_id":1,"date":1,"text":"/help","chat":{"id":77,"type":"private"},"from":{"id":77,"first_name":"A","language_code":"fr"}}}`
	post := func(secret string) int {
		req, _ := http.NewRequest("POST", "http://"+addr+"/telegram/webhook", strings.NewReader(update))
		req.Header.Set("Content-Type", "application/json")
		if secret != "" {
			req.Header.Set("X-Telegram-Bot-Api-Secret-Token", secret)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post(""); code != http.StatusUnauthorized {
		t.Fatalf("no secret: %d", code)
	}
	if code := post("wrong"); code != http.StatusUnauthorized {
		t.Fatalf("wrong secret: %d", code)
	}
	if len(tg.Sent(77)) != 0 {
		t.Fatal("an update without the secret was handled")
	}
	if code := post("hook_secret-1"); code != http.StatusOK {
		t.Fatalf("right secret: %d", code)
	}
	if help := tg.WaitSent(t, 77, 1)[0]; !strings.Contains(help.Text, "/stop") || !strings.Contains(help.Text, "questionnaires") {
		t.Fatalf("help in French: %+v", help)
	}
}

func dataOf(t *testing.T, m telegramtest.Message, suffix string) string {
	t.Helper()
	for _, row := range m.Keyboard {
		for _, b := range row {
			if strings.HasSuffix(b.Data, suffix) {
				return b.Data
			}
		}
	}
	t.Fatalf("no button %q in %+v", suffix, m)
	return ""
}
