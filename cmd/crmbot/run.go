package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"time"

	"github.com/crmbot/crmbot/bot/slackbot"
	"github.com/crmbot/crmbot/domain"
	"github.com/crmbot/crmbot/store"
	"github.com/spf13/cobra"
)

func runCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "run",
		Short: "Run the bot: transports, HTTP server (the default)",
		Args:  cobra.NoArgs,
		RunE:  func(cmd *cobra.Command, _ []string) error { return runBot(cmd.Context(), cmd) },
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
func runBot(ctx context.Context, cmd *cobra.Command) error {
	a, err := open(ctx, cmd.ErrOrStderr())
	if err != nil {
		return err
	}
	defer a.close()
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	bot, err := a.slackBot()
	if err != nil {
		return err
	}
	if bot != nil {
		a.survey.Alerter = bot
	}
	bg, err := a.startBackground(ctx, bot != nil)
	if err != nil {
		return err
	}
	defer func() { cancel(); bg.stop(a) }()
	srv, err := a.serveHTTP(ctx, env("CRMBOT_HTTP_ADDR", "127.0.0.1:8080"), bot, bg)
	if err != nil {
		return err
	}
	defer srv.Close()
	a.log.Info("crmbot is running", "http", srv.Addr, "database", store.Redact(a.dbName))
	errc := make(chan error, 1)
	if bot != nil {
		go func() { errc <- bot.Run(ctx) }()
		defer a.startDigestScheduler(ctx)()
	} else if bg == nil {
		fmt.Fprintln(cmd.ErrOrStderr(), noTransport)
		if isTerminal(os.Stdin) {
			return a.console(cmd, "").Run(ctx)
		}
	}
	running := bot != nil
	select {
	case <-ctx.Done():
	case err = <-errc: // Slack refused the connection
		running = false
		cancel()
	}
	a.log.Info("crmbot is stopping")
	shut, done := context.WithTimeout(context.Background(), 5*time.Second)
	defer done()
	err = errors.Join(err, srv.Shutdown(shut))
	if running {
		err = errors.Join(err, <-errc) // the commands under way answer first
	}
	return err
}

// slackBot wires the Slack transport from the SLACK_* variables, or returns
// nil when SLACK_BOT_TOKEN is not set.
func (a *app) slackBot() (*slackbot.Bot, error) {
	cfg := slackbot.Config{
		BotToken:      env("SLACK_BOT_TOKEN", ""),
		AppToken:      env("SLACK_APP_TOKEN", ""),
		SigningSecret: env("SLACK_SIGNING_SECRET", ""),
		APIURL:        env("SLACK_API_URL", ""),
		TeamID:        env("SLACK_TEAM_ID", ""),
		Roles:         a.cfg.File.Roles,
	}
	if d := a.cfg.File.Digest; d != nil {
		cfg.DigestChannels = d.Channels
	}
	if cfg.BotToken == "" {
		return nil, nil
	}
	if cfg.AppToken == "" && cfg.SigningSecret == "" {
		return nil, errors.New("SLACK_BOT_TOKEN is set, but Slack cannot reach crmbot: set SLACK_APP_TOKEN (Socket Mode, no public URL) or SLACK_SIGNING_SECRET (HTTP endpoints /slack/commands, /slack/interactions, /slack/events), or both; the README's Slack section walks through it")
	}
	bot, err := slackbot.New(cfg, a.exec, a.db, a.now, a.log)
	if err != nil {
		return nil, err
	}
	a.log.Info("Slack is enabled", "socket_mode", cfg.AppToken != "", "http_endpoints", cfg.SigningSecret != "", "team", cfg.TeamID)
	return bot, nil
}

// serveHTTP starts the HTTP server: /healthz, /metrics, with a signing
// secret Slack's endpoints, with a webhook secret Telegram's.
func (a *app) serveHTTP(ctx context.Context, addr string, bot *slackbot.Bot, bg *background) (*http.Server, error) {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", a.healthz)
	mux.HandleFunc("GET /metrics", a.metrics)
	if bot != nil && env("SLACK_SIGNING_SECRET", "") != "" {
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
			a.log.Error("HTTP server stopped", "err", err)
		}
	}()
	return srv, nil
}

func (a *app) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
	defer cancel()
	if _, err := a.db.SchemaVersion(ctx); err != nil {
		http.Error(w, "database unreachable: "+err.Error(), http.StatusServiceUnavailable)
		return
	}
	fmt.Fprintln(w, "ok")
}

func (a *app) metrics(w http.ResponseWriter, r *http.Request) {
	counts, err := a.db.StageCounts(r.Context())
	if err != nil {
		http.Error(w, err.Error(), http.StatusServiceUnavailable)
		return
	}
	w.Header().Set("Content-Type", "text/plain; version=0.0.4")
	fmt.Fprintln(w, "# HELP crmbot_contacts Contacts per pipeline stage.")
	fmt.Fprintln(w, "# TYPE crmbot_contacts gauge")
	for _, st := range domain.Stages {
		fmt.Fprintf(w, "crmbot_contacts{stage=%q} %d\n", st, counts[st])
	}
}
