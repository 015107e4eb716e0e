package main

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"time"

	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/bot/telegrambot"
	"github.com/crmbot/crmbot/cmd/crmbot/config"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/locale"
	"github.com/crmbot/crmbot/store"
)

// Config is everything crmbot is configured with: the environment
// variables of the README's table and the configuration file over the
// built-in defaults, read and checked once, before anything is opened.
// crmbot check --env prints it, its secrets masked.
type Config struct {
	Database string         // CRMBOT_DATABASE: a SQLite file or a postgres:// URL
	HTTPAddr string         // CRMBOT_HTTP_ADDR: crmbot run's HTTP server
	Zone     *time.Location // CRMBOT_TIMEZONE: the team's time zone
	Language string         // CRMBOT_LANGUAGE: customers' language when nothing else gives one
	// TeamLanguage is CRMBOT_TEAM_LANGUAGE: the language crmbot writes to
	// the team in (replies, help, errors, the digest, alerts), unless a
	// Slack member's locale or --lang says otherwise.
	TeamLanguage locale.Lang
	// Takeover is CRMBOT_TAKEOVER: how long the claims of a process that
	// stopped renewing them (a crash) hold before another process, or
	// itself restarted, takes its work over.
	Takeover time.Duration
	// LogFormat is CRMBOT_LOG_FORMAT: text (slog's key=value lines) or
	// json (one JSON object a line, for a log collector).
	LogFormat string
	// ConfigFile is the configuration file read: CRMBOT_CONFIG, else
	// crmbot.yaml when present; "" for none.
	ConfigFile string
	// File is the configuration in force: ConfigFile's over the built-in
	// defaults.
	File *config.Config
	// Slack is the Slack set-up: the SLACK_* variables, and the file's
	// roles and digest channels. Slack is off when BotToken is "".
	Slack slackbot.Config
	// Telegram is the Telegram set-up: TELEGRAM_BOT_TOKEN,
	// TELEGRAM_API_URL, and the file's rates. Telegram is off when Token is
	// "".
	Telegram telegrambot.Config
	// TelegramWebhookSecret is TELEGRAM_WEBHOOK_SECRET: with it, updates
	// come to POST /telegram/webhook rather than by long polling.
	TelegramWebhookSecret string
}

// ReadConfig reads the configuration from getenv and the file it names,
// and checks it. A bad file gives config.Problems, each with its line.
func ReadConfig(getenv func(string) string) (*Config, error) {
	env := func(key, def string) string {
		if v := getenv(key); v != "" {
			return v
		}
		return def
	}
	c := &Config{
		Database: env("CRMBOT_DATABASE", "crmbot.db"),
		HTTPAddr: env("CRMBOT_HTTP_ADDR", "127.0.0.1:8080"),
		Language: env("CRMBOT_LANGUAGE", "en"),
	}
	tz := env("CRMBOT_TIMEZONE", "Europe/Paris")
	var err error
	if c.Zone, err = time.LoadLocation(tz); err != nil {
		return nil, fmt.Errorf("CRMBOT_TIMEZONE=%q is not a time zone: use a name like Europe/Paris", tz)
	}
	if c.Takeover, err = takeover(env("CRMBOT_TAKEOVER", "10s")); err != nil {
		return nil, err
	}
	team, ok := locale.Parse(env("CRMBOT_TEAM_LANGUAGE", "en"))
	if !ok {
		return nil, fmt.Errorf("CRMBOT_TEAM_LANGUAGE=%q: use en (the default) or fr", getenv("CRMBOT_TEAM_LANGUAGE"))
	}
	c.TeamLanguage = team
	if c.LogFormat = env("CRMBOT_LOG_FORMAT", "text"); c.LogFormat != "text" && c.LogFormat != "json" {
		return nil, fmt.Errorf("CRMBOT_LOG_FORMAT=%q: use text (the default) or json", c.LogFormat)
	}
	c.ConfigFile = configPath(getenv)
	if c.File, err = config.Load(c.ConfigFile); err != nil {
		return nil, err
	}
	f := c.File.File
	c.Slack = slackbot.Config{
		BotToken: getenv("SLACK_BOT_TOKEN"), AppToken: getenv("SLACK_APP_TOKEN"), SigningSecret: getenv("SLACK_SIGNING_SECRET"),
		APIURL: getenv("SLACK_API_URL"), TeamID: getenv("SLACK_TEAM_ID"), Roles: f.Roles, TeamLanguage: c.TeamLanguage,
	}
	if f.Digest != nil {
		c.Slack.DigestChannels = f.Digest.Channels
	}
	rates := c.File.Policy.Telegram
	c.Telegram = telegrambot.Config{Token: getenv("TELEGRAM_BOT_TOKEN"), APIURL: getenv("TELEGRAM_API_URL"),
		GlobalRate: rates.GlobalPerSecond, ChatRate: rates.PerChatPerSecond}
	c.TelegramWebhookSecret = getenv("TELEGRAM_WEBHOOK_SECRET")
	return c, nil
}

// takeover reads CRMBOT_TAKEOVER: a duration from 2 s (claims are renewed
// every fifth of it, and a renewal must have time to reach the database)
// to 10 minutes.
func takeover(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil || d < 2*time.Second || d > 10*time.Minute {
		return 0, fmt.Errorf("CRMBOT_TAKEOVER=%q: give a duration from 2s to 10m, like 10s or 1m", v)
	}
	return d, nil
}

