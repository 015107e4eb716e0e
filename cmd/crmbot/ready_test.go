package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// get returns the status and body of base+path.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

// /healthz says the process is alive; /readyz checks the database and
// its migrations, a line each.
func TestHealthAndReadiness(t *testing.T) {
	t.Parallel()
	eachDB(t, func(t *testing.T, dsn string) {
		base := "http://" + startRun(t, "CRMBOT_DATABASE="+dsn)
		if code, body := get(t, base+"/healthz"); code != 200 || body != "ok\n" {
			t.Errorf("healthz: %d %q", code, body)
		}
		want := fmt.Sprintf("database: ok (reachable)\nmigrations: ok (the schema is at version %d, this crmbot's is %d)\n",
			store.LatestVersion(), store.LatestVersion())
		if code, body := get(t, base+"/readyz"); code != 200 || body != want {
			t.Errorf("readyz: %d %q, want 200 %q", code, body, want)
		}
	})
}

// While Telegram refuses the poller's requests, /readyz answers 503 and
// says so; once they go through again, 200.
func TestReadinessFollowsTelegramPolling(t *testing.T) {
	t.Parallel()
	tg := telegramtest.New(t, telegramtest.Config{})
	for range 2 { // failed polls back off 1 s, then 2 s
		tg.Fail("getUpdates", 502, "Bad Gateway", 0)
	}
	base := "http://" + startRun(t, append(telegramEnv(t, tg), "CRMBOT_DATABASE="+storetest.DSN(t, "sqlite"))...)
	state := func(code int, says string) bool {
		got, body := get(t, base+"/readyz")
		return got == code && strings.Contains(body, says)
	}
	deadline := time.Now().Add(20 * time.Second)
	if !pollUntil(context.Background(), deadline, func() bool {
		return state(503, "telegram: not ready (long polling: its last request failed)")
	}) {
		t.Fatal("readyz did not report the failing polls")
	}
	// A customer's message ends the long poll that follows at once.
	tg.PushText(4242, "fr", "bonjour")
	if !pollUntil(context.Background(), deadline, func() bool { return state(200, "telegram: ok (long polling)") }) {
		_, body := get(t, base+"/readyz")
		t.Fatalf("readyz did not recover: %q", body)
	}
}
