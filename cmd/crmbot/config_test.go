package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/crmbot/crmbot/store/storetest"
)

// crmbot check --env prints every variable with the value in force, the
// secrets masked and the database's password removed, then what the
// configuration turns on.
func TestCheckEnvPrintsTheConfigurationMasked(t *testing.T) {
	t.Parallel()
	cfg := writeConfig(t, "digest:\n  channels: [C0SALES]\n")
	secrets := []string{"xoxb-1234-bot", "sign-secret", "apipass", "123:tg-secret", "hook-secret", "dbpass"}
	env := []string{"CRMBOT_CONFIG=" + cfg, "CRMBOT_TAKEOVER=7s", "SLACK_BOT_TOKEN=xoxb-1234-bot", "SLACK_SIGNING_SECRET=sign-secret",
		"SLACK_API_URL=https://proxy:apipass@slack.example/api/", "TELEGRAM_BOT_TOKEN=123:tg-secret", "TELEGRAM_WEBHOOK_SECRET=hook-secret"}
	r := runCrmbot(t, "postgres://crm:dbpass@db.example/crm", nil, env, "check", "--env")
	if r.code != 0 {
		t.Fatalf("check --env: %+v", r)
	}
	for _, want := range []string{
		"CRMBOT_DATABASE=postgres://crm:xxxxx@db.example/crm\n", "CRMBOT_CONFIG=" + cfg + "\n",
		"CRMBOT_HTTP_ADDR=127.0.0.1:8080\n", "CRMBOT_TIMEZONE=Europe/Paris\n", "CRMBOT_LANGUAGE=en\n", "CRMBOT_TEAM_LANGUAGE=en\n", "CRMBOT_TAKEOVER=7s\n",
		"CRMBOT_LOG_FORMAT=text\n", "SLACK_BOT_TOKEN=********\n", "SLACK_APP_TOKEN=\n", "SLACK_SIGNING_SECRET=********\n",
		"SLACK_API_URL=https://proxy:xxxxx@slack.example/api/\n", "TELEGRAM_BOT_TOKEN=********\n", "TELEGRAM_WEBHOOK_SECRET=********\n",
		"Configuration file: " + cfg + " (",
		"Slack: on, HTTP endpoints; the digest goes to 1 channel.", "Telegram: on, by webhook (POST /telegram/webhook).",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("check --env does not say %q:\n%s", want, r.stdout)
		}
	}
	for _, s := range secrets {
		if strings.Contains(r.stdout+r.stderr, s) {
			t.Errorf("check --env shows the secret %q:\n%s", s, r.stdout)
		}
	}
}

// A configuration that cannot be read stops every command before anything
// is opened, and check --env says what is wrong; a Slack that crmbot run
// would refuse is said too.
func TestConfigurationIsCheckedFirst(t *testing.T) {
	t.Parallel()
	dsn := filepath.Join(t.TempDir(), "never.db")
	for _, c := range []struct {
		env  []string
		says string
	}{
		{[]string{"CRMBOT_TIMEZONE=Mars/Olympus"}, `CRMBOT_TIMEZONE="Mars/Olympus" is not a time zone`},
		{[]string{"CRMBOT_TAKEOVER=1s"}, `CRMBOT_TAKEOVER="1s": give a duration from 2s to 10m, like 10s or 1m`},
		{[]string{"CRMBOT_LOG_FORMAT=yaml"}, `CRMBOT_LOG_FORMAT="yaml": use text (the default) or json`},
		{[]string{"CRMBOT_TEAM_LANGUAGE=de"}, `CRMBOT_TEAM_LANGUAGE="de": use en (the default) or fr`},
		{[]string{"CRMBOT_CONFIG=" + writeConfig(t, "abc: {a: 90, b: 50}\n")}, "crmbot.yaml:1:1: abc needs 0 < a < b < 100"},
		{[]string{"CRMBOT_CONFIG=" + filepath.Join(t.TempDir(), "missing.yaml")}, "missing.yaml: no such file"},
	} {
		for _, args := range [][]string{{"exec", "pipeline"}, {"migrate"}, {"check", "--env"}} {
			r := runCrmbot(t, dsn, nil, c.env, args...)
			if r.code != 1 || !strings.Contains(r.stderr, c.says) {
				t.Errorf("%v with %v: want exit status 1 saying %q, got %+v", args, c.env, c.says, r)
			}
		}
	}
	if _, err := os.Stat(dsn); err == nil {
		t.Errorf("a command opened the database despite a bad configuration")
	}
	r := runCrmbot(t, storetest.DSN(t, "sqlite"), nil, []string{"SLACK_BOT_TOKEN=xoxb-1"}, "check", "--env")
	if r.code != 0 || !strings.Contains(r.stdout, "Slack: crmbot run refuses to start: SLACK_BOT_TOKEN is set, but Slack cannot reach crmbot") {
		t.Errorf("check --env with a bot token alone: %+v", r)
	}
}
