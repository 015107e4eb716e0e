package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/crmbot/crmbot/bot/telegrambot/telegramtest"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/crmbot/crmbot/store/storetest"
)

// The binary's /metrics passes promtool's check, and its figures move: a
// Slack command counts as a command and as a Slack request; a message
// that Telegram refuses with 429, then takes, counts once as each; the
// outbox gives its oldest message's age.
func TestMetricsScrape(t *testing.T) {
	t.Parallel()
	promtool := findTool(t, "promtool", "prometheus")
	dsn := storetest.DSN(t, "sqlite")
	mustOK(t, execJSON(t, dsn, `add "Jeanne Martin"`))
	owe(t, dsn, time.Hour)
	tg := telegramtest.New(t, telegramtest.Config{})
	tg.Fail("sendMessage", 429, "Too Many Requests: retry after 1", 1)
	slack := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"ok":true}`)
	}))
	defer slack.Close()
	const secret = "metrics-secret"
	cmd := exec.CommandContext(t.Context(), binary(t), "run")
	cmd.Env = binaryEnv(append(telegramEnv(t, tg), "CRMBOT_DATABASE="+dsn, "SLACK_BOT_TOKEN=xoxb-test",
		"SLACK_SIGNING_SECRET="+secret, "SLACK_APP_TOKEN=", "SLACK_API_URL="+slack.URL+"/api/"))
	cmd.Dir = t.TempDir()
	base := "http://" + listenAddr(t, cmd)

	form := url.Values{"command": {"/crm"}, "text": {"show C1"}, "user_id": {"U1"}, "team_id": {"T1"}, "channel_id": {"C1"},
		"trigger_id": {"7.7.7"}, "response_url": {slack.URL + "/response"}}.Encode()
	req, _ := http.NewRequest("POST", base+"/slack/commands", strings.NewReader(form))
	signSlack(req, secret, form, time.Now())
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("slash command: %v %v", resp, err)
	}
	tg.PushText(4242, "en", "/help")

	want := map[string]float64{
		`crmbot_commands_total{command="show",outcome="ok"}`:             1,
		`crmbot_command_duration_seconds_count{command="show"}`:          1,
		`crmbot_slack_requests_total{kind="command",outcome="accepted"}`: 1,
		`crmbot_slack_ack_duration_seconds_count{kind="command"}`:        1,
		`crmbot_telegram_messages_sent_total{outcome="429"}`:             1,
		`crmbot_telegram_messages_sent_total{outcome="ok"}`:              1,
		`crmbot_outbox_messages`:                                         1,
		`crmbot_contacts{stage="lead"}`:                                  1,
		`crmbot_db_connections_max_open`:                                 4,
	}
	var text string
	moved := pollUntil(context.Background(), time.Now().Add(20*time.Second), func() bool {
		text = scrape(t, base)
		for k, v := range want {
			if got, ok := sample(text, k); !ok || got != v {
				return false
			}
		}
		return true
	})
	if !moved {
		for k, v := range want {
			got, ok := sample(text, k)
			t.Errorf("%s = %v (present: %v), want %v", k, got, ok, v)
		}
	}
	if age, _ := sample(text, "crmbot_outbox_oldest_age_seconds"); age < 3600 || age > 3700 {
		t.Errorf("the oldest owed message is %v s old, want an hour", age)
	}
	for _, family := range []string{"go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(text, "\n"+family+" ") {
			t.Errorf("no %s: Go's and the process's collectors are missing", family)
		}
	}
	check := exec.Command(promtool, "check", "metrics")
	check.Stdin = strings.NewReader(text)
	var out bytes.Buffer
	check.Stdout, check.Stderr = &out, &out
	if err := check.Run(); err != nil {
		t.Errorf("promtool check metrics: %v\n%s", err, out.String())
	}
}

// owe writes an owed message into dsn's outbox as if written age ago, due
// only tomorrow (so that nothing delivers it meanwhile).
func owe(t *testing.T, dsn string, age time.Duration) {
	t.Helper()
	db, err := store.Open(t.Context(), dsn, store.Options{Now: func() time.Time { return time.Now().Add(-age) }})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.AddOutgoing(t.Context(), []domain.Outgoing{{Kind: domain.DetractorAlert, Body: "{}", NextAt: time.Now().Add(24 * time.Hour)}})
	if err != nil {
		t.Fatal(err)
	}
}

// scrape reads base/metrics.
func scrape(t *testing.T, base string) string {
	t.Helper()
	resp, err := http.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// sample finds the value of one series (name and labels as written) in a
// scrape.
func sample(text, series string) (float64, bool) {
	m := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`).FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}