// logger makes the process's logger, in the format of CRMBOT_LOG_FORMAT.
func (c *Config) logger(w io.Writer) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	if c.LogFormat == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}

// configPath is CRMBOT_CONFIG, else crmbot.yaml if present, else "" for
// the built-in defaults.
func configPath(getenv func(string) string) string {
	if p := getenv("CRMBOT_CONFIG"); p != "" {
		return p
	}
	if _, err := os.Stat("crmbot.yaml"); err == nil {
		return "crmbot.yaml"
	}
	return ""
}

// errSlackUnreachable is crmbot run's refusal of a Slack set-up that Slack
// cannot reach.
var errSlackUnreachable = errors.New("SLACK_BOT_TOKEN is set, but Slack cannot reach crmbot: set SLACK_APP_TOKEN (Socket Mode, no public URL) or SLACK_SIGNING_SECRET (HTTP endpoints /slack/commands, /slack/interactions, /slack/events), or both; the README's Slack section walks through it")

// slackReachable says why crmbot run cannot serve Slack as configured, or
// nil. Other commands only post, which the bot token alone allows.
func (c *Config) slackReachable() error {
	if s := c.Slack; s.BotToken != "" && s.AppToken == "" && s.SigningSecret == "" {
		return errSlackUnreachable
	}
	return nil
}

// canPostDigest reports whether the digest can be posted: Slack and the
// digest's channels are configured.
func (c *Config) canPostDigest() bool {
	return c.Slack.BotToken != "" && len(c.Slack.DigestChannels) > 0
}

// summary is the file's one-line description, as crmbot check prints it.
func summary(f *config.Config) string {
	g := f.Grades
	return fmt.Sprintf("%s, %s, grades A ≥ %d, B ≥ %d, C ≥ %d", domain.Count(len(f.Rules), "scoring rule"),
		domain.Count(len(f.Questionnaires), "questionnaire"), g.A, g.B, g.C)
}

// print writes the configuration as crmbot check --env shows it: each
// variable with the value in force (defaults filled in), tokens and
// secrets masked, passwords removed from URLs; then what it turns on.
func (c *Config) print(w io.Writer) {
	for _, v := range []struct{ name, value string }{
		{"CRMBOT_DATABASE", store.Redact(c.Database)},
		{"CRMBOT_CONFIG", c.ConfigFile},
		{"CRMBOT_HTTP_ADDR", c.HTTPAddr},
		{"CRMBOT_TIMEZONE", c.Zone.String()},
		{"CRMBOT_LANGUAGE", c.Language},
		{"CRMBOT_TEAM_LANGUAGE", string(c.TeamLanguage)},
		{"CRMBOT_TAKEOVER", c.Takeover.String()},
		{"CRMBOT_LOG_FORMAT", c.LogFormat},
		{"SLACK_BOT_TOKEN", mask(c.Slack.BotToken)},
		{"SLACK_APP_TOKEN", mask(c.Slack.AppToken)},
		{"SLACK_SIGNING_SECRET", mask(c.Slack.SigningSecret)},
		{"SLACK_API_URL", store.Redact(c.Slack.APIURL)},
		{"SLACK_TEAM_ID", c.Slack.TeamID},
		{"TELEGRAM_BOT_TOKEN", mask(c.Telegram.Token)},
		{"TELEGRAM_API_URL", store.Redact(c.Telegram.APIURL)},
		{"TELEGRAM_WEBHOOK_SECRET", mask(c.TelegramWebhookSecret)},
	} {
		fmt.Fprintf(w, "%s=%s\n", v.name, v.value)
	}
	fmt.Fprintf(w, "\nConfiguration file: %s (%s).\n", c.File.Source, summary(c.File))
	fmt.Fprintf(w, "Slack: %s.\nTelegram: %s.\n", c.slackState(), c.telegramState())
}

// slackState says how crmbot run would serve Slack.
func (c *Config) slackState() string {
	s := c.Slack
	switch {
	case s.BotToken == "":
		return "off (SLACK_BOT_TOKEN is not set)"
	case c.slackReachable() != nil:
		return "crmbot run refuses to start: " + c.slackReachable().Error()
	}
	ways := map[[2]bool]string{{true, false}: "Socket Mode", {false, true}: "HTTP endpoints", {true, true}: "Socket Mode and HTTP endpoints"}
	state := "on, " + ways[[2]bool{s.AppToken != "", s.SigningSecret != ""}]
	if c.canPostDigest() {
		state += fmt.Sprintf("; the digest goes to %s", domain.Count(len(s.DigestChannels), "channel"))
	}
	return state
}

// telegramState says how crmbot run would serve Telegram.
func (c *Config) telegramState() string {
	switch {
	case c.Telegram.Token == "":
		return "off (TELEGRAM_BOT_TOKEN is not set)"
	case c.TelegramWebhookSecret != "":
		return "on, by webhook (POST /telegram/webhook)"
	}
	return "on, by long polling"
}

// mask hides a secret: whether it is set shows, not a character of it.
func mask(secret string) string {
	if secret == "" {
		return ""
	}
	return "********"
}
