package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/crmbot/crmbot/bot/metrics"
	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/locale"
	"github.com/crmbot/crmbot/store"
	"github.com/spf13/cobra"
)

func (m *Main) runCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run the bot: transports, HTTP server (the default)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return m.runBot(cmd.Context()) },
	}
}

const noTransport = `No chat transport is configured, so crmbot runs locally.
  Slack:    set SLACK_BOT_TOKEN and either SLACK_APP_TOKEN (Socket Mode, no public URL)
            or SLACK_SIGNING_SECRET (HTTP endpoints /slack/commands, /slack/interactions, /slack/events).
  Telegram: set TELEGRAM_BOT_TOKEN (long polling), and TELEGRAM_WEBHOOK_SECRET for the webhook.
The README walks through both.`

// runBot runs every configured transport and the HTTP server until ctx is
// done (SIGTERM, SIGINT). With no transport configured it says how to set
// one up and, on a terminal, starts the console.
func (m *Main) runBot(ctx context.Context) error {
	if err := m.open(ctx); err != nil {
		return err
	}
	defer m.close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	m.metrics = metrics.New(m.db, m.Now, m.log)
	m.exec.Observe = m.metrics.Command
	m.survey.Decided = m.metrics.Decided
	bot, err := m.serveSlack()
	if err != nil {
		return err
	}
	if bot != nil {
		m.survey.Alerter = bot
		m.nudges.Sender = bot
		bot.Acked, bot.Alerted = m.metrics.SlackRequest, m.metrics.Alerted
	}
	bg, err := m.startBackground(ctx, bot != nil)
	if err != nil {
		return err
	}
	defer func() { cancel(); bg.stop(m) }()
	defer m.startDailyRescore(ctx)()
	srv, err := m.serveHTTP(ctx, bot, bg)
	if err != nil {
		return err
	}
	defer srv.Close()
	m.log.Info("crmbot is running", "http", srv.Addr, "database", store.Redact(m.Config.Database))
	if m.listening != nil {
		m.listening(srv.Addr)
	}
	errc := make(chan error, 1)
	if bot != nil {
		go func() { errc <- bot.Run(ctx) }()
		defer m.startDigestScheduler(ctx)()
	} else if bg == nil {
		fmt.Fprintln(m.Stderr, noTransport)
		if isTerminal(m.Stdin) {
			return m.console("", locale.For(m.Config.TeamLanguage)).Run(ctx)
		}
	}
	running := bot != nil
	select {
	case <-ctx.Done():
	case err = <-errc: // Slack refused the connection
		running = false
		cancel()
	}
	m.log.Info("crmbot is stopping")
	shut, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	err = errors.Join(err, srv.Shutdown(shut))
	if running {
		err = errors.Join(err, <-errc) // the commands under way answer first
	}
	return err
}

// serveSlack returns the Slack client that crmbot run serves, or nil when
// SLACK_BOT_TOKEN is not set.
func (m *Main) serveSlack() (*slackbot.Bot, error) {
	cfg := m.Config.Slack
	if cfg.BotToken == "" {
		return nil, nil
	}
	if err := m.Config.slackReachable(); err != nil {
		return nil, err
	}
	bot, err := m.slack()
	if err != nil {
		return nil, err
	}
	m.log.Info("Slack is enabled", "socket_mode", cfg.AppToken != "", "http_endpoints", cfg.SigningSecret != "", "team", cfg.TeamID)
	return bot, nil
}

// slack returns the process's one Slack client: it serves Slack in crmbot
// run and posts the digest in every command. It is made at its first use:
// New warns about open roles, which a process that never speaks to Slack
// need not say.
func (m *Main) slack() (*slackbot.Bot, error) {
	m.slackOnce.Do(func() {
		m.slackBot, m.slackErr = slackbot.New(m.Config.Slack, m.exec, m.db, m.Now, m.log)
	})
	return m.slackBot, m.slackErr
}

// serveHTTP starts the HTTP server: /healthz, /readyz, /metrics
// (Prometheus's format, bot/metrics); with a signing secret Slack's
// endpoints, with a webhook secret Telegram's.
func (m *Main) serveHTTP(ctx context.Context, bot *slackbot.Bot, bg *background) (*http.Server, error) {
	addr := m.Config.HTTPAddr
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", healthz)
	mux.HandleFunc("GET /readyz", m.readyz(bot, bg))
	mux.Handle("GET /metrics", m.metrics.Handler())
	if bot != nil && m.Config.Slack.SigningSecret != "" {
		mux.Handle("POST /slack/", bot.Handler())
	}
	if bg != nil && bg.webhook != nil {
		mux.Handle("/telegram/webhook", bg.webhook)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("CRMBOT_HTTP_ADDR=%s: %w", addr, err)
	}
	srv := &http.Server{Addr: ln.Addr().String(), Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			m.log.Error("HTTP server stopped", "err", err)
		}
	}()
	return srv, nil
}

// healthz answers that the process is alive: it serves HTTP. Whether it
// can work is readyz's question.
func healthz(w http.ResponseWriter, _ *http.Request) { fmt.Fprintln(w, "ok") }

// readyz answers 200 when crmbot can do its work, 503 when it cannot, with
// a line per check: the database answers, within 2 s, and has every
// migration of this build; each chat transport configured is connected
// (Slack's Socket Mode connection is up; Telegram's last poll did not
// fail, or another process polls).
func (m *Main) readyz(bot *slackbot.Bot, bg *background) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		var b strings.Builder
		ready := true
		check := func(name string, ok bool, detail string) {
			state := "ok"
			if !ok {
				state, ready = "not ready", false
			}
			fmt.Fprintf(&b, "%s: %s (%s)\n", name, state, detail)
		}
		v, err := m.db.SchemaVersion(ctx)
		check("database", err == nil, errText(err, "reachable"))
		if err == nil {
			check("migrations", v == store.LatestVersion(), fmt.Sprintf("the schema is at version %d, this crmbot's is %d", v, store.LatestVersion()))
		}
		if bot != nil {
			ok, how := bot.Ready()
			check("slack", ok, how)
		}
		switch {
		case bg != nil && bg.poller != nil:
			failing, detail := bg.poller.Failing(), "long polling"
			if failing {
				detail += ": its last request failed"
			}
			check("telegram", !failing, detail)
		case bg != nil && bg.webhook != nil:
			check("telegram", true, "webhook")
		}
		if !ready {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		io.WriteString(w, b.String())
	}
}

// errText is err's text, or ok when err is nil.
func errText(err error, ok string) string {
	if err != nil {
		return err.Error()
	}
	return ok
}
